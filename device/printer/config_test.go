package printer

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"smartpoint/device/escpos"
	"smartpoint/device/label"
)

func TestConfigJSONRoundTrip(t *testing.T) {
	xp, _ := PresetByID("xprinter-xp-80")
	zb, _ := PresetByID("zebra-zd220")
	for _, c := range []Config{
		xp.Config("r1", "Receipts", TransportConfig{Kind: TransportSerial, Address: "COM3", Baud: 19200, Framing: "8N1", RTSCTS: true, ChunkSize: 256, ChunkDelayMS: 20, Match: Match{VID: "0416", PID: "5011", Serial: "X1"}}),
		zb.Config("l1", "Labels", TransportConfig{Kind: TransportTCP, Address: "192.168.1.60:9100"}),
		{ID: "f", Name: "Preview", Kind: KindReceipt, Transport: TransportConfig{Kind: TransportFile, Address: "/tmp/p.bin", Append: true}},
	} {
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		var back Config
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, c) {
			t.Errorf("round trip of %s changed it:\n%+v\n%+v", b, c, back)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", c.ID, err)
		}
	}
}

// The stored form is what the settings file holds: flat label fields,
// snake-case keys, nothing for the unused profile.
func TestConfigJSONShape(t *testing.T) {
	zb, _ := PresetByID("zebra-gk420d")
	b, _ := json.Marshal(zb.Config("l1", "Labels", TransportConfig{Kind: TransportWindows, Address: "ZDesigner GK420d"}))
	want := `{"id":"l1","name":"Labels","kind":"label","preset":"zebra-gk420d","transport":{"kind":"windows","address":"ZDesigner GK420d"},"label":{"lang":"zpl","width_mm":100,"height_mm":150,"dpi":203,"gap_mm":3}}`
	if string(b) != want {
		t.Errorf("JSON\n got %s\nwant %s", b, want)
	}
}

func TestConfigValidate(t *testing.T) {
	ok := Config{Name: "R", Kind: KindReceipt, Transport: TransportConfig{Kind: TransportTCP, Address: "10.0.0.5"}}
	bad := map[string]func(c *Config){
		"no name":           func(c *Config) { c.Name = " " },
		"kind":              func(c *Config) { c.Kind = "fax" },
		"transport":         func(c *Config) { c.Transport.Kind = "bluetooth" },
		"no address":        func(c *Config) { c.Transport.Address = "" },
		"usb without match": func(c *Config) { c.Transport = TransportConfig{Kind: TransportUSB, Match: Match{VID: "0416"}} },
		"framing":           func(c *Config) { c.Transport = TransportConfig{Kind: TransportSerial, Address: "COM1", Framing: "9Z9"} },
		"label lang": func(c *Config) {
			c.Kind = KindLabel
			c.Label = LabelProfile{Lang: "epl", Spec: label.Spec{WidthMM: 58, HeightMM: 40, DPI: 203}}
		},
		"label spec": func(c *Config) { c.Kind = KindLabel; c.Label = LabelProfile{Lang: label.LangTSPL} },
	}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mutate := range bad {
		c := ok
		mutate(&c)
		if err := c.Validate(); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: Validate() = %v, want ErrConfig", name, err)
		}
	}
	usb := ok
	usb.Transport = TransportConfig{Kind: TransportUSB, Match: Match{VID: "0416", PID: "5011"}}
	if err := usb.Validate(); err != nil {
		t.Errorf("usb by VID:PID alone: %v", err)
	}
}

func TestPresets(t *testing.T) {
	ps := Presets()
	id := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	seen := map[string]bool{}
	for _, p := range ps {
		if !id.MatchString(p.ID) || seen[p.ID] || p.Name == "" {
			t.Errorf("preset %q (%q): IDs must be unique lower-case slugs, names set", p.ID, p.Name)
		}
		seen[p.ID] = true
		c := p.Config("x", "X", TransportConfig{Kind: TransportFile, Address: "/tmp/x"})
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", p.ID, err)
		}
		switch p.Kind {
		case KindReceipt:
			r := p.Receipt
			// Font A is 12 dots wide: the columns must fit the dots.
			if r.Columns*12 > r.Dots || r.CodePage != escpos.CP866 || r.Family == "" || r.QR == "" {
				t.Errorf("%s: profile %+v", p.ID, r)
			}
			if c.Label != (LabelProfile{}) {
				t.Errorf("%s: receipt config carries a label profile", p.ID)
			}
		case KindLabel:
			if _, err := p.Label.Builder(); err != nil {
				t.Errorf("%s: %v", p.ID, err)
			}
		default:
			t.Errorf("%s: kind %q", p.ID, p.Kind)
		}
	}
	for _, want := range []string{"epson-tm-t20", "epson-tm-t20ii", "epson-tm-t88", "xprinter-xp-58", "generic-pos-58", "xprinter-xp-80", "generic-pos-80", "rongta-rp326", "atol-shtrih-80", "xprinter-xp-365b", "xprinter-xp-420b", "tsc-te200", "zebra-gk420d", "zebra-zd220"} {
		if !seen[want] {
			t.Errorf("preset %s missing", want)
		}
	}
	tm, _ := PresetByID("epson-tm-t20")
	x58, _ := PresetByID("xprinter-xp-58")
	zb, _ := PresetByID("zebra-zd220")
	if tm.Receipt.Family != escpos.FamilyEpson || tm.Receipt.Dots != 576 || tm.Receipt.Columns != 48 || !tm.Receipt.Cutter || tm.Receipt.QR != escpos.QRNative {
		t.Errorf("TM-T20: %+v", tm.Receipt)
	}
	if x58.Receipt.Family != escpos.FamilyClone || x58.Receipt.Dots != 384 || x58.Receipt.Columns != 32 || x58.Receipt.Cutter || x58.Receipt.QR != escpos.QRRaster {
		t.Errorf("XP-58: %+v", x58.Receipt)
	}
	if zb.Label.Lang != label.LangZPL || zb.Label.DPI != 203 {
		t.Errorf("ZD220: %+v", zb.Label)
	}
	ps[0].Name = "changed"
	if p, _ := PresetByID(ps[0].ID); p.Name == "changed" {
		t.Error("Presets() returned the package's own slice")
	}
	if _, ok := PresetByID("nope"); ok {
		t.Error("PresetByID(nope) found something")
	}
}

// Open builds a working transport per kind, without touching the device.
func TestOpen(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		t    TransportConfig
		want string
	}{
		{TransportConfig{Kind: TransportFile, Address: filepath.Join(dir, "out.bin")}, "*printer.File"},
		{TransportConfig{Kind: TransportTCP, Address: "192.0.2.1"}, "*printer.TCP"},
		{TransportConfig{Kind: TransportSerial, Address: "/dev/ttyUSB9", Baud: 19200, ChunkDelayMS: 5}, "*printer.Serial"},
		{TransportConfig{Kind: TransportUSB, Address: "/dev/usb/lp9"}, "*printer.USB"},
	}
	for _, tt := range tests {
		tr, err := Open(Config{Kind: KindReceipt, Transport: tt.t})
		if err != nil || reflect.TypeOf(tr).String() != tt.want {
			t.Errorf("Open(%s) = %T, %v", tt.t.Kind, tr, err)
		}
	}
	s, _ := Open(Config{Kind: KindReceipt, Transport: tests[2].t})
	if sp := s.(*Serial); sp.Baud != 19200 || sp.ChunkDelay.Milliseconds() != 5 {
		t.Errorf("serial settings not carried: %+v", sp)
	}
	if _, err := Open(Config{Transport: TransportConfig{Kind: "lpt"}}); !errors.Is(err, ErrConfig) {
		t.Errorf("unknown transport: %v", err)
	}
	if _, err := Open(Config{Transport: TransportConfig{Kind: TransportFile}}); !errors.Is(err, ErrConfig) {
		t.Errorf("file without a path: %v", err)
	}
}

// A label printer is never asked DLE EOT; its jobs still go through.
func TestLabelPrinterHasNoStatus(t *testing.T) {
	fp := newFakePrinter(t, map[byte][]byte{1: {stOK}, 2: {stOK}, 4: {stOK}}, false)
	tr, err := Open(Config{Kind: KindLabel, Transport: TransportConfig{Kind: TransportTCP, Address: fp.addr()}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Status(context.Background()); !errors.Is(err, ErrNoStatus) || !strings.Contains(err.Error(), fp.addr()) {
		t.Fatalf("Status() = %v, want ErrNoStatus naming the printer", err)
	}
	if err := Print(context.Background(), tr, []byte("SIZE 58 mm,40 mm\r\n")); err != nil {
		t.Fatal(err)
	}
	checkBytes(t, fp.nextConn(t), []byte("SIZE 58 mm,40 mm\r\n"))
}

func TestFileTransport(t *testing.T) {
	path := filepath.Join(t.TempDir(), "preview.bin")
	f := &File{Path: path, Append: true}
	for _, j := range []string{"one", "two"} {
		if err := f.Write(context.Background(), []byte(j)); err != nil {
			t.Fatal(err)
		}
	}
	if b, _ := os.ReadFile(path); string(b) != "onetwo" {
		t.Errorf("append: %q", b)
	}
	f.Append = false
	if err := f.Write(context.Background(), []byte("three")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "three" {
		t.Errorf("replace: %q", b)
	}
	if _, err := f.Status(context.Background()); !errors.Is(err, ErrNoStatus) {
		t.Errorf("Status() = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := f.Write(ctx, []byte("x")); !errors.Is(err, context.Canceled) {
		t.Errorf("Write(cancelled) = %v", err)
	}
	if err := (&File{Path: filepath.Join(path, "sub", "x")}).Write(context.Background(), []byte("x")); !errors.Is(err, ErrOffline) {
		t.Errorf("Write to an impossible path = %v, want ErrOffline", err)
	}
}
