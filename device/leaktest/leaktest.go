// Package leaktest checks, in tests, that the goroutines a device service
// started have all returned after it was stopped: a reader left running
// would hold a port the next start cannot open.
package leaktest

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

// Check fails t when a goroutine whose stack mentions one of markers
// (function or package names) is still running. A goroutine that has
// signalled it is done may still be returning from deferred calls, so the
// check yields and looks again for up to guard.
func Check(t testing.TB, guard time.Duration, markers ...string) {
	t.Helper()
	deadline := time.Now().Add(guard)
	for {
		left := Running(markers...)
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("goroutines left running:\n%s", strings.Join(left, "\n\n"))
			return
		}
		runtime.Gosched()
	}
}

// Running returns the stacks of goroutines that mention a marker and run
// no test code (fakes and the test runner itself are the test's business).
func Running(markers ...string) []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		frames, _, _ := strings.Cut(g, "\ncreated by ")
		if strings.Contains(frames, "_test.go") || strings.Contains(frames, "leaktest.Running") {
			continue
		}
		for _, m := range markers {
			if strings.Contains(g, m) {
				out = append(out, g)
				break
			}
		}
	}
	return out
}
