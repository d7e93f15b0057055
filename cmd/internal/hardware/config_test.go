package hardware

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"smartpoint/device/printer"
	"smartpoint/ui"
)

// storedV1 is a set-up as version 1 stores it. It must keep reading the
// same: PCs carry it across upgrades.
const storedV1 = `{"version":1,
 "scanners":[{"name":"Сканер у кассы","vid":"0C2E","pid":"0B61","suffix":"cr"},{"name":"Склад","port":"COM7","baud":115200,"suffix":"crlf"}],
 "printers":[
  {"role":"receipt","id":"receipt-1","name":"Чеки","kind":"receipt","preset":"xprinter-xp-80",
   "transport":{"kind":"tcp","address":"192.168.1.50:9100"},
   "receipt":{"family":"clone","columns":48,"dots":576,"code_page":"cp866","qr":"native","cutter":true,"drawer":false,"feed_lines":0}},
  {"role":"label","id":"label-1","name":"Этикетки","kind":"label","preset":"xprinter-xp-365b",
   "transport":{"kind":"usb","address":"/dev/usb/lp0","match":{"vid":"2d37","pid":"62a3"}},
   "label":{"lang":"tspl","width_mm":58,"height_mm":30,"dpi":203,"gap_mm":2}}]}`

func TestStoredV1Reads(t *testing.T) {
	c, err := decodeConfig(storedV1)
	if err != nil {
		t.Fatal(err)
	}
	want := ui.HardwareSetup{
		Scanners: []ui.ScannerSetup{
			{Name: "Сканер у кассы", VID: "0C2E", PID: "0B61", Suffix: "cr"},
			{Name: "Склад", Port: "COM7", Baud: 115200, Suffix: "crlf"},
		},
		Printers: []ui.PrinterSetup{
			{ID: "receipt-1", Name: "Чеки", Preset: "xprinter-xp-80", Role: ui.RoleReceipt, Transport: "tcp", Address: "192.168.1.50:9100"},
			{ID: "label-1", Name: "Этикетки", Preset: "xprinter-xp-365b", Role: ui.RoleLabel, Transport: "usb", Address: "/dev/usb/lp0",
				VID: "2d37", PID: "62a3"},
		},
	}
	if got := toSetup(c); !reflect.DeepEqual(got, want) {
		t.Fatalf("toSetup = %+v\nwant %+v", got, want)
	}
	if c.Printers[1].Label.HeightMM != 30 || c.Printers[0].Receipt.Columns != 48 {
		t.Errorf("profiles not read: %+v", c.Printers)
	}
	sc, err := scanConfig(c.Scanners[1])
	if err != nil || sc.Port != "COM7" || sc.Baud != 115200 || !sc.Match.IsZero() {
		t.Errorf("scanConfig = %+v, %v", sc, err)
	}
	usb, err := scanConfig(c.Scanners[0])
	if err != nil || usb.Baud != 9600 || usb.Match.VID != "0C2E" {
		t.Errorf("scanConfig = %+v, %v; want 9600 baud by VID:PID", usb, err)
	}
}

// What is written is version 1 with the printer's own fields beside its
// role, and reads back the same.
func TestConfigRoundTrip(t *testing.T) {
	c, err := decodeConfig(storedV1)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := c.encode()
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]any
	if err := json.Unmarshal([]byte(raw), &top); err != nil {
		t.Fatal(err)
	}
	p0 := top["printers"].([]any)[0].(map[string]any)
	if top["version"] != float64(1) || p0["role"] != "receipt" || p0["preset"] != "xprinter-xp-80" || p0["transport"] == nil {
		t.Fatalf("stored form %s", raw)
	}
	back, err := decodeConfig(raw)
	if err != nil || !reflect.DeepEqual(back, c) {
		t.Fatalf("read back %+v, %v\nwant %+v", back, err, c)
	}
}

func TestEmptyAndLaterConfigs(t *testing.T) {
	c, err := decodeConfig("")
	if err != nil || len(c.Scanners)+len(c.Printers) != 0 {
		t.Fatalf(`decodeConfig("") = %+v, %v`, c, err)
	}
	later := strings.Replace(storedV1, `"version":1,`, `"version":2,"cash_drawers":[{"name":"Ящик"}],`, 1)
	c, err = decodeConfig(later)
	if err != nil || len(c.Printers) != 2 || c.Version != 2 {
		t.Fatalf("a later set-up: %+v, %v", c, err)
	}
	if _, err := decodeConfig(`{"printers":"Чеки"}`); err == nil {
		t.Fatal("a set-up of the wrong shape read")
	}
}

// A serial printer keeps its USB IDs (found again after a replug); a
// network printer drops IDs that mean nothing for it.
func TestPrinterTransportFromSetup(t *testing.T) {
	s := ui.HardwareSetup{Printers: []ui.PrinterSetup{
		{ID: "r1", Name: "COM", Preset: "generic-pos-58", Transport: "serial", VID: "1a86", PID: "7523", Baud: 19200},
		{ID: "r2", Name: "LAN", Preset: "generic-pos-80", Transport: "tcp", Address: "10.0.0.9", VID: "1a86", PID: "7523"},
		{ID: "l1", Name: "Labels", Preset: "zebra-zd220", Transport: "file", Address: t.TempDir() + "/z.prn"},
	}}
	c, err := fromSetup(s, Config{}, printer.Host{})
	if err != nil {
		t.Fatal(err)
	}
	ser := c.Printers[0]
	if ser.Transport.Kind != printer.TransportSerial || ser.Transport.Baud != 19200 || ser.Transport.Match.VID != "1a86" ||
		ser.Role != ui.RoleReceipt || ser.Receipt.Columns != 32 {
		t.Errorf("serial printer %+v", ser)
	}
	if lan := c.Printers[1]; !lan.Transport.Match.IsZero() || lan.Transport.Address != "10.0.0.9" {
		t.Errorf("network printer %+v", lan)
	}
	if l := c.Printers[2]; l.Role != ui.RoleLabel || l.Kind != printer.KindLabel {
		t.Errorf("label printer without a role: %+v", l)
	}
}

// Start twice is a mistake; Stop more than once is not; a job after Stop
// waits.
func TestLifecycle(t *testing.T) {
	e := newEnv(t, nil)
	if err := e.hub.Start(e.ctx); err == nil {
		t.Fatal("second Start accepted")
	}
	e.hub.Stop()
	e.hub.Stop()
	if err := e.hub.Send(e.ctx, "receipt-1", []byte("x")); !errors.Is(err, errNotRunning) {
		t.Fatalf("Send after Stop = %v", err)
	}
	if err := e.hub.Start(e.ctx); err == nil {
		t.Fatal("Start after Stop accepted")
	}
}
