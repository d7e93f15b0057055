package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"smartpoint/app/auth"
	"smartpoint/sync/server"
	"smartpoint/sync/server/store"
)

// The integrations' admin commands: partners and their keys, CRM keys,
// owner tokens and webhook subscriptions. Every key and secret is
// printed once and kept only hashed (keys) or only in the database
// (webhook secrets, which sign the deliveries).
//
//	smartpoint-cloud partner add --owner ID CODE NAME
//	smartpoint-cloud apikey add --owner ID NAME
//	smartpoint-cloud apikey revoke KEY_ID
//	smartpoint-cloud owner token --owner ID [NAME]
//	smartpoint-cloud webhook add --owner ID URL

const integrationsUsage = `  smartpoint-cloud partner add --owner ID CODE NAME
        Register a partner (carrier, marketplace) of the owner; CODE is its
        code in the counters (cdek, boxberry …). Prints its API key once.
  smartpoint-cloud apikey add --owner ID NAME
        An API key for the owner's CRM or cash register; printed once.
  smartpoint-cloud apikey revoke KEY_ID
        Revoke a partner, CRM or owner key (the id is the part before the dot).
  smartpoint-cloud owner token --owner ID [NAME]
        A token for the owner's dashboard and webhook log; printed once.
  smartpoint-cloud webhook add --owner ID URL
        Send the owner's parcel and loyalty events to URL; prints the
        secret that signs them, once.
`

// integrationCommand runs "partner …", "apikey …" and "webhook …".
func (c *cli) integrationCommand(args []string) error {
	sub := ""
	if len(args) >= 2 {
		sub = args[1]
	}
	switch args[0] + " " + sub {
	case "partner add":
		return c.partnerAdd(args[2:])
	case "apikey add":
		return c.keyAdd(store.KeyCRM, "apikey add --owner ID NAME", args[2:])
	case "apikey revoke":
		return c.keyRevoke(args[2:])
	case "webhook add":
		return c.webhookAdd(args[2:])
	}
	switch args[0] {
	case "partner":
		return usagef("partner: the command is 'partner add --owner ID CODE NAME'")
	case "apikey":
		return usagef("apikey: the commands are 'apikey add --owner ID NAME' and 'apikey revoke KEY_ID'")
	}
	return usagef("webhook: the command is 'webhook add --owner ID URL'")
}

// integrations opens the store with its integrations.
func (c *cli) integrations(db string) (store.Store, store.Integrations, error) {
	st, _, err := c.openStore(db)
	if err != nil {
		return nil, nil, err
	}
	is, ok := st.(store.Integrations)
	if !ok {
		st.Close()
		return nil, nil, errors.New("this database has no integrations")
	}
	return st, is, nil
}

// ownerFlagged parses a command's --owner and the rest.
func (c *cli) ownerFlagged(name string, args []string) (db, owner string, rest []string, err error) {
	fs := c.flags(name, &db)
	o := fs.String("owner", "", "")
	if rest, err = parse(fs, args); err != nil {
		return "", "", nil, err
	}
	if *o == "" {
		return "", "", nil, usagef("%s: --owner ID is required (the id 'owner add' printed)", name)
	}
	return db, *o, rest, nil
}

func noOwner(err error, owner string) error {
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no owner %q in this database (add it with 'owner add NAME')", owner)
	}
	return err
}

// partnerCode is a partner's code as the counter keeps it.
var partnerCode = regexp.MustCompile(`^[a-z0-9_]{2,24}$`)

// partnerResult is `partner add --json`.
type partnerResult struct {
	PartnerID string `json:"partner_id"`
	OwnerID   string `json:"owner_id"`
	Code      string `json:"code"`
	Name      string `json:"name"`
	KeyID     string `json:"key_id"`
	Key       string `json:"key"`
}

func (c *cli) partnerAdd(args []string) error {
	db, owner, rest, err := c.ownerFlagged("partner add", args)
	if err != nil {
		return err
	}
	if len(rest) < 2 {
		return usagef("the command is 'partner add --owner ID CODE NAME'")
	}
	code := strings.ToLower(rest[0])
	if !partnerCode.MatchString(code) {
		return usagef("partner add: CODE is 2 to 24 of a-z, 0-9 and _ (the partner's code in the counters)")
	}
	name, err := oneName("partner add --owner ID CODE NAME", rest[1:])
	if err != nil {
		return err
	}
	st, is, err := c.integrations(db)
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := is.CreatePartner(c.ctx, owner, code, name, time.Now())
	if errors.Is(err, store.ErrExists) {
		return fmt.Errorf("the owner has a partner %q already", code)
	}
	if err != nil {
		return fmt.Errorf("add the partner: %w", noOwner(err, owner))
	}
	key, k, err := server.IssueKey(c.ctx, is, store.KeyPartner, owner, p.ID, p.Name, auth.Default, time.Now())
	if err != nil {
		return fmt.Errorf("make the partner's key: %w", err)
	}
	return c.result(partnerResult{p.ID, owner, p.Code, p.Name, k.ID, key}, fmt.Sprintf(
		"Partner %q (%s): %s\nAPI key: %s\n"+
			"It publishes manifests to the owner's points (POST /v1/partner/manifests,\n"+
			"Authorization: Bearer <key>). Give it to the partner; it is not shown again.",
		p.Name, p.Code, p.ID, key))
}

// keyResult is `apikey add --json` and `owner token --json`.
type keyResult struct {
	KeyID   string `json:"key_id"`
	OwnerID string `json:"owner_id"`
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Key     string `json:"key"`
}

func (c *cli) keyAdd(kind, form string, args []string) error {
	name := strings.Fields(form)[0] + " " + strings.Fields(form)[1]
	db, owner, rest, err := c.ownerFlagged(name, args)
	if err != nil {
		return err
	}
	keyName := "owner"
	if kind != store.KeyOwner || len(rest) > 0 {
		if keyName, err = oneName(form, rest); err != nil {
			return err
		}
	}
	st, is, err := c.integrations(db)
	if err != nil {
		return err
	}
	defer st.Close()
	key, k, err := server.IssueKey(c.ctx, is, kind, owner, "", keyName, auth.Default, time.Now())
	if err != nil {
		return fmt.Errorf("make the key: %w", noOwner(err, owner))
	}
	what := "The CRM's key: cards, stamps and redemptions (/v1/crm/…)"
	if kind == store.KeyOwner {
		what = "The owner's token: the dashboard and the webhook log (/v1/owner/…)"
	}
	return c.result(keyResult{k.ID, owner, kind, keyName, key}, fmt.Sprintf(
		"%s %q: %s\n%s.\nIt is not shown again ('apikey revoke %s' revokes it).", kind, keyName, key, what, k.ID))
}

// ownerToken is "owner token --owner ID [NAME]".
func (c *cli) ownerToken(args []string) error {
	return c.keyAdd(store.KeyOwner, "owner token --owner ID [NAME]", args)
}

func (c *cli) keyRevoke(args []string) error {
	var db string
	fs := c.flags("apikey revoke", &db)
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("the command is 'apikey revoke KEY_ID'")
	}
	id, _, _ := strings.Cut(rest[0], ".") // the whole key works too
	st, is, err := c.integrations(db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := is.RevokeAPIKey(c.ctx, id, time.Now()); errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no key %q in this database", id)
	} else if err != nil {
		return fmt.Errorf("revoke the key: %w", err)
	}
	return c.result(map[string]string{"key_id": id}, fmt.Sprintf("Key %s revoked (a running server stops taking it within a minute).", id))
}

// webhookResult is `webhook add --json`.
type webhookResult struct {
	WebhookID string `json:"webhook_id"`
	OwnerID   string `json:"owner_id"`
	URL       string `json:"url"`
	Secret    string `json:"secret"`
}

func (c *cli) webhookAdd(args []string) error {
	db, owner, rest, err := c.ownerFlagged("webhook add", args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("the command is 'webhook add --owner ID URL'")
	}
	if err := server.CheckWebhookURL(rest[0]); err != nil {
		return usagef("webhook add: %v", err)
	}
	st, is, err := c.integrations(db)
	if err != nil {
		return err
	}
	defer st.Close()
	h, err := server.AddWebhook(c.ctx, is, owner, rest[0], time.Now())
	if err != nil {
		return fmt.Errorf("add the webhook: %w", noOwner(err, owner))
	}
	return c.result(webhookResult{h.ID, owner, h.URL, h.Secret}, fmt.Sprintf(
		"Webhook %s: %s\nSecret: %s\n"+
			"Each delivery carries X-SmartPoint-Signature: t=<unix>,v1=<hex HMAC-SHA256 of\n"+
			"\"<t>.<body>\" with this secret>. Give it to the receiver; it is not shown again.",
		h.ID, h.URL, h.Secret))
}

// startWebhooks runs the webhook delivery worker beside the server until
// ctx ends; the returned stop waits for it (before the store closes).
func (c *cli) startWebhooks(ctx context.Context, st store.Store) (stop func()) {
	is, ok := st.(store.Integrations)
	if !ok {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		server.NewWebhooks(is, server.WebhookOptions{Logger: c.log}).Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}
