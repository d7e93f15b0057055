package leaktest

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// A service goroutine still running is reported; once it returns, it is
// not. The server's goroutines are started by library code, not by this
// file, so the test-code filter leaves them visible whether or not the
// scheduler has run them yet.
func TestRunningFindsABlockedGoroutine(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	if len(Running("httptest.(*Server).goServe")) == 0 {
		t.Fatal("the running server goroutine is not reported")
	}
	srv.Close()
	Check(t, 5*time.Second, "httptest.(*Server).goServe")
}

// Goroutines that run test code (fakes) are the test's business.
func TestRunningIgnoresTestCode(t *testing.T) {
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { defer close(done); <-stop }()
	if left := Running("leaktest.TestRunningIgnoresTestCode"); len(left) != 0 {
		t.Fatalf("a fake's goroutine is reported:\n%s", left[0])
	}
	close(stop)
	<-done
}
