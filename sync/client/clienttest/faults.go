package clienttest

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"

	"smartpoint/sync/protocol"
)

type fault struct {
	path  string
	count int // requests left; <0: until cleared
	kind  faultKind
	// canned answer
	status     int
	retryAfter string
	// hang: released when the request ends or release is closed;
	// arrived gets a value when a request is held
	release chan struct{}
	arrived chan struct{}
	// after: called after the n-th request on path reached the handler
	after func(n int)
	n     int
}

type faultKind int

const (
	faultStatus  faultKind = iota // answer status without running the handler
	faultDrop                     // run the handler (it commits), then drop the connection
	faultDouble                   // deliver the request twice; the client sees the second answer
	faultHang                     // hold the request until it is cancelled
	faultObserve                  // run the handler, then call after
)

// Faults is a fault-injecting HTTP middleware for sync tests: each fault
// takes the next requests on a path. The test server has one; Wrap puts
// one in front of any handler (the reference server, in integration
// tests).
type Faults struct {
	mu       sync.Mutex
	faults   []*fault
	requests map[string]int
}

// NewFaults makes a middleware with no fault on.
func NewFaults() *Faults { return &Faults{requests: map[string]int{}} }

// Requests is how many requests reached path (faulty ones included).
func (s *Faults) Requests(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[path]
}

func (s *Faults) addFault(f *fault) {
	s.mu.Lock()
	s.faults = append(s.faults, f)
	s.mu.Unlock()
}

// FailNext answers the next n requests on path (any path when "") with
// status and a protocol error body, and Retry-After when not "".
func (s *Faults) FailNext(path string, n, status int, retryAfter string) {
	s.addFault(&fault{path: path, count: n, kind: faultStatus, status: status, retryAfter: retryAfter})
}

// DropAfterCommit runs the next n requests on path to the end (the server
// commits) and then closes the connection without an answer.
func (s *Faults) DropAfterCommit(path string, n int) {
	s.addFault(&fault{path: path, count: n, kind: faultDrop})
}

// Double delivers the next n requests on path twice, as a network or a
// proxy that retries on its own would.
func (s *Faults) Double(path string, n int) {
	s.addFault(&fault{path: path, count: n, kind: faultDouble})
}

// Hang holds the next n requests on path without an answer until the
// client gives up (its timeout or cancellation) or release is closed
// (then it answers 503). The returned channel gets a value as each
// request is held.
func (s *Faults) Hang(path string, n int, release chan struct{}) <-chan struct{} {
	arrived := make(chan struct{}, max(n, 1))
	s.addFault(&fault{path: path, count: n, kind: faultHang, release: release, arrived: arrived})
	return arrived
}

// After calls fn after each of the next n requests on path was answered
// (n < 0: every one), with how many such requests were seen so far.
func (s *Faults) After(path string, n int, fn func(n int)) {
	s.addFault(&fault{path: path, count: n, kind: faultObserve, after: fn})
}

// ClearFaults removes every fault.
func (s *Faults) ClearFaults() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
}

// take finds the first live fault for path and uses one of its requests.
func (s *Faults) take(path string) (*fault, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests[path]++
	for i, f := range s.faults {
		if f.path != "" && f.path != path {
			continue
		}
		if f.count > 0 {
			f.count--
			if f.count == 0 {
				s.faults = slices.Delete(s.faults, i, i+1)
			}
		}
		f.n++
		return f, f.n
	}
	return nil, 0
}

// Wrap puts the faults in front of next.
func (s *Faults) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, n := s.take(r.URL.Path)
		if f == nil {
			next.ServeHTTP(w, r)
			return
		}
		switch f.kind {
		case faultStatus:
			if f.retryAfter != "" {
				w.Header().Set("Retry-After", f.retryAfter)
			}
			writeErr(w, f.status, &protocol.Error{Code: codeFor(f.status), Message: "test server: canned failure"})
		case faultDrop:
			body := readAll(r)
			r.Body = body.reader()
			next.ServeHTTP(httptest.NewRecorder(), r)
			hj, ok := w.(http.Hijacker)
			if !ok {
				panic("clienttest: the response writer cannot be hijacked")
			}
			conn, _, err := hj.Hijack()
			if err == nil {
				conn.Close()
			}
		case faultDouble:
			body := readAll(r)
			r.Body = body.reader()
			next.ServeHTTP(httptest.NewRecorder(), r)
			r.Body = body.reader()
			next.ServeHTTP(w, r)
		case faultHang:
			select {
			case f.arrived <- struct{}{}:
			default:
			}
			select {
			case <-r.Context().Done():
			case <-f.release:
				writeErr(w, http.StatusServiceUnavailable, &protocol.Error{Code: protocol.ErrUnavailable, Message: "released"})
			}
		case faultObserve:
			next.ServeHTTP(w, r)
			f.after(n)
		}
	})
}

func codeFor(status int) string {
	switch status {
	case http.StatusTooManyRequests:
		return protocol.ErrRateLimited
	case http.StatusServiceUnavailable:
		return protocol.ErrUnavailable
	case http.StatusUnauthorized:
		return protocol.ErrUnauthorized
	case http.StatusUpgradeRequired:
		return protocol.ErrVersionNotSupported
	}
	if status >= 500 {
		return protocol.ErrInternal
	}
	return protocol.ErrBadRequest
}
