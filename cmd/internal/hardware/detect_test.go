package hardware

import (
	"net"
	"os"
	"path/filepath"
	"testing"

	"smartpoint/device/printer"
	"smartpoint/device/serialscan"
	"smartpoint/ui"
)

// plugUSBPrinter lays out sysfs as Linux does for a usblp printer:
// class/usbmisc/lpN/device links to the USB interface, whose parent is
// the device with its IDs and strings.
func plugUSBPrinter(t *testing.T, sys, node string, attrs map[string]string) {
	t.Helper()
	dev := filepath.Join(sys, "devices", "pci0000:00", "usb1", "1-2")
	iface := filepath.Join(dev, "1-2:1.0")
	if err := os.MkdirAll(iface, 0o755); err != nil {
		t.Fatal(err)
	}
	for k, v := range attrs {
		if err := os.WriteFile(filepath.Join(dev, k), []byte(v+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	class := filepath.Join(sys, "class", "usbmisc", node)
	if err := os.MkdirAll(class, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(iface, filepath.Join(class, "device")); err != nil {
		t.Fatal(err)
	}
}

// Detect lists a USB printer, a network printer that answers and the
// serial port a scanner sits on, once even though two listings report it.
func TestDetectListsPrintersAndPortsOnce(t *testing.T) {
	sys, dev := t.TempDir(), t.TempDir() // never this machine's devices
	plugUSBPrinter(t, sys, "lp0", map[string]string{"idVendor": "0416", "idProduct": "5011",
		"manufacturer": "Xprinter", "product": "Printer-80", "serial": "XP80-001"})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := serialscan.PortInfo{Name: "/dev/ttyACM0", IsUSB: true, VID: "0C2E", PID: "0B61", Serial: "S1", Product: "Xenon 1900"}
	e := newEnv(t, func(o *Options) {
		o.Host = printer.Host{SysfsRoot: sys, DevRoot: dev, ProbeHosts: []string{ln.Addr().String()},
			SerialPorts: func() ([]printer.SerialPort, error) {
				// The printer package's listing lacks the product name.
				return []printer.SerialPort{{Name: "/dev/ttyACM0", IsUSB: true, VID: "0c2e", PID: "0b61", Serial: "S1"}}, nil
			}}
		o.Enumerator = serialscan.EnumeratorFunc(func() ([]serialscan.PortInfo, error) {
			return []serialscan.PortInfo{port}, nil
		})
	})
	found, err := e.hub.Detect(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 3 {
		t.Fatalf("found %d devices, want 3: %+v", len(found), found)
	}
	usb := found[0]
	if !usb.Printer || usb.Transport != "usb" || usb.Address != filepath.Join(dev, "usb", "lp0") || usb.VID != "0416" || usb.PID != "5011" ||
		usb.Serial != "XP80-001" || usb.Product != "Printer-80" {
		t.Errorf("USB printer found as %+v", usb)
	}
	serial := found[1]
	if serial.Printer || serial.Transport != "serial" || serial.Address != "/dev/ttyACM0" || serial.Product != "Xenon 1900" ||
		serial.VID == "" || serial.Serial != "S1" {
		t.Errorf("serial port found as %+v", serial)
	}
	network := found[2]
	if !network.Printer || network.Transport != "tcp" || network.Address != ln.Addr().String() {
		t.Errorf("network printer found as %+v", network)
	}

	// What was found is what the settings page adds: it applies as is.
	e.apply(ui.HardwareSetup{
		Scanners: []ui.ScannerSetup{{Name: "Сканер", VID: serial.VID, PID: serial.PID, Serial: serial.Serial}},
		Printers: []ui.PrinterSetup{{ID: "receipt-1", Name: "Чеки", Preset: "xprinter-xp-80", Role: ui.RoleReceipt,
			Transport: usb.Transport, Address: usb.Address, VID: usb.VID, PID: usb.PID, Serial: usb.Serial}},
	})
}

// The models offered are the printer package's, label printers marked.
func TestPresets(t *testing.T) {
	h := New(nil, nil, Options{})
	got := h.Presets()
	if len(got) != len(printer.Presets()) {
		t.Fatalf("%d presets, want %d", len(got), len(printer.Presets()))
	}
	for _, p := range got {
		want, _ := printer.PresetByID(p.ID)
		if p.Name != want.Name || p.Label != (want.Kind == printer.KindLabel) {
			t.Errorf("preset %+v, from %+v", p, want)
		}
	}
}
