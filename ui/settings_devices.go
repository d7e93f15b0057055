package ui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/counter"
	"smartpoint/ui/slips"
)

// devicesPage is Settings → Devices: the scanners and printers of this
// PC, finding and adding them, a test scan and a test print, and when
// slips print.
type devicesPage struct {
	s     *settingsScreen
	setup HardwareSetup
	found []FoundDevice

	list      *widget.List // configured devices with their state
	sel       int          // selected configured device: scanners first, then printers
	foundList *widget.List
	foundSel  int
	presets   []PrinterPreset
	preset    *widget.Select
	role      *widget.Select
	name      *Entry
	address   *Entry
	baud      *Entry
	suffix    *widget.Select
	codePage  *widget.Select
	testScan  *widget.Label
	receipt   *widget.Select
	labels    *widget.Check
	obj       fyne.CanvasObject
}

func (s *settingsScreen) devicesView() fyne.CanvasObject {
	u := s.u
	p := &devicesPage{s: s, sel: -1, foundSel: -1}
	s.devices = p
	intro := wrapped(u.T("devices.intro"))
	if u.d.Hardware == nil {
		return container.NewVBox(intro, wrapped(u.T("devices.unavailable")))
	}
	p.presets = u.d.Hardware.Presets()
	p.list = widget.NewList(func() int { return len(p.setup.Scanners) + len(p.setup.Printers) },
		func() fyne.CanvasObject { return oneLineLabel() },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			l.SetText(p.line(id))
			l.Importance = widget.MediumImportance
			if st, ok := p.state(id); ok && !st.healthy() {
				l.Importance = widget.WarningImportance
			}
		})
	p.list.OnSelected = p.pick
	p.foundList = widget.NewList(func() int { return len(p.found) },
		func() fyne.CanvasObject { return oneLineLabel() },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(p.found) {
				o.(*widget.Label).SetText(p.found[id].Name)
			}
		})
	p.foundList.OnSelected = func(id widget.ListItemID) {
		p.foundSel = id
		if id < len(p.found) && p.name.Text == "" {
			p.name.SetText(p.found[id].Product)
		}
	}
	var names []string
	for _, pr := range p.presets {
		names = append(names, pr.Name)
	}
	p.preset = u.newSelect(names, nil)

	p.role = u.newSelect([]string{u.T("devices.role.receipt"), u.T("devices.role.label")}, nil)
	p.role.SetSelectedIndex(0)
	p.name = u.newEntry(u.T("devices.name"))
	p.address = u.newEntry(u.T("devices.address_hint"))
	p.baud = u.newEntry("9600")
	p.suffix = u.newSelect([]string{u.T("devices.suffix.cr"), u.T("devices.suffix.lf"), u.T("devices.suffix.crlf"), u.T("devices.suffix.none")}, nil)
	p.suffix.SetSelectedIndex(0)
	p.codePage = u.newSelect(append([]string{u.T("devices.page.model")}, codePageNames...), p.setCodePage)
	p.testScan = widget.NewLabel(u.T("devices.test_scan_empty"))
	p.testScan.Wrapping = fyne.TextWrapWord
	p.receipt = u.newSelect([]string{u.T("devices.receipt.ask"), u.T("devices.receipt.always"), u.T("devices.receipt.never")}, nil)
	p.labels = widget.NewCheck(u.T("devices.cell_labels"), nil)

	detect := widget.NewButton(u.T("devices.detect"), p.detect)
	addScanner := widget.NewButton(u.T("devices.add_scanner"), p.addScanner)
	addPrinter := widget.NewButton(u.T("devices.add_printer"), p.addPrinter)
	remove := widget.NewButton(u.T("devices.remove"), p.remove)
	test := widget.NewButton(u.T("devices.test_print"), p.testPrint)
	queue := widget.NewButton(u.T("devices.queue"), u.showPrintQueue)
	save := s.saveButton(u.T("settings.save"), p.save)
	s.edit(detect, addScanner, addPrinter, remove, p.preset, p.role, p.name, p.address, p.baud, p.suffix, p.codePage, p.receipt, p.labels)

	sized := func(o fyne.CanvasObject, h float32) fyne.CanvasObject {
		return container.NewGridWrap(fyne.NewSize(620, h), o)
	}
	left := container.NewVBox(
		bold(u.T("devices.configured")), sized(p.list, 150),
		container.NewHBox(remove, test, queue),
		widget.NewSeparator(),
		bold(u.T("devices.found")), container.NewHBox(detect), sized(p.foundList, 120),
		widget.NewForm(
			widget.NewFormItem(u.T("devices.name_label"), p.name),
			widget.NewFormItem(u.T("devices.model"), p.preset),
			widget.NewFormItem(u.T("devices.role"), p.role),
			widget.NewFormItem(u.T("devices.address"), p.address),
			widget.NewFormItem(u.T("devices.baud"), p.baud),
			widget.NewFormItem(u.T("devices.suffix"), p.suffix),
			widget.NewFormItem(u.T("devices.code_page"), p.codePage)),
		container.NewHBox(addScanner, addPrinter))
	right := container.NewVBox(
		bold(u.T("devices.test_scan")), wrapped(u.T("devices.test_scan_hint")), p.testScan,
		widget.NewSeparator(),
		bold(u.T("devices.printing")),
		widget.NewForm(widget.NewFormItem(u.T("devices.receipt"), p.receipt)), p.labels,
		container.NewHBox(save))
	p.obj = container.NewVScroll(container.NewVBox(intro, container.NewGridWithColumns(2, left, right)))
	u.onDevices = func() {
		if p.list != nil {
			p.list.Refresh()
		}
	}
	return p.obj
}

// load reads the set-up and the print options into the page.
func (p *devicesPage) load() {
	u := p.s.u
	if u.d.Hardware == nil {
		return
	}
	p.setup = u.d.Hardware.Setup()
	p.list.Refresh()
	v := u.settings
	p.receipt.SetSelectedIndex(max(0, slices.Index(counter.ReceiptModes, v.ReceiptPrint)))
	p.labels.SetChecked(v.CellLabels)
}

func (p *devicesPage) line(id int) string {
	u := p.s.u
	if st, ok := p.state(id); ok {
		return u.deviceLine(st)
	}
	if id < len(p.setup.Scanners) {
		sc := p.setup.Scanners[id]
		return u.T("devices.scanner_line", "Name", sc.Name, "Where", scannerWhere(sc))
	}
	if id -= len(p.setup.Scanners); id < len(p.setup.Printers) {
		pr := p.setup.Printers[id]
		return u.T("devices.printer_line", "Name", pr.Name, "Where", pr.Address)
	}
	return ""
}

func scannerWhere(sc ScannerSetup) string {
	if sc.Port != "" {
		return sc.Port
	}
	return "USB " + sc.VID + ":" + sc.PID
}

// state is the reported state of configured device id, when known.
func (p *devicesPage) state(id int) (DeviceState, bool) {
	u := p.s.u
	kind, name := "scanner", ""
	if id < len(p.setup.Scanners) {
		name = p.setup.Scanners[id].Name
	} else if id-len(p.setup.Scanners) < len(p.setup.Printers) {
		kind, name = "printer", p.setup.Printers[id-len(p.setup.Scanners)].Name
	}
	for _, d := range u.devices {
		if d.Kind == kind && d.Name == name {
			return d, true
		}
	}
	return DeviceState{}, false
}

// detect lists what is plugged in (in the background: probing ports can
// take a moment).
func (p *devicesPage) detect() {
	u := p.s.u
	found, err := u.d.Hardware.Detect(u.ctx)
	if err != nil {
		p.s.note(toneError, u.T("devices.detect_failed"), u.Err(err))
		return
	}
	p.found, p.foundSel = found, -1
	p.foundList.UnselectAll()
	p.foundList.Refresh()
	p.s.note(toneInfo, u.p.N("devices.found_n", len(found)), u.T("devices.found_hint"))
}

func (p *devicesPage) chosen() (FoundDevice, bool) {
	if p.foundSel < 0 || p.foundSel >= len(p.found) {
		return FoundDevice{}, false
	}
	return p.found[p.foundSel], true
}

func (p *devicesPage) addScanner() {
	u := p.s.u
	f, ok := p.chosen()
	if !ok {
		p.s.note(toneWarn, u.T("devices.pick_found"), u.T("devices.found_hint"))
		return
	}
	sc := ScannerSetup{Name: p.nameOr(u.T("devices.default_scanner")), VID: f.VID, PID: f.PID, Serial: f.Serial,
		Baud: p.baudValue(), Suffix: suffixes[max(0, p.suffix.SelectedIndex())]}
	if f.VID == "" {
		sc.Port = f.Address // a real COM port: no USB ids to follow it by
	}
	p.setup.Scanners = append(p.setup.Scanners, sc)
	p.added(sc.Name)
}

func (p *devicesPage) addPrinter() {
	u := p.s.u
	if p.preset.SelectedIndex() < 0 {
		p.s.note(toneWarn, u.T("devices.pick_model"), "")
		return
	}
	pr := PrinterSetup{Preset: p.presets[p.preset.SelectedIndex()].ID, Role: RoleReceipt, Baud: p.baudValue(), CodePage: p.pageValue()}
	if p.role.SelectedIndex() == 1 {
		pr.Role = RoleLabel
	}
	if f, ok := p.chosen(); ok {
		pr.Transport, pr.Address, pr.VID, pr.PID, pr.Serial = f.Transport, f.Address, f.VID, f.PID, f.Serial
	}
	if a := strings.TrimSpace(p.address.Text); a != "" {
		pr.Transport, pr.Address = addressTransport(a), a // a network printer typed in
	}
	if pr.Transport == "" {
		p.s.note(toneWarn, u.T("devices.pick_found"), u.T("devices.address_hint"))
		return
	}
	pr.Name = p.nameOr(p.presets[p.preset.SelectedIndex()].Name)
	pr.ID = p.newID(pr.Role)
	p.setup.Printers = append(p.setup.Printers, pr)
	p.added(pr.Name)
}

// addressTransport guesses the link from a typed address: host:port or
// an IP is the network, COMn or /dev/tty* serial, /dev/usb/lp* USB.
func addressTransport(a string) string {
	switch {
	case strings.HasPrefix(a, "/dev/usb/"):
		return "usb"
	case strings.HasPrefix(strings.ToUpper(a), "COM"), strings.HasPrefix(a, "/dev/tty"):
		return "serial"
	}
	return "tcp"
}

func (p *devicesPage) newID(role string) string {
	for i := 1; ; i++ {
		id := fmt.Sprintf("%s-%d", role, i)
		if !slices.ContainsFunc(p.setup.Printers, func(x PrinterSetup) bool { return x.ID == id }) {
			return id
		}
	}
}

func (p *devicesPage) nameOr(def string) string {
	if n := strings.TrimSpace(p.name.Text); n != "" {
		return n
	}
	return def
}

func (p *devicesPage) added(name string) {
	p.name.SetText("")
	p.address.SetText("")
	p.list.Refresh()
	p.s.note(toneInfo, p.s.u.T("devices.added", "Name", name), p.s.u.T("devices.save_hint", "Key", string(keySettingsSave)))
}

func (p *devicesPage) remove() {
	n := len(p.setup.Scanners)
	switch {
	case p.sel < 0:
		return
	case p.sel < n:
		p.setup.Scanners = slices.Delete(p.setup.Scanners, p.sel, p.sel+1)
	case p.sel-n < len(p.setup.Printers):
		p.setup.Printers = slices.Delete(p.setup.Printers, p.sel-n, p.sel-n+1)
	}
	p.sel = -1
	p.list.UnselectAll()
	p.list.Refresh()
	p.s.note(toneInfo, p.s.u.T("devices.removed"), p.s.u.T("devices.save_hint", "Key", string(keySettingsSave)))
}

// save applies the set-up and the print options.
func (p *devicesPage) save() {
	u := p.s.u
	if err := u.d.Hardware.Apply(u.ctx, u.sess, p.setup); err != nil {
		p.s.fail(err)
		return
	}
	v := u.settings
	v.ReceiptPrint = counter.ReceiptModes[max(0, p.receipt.SelectedIndex())]
	v.CellLabels = p.labels.Checked
	if err := u.svc.SaveSettings(u.ctx, u.sess, v); err != nil {
		p.s.fail(err)
		return
	}
	u.settings = v
	p.load()
	p.s.saved(u.T("devices.saved"), "")
}

// testPrint sends the test page to the selected printer.
func (p *devicesPage) testPrint() {
	u := p.s.u
	n := len(p.setup.Scanners)
	if p.sel < n || p.sel-n >= len(p.setup.Printers) {
		p.s.note(toneWarn, u.T("devices.pick_printer"), "")
		return
	}
	pr := p.setup.Printers[p.sel-n]
	t, ok := u.d.Hardware.TargetByID(pr.ID)
	if !ok {
		p.s.note(toneWarn, u.T("devices.save_first"), u.T("devices.save_hint", "Key", string(keySettingsSave)))
		return
	}
	if t.Label {
		u.printCellLabel("A-1-01", nil)
		return
	}
	doc := slips.TestPage(u.slipContext(), t.Name, t.Profile)
	p.s.banner.obj.Show()
	u.printTo(t, DocTest, u.T("slip.test.title"), doc, p.s.banner)
}

// showTestScan shows a scan as the test box reads it: the bytes and what
// the counter recognised.
func (p *devicesPage) showTestScan(raw string) {
	u := p.s.u
	res := u.svc.Classify(raw)
	bytes := rawBytes([]byte(raw))
	if u.lastScan.Code == raw && len(u.lastScan.Raw) > 0 {
		bytes = rawBytes(u.lastScan.Raw) + " · " + u.lastScan.Scanner
	}
	p.testScan.SetText(u.T("devices.test_scan_result", "Bytes", bytes, "Code", res.Code, "Kind", u.T("scan.kind."+string(res.Kind))))
}

// Scanner suffixes and printer code pages as the page offers them.
var (
	suffixes      = []string{"cr", "lf", "crlf", "none"}
	codePages     = []string{"cp866", "wpc1251", "cp852", "wpc1250"}
	codePageNames = []string{"CP866", "WPC1251", "CP852", "WPC1250"}
)

// pick selects a configured device and shows a printer's code page, so
// the installer can change it after the test page.
func (p *devicesPage) pick(id widget.ListItemID) {
	p.sel = id
	n := len(p.setup.Scanners)
	if id < n || id-n >= len(p.setup.Printers) {
		return
	}
	cp := p.setup.Printers[id-n].CodePage
	p.codePage.OnChanged = nil
	p.codePage.SetSelectedIndex(slices.Index(codePages, cp) + 1)
	p.codePage.OnChanged = p.setCodePage
}

// setCodePage changes the selected printer's code page (saved by F9).
func (p *devicesPage) setCodePage(string) {
	n := len(p.setup.Scanners)
	if p.sel < n || p.sel-n >= len(p.setup.Printers) {
		return
	}
	p.setup.Printers[p.sel-n].CodePage = p.pageValue()
	u := p.s.u
	p.s.note(toneInfo, u.T("devices.page_changed", "Name", p.setup.Printers[p.sel-n].Name), u.T("devices.save_hint", "Key", string(keySettingsSave)))
}

func (p *devicesPage) pageValue() string {
	if i := p.codePage.SelectedIndex(); i > 0 {
		return codePages[i-1]
	}
	return ""
}

// baudValue is the typed speed; empty or not a number is the default.
func (p *devicesPage) baudValue() int {
	n, err := strconv.Atoi(strings.TrimSpace(p.baud.Text))
	if err != nil || n <= 0 {
		return 0
	}
	return n
}
