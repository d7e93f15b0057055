package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
)

// What the operator and the owner push to the points, from the command
// line: the counters' settings and the owner's plan.
//
//	smartpoint-cloud point settings --owner ID --point ID [KEY=VALUE …]
//	smartpoint-cloud plan set --owner ID --plan NAME --status active|grace|suspended --paid-until YYYY-MM-DD
//	smartpoint-cloud plan show --owner ID

const ownerSettingsUsage = `  smartpoint-cloud point settings --owner ID --point ID [KEY=VALUE …]
        Push settings to the point's counter, which applies them at its next
        sync: theme=|light|dark, large_text=, sound=, auto_delivery=,
        cell_labels= (true or false), idle_lock_minutes=0..240,
        receipt_print=ask|always|never. Without KEY=VALUE: the last push.
  smartpoint-cloud plan set --owner ID --plan NAME --status active|grace|suspended --paid-until YYYY-MM-DD
        Set the owner's plan; every point of the owner gets it at its next
        sync (the counters never stop syncing because of it).
  smartpoint-cloud plan show --owner ID
        The owner's plan.
`

// ownerSettings opens the store with its settings and subscriptions.
func (c *cli) ownerSettings(db string) (store.Store, store.OwnerSettings, error) {
	st, _, err := c.openStore(db)
	if err != nil {
		return nil, nil, err
	}
	os, ok := st.(store.OwnerSettings)
	if !ok {
		st.Close()
		return nil, nil, errors.New("this database keeps no settings nor plans")
	}
	return st, os, nil
}

// settingKinds are the counter's settings and how a value is read.
var settingKinds = map[string]string{
	"theme": "text", "receipt_print": "text", "idle_lock_minutes": "number",
	"large_text": "bool", "sound": "bool", "auto_delivery": "bool", "cell_labels": "bool",
}

// parseSettings reads KEY=VALUE arguments into the settings they push,
// checked as the API checks a push (protocol.Decode).
func parseSettings(args []string) (protocol.PointSettings, error) {
	fields := map[string]any{}
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		kind, known := settingKinds[k]
		switch {
		case !ok:
			return protocol.PointSettings{}, usagef("point settings: %q is not KEY=VALUE", a)
		case !known:
			keys := slices.Sorted(maps.Keys(settingKinds))
			return protocol.PointSettings{}, usagef("point settings: no setting %q; the settings are %s", k, strings.Join(keys, ", "))
		case fields[k] != nil:
			return protocol.PointSettings{}, usagef("point settings: %s given twice", k)
		}
		switch kind {
		case "bool":
			b, err := strconv.ParseBool(v)
			if err != nil {
				return protocol.PointSettings{}, usagef("point settings: %s=%s: true or false", k, v)
			}
			fields[k] = b
		case "number":
			n, err := strconv.Atoi(v)
			if err != nil {
				return protocol.PointSettings{}, usagef("point settings: %s=%s: a whole number", k, v)
			}
			fields[k] = n
		default:
			fields[k] = v
		}
	}
	body, err := json.Marshal(map[string]any{"settings": fields})
	if err != nil {
		return protocol.PointSettings{}, err
	}
	var req protocol.SettingsRequest
	if err := protocol.Decode(bytes.NewReader(body), &req); err != nil {
		var pe *protocol.Error
		if errors.As(err, &pe) {
			return protocol.PointSettings{}, usagef("point settings: %s", pe.Message)
		}
		return protocol.PointSettings{}, err
	}
	return req.Settings, nil
}

// settingsText is settings as KEY=VALUE, in the counter's order.
func settingsText(s protocol.PointSettings) string {
	raw, _ := json.Marshal(s)
	var m map[string]json.RawMessage
	_ = json.Unmarshal(raw, &m)
	var out []string
	for _, k := range []string{"theme", "large_text", "idle_lock_minutes", "sound", "auto_delivery", "receipt_print", "cell_labels"} {
		if v, ok := m[k]; ok {
			out = append(out, k+"="+strings.Trim(string(v), `"`))
		}
	}
	if len(out) == 0 {
		return "(none)"
	}
	return strings.Join(out, " ")
}

func (c *cli) pointSettings(args []string) error {
	var db string
	fs := c.flags("point settings", &db)
	owner := fs.String("owner", "", "")
	point := fs.String("point", "", "")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *owner == "" || *point == "" {
		return usagef("point settings: --owner ID and --point ID are required")
	}
	var set protocol.PointSettings
	if len(rest) > 0 {
		if set, err = parseSettings(rest); err != nil {
			return err
		}
	}
	st, os, err := c.ownerSettings(db)
	if err != nil {
		return err
	}
	defer st.Close()
	noPoint := func(err error) error {
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no point %q of owner %q in this database", *point, *owner)
		}
		return err
	}
	if len(rest) == 0 {
		res, err := os.PointSettings(c.ctx, *owner, *point)
		if err != nil {
			return fmt.Errorf("read the settings: %w", noPoint(err))
		}
		if res.Version == 0 {
			return c.result(res, fmt.Sprintf("No settings were pushed to point %s.", *point))
		}
		return c.result(res, fmt.Sprintf("Point %s: version %d, pushed %s: %s", *point, res.Version,
			res.PushedAt.UTC().Format("2006-01-02 15:04 MST"), settingsText(res.Settings)))
	}
	res, err := os.PushSettings(c.ctx, *owner, *point, set, time.Now())
	if err != nil {
		return fmt.Errorf("push the settings: %w", noPoint(err))
	}
	return c.result(res, fmt.Sprintf("Settings version %d pushed to point %s: %s\nThe counter applies them at its next sync.",
		res.Version, *point, settingsText(res.Settings)))
}

// planResult is `plan set --json` and `plan show --json`.
type planResult struct {
	OwnerID string `json:"owner_id"`
	protocol.Subscription
}

// planCommand runs "plan set" and "plan show".
func (c *cli) planCommand(args []string) error {
	switch {
	case len(args) >= 2 && args[1] == "set":
		return c.planSet(args[2:])
	case len(args) >= 2 && args[1] == "show":
		return c.planShow(args[2:])
	}
	return usagef("plan: the commands are 'plan set --owner ID --plan NAME --status active|grace|suspended --paid-until YYYY-MM-DD' and 'plan show --owner ID'")
}

func planText(owner string, s protocol.Subscription) string {
	return fmt.Sprintf("Owner %s: plan %q, %s, paid until %s.", owner, s.Plan, s.Status, s.PaidUntil.UTC().Format(time.DateOnly))
}

func (c *cli) planSet(args []string) error {
	var db string
	fs := c.flags("plan set", &db)
	owner := fs.String("owner", "", "")
	plan := fs.String("plan", "", "")
	status := fs.String("status", "", "")
	paid := fs.String("paid-until", "", "")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("plan set: unexpected %q", rest[0])
	}
	if *owner == "" || *plan == "" || *status == "" || *paid == "" {
		return usagef("plan set: --owner ID, --plan NAME, --status active|grace|suspended and --paid-until YYYY-MM-DD are required")
	}
	until, err := time.Parse(time.DateOnly, *paid)
	if err != nil {
		return usagef("plan set: --paid-until %q: a date, YYYY-MM-DD", *paid)
	}
	sub := protocol.Subscription{Plan: *plan, Status: *status, PaidUntil: until}
	if err := sub.Validate(); err != nil {
		var pe *protocol.Error
		if errors.As(err, &pe) {
			return usagef("plan set: %s", pe.Message)
		}
		return err
	}
	st, os, err := c.ownerSettings(db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := os.SetSubscription(c.ctx, *owner, sub, time.Now()); err != nil {
		return fmt.Errorf("set the plan: %w", noOwner(err, *owner))
	}
	return c.result(planResult{*owner, sub}, planText(*owner, sub)+"\nEvery point of the owner gets it at its next sync.")
}

func (c *cli) planShow(args []string) error {
	db, owner, rest, err := c.ownerFlagged("plan show", args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("plan show: unexpected %q", rest[0])
	}
	st, os, err := c.ownerSettings(db)
	if err != nil {
		return err
	}
	defer st.Close()
	sub, err := os.Subscription(c.ctx, owner)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no plan was set for owner %q (set one with 'plan set')", owner)
	}
	if err != nil {
		return fmt.Errorf("read the plan: %w", err)
	}
	return c.result(planResult{owner, sub}, planText(owner, sub))
}
