//go:build linux

package serialscan

import (
	"context"
	"testing"
	"testing/synctest"
	"time"
)

// With the real timers (in a synctest bubble, so the 30 s pass at once)
// an absent scanner is looked for about ten times in 30 s, not in a busy
// loop, and Stop leaves no goroutine behind (the bubble fails the test if
// one is still blocked at the end).
func TestNotFoundWithRealTimers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		usb := &fakeUSB{}
		svc, err := Start(context.Background(), Config{Name: "x", Match: scanner}, Options{
			OnScan: func(Scan) { t.Error("scan from nowhere") }, Enumerator: usb, Log: (&logRec{}).logger(),
		})
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(30 * time.Second)
		// Waits of 0.25, 0.5, 1, 2, 4, then 5 s (±20 %) add up to
		// 27.75 s after nine of them: ten listings, give or take one.
		if n := usb.count(); n < 9 || n > 11 {
			t.Errorf("ports listed %d times in 30 s, want about 10", n)
		}
		if st := svc.Status(); st.State != NotFound {
			t.Errorf("status %v", st)
		}
		svc.Stop()
	})
}
