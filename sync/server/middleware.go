package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"smartpoint/sync/protocol"
)

// reqInfo is what a request's log line says; handlers fill it in.
type reqInfo struct {
	id    string
	point string
	batch int
	code  string // the error code sent, if any
	err   error  // the cause of a 5xx, for the log only
}

type ctxKey struct{}

func info(ctx context.Context) *reqInfo {
	if ri, ok := ctx.Value(ctxKey{}).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{}
}

// statusWriter remembers the status for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// RequestIDHeader carries a request's id: the client's when it sent a
// sane one, else a new one; echoed in every answer and logged.
const RequestIDHeader = "X-Request-ID"

func requestID(r *http.Request) string {
	if id := r.Header.Get(RequestIDHeader); id != "" && len(id) <= 64 {
		ok := true
		for i := 0; i < len(id) && ok; i++ {
			c := id[i]
			ok = c > ' ' && c <= '~' && c != '"' && c != '\\'
		}
		if ok {
			return id
		}
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// observe gives each request an id, logs it when done (never a token,
// code or body) and turns a panic into a 500.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &reqInfo{id: requestID(r)}
		w.Header().Set(RequestIDHeader, ri.id)
		sw := &statusWriter{ResponseWriter: w}
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, ri))
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				ri.err = panicError{p}
				if sw.status == 0 {
					ri.code = writeError(sw, ri.id, ri.err)
				}
			}
			s.logRequest(r, ri, sw.status, time.Since(start))
		}()
		next.ServeHTTP(sw, r)
	})
}

type panicError struct{ v any }

func (p panicError) Error() string { return fmt.Sprint("panic: ", p.v) }

func (s *Server) logRequest(r *http.Request, ri *reqInfo, status int, d time.Duration) {
	attrs := []slog.Attr{
		slog.String("request_id", ri.id),
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.Int("status", status),
		slog.Duration("duration", d),
	}
	if ri.point != "" {
		attrs = append(attrs, slog.String("point", ri.point))
	}
	if ri.batch > 0 {
		attrs = append(attrs, slog.Int("batch", ri.batch))
	}
	if ri.code != "" {
		attrs = append(attrs, slog.String("code", ri.code))
	}
	if ri.err != nil {
		attrs = append(attrs, slog.String("err", ri.err.Error()))
	}
	level := slog.LevelInfo
	if status >= 500 && ri.code != protocol.ErrUnavailable {
		level = slog.LevelError
	}
	if r.URL.Path == protocol.PathHealth || r.URL.Path == protocol.PathReady {
		level = min(level, slog.LevelDebug) // probes every few seconds
		if status >= 500 {
			level = slog.LevelWarn
		}
	}
	s.log.LogAttrs(r.Context(), level, "request", attrs...)
}

// handle runs a handler that returns its error, and sends that error.
func (s *Server) handle(h func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		ri := info(r.Context())
		if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
			ri.code, ri.err = "client_gone", err
			return // nobody listens
		}
		var pe *protocol.Error
		if !errors.As(err, &pe) {
			ri.err = err
		}
		ri.code = writeError(w, ri.id, err)
	})
}

// only refuses other methods with 405 (a JSON bad_request). method may
// list several, "GET, PUT" (as Allow does), for a handler that takes each.
func (s *Server) only(method string, next http.Handler) http.Handler {
	methods := strings.Split(method, ", ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !slices.Contains(methods, r.Method) && !(slices.Contains(methods, http.MethodGet) && r.Method == http.MethodHead) {
			ri := info(r.Context())
			ri.code = writeError(w, ri.id, &httpError{
				pe:     perr(protocol.ErrBadRequest, r.Method+" is not allowed here; use "+method),
				status: http.StatusMethodNotAllowed, allow: method,
			})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// limitConcurrency checks the method, then holds one of MaxConcurrent
// slots for the request or answers 503 with Retry-After at once.
func (s *Server) limitConcurrency(method string, next http.Handler) http.Handler {
	return s.only(method, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case s.inflight <- struct{}{}:
			defer func() { <-s.inflight }()
			next.ServeHTTP(w, r)
		default:
			ri := info(r.Context())
			ri.code = writeError(w, ri.id, retryLater(protocol.ErrUnavailable, "the server is busy; retry later", time.Second))
		}
	}))
}
