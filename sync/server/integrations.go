package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"smartpoint/app/auth"
	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
)

// The integrations API (protocol/integrations.go): partners publish
// manifests, an owner's CRM reads and moves loyalty cards, the owner reads
// the dashboard and the webhook delivery log. Each caller has an API key
// of its kind ("<id>.<secret>" like a token, argon2id-hashed in the
// store, checked once per key and process and then by a SHA-256 in
// memory); every call reaches the key's owner's data only. The requests
// go through the same middleware as the sync API: the request id, one log
// line each (never a key, a body or a card code), the concurrency limit
// and a rate limit per key.

func init() {
	for _, code := range []string{protocol.ErrIdempotencyConflict, protocol.ErrStaleVersion,
		protocol.ErrInsufficientBalance, protocol.ErrCardRevoked} {
		statusOf[code] = http.StatusConflict
	}
}

// Limits of the owner's GET endpoints.
const (
	DefaultDeliveries = 100
	MaxDeliveries     = 500
	// MaxDashboardRange is the longest range a dashboard covers.
	MaxDashboardRange = 366 * 24 * time.Hour
)

// integrations are the handlers of the integrations API on a server.
type integrations struct {
	s    *Server
	st   store.Integrations // nil when the store has none
	keys *keyCache
}

// integrationRoutes adds the integrations API to the server's routes.
func (s *Server) integrationRoutes(api func(method, path string, h func(http.ResponseWriter, *http.Request) error)) {
	in := &integrations{s: s, keys: &keyCache{max: s.opt.TokenCache, entries: map[string]cachedKey{}}}
	in.st, _ = s.st.(store.Integrations)
	api(http.MethodPost, protocol.PathPartnerManifests, in.publishManifest)
	api(http.MethodGet, protocol.PathCRMCard, in.card)
	api(http.MethodPost, protocol.PathCRMStamps, in.moveCard(protocol.MovementStamp))
	api(http.MethodPost, protocol.PathCRMRedeem, in.moveCard(protocol.MovementRedeem))
	api(http.MethodGet, protocol.PathOwnerDashboard, in.dashboard)
	api(http.MethodGet, protocol.PathOwnerDeliveries, in.deliveries)
	in.ownerRoutes(api) // owner_settings.go: settings, subscription
}

// keyHolder is who an API key speaks for.
type keyHolder struct {
	keyID     string
	kind      string
	ownerID   string
	partnerID string
	name      string
}

// authenticateKey finds the holder of the request's API key, limits its
// rate and checks that the key is of the kind the endpoint takes.
func (in *integrations) authenticateKey(r *http.Request, kind string) (keyHolder, error) {
	tok, ok := bearer(r)
	if !ok {
		return keyHolder{}, unauthorized("missing bearer key")
	}
	id, secret, ok := splitToken(tok)
	if !ok {
		return keyHolder{}, unauthorized("malformed key")
	}
	if err := in.s.rateLimit("k:" + id); err != nil {
		return keyHolder{}, err
	}
	if in.st == nil {
		return keyHolder{}, perr(protocol.ErrUnavailable, "this server's store has no integrations")
	}
	ctx := r.Context()
	now := in.s.opt.Now()
	sum := sha256.Sum256([]byte(secret))
	e, hit := in.keys.get(id)
	match := hit && subtle.ConstantTimeCompare(e.sum[:], sum[:]) == 1
	if !match || now.Sub(e.checkedAt) >= tokenRecheck || now.Before(e.checkedAt) {
		rec, err := in.st.APIKeyByID(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			in.keys.drop(id)
			return keyHolder{}, unauthorized("unknown key")
		}
		if err != nil {
			return keyHolder{}, fmt.Errorf("key lookup: %w", err)
		}
		if !match || rec.Hash != e.key.Hash { // argon2 once per key (and hash)
			good, err := in.s.verify(ctx, secret, rec.Hash)
			if err != nil {
				return keyHolder{}, err
			}
			if !good {
				return keyHolder{}, unauthorized("wrong key")
			}
		}
		e = cachedKey{sum: sum, key: rec, checkedAt: now}
		in.keys.put(id, e)
	}
	switch k := e.key; {
	case !k.RevokedAt.IsZero():
		return keyHolder{}, unauthorized("the key was revoked")
	case k.Kind != kind:
		return keyHolder{}, perr(protocol.ErrForbidden, fmt.Sprintf("a %s key does not reach this endpoint; it takes %s keys", k.Kind, kind))
	}
	return keyHolder{keyID: id, kind: e.key.Kind, ownerID: e.key.OwnerID, partnerID: e.key.PartnerID, name: e.key.Name}, nil
}

// keyCache remembers verified keys by id, as tokenCache does tokens: a
// SHA-256 of the secret (never the secret) and the stored record.
type keyCache struct {
	mu      sync.Mutex
	max     int
	entries map[string]cachedKey
}

type cachedKey struct {
	sum       [32]byte
	key       store.APIKey
	checkedAt time.Time
}

func (c *keyCache) get(id string) (cachedKey, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[id]
	return e, ok
}

func (c *keyCache) put(id string, e cachedKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[id]; !ok && len(c.entries) >= c.max {
		for k := range c.entries { // any one: a dropped key costs one argon2
			delete(c.entries, k)
			break
		}
	}
	c.entries[id] = e
}

func (c *keyCache) drop(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, id)
}

// integrationError maps a store error to a protocol error; anything else
// is a 500.
func integrationError(op string, err error, notFound string) error {
	var pe *protocol.Error
	switch {
	case errors.As(err, &pe):
		return pe
	case errors.Is(err, store.ErrNotFound):
		return perr(protocol.ErrNotFound, notFound)
	case errors.Is(err, store.ErrIdempotencyConflict):
		return perr(protocol.ErrIdempotencyConflict, errMessage(err))
	case errors.Is(err, store.ErrStaleVersion):
		return perr(protocol.ErrStaleVersion, errMessage(err))
	case errors.Is(err, store.ErrInsufficientBalance):
		return perr(protocol.ErrInsufficientBalance, errMessage(err))
	case errors.Is(err, store.ErrCardRevoked):
		return perr(protocol.ErrCardRevoked, errMessage(err)+"; use the card that replaced it")
	}
	return fmt.Errorf("%s: %w", op, err)
}

// errMessage is what a store error says after its sentinel's words.
func errMessage(err error) string {
	msg := err.Error()
	if _, rest, ok := strings.Cut(msg, ": "); ok {
		return rest
	}
	return msg
}

// strictQuery refuses parameters other than allowed and repeated ones.
func strictQuery(q url.Values, allowed ...string) error {
	for k, v := range q {
		known := false
		for _, a := range allowed {
			known = known || a == k
		}
		if !known {
			return perr(protocol.ErrBadRequest, "unknown parameter "+strconv.Quote(k))
		}
		if len(v) > 1 {
			return perr(protocol.ErrBadRequest, k+": given more than once")
		}
	}
	return nil
}

func (in *integrations) publishManifest(w http.ResponseWriter, r *http.Request) error {
	who, err := in.authenticateKey(r, store.KeyPartner)
	if err != nil {
		return err
	}
	key := r.Header.Get(protocol.IdempotencyKeyHeader)
	if err := protocol.CheckIdempotencyKey(key); err != nil {
		return err
	}
	var req protocol.ManifestRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	info(ctx).batch = len(req.Parcels)
	res, err := in.st.PublishManifest(ctx, who.partnerID, key, req, in.s.opt.Now())
	if err != nil {
		return integrationError("publish manifest", err, "no point "+req.PointID+" of this partner's owner")
	}
	in.s.log.Info("manifest published", "request_id", info(ctx).id, "owner", who.ownerID, "partner_key", who.keyID,
		"manifest", res.ManifestID, "version", res.Version, "point", res.PointID, "parcels", res.Parcels,
		"changed_after_acceptance", len(res.Changed))
	writeJSON(w, http.StatusOK, res)
	return nil
}

// cardCode is the {code} of a CRM path, checked like an identifier. The
// request's log line then shows the route ("/v1/crm/cards/{code}…"), not
// the card's code.
func cardCode(r *http.Request) (string, error) {
	code := r.PathValue("code")
	r.URL.Path, r.URL.RawPath = r.Pattern, ""
	if code == "" || len(code) > protocol.MaxIDLength || strings.ContainsFunc(code, func(c rune) bool { return c < ' ' || c > '~' }) {
		return "", perr(protocol.ErrBadRequest, "the card code: 1 to 64 printable characters")
	}
	return code, nil
}

func (in *integrations) card(w http.ResponseWriter, r *http.Request) error {
	code, err := cardCode(r)
	if err != nil {
		return err
	}
	who, err := in.authenticateKey(r, store.KeyCRM)
	if err != nil {
		return err
	}
	if err := strictQuery(r.URL.Query()); err != nil {
		return err
	}
	res, err := in.st.Card(r.Context(), who.ownerID, code)
	if err != nil {
		return integrationError("card", err, "no card with this code")
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (in *integrations) moveCard(kind string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		code, err := cardCode(r)
		if err != nil {
			return err
		}
		who, err := in.authenticateKey(r, store.KeyCRM)
		if err != nil {
			return err
		}
		var req protocol.CardMovementRequest
		if err := decode(w, r, &req); err != nil {
			return err
		}
		ctx := r.Context()
		res, err := in.st.MoveCard(ctx, who.ownerID, code, store.CardMovement{Kind: kind, Amount: req.Amount, Key: req.Key}, in.s.opt.Now())
		if err != nil {
			return integrationError(kind, err, "no card with this code")
		}
		in.s.log.Info("card "+kind, "request_id", info(ctx).id, "owner", who.ownerID, "crm_key", who.keyID,
			"movement", res.Movement, "amount", res.Amount)
		writeJSON(w, http.StatusOK, res)
		return nil
	}
}

// parseTime reads a dashboard bound: RFC 3339, or a date (midnight UTC).
func parseTime(field, s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, perr(protocol.ErrBadRequest, field+": a time (RFC 3339) or a date (YYYY-MM-DD)")
}

// dashboardQuery reads ?from=&to= strictly: to defaults to now, from to
// a day before to; from before to, at most MaxDashboardRange apart.
func dashboardQuery(q url.Values, now time.Time) (from, to time.Time, err error) {
	if err := strictQuery(q, "from", "to"); err != nil {
		return time.Time{}, time.Time{}, err
	}
	to = now.UTC()
	if s := q.Get("to"); s != "" {
		if to, err = parseTime("to", s); err != nil {
			return time.Time{}, time.Time{}, err
		}
	}
	from = to.Add(-24 * time.Hour)
	if s := q.Get("from"); s != "" {
		if from, err = parseTime("from", s); err != nil {
			return time.Time{}, time.Time{}, err
		}
	}
	if !from.Before(to) {
		return time.Time{}, time.Time{}, perr(protocol.ErrBadRequest, "from: must be before to")
	}
	if to.Sub(from) > MaxDashboardRange {
		return time.Time{}, time.Time{}, perr(protocol.ErrBadRequest, "from, to: at most 366 days apart")
	}
	return from, to, nil
}

func (in *integrations) dashboard(w http.ResponseWriter, r *http.Request) error {
	who, err := in.authenticateKey(r, store.KeyOwner)
	if err != nil {
		return err
	}
	now := in.s.opt.Now()
	from, to, err := dashboardQuery(r.URL.Query(), now)
	if err != nil {
		return err
	}
	d, err := in.st.Dashboard(r.Context(), who.ownerID, from, to, now)
	if err != nil {
		return integrationError("dashboard", err, "the key's owner is gone")
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// deliveriesQuery reads ?status=&limit= strictly.
func deliveriesQuery(q url.Values) (status string, limit int, err error) {
	if err := strictQuery(q, "status", "limit"); err != nil {
		return "", 0, err
	}
	switch status = q.Get("status"); status {
	case "", protocol.DeliveryPending, protocol.DeliveryDelivered, protocol.DeliveryFailed:
	default:
		return "", 0, perr(protocol.ErrBadRequest, "status: pending, delivered or failed")
	}
	limit = DefaultDeliveries
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			return "", 0, perr(protocol.ErrBadRequest, "limit: a positive number")
		}
		limit = min(n, MaxDeliveries)
	}
	return status, limit, nil
}

func (in *integrations) deliveries(w http.ResponseWriter, r *http.Request) error {
	who, err := in.authenticateKey(r, store.KeyOwner)
	if err != nil {
		return err
	}
	status, limit, err := deliveriesQuery(r.URL.Query())
	if err != nil {
		return err
	}
	ds, err := in.st.Deliveries(r.Context(), who.ownerID, status, limit)
	if err != nil {
		return integrationError("deliveries", err, "not found")
	}
	if ds == nil {
		ds = []protocol.Delivery{}
	}
	writeJSON(w, http.StatusOK, protocol.DeliveriesResponse{Deliveries: ds})
	return nil
}

// IssueKey makes an API key of kind for an owner (and, for a partner key,
// its partner) and stores its argon2id hash; the clear key is returned
// once, for whoever installs the integration.
func IssueKey(ctx context.Context, st store.Integrations, kind, ownerID, partnerID, name string, p auth.Params, now time.Time) (string, store.APIKey, error) {
	switch kind {
	case store.KeyPartner, store.KeyCRM, store.KeyOwner:
	default:
		return "", store.APIKey{}, fmt.Errorf("unknown key kind %q", kind)
	}
	if (kind == store.KeyPartner) != (partnerID != "") {
		return "", store.APIKey{}, errors.New("a partner key, and only one, names its partner")
	}
	if p == (auth.Params{}) {
		p = auth.Default
	}
	clear, id, secret := newToken()
	hash, err := auth.Hash(secret, p)
	if err != nil {
		return "", store.APIKey{}, err
	}
	k := store.APIKey{ID: id, Hash: hash, Kind: kind, OwnerID: ownerID, PartnerID: partnerID, Name: name,
		CreatedAt: now.UTC().Truncate(time.Millisecond)}
	if err := st.PutAPIKey(ctx, k); err != nil {
		return "", store.APIKey{}, err
	}
	return clear, k, nil
}
