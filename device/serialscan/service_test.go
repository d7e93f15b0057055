//go:build linux

package serialscan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.bug.st/serial"

	"smartpoint/device/ptytest"
	"smartpoint/device/wedge"
)

// rig is one service under test with its fakes.
type rig struct {
	svc    *Service
	usb    *fakeUSB
	clk    *fakeClock
	log    *logRec
	status *statusRec
	scans  chan Scan
}

// startRig starts a service for cfg (Name and Match filled in when empty)
// over the fake enumerator and clock. The service is stopped, and checked
// for leftover goroutines, when the test ends.
func startRig(t *testing.T, cfg Config, usb *fakeUSB) *rig {
	t.Helper()
	if cfg.Name == "" {
		cfg.Name = "Касса 1"
	}
	if cfg.Match.IsZero() && cfg.Port == "" {
		cfg.Match = scanner
	}
	if cfg.IdleGap == 0 {
		// Well above the default 80 ms: the test's separate writes of one
		// code must not look like a stalled scanner on a loaded machine.
		// The decoder's own tests cover the timing exactly.
		cfg.IdleGap = 300 * ms
	}
	r := &rig{usb: usb, clk: &fakeClock{}, log: &logRec{}, status: &statusRec{}, scans: make(chan Scan, 100)}
	svc, err := Start(t.Context(), cfg, Options{
		Log:        r.log.logger(),
		OnScan:     func(s Scan) { r.scans <- s },
		OnStatus:   r.status.add,
		Enumerator: usb,
		Clock:      r.clk,
		Rescan:     testRescan,
	})
	if err != nil {
		t.Fatal(err)
	}
	r.svc = svc
	t.Cleanup(func() {
		svc.Stop()
		assertNoGoroutines(t)
		if t.Failed() {
			t.Logf("log:\n%s", r.log.dump())
		}
	})
	return r
}

// write plays the scanner: each part is a separate write to the master.
func write(t *testing.T, p *ptytest.Pair, parts ...string) {
	t.Helper()
	for _, s := range parts {
		if _, err := p.Master.Write([]byte(s)); err != nil {
			t.Fatalf("write to %s: %v", p.SlavePath, err)
		}
	}
}

// expectScan receives the next scan and checks its code.
func (r *rig) expectScan(t *testing.T, code string) Scan {
	t.Helper()
	sc := recv(t, r.scans)
	if sc.Code != code {
		t.Fatalf("scan %q, want %q", sc.Code, code)
	}
	return sc
}

// A scan arrives, whatever the terminator, split over several writes.
func TestScanArrives(t *testing.T) {
	tests := []struct {
		suffix Suffix
		end    string
	}{
		{SuffixCR, "\r"},
		{SuffixLF, "\n"},
		{SuffixCRLF, "\r\n"},
		{SuffixNone, ""}, // the idle gap ends it
	}
	for _, tc := range tests {
		t.Run(tc.suffix.String(), func(t *testing.T) {
			p := ptytest.Open(t)
			usb := &fakeUSB{}
			usb.plug(p.SlavePath, scanner)
			r := startRig(t, Config{Framing: Framing{Suffix: tc.suffix}}, usb)
			r.status.waitFor(t, 0, "connected", state(Connected, p.SlavePath))

			write(t, p, "4601", "2345", "67890"+tc.end)
			sc := r.expectScan(t, ean)
			if sc.Scanner != "Касса 1" || sc.Port != p.SlavePath || string(sc.Raw) != ean || sc.At.IsZero() {
				t.Errorf("scan = %+v", sc)
			}
			if res := sc.Result(); res != (wedge.Result{Kind: wedge.Scan, Text: ean}) {
				t.Errorf("Result() = %+v, want a wedge scan of the code", res)
			}
			write(t, p, marking[:10], marking[10:]+tc.end)
			r.expectScan(t, marking)
			if n := len(r.log.find("scanner frame rejected")); n != 0 {
				t.Errorf("%d frames rejected:\n%s", n, r.log.dump())
			}
		})
	}
}

// Noise, short frames and bad bytes are logged with their reason and
// never delivered; the LF of a CRLF on a CR-configured scanner is
// silently ignored.
func TestRejectsNoise(t *testing.T) {
	p := ptytest.Open(t)
	usb := &fakeUSB{}
	usb.plug(p.SlavePath, scanner)
	r := startRig(t, Config{}, usb)
	r.status.waitFor(t, 0, "connected", state(Connected, ""))

	write(t, p, "\x00\x07\r")
	r.log.waitFor(t, "scanner frame rejected", "reason", "control character")
	write(t, p, "12\r")
	r.log.waitFor(t, "scanner frame rejected", "reason", "too short")
	write(t, p, "\xff\xfe4601\r")
	e := r.log.waitFor(t, "scanner frame rejected", "reason", "invalid encoding")
	if e.level != 4 || e.attrs["scanner"] != "Касса 1" { // slog.LevelWarn
		t.Errorf("reject logged as %v", e)
	}
	write(t, p, ean+"\r\n", "CELL-A-01\r\n")
	r.expectScan(t, ean) // nothing rejected came before it
	r.expectScan(t, "CELL-A-01")
	if n := len(r.log.find("scanner frame rejected")); n != 3 {
		t.Errorf("%d frames rejected, want 3 (the LFs are no frames):\n%s", n, r.log.dump())
	}
	for _, e := range r.log.find("scanner frame rejected") {
		if e.attrs["err"] == "" || e.attrs["port"] != p.SlavePath {
			t.Errorf("reject entry without err or port: %v", e)
		}
	}
	// Codes appear in the log at debug level only.
	for _, e := range r.log.find("scan") {
		if e.level != -4 || e.attrs["code"] == "" {
			t.Errorf("scan logged as %v, want debug with the code", e)
		}
	}
}

// Unplug mid-frame: the partial frame is dropped and logged, the status
// goes Disconnected. Replug under a new name: the service finds the
// scanner by VID:PID, connects there, and each scan arrives exactly once.
func TestUnplugAndReplug(t *testing.T) {
	p1 := ptytest.Open(t)
	usb := &fakeUSB{}
	usb.plug(p1.SlavePath, scanner)
	r := startRig(t, Config{}, usb)
	_, i := r.status.waitFor(t, 0, "connected", state(Connected, p1.SlavePath))

	counts := map[string]int{}
	take := func(code string) { counts[r.expectScan(t, code).Code]++ }
	write(t, p1, "AAAA-1\r")
	take("AAAA-1")

	// The scanner is mid-code when the cable comes out. Wait until the
	// service has read the partial bytes, so the kernel cannot drop them
	// with the closing master.
	write(t, p1, "46012")
	waitUntil(t, &r.log.notifier, "the partial frame read", func() bool { return r.log.bytesRead() == len("AAAA-1\r46012") })
	p2 := ptytest.Open(t) // opened first, so it gets another /dev/pts number
	if p2.SlavePath == p1.SlavePath {
		t.Fatalf("second pty has the same path %s", p2.SlavePath)
	}
	p1.Master.Close()

	e := r.log.waitFor(t, "scanner frame rejected", "reason", "partial")
	if e.attrs["port"] != p1.SlavePath {
		t.Errorf("partial frame logged as %v", e)
	}
	st, i := r.status.waitFor(t, i+1, "disconnected", state(Disconnected, p1.SlavePath))
	var re *ReadError
	if !errors.As(st.Err, &re) || re.Port != p1.SlavePath {
		t.Errorf("disconnected with %v, want a *ReadError on %s", st.Err, p1.SlavePath)
	}
	var pe *serial.PortError
	if !errors.As(st.Err, &pe) {
		t.Logf("read error after unplug is %T (%v), not a PortError", errors.Unwrap(st.Err), st.Err)
	}

	// Replug: the same device, a new port name. The service is waiting
	// out its backoff; the connection had worked, so it starts at 250 ms.
	usb.unplug(p1.SlavePath)
	usb.plug(p2.SlavePath, scanner)
	tm := r.clk.next(t, "backoff", isBackoff)
	if tm.d < 200*ms || tm.d > 300*ms {
		t.Errorf("first backoff %v, want 250 ms ± 20 %%", tm.d)
	}
	tm.fire()
	r.status.waitFor(t, i+1, "connecting", state(Connecting, ""))
	r.status.waitFor(t, i+1, "connected on the new port", state(Connected, p2.SlavePath))

	write(t, p2, "BBBB-2\r")
	take("BBBB-2")
	write(t, p2, "CCCC-3\r")
	take("CCCC-3")
	for code, n := range counts {
		if n != 1 {
			t.Errorf("%s delivered %d times", code, n)
		}
	}
	if len(counts) != 3 {
		t.Errorf("delivered %v, want AAAA-1, BBBB-2, CCCC-3 once each", counts)
	}
	select {
	case sc := <-r.scans:
		t.Errorf("extra scan %q", sc.Code)
	default:
	}
	r.svc.Stop()
	want := []State{Connecting, Connected, Disconnected, Connecting, Connected, Stopped}
	var got []State
	for _, s := range r.status.list() {
		got = append(got, s.State)
	}
	if len(got) != len(want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
	for k := range want {
		if got[k] != want[k] {
			t.Fatalf("statuses %v, want %v", got, want)
		}
	}
}

// The device leaves the port list while reads just time out (the Windows
// driver case): the periodic rescan closes the port.
func TestPortVanishesFromList(t *testing.T) {
	p := ptytest.Open(t)
	usb := &fakeUSB{}
	usb.plug(p.SlavePath, scanner)
	r := startRig(t, Config{}, usb)
	_, i := r.status.waitFor(t, 0, "connected", state(Connected, p.SlavePath))

	// A rescan that still finds the port changes nothing.
	before := usb.count()
	r.clk.next(t, "rescan", isRescan).fire()
	r.clk.next(t, "next rescan", isRescan)
	if usb.count() != before+1 {
		t.Errorf("rescan listed the ports %d times, want once", usb.count()-before)
	}
	write(t, p, "4601") // a partial frame, dropped when the port is closed

	waitUntil(t, &r.log.notifier, "the bytes read", func() bool { return r.log.bytesRead() == 4 })
	usb.unplug(p.SlavePath)
	r.clk.next(t, "rescan", isRescan).fire()
	st, i := r.status.waitFor(t, i+1, "disconnected", state(Disconnected, p.SlavePath))
	if !errors.Is(st.Err, ErrPortGone) {
		t.Errorf("disconnected with %v, want ErrPortGone", st.Err)
	}
	r.log.waitFor(t, "scanner frame rejected", "reason", "partial")
	if n := r.clk.pending(isRescan); n != 0 {
		t.Errorf("%d rescan timers left running after the disconnect", n)
	}

	// It comes back on the same name.
	usb.plug(p.SlavePath, scanner)
	r.clk.next(t, "backoff", isBackoff).fire()
	r.status.waitFor(t, i+1, "reconnected", state(Connected, p.SlavePath))
	write(t, p, ean+"\r")
	r.expectScan(t, ean)
}

// No scanner attached: NotFound once, then retries that back off from
// 250 ms to 5 s, one port listing per retry and none in between.
func TestNotFoundBacksOff(t *testing.T) {
	usb := &fakeUSB{}
	r := startRig(t, Config{}, usb)
	r.status.waitFor(t, 0, "not found", state(NotFound, ""))

	bases := []time.Duration{250 * ms, 500 * ms, time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second, 5 * time.Second}
	for k, base := range bases {
		tm := r.clk.next(t, "backoff", isBackoff)
		if lo, hi := base*8/10, min(base*12/10, 5*time.Second); tm.d < lo || tm.d > hi {
			t.Errorf("retry %d waits %v, want %v..%v", k, tm.d, lo, hi)
		}
		if n := usb.count(); n != k+1 {
			t.Fatalf("after %d waits the ports were listed %d times, want %d", k, n, k+1)
		}
		tm.fire()
	}
	r.clk.next(t, "backoff", isBackoff)
	if n := usb.count(); n != len(bases)+1 {
		t.Errorf("ports listed %d times, want %d", n, len(bases)+1)
	}
	sts := r.status.list()
	if len(sts) != 2 || sts[0].State != Connecting || sts[1].State != NotFound || sts[1].Err != nil {
		t.Errorf("statuses %v, want connecting then a single not found", sts)
	}
	if got := r.svc.Status(); got.State != NotFound || got.Scanner != "Касса 1" {
		t.Errorf("Status() = %+v", got)
	}

	// Plugged in at last: found at the next retry.
	p := ptytest.Open(t)
	usb.plug(p.SlavePath, scanner)
	r.clk.next(t, "backoff", isBackoff).fire()
	r.status.waitFor(t, 0, "connected", state(Connected, p.SlavePath))
}

// A listing error is NotFound with the error, and is retried.
func TestEnumerationFails(t *testing.T) {
	usb := &fakeUSB{err: errors.New("sysfs unreadable")}
	r := startRig(t, Config{}, usb)
	st, _ := r.status.waitFor(t, 0, "not found", state(NotFound, ""))
	if st.Err == nil || !errors.Is(st.Err, usb.err) {
		t.Errorf("status error %v, want the listing error", st.Err)
	}
	r.clk.next(t, "backoff", isBackoff).fire()
	r.clk.next(t, "second backoff", isBackoff)
	if n := usb.count(); n != 2 {
		t.Errorf("listed %d times, want 2", n)
	}
}

// A matching port that is not a serial device (here a plain file) is
// Disconnected with an *OpenError, and retried with backoff.
func TestOpenFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ttyACM0")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	usb := &fakeUSB{}
	usb.plug(path, scanner)
	r := startRig(t, Config{}, usb)
	st, _ := r.status.waitFor(t, 0, "disconnected", state(Disconnected, path))
	var oe *OpenError
	if !errors.As(st.Err, &oe) || oe.Port != path {
		t.Errorf("status error %v, want *OpenError for %s", st.Err, path)
	}
	first := r.clk.next(t, "backoff", isBackoff)
	first.fire()
	second := r.clk.next(t, "second backoff", isBackoff)
	if second.d < 400*ms {
		t.Errorf("second wait %v: a port that never opens must keep backing off", second.d)
	}
	if n := usb.count(); n != 2 {
		t.Errorf("listed %d times, want 2", n)
	}
	if sts := r.status.list(); len(sts) != 2 || sts[0].State != Connecting {
		t.Errorf("statuses %v, want connecting then one disconnected, not a flicker per retry", sts)
	}
}

// A fixed port name needs no USB IDs and no port list; stopping while a
// frame is pending drops it.
func TestFixedPort(t *testing.T) {
	p := ptytest.Open(t)
	usb := &fakeUSB{err: errors.New("no enumerator on this system")}
	r := startRig(t, Config{Port: p.SlavePath, Framing: Framing{Prefix: "\x02"}}, usb)
	r.status.waitFor(t, 0, "connected", state(Connected, p.SlavePath))
	write(t, p, "\x02"+ean+"\r")
	r.expectScan(t, ean)
	if n := r.clk.pending(isRescan); n != 0 {
		t.Errorf("%d rescan timers for a port the list does not show", n)
	}
	write(t, p, "\x02460")
	waitUntil(t, &r.log.notifier, "the bytes read", func() bool { return r.log.bytesRead() == len(ean)+2+4 })
	r.svc.Stop()
	r.log.waitFor(t, "scanner frame rejected", "reason", "partial")
	if st := r.svc.Status(); st.State != Stopped {
		t.Errorf("status after Stop %v", st)
	}
	select {
	case sc := <-r.scans:
		t.Errorf("partial frame delivered as %q", sc.Code)
	default:
	}
}

// Stop returns promptly while a read is blocked, and again when called
// twice; cancelling the parent context stops the service too.
func TestStop(t *testing.T) {
	p := ptytest.Open(t)
	usb := &fakeUSB{}
	usb.plug(p.SlavePath, scanner)
	ctx, cancel := context.WithCancel(t.Context())
	svc, err := Start(ctx, Config{Name: "x", Match: scanner}, Options{OnScan: func(Scan) {}, Enumerator: usb, Log: (&logRec{}).logger()})
	if err != nil {
		t.Fatal(err)
	}
	waitUntil(t, &usb.notifier, "a listing", func() bool { return usb.count() > 0 })
	cancel()
	select {
	case <-svc.Done():
	case <-time.After(guard):
		t.Fatal("service did not stop on context cancel")
	}
	svc.Stop()
	svc.Stop()
	assertNoGoroutines(t)
}
