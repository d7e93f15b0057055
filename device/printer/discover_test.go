package printer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sysTree is a fake /sys and /dev: USB printers appear and disappear as
// usblp makes them, lpN linking to the USB interface under the device.
type sysTree struct {
	t    *testing.T
	root string
}

func newSysTree(t *testing.T) *sysTree {
	root := t.TempDir()
	for _, d := range []string{"sys/class/usbmisc", "sys/devices", "dev/usb"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return &sysTree{t: t, root: root}
}

func (s *sysTree) host() Host {
	return Host{SysfsRoot: filepath.Join(s.root, "sys"), DevRoot: filepath.Join(s.root, "dev"), SerialPorts: noSerialPorts}
}

func noSerialPorts() ([]SerialPort, error) { return nil, nil }

// plug attaches a USB printer at usb port (e.g. "1-2") as node lpN.
func (s *sysTree) plug(node, port string, attrs map[string]string) {
	s.t.Helper()
	dev := filepath.Join(s.root, "sys/devices/pci0000:00/usb1", port)
	iface := filepath.Join(dev, port+":1.0")
	if err := os.MkdirAll(iface, 0o755); err != nil {
		s.t.Fatal(err)
	}
	for k, v := range attrs {
		if err := os.WriteFile(filepath.Join(dev, k), []byte(v+"\n"), 0o644); err != nil {
			s.t.Fatal(err)
		}
	}
	class := filepath.Join(s.root, "sys/class/usbmisc", node)
	if err := os.MkdirAll(class, 0o755); err != nil {
		s.t.Fatal(err)
	}
	rel, _ := filepath.Rel(class, iface)
	if err := os.Symlink(rel, filepath.Join(class, "device")); err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(s.devPath(node), nil, 0o644); err != nil {
		s.t.Fatal(err)
	}
}

// unplug removes lpN as usblp does.
func (s *sysTree) unplug(node string) {
	s.t.Helper()
	if err := os.RemoveAll(filepath.Join(s.root, "sys/class/usbmisc", node)); err != nil {
		s.t.Fatal(err)
	}
	if err := os.Remove(s.devPath(node)); err != nil {
		s.t.Fatal(err)
	}
}

func (s *sysTree) devPath(node string) string { return filepath.Join(s.root, "dev/usb", node) }

func (s *sysTree) read(node string) string {
	s.t.Helper()
	b, err := os.ReadFile(s.devPath(node))
	if err != nil {
		s.t.Fatal(err)
	}
	return string(b)
}

var xprinter = map[string]string{"idVendor": "0416", "idProduct": "5011", "manufacturer": "Xprinter", "product": "Printer-80", "serial": "XP80-001"}

func TestDiscoverUSB(t *testing.T) {
	s := newSysTree(t)
	s.plug("lp0", "1-2", xprinter)
	s.plug("lp10", "1-3", map[string]string{"idVendor": "1fc9", "idProduct": "2016"})
	// Not printers: another usbmisc device, and an lp entry whose device
	// link is broken (unplugged while listing).
	if err := os.MkdirAll(filepath.Join(s.root, "sys/class/usbmisc/hiddev0"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(s.root, "sys/class/usbmisc/lp3"), 0o755); err != nil {
		t.Fatal(err)
	}
	found, err := s.host().Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 2 {
		t.Fatalf("found %+v, want lp0 and lp10", found)
	}
	want := TransportConfig{Kind: TransportUSB, Address: s.devPath("lp0"), Match: Match{VID: "0416", PID: "5011", Serial: "XP80-001"}}
	if found[0].Transport != want || !strings.Contains(found[0].Name, "Xprinter Printer-80") || !strings.Contains(found[0].Name, "0416:5011") {
		t.Errorf("found[0] = %+v", found[0])
	}
	if found[1].Transport.Address != s.devPath("lp10") || found[1].Transport.Match.VID != "1fc9" || !strings.HasPrefix(found[1].Name, "USB printer") {
		t.Errorf("found[1] = %+v (sorted by lp number, nameless device named generically)", found[1])
	}
}

// The printer comes back as lp1 after a replug (and another printer took
// lp0): Open's transport follows it by VID:PID+serial, Resolve and Locate
// report the new path.
func TestReplugFoundByVIDPID(t *testing.T) {
	s := newSysTree(t)
	h := s.host()
	s.plug("lp0", "1-2", xprinter)
	cfg := Config{ID: "r1", Name: "Receipts", Kind: KindReceipt, Transport: TransportConfig{Kind: TransportUSB, Address: s.devPath("lp0"), Match: Match{VID: "0416", PID: "5011", Serial: "XP80-001"}}}
	tr, err := h.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Write(context.Background(), []byte("before")); err != nil {
		t.Fatal(err)
	}
	if got := s.read("lp0"); got != "before" {
		t.Fatalf("lp0 holds %q", got)
	}

	s.unplug("lp0")
	// While unplugged: offline, quickly, naming the device.
	err = tr.Write(context.Background(), []byte("lost"))
	if !errors.Is(err, ErrOffline) || !strings.Contains(err.Error(), "0416:5011") {
		t.Fatalf("Write() while unplugged: %v, want ErrOffline naming 0416:5011", err)
	}
	if _, err := h.Resolve(cfg); !errors.Is(err, ErrOffline) {
		t.Fatalf("Resolve() while unplugged: %v, want ErrOffline", err)
	}

	s.plug("lp0", "1-4", map[string]string{"idVendor": "0416", "idProduct": "5011", "serial": "OTHER"})
	s.plug("lp1", "1-2", xprinter)
	if err := tr.Write(context.Background(), []byte("after")); err != nil {
		t.Fatal(err)
	}
	if got := s.read("lp1"); got != "after" {
		t.Fatalf("lp1 holds %q, want the job", got)
	}
	if got := s.read("lp0"); got != "" {
		t.Fatalf("the other printer at lp0 got %q", got)
	}
	r, err := h.Resolve(cfg)
	if err != nil || r.(*USB).Path != s.devPath("lp1") {
		t.Fatalf("Resolve() = %v, %v; want the transport at lp1", r, err)
	}
	loc, err := h.Locate(cfg)
	if err != nil || loc.Address != s.devPath("lp1") {
		t.Fatalf("Locate() = %+v, %v", loc, err)
	}
}

// Two identical printers without serial numbers: the one at the stored
// address wins.
func TestLocatePrefersStoredAddress(t *testing.T) {
	s := newSysTree(t)
	same := map[string]string{"idVendor": "0416", "idProduct": "5011"}
	s.plug("lp0", "1-2", same)
	s.plug("lp1", "1-3", same)
	cfg := Config{Kind: KindReceipt, Transport: TransportConfig{Kind: TransportUSB, Address: s.devPath("lp1"), Match: Match{VID: "0x0416", PID: "5011"}}}
	loc, err := s.host().Locate(cfg)
	if err != nil || loc.Address != s.devPath("lp1") {
		t.Fatalf("Locate() = %q, %v; want lp1", loc.Address, err)
	}
	cfg.Transport.Address = ""
	if loc, _ := s.host().Locate(cfg); loc.Address != s.devPath("lp0") {
		t.Fatalf("Locate() without a stored address = %q, want the first, lp0", loc.Address)
	}
}

// A USB-serial printer is found again by VID:PID when its port name
// changes.
func TestSerialMatch(t *testing.T) {
	ports := []SerialPort{
		{Name: "/dev/ttyS0"},
		{Name: "/dev/ttyACM0", IsUSB: true, VID: "0483", PID: "5740", Serial: "SCANNER"},
		{Name: "/dev/ttyUSB1", IsUSB: true, VID: "067B", PID: "2303"},
	}
	h := Host{SysfsRoot: t.TempDir(), SerialPorts: func() ([]SerialPort, error) { return ports, nil }}
	cfg := Config{Kind: KindReceipt, Transport: TransportConfig{Kind: TransportSerial, Address: "/dev/ttyUSB0", Match: Match{VID: "067b", PID: "2303"}}}
	loc, err := h.Locate(cfg)
	if err != nil || loc.Address != "/dev/ttyUSB1" {
		t.Fatalf("Locate() = %q, %v; want /dev/ttyUSB1", loc.Address, err)
	}
	tr, err := h.Resolve(cfg)
	if err != nil || tr.(*Serial).Port != "/dev/ttyUSB1" {
		t.Fatalf("Resolve() = %v, %v", tr, err)
	}
	found, err := h.Discover(context.Background())
	if err != nil || len(found) != 3 {
		t.Fatalf("Discover() = %+v, %v", found, err)
	}
	if found[0].Transport.Match != (Match{}) || found[2].Transport.Match != (Match{VID: "067B", PID: "2303"}) {
		t.Errorf("serial matches: %+v / %+v", found[0].Transport, found[2].Transport)
	}
	cfg.Transport.Match.PID = "ffff"
	if _, err := h.Locate(cfg); !errors.Is(err, ErrOffline) {
		t.Errorf("Locate() of an absent device: %v, want ErrOffline", err)
	}
}

func TestDiscoverProbesGivenHosts(t *testing.T) {
	fp := newFakePrinter(t, nil, false)
	closed := closedAddr(t)
	h := Host{SysfsRoot: t.TempDir(), SerialPorts: noSerialPorts, ProbeHosts: []string{closed, fp.addr()}}
	found, err := h.Discover(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].Transport != (TransportConfig{Kind: TransportTCP, Address: fp.addr()}) {
		t.Fatalf("Discover() = %+v, want only %s", found, fp.addr())
	}
}

// A failing source is reported, and the others are still listed.
func TestDiscoverPartialFailure(t *testing.T) {
	s := newSysTree(t)
	s.plug("lp0", "1-2", xprinter)
	h := s.host()
	h.SerialPorts = func() ([]SerialPort, error) { return nil, errors.New("enumeration failed") }
	found, err := h.Discover(context.Background())
	if err == nil || !strings.Contains(err.Error(), "serial ports") || len(found) != 1 {
		t.Fatalf("Discover() = %+v, %v", found, err)
	}
}
