package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"smartpoint/sync/protocol"
)

// statusOf is the HTTP status of each protocol error code (the spec's
// x-error-status table says the same; a test keeps them together).
var statusOf = map[string]int{
	protocol.ErrBadRequest:          http.StatusBadRequest,
	protocol.ErrTooLarge:            http.StatusRequestEntityTooLarge,
	protocol.ErrUnauthorized:        http.StatusUnauthorized,
	protocol.ErrTokenExpired:        http.StatusUnauthorized,
	protocol.ErrForbidden:           http.StatusForbidden,
	protocol.ErrActivationInvalid:   http.StatusForbidden,
	protocol.ErrNotFound:            http.StatusNotFound,
	protocol.ErrVersionNotSupported: http.StatusUpgradeRequired,
	protocol.ErrIncarnationConflict: http.StatusConflict,
	protocol.ErrReset:               http.StatusConflict,
	protocol.ErrRateLimited:         http.StatusTooManyRequests,
	protocol.ErrUnavailable:         http.StatusServiceUnavailable,
	protocol.ErrInternal:            http.StatusInternalServerError,
}

// httpError is a protocol error with what only HTTP carries: a status
// other than the code's own (405) and a Retry-After.
type httpError struct {
	pe         *protocol.Error
	status     int
	retryAfter time.Duration
	allow      string // for 405
}

func (e *httpError) Error() string { return e.pe.Error() }
func (e *httpError) Unwrap() error { return e.pe }

func perr(code, msg string) *protocol.Error { return &protocol.Error{Code: code, Message: msg} }

// retryLater is a 429 or 503 with Retry-After.
func retryLater(code, msg string, after time.Duration) error {
	return &httpError{pe: perr(code, msg), retryAfter: after}
}

// writeError sends err as a protocol.Error; anything that is not one is
// a 500 whose message names the request id only (the cause goes to the
// log).
func writeError(w http.ResponseWriter, reqID string, err error) (code string) {
	var he *httpError
	var pe *protocol.Error
	status := 0
	switch {
	case errors.As(err, &he):
		pe, status = he.pe, he.status
		if he.retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(retrySeconds(he.retryAfter)))
		}
		if he.allow != "" {
			w.Header().Set("Allow", he.allow)
		}
	case errors.As(err, &pe):
	default:
		pe = perr(protocol.ErrInternal, "internal error (request "+reqID+"); the server log says more")
	}
	if status == 0 {
		status = statusOf[pe.Code]
	}
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="smartpoint"`)
	}
	writeJSON(w, status, pe)
	return pe.Code
}

// retrySeconds rounds up to whole seconds, at least 1.
func retrySeconds(d time.Duration) int {
	s := int((d + time.Second - 1) / time.Second)
	return max(s, 1)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil { // our own types: cannot happen
		status = http.StatusInternalServerError
		body = []byte(`{"code":"internal","message":"encode response"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}
