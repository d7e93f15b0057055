package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"smartpoint/app/auth"
	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
)

// A token is "<id>.<secret>": 16 random bytes of id (base32, lower case,
// the store's key, in clear) and 32 of secret (base64url; only its
// argon2id hash is stored).
var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

const (
	tokenIDLen     = 26 // 16 bytes in base32
	tokenSecretLen = 43 // 32 bytes in base64url
)

func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand panics instead)
	return b
}

// newToken makes a token's clear text and its id.
func newToken() (clear, id, secret string) {
	id = strings.ToLower(idEncoding.EncodeToString(randomBytes(16)))
	secret = base64.RawURLEncoding.EncodeToString(randomBytes(32))
	return id + "." + secret, id, secret
}

// splitToken parses "<id>.<secret>"; ok is false for anything else.
func splitToken(tok string) (id, secret string, ok bool) {
	id, secret, ok = strings.Cut(tok, ".")
	if !ok || len(id) != tokenIDLen || len(secret) != tokenSecretLen {
		return "", "", false
	}
	if _, err := idEncoding.DecodeString(strings.ToUpper(id)); err != nil || strings.ToLower(id) != id {
		return "", "", false
	}
	if _, err := base64.RawURLEncoding.DecodeString(secret); err != nil {
		return "", "", false
	}
	return id, secret, true
}

// verify checks a secret against an argon2id hash, a few at a time: each
// call takes the hash's memory (32 MiB by default).
func (s *Server) verify(ctx context.Context, secret, hash string) (bool, error) {
	select {
	case s.hashSem <- struct{}{}:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	defer func() { <-s.hashSem }()
	ok, err := auth.Verify(secret, hash)
	return ok && err == nil, nil
}

// issued is a new pair of tokens: the clear ones for the client, the
// hashed records for the store.
type issued struct {
	access, refresh string
	accessExpires   time.Time
	records         []store.Token
}

// issueTokens makes an access and a refresh token for a point (pointID
// and ownerID may be empty when the store fills them in: Activate).
func (s *Server) issueTokens(pointID, ownerID string, now time.Time) (issued, error) {
	var out issued
	now = now.Truncate(time.Second) // what every store keeps exactly
	for _, refresh := range []bool{false, true} {
		clear, id, secret := newToken()
		hash, err := auth.Hash(secret, s.opt.Hash)
		if err != nil {
			return issued{}, err
		}
		t := store.Token{ID: id, Hash: hash, PointID: pointID, OwnerID: ownerID, Refresh: refresh,
			ExpiresAt: now.Add(s.opt.AccessTTL)}
		if refresh {
			t.ExpiresAt = now.Add(s.opt.RefreshTTL)
			out.refresh = clear
		} else {
			out.access, out.accessExpires = clear, t.ExpiresAt
		}
		out.records = append(out.records, t)
	}
	return out, nil
}

func (is issued) response(p store.Point) protocol.Tokens {
	return protocol.Tokens{
		PointID: p.ID, OwnerID: p.OwnerID, PointName: p.Name,
		AccessToken: is.access, ExpiresAt: is.accessExpires, RefreshToken: is.refresh,
	}
}

// principal is who an access token speaks for.
type principal struct {
	tokenID  string
	pointID  string
	ownerID  string
	deviceID string // the device the point is registered to
}

// tokenCache remembers verified tokens by id: a SHA-256 of the secret
// (never the secret), the stored hash it matched and the record.
type tokenCache struct {
	mu      sync.Mutex
	max     int
	entries map[string]*cached
}

type cached struct {
	sum       [32]byte
	hash      string
	tok       store.Token
	deviceID  string
	checkedAt time.Time
}

func newTokenCache(n int) *tokenCache { return &tokenCache{max: n, entries: map[string]*cached{}} }

func (c *tokenCache) get(id string) (cached, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[id]
	if !ok {
		return cached{}, false
	}
	return *e, true
}

func (c *tokenCache) put(id string, e cached) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[id]; !ok && len(c.entries) >= c.max {
		for k, old := range c.entries { // drop expired ones, else any one
			if !old.tok.ExpiresAt.After(e.checkedAt) {
				delete(c.entries, k)
			}
		}
		for k := range c.entries {
			if len(c.entries) < c.max {
				break
			}
			delete(c.entries, k)
		}
	}
	c.entries[id] = &e
}

func (c *tokenCache) drop(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, id)
}

func unauthorized(msg string) error { return perr(protocol.ErrUnauthorized, msg) }

// bearer is the Authorization header's token.
func bearer(r *http.Request) (string, bool) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(tok), true
}

// authenticate finds the point an access token speaks for, limits its
// rate, and tells an expired token (refresh and retry) from a wrong one.
func (s *Server) authenticate(r *http.Request) (principal, error) {
	tok, ok := bearer(r)
	if !ok {
		return principal{}, unauthorized("missing bearer token")
	}
	id, secret, ok := splitToken(tok)
	if !ok {
		return principal{}, unauthorized("malformed token")
	}
	if err := s.rateLimit("t:" + id); err != nil {
		return principal{}, err
	}
	ctx := r.Context()
	now := s.opt.Now()
	sum := sha256.Sum256([]byte(secret))
	e, hit := s.tokens.get(id)
	match := hit && subtle.ConstantTimeCompare(e.sum[:], sum[:]) == 1
	if !match || now.Sub(e.checkedAt) >= tokenRecheck || now.Before(e.checkedAt) {
		rec, err := s.st.TokenByID(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			s.tokens.drop(id)
			return principal{}, unauthorized("unknown token")
		}
		if err != nil {
			return principal{}, fmt.Errorf("token lookup: %w", err)
		}
		if !match || rec.Hash != e.hash { // argon2 once per token (and hash)
			good, err := s.verify(ctx, secret, rec.Hash)
			if err != nil {
				return principal{}, err
			}
			if !good {
				return principal{}, unauthorized("wrong token")
			}
		}
		p, err := s.st.Point(ctx, rec.PointID)
		if errors.Is(err, store.ErrNotFound) {
			return principal{}, unauthorized("the token's point is gone")
		}
		if err != nil {
			return principal{}, fmt.Errorf("point lookup: %w", err)
		}
		e = cached{sum: sum, hash: rec.Hash, tok: rec, deviceID: p.DeviceID, checkedAt: now}
		s.tokens.put(id, e)
	}
	switch {
	case e.tok.Refresh:
		return principal{}, unauthorized("a refresh token is not an access token; send it to " + protocol.PathRefresh)
	case !e.tok.RevokedAt.IsZero():
		return principal{}, unauthorized("the token was revoked")
	case !now.Before(e.tok.ExpiresAt):
		return principal{}, perr(protocol.ErrTokenExpired, "the access token expired; refresh it at "+protocol.PathRefresh)
	}
	info(ctx).point = e.tok.PointID
	return principal{tokenID: id, pointID: e.tok.PointID, ownerID: e.tok.OwnerID, deviceID: e.deviceID}, nil
}

// rateLimit takes one request from key's bucket.
func (s *Server) rateLimit(key string) error {
	if s.limiter == nil {
		return nil
	}
	if ok, wait := s.limiter.allow(key); !ok {
		return retryLater(protocol.ErrRateLimited, "too many requests; retry after the Retry-After seconds", wait)
	}
	return nil
}

// clientKey is the rate-limit key of a request without a token: its
// address (behind a proxy all clients share the proxy's).
func clientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "a:" + host
}

// Activation codes are 12 characters of Crockford's base32 (no I, L, O,
// U: nothing to misread), shown as XXXX-XXXX-XXXX: 60 bits, one use,
// DefaultActivationTTL.
const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

func newActivationCode() string {
	b := randomBytes(12)
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(codeAlphabet[int(c)%len(codeAlphabet)]) // 256 % 32 == 0: uniform
	}
	return sb.String()
}

// NormalizeCode is an activation code as hashed: upper case, without
// dashes and spaces, with the letters people confuse mapped as Crockford
// does (O → 0, I and L → 1).
func NormalizeCode(code string) string {
	var sb strings.Builder
	for _, r := range strings.ToUpper(code) {
		switch r {
		case '-', ' ', '\t':
			continue
		case 'O':
			r = '0'
		case 'I', 'L':
			r = '1'
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// IssueActivation makes a one-time activation code for a point, valid
// for ttl, and stores its argon2id hash behind a lookup tag (see
// codeLookup); the clear code is returned once, for the installer.
func IssueActivation(ctx context.Context, st store.Store, pointID string, ttl time.Duration, p auth.Params, now time.Time) (code string, expires time.Time, err error) {
	if ttl <= 0 {
		ttl = DefaultActivationTTL
	}
	if p == (auth.Params{}) {
		p = auth.Default
	}
	code = newActivationCode()
	hash, err := auth.Hash(NormalizeCode(code), p)
	if err != nil {
		return "", time.Time{}, err
	}
	hash = codeLookup(NormalizeCode(code)) + hash
	expires = now.Add(ttl)
	if err := st.AddActivation(ctx, pointID, hash, expires); err != nil {
		return "", time.Time{}, err
	}
	return code, expires, nil
}

// An activation code's stored hash starts with a lookup tag: the first 8
// bytes of the code's SHA-256. A registration then runs the slow argon2id
// check only for the code whose tag matches, not for every pending code
// of every owner (which made each wrong code cost one argon2id per
// pending code). The tag gives nothing away: finding a 60-bit code from
// it is a brute force of 2^60 SHA-256. Hashes stored without one (before
// the tag) are checked as before.
const lookupPrefix = "sha256:"

func codeLookup(normalized string) string {
	sum := sha256.Sum256([]byte(normalized))
	return lookupPrefix + hex.EncodeToString(sum[:8]) + "|"
}

// matchActivation reports whether a stored activation hash is code's: the
// tag first (cheap), then argon2id.
func matchActivation(code, stored string, verify func(code, phc string) bool) bool {
	if strings.HasPrefix(stored, lookupPrefix) {
		tag, phc, ok := strings.Cut(stored, "|")
		if !ok || subtle.ConstantTimeCompare([]byte(tag+"|"), []byte(codeLookup(code))) != 1 {
			return false
		}
		stored = phc
	}
	return verify(code, stored)
}
