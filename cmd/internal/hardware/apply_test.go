package hardware

import (
	"bytes"
	"errors"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/device/printer"
	"smartpoint/ui"
)

// fullSetup has a USB scanner, a fixed-port scanner, a network receipt
// printer and a USB label printer found by its IDs.
func fullSetup(addr string) ui.HardwareSetup {
	return ui.HardwareSetup{
		Scanners: []ui.ScannerSetup{
			{Name: "Сканер у кассы", VID: "0C2E", PID: "0B61", Suffix: "cr"},
			{Name: "Склад", Port: "COM7", Baud: 115200, Suffix: "crlf"},
		},
		Printers: []ui.PrinterSetup{
			{ID: "receipt-1", Name: "Чеки", Preset: "xprinter-xp-80", Role: ui.RoleReceipt, Transport: "tcp", Address: addr},
			{ID: "label-1", Name: "Этикетки", Preset: "xprinter-xp-365b", Role: ui.RoleLabel, Transport: "usb",
				Address: "/dev/usb/lp0", VID: "2d37", PID: "62a3", Serial: "L1"},
		},
	}
}

// What was applied is what the settings page shows after the app is
// closed and opened again.
func TestSetupSurvivesRestart(t *testing.T) {
	e := newEnv(t, nil)
	p := newFakeESCPOS(t)
	want := fullSetup(p.addr())
	e.apply(want)
	if got := e.hub.Setup(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Setup() after Apply = %+v\nwant %+v", got, want)
	}
	e.restart()
	if got := e.hub.Setup(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Setup() after restart = %+v\nwant %+v", got, want)
	}
	states := e.waitState("Чеки", ui.DeviceReady, 0)
	var order []string
	for _, d := range states {
		order = append(order, d.Kind+":"+d.Name)
	}
	if want := "scanner:Сканер у кассы scanner:Склад printer:Чеки printer:Этикетки"; strings.Join(order, " ") != want {
		t.Errorf("states in order %q, want %q", strings.Join(order, " "), want)
	}
}

// A clerk may not change the devices: refused, and nothing changes.
func TestClerkApplyIsRefused(t *testing.T) {
	e := newEnv(t, nil)
	p := newFakeESCPOS(t)
	e.apply(receiptSetup(p.addr()))
	before := e.stored()

	other := newFakeESCPOS(t)
	err := e.hub.Apply(e.ctx, e.clerk, receiptSetup(other.addr()))
	if !errs.Has(err, counter.ErrForbidden) {
		t.Fatalf("clerk's Apply = %v, want %s", err, counter.ErrForbidden)
	}
	if got := e.stored(); got != before {
		t.Errorf("stored set-up changed to %s", got)
	}
	if got := e.hub.Setup().Printers[0].Address; got != p.addr() {
		t.Errorf("set-up in use moved to %s", got)
	}
	e.enqueue("receipt-1", "\x1b@still here\n")
	if b := recvJob(t, p); string(b) != "\x1b@still here\n" {
		t.Fatalf("the old printer got %q", b)
	}
}

// A set-up that cannot work is refused with a message the window can
// translate, and nothing is saved.
func TestInvalidSetupIsRefused(t *testing.T) {
	e := newEnv(t, nil)
	p := newFakeESCPOS(t)
	e.apply(receiptSetup(p.addr()))
	before := e.stored()

	cases := []struct {
		name, field string
		edit        func(*ui.HardwareSetup)
	}{
		{"unknown preset", "printer.preset", func(s *ui.HardwareSetup) { s.Printers[0].Preset = "no-such-model" }},
		{"tcp without address", "printer.address", func(s *ui.HardwareSetup) { s.Printers[0].Address = "" }},
		{"unknown transport", "printer.transport", func(s *ui.HardwareSetup) { s.Printers[0].Transport = "bluetooth" }},
		{"no id", "printer.id", func(s *ui.HardwareSetup) { s.Printers[0].ID = "" }},
		{"same id twice", "printer.id", func(s *ui.HardwareSetup) { s.Printers = append(s.Printers, s.Printers[0]) }},
		{"label model for receipts", "printer.role", func(s *ui.HardwareSetup) { s.Printers[0].Preset = "tsc-te200" }},
		{"scanner without port or ids", "scanner.port", func(s *ui.HardwareSetup) {
			s.Scanners = []ui.ScannerSetup{{Name: "Сканер"}}
		}},
		{"scanner bad id", "scanner.usb_id", func(s *ui.HardwareSetup) {
			s.Scanners = []ui.ScannerSetup{{Name: "Сканер", VID: "zz", PID: "0b61"}}
		}},
		{"scanner bad suffix", "scanner.suffix", func(s *ui.HardwareSetup) {
			s.Scanners = []ui.ScannerSetup{{Name: "Сканер", Port: "COM3", Suffix: "tab"}}
		}},
		{"two scanners one name", "scanner.name", func(s *ui.HardwareSetup) {
			s.Scanners = []ui.ScannerSetup{{Name: "Сканер", Port: "COM3"}, {Name: "Сканер", Port: "COM4"}}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := receiptSetup("127.0.0.1:9")
			c.edit(&s)
			err := e.hub.Apply(e.ctx, e.owner, s)
			var de *errs.Error
			if !errs.Has(err, counter.ErrInvalid) || !errors.As(err, &de) || de.Args["Field"] != c.field {
				t.Fatalf("Apply = %v, want %s with Field %s", err, counter.ErrInvalid, c.field)
			}
			if got := e.stored(); got != before {
				t.Errorf("stored set-up changed to %s", got)
			}
		})
	}
	if got := e.hub.Setup().Printers[0].Address; got != p.addr() {
		t.Errorf("set-up in use moved to %s", got)
	}
}

// A set-up stored in a shape this build cannot read starts the counter
// without devices, logged, rather than not at all.
func TestUnreadableStoredSetupMeansNoDevices(t *testing.T) {
	var logs syncBuffer
	e := newEnv(t, func(o *Options) { o.Log = slog.New(slog.NewTextHandler(&logs, nil)) })
	if err := e.svc.SaveDeviceSettings(e.ctx, e.owner, `{"version":1,"printers":"Чеки"}`); err != nil {
		t.Fatal(err)
	}
	e.restart()
	if s := e.hub.Setup(); len(s.Scanners)+len(s.Printers) != 0 {
		t.Fatalf("Setup() = %+v, want none", s)
	}
	if _, ok := e.hub.Target(ui.DocReceipt); ok {
		t.Fatal("a receipt printer from an unreadable set-up")
	}
	if !strings.Contains(logs.String(), "device set-up unreadable") {
		t.Errorf("not logged; log:\n%s", logs.String())
	}
	// The settings page can set the devices up again.
	p := newFakeESCPOS(t)
	e.apply(receiptSetup(p.addr()))
	e.waitState("Чеки", ui.DeviceReady, 0)
}

// Moving the receipt printer sends the next job to the new one.
func TestApplyMovesJobsToNewPrinter(t *testing.T) {
	e := newEnv(t, nil)
	old, moved := newFakeESCPOS(t), newFakeESCPOS(t)
	e.apply(receiptSetup(old.addr()))
	e.waitState("Чеки", ui.DeviceReady, 0)
	e.apply(receiptSetup(moved.addr()))
	e.enqueue("receipt-1", "\x1b@moved\n")
	if b := recvJob(t, moved); string(b) != "\x1b@moved\n" {
		t.Fatalf("new printer got %q", b)
	}
	select {
	case b := <-old.jobs:
		t.Fatalf("old printer got %q", b)
	default:
	}
}

// A printer kept with its id and model keeps the tuning only the stored
// set-up holds (here a label stock the page cannot edit).
func TestApplyKeepsTuningOfUnchangedPrinter(t *testing.T) {
	prev := Config{Printers: []PrinterConfig{}}
	s := ui.HardwareSetup{Printers: []ui.PrinterSetup{{ID: "label-1", Name: "Этикетки", Preset: "xprinter-xp-365b",
		Role: ui.RoleLabel, Transport: "file", Address: t.TempDir() + "/labels.prn"}}}
	cfg, err := fromSetup(s, prev, printer.Host{})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Printers[0].Label.HeightMM = 30 // tuned by hand in the stored JSON
	s.Printers[0].Name = "Полки"
	again, err := fromSetup(s, cfg, printer.Host{})
	if err != nil {
		t.Fatal(err)
	}
	if got := again.Printers[0]; got.Label.HeightMM != 30 || got.Name != "Полки" {
		t.Fatalf("renamed printer: height %v, name %q; want 30, Полки", got.Label.HeightMM, got.Name)
	}
	s.Printers[0].Preset = "xprinter-xp-420b"
	other, err := fromSetup(s, cfg, printer.Host{})
	if err != nil {
		t.Fatal(err)
	}
	if got := other.Printers[0].Label.HeightMM; got != 150 {
		t.Fatalf("another model: height %v, want its 150", got)
	}
}

// stored is the set-up row as saved.
func (e *env) stored() string {
	e.t.Helper()
	raw, err := e.svc.DeviceSettings(e.ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return raw
}

// syncBuffer is a log the Hub's goroutines write while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
