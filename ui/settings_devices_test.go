package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/counter"
)

// hardwareFake stands in for cmd's device hub (tested on its own with
// real ports and printers in cmd/internal/hardware): it finds one USB
// scanner and one network printer and keeps what is applied.
type hardwareFake struct {
	printersFake
	setup   HardwareSetup
	applied int
	svc     *counter.Service
}

func (h *hardwareFake) TargetByID(id string) (Target, bool) { return h.t, id != "" }
func (h *hardwareFake) Setup() HardwareSetup                { return h.setup }
func (h *hardwareFake) Apply(ctx context.Context, sess *counter.Session, s HardwareSetup) error {
	// The role check is the service's, as in the real hub.
	if err := h.svc.SaveDeviceSettings(ctx, sess, `{}`); err != nil {
		return err
	}
	h.setup = s
	h.applied++
	return nil
}
func (h *hardwareFake) Detect(context.Context) ([]FoundDevice, error) {
	return []FoundDevice{
		{Name: "Honeywell 1450g (USB 0c2e:0b61) /dev/ttyACM0", Transport: "serial", Address: "/dev/ttyACM0", VID: "0c2e", PID: "0b61", Product: "1450g"},
		{Name: "Printer-80 (USB 0416:5011) /dev/usb/lp0", Printer: true, Transport: "usb", Address: "/dev/usb/lp0", VID: "0416", PID: "5011", Product: "Printer-80"},
	}, nil
}
func (h *hardwareFake) Presets() []PrinterPreset {
	return []PrinterPreset{{ID: "xprinter-xp-80", Name: "Xprinter XP-80"}, {ID: "xprinter-xp-365b", Name: "Xprinter XP-365B", Label: true}}
}

func withHardware(h *hardwareFake) func(*env) {
	return func(e *env) {
		h.svc = e.svc
		e.deps.Hardware = h
	}
}

func (e *env) devicesPage() *devicesPage {
	s := e.settings()
	s.tabs.Select(s.devicesTab)
	return s.devices
}

// An installer finds the scanner and the printer, adds both, saves: the
// set-up is applied, and the print options with it.
func TestDevicesPageFindAddSave(t *testing.T) {
	h := &hardwareFake{printersFake: printersFake{Target{ID: "receipt-1", Name: "XP-80", Profile: pos58}}}
	e := loggedIn(t, withHardware(h))
	p := e.devicesPage()
	test.Tap(findButton(t, p.obj, "Найти устройства"))
	if len(p.found) != 2 {
		t.Fatalf("found %+v", p.found)
	}
	p.foundList.Select(0)
	p.suffix.SetSelectedIndex(2) // CR LF
	test.Tap(findButton(t, p.obj, "Добавить сканер"))
	p.foundList.Select(1)
	p.preset.SetSelectedIndex(0)
	test.Tap(findButton(t, p.obj, "Добавить принтер"))
	p.receipt.SetSelectedIndex(1) // always
	e.press(keySettingsSave)
	if h.applied != 1 {
		t.Fatalf("F9 applied the set-up %d times", h.applied)
	}
	sc, pr := h.setup.Scanners, h.setup.Printers
	if len(sc) != 1 || sc[0].VID != "0c2e" || sc[0].PID != "0b61" || sc[0].Port != "" || sc[0].Name != "1450g" || sc[0].Suffix != "crlf" {
		t.Fatalf("scanner set-up %+v: want it followed by VID:PID, named after the product", sc)
	}
	if len(pr) != 1 || pr[0].Preset != "xprinter-xp-80" || pr[0].Transport != "usb" || pr[0].Role != RoleReceipt || pr[0].ID != "receipt-1" {
		t.Fatalf("printer set-up %+v", pr)
	}
	if got := must(e.svc.Settings(e.ctx)); got.ReceiptPrint != counter.ReceiptAlways {
		t.Fatalf("receipt printing saved as %q", got.ReceiptPrint)
	}
	// The test page printed gibberish: the installer picks WPC1251 for it.
	p.list.Select(1)
	p.codePage.SetSelectedIndex(2)
	e.press(keySettingsSave)
	if got := h.setup.Printers[0].CodePage; got != "wpc1251" || h.applied != 2 {
		t.Fatalf("code page applied %q (%d applies)", got, h.applied)
	}
	// A typed network address wins over the list.
	p.preset.SetSelectedIndex(1)
	p.role.SetSelectedIndex(1)
	p.address.SetText("192.168.1.60")
	test.Tap(findButton(t, p.obj, "Добавить принтер"))
	if last := p.setup.Printers[len(p.setup.Printers)-1]; last.Transport != "tcp" || last.Address != "192.168.1.60" || last.Role != RoleLabel || last.ID != "label-1" {
		t.Fatalf("network label printer %+v", last)
	}
}

// The test box shows what a scan sent and what it is.
func TestDevicesPageTestScan(t *testing.T) {
	h := &hardwareFake{printersFake: printersFake{Target{ID: "receipt-1", Name: "XP-80", Profile: pos58}}}
	e := loggedIn(t, withHardware(h))
	p := e.devicesPage()
	e.u.Scan(DeviceScan{Scanner: "Сканер у кассы", Code: "CELL-A-1-01", Raw: []byte("CELL-A-1-01\r\n")})
	got := p.testScan.Text
	for _, want := range []string{"CELL-A-1-01<0D><0A>", "Сканер у кассы", "ячейка"} {
		if !strings.Contains(got, want) {
			t.Fatalf("test box %q lacks %q", got, want)
		}
	}
	if e.u.shell.current != "settings" {
		t.Fatal("a test scan must not leave the page")
	}
}

// A clerk sees the page but cannot change the set-up.
func TestDevicesPageClerkIsRefused(t *testing.T) {
	h := &hardwareFake{}
	e := loggedIn(t, withHardware(h))
	p := e.devicesPage()
	sess, _ := e.svc.Login(e.ctx, "Айгуль", ownerPIN)
	clerk := addClerk(t, e, sess, "Бекзат", counter.RoleClerk)
	e.u.sess = clerk
	p.save()
	if h.applied != 0 {
		t.Fatal("a clerk's set-up was applied")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func addClerk(t *testing.T, e *env, owner *counter.Session, name string, role counter.Role) *counter.Session {
	t.Helper()
	if _, err := e.svc.CreateClerk(e.ctx, owner, name, role, "5931"); err != nil {
		t.Fatal(err)
	}
	sess, err := e.svc.Login(e.ctx, name, "5931")
	if err != nil {
		t.Fatal(err)
	}
	return sess
}

// findButton finds the button labelled text in o's tree.
func findButton(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Button:
			if x.Text == text {
				found = x
			}
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case *container.Scroll:
			walk(x.Content)
		case *widget.Form:
		}
	}
	walk(o)
	if found == nil {
		t.Fatalf("no button %q", text)
	}
	return found
}
