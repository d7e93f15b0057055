//go:build linux

package hardware

import (
	"bytes"
	"log/slog"
	"smartpoint/device/ptytest"
	"strings"
	"testing"
	"time"

	"smartpoint/device/serialscan"
	"smartpoint/ui"
)

// A USB scanner in COM mode, found by its IDs: its codes reach the window
// as scans with their bytes, and pulling its cable shows it lost.
func TestSerialScannerScansAndIsLost(t *testing.T) {
	p := ptytest.Open(t)
	var logs syncBuffer
	e := newEnv(t, func(o *Options) {
		o.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
		o.Enumerator = serialscan.EnumeratorFunc(func() ([]serialscan.PortInfo, error) {
			return []serialscan.PortInfo{{Name: p.SlavePath, IsUSB: true, VID: "0C2E", PID: "0B61", Product: "Xenon 1900"}}, nil
		})
	})
	e.apply(ui.HardwareSetup{Scanners: []ui.ScannerSetup{{Name: "Сканер у кассы", VID: "0c2e", PID: "0b61"}}})
	if d, _ := find(e.waitState("Сканер у кассы", ui.DeviceConnected, 0), "Сканер у кассы"); d.Port != p.SlavePath {
		t.Errorf("connected scanner's port %q, want %q", d.Port, p.SlavePath)
	}

	if _, err := p.Master.Write([]byte("4601234567890\r")); err != nil {
		t.Fatal(err)
	}
	select {
	case sc := <-e.scans:
		if sc.Code != "4601234567890" || sc.Scanner != "Сканер у кассы" || !bytes.Contains(sc.Raw, []byte("4601234567890")) {
			t.Fatalf("scan %+v", sc)
		}
	case <-time.After(guard):
		t.Fatal("no scan arrived")
	}
	if strings.Contains(logs.String(), "4601234567890") {
		t.Errorf("a scanned code was logged above debug level:\n%s", logs.String())
	}

	p.Master.Close() // the cable is pulled
	e.waitState("Сканер у кассы", ui.DeviceLost, 0)
}
