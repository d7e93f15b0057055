package client

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"smartpoint/app/errs"
	"smartpoint/sync/protocol"
)

// maxResponse bounds what one answer may hold (a pull page of 1000
// changes with their data stays far below).
const maxResponse = 32 << 20

// newHTTP makes a resty client. With retries, resty retries a request at
// once on a transport error, a 5xx, or a 429/503 whose Retry-After fits
// RetryMaxWait — for every method, which is safe here because push, pull
// and hello are idempotent (event ids, cursors). A custom retry condition
// replaces resty's default transport-error retry, so ours covers
// transport errors itself. Longer waits belong to the supervisor, which
// backs off for minutes without holding a request open.
func (c *Client) newHTTP(retries int) *resty.Client {
	h := resty.New().
		SetTimeout(c.opt.Timeout).
		SetLogger(restyLogger{c.log}).
		SetDisableWarn(true).
		SetResponseBodyLimit(maxResponse).
		SetHeader("Accept", "application/json").
		SetHeader("User-Agent", "smartpoint-counter/"+c.appVersion())
	if c.opt.Transport != nil {
		h.SetTransport(c.opt.Transport)
	}
	if retries > 0 {
		h.SetRetryCount(retries).
			SetRetryWaitTime(c.opt.RetryWait).
			SetRetryMaxWaitTime(c.opt.RetryMaxWait).
			SetRetryAfter(func(_ *resty.Client, r *resty.Response) (time.Duration, error) {
				return parseRetryAfter(r.Header()), nil
			}).
			AddRetryCondition(c.retryable)
	}
	return h
}

func (c *Client) appVersion() string {
	if c.opt.AppVersion == "" {
		return "dev"
	}
	return c.opt.AppVersion
}

// retryable says whether resty should retry a request at once.
func (c *Client) retryable(r *resty.Response, err error) bool {
	if err != nil {
		return true // transport error, timeout (a cancelled caller is not retried by resty)
	}
	if r == nil {
		return false
	}
	s := r.StatusCode()
	if s != http.StatusTooManyRequests && s < 500 {
		return false
	}
	return parseRetryAfter(r.Header()) <= c.opt.RetryMaxWait
}

// restyLogger sends resty's own lines (failed attempts) to the debug log.
// They hold the URL and the error, never a header.
type restyLogger struct{ l *slog.Logger }

func (r restyLogger) Errorf(format string, v ...any) {
	r.l.Debug("sync http: " + fmt.Sprintf(format, v...))
}
func (r restyLogger) Warnf(format string, v ...any) {
	r.l.Debug("sync http: " + fmt.Sprintf(format, v...))
}
func (r restyLogger) Debugf(format string, v ...any) {
	r.l.Debug("sync http: " + fmt.Sprintf(format, v...))
}

// request is one call of the API.
type request struct {
	method  string
	path    string
	query   url.Values
	body    any
	token   string
	noRetry bool
}

// send runs one request and decodes a 2xx body into out; any other answer
// is an *httpError (not yet typed: callers react to some codes).
func (c *Client) send(ctx context.Context, base string, rq request, out any) error {
	h := c.http
	if rq.noRetry {
		h = c.once
	}
	r := h.R().SetContext(ctx)
	if rq.token != "" {
		r.SetAuthToken(rq.token)
	}
	if rq.query != nil {
		r.SetQueryParamsFromValues(rq.query)
	}
	if rq.body != nil {
		b, err := json.Marshal(rq.body)
		if err != nil {
			return fmt.Errorf("encode %s: %w", rq.path, err)
		}
		r.SetHeader("Content-Type", "application/json").SetBody(b)
	}
	resp, err := r.Execute(rq.method, strings.TrimRight(base, "/")+rq.path)
	if err != nil {
		return offline(ctx, err)
	}
	if s := resp.StatusCode(); s < 200 || s > 299 {
		return decodeError(s, resp.Body(), parseRetryAfter(resp.Header()))
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(resp.Body(), out); err != nil {
		return protocolErr("%s: answer is not JSON: %v", rq.path, err)
	}
	return nil
}

// call runs an authenticated request as the registered point. An access
// token the server no longer takes — expired (401 token_expired), or
// unknown to a server restored from a backup older than it (401
// unauthorized) — is renewed once with the refresh token and the request
// sent again. Errors come back typed, except the codes the caller handles.
func (c *Client) call(ctx context.Context, st *state, res *RoundResult, rq request, out any, handled ...string) error {
	base := c.serverURL(st)
	for attempt := 0; ; attempt++ {
		rq.token = st.access
		err := c.send(ctx, base, rq, out)
		if err == nil {
			return nil
		}
		code := serverCode(err)
		if (code == protocol.ErrTokenExpired || code == protocol.ErrUnauthorized) && attempt == 0 && st.refresh != "" {
			if err := c.refreshTokens(ctx, st); err != nil {
				return err
			}
			if res != nil {
				res.Refreshed = true
			}
			continue
		}
		for _, h := range handled {
			if code == h {
				return err
			}
		}
		return typed(err)
	}
}

// typed gives the UI's error for a send error.
func typed(err error) error {
	if he, ok := errors.AsType[*httpError](err); ok {
		return he.typed()
	}
	return err
}

// refreshTokens trades the refresh token for new tokens and stores them
// before anything uses them. Another process on the same database (spctl
// sync while the app runs) may have renewed them first — the server
// takes a refresh token once — so the stored tokens are looked at before
// and after a refused refresh.
func (c *Client) refreshTokens(ctx context.Context, st *state) error {
	if c.adoptStored(ctx, st) {
		return nil
	}
	var t protocol.Tokens
	err := c.send(ctx, c.serverURL(st), request{method: http.MethodPost, path: protocol.PathRefresh,
		body: protocol.RefreshRequest{RefreshToken: st.refresh}, noRetry: true}, &t)
	if err != nil {
		if he, ok := errors.AsType[*httpError](err); ok && (he.status == http.StatusUnauthorized || he.status == http.StatusForbidden) {
			if c.adoptStored(ctx, st) {
				return nil
			}
			return errs.Wrap(he, ErrUnauthorized)
		}
		return typed(err)
	}
	if t.AccessToken == "" || t.RefreshToken == "" {
		return protocolErr("refresh: the answer has no tokens")
	}
	if err := c.db.Tx(ctx, func(tx *sql.Tx) error {
		return putTokens(tx, t)
	}); err != nil {
		return local(err)
	}
	st.access, st.refresh, st.expires = t.AccessToken, t.RefreshToken, t.ExpiresAt
	c.log.Info("sync: access token renewed", "expires", t.ExpiresAt)
	return nil
}

// adoptStored takes the tokens stored in the database when another client
// renewed them since st was read.
func (c *Client) adoptStored(ctx context.Context, st *state) bool {
	now, err := loadState(ctx, c.db)
	if err != nil || now.refresh == "" || now.refresh == st.refresh {
		return false
	}
	st.access, st.refresh, st.expires = now.access, now.refresh, now.expires
	c.log.Info("sync: tokens renewed by another client of this database")
	return true
}
