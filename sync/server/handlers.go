package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
)

// decode reads a request body strictly: at most protocol.MaxBodyBytes
// (413 beyond), then protocol.Decode. A body the decoder refuses but
// whose "protocol" is older than MinVersion gets 426, not 400: an old
// app learns it must update even when its fields have changed since.
func decode[T interface{ Validate() error }](w http.ResponseWriter, r *http.Request, v T) error {
	tooLarge := perr(protocol.ErrTooLarge, fmt.Sprintf("body over %d bytes", protocol.MaxBodyBytes))
	if r.ContentLength > protocol.MaxBodyBytes {
		return tooLarge
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, protocol.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooLarge
		}
		return perr(protocol.ErrBadRequest, "read body: "+err.Error())
	}
	err = protocol.Decode(bytes.NewReader(body), v)
	var pe *protocol.Error
	if errors.As(err, &pe) && pe.Code == protocol.ErrBadRequest {
		var peek struct {
			Protocol *int `json:"protocol"`
		}
		if json.Unmarshal(body, &peek) == nil && peek.Protocol != nil && *peek.Protocol < protocol.MinVersion {
			return &protocol.Error{Code: protocol.ErrVersionNotSupported, MinVersion: protocol.MinVersion,
				Message: fmt.Sprintf("protocol %d; this server needs %d or newer: update the app", *peek.Protocol, protocol.MinVersion)}
		}
	}
	return err
}

// register makes a counter PC a point with a one-time activation code.
func (s *Server) register(w http.ResponseWriter, r *http.Request) error {
	if err := s.rateLimit(clientKey(r)); err != nil {
		return err
	}
	var req protocol.RegisterRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	now := s.opt.Now()
	toks, err := s.issueTokens("", "", now)
	if err != nil {
		return err
	}
	code := NormalizeCode(req.ActivationCode)
	verify := func(hash string) bool {
		return matchActivation(code, hash, func(code, phc string) bool {
			ok, _ := s.verify(ctx, code, phc)
			return ok
		})
	}
	p, err := s.st.Activate(ctx, verify, req.DeviceID, toks.records, now)
	switch {
	case errors.Is(err, store.ErrActivationInvalid) || errors.Is(err, store.ErrNotFound):
		return perr(protocol.ErrActivationInvalid, "the activation code is unknown, used or expired; ask the owner for a new one")
	case err != nil:
		return fmt.Errorf("activate: %w", err)
	}
	info(ctx).point = p.ID
	s.log.Info("point registered", "request_id", info(ctx).id, "point", p.ID, "owner", p.OwnerID)
	writeJSON(w, http.StatusOK, toks.response(p))
	return nil
}

// refreshTokens trades a refresh token for a new pair; the old refresh
// token stops working. An expired refresh token is unauthorized, not
// token_expired: refreshing again cannot help, the point registers again.
func (s *Server) refreshTokens(w http.ResponseWriter, r *http.Request) error {
	var req protocol.RefreshRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	id, secret, ok := splitToken(req.RefreshToken)
	if !ok {
		return unauthorized("malformed refresh token")
	}
	if err := s.rateLimit("t:" + id); err != nil {
		return err
	}
	ctx := r.Context()
	rec, err := s.st.TokenByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return unauthorized("unknown refresh token")
	}
	if err != nil {
		return fmt.Errorf("token lookup: %w", err)
	}
	good, err := s.verify(ctx, secret, rec.Hash)
	if err != nil {
		return err
	}
	if !good || !rec.Refresh {
		return unauthorized("wrong refresh token")
	}
	s.refresh.Lock()
	defer s.refresh.Unlock()
	if rec, err = s.st.TokenByID(ctx, id); err != nil { // under the lock: used once
		return fmt.Errorf("token lookup: %w", err)
	}
	now := s.opt.Now()
	switch {
	case !rec.RevokedAt.IsZero():
		return unauthorized("the refresh token was already used or revoked; register the point again")
	case !now.Before(rec.ExpiresAt):
		return unauthorized("the refresh token expired; register the point again")
	}
	p, err := s.st.Point(ctx, rec.PointID)
	if errors.Is(err, store.ErrNotFound) {
		return unauthorized("the token's point is gone")
	}
	if err != nil {
		return fmt.Errorf("point lookup: %w", err)
	}
	info(ctx).point = p.ID
	// The refresh token is not rotated: it stays valid, its life sliding
	// with each use, until it expires unused or the owner revokes it. A
	// rotating token locks a point out for good whenever the answer to a
	// refresh is lost, the counter database is restored from a backup or
	// copied, or the server is restored (sync/simtest TestBug*).
	toks, err := s.issueTokens(rec.PointID, rec.OwnerID, now)
	if err != nil {
		return err
	}
	if err := s.st.PutToken(ctx, toks.records[0]); err != nil { // the access token
		return fmt.Errorf("store token: %w", err)
	}
	rec.ExpiresAt = now.Truncate(time.Second).Add(s.opt.RefreshTTL)
	if err := s.st.PutToken(ctx, rec); err != nil {
		return fmt.Errorf("extend the refresh token: %w", err)
	}
	s.tokens.drop(id)
	toks.refresh = req.RefreshToken
	writeJSON(w, http.StatusOK, toks.response(p))
	return nil
}

// sameDevice refuses a body that speaks for another device than the one
// the point is registered to.
func sameDevice(who principal, deviceID string) error {
	if who.deviceID != "" && deviceID != who.deviceID {
		return perr(protocol.ErrForbidden, "this point is registered to another device; register this one with a new activation code")
	}
	return nil
}

// streams a point may pull.
var streams = []string{protocol.StreamPoint, protocol.StreamOwner}

func (s *Server) hello(w http.ResponseWriter, r *http.Request) error {
	who, err := s.authenticate(r)
	if err != nil {
		return err
	}
	var req protocol.HelloRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if err := sameDevice(who, req.DeviceID); err != nil {
		return err
	}
	ctx := r.Context()
	epoch, err := s.st.Epoch(ctx)
	if err != nil {
		return fmt.Errorf("epoch: %w", err)
	}
	dev, err := s.st.Device(ctx, who.pointID, req.DeviceID, req.Incarnation)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("device: %w", err)
	}
	writeJSON(w, http.StatusOK, protocol.HelloResponse{
		Epoch:       epoch,
		ServerTime:  s.opt.Now().UTC(),
		LastAcked:   dev.LastAcked,
		MinProtocol: protocol.MinVersion,
		Streams:     streams,
	})
	return nil
}

func (s *Server) push(w http.ResponseWriter, r *http.Request) error {
	who, err := s.authenticate(r)
	if err != nil {
		return err
	}
	var req protocol.PushRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	info(ctx).batch = len(req.Events)
	if err := sameDevice(who, req.DeviceID); err != nil {
		return err
	}
	res, err := s.st.Push(ctx, who.pointID, req, s.opt.Now())
	if errors.Is(err, store.ErrIncarnationConflict) {
		e := &protocol.Error{Code: protocol.ErrIncarnationConflict,
			Message: "another database pushes as this device and incarnation (a copied database?): start a new incarnation"}
		e.Epoch, _ = s.st.Epoch(ctx)
		if dev, derr := s.st.Device(ctx, who.pointID, req.DeviceID, req.Incarnation); derr == nil {
			e.Expected = dev.LastAcked + 1
		}
		return e
	}
	if err != nil {
		return storeError("push", err)
	}
	epoch, err := s.st.Epoch(ctx)
	if err != nil {
		return fmt.Errorf("epoch: %w", err)
	}
	results := res.Results
	if results == nil {
		results = []protocol.EventResult{}
	}
	writeJSON(w, http.StatusOK, protocol.PushResponse{Epoch: epoch, Results: results, LastAcked: res.LastAcked})
	return nil
}

// storeError passes a store's *protocol.Error (a reset) through as is.
func storeError(op string, err error) error {
	var pe *protocol.Error
	if errors.As(err, &pe) {
		return pe
	}
	if errors.Is(err, store.ErrNotFound) {
		return perr(protocol.ErrNotFound, op+": not found")
	}
	return fmt.Errorf("%s: %w", op, err)
}

// pullQuery reads ?stream=&cursor=&limit= strictly, like a body: an
// unknown or repeated parameter is a 400, so a typo is not ignored.
func pullQuery(q url.Values) (stream, cursor string, limit int, err error) {
	for k, v := range q {
		switch k {
		case "stream", "cursor", "limit":
			if len(v) > 1 {
				return "", "", 0, perr(protocol.ErrBadRequest, k+": given more than once")
			}
		default:
			return "", "", 0, perr(protocol.ErrBadRequest, "unknown parameter "+strconv.Quote(k))
		}
	}
	stream = q.Get("stream")
	known := false
	for _, s := range streams {
		known = known || s == stream
	}
	if !known {
		return "", "", 0, perr(protocol.ErrBadRequest, fmt.Sprintf("stream: one of %q", streams))
	}
	cursor = q.Get("cursor")
	if len(cursor) > 200 {
		return "", "", 0, perr(protocol.ErrBadRequest, "cursor: too long")
	}
	for i := 0; i < len(cursor); i++ {
		if c := cursor[i]; c <= ' ' || c > '~' {
			return "", "", 0, perr(protocol.ErrBadRequest, "cursor: send it back as the server gave it")
		}
	}
	limit = protocol.DefaultPull
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			return "", "", 0, perr(protocol.ErrBadRequest, "limit: a positive number")
		}
		limit = min(n, protocol.MaxPullLimit)
	}
	return stream, cursor, limit, nil
}

func (s *Server) pull(w http.ResponseWriter, r *http.Request) error {
	who, err := s.authenticate(r)
	if err != nil {
		return err
	}
	stream, cursor, limit, err := pullQuery(r.URL.Query())
	if err != nil {
		return err
	}
	res, err := s.st.Pull(r.Context(), who.pointID, stream, cursor, limit)
	if err != nil {
		return storeError("pull", err)
	}
	if res.Changes == nil {
		res.Changes = []protocol.Change{}
	}
	if res.Stream == "" {
		res.Stream = stream
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (s *Server) spec(w http.ResponseWriter, _ *http.Request) error {
	w.Header().Set("Content-Type", "application/yaml")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(protocol.Spec)
	return nil
}

// health says the process is alive (nothing else: a failing store must
// not get the process restarted in a loop).
func (s *Server) health(w http.ResponseWriter, _ *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

// ready says whether to send requests here: the store answers and the
// server is not shutting down.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) error {
	if s.draining.Load() {
		return retryLater(protocol.ErrUnavailable, "shutting down", 5*time.Second)
	}
	if err := s.st.Ping(r.Context()); err != nil {
		info(r.Context()).err = err
		return retryLater(protocol.ErrUnavailable, "the store does not answer", 5*time.Second)
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	return nil
}
