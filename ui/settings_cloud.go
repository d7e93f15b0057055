package ui

import (
	"context"
	"errors"
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/app/inbox"
)

// cloudPage is Settings → Cloud. Before the point is registered it is the
// registration form (server, the owner's activation code, this computer's
// name; F9 registers, in the background, with the outcome in words).
// Once registered it shows the point and how the sync goes, live: online
// or not, events waiting, the last sync, the next try, the last error,
// a clock far off, and the events the cloud refused; F9 syncs now. A
// manager or the owner registers; a clerk sees the page read-only (Sync
// now is harmless and stays).
type cloudPage struct {
	s   *settingsScreen
	u   *UI
	obj fyne.CanvasObject

	// registered: the status
	statusBox                                       *fyne.Container
	point, server, device, state, queue, last, next *widget.Label
	lastErr, skew                                   *widget.Label
	syncB, againB                                   *widget.Button
	problems                                        *fyne.Container
	problemsRead                                    int // the Rejected count the list was read at; -1: not read
	plan                                            *widget.Label
	exceptions                                      *fyne.Container
	exceptionsRead                                  int // the open count the list was read at; -1: not read
	setAsideRead                                    int // the SetAside count the problems were read at

	// the registration form
	formBox        *fyne.Container
	formTitle      *widget.Label
	url, code, dev *Entry
	registerB      *widget.Button
	result         *widget.Label
	again          bool // registered, and a person asked to register with a new code
	registering    bool // a registration runs
}

func newCloudPage(s *settingsScreen) *cloudPage {
	u := s.u
	p := &cloudPage{s: s, u: u, problemsRead: -1, exceptionsRead: -1}

	p.point, p.server, p.device = wrapped(""), wrapped(""), wrapped("")
	p.state, p.queue, p.last, p.next = wrapped(""), wrapped(""), wrapped(""), wrapped("")
	p.lastErr = wrapped("")
	p.lastErr.Importance = widget.DangerImportance
	p.skew = wrapped("")
	p.skew.Importance = widget.WarningImportance
	p.syncB = widget.NewButton("", p.syncNow)
	p.againB = widget.NewButton(u.T("cloud.reregister"), p.openForm)
	s.edit(p.againB)
	p.problems = container.NewVBox()
	p.exceptions = container.NewVBox()
	p.plan = wrapped("")
	p.statusBox = container.NewVBox(
		bold(u.T("cloud.status_title")),
		widget.NewForm(
			widget.NewFormItem(u.T("cloud.f.point"), p.point),
			widget.NewFormItem(u.T("cloud.f.server"), p.server),
			widget.NewFormItem(u.T("cloud.f.device"), p.device),
			widget.NewFormItem(u.T("cloud.f.state"), p.state),
			widget.NewFormItem(u.T("cloud.f.queue"), p.queue),
			widget.NewFormItem(u.T("cloud.f.last"), p.last),
			widget.NewFormItem(u.T("cloud.f.next"), p.next),
			widget.NewFormItem(u.T("cloud.f.error"), p.lastErr),
			widget.NewFormItem(u.T("cloud.f.plan"), p.plan)),
		p.skew,
		container.NewHBox(p.syncB, p.againB),
		widget.NewSeparator(),
		bold(u.T("cloud.exceptions_title")),
		wrapped(u.T("cloud.exceptions_hint")),
		p.exceptions,
		widget.NewSeparator(),
		bold(u.T("cli.sync.problems")),
		p.problems)

	p.url = u.newEntry(u.T("cloud.url_placeholder"))
	p.code = u.newEntry(u.T("cloud.code"))
	p.dev = u.newEntry(u.T("cloud.device"))
	chainEntries(u, []*Entry{p.url, p.code, p.dev}, p.register)
	p.registerB = s.saveButton(u.T("cloud.register"), p.register)
	s.edit(p.url, p.code, p.dev)
	p.result = wrapped("")
	p.formTitle = bold(u.T("cloud.register_title"))
	p.formBox = container.NewVBox(
		widget.NewSeparator(),
		p.formTitle,
		wrapped(u.T("cloud.register_hint")),
		widget.NewForm(
			widget.NewFormItem(u.T("cloud.url"), p.url),
			widget.NewFormItem(u.T("cloud.code"), p.code),
			widget.NewFormItem(u.T("cloud.device"), p.dev)),
		container.NewHBox(p.registerB),
		p.result)

	// Vertical only: wrapped labels follow the width, so the page never
	// widens the window.
	p.obj = container.NewVScroll(container.NewVBox(wrapped(u.T("cloud.intro")), p.statusBox, p.formBox))
	u.cloud.onChange = p.refresh
	p.refresh()
	return p
}

func (p *cloudPage) view() fyne.CanvasObject { return p.obj }

// load runs when Settings opens: the form's defaults, the status, the
// refused events read anew.
func (p *cloudPage) load() {
	st := p.u.cloud.st
	if p.url.Text == "" && st.ServerURL != "" {
		p.url.SetText(st.ServerURL)
	}
	if p.dev.Text == "" {
		if h, err := os.Hostname(); err == nil {
			p.dev.SetText(h)
		}
	}
	p.problemsRead, p.exceptionsRead = -1, -1
	p.refresh()
}

// formShown: not registered yet, the cloud wants a new code, or a person
// asked to register again.
func (p *cloudPage) formShown() bool {
	st := p.u.cloud.st
	return !st.Registered || st.NeedsCode || p.again
}

// save is F9: register while the form shows, else sync now.
func (p *cloudPage) save() {
	if p.formShown() {
		p.register()
		return
	}
	p.syncNow()
}

// refresh shows the status as last reported.
func (p *cloudPage) refresh() {
	u := p.u
	st := u.cloud.st
	form := p.formShown()
	if st.Registered {
		p.statusBox.Show()
	} else {
		p.statusBox.Hide()
	}
	if form {
		p.formBox.Show()
	} else {
		p.formBox.Hide()
	}
	if st.Registered {
		p.formTitle.SetText(u.T("cloud.reregister_title"))
	} else {
		p.formTitle.SetText(u.T("cloud.register_title"))
	}
	if form {
		p.syncB.SetText(u.T("cloud.sync_now"))
		p.againB.Hide()
	} else {
		p.syncB.SetText(string(keySettingsSave) + " " + u.T("cloud.sync_now"))
		p.againB.Show()
	}
	if !st.Registered {
		p.syncB.Disable()
	} else {
		p.syncB.Enable()
	}

	p.point.SetText(st.PointName + " (" + st.PointID + ")")
	p.server.SetText(st.ServerURL)
	p.device.SetText(st.DeviceID)
	p.state.SetText(u.T(cloudStateKey(st)))
	switch {
	case st.LastError != nil && !st.Unreachable:
		p.state.Importance = widget.DangerImportance
	case st.LastError != nil:
		p.state.Importance = widget.WarningImportance
	case st.Online:
		p.state.Importance = widget.SuccessImportance
	default:
		p.state.Importance = widget.MediumImportance
	}
	p.state.Refresh()
	p.queue.SetText(u.T("cli.sync.waiting", "Waiting", st.Waiting, "Rejected", st.Rejected))
	if st.LastSync.IsZero() {
		p.last.SetText(u.T("cli.sync.never"))
	} else {
		p.last.SetText(u.cloudTime(st.LastSync))
	}
	switch {
	case st.Syncing:
		p.next.SetText(u.T("cloud.next_now"))
	case st.LastError != nil && st.NextTry.After(u.svc.Now()):
		p.next.SetText(u.cloudTime(st.NextTry))
	case st.LastError != nil:
		p.next.SetText(u.T("cloud.next_soon"))
	default:
		p.next.SetText(u.T("cloud.next_auto"))
	}
	if st.LastError != nil {
		p.lastErr.SetText(u.Err(st.LastError))
	} else {
		p.lastErr.SetText(u.T("cloud.no_error"))
	}
	p.lastErr.Importance = widget.MediumImportance
	if st.LastError != nil {
		p.lastErr.Importance = widget.DangerImportance
	}
	p.lastErr.Refresh()
	if skew := st.ClockSkew.Abs(); st.Registered && skew > cloudSkewWarn {
		p.skew.SetText(u.T("cli.sync.skew", "Skew", u.cloudSpan(skew)))
		p.skew.Show()
	} else {
		p.skew.Hide()
	}
	sum := u.cloud.sum
	p.plan.SetText(u.planText(sum))
	if plan := sum.Subscription.Status; plan == inbox.SubscriptionGrace || plan == inbox.SubscriptionSuspended {
		p.plan.Importance = widget.WarningImportance
	} else {
		p.plan.Importance = widget.MediumImportance
	}
	p.plan.Refresh()
	if st.Registered && (st.Rejected != p.problemsRead || sum.SetAside != p.setAsideRead) {
		p.readProblems(st.Rejected, sum.SetAside)
	}
	if st.Registered && sum.OpenExceptions != p.exceptionsRead {
		p.readExceptions(sum.OpenExceptions)
	}
}

// planText words the owner's plan and its state.
func (u *UI) planText(sum inbox.Summary) string {
	if !sum.HasPlan {
		return u.T("cloud.plan_none")
	}
	sub := sum.Subscription
	until := ""
	if !sub.PaidUntil.IsZero() {
		until = sub.PaidUntil.In(u.svc.Location()).Format("02.01.2006")
	}
	status := sub.Status
	if status != inbox.SubscriptionGrace && status != inbox.SubscriptionSuspended {
		status = inbox.SubscriptionActive
	}
	return u.T("cloud.plan_"+status, "Plan", sub.Plan, "Until", until)
}

// readExceptions lists the open exceptions, newest first, each with what
// it means and, for a manager, a button to mark it seen.
func (p *cloudPage) readExceptions(open int) {
	u := p.u
	p.exceptionsRead = open
	var rows []fyne.CanvasObject
	list, err := inbox.Exceptions(u.ctx, u.svc, true, cloudProblems)
	if err != nil {
		u.log.Warn("cloud exceptions unreadable", "err", err)
	}
	for _, x := range list {
		kind := x.Kind
		if u.p.Has("cloud.exception." + kind) {
			kind = u.T("cloud.exception." + kind)
		}
		l := wrapped(u.T("cloud.exception_line", "At", u.cloudTime(x.RaisedAt), "Kind", kind, "Entity", x.Entity))
		l.Importance = widget.WarningImportance
		id := x.ID
		seen := widget.NewButton(u.T("cloud.exception_seen"), func() { p.markSeen(id) })
		if !p.s.canEdit {
			seen.Disable()
		}
		rows = append(rows, container.NewBorder(nil, nil, nil, seen, l))
	}
	if len(rows) == 0 {
		rows = append(rows, wrapped(u.T("cloud.exceptions_none")))
	}
	p.exceptions.Objects = rows
	p.exceptions.Refresh()
}

// markSeen takes an exception off the open list (manager or owner).
func (p *cloudPage) markSeen(id string) {
	u := p.u
	if err := inbox.MarkSeen(u.ctx, u.svc, u.sess, id); err != nil {
		p.s.fail(err)
		return
	}
	p.s.note(toneInfo, u.T("cloud.exception_marked"), "")
	u.cloudChanged()
	p.exceptionsRead = -1
	p.refresh()
}

// cloudStateKey words the connection.
func cloudStateKey(st CloudStatus) string {
	switch {
	case st.Syncing:
		return "cloud.state.syncing"
	case st.LastError != nil && st.Unreachable:
		return "cloud.state.offline"
	case st.LastError != nil:
		return "cloud.state.error"
	case st.Online:
		return "cloud.state.online"
	}
	return "cloud.state.waiting"
}

// cloudSpan is a clock difference in minutes, or hours when long.
func (u *UI) cloudSpan(d time.Duration) string {
	if d >= 2*time.Hour {
		return u.T("cloud.hours", "N", int(d.Round(time.Hour)/time.Hour))
	}
	return u.T("cloud.minutes", "N", int(d.Round(time.Minute)/time.Minute))
}

// readProblems lists the refused events, newest first, then the pulled
// changes that could not be applied.
func (p *cloudPage) readProblems(rejected, setAside int) {
	u := p.u
	p.problemsRead, p.setAsideRead = rejected, setAside
	var rows []fyne.CanvasObject
	for _, pr := range u.d.Cloud.Problems(cloudProblems) {
		kind := pr.Kind
		if kind != "" && u.p.Has("event."+kind) {
			kind = u.T("event." + kind)
		}
		l := wrapped(u.T("cloud.problem_line", "At", u.cloudTime(pr.At), "Kind", kind, "Entity", pr.Entity,
			"Message", pr.Message, "Code", pr.Code))
		l.Importance = widget.WarningImportance
		rows = append(rows, l)
	}
	failed, err := inbox.FailedChanges(u.ctx, u.svc, cloudProblems)
	if err != nil {
		u.log.Warn("cloud changes set aside unreadable", "err", err)
	}
	for _, f := range failed {
		l := wrapped(u.T("cloud.set_aside_line", "At", u.cloudTime(f.At), "Kind", f.Kind, "Entity", f.Entity,
			"Message", f.Error))
		l.Importance = widget.WarningImportance
		rows = append(rows, l)
	}
	if len(rows) == 0 {
		rows = append(rows, wrapped(u.T("cloud.problems_none")))
	}
	p.problems.Objects = rows
	p.problems.Refresh()
}

// openForm shows the form to register with a new code.
func (p *cloudPage) openForm() {
	p.again = true
	p.refresh()
	p.u.win.Canvas().Focus(p.code)
}

// syncNow asks for a round now.
func (p *cloudPage) syncNow() {
	u := p.u
	if !u.cloud.st.Registered {
		return
	}
	u.d.Cloud.SyncNow()
	p.s.note(toneInfo, u.T("cloud.sync_requested"), "")
}

// register sends the form to the cloud in the background, behind a
// progress dialog with Cancel, and says how it went.
func (p *cloudPage) register() {
	u := p.u
	if p.registering {
		return
	}
	if !p.s.canEdit {
		p.s.fail(errs.New(counter.ErrForbidden, "Need", string(counter.RoleManager)))
		return
	}
	url, code, name := strings.TrimSpace(p.url.Text), strings.TrimSpace(p.code.Text), strings.TrimSpace(p.dev.Text)
	for _, f := range []struct {
		text  string
		entry *Entry
		key   string
	}{{url, p.url, "cloud.need_url"}, {code, p.code, "cloud.need_code"}} {
		if f.text == "" {
			p.refused(u.T(f.key), f.entry)
			return
		}
	}
	p.result.SetText("")
	p.registering = true
	cloud, sess := u.d.Cloud, u.sess
	u.runLong(u.T("cloud.registering", "URL", url), func(ctx context.Context, _ progressFunc) error {
		return cloud.Register(ctx, sess, url, code, name)
	}, func(err error) {
		p.registering = false
		switch {
		case errors.Is(err, context.Canceled):
			p.result.Importance = widget.WarningImportance
			p.result.SetText(u.T("cloud.register_cancelled"))
			p.s.note(toneWarn, u.T("cloud.register_cancelled"), "")
			return
		case err != nil:
			u.log.Warn("cloud registration failed", "err", err)
			p.refused(u.Err(err), p.code)
			return
		}
		p.again = false
		p.code.SetText("")
		u.cloudChanged() // the registration is stored: show it without waiting for the report
		st := u.cloud.st
		text := u.T("cli.sync.registered", "Point", st.PointName, "ID", st.PointID, "URL", st.ServerURL)
		p.result.Importance = widget.SuccessImportance
		p.result.SetText(text)
		p.s.saved(u.T("cloud.registered"), text)
	})
}

// refused says why the point was not registered, under the form and in
// the banner, and puts the cursor where the fix goes.
func (p *cloudPage) refused(why string, fix *Entry) {
	u := p.u
	p.result.Importance = widget.DangerImportance
	p.result.SetText(why)
	p.s.note(toneError, u.T("cloud.register_failed"), why)
	u.beep(toneError)
	if fix != nil && !fix.Disabled() {
		u.win.Canvas().Focus(fix)
	}
}
