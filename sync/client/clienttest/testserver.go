// Package clienttest is an in-memory sync server for tests of the sync
// client and of what drives it (spctl). It is a TEST SERVER, not the
// reference cloud server (sync/server): small, in memory, but strict about
// the protocol's rules, so a client that passes against it behaves:
// event-id dedupe, gapless client_seq order per incarnation with a result
// per event, incarnation conflicts, epochs and opaque cursors, tokens with
// expiry and one-time refresh, version checks and Retry-After. Faults
// (dropped answers, duplicates, hangs, canned failures) are switched on
// per path by the test.
package clienttest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"smartpoint/app/clock"
	"smartpoint/sync/protocol"
)

// Server is the test server. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL to give the client.
	URL string

	srv   *httptest.Server
	mu    sync.Mutex
	clock clock.Clock
	st    *data

	minProtocol int
	tokenTTL    time.Duration
	reject      func(protocol.Event) (code, message string)

	// Faults switches faults on per path (FailNext, DropAfterCommit …)
	// and counts requests.
	*Faults
}

// data is everything a restore from a backup would put back.
type data struct {
	epoch       string
	activations map[string]string // code → point id (deleted when used)
	points      map[string]*point
	tokens      map[string]*token
	events      map[string]*stored // event id → its first result
	applied     []string           // event ids in the order they were applied (each once)
	devices     map[devKey]*device
	ownerSeq    map[string]int64
	owner       map[string][]protocol.Change // owner id → its stream
	point       map[string][]protocol.Change // point id → its stream
}

type point struct {
	ID, OwnerID, Name, DeviceID string
}

type token struct {
	pointID string
	refresh bool
	expires time.Time
	revoked bool
}

type stored struct {
	event   protocol.Event
	pointID string
	result  protocol.EventResult
}

type devKey struct{ point, device, incarnation string }

type device struct {
	lastAcked int64
	seqs      map[int64]string // client_seq → event id
}

// New starts a test server on loopback; it stops with the test's Close.
func New(c clock.Clock) *Server {
	if c == nil {
		c = clock.System{}
	}
	s := &Server{clock: c, minProtocol: protocol.MinVersion, tokenTTL: time.Hour, Faults: NewFaults()}
	s.st = &data{
		epoch:       "e-" + randHex(6),
		activations: map[string]string{},
		points:      map[string]*point{},
		tokens:      map[string]*token{},
		events:      map[string]*stored{},
		devices:     map[devKey]*device{},
		ownerSeq:    map[string]int64{},
		owner:       map[string][]protocol.Change{},
		point:       map[string][]protocol.Change{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+protocol.PathRegister, s.register)
	mux.HandleFunc("POST "+protocol.PathRefresh, s.refresh)
	mux.HandleFunc("POST "+protocol.PathHello, s.hello)
	mux.HandleFunc("POST "+protocol.PathPush, s.push)
	mux.HandleFunc("GET "+protocol.PathPull, s.pull)
	s.srv = httptest.NewServer(s.Wrap(mux))
	s.URL = s.srv.URL
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// CloseClientConnections drops every open connection (a network blip).
func (s *Server) CloseClientConnections() { s.srv.CloseClientConnections() }

// SetMinProtocol makes the server refuse older clients (426).
func (s *Server) SetMinProtocol(v int) { s.mu.Lock(); s.minProtocol = v; s.mu.Unlock() }

// SetTokenTTL sets the lifetime of access tokens issued from now on.
func (s *Server) SetTokenTTL(d time.Duration) { s.mu.Lock(); s.tokenTTL = d; s.mu.Unlock() }

// SetReject installs a business rule: a non-empty code refuses the event
// alone (the batch goes on).
func (s *Server) SetReject(f func(protocol.Event) (code, message string)) {
	s.mu.Lock()
	s.reject = f
	s.mu.Unlock()
}

// ExpireAccessTokens makes every access token issued so far expired.
func (s *Server) ExpireAccessTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.st.tokens {
		if !t.refresh {
			t.expires = s.clock.Now().Add(-time.Second)
		}
	}
}

// AddPoint creates a point of owner (created on first use) and returns a
// one-time activation code for it.
func (s *Server) AddPoint(ownerID, name string) (pointID, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pointID = "p-" + randHex(4)
	code = "ACT-" + strings.ToUpper(randHex(4))
	s.st.points[pointID] = &point{ID: pointID, OwnerID: ownerID, Name: name}
	s.st.activations[code] = pointID
	return pointID, code
}

// Publish adds a change to a point's stream (a partner's manifest …).
func (s *Server) Publish(pointID, kind, entity string, data any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, _ := json.Marshal(data)
	list := s.st.point[pointID]
	s.st.point[pointID] = append(list, protocol.Change{Seq: int64(len(list) + 1), Kind: kind, Entity: entity,
		Origin: "cloud", At: s.clock.Now().UTC(), Data: b})
}

// Snapshot is a copy of the server's data, as a backup would hold it.
type Snapshot struct{ d *data }

// Snapshot copies the server's data.
func (s *Server) Snapshot() Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Snapshot{s.st.clone()}
}

// Restore puts a snapshot back, as the restore runbook would: the data
// goes back in time and the epoch changes. Tokens stay as they are now
// (a restored server keeps its points signed in).
func (s *Server) Restore(snap Snapshot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := snap.d.clone()
	d.tokens = s.st.tokens
	d.epoch = "e-" + randHex(6)
	s.st = d
}

// RotateEpoch changes the epoch alone: every stream is reset.
func (s *Server) RotateEpoch() {
	s.mu.Lock()
	s.st.epoch = "e-" + randHex(6)
	s.mu.Unlock()
}

func (d *data) clone() *data {
	c := &data{epoch: d.epoch, activations: map[string]string{}, points: map[string]*point{}, tokens: map[string]*token{},
		events: map[string]*stored{}, applied: slices.Clone(d.applied), devices: map[devKey]*device{},
		ownerSeq: map[string]int64{}, owner: map[string][]protocol.Change{}, point: map[string][]protocol.Change{}}
	for k, v := range d.activations {
		c.activations[k] = v
	}
	for k, v := range d.points {
		p := *v
		c.points[k] = &p
	}
	for k, v := range d.tokens {
		t := *v
		c.tokens[k] = &t
	}
	for k, v := range d.events {
		e := *v
		c.events[k] = &e
	}
	for k, v := range d.devices {
		dv := &device{lastAcked: v.lastAcked, seqs: map[int64]string{}}
		for s, id := range v.seqs {
			dv.seqs[s] = id
		}
		c.devices[k] = dv
	}
	for k, v := range d.ownerSeq {
		c.ownerSeq[k] = v
	}
	for k, v := range d.owner {
		c.owner[k] = slices.Clone(v)
	}
	for k, v := range d.point {
		c.point[k] = slices.Clone(v)
	}
	return c
}

// Applied lists the ids of applied events in the order the server applied
// them; each appears once however often it was pushed.
func (s *Server) Applied() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.st.applied)
}

// Result is the first result the server gave for an event id.
func (s *Server) Result(eventID string) (protocol.EventResult, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.st.events[eventID]
	if !ok {
		return protocol.EventResult{}, false
	}
	return e.result, true
}

// Event returns a stored event as pushed.
func (s *Server) Event(eventID string) (protocol.Event, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.st.events[eventID]
	if !ok {
		return protocol.Event{}, false
	}
	return e.event, true
}

// LastAcked is where a device's incarnation stands.
func (s *Server) LastAcked(pointID, deviceID, incarnation string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.st.devices[devKey{pointID, deviceID, incarnation}]; d != nil {
		return d.lastAcked
	}
	return 0
}

// Incarnations lists the incarnations a device pushed under.
func (s *Server) Incarnations(pointID, deviceID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k := range s.st.devices {
		if k.point == pointID && k.device == deviceID {
			out = append(out, k.incarnation)
		}
	}
	slices.Sort(out)
	return out
}

// ---- handlers ----

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeErr(w http.ResponseWriter, status int, e *protocol.Error) { writeJSON(w, status, e) }

// statusOf maps a decode error's code to its HTTP status.
func statusOf(e *protocol.Error) int {
	switch e.Code {
	case protocol.ErrTooLarge:
		return http.StatusRequestEntityTooLarge
	case protocol.ErrVersionNotSupported:
		return http.StatusUpgradeRequired
	}
	return http.StatusBadRequest
}

func decode[T interface{ Validate() error }](w http.ResponseWriter, r *http.Request, v T) bool {
	if err := protocol.Decode(r.Body, v); err != nil {
		var pe *protocol.Error
		if !errors.As(err, &pe) {
			pe = &protocol.Error{Code: protocol.ErrBadRequest, Message: err.Error()}
		}
		writeErr(w, statusOf(pe), pe)
		return false
	}
	return true
}

// auth finds the point of the request's access token; s.mu is held.
func (s *Server) auth(w http.ResponseWriter, r *http.Request) (*point, bool) {
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	t := s.st.tokens[raw]
	if !ok || t == nil || t.refresh || t.revoked {
		writeErr(w, http.StatusUnauthorized, &protocol.Error{Code: protocol.ErrUnauthorized, Message: "no valid token"})
		return nil, false
	}
	if !s.clock.Now().Before(t.expires) {
		writeErr(w, http.StatusUnauthorized, &protocol.Error{Code: protocol.ErrTokenExpired, Message: "access token expired"})
		return nil, false
	}
	p := s.st.points[t.pointID]
	if p == nil {
		writeErr(w, http.StatusForbidden, &protocol.Error{Code: protocol.ErrForbidden, Message: "no such point"})
		return nil, false
	}
	return p, true
}

// sameDevice refuses a body that speaks for another device than the one
// the point is registered to; s.mu is held.
func sameDevice(w http.ResponseWriter, p *point, deviceID string) bool {
	if p.DeviceID != "" && p.DeviceID != deviceID {
		writeErr(w, http.StatusForbidden, &protocol.Error{Code: protocol.ErrForbidden, Message: "the point is registered to another device"})
		return false
	}
	return true
}

// issue makes new tokens for a point; s.mu is held.
func (s *Server) issue(p *point) protocol.Tokens {
	now := s.clock.Now()
	access, refresh := "at."+randHex(16), "rt."+randHex(16)
	s.st.tokens[access] = &token{pointID: p.ID, expires: now.Add(s.tokenTTL)}
	s.st.tokens[refresh] = &token{pointID: p.ID, refresh: true, expires: now.Add(90 * 24 * time.Hour)}
	return protocol.Tokens{PointID: p.ID, OwnerID: p.OwnerID, PointName: p.Name,
		AccessToken: access, ExpiresAt: now.Add(s.tokenTTL).UTC(), RefreshToken: refresh}
}

func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	var req protocol.RegisterRequest
	if !decode(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if req.Protocol < s.minProtocol {
		writeErr(w, http.StatusUpgradeRequired, &protocol.Error{Code: protocol.ErrVersionNotSupported, Message: "update", MinVersion: s.minProtocol})
		return
	}
	pid, ok := s.st.activations[req.ActivationCode]
	if !ok {
		writeErr(w, http.StatusForbidden, &protocol.Error{Code: protocol.ErrActivationInvalid, Message: "unknown or used code"})
		return
	}
	delete(s.st.activations, req.ActivationCode)
	p := s.st.points[pid]
	p.DeviceID = req.DeviceID
	writeJSON(w, http.StatusOK, s.issue(p))
}

func (s *Server) refresh(w http.ResponseWriter, r *http.Request) {
	var req protocol.RefreshRequest
	if !decode(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.st.tokens[req.RefreshToken]
	if t == nil || !t.refresh || t.revoked || !s.clock.Now().Before(t.expires) {
		writeErr(w, http.StatusUnauthorized, &protocol.Error{Code: protocol.ErrUnauthorized, Message: "refresh token not valid"})
		return
	}
	t.revoked = true // one use
	writeJSON(w, http.StatusOK, s.issue(s.st.points[t.pointID]))
}

func (s *Server) hello(w http.ResponseWriter, r *http.Request) {
	var req protocol.HelloRequest
	if !decode(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.auth(w, r)
	if !ok || !sameDevice(w, p, req.DeviceID) {
		return
	}
	if req.Protocol < s.minProtocol {
		writeErr(w, http.StatusUpgradeRequired, &protocol.Error{Code: protocol.ErrVersionNotSupported,
			Message: "this server needs a newer app", MinVersion: s.minProtocol})
		return
	}
	var acked int64
	if d := s.st.devices[devKey{p.ID, req.DeviceID, req.Incarnation}]; d != nil {
		acked = d.lastAcked
	}
	writeJSON(w, http.StatusOK, protocol.HelloResponse{Epoch: s.st.epoch, ServerTime: s.clock.Now().UTC(), LastAcked: acked,
		MinProtocol: s.minProtocol, Streams: []string{protocol.StreamPoint, protocol.StreamOwner}})
}

func (s *Server) push(w http.ResponseWriter, r *http.Request) {
	var req protocol.PushRequest
	if !decode(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.auth(w, r)
	if !ok || !sameDevice(w, p, req.DeviceID) {
		return
	}
	if req.Protocol < s.minProtocol {
		writeErr(w, http.StatusUpgradeRequired, &protocol.Error{Code: protocol.ErrVersionNotSupported, Message: "update", MinVersion: s.minProtocol})
		return
	}
	key := devKey{p.ID, req.DeviceID, req.Incarnation}
	d := s.st.devices[key]
	if d == nil {
		d = &device{seqs: map[int64]string{}}
	}
	// First judge the batch without changing anything: a new event under
	// a client_seq this incarnation already acknowledged means two
	// databases push as one, and nothing of the batch is applied.
	last := d.lastAcked
	batchIDs := map[string]bool{}
	for _, e := range req.Events {
		if s.st.events[e.ID] != nil || batchIDs[e.ID] {
			if e.ClientSeq == last+1 {
				last = e.ClientSeq
			}
			continue
		}
		if e.ClientSeq <= last {
			writeErr(w, http.StatusConflict, &protocol.Error{Code: protocol.ErrIncarnationConflict,
				Message:  fmt.Sprintf("client_seq %d was acknowledged for another event", e.ClientSeq),
				Expected: d.lastAcked + 1, Epoch: s.st.epoch})
			return
		}
		if e.ClientSeq > last+1 {
			break
		}
		batchIDs[e.ID] = true
		last = e.ClientSeq
	}
	// Then apply, in order: a known event id gives its first result back
	// (and moves the incarnation on when it is the next seq); a gap ends
	// the answer; a new event is judged and applied or refused.
	s.st.devices[key] = d
	results := make([]protocol.EventResult, 0, len(req.Events))
	for _, e := range req.Events {
		if s.st.events[e.ID] != nil {
			results = append(results, s.again(e.ID))
			if e.ClientSeq == d.lastAcked+1 {
				d.lastAcked = e.ClientSeq
				d.seqs[e.ClientSeq] = e.ID
			}
			continue
		}
		if e.ClientSeq > d.lastAcked+1 {
			break
		}
		results = append(results, s.apply(p, e))
		d.lastAcked = e.ClientSeq
		d.seqs[e.ClientSeq] = e.ID
	}
	writeJSON(w, http.StatusOK, protocol.PushResponse{Epoch: s.st.epoch, Results: results, LastAcked: d.lastAcked})
}

// again is the answer for a known event: duplicate, with its first
// result's details (a refused event keeps its code).
func (s *Server) again(id string) protocol.EventResult {
	r := s.st.events[id].result
	r.Status = protocol.StatusDuplicate
	return r
}

// apply judges and applies a new event; s.mu is held.
func (s *Server) apply(p *point, e protocol.Event) protocol.EventResult {
	res := protocol.EventResult{ID: e.ID}
	code, msg := protocol.CheckEvent(e)
	if code == "" && s.reject != nil {
		code, msg = s.reject(e)
	}
	if code != "" {
		res.Status, res.Code, res.Message = protocol.StatusRejected, code, msg
	} else {
		s.st.ownerSeq[p.OwnerID]++
		seq := s.st.ownerSeq[p.OwnerID]
		res.Status, res.ServerSeq = protocol.StatusApplied, seq
		s.st.applied = append(s.st.applied, e.ID)
		s.st.owner[p.OwnerID] = append(s.st.owner[p.OwnerID], protocol.Change{Seq: seq, Kind: e.Kind, Entity: e.Entity,
			Origin: p.ID, At: s.clock.Now().UTC(), Data: e.Payload})
	}
	s.st.events[e.ID] = &stored{event: e, pointID: p.ID, result: res}
	return res
}

func (s *Server) pull(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.auth(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	for k, v := range q {
		if (k != "stream" && k != "cursor" && k != "limit") || len(v) > 1 {
			writeErr(w, http.StatusBadRequest, &protocol.Error{Code: protocol.ErrBadRequest, Message: "unknown or repeated parameter " + k})
			return
		}
	}
	stream := q.Get("stream")
	var list []protocol.Change
	switch stream {
	case protocol.StreamPoint:
		list = s.st.point[p.ID]
	case protocol.StreamOwner:
		list = s.st.owner[p.OwnerID]
	default:
		writeErr(w, http.StatusBadRequest, &protocol.Error{Code: protocol.ErrBadRequest, Message: "no stream " + stream})
		return
	}
	limit := protocol.DefaultPull
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeErr(w, http.StatusBadRequest, &protocol.Error{Code: protocol.ErrBadRequest, Message: "limit"})
			return
		}
		limit = min(n, protocol.MaxPullLimit)
	}
	var top int64
	if len(list) > 0 {
		top = list[len(list)-1].Seq
	}
	// The cursor carries the epoch it was made in: one of another epoch,
	// one that does not decode, or one past the stream's head (the server
	// went back in time) is a reset.
	var after int64
	if c := q.Get("cursor"); c != "" {
		epoch, seq, ok := parseCursor(c)
		if !ok || epoch != s.st.epoch || seq > top {
			writeErr(w, http.StatusConflict, &protocol.Error{Code: protocol.ErrReset, Message: "pull the stream from the start", Epoch: s.st.epoch})
			return
		}
		after = seq
	}
	i, _ := slices.BinarySearchFunc(list, after+1, func(c protocol.Change, seq int64) int { return int(c.Seq - seq) })
	out := []protocol.Change{}
	last := after
	for ; i < len(list) && len(out) < limit; i++ {
		last = list[i].Seq
		if stream == protocol.StreamOwner && list[i].Origin == p.ID {
			continue // a point's own events do not come back to it
		}
		out = append(out, list[i])
	}
	writeJSON(w, http.StatusOK, protocol.PullResponse{Epoch: s.st.epoch, Stream: stream, Changes: out,
		NextCursor: s.st.epoch + "~" + strconv.FormatInt(last, 36), HasMore: i < len(list)})
}

func parseCursor(c string) (epoch string, seq int64, ok bool) {
	i := strings.LastIndexByte(c, '~')
	if i <= 0 {
		return "", 0, false
	}
	n, err := strconv.ParseInt(c[i+1:], 36, 64)
	return c[:i], n, err == nil && n >= 0
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
