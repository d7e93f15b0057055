package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"smartpoint/device/receipt"
	"smartpoint/ui/slips"

	"smartpoint/app/counter"
)

// loginView picks a clerk and takes the PIN from the keypad or the
// keyboard. Up/Down (or the clerk's button) choose the clerk; the last
// clerk who worked here is preselected.
type loginView struct {
	u      *UI
	clerks []counter.Clerk
	sel    int
	names  []*widget.Button
	pin    *Entry
	msg    *widget.Label
	queued *widget.Label
	obj    fyne.CanvasObject
}

const prefLastClerk = "last_clerk"

func (u *UI) showLogin() {
	u.shell = nil
	l := &loginView{u: u}
	u.login = l
	clerks, err := u.svc.Clerks(u.ctx)
	if err != nil {
		u.log.Error("clerks unreadable", "err", err)
	}
	last := u.app.Preferences().String(prefLastClerk)
	for _, c := range clerks {
		if !c.Active {
			continue
		}
		if c.Name == last {
			l.sel = len(l.clerks)
		}
		l.clerks = append(l.clerks, c)
	}
	l.build()
	u.win.SetContent(l.obj)
	u.refocus()
}

func (l *loginView) build() {
	u := l.u
	title := widget.NewLabelWithStyle(u.title(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	var names []fyne.CanvasObject
	for i, c := range l.clerks {
		b := widget.NewButton(c.Name+" · "+u.T(roleKey(c.Role)), func() { l.choose(i) })
		l.names = append(l.names, b)
		names = append(names, b)
	}
	l.pin = u.newPasswordEntry(u.T("login.pin"))
	l.pin.OnEnter = func(string) { l.submit() }
	l.pin.OnKey = func(n fyne.KeyName) bool {
		switch n {
		case fyne.KeyUp:
			l.choose(l.sel - 1)
		case fyne.KeyDown:
			l.choose(l.sel + 1)
		default:
			return false
		}
		return true
	}
	l.msg = widget.NewLabel(u.T("login.hint"))
	l.msg.Wrapping = fyne.TextWrapWord
	l.queued = widget.NewLabel("")
	l.queued.Wrapping = fyne.TextWrapWord

	keys := container.NewGridWithColumns(3)
	for _, k := range []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "OK"} {
		keys.Add(widget.NewButton(k, func() { l.keypad(k) }))
	}
	form := container.NewVBox(title, widget.NewLabel(u.T("login.choose")), container.NewVBox(names...),
		l.pin, keys, l.msg, l.queued)
	l.obj = container.NewCenter(container.NewGridWrap(fyne.NewSize(420, form.MinSize().Height), form))
	l.mark(l.sel)
	l.setQueued(len(u.router.queue))
}

func (l *loginView) choose(i int) {
	if i < 0 || i >= len(l.clerks) {
		return
	}
	l.mark(i)
	l.u.refocus()
}

// mark highlights clerk i as the one logging in.
func (l *loginView) mark(i int) {
	l.sel = i
	for j, b := range l.names {
		if j == i {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.MediumImportance
		}
		b.Refresh()
	}
}

func (l *loginView) keypad(k string) {
	switch k {
	case "⌫":
		if r := []rune(l.pin.Text); len(r) > 0 {
			l.pin.SetText(string(r[:len(r)-1]))
		}
	case "OK":
		l.submit()
	default:
		l.pin.SetText(l.pin.Text + k)
	}
	l.u.refocus()
}

// command: Up/Down arrive here only from the PIN field's TypedKey.
func (l *loginView) command(fyne.KeyName) bool { return false }

func (l *loginView) submit() {
	u := l.u
	if len(l.clerks) == 0 {
		return
	}
	c := l.clerks[l.sel]
	sess, err := u.svc.Login(u.ctx, c.Name, l.pin.Text)
	l.pin.SetText("")
	if err != nil {
		u.beep(toneError)
		l.msg.SetText(u.Err(err))
		return
	}
	u.app.Preferences().SetString(prefLastClerk, c.Name)
	u.sess = sess
	u.touch()
	u.enterShell()
	if sess.ShiftID() == 0 {
		u.offerShift()
	}
}

func (l *loginView) setQueued(n int) {
	if n == 0 {
		l.queued.SetText("")
		return
	}
	l.queued.SetText(l.u.p.N("login.queued", n))
}

// offerShift asks to open a shift right after login.
func (u *UI) offerShift() {
	u.confirm(u.T("shift.open_title"), u.T("shift.open_text"), u.T("shell.shift_open"), u.openShift)
}

func (u *UI) openShift() {
	sh, err := u.svc.OpenShift(u.ctx, u.sess)
	if err != nil {
		u.showErr(err)
		return
	}
	u.log.Info("shift opened", "shift", sh.ID)
	u.relogin()
}

// relogin shows the session's shift after opening or closing it (the
// service updates the session itself).
func (u *UI) relogin() {
	if u.shell != nil {
		u.shell.refreshShift()
	}
}

func (u *UI) toggleShift() {
	if u.sess == nil {
		return
	}
	if u.sess.ShiftID() == 0 {
		u.openShift()
		return
	}
	u.confirm(u.T("shift.close_title"), u.T("shift.close_text"), u.T("shell.shift_close"), func() {
		rep, err := u.svc.CloseShift(u.ctx, u.sess)
		if err != nil {
			u.showErr(err)
			return
		}
		u.relogin()
		title := u.T("cli.report.shift_title", "ID", rep.ShiftID, "Clerk", rep.Clerk,
			"From", rep.From.In(u.svc.Location()).Format("02.01 15:04"), "To", rep.To.In(u.svc.Location()).Format("15:04"))
		u.showDialog(dialogSpec{Tone: toneOK, Title: title, Body: u.reportView(rep), Primary: &action{Label: u.T("shell.lock"), Run: u.lock},
			Others: u.printActions(DocShiftReport, title, func() receipt.Doc { return slips.ShiftReport(u.slipContext(), rep) }, nil)})
	})
}

// reportView lays a shift or day report out as two columns.
func (u *UI) reportView(r counter.Report) fyne.CanvasObject {
	g := container.NewGridWithColumns(2)
	for _, row := range r.Rows(u.point.Currency) {
		label := u.T(row.Key)
		if row.Part {
			label = "    " + label // a share of the line above
		}
		v := widget.NewLabel(row.Value)
		v.TextStyle.Bold = true
		g.Add(widget.NewLabel(label))
		g.Add(v)
	}
	return container.NewVBox(g, layout.NewSpacer())
}

// lock returns to the login screen; the shift stays open.
func (u *UI) lock() {
	if u.modal != nil {
		u.modal.hide()
	}
	u.sess = nil
	u.showLogin()
}
