package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"smartpoint/app/errs"
	"smartpoint/sync/protocol"
)

// Errors a round or a registration returns, typed so the status bar and
// spctl can say them in the clerk's language (assets/i18n/sync). A
// server's error body stays reachable with errors.As(err, **protocol.Error).
var (
	// ErrNotRegistered: the point was never registered (spctl sync register).
	ErrNotRegistered = errs.Register("sync.not_registered")
	// ErrBadURL: the server address is not an http(s) URL.
	ErrBadURL = errs.Register("sync.bad_url")
	// ErrOffline: the server could not be reached (network down, timeout).
	ErrOffline = errs.Register("sync.offline")
	// ErrServer: the server failed (5xx).
	ErrServer = errs.Register("sync.server")
	// ErrBusy: the server asked to wait (429, or 503 with Retry-After).
	ErrBusy = errs.Register("sync.busy")
	// ErrUpdateNeeded: the server no longer speaks this app's protocol (426).
	ErrUpdateNeeded = errs.Register("sync.update_needed")
	// ErrUnauthorized: the point's tokens no longer work; register again.
	ErrUnauthorized = errs.Register("sync.unauthorized")
	// ErrActivationInvalid: the activation code is unknown, used or expired.
	ErrActivationInvalid = errs.Register("sync.activation_invalid")
	// ErrConflict: another copy of this database pushes as this device
	// even after a new incarnation.
	ErrConflict = errs.Register("sync.conflict")
	// ErrRefused: the server refused a request for another reason (Code).
	ErrRefused = errs.Register("sync.refused")
	// ErrProtocol: the server's answer does not follow the protocol.
	ErrProtocol = errs.Register("sync.protocol")
	// ErrLocal: the counter database failed while storing sync state.
	ErrLocal = errs.Register("sync.local")
)

// httpError is a non-2xx answer: its status, the decoded body, and how
// long the server asked to wait. It unwraps to the *protocol.Error.
type httpError struct {
	status     int
	body       *protocol.Error
	retryAfter time.Duration
}

func (e *httpError) Error() string {
	return fmt.Sprintf("http %d: %s", e.status, e.body.Error())
}

func (e *httpError) Unwrap() error { return e.body }

// decodeError reads a server error body; a body that is not one (a proxy's
// HTML page) becomes a code that matches the status.
func decodeError(status int, body []byte, retryAfter time.Duration) *httpError {
	pe := &protocol.Error{}
	if err := json.Unmarshal(body, pe); err != nil || pe.Code == "" {
		pe = &protocol.Error{Code: codeForStatus(status), Message: http.StatusText(status)}
	}
	return &httpError{status: status, body: pe, retryAfter: retryAfter}
}

func codeForStatus(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return protocol.ErrUnauthorized
	case status == http.StatusForbidden:
		return protocol.ErrForbidden
	case status == http.StatusNotFound:
		return protocol.ErrNotFound
	case status == http.StatusRequestEntityTooLarge:
		return protocol.ErrTooLarge
	case status == http.StatusUpgradeRequired:
		return protocol.ErrVersionNotSupported
	case status == http.StatusTooManyRequests:
		return protocol.ErrRateLimited
	case status == http.StatusServiceUnavailable:
		return protocol.ErrUnavailable
	case status >= 500:
		return protocol.ErrInternal
	}
	return protocol.ErrBadRequest
}

// typed turns a server answer into the error the UI shows.
func (e *httpError) typed() error {
	b := e.body
	switch {
	case b.Code == protocol.ErrVersionNotSupported || e.status == http.StatusUpgradeRequired:
		return errs.Wrap(e, ErrUpdateNeeded, "Version", b.MinVersion)
	case b.Code == protocol.ErrActivationInvalid:
		return errs.Wrap(e, ErrActivationInvalid)
	case e.status == http.StatusUnauthorized || e.status == http.StatusForbidden:
		return errs.Wrap(e, ErrUnauthorized)
	case e.status == http.StatusTooManyRequests || (e.status == http.StatusServiceUnavailable && e.retryAfter > 0):
		return errs.Wrap(e, ErrBusy, "Seconds", int(e.retryAfter.Round(time.Second)/time.Second))
	case e.status >= 500:
		return errs.Wrap(e, ErrServer, "Status", e.status)
	case b.Code == protocol.ErrIncarnationConflict:
		return errs.Wrap(e, ErrConflict)
	}
	return errs.Wrap(e, ErrRefused, "Code", b.Code, "Message", b.Message)
}

// serverCode is the protocol error code of err, or "".
func serverCode(err error) string {
	if he, ok := errors.AsType[*httpError](err); ok {
		return he.body.Code
	}
	return ""
}

// retryAfterOf is how long the server asked to wait, or 0.
func retryAfterOf(err error) time.Duration {
	if he, ok := errors.AsType[*httpError](err); ok {
		return he.retryAfter
	}
	return 0
}

// parseRetryAfter reads Retry-After as seconds or as an HTTP date, the
// date measured against the answer's own Date header (the counter's clock
// may be days off). Anything else is 0.
func parseRetryAfter(h http.Header) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			return 0
		}
		return time.Duration(n) * time.Second
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0
	}
	now, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		return 0
	}
	if d := at.Sub(now); d > 0 {
		return d
	}
	return 0
}

// offline wraps a transport failure; a cancelled caller stays cancelled.
func offline(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return errs.Wrap(err, ErrOffline)
}

func local(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return errs.Wrap(err, ErrLocal)
}

func protocolErr(format string, args ...any) error {
	return errs.Wrap(fmt.Errorf(format, args...), ErrProtocol, "Detail", fmt.Sprintf(format, args...))
}
