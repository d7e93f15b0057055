package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"smartpoint/app/auth"
	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
)

// storeKinds are the stores every HTTP test runs on: the in-memory fake
// here; server_sqlite_test.go adds the real SQLite store.
var storeKinds = []storeKind{{"fake", newFakeStore}}

type storeKind struct {
	name string
	open func(*testing.T) store.Store
}

func eachStore(t *testing.T, test func(t *testing.T, st store.Store)) {
	for _, k := range storeKinds {
		t.Run(k.name, func(t *testing.T) {
			st := k.open(t)
			t.Cleanup(func() { _ = st.Close() })
			test(t, st)
		})
	}
}

// clock is the test's time: it moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// syncBuffer collects log lines from the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type env struct {
	t     *testing.T
	st    store.Store
	srv   *Server
	url   string
	clock *clock
	logs  *syncBuffer
	hs    *httptest.Server
}

// newEnv serves a Server on st over loopback (httptest), with a frozen
// clock and cheap hashes.
func newEnv(t *testing.T, st store.Store, tweak func(*Options)) *env {
	t.Helper()
	e := &env{t: t, st: st, clock: &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}, logs: &syncBuffer{}}
	opt := Options{
		Logger: slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:    e.clock.Now,
		Hash:   auth.Fast,
	}
	if tweak != nil {
		tweak(&opt)
	}
	e.srv = New(st, opt)
	e.hs = httptest.NewServer(e.srv.Handler())
	t.Cleanup(e.hs.Close)
	e.url = e.hs.URL
	return e
}

// point makes an owner's point and its activation code.
func (e *env) point(ownerID, name string) (store.Point, string) {
	e.t.Helper()
	ctx := context.Background()
	p, err := e.st.CreatePoint(ctx, ownerID, name)
	if err != nil {
		e.t.Fatal(err)
	}
	code, _, err := IssueActivation(ctx, e.st, p.ID, 0, auth.Fast, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return p, code
}

func (e *env) owner(name string) store.Owner {
	e.t.Helper()
	o, err := e.st.CreateOwner(context.Background(), name)
	if err != nil {
		e.t.Fatal(err)
	}
	return o
}

// registered is a point registered over HTTP: its tokens and device.
type registered struct {
	store.Point
	tokens protocol.Tokens
	device string
}

// registeredPoint makes an owner (or uses ownerID), a point, and
// registers it as device.
func (e *env) registeredPoint(ownerID, name, device string) registered {
	e.t.Helper()
	if ownerID == "" {
		ownerID = e.owner("Owner of " + name).ID
	}
	p, code := e.point(ownerID, name)
	var toks protocol.Tokens
	res := e.call(http.MethodPost, protocol.PathRegister, "", protocol.RegisterRequest{
		Protocol: protocol.Version, ActivationCode: code, DeviceID: device, DeviceName: "PC " + name, AppVersion: "1.0.0",
	}, &toks)
	if res.status != http.StatusOK {
		e.t.Fatalf("register %s: %d %s", name, res.status, res.body)
	}
	return registered{Point: p, tokens: toks, device: device}
}

type result struct {
	status int
	header http.Header
	body   []byte
	err    protocol.Error
}

// call sends body (a value to encode, a string or []byte as is) and
// decodes a 200 into out; any other answer must be a protocol.Error.
func (e *env) call(method, path, token string, body any, out any) result {
	e.t.Helper()
	res, err := send(http.DefaultClient, e.url, method, path, token, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if res.status == http.StatusOK && out != nil {
		if err := json.Unmarshal(res.body, out); err != nil {
			e.t.Fatalf("%s %s: answer %s: %v", method, path, res.body, err)
		}
	}
	return res
}

func send(c *http.Client, base, method, path, token string, body any) (result, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	case io.Reader:
		rd = b
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			return result{}, err
		}
		rd = bytes.NewReader(enc)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		return result{}, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return result{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return result{}, err
	}
	r := result{status: resp.StatusCode, header: resp.Header, body: raw}
	if resp.StatusCode != http.StatusOK {
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			return r, errors.New("error answer is not JSON: " + ct + ": " + string(raw))
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r.err); err != nil || r.err.Code == "" || r.err.Message == "" {
			return r, errors.New("error answer is not a protocol.Error: " + string(raw))
		}
	}
	return r, nil
}

// wantError checks an error answer's status and code.
func wantError(t *testing.T, r result, status int, code string) {
	t.Helper()
	if r.status != status || r.err.Code != code {
		t.Fatalf("got %d %q (%s), want %d %q", r.status, r.err.Code, r.body, status, code)
	}
}

func (r registered) hello(incarnation string, maxSeq int64) protocol.HelloRequest {
	return protocol.HelloRequest{Protocol: protocol.Version, AppVersion: "1.0.0", DeviceID: r.device,
		Incarnation: incarnation, MaxClientSeq: maxSeq}
}

// event is a valid event; seq is its client_seq.
func event(id string, seq int64, kind, entity string) protocol.Event {
	return protocol.Event{ID: id, ClientSeq: seq, Kind: kind, Entity: entity,
		OccurredAt: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC), Payload: json.RawMessage(`{"n":1}`)}
}

func (r registered) push(incarnation string, events ...protocol.Event) protocol.PushRequest {
	return protocol.PushRequest{Protocol: protocol.Version, DeviceID: r.device, Incarnation: incarnation,
		BatchID: "batch-1", Events: events}
}

func pullPath(stream, cursor string, limit int) string {
	q := url.Values{"stream": {stream}}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	if limit > 0 {
		q.Set("limit", itoa(limit))
	}
	return protocol.PathPull + "?" + q.Encode()
}

func itoa(n int) string { return strconv.Itoa(n) }

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// wait receives from ch or fails the test after a generous bound (a
// guard against a hang, not a synchronisation).
func wait[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(20 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

func TestRegisterUsesTheActivationCodeOnce(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		own := e.owner("Ivanov")
		p, code := e.point(own.ID, "Lenina 1")
		req := protocol.RegisterRequest{Protocol: protocol.Version, DeviceID: "dev-a", DeviceName: "Kassa", AppVersion: "1.0.0",
			// as an installer might type it: lower case, no dashes, O for 0
			ActivationCode: strings.ReplaceAll(strings.ToLower(strings.ReplaceAll(code, "-", " ")), "0", "o")}
		var toks protocol.Tokens
		if r := e.call(http.MethodPost, protocol.PathRegister, "", req, &toks); r.status != http.StatusOK {
			t.Fatalf("register: %d %s", r.status, r.body)
		}
		if toks.PointID != p.ID || toks.OwnerID != own.ID || toks.PointName != "Lenina 1" {
			t.Errorf("tokens name point %q owner %q %q, want %q %q", toks.PointID, toks.OwnerID, toks.PointName, p.ID, own.ID)
		}
		if toks.AccessToken == "" || toks.RefreshToken == "" || toks.AccessToken == toks.RefreshToken {
			t.Errorf("tokens: %+v", toks)
		}
		if want := e.clock.Now().Add(DefaultAccessTTL); !toks.ExpiresAt.Equal(want) {
			t.Errorf("access token expires %v, want %v", toks.ExpiresAt, want)
		}
		got, err := st.Point(context.Background(), p.ID)
		if err != nil || got.DeviceID != "dev-a" {
			t.Errorf("point's device %q (%v), want dev-a", got.DeviceID, err)
		}
		// The token works.
		if r := e.call(http.MethodPost, protocol.PathHello, toks.AccessToken, registered{device: "dev-a"}.hello("i1", 0), nil); r.status != http.StatusOK {
			t.Fatalf("hello with the new token: %d %s", r.status, r.body)
		}
		// The same code again, even from the same PC, is refused.
		req.DeviceID = "dev-b"
		wantError(t, e.call(http.MethodPost, protocol.PathRegister, "", req, nil), http.StatusForbidden, protocol.ErrActivationInvalid)
		req.DeviceID = "dev-a"
		wantError(t, e.call(http.MethodPost, protocol.PathRegister, "", req, nil), http.StatusForbidden, protocol.ErrActivationInvalid)
		// A made-up code too.
		req.ActivationCode = "AAAA-BBBB-CCCC"
		wantError(t, e.call(http.MethodPost, protocol.PathRegister, "", req, nil), http.StatusForbidden, protocol.ErrActivationInvalid)
	})
}

func TestActivationCodeExpiresAfterSevenDays(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		_, code := e.point(e.owner("O").ID, "P")
		e.clock.Advance(DefaultActivationTTL + time.Second)
		req := protocol.RegisterRequest{Protocol: protocol.Version, ActivationCode: code, DeviceID: "dev-a"}
		wantError(t, e.call(http.MethodPost, protocol.PathRegister, "", req, nil), http.StatusForbidden, protocol.ErrActivationInvalid)
	})
}

// A refresh gives a new access token and keeps the refresh token, whose
// life slides with use: a lost answer, a counter restored from a backup or
// a copied database can refresh again instead of being locked out. A
// revoked refresh token stops working.
func TestRefreshKeepsTheRefreshTokenAndSlidesItsLife(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		p := e.registeredPoint("", "P", "dev-a")
		var next protocol.Tokens
		r := e.call(http.MethodPost, protocol.PathRefresh, "", protocol.RefreshRequest{RefreshToken: p.tokens.RefreshToken}, &next)
		if r.status != http.StatusOK {
			t.Fatalf("refresh: %d %s", r.status, r.body)
		}
		if next.AccessToken == p.tokens.AccessToken || next.RefreshToken != p.tokens.RefreshToken || next.PointID != p.ID {
			t.Fatalf("refresh gave %+v", next)
		}
		if r := e.call(http.MethodPost, protocol.PathHello, next.AccessToken, p.hello("i1", 0), nil); r.status != http.StatusOK {
			t.Fatalf("hello with the refreshed token: %d %s", r.status, r.body)
		}
		// The answer was lost: the same refresh token works again, and
		// keeps working past its first life as long as it is used.
		for range 3 {
			e.clock.Advance(DefaultRefreshTTL - time.Hour)
			if r := e.call(http.MethodPost, protocol.PathRefresh, "", protocol.RefreshRequest{RefreshToken: p.tokens.RefreshToken}, nil); r.status != http.StatusOK {
				t.Fatalf("refresh again: %d %s", r.status, r.body)
			}
		}
		// Unused for longer than its life, it expires.
		e.clock.Advance(DefaultRefreshTTL + time.Hour)
		wantError(t, e.call(http.MethodPost, protocol.PathRefresh, "", protocol.RefreshRequest{RefreshToken: p.tokens.RefreshToken}, nil),
			http.StatusUnauthorized, protocol.ErrUnauthorized)
		// An access token is no refresh token, and the other way round.
		wantError(t, e.call(http.MethodPost, protocol.PathRefresh, "", protocol.RefreshRequest{RefreshToken: next.AccessToken}, nil),
			http.StatusUnauthorized, protocol.ErrUnauthorized)
		wantError(t, e.call(http.MethodPost, protocol.PathHello, next.RefreshToken, p.hello("i1", 0), nil),
			http.StatusUnauthorized, protocol.ErrUnauthorized)
	})
}

// The owner revokes a point's refresh token: it stops working at once.
func TestRevokedRefreshTokenIsRefused(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		p := e.registeredPoint("", "P", "dev-a")
		id, _, _ := splitToken(p.tokens.RefreshToken)
		if err := st.RevokeToken(context.Background(), id, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		wantError(t, e.call(http.MethodPost, protocol.PathRefresh, "", protocol.RefreshRequest{RefreshToken: p.tokens.RefreshToken}, nil),
			http.StatusUnauthorized, protocol.ErrUnauthorized)
	})
}

func TestExpiredAccessTokenSaysRefreshAndRefreshWorks(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		p := e.registeredPoint("", "P", "dev-a")
		if r := e.call(http.MethodPost, protocol.PathHello, p.tokens.AccessToken, p.hello("i1", 0), nil); r.status != http.StatusOK {
			t.Fatalf("hello: %d %s", r.status, r.body) // and the token is cached now
		}
		e.clock.Advance(DefaultAccessTTL)
		r := e.call(http.MethodPost, protocol.PathHello, p.tokens.AccessToken, p.hello("i1", 0), nil)
		wantError(t, r, http.StatusUnauthorized, protocol.ErrTokenExpired)
		if !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("401 without WWW-Authenticate: %q", r.header.Get("WWW-Authenticate"))
		}
		var next protocol.Tokens
		if r := e.call(http.MethodPost, protocol.PathRefresh, "", protocol.RefreshRequest{RefreshToken: p.tokens.RefreshToken}, &next); r.status != http.StatusOK {
			t.Fatalf("refresh after expiry: %d %s", r.status, r.body)
		}
		if r := e.call(http.MethodPost, protocol.PathHello, next.AccessToken, p.hello("i1", 0), nil); r.status != http.StatusOK {
			t.Fatalf("hello after refresh: %d %s", r.status, r.body)
		}
		// A refresh token past its 90 days cannot help: register again.
		e.clock.Advance(DefaultRefreshTTL)
		wantError(t, e.call(http.MethodPost, protocol.PathRefresh, "", protocol.RefreshRequest{RefreshToken: next.RefreshToken}, nil),
			http.StatusUnauthorized, protocol.ErrUnauthorized)
	})
}

func TestWrongTokensAreUnauthorized(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		p := e.registeredPoint("", "P", "dev-a")
		id, secret, _ := strings.Cut(p.tokens.AccessToken, ".")
		other := []byte(secret)
		other[0] ^= 1
		if other[0] == '-' || other[0] == '_' {
			other[0] = 'A'
		}
		for name, tok := range map[string]string{
			"none":           "",
			"garbage":        "hello",
			"wrong secret":   id + "." + string(other),
			"unknown id":     strings.Repeat("a", tokenIDLen) + "." + secret,
			"secret missing": id,
		} {
			t.Run(name, func(t *testing.T) {
				wantError(t, e.call(http.MethodPost, protocol.PathHello, tok, p.hello("i1", 0), nil), http.StatusUnauthorized, protocol.ErrUnauthorized)
				wantError(t, e.call(http.MethodGet, pullPath(protocol.StreamOwner, "", 0), tok, nil, nil), http.StatusUnauthorized, protocol.ErrUnauthorized)
			})
		}
		// A cached good token does not make a wrong secret for its id pass.
		if r := e.call(http.MethodPost, protocol.PathHello, p.tokens.AccessToken, p.hello("i1", 0), nil); r.status != http.StatusOK {
			t.Fatal(r.status)
		}
		wantError(t, e.call(http.MethodPost, protocol.PathHello, id+"."+string(other), p.hello("i1", 0), nil), http.StatusUnauthorized, protocol.ErrUnauthorized)
	})
}

func TestTokenOfAnotherDeviceIsForbidden(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		p := e.registeredPoint("", "P", "dev-a")
		p.device = "dev-b"
		wantError(t, e.call(http.MethodPost, protocol.PathHello, p.tokens.AccessToken, p.hello("i1", 0), nil), http.StatusForbidden, protocol.ErrForbidden)
		wantError(t, e.call(http.MethodPost, protocol.PathPush, p.tokens.AccessToken,
			p.push("i1", event("e1", 1, "loyalty.stamp_earned", "card:1")), nil), http.StatusForbidden, protocol.ErrForbidden)
	})
}

func TestPushIsIdempotentAndHelloReportsWhereThePointStands(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		p := e.registeredPoint("", "P", "dev-a")
		tok := p.tokens.AccessToken
		var hello protocol.HelloResponse
		if r := e.call(http.MethodPost, protocol.PathHello, tok, p.hello("i1", 0), &hello); r.status != http.StatusOK {
			t.Fatalf("hello: %d %s", r.status, r.body)
		}
		if hello.Epoch == "" || hello.LastAcked != 0 || hello.MinProtocol != protocol.MinVersion ||
			!hello.ServerTime.Equal(e.clock.Now()) || len(hello.Streams) != 2 {
			t.Fatalf("first hello: %+v", hello)
		}
		batch := p.push("i1",
			event("e1", 1, "loyalty.stamp_earned", "card:1"),
			event("e2", 2, "loyalty.stamp_earned", "card:1"))
		batch.Events = append(batch.Events, event("", 3, "loyalty.stamp_earned", "card:1")) // poison: no id
		var res protocol.PushResponse
		if r := e.call(http.MethodPost, protocol.PathPush, tok, batch, &res); r.status != http.StatusOK {
			t.Fatalf("push: %d %s", r.status, r.body)
		}
		if res.Epoch != hello.Epoch || res.LastAcked != 3 || len(res.Results) != 3 ||
			res.Results[0].Status != protocol.StatusApplied || res.Results[1].Status != protocol.StatusApplied ||
			res.Results[2].Status != protocol.StatusRejected || res.Results[2].Code != protocol.RejectMalformed {
			t.Fatalf("push answer: %+v", res)
		}
		// The answer was lost; the client sends the batch again.
		batch.Events = batch.Events[:2]
		var again protocol.PushResponse
		if r := e.call(http.MethodPost, protocol.PathPush, tok, batch, &again); r.status != http.StatusOK {
			t.Fatalf("push again: %d %s", r.status, r.body)
		}
		for i, r := range again.Results {
			if r.Status != protocol.StatusDuplicate || r.ServerSeq != res.Results[i].ServerSeq {
				t.Errorf("resent event %d: %+v, want duplicate of %+v", i, r, res.Results[i])
			}
		}
		if r := e.call(http.MethodPost, protocol.PathHello, tok, p.hello("i1", 3), &hello); r.status != http.StatusOK || hello.LastAcked != 3 {
			t.Fatalf("hello after push: %d %+v", r.status, hello)
		}
		// A restored database says it holds only 1: LastAcked above tells it so.
		if hello.LastAcked <= 1 {
			t.Fatal("LastAcked does not reveal the restore")
		}
	})
}

func TestCopiedDatabaseGetsIncarnationConflict(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		p := e.registeredPoint("", "P", "dev-a")
		tok := p.tokens.AccessToken
		if r := e.call(http.MethodPost, protocol.PathPush, tok, p.push("i1", event("e1", 1, "loyalty.stamp_earned", "card:1")), nil); r.status != http.StatusOK {
			t.Fatalf("push: %d %s", r.status, r.body)
		}
		// The copy wrote its own event 1.
		r := e.call(http.MethodPost, protocol.PathPush, tok, p.push("i1", event("e1-copy", 1, "loyalty.stamp_earned", "card:1")), nil)
		wantError(t, r, http.StatusConflict, protocol.ErrIncarnationConflict)
		epoch, _ := st.Epoch(context.Background())
		if r.err.Epoch != epoch || r.err.Expected != 2 {
			t.Errorf("conflict says epoch %q expected %d, want %q and 2", r.err.Epoch, r.err.Expected, epoch)
		}
		// With a new incarnation the copy goes on.
		if r := e.call(http.MethodPost, protocol.PathPush, tok, p.push("i2", event("e1-copy", 1, "loyalty.stamp_earned", "card:1")), nil); r.status != http.StatusOK {
			t.Fatalf("push as a new incarnation: %d %s", r.status, r.body)
		}
	})
}

func TestPullPagesWithTheCursorAndResetsAfterARestore(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		a := e.registeredPoint("", "A", "dev-a")
		b := e.registeredPoint(a.OwnerID, "B", "dev-b")
		var events []protocol.Event
		for i := range 3 {
			events = append(events, event("b-"+itoa(i+1), int64(i+1), "loyalty.stamp_earned", "card:7"))
		}
		if r := e.call(http.MethodPost, protocol.PathPush, b.tokens.AccessToken, b.push("i1", events...), nil); r.status != http.StatusOK {
			t.Fatalf("push: %d %s", r.status, r.body)
		}
		// A sees B's stamps on the owner stream, a page at a time.
		var seen []protocol.Change
		cursor := ""
		for range 10 {
			var page protocol.PullResponse
			r := e.call(http.MethodGet, pullPath(protocol.StreamOwner, cursor, 2), a.tokens.AccessToken, nil, &page)
			if r.status != http.StatusOK {
				t.Fatalf("pull: %d %s", r.status, r.body)
			}
			if len(page.Changes) > 2 || page.Stream != protocol.StreamOwner || page.NextCursor == "" {
				t.Fatalf("page: %+v", page)
			}
			seen = append(seen, page.Changes...)
			cursor = page.NextCursor
			if !page.HasMore {
				break
			}
		}
		var fromB int
		for _, c := range seen {
			if c.Entity == "card:7" {
				fromB++
			}
		}
		if fromB != 3 {
			t.Fatalf("A saw %d of B's 3 stamps: %+v", fromB, seen)
		}
		// The server was restored from a backup: the old cursor is reset.
		epoch, err := st.RotateEpoch(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		r := e.call(http.MethodGet, pullPath(protocol.StreamOwner, cursor, 0), a.tokens.AccessToken, nil, nil)
		wantError(t, r, http.StatusConflict, protocol.ErrReset)
		if r.err.Epoch != epoch {
			t.Errorf("reset names epoch %q, want %q", r.err.Epoch, epoch)
		}
		var hello protocol.HelloResponse
		if r := e.call(http.MethodPost, protocol.PathHello, a.tokens.AccessToken, a.hello("i1", 0), &hello); r.status != http.StatusOK || hello.Epoch != epoch {
			t.Fatalf("hello after restore: %d epoch %q, want %q", r.status, hello.Epoch, epoch)
		}
	})
}

func TestPullQueryIsStrict(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		a := e.registeredPoint("", "A", "dev-a")
		for _, path := range []string{
			protocol.PathPull,                      // no stream
			protocol.PathPull + "?stream=everyone", // not a stream
			protocol.PathPull + "?stream=owner&curser=x",
			protocol.PathPull + "?stream=owner&stream=point",
			protocol.PathPull + "?stream=owner&limit=0",
			protocol.PathPull + "?stream=owner&limit=ten",
			protocol.PathPull + "?stream=owner&cursor=a%20b",
		} {
			wantError(t, e.call(http.MethodGet, path, a.tokens.AccessToken, nil, nil), http.StatusBadRequest, protocol.ErrBadRequest)
		}
		if r := e.call(http.MethodGet, pullPath(protocol.StreamPoint, "", 100000), a.tokens.AccessToken, nil, nil); r.status != http.StatusOK {
			t.Fatalf("a large limit is taken as the maximum: %d %s", r.status, r.body)
		}
	})
}

func TestOnePointCannotReachAnotherOwnersData(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		a := e.registeredPoint("", "A", "dev-a")    // owner A
		b1 := e.registeredPoint("", "B1", "dev-b1") // owner B
		b2 := e.registeredPoint(b1.OwnerID, "B2", "dev-b2")
		secret := event("b-secret", 1, "loyalty.stamp_earned", "card:b-secret")
		if r := e.call(http.MethodPost, protocol.PathPush, b1.tokens.AccessToken, b1.push("i1", secret), nil); r.status != http.StatusOK {
			t.Fatalf("push: %d %s", r.status, r.body)
		}
		pullAll := func(p registered, stream string) string {
			var page protocol.PullResponse
			if r := e.call(http.MethodGet, pullPath(stream, "", protocol.MaxPullLimit), p.tokens.AccessToken, nil, &page); r.status != http.StatusOK {
				t.Fatalf("pull %s as %s: %d %s", stream, p.Name, r.status, r.body)
			}
			return string(mustJSON(page.Changes))
		}
		// B's other point sees it (the test can see a leak) …
		if !strings.Contains(pullAll(b2, protocol.StreamOwner), "b-secret") {
			t.Fatal("B2 does not see B1's stamp: the isolation check below would prove nothing")
		}
		// … A sees nothing of it, on any stream.
		for _, s := range []string{protocol.StreamOwner, protocol.StreamPoint} {
			if got := pullAll(a, s); strings.Contains(got, "b-secret") || strings.Contains(got, b1.ID) {
				t.Errorf("A's %s stream shows B's data: %s", s, got)
			}
		}
		// A cannot name another tenant in the body …
		body := strings.Replace(string(mustJSON(a.push("i1", event("a1", 1, "loyalty.stamp_earned", "card:a")))),
			`"protocol":1`, `"protocol":1,"point_id":"`+b1.ID+`"`, 1)
		wantError(t, e.call(http.MethodPost, protocol.PathPush, a.tokens.AccessToken, body, nil), http.StatusBadRequest, protocol.ErrBadRequest)
		// … and B's event id means nothing to A's tenant: A's event is A's.
		var res protocol.PushResponse
		if r := e.call(http.MethodPost, protocol.PathPush, a.tokens.AccessToken, a.push("i1", secret), &res); r.status != http.StatusOK {
			t.Fatalf("push as A: %d %s", r.status, r.body)
		}
		if len(res.Results) != 1 || res.Results[0].Status != protocol.StatusApplied {
			t.Errorf("A's event with B's id: %+v, want applied (not B's duplicate)", res.Results)
		}
	})
}

func TestBodyOverTheLimitIs413(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		p := e.registeredPoint("", "P", "dev-a")
		big := p.push("i1", event("e1", 1, "loyalty.stamp_earned", "card:1"))
		big.Events[0].Payload = json.RawMessage(`"` + strings.Repeat("x", protocol.MaxBodyBytes) + `"`)
		wantError(t, e.call(http.MethodPost, protocol.PathPush, p.tokens.AccessToken, big, nil), http.StatusRequestEntityTooLarge, protocol.ErrTooLarge)
		// Without Content-Length (chunked) too.
		chunked := io.MultiReader(bytes.NewReader(mustJSON(big)))
		wantError(t, e.call(http.MethodPost, protocol.PathPush, p.tokens.AccessToken, chunked, nil), http.StatusRequestEntityTooLarge, protocol.ErrTooLarge)
		// Nothing of it was applied.
		dev, err := st.Device(context.Background(), p.ID, "dev-a", "i1")
		if err != nil && !errors.Is(err, store.ErrNotFound) || dev.LastAcked != 0 {
			t.Errorf("after 413 the device stands at %d (%v)", dev.LastAcked, err)
		}
	})
}

func TestMalformedBodiesAre400(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		p := e.registeredPoint("", "P", "dev-a")
		tok := p.tokens.AccessToken
		good := string(mustJSON(p.hello("i1", 0)))
		for name, body := range map[string]string{
			"unknown field":   strings.Replace(good, `"protocol":1`, `"protocol":1,"schema_version":7`, 1),
			"not JSON":        `{"protocol":`,
			"trailing data":   good + `{}`,
			"empty":           ``,
			"wrong type":      strings.Replace(good, `"max_client_seq":0`, `"max_client_seq":"0"`, 1),
			"bad incarnation": strings.Replace(good, `"incarnation":"i1"`, `"incarnation":""`, 1),
		} {
			t.Run(name, func(t *testing.T) {
				wantError(t, e.call(http.MethodPost, protocol.PathHello, tok, body, nil), http.StatusBadRequest, protocol.ErrBadRequest)
			})
		}
		wantError(t, e.call(http.MethodPost, protocol.PathRegister, "", `{"protocol":1,"activation_code":"x","device_id":"d","extra":1}`, nil),
			http.StatusBadRequest, protocol.ErrBadRequest)
	})
}

func TestOldProtocolIs426WithTheMinimum(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		p := e.registeredPoint("", "P", "dev-a")
		old := p.hello("i1", 0)
		old.Protocol = protocol.MinVersion - 1
		r := e.call(http.MethodPost, protocol.PathHello, p.tokens.AccessToken, old, nil)
		wantError(t, r, http.StatusUpgradeRequired, protocol.ErrVersionNotSupported)
		if r.err.MinVersion != protocol.MinVersion {
			t.Errorf("426 names min_protocol %d, want %d", r.err.MinVersion, protocol.MinVersion)
		}
		// An old app whose body has fields this server no longer knows
		// still learns it must update.
		body := `{"protocol":0,"schema_version":3,"device_id":"dev-a","incarnation":"i1"}`
		wantError(t, e.call(http.MethodPost, protocol.PathPush, p.tokens.AccessToken, body, nil), http.StatusUpgradeRequired, protocol.ErrVersionNotSupported)
		wantError(t, e.call(http.MethodPost, protocol.PathRegister, "", `{"protocol":0,"activation_code":"x","device_id":"d"}`, nil),
			http.StatusUpgradeRequired, protocol.ErrVersionNotSupported)
	})
}

func TestRateLimitPerTokenSays429WithRetryAfter(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, func(o *Options) { o.Rate, o.Burst = 20, 40 })
		a := e.registeredPoint("", "A", "dev-a")
		b := e.registeredPoint("", "B", "dev-b")
		for i := range 40 {
			if r := e.call(http.MethodPost, protocol.PathHello, a.tokens.AccessToken, a.hello("i1", 0), nil); r.status != http.StatusOK {
				t.Fatalf("request %d within the burst: %d %s", i+1, r.status, r.body)
			}
		}
		r := e.call(http.MethodPost, protocol.PathHello, a.tokens.AccessToken, a.hello("i1", 0), nil)
		wantError(t, r, http.StatusTooManyRequests, protocol.ErrRateLimited)
		if got := r.header.Get("Retry-After"); got != "1" {
			t.Errorf("Retry-After %q, want 1 (one request every 50 ms, rounded up)", got)
		}
		// Another point is not slowed down by A.
		if r := e.call(http.MethodPost, protocol.PathHello, b.tokens.AccessToken, b.hello("i1", 0), nil); r.status != http.StatusOK {
			t.Fatalf("B while A is limited: %d", r.status)
		}
		// After Retry-After A goes on.
		e.clock.Advance(time.Second)
		if r := e.call(http.MethodPost, protocol.PathHello, a.tokens.AccessToken, a.hello("i1", 0), nil); r.status != http.StatusOK {
			t.Fatalf("A after waiting: %d %s", r.status, r.body)
		}
	})
}

func TestTooManyConcurrentRequestsIs503WithRetryAfter(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		entered, release := make(chan struct{}), make(chan struct{})
		hs := &hookStore{Store: st}
		e := newEnv(t, hs, func(o *Options) { o.MaxConcurrent = 1 })
		p := e.registeredPoint("", "P", "dev-a")
		hs.beforePush = func() { close(entered); <-release }
		done := make(chan result, 1)
		go func() {
			r, _ := send(http.DefaultClient, e.url, http.MethodPost, protocol.PathPush, p.tokens.AccessToken,
				p.push("i1", event("e1", 1, "loyalty.stamp_earned", "card:1")))
			done <- r
		}()
		wait(t, entered, "the push to reach the store")
		r := e.call(http.MethodPost, protocol.PathHello, p.tokens.AccessToken, p.hello("i1", 0), nil)
		wantError(t, r, http.StatusServiceUnavailable, protocol.ErrUnavailable)
		if r.header.Get("Retry-After") == "" {
			t.Error("503 without Retry-After")
		}
		// Probes are not counted: the server is alive and says so.
		if r := e.call(http.MethodGet, protocol.PathHealth, "", nil, nil); r.status != http.StatusOK {
			t.Errorf("healthz while busy: %d", r.status)
		}
		close(release)
		if r := wait(t, done, "the push"); r.status != http.StatusOK {
			t.Fatalf("the held push: %d %s", r.status, r.body)
		}
		if r := e.call(http.MethodPost, protocol.PathHello, p.tokens.AccessToken, p.hello("i1", 1), nil); r.status != http.StatusOK {
			t.Fatalf("hello once the slot is free: %d", r.status)
		}
	})
}

func TestReadinessFollowsTheStore(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		var down error
		hs := &hookStore{Store: st, ping: func() error { return down }}
		e := newEnv(t, hs, nil)
		if r := e.call(http.MethodGet, protocol.PathReady, "", nil, nil); r.status != http.StatusOK {
			t.Fatalf("readyz: %d %s", r.status, r.body)
		}
		down = errors.New("disk gone")
		r := e.call(http.MethodGet, protocol.PathReady, "", nil, nil)
		wantError(t, r, http.StatusServiceUnavailable, protocol.ErrUnavailable)
		if r.header.Get("Retry-After") == "" {
			t.Error("503 without Retry-After")
		}
		if r := e.call(http.MethodGet, protocol.PathHealth, "", nil, nil); r.status != http.StatusOK {
			t.Errorf("healthz must not follow the store: %d", r.status)
		}
	})
}

// TestShutdownDrainsThenFinishesTheInflightPush: on shutdown /readyz says
// 503 while the listener still takes requests (DrainDelay), then the
// listener closes and a push already running is finished and answered.
func TestShutdownDrainsThenFinishesTheInflightPush(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		entered, release := make(chan struct{}), make(chan struct{})
		hs := &hookStore{Store: st}
		drainAsked, drainOver := make(chan time.Duration, 1), make(chan time.Time)
		c := &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
		srv := New(hs, Options{
			Logger: slog.New(slog.DiscardHandler), Now: c.Now, Hash: auth.Fast,
			DrainDelay: time.Hour,
			After:      func(d time.Duration) <-chan time.Time { drainAsked <- d; return drainOver },
		})
		shutdownBegan := make(chan struct{})
		srv.onShutdown = func() { close(shutdownBegan) }
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		served := make(chan error, 1)
		go func() { served <- srv.Serve(ctx, ln) }()
		e := &env{t: t, st: hs, srv: srv, url: "http://" + ln.Addr().String(), clock: c}

		p := e.registeredPoint("", "P", "dev-a")
		hs.beforePush = func() { close(entered); <-release }
		pushed := make(chan result, 1)
		go func() {
			r, err := send(&http.Client{}, e.url, http.MethodPost, protocol.PathPush, p.tokens.AccessToken,
				p.push("i1", event("e1", 1, "loyalty.stamp_earned", "card:1")))
			if err != nil {
				r.status, r.body = -1, []byte(err.Error())
			}
			pushed <- r
		}()
		wait(t, entered, "the push to reach the store")

		cancel() // SIGTERM
		if d := wait(t, drainAsked, "the drain to begin"); d != time.Hour {
			t.Errorf("drain of %v, want the DrainDelay", d)
		}
		fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		r, err := send(fresh, e.url, http.MethodGet, protocol.PathReady, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		wantError(t, r, http.StatusServiceUnavailable, protocol.ErrUnavailable)
		if r, err := send(fresh, e.url, http.MethodGet, protocol.PathHealth, "", nil); err != nil || r.status != http.StatusOK {
			t.Errorf("healthz while draining: %v %d", err, r.status)
		}

		close(drainOver)
		wait(t, shutdownBegan, "the listener to close")
		if _, err := send(fresh, e.url, http.MethodGet, protocol.PathHealth, "", nil); err == nil {
			t.Error("a new connection was taken after the listener closed")
		}
		select {
		case err := <-served:
			t.Fatalf("Serve returned before the in-flight push finished: %v", err)
		default:
		}

		close(release)
		res := wait(t, pushed, "the push answer")
		var pr protocol.PushResponse
		if res.status != http.StatusOK || json.Unmarshal(res.body, &pr) != nil || len(pr.Results) != 1 || pr.Results[0].Status != protocol.StatusApplied {
			t.Fatalf("in-flight push: %d %s", res.status, res.body)
		}
		if err := wait(t, served, "Serve to return"); err != nil {
			t.Fatalf("Serve: %v", err)
		}
		dev, _ := st.Device(context.Background(), p.ID, "dev-a", "i1")
		if dev.LastAcked != 1 {
			t.Errorf("the store holds the device at %d, want 1", dev.LastAcked)
		}
	})
}

// TestShutdownCutsARequestPastTheDeadline: a request stuck longer than
// ShutdownTimeout does not keep the process from stopping.
func TestShutdownCutsARequestPastTheDeadline(t *testing.T) {
	st := newFakeStore(t)
	entered, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	hs := &hookStore{Store: st}
	srv := New(hs, Options{Logger: slog.New(slog.DiscardHandler), Hash: auth.Fast, ShutdownTimeout: time.Nanosecond})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	e := &env{t: t, st: hs, srv: srv, url: "http://" + ln.Addr().String(), clock: &clock{t: time.Now()}}
	p := e.registeredPoint("", "P", "dev-a")
	hs.beforePush = func() { close(entered); <-release }
	pushed := make(chan error, 1)
	go func() {
		_, err := send(&http.Client{}, e.url, http.MethodPost, protocol.PathPush, p.tokens.AccessToken,
			p.push("i1", event("e1", 1, "loyalty.stamp_earned", "card:1")))
		pushed <- err
	}()
	wait(t, entered, "the push to reach the store")
	cancel()
	if err := wait(t, served, "Serve to give up"); err == nil || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Serve: %v, want the shutdown deadline", err)
	}
	if err := wait(t, pushed, "the cut push"); err == nil {
		t.Error("the stuck push got an answer; its connection should have been cut")
	}
}

func TestSpecIsServed(t *testing.T) {
	e := newEnv(t, newFakeStore(t), nil)
	resp, err := http.Get(e.url + protocol.PathSpec)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, protocol.Spec) || len(body) == 0 {
		t.Fatalf("spec: %d, %d bytes", resp.StatusCode, len(body))
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/yaml" {
		t.Errorf("Content-Type %q", ct)
	}
}

// TestEveryOperationOfTheSpecIsRouted: each path and method the spec
// names reaches a handler (no 404/405), another method gets a JSON 405,
// and a path outside the spec a JSON 404.
func TestEveryOperationOfTheSpecIsRouted(t *testing.T) {
	e := newEnv(t, newFakeStore(t), nil)
	var doc struct {
		Paths map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(protocol.Spec, &doc); err != nil {
		t.Fatal(err)
	}
	for path, ops := range doc.Paths {
		var allow []string // a path with several operations allows each
		for method := range ops {
			allow = append(allow, strings.ToUpper(method))
		}
		slices.Sort(allow)
		for method := range ops {
			m := strings.ToUpper(method)
			r, err := send(http.DefaultClient, e.url, m, path, "", nil)
			if err != nil {
				t.Fatalf("%s %s: %v", m, path, err)
			}
			if r.status == http.StatusNotFound || r.status == http.StatusMethodNotAllowed {
				t.Errorf("%s %s: %d %s", m, path, r.status, r.body)
			}
			other := http.MethodDelete
			r, err = send(http.DefaultClient, e.url, other, path, "", nil)
			if err != nil {
				t.Fatalf("%s %s: %v", other, path, err)
			}
			if r.status != http.StatusMethodNotAllowed || r.err.Code != protocol.ErrBadRequest || r.header.Get("Allow") != strings.Join(allow, ", ") {
				t.Errorf("%s %s: %d %s Allow %q", other, path, r.status, r.body, r.header.Get("Allow"))
			}
		}
	}
	r, err := send(http.DefaultClient, e.url, http.MethodGet, "/v1/nothing", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, r, http.StatusNotFound, protocol.ErrNotFound)
}

// TestErrorStatusesAreTheSpecs: the server sends each code with the HTTP
// status the spec's x-error-status table gives.
func TestErrorStatusesAreTheSpecs(t *testing.T) {
	var doc struct {
		Table map[string]int `yaml:"x-error-status"`
	}
	if err := yaml.Unmarshal(protocol.Spec, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Table) != len(statusOf) {
		t.Errorf("spec has %d codes, server %d", len(doc.Table), len(statusOf))
	}
	for code, want := range doc.Table {
		rec := httptest.NewRecorder()
		writeError(rec, "r1", perr(code, "m"))
		if rec.Code != want {
			t.Errorf("%s: sent with %d, spec says %d", code, rec.Code, want)
		}
	}
}

func TestRequestIDIsEchoedOrMade(t *testing.T) {
	e := newEnv(t, newFakeStore(t), nil)
	req, _ := http.NewRequest(http.MethodGet, e.url+protocol.PathHealth, nil)
	req.Header.Set(RequestIDHeader, "abc-123")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get(RequestIDHeader); got != "abc-123" {
		t.Errorf("echoed %q", got)
	}
	req.Header.Set(RequestIDHeader, "bad id\"with quotes")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get(RequestIDHeader); got == "" || strings.ContainsAny(got, " \"") {
		t.Errorf("made %q", got)
	}
}

// TestLogsNameRequestsButNeverSecrets: the log has a line per request
// with its id, point and batch size, and no token, code or payload.
func TestLogsNameRequestsButNeverSecrets(t *testing.T) {
	eachStore(t, func(t *testing.T, st store.Store) {
		e := newEnv(t, st, nil)
		own := e.owner("O")
		pt, code := e.point(own.ID, "P")
		var toks protocol.Tokens
		e.call(http.MethodPost, protocol.PathRegister, "", protocol.RegisterRequest{Protocol: 1, ActivationCode: code, DeviceID: "dev-a"}, &toks)
		var next protocol.Tokens
		e.call(http.MethodPost, protocol.PathRefresh, "", protocol.RefreshRequest{RefreshToken: toks.RefreshToken}, &next)
		p := registered{Point: pt, tokens: next, device: "dev-a"}
		ev := event("e1", 1, "loyalty.stamp_earned", "card:1")
		ev.Payload = json.RawMessage(`{"phone":"+79990001122"}`)
		if r := e.call(http.MethodPost, protocol.PathPush, next.AccessToken, p.push("i1", ev, event("e2", 2, "loyalty.stamp_earned", "card:1")), nil); r.status != http.StatusOK {
			t.Fatalf("push: %d %s", r.status, r.body)
		}
		e.call(http.MethodPost, protocol.PathHello, toks.AccessToken+"x", p.hello("i1", 0), nil)
		e.hs.Close() // waits for the handlers, so every line is written
		logs := e.logs.String()
		for _, secret := range []string{code, NormalizeCode(code), toks.AccessToken, toks.RefreshToken, next.AccessToken, next.RefreshToken,
			strings.SplitN(next.AccessToken, ".", 2)[1], "+79990001122"} {
			if strings.Contains(logs, secret) {
				t.Errorf("the log shows a secret %q:\n%s", secret, logs)
			}
		}
		var sawPush bool
		for line := range strings.Lines(logs) {
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil {
				t.Fatalf("log line %q: %v", line, err)
			}
			if rec["msg"] != "request" {
				continue
			}
			if rec["request_id"] == "" || rec["status"] == nil || rec["method"] == nil || rec["duration"] == nil {
				t.Errorf("request line without its fields: %s", line)
			}
			if rec["path"] == protocol.PathPush {
				sawPush = true
				if rec["point"] != p.ID || rec["batch"] != float64(2) || rec["status"] != float64(200) {
					t.Errorf("push line: %s", line)
				}
			}
		}
		if !sawPush {
			t.Errorf("no log line for the push:\n%s", logs)
		}
	})
}
