//go:build linux

package serialscan

import (
	"testing"

	"smartpoint/device/ptytest"
)

// startManager runs a Manager over usb with a fake clock; it is stopped
// and checked for leftover goroutines when the test ends.
func startManager(t *testing.T, usb *fakeUSB, cfgs ...Config) (*Manager, *statusRec, *logRec) {
	t.Helper()
	st, lr := &statusRec{}, &logRec{}
	m, err := StartManager(t.Context(), cfgs, Options{
		Log: lr.logger(), OnStatus: st.add, Enumerator: usb, Clock: &fakeClock{}, Rescan: testRescan,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		m.Stop()
		assertNoGoroutines(t)
		if t.Failed() {
			t.Logf("log:\n%s", lr.dump())
		}
	})
	return m, st, lr
}

// Two scanners at once: scans from both arrive on one channel, each
// named by its scanner; the statuses are per scanner.
func TestManagerTwoScanners(t *testing.T) {
	p1, p2 := ptytest.Open(t), ptytest.Open(t)
	handheld := Match{VID: "0C2E", PID: "0B61"}
	desk := Match{VID: "05E0", PID: "1200"}
	usb := &fakeUSB{}
	usb.plug(p1.SlavePath, handheld)
	usb.plug(p2.SlavePath, desk)
	m, st, _ := startManager(t, usb,
		Config{Name: "Ручной", Match: handheld, Framing: Framing{IdleGap: 300 * ms}},
		Config{Name: "Настольный", Match: desk, Framing: Framing{Suffix: SuffixCRLF, IdleGap: 300 * ms}},
	)
	st.waitFor(t, 0, "handheld connected", func(s Status) bool {
		return s.Scanner == "Ручной" && s.State == Connected && s.Port == p1.SlavePath
	})
	st.waitFor(t, 0, "desk connected", func(s Status) bool {
		return s.Scanner == "Настольный" && s.State == Connected && s.Port == p2.SlavePath
	})

	write(t, p1, "4601", "234567890\r")
	write(t, p2, marking+"\r\n")
	got := map[string]string{}
	for range 2 {
		sc := recv(t, m.Scans())
		got[sc.Scanner] = sc.Code
	}
	if got["Ручной"] != ean || got["Настольный"] != marking {
		t.Errorf("scans by scanner %q", got)
	}
	sts := m.Statuses()
	if len(sts) != 2 || sts[0].Scanner != "Ручной" || sts[1].Scanner != "Настольный" || sts[0].State != Connected || sts[1].State != Connected {
		t.Errorf("Statuses() = %+v", sts)
	}

	m.Stop()
	if _, ok := <-m.Scans(); ok {
		t.Error("Scans not closed after Stop")
	}
	for _, s := range m.Statuses() {
		if s.State != Stopped {
			t.Errorf("%s is %v after Stop", s.Scanner, s.State)
		}
	}
}

// Two identical scanners configured by VID:PID alone never share a port.
func TestManagerIdenticalScanners(t *testing.T) {
	p1, p2 := ptytest.Open(t), ptytest.Open(t)
	usb := &fakeUSB{}
	usb.plug(p1.SlavePath, Match{VID: scanner.VID, PID: scanner.PID, Serial: "A1"})
	usb.plug(p2.SlavePath, Match{VID: scanner.VID, PID: scanner.PID, Serial: "B2"})
	m, st, _ := startManager(t, usb, Config{Name: "one", Match: scanner}, Config{Name: "two", Match: scanner})
	a, _ := st.waitFor(t, 0, "one connected", func(s Status) bool { return s.Scanner == "one" && s.State == Connected })
	b, _ := st.waitFor(t, 0, "two connected", func(s Status) bool { return s.Scanner == "two" && s.State == Connected })
	if a.Port == b.Port {
		t.Fatalf("both scanners opened %s", a.Port)
	}
	write(t, p1, "ONE-1234\r")
	write(t, p2, "TWO-1234\r")
	seen := map[string]int{}
	for range 2 {
		sc := recv(t, m.Scans())
		seen[sc.Scanner+" "+sc.Code]++
	}
	byPort := map[string]string{a.Port: "one", b.Port: "two"}
	if seen[byPort[p1.SlavePath]+" ONE-1234"] != 1 || seen[byPort[p2.SlavePath]+" TWO-1234"] != 1 {
		t.Errorf("scans %v, ports %v", seen, byPort)
	}
}

func TestStartManagerChecksConfigs(t *testing.T) {
	usb := &fakeUSB{}
	if _, err := StartManager(t.Context(), []Config{{Name: "a", Match: scanner}, {Name: "a", Port: "COM1"}}, Options{Enumerator: usb}); err == nil {
		t.Error("duplicate names accepted")
	}
	if _, err := StartManager(t.Context(), []Config{{Name: "a", Match: scanner}, {Name: "b"}}, Options{Enumerator: usb}); err == nil {
		t.Error("a scanner without Match or Port accepted")
	}
	if _, err := StartManager(t.Context(), nil, Options{OnScan: func(Scan) {}}); err == nil {
		t.Error("OnScan accepted")
	}
	assertNoGoroutines(t)
	if usb.count() != 0 {
		t.Error("a rejected manager listed ports")
	}
}
