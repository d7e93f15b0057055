package leaktest

import (
	"io"
	"testing"
	"time"
)

// A goroutine still blocked is reported; once it returns, it is not.
func TestRunningFindsABlockedGoroutine(t *testing.T) {
	r, w := io.Pipe()
	go io.Copy(io.Discard, r)
	if len(Running("io.Copy")) != 1 {
		t.Fatal("the blocked goroutine is not reported")
	}
	w.Close()
	Check(t, 5*time.Second, "io.Copy")
}
