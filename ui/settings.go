package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/counter"
	"smartpoint/app/i18n"
	"smartpoint/app/scan"
	"smartpoint/app/store"
)

// Settings screen keys.
const (
	keySettingsSave = fyne.KeyF9  // save the section shown
	keySettingsNext = fyne.KeyF10 // next section
)

// settingsScreen is the point's set-up after the first run: profile,
// partners with their storage periods, cells, clerks, language and look,
// backup. Everyone sees the values; changes need a manager or the owner
// (the profile and the clerks: the owner), and the service checks that
// again, so a refused save shows the service's reason.
type settingsScreen struct {
	u        *UI
	banner   *banner
	tabs     *container.AppTabs
	obj      fyne.CanvasObject
	saves    map[*container.TabItem]func()
	canEdit  bool // manager or owner
	isOwner  bool
	editable []fyne.Disableable // disabled for a clerk
	// afterLong, when set (tests), runs after a backup finished.
	afterLong func()

	pointTab                     *container.TabItem
	pName, pAddr, pPhone, pHours *Entry
	pCountry                     *widget.Label

	partnersTab *container.TabItem
	partnerBox  *fyne.Container
	partners    []partnerRow

	cellsTab   *container.TabItem
	cells      []counter.Cell
	cellList   *widget.List
	cellSel    int
	cellTitle  *widget.Label
	cellSize   *widget.Select
	cellCap    *Entry
	cellActive *widget.Check
	cellCount  *widget.Label
	layout     *layoutForm

	clerksTab             *container.TabItem
	clerkBox              *fyne.Container
	cName, cPin, cPin2    *Entry
	cRole                 *widget.Select
	clerkRoles            []counter.Role
	lookTab               *container.TabItem
	lang                  *widget.Select
	themeSel              *widget.Select
	large, sound, autoDel *widget.Check
	idle                  *Entry
	devicesTab            *container.TabItem
	devices               *devicesPage
	loyaltyTab            *container.TabItem // nil without loyalty
	loyalty               *loyaltyPage
	cloudTab              *container.TabItem // nil without the cloud
	cloud                 *cloudPage
	backupTab             *container.TabItem
	backupDir, lastBackup *widget.Label
}

// partnerRow is one partner's editable line.
type partnerRow struct {
	p       counter.Partner
	active  *widget.Check
	storage *Entry
	ret     *Entry
}

func newSettingsScreen(u *UI) screen {
	s := &settingsScreen{u: u, banner: newBanner(), cellSel: -1}
	if u.sess != nil {
		r := u.sess.Role()
		s.canEdit = r == counter.RoleManager || r == counter.RoleOwner
		s.isOwner = r == counter.RoleOwner
	}
	s.banner.obj.Hide()

	s.pointTab = container.NewTabItem(u.T("settings.tab.point"), s.pointView())
	s.partnersTab = container.NewTabItem(u.T("settings.tab.partners"), s.partnersView())
	s.cellsTab = container.NewTabItem(u.T("settings.tab.cells"), s.cellsView())
	s.lookTab = container.NewTabItem(u.T("settings.tab.look"), s.lookView())
	s.devicesTab = container.NewTabItem(u.T("settings.tab.devices"), s.devicesView())
	s.backupTab = container.NewTabItem(u.T("settings.tab.backup"), s.backupView())
	items := []*container.TabItem{s.pointTab, s.partnersTab, s.cellsTab}
	if s.isOwner {
		s.clerksTab = container.NewTabItem(u.T("settings.tab.clerks"), s.clerksView())
		items = append(items, s.clerksTab)
	}
	items = append(items, s.lookTab, s.devicesTab)
	if u.loy != nil {
		s.loyalty = newLoyaltyPage(s)
		s.loyaltyTab = container.NewTabItem(u.T("settings.tab.loyalty"), s.loyalty.view())
		items = append(items, s.loyaltyTab)
	}
	if u.d.Cloud != nil {
		s.cloud = newCloudPage(s)
		s.cloudTab = container.NewTabItem(u.T("settings.tab.cloud"), s.cloud.view())
		items = append(items, s.cloudTab)
	}
	items = append(items, s.backupTab)
	s.tabs = container.NewAppTabs(items...)
	s.saves = map[*container.TabItem]func(){s.pointTab: s.savePoint, s.partnersTab: s.savePartners,
		s.cellsTab: s.saveCell, s.lookTab: s.saveLook, s.backupTab: s.backup}
	if s.devices.list != nil {
		s.saves[s.devicesTab] = s.devices.save
	}
	if s.clerksTab != nil {
		s.saves[s.clerksTab] = s.addClerk
	}
	if s.loyaltyTab != nil {
		s.saves[s.loyaltyTab] = s.loyalty.save
	}
	if s.cloudTab != nil {
		s.saves[s.cloudTab] = s.cloud.save
	}
	s.tabs.SetTabLocation(container.TabLocationLeading)
	s.tabs.OnSelected = func(*container.TabItem) { s.u.refocus() }

	var top []fyne.CanvasObject
	top = append(top, s.banner.obj)
	if !s.canEdit {
		l := widget.NewLabel(u.T("settings.readonly"))
		l.Importance = widget.WarningImportance
		l.Wrapping = fyne.TextWrapWord
		top = append(top, l)
	}
	keys := widget.NewLabel(u.T("settings.keys"))
	keys.Importance = widget.LowImportance
	s.obj = container.NewBorder(container.NewVBox(top...), keys, nil, nil, s.tabs)
	if !s.canEdit {
		for _, d := range s.editable {
			d.Disable()
		}
	}
	return s
}

func (s *settingsScreen) view() fyne.CanvasObject { return s.obj }

func (s *settingsScreen) shown() {
	s.loadPoint()
	s.loadPartners()
	s.loadCells()
	if s.clerksTab != nil {
		s.loadClerks()
	}
	s.loadLook()
	s.devices.load()
	if s.loyalty != nil {
		s.loyalty.load()
	}
	if s.cloud != nil {
		s.cloud.load()
	}
}

func (s *settingsScreen) key(n fyne.KeyName) bool {
	switch n {
	case keySettingsSave:
		if f := s.saves[s.tabs.Selected()]; f != nil {
			f()
		}
		return true
	case keySettingsNext:
		s.tabs.SelectIndex((s.tabs.SelectedIndex() + 1) % len(s.tabs.Items))
		return true
	}
	return false
}

func (s *settingsScreen) back() bool { return false }

// scan: a cell label opens that cell; nothing else is handled here.
func (s *settingsScreen) scan(raw string, manual bool) {
	u := s.u
	if s.tabs.Selected() == s.devicesTab && s.devices.list != nil {
		s.devices.showTestScan(raw) // the test box: any code is welcome
		u.beep(toneOK)
		return
	}
	res := u.svc.Classify(raw)
	if res.Kind == scan.KindCell {
		for i, c := range s.cells {
			if c.Label == res.Value {
				s.tabs.Select(s.cellsTab)
				s.cellList.Select(i)
				s.cellList.ScrollTo(i)
				s.note(toneInfo, u.T("settings.cell.edit", "Cell", c.Label), "")
				u.beep(toneInfo)
				return
			}
		}
	}
	s.banner.obj.Show()
	u.feedback(s.banner, toneWarn, "", u.T("settings.scan_ignored"), u.T("settings.scan_ignored_hint", "Code", res.Raw))
}

// note shows a confirmation (or a problem) in the screen's banner.
func (s *settingsScreen) note(t tone, title, detail string) {
	s.banner.obj.Show()
	s.banner.show(t, "", title, detail)
}

func (s *settingsScreen) saved(title, detail string) {
	s.note(toneOK, title, detail)
	s.u.beep(toneOK)
}

// fail shows a refused change: the service's reason, translated.
func (s *settingsScreen) fail(err error) {
	s.note(toneError, s.u.T("settings.not_saved"), s.u.Err(err))
	s.u.showErr(err)
}

func (s *settingsScreen) badNumber(field string) {
	msg := s.u.T("settings.need_number", "Field", field)
	s.note(toneError, s.u.T("settings.not_saved"), msg)
	s.u.alert(toneError, s.u.T("common.error"), msg)
}

func (s *settingsScreen) edit(ds ...fyne.Disableable) { s.editable = append(s.editable, ds...) }

func (s *settingsScreen) saveButton(label string, run func()) *widget.Button {
	b := widget.NewButton(string(keySettingsSave)+" "+label, run)
	b.Importance = widget.HighImportance
	s.edit(b)
	return b
}

func bold(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// --- point profile ---

func (s *settingsScreen) pointView() fyne.CanvasObject {
	u := s.u
	s.pName = u.newEntry(u.T("cli.ask.name"))
	s.pAddr = u.newEntry(u.T("cli.ask.address"))
	s.pPhone = u.newEntry(u.T("cli.ask.phone"))
	s.pHours = u.newEntry(u.T("settings.hours_example"))
	s.pCountry = widget.NewLabel("")
	chainEntries(u, []*Entry{s.pName, s.pAddr, s.pPhone, s.pHours}, s.savePoint)
	save := s.saveButton(u.T("settings.save"), s.savePoint)
	hint := wrapped(u.T("settings.point_hint"))
	if !s.isOwner {
		for _, d := range []fyne.Disableable{s.pName, s.pAddr, s.pPhone, s.pHours, save} {
			d.Disable()
		}
	}
	form := widget.NewForm(
		widget.NewFormItem(u.T("cli.ask.name"), s.pName),
		widget.NewFormItem(u.T("cli.ask.address"), s.pAddr),
		widget.NewFormItem(u.T("cli.ask.phone"), s.pPhone),
		widget.NewFormItem(u.T("cli.ask.hours"), s.pHours),
	)
	return container.NewVScroll(container.NewVBox(hint, form, s.pCountry, container.NewHBox(save)))
}

func (s *settingsScreen) loadPoint() {
	u := s.u
	p, err := u.svc.PointProfile(u.ctx)
	if err != nil {
		u.log.Warn("profile unreadable", "err", err)
		return
	}
	s.pName.SetText(p.Name)
	s.pAddr.SetText(p.Address)
	s.pPhone.SetText(p.Phone)
	s.pHours.SetText(p.Hours)
	s.pCountry.SetText(u.T("settings.country_currency",
		"Country", u.T("settings.country."+strings.ToLower(p.Country)), "Currency", p.Currency))
}

func (s *settingsScreen) savePoint() {
	u := s.u
	p, err := u.svc.PointProfile(u.ctx)
	if err != nil {
		s.fail(err)
		return
	}
	p.Name = strings.TrimSpace(s.pName.Text)
	p.Address = strings.TrimSpace(s.pAddr.Text)
	p.Phone = strings.TrimSpace(s.pPhone.Text)
	p.Hours = strings.TrimSpace(s.pHours.Text)
	if err := u.svc.SavePointProfile(u.ctx, u.sess, p); err != nil {
		s.fail(err)
		return
	}
	u.loadPoint()
	s.saved(u.T("settings.saved_point"), p.Name)
}

// --- partners and storage periods ---

func (s *settingsScreen) partnersView() fyne.CanvasObject {
	u := s.u
	s.partnerBox = container.NewVBox()
	save := s.saveButton(u.T("settings.save"), s.savePartners)
	title := bold(u.T("settings.storage_title"))
	return container.NewBorder(container.NewVBox(title, wrapped(u.T("settings.storage_hint"))),
		// Both directions: four columns as wide as the longest partner name
		// must not widen the window past the screen.
		container.NewHBox(save), nil, nil, container.NewScroll(s.partnerBox))
}

func (s *settingsScreen) loadPartners() {
	u := s.u
	ps, err := u.svc.Partners(u.ctx)
	if err != nil {
		u.log.Warn("partners unreadable", "err", err)
		return
	}
	s.partners = s.partners[:0]
	grid := container.NewGridWithColumns(4,
		bold(u.T("cli.col.partner")), bold(u.T("settings.col.active")),
		bold(u.T("cli.col.storage_days")), bold(u.T("settings.col.return_days")))
	for _, p := range ps {
		r := partnerRow{p: p}
		r.active = widget.NewCheck("", nil)
		r.active.SetChecked(p.Active)
		r.storage = u.newEntry("")
		r.storage.SetText(strconv.Itoa(p.StorageDays))
		r.ret = u.newEntry("")
		r.ret.SetText(strconv.Itoa(p.ReturnDays))
		r.storage.OnEnter = func(string) { s.savePartners() }
		r.ret.OnEnter = func(string) { s.savePartners() }
		if !s.canEdit {
			r.active.Disable()
			r.storage.Disable()
			r.ret.Disable()
		}
		name := p.Name
		if len(p.Countries) > 0 {
			name += " (" + strings.Join(p.Countries, ", ") + ")"
		}
		grid.Add(widget.NewLabel(name))
		grid.Add(r.active)
		grid.Add(r.storage)
		grid.Add(r.ret)
		s.partners = append(s.partners, r)
	}
	s.partnerBox.Objects = []fyne.CanvasObject{grid}
	s.partnerBox.Refresh()
}

// savePartners saves the partners whose values changed.
func (s *settingsScreen) savePartners() {
	u := s.u
	var names []string
	for i := range s.partners {
		r := &s.partners[i]
		p := r.p
		var err error
		if p.StorageDays, err = strconv.Atoi(strings.TrimSpace(r.storage.Text)); err != nil {
			s.badNumber(u.T("cli.col.storage_days") + " · " + p.Name)
			return
		}
		if p.ReturnDays, err = strconv.Atoi(strings.TrimSpace(r.ret.Text)); err != nil {
			s.badNumber(u.T("settings.col.return_days") + " · " + p.Name)
			return
		}
		p.Active = r.active.Checked
		if p.StorageDays == r.p.StorageDays && p.ReturnDays == r.p.ReturnDays && p.Active == r.p.Active {
			continue
		}
		saved, err := u.svc.SavePartner(u.ctx, u.sess, p)
		if err != nil {
			s.fail(err)
			return
		}
		r.p = saved
		names = append(names, saved.Name)
	}
	if len(names) == 0 {
		s.note(toneInfo, u.T("settings.nothing_changed"), "")
		return
	}
	s.saved(u.T("settings.saved_partners"), strings.Join(names, ", "))
}

// --- cells ---

func (s *settingsScreen) cellsView() fyne.CanvasObject {
	u := s.u
	s.cellList = widget.NewList(func() int { return len(s.cells) },
		func() fyne.CanvasObject { return widget.NewLabel("A-10-99 · XL · 50 · 50") },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(s.cells) {
				o.(*widget.Label).SetText(s.cellLine(s.cells[id]))
			}
		})
	s.cellList.OnSelected = s.pickCell
	s.cellCount = bold("")
	s.cellTitle = bold(u.T("settings.cell.pick"))
	s.cellTitle.Wrapping = fyne.TextWrapWord
	s.cellSize = u.newSelect(counter.Sizes, nil)
	s.cellCap = u.newEntry("3")
	s.cellCap.OnEnter = func(string) { s.saveCell() }
	s.cellActive = widget.NewCheck(u.T("settings.cell.active"), nil)
	save := s.saveButton(u.T("settings.save"), s.saveCell)
	s.edit(s.cellSize, s.cellCap, s.cellActive)
	editor := container.NewVBox(s.cellTitle, widget.NewForm(
		widget.NewFormItem(u.T("cli.col.size"), s.cellSize),
		widget.NewFormItem(u.T("cli.ask.capacity"), s.cellCap),
	), s.cellActive, container.NewHBox(save, widget.NewButton(u.T("settings.cell.print_label"), s.printCellLabel)))

	s.layout = u.newLayoutForm(counter.Layout{Racks: "", Shelves: 5, Cells: 10, Size: "M", Capacity: 3}, s.generate)
	gen := widget.NewButton(u.T("settings.generate"), s.generate)
	s.edit(s.layout.racks, s.layout.shelves, s.layout.cells, s.layout.capacity, s.layout.size, gen)
	generator := container.NewVBox(widget.NewSeparator(), bold(u.T("settings.generate_title")),
		wrapped(u.T("settings.generate_hint")), s.layout.obj, container.NewHBox(gen))

	right := container.NewVScroll(container.NewVBox(editor, generator))
	list := container.NewBorder(s.cellCount, nil, nil, nil, s.cellList)
	split := container.NewHSplit(list, right)
	split.Offset = 0.4
	return split
}

// printCellLabel prints the selected cell's label (a new shelf, a worn
// label).
func (s *settingsScreen) printCellLabel() {
	if s.cellSel < 0 || s.cellSel >= len(s.cells) {
		s.note(toneWarn, s.u.T("settings.cell.pick"), "")
		return
	}
	s.banner.obj.Show()
	s.u.printCellLabel(s.cells[s.cellSel].Label, s.banner)
}

func (s *settingsScreen) cellLine(c counter.Cell) string {
	u := s.u
	line := u.T("settings.cell.line", "Cell", c.Label, "Size", c.Size, "Capacity", c.Capacity, "Occupied", c.Occupied)
	if !c.Active {
		line += " · " + u.T("settings.cell.off")
	}
	return line
}

func (s *settingsScreen) loadCells() {
	u := s.u
	cs, err := u.svc.Cells(u.ctx)
	if err != nil {
		u.log.Warn("cells unreadable", "err", err)
		return
	}
	s.cells = cs
	s.cellCount.SetText(u.T("cli.cells.count", "Count", len(cs)))
	s.cellList.Refresh()
	if s.cellSel >= len(cs) {
		s.cellSel = -1
	}
	if s.cellSel >= 0 {
		s.pickCell(s.cellSel)
	}
}

func (s *settingsScreen) pickCell(id widget.ListItemID) {
	if id < 0 || id >= len(s.cells) {
		return
	}
	s.cellSel = id
	c := s.cells[id]
	s.cellTitle.SetText(s.u.T("settings.cell.edit", "Cell", c.Label))
	s.cellSize.SetSelected(c.Size)
	s.cellCap.SetText(strconv.Itoa(c.Capacity))
	s.cellActive.SetChecked(c.Active)
}

func (s *settingsScreen) saveCell() {
	u := s.u
	if s.cellSel < 0 || s.cellSel >= len(s.cells) {
		s.note(toneWarn, u.T("settings.cell.pick"), "")
		u.beep(toneWarn)
		return
	}
	c := s.cells[s.cellSel]
	capacity, err := strconv.Atoi(strings.TrimSpace(s.cellCap.Text))
	if err != nil {
		s.badNumber(u.T("cli.ask.capacity"))
		return
	}
	if err := u.svc.SaveCell(u.ctx, u.sess, c.Label, s.cellSize.Selected, capacity, s.cellActive.Checked); err != nil {
		s.fail(err)
		return
	}
	s.loadCells()
	s.saved(u.T("settings.saved_cell", "Cell", c.Label), "")
}

func (s *settingsScreen) generate() {
	u := s.u
	l, err := s.layout.value()
	if err != nil {
		s.fail(err)
		return
	}
	if l == nil {
		s.note(toneWarn, u.T("settings.need_racks"), "")
		u.beep(toneWarn)
		return
	}
	n, err := u.svc.GenerateCells(u.ctx, u.sess, *l)
	if err != nil {
		s.fail(err)
		return
	}
	s.loadCells()
	s.saved(u.T("cli.cells.created", "Count", n), u.T("cli.cells.count", "Count", len(s.cells)))
}

// --- clerks (owner) ---

func (s *settingsScreen) clerksView() fyne.CanvasObject {
	u := s.u
	s.clerkBox = container.NewVBox()
	s.cName = u.newEntry(u.T("cli.ask.clerk"))
	s.clerkRoles = []counter.Role{counter.RoleClerk, counter.RoleManager, counter.RoleOwner}
	var roles []string
	for _, r := range s.clerkRoles {
		roles = append(roles, u.T(roleKey(r)))
	}
	s.cRole = u.newSelect(roles, nil)
	s.cRole.SetSelectedIndex(0)
	s.cPin = u.newPasswordEntry(u.T("settings.pin"))
	s.cPin2 = u.newPasswordEntry(u.T("cli.ask.pin_again"))
	chainEntries(u, []*Entry{s.cName, s.cPin, s.cPin2}, s.addClerk)
	add := s.saveButton(u.T("settings.clerk_add"), s.addClerk)
	form := widget.NewForm(
		widget.NewFormItem(u.T("cli.ask.clerk"), s.cName),
		widget.NewFormItem(u.T("cli.col.role"), s.cRole),
		widget.NewFormItem(u.T("settings.pin"), s.cPin),
		widget.NewFormItem(u.T("cli.ask.pin_again"), s.cPin2),
	)
	return container.NewVScroll(container.NewVBox(bold(u.T("settings.clerks_title")), s.clerkBox,
		widget.NewSeparator(), bold(u.T("settings.clerk_add")), form, container.NewHBox(add)))
}

func (s *settingsScreen) loadClerks() {
	u := s.u
	cs, err := u.svc.Clerks(u.ctx)
	if err != nil {
		u.log.Warn("clerks unreadable", "err", err)
		return
	}
	var rows []fyne.CanvasObject
	for _, c := range cs {
		line := c.Name + " · " + u.T(roleKey(c.Role))
		if !c.Active {
			line += " · " + u.T("settings.clerk_off")
		}
		pin := widget.NewButton(u.T("settings.set_pin"), func() { s.askPIN(c) })
		toggle := widget.NewButton(u.T("settings.clerk_disable"), func() { s.setActive(c, false) })
		if !c.Active {
			toggle.SetText(u.T("settings.clerk_enable"))
			toggle.OnTapped = func() { s.setActive(c, true) }
		}
		rows = append(rows, container.NewBorder(nil, nil, nil, container.NewHBox(pin, toggle), widget.NewLabel(line)))
	}
	s.clerkBox.Objects = rows
	s.clerkBox.Refresh()
}

func (s *settingsScreen) addClerk() {
	u := s.u
	name := strings.Join(strings.Fields(s.cName.Text), " ")
	if name == "" {
		s.note(toneError, u.T("settings.not_saved"), u.T("wizard.need_owner"))
		u.beep(toneError)
		return
	}
	if s.cPin.Text != s.cPin2.Text {
		s.note(toneError, u.T("settings.not_saved"), u.T("cli.ask.pin_mismatch"))
		u.beep(toneError)
		return
	}
	role := s.clerkRoles[max(0, s.cRole.SelectedIndex())]
	c, err := u.svc.CreateClerk(u.ctx, u.sess, name, role, s.cPin.Text)
	if err != nil {
		s.fail(err)
		return
	}
	s.cName.SetText("")
	s.cPin.SetText("")
	s.cPin2.SetText("")
	s.loadClerks()
	s.saved(u.T("cli.clerk.added", "Name", c.Name, "Role", u.T(roleKey(c.Role))), "")
}

func (s *settingsScreen) setActive(c counter.Clerk, on bool) {
	u := s.u
	if err := u.svc.SetClerkActive(u.ctx, u.sess, c.ID, on); err != nil {
		s.fail(err)
		return
	}
	s.loadClerks()
	key := "cli.clerk.disabled"
	if on {
		key = "cli.clerk.enabled"
	}
	s.saved(u.T(key, "Name", c.Name), "")
}

// askPIN asks for a clerk's new PIN twice.
func (s *settingsScreen) askPIN(c counter.Clerk) {
	u := s.u
	pin := u.newPasswordEntry(u.T("settings.pin"))
	pin2 := u.newPasswordEntry(u.T("cli.ask.pin_again"))
	msg := widget.NewLabel("")
	msg.Importance = widget.DangerImportance
	msg.Wrapping = fyne.TextWrapWord
	pin.OnEnter = func(string) { u.win.Canvas().Focus(pin2) }
	var set func()
	set = func() {
		text := ""
		if pin.Text != pin2.Text {
			text = u.T("cli.ask.pin_mismatch")
		} else if err := u.svc.SetPIN(u.ctx, u.sess, c.ID, pin.Text); err != nil {
			text = u.Err(err)
		}
		if text != "" {
			// Ask again, with the reason.
			u.beep(toneError)
			s.pinDialog(c, pin, pin2, msg, set)
			msg.SetText(text)
			return
		}
		s.loadClerks()
		s.saved(u.T("cli.clerk.pin_set", "Name", c.Name), "")
	}
	s.pinDialog(c, pin, pin2, msg, set)
}

func (s *settingsScreen) pinDialog(c counter.Clerk, pin, pin2 *Entry, msg *widget.Label, set func()) {
	u := s.u
	u.showDialog(dialogSpec{Tone: toneInfo, Title: u.T("settings.pin_title", "Name", c.Name),
		Body:    container.NewVBox(pin, pin2, msg),
		Primary: &action{Label: u.T("settings.save"), Run: set},
		Cancel:  &action{Label: u.T("common.cancel")},
		Focus:   pin})
}

// --- language and look ---

func (s *settingsScreen) lookView() fyne.CanvasObject {
	u := s.u
	var langs []string
	for _, l := range i18n.All {
		langs = append(langs, u.T("lang."+string(l)))
	}
	s.lang = u.newSelect(langs, nil)
	s.themeSel = u.newSelect([]string{u.T("settings.theme.system"), u.T("settings.theme.light"), u.T("settings.theme.dark")}, nil)
	s.large = widget.NewCheck(u.T("settings.large_text"), nil)
	s.sound = widget.NewCheck(u.T("settings.sound"), nil)
	s.autoDel = widget.NewCheck(u.T("settings.auto_delivery"), nil)
	s.idle = u.newEntry("10")
	s.idle.OnEnter = func(string) { s.saveLook() }
	save := s.saveButton(u.T("settings.save"), s.saveLook)
	s.edit(s.lang, s.themeSel, s.large, s.sound, s.autoDel, s.idle)
	langForm := widget.NewForm(widget.NewFormItem(u.T("settings.language"), s.lang))
	lookForm := widget.NewForm(
		widget.NewFormItem(u.T("settings.theme"), s.themeSel),
		widget.NewFormItem(u.T("settings.idle"), s.idle),
	)
	return container.NewVScroll(container.NewVBox(
		bold(u.T("settings.language")), wrapped(u.T("settings.language_hint")), langForm,
		widget.NewSeparator(),
		bold(u.T("settings.look_title")), lookForm, s.large, s.sound, s.autoDel, container.NewHBox(save)))
}

func (s *settingsScreen) loadLook() {
	u := s.u
	s.lang.OnChanged = nil
	for i, l := range i18n.All {
		if l == u.p.L {
			s.lang.SetSelectedIndex(i)
		}
	}
	s.lang.OnChanged = func(string) {
		if i := s.lang.SelectedIndex(); i >= 0 && i18n.All[i] != u.p.L {
			s.setLanguage(i18n.All[i])
		}
	}
	v := u.settings
	if st, err := u.svc.Settings(u.ctx); err == nil {
		v = st
	}
	for i, t := range counter.Themes {
		if t == v.Theme {
			s.themeSel.SetSelectedIndex(i)
		}
	}
	s.large.SetChecked(v.LargeText)
	s.sound.SetChecked(v.Sound)
	s.autoDel.SetChecked(v.AutoDelivery)
	s.idle.SetText(strconv.Itoa(v.IdleLockMinutes))
}

// setLanguage switches the point's language; every screen is rebuilt in it.
func (s *settingsScreen) setLanguage(l i18n.Lang) {
	u := s.u
	if err := u.svc.SetLanguage(u.ctx, u.sess, string(l)); err != nil {
		s.fail(err)
		s.loadLook()
		return
	}
	u.rebuild()
	if u.shell != nil {
		if ns, ok := u.shell.screens["settings"].(*settingsScreen); ok {
			ns.tabs.Select(ns.lookTab)
			ns.saved(u.T("settings.saved_language"), u.T("lang."+string(l)))
		}
	}
}

func (s *settingsScreen) saveLook() {
	u := s.u
	minutes, err := strconv.Atoi(strings.TrimSpace(s.idle.Text))
	if err != nil {
		s.badNumber(u.T("settings.idle"))
		return
	}
	v := u.settings // the printing choices live on the Devices page
	v.Theme = counter.Themes[max(0, s.themeSel.SelectedIndex())]
	v.LargeText = s.large.Checked
	v.IdleLockMinutes = minutes
	v.Sound = s.sound.Checked
	v.AutoDelivery = s.autoDel.Checked
	if err := u.svc.SaveSettings(u.ctx, u.sess, v); err != nil {
		s.fail(err)
		return
	}
	u.settings = v
	u.applyTheme()
	s.saved(u.T("settings.saved_look"), "")
}

// --- backup ---

func (u *UI) dbPath() string {
	if u.d.DBPath != "" {
		return u.d.DBPath
	}
	return u.svc.DB().Path
}

func (s *settingsScreen) backupView() fyne.CanvasObject {
	u := s.u
	s.backupDir = wrapped(u.T("settings.backup_dir", "Dir", store.BackupDir(u.dbPath())))
	s.lastBackup = wrapped("")
	s.lastBackup.TextStyle.Bold = true
	b := s.saveButton(u.T("settings.backup_now"), s.backup)
	return container.NewVBox(wrapped(u.T("settings.backup_hint")), s.backupDir, container.NewHBox(b), s.lastBackup, layout.NewSpacer())
}

// backup copies the live database into the backup folder, with progress
// and Cancel; the counter may keep working meanwhile.
func (s *settingsScreen) backup() {
	u := s.u
	dst := filepath.Join(store.BackupDir(u.dbPath()),
		"counter-"+u.svc.Now().In(u.svc.Location()).Format("20060102-150405")+".db")
	u.runLong(u.T("settings.backup_running"), func(ctx context.Context, progress progressFunc) error {
		return u.svc.DB().Backup(ctx, dst, func(done, total int) { progress(done, total) })
	}, func(err error) {
		defer func() {
			if s.afterLong != nil {
				s.afterLong()
			}
		}()
		if err != nil {
			if errors.Is(err, context.Canceled) {
				s.note(toneWarn, u.T("settings.backup_cancelled"), "")
				return
			}
			s.fail(err)
			return
		}
		size := ""
		if st, err := os.Stat(dst); err == nil {
			size = u.T("settings.size_mb", "MB", fmt.Sprintf("%.1f", float64(st.Size())/(1<<20)))
		}
		text := u.T("cli.backup.done", "Path", dst, "Size", size)
		s.lastBackup.SetText(text)
		s.saved(u.T("settings.backup_done"), text)
	})
}
