package ui

import (
	"context"
	"time"

	"smartpoint/app/counter"
	"smartpoint/app/inbox"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Cloud is the point's cloud sync as the window shows and drives it: the
// status bar and Settings → Cloud. cmd wires it to sync/client
// (cmd/internal/cloud); the window never talks to the network itself.
// nil: the counter has no cloud at all and the status bar says so.
type Cloud interface {
	// Status is the current state; it touches neither the network nor
	// the database.
	Status() CloudStatus
	// Subscribe calls fn, from any goroutine, after each change of the
	// status (and once soon after subscribing); the func unsubscribes.
	Subscribe(fn func()) (unsubscribe func())
	// Register makes this counter database a point in the cloud with the
	// one-time activation code the owner got for it; url "" takes the
	// stored server, deviceName "" the computer's name. The error is
	// typed (app/errs): a wrong code, an unreachable server, an update
	// needed… so u.Err words it. It waits for the server (cancel ctx to
	// give up).
	// sess is who asks: only a manager or the owner may register.
	Register(ctx context.Context, sess *counter.Session, url, code, deviceName string) error
	// SyncNow asks for a sync round now, even during a backoff; it never
	// blocks.
	SyncNow()
	// Problems lists the events the cloud refused for good, newest
	// first, at most limit.
	Problems(limit int) []CloudProblem
}

// CloudStatus is what the window shows of the sync.
type CloudStatus struct {
	Registered bool
	PointID    string
	PointName  string
	DeviceID   string // this database's id in the cloud
	ServerURL  string
	Online     bool  // the last round went through
	Syncing    bool  // a round runs now
	Waiting    int64 // events the cloud has not acknowledged yet
	Rejected   int   // events the cloud refused for good (Problems)
	LastSync   time.Time
	// LastError is why the last round failed (nil: it went through), a
	// typed error to word with u.Err.
	LastError error
	// Unreachable: LastError is the network or the server being down or
	// busy, which mends itself; other errors need a person (an update, a
	// new activation code, a second copy of the database).
	Unreachable bool
	// NeedsCode: the cloud no longer accepts the point's keys; register
	// again with a new activation code.
	NeedsCode bool
	NextTry   time.Time     // when the next try after a failure runs
	ClockSkew time.Duration // the server's clock minus this computer's
}

// CloudProblem is an event the cloud refused for good.
type CloudProblem struct {
	At      time.Time // when the refusal arrived
	Kind    string    // the event's kind ("parcel.accepted")
	Entity  string    // what it is about ("parcel:RA…KG")
	Code    string    // the cloud's reason code
	Message string    // the cloud's words
}

// Cloud set-up thresholds.
const (
	cloudSkewWarn    = 5 * time.Minute // a clock this far off is flagged
	cloudWaitingWarn = time.Hour       // offline this long with events waiting: the warning colour
	cloudProblems    = 50              // refused events listed on the page
)

// cloudState is the window's copy of the cloud status, kept current by
// the subscription (on the UI thread).
type cloudState struct {
	st  CloudStatus
	sum inbox.Summary // what the pulled changes brought
	// stuckSince is when the window first saw the cloud unreachable with
	// events waiting and no sync ever done (LastSync says it otherwise).
	stuckSince time.Time
	onChange   func() // Settings → Cloud refreshes itself
}

// watchCloud follows the cloud status for the window's life.
func (u *UI) watchCloud() {
	if u.d.Cloud == nil {
		return
	}
	u.cloud.st = u.d.Cloud.Status()
	u.readCloudSummary()
	unsubscribe := u.d.Cloud.Subscribe(func() { fyne.Do(u.cloudChanged) })
	u.win.SetOnClosed(unsubscribe)
}

// cloudChanged takes the new status into the status bar and the open
// settings page.
func (u *UI) cloudChanged() {
	st := u.d.Cloud.Status()
	u.cloud.st = st
	u.readCloudSummary()
	switch {
	case !st.Registered || st.Online || st.Waiting == 0 || !st.LastSync.IsZero():
		u.cloud.stuckSince = time.Time{}
	case st.LastError != nil && u.cloud.stuckSince.IsZero():
		u.cloud.stuckSince = u.svc.Now()
	}
	if u.shell != nil {
		u.shell.status.setCloud()
	}
	if u.cloud.onChange != nil {
		u.cloud.onChange()
	}
}

// readCloudSummary reads what the changes pulled from the cloud brought
// (app/inbox applies them after each round, before the status report
// that calls this): open conflicts, changes set aside, the plan; and the
// settings, which the owner may have pushed: the theme and type size
// change at once, the rest is read where it is used.
func (u *UI) readCloudSummary() {
	sum, err := inbox.Summarise(u.ctx, u.svc)
	if err != nil {
		u.log.Warn("cloud summary unreadable", "err", err)
		return
	}
	u.cloud.sum = sum
	st, err := u.svc.Settings(u.ctx)
	if err != nil || st == u.settings {
		return
	}
	u.settings = st
	u.applyTheme()
}

// cloudBar is the status bar's cloud text and whether it needs attention.
func (u *UI) cloudBar() (string, widget.Importance) {
	st := u.cloud.st
	if u.d.Cloud == nil || !st.Registered {
		return u.T("bar.sync_off"), widget.MediumImportance
	}
	var text string
	showLast := false
	switch {
	case st.Syncing:
		text, showLast = u.T("cloud.bar.syncing"), true
	case st.LastError != nil && st.Unreachable && st.NextTry.After(u.svc.Now()):
		text = u.T("cloud.bar.offline_retry", "At", u.cloudTime(st.NextTry))
	case st.LastError != nil && st.Unreachable:
		text = u.T("cloud.bar.offline")
	case st.LastError != nil:
		text = u.T("cloud.bar.error")
	case st.Online:
		text, showLast = u.T("cloud.bar.online"), true
	default:
		text = u.T("cloud.bar.connecting")
	}
	if st.Waiting > 0 {
		text += " · " + u.p.N("cloud.bar.waiting", int(st.Waiting))
	}
	if st.Rejected > 0 {
		text += " · " + u.T("cloud.bar.rejected", "Count", st.Rejected)
	}
	sum := u.cloud.sum
	if sum.OpenExceptions > 0 {
		text += " · " + u.T("cloud.bar.exceptions", "Count", sum.OpenExceptions)
	}
	// The plan only when nothing else asks for attention: the bar has the
	// width of one line, and Settings → Cloud says it anyway.
	if plan := sum.Subscription.Status; (plan == inbox.SubscriptionGrace || plan == inbox.SubscriptionSuspended) &&
		st.Rejected == 0 && sum.OpenExceptions == 0 {
		text += " · " + u.T("cloud.bar.plan_"+plan)
	}
	if showLast && !st.LastSync.IsZero() {
		text += " · " + u.cloudTime(st.LastSync)
	}
	if u.cloudWarn() {
		return text, widget.WarningImportance
	}
	return text, widget.MediumImportance
}

// cloudWarn: refused events, an error that needs a person, or events
// waiting for more than an hour with the cloud unreachable.
func (u *UI) cloudWarn() bool {
	st := u.cloud.st
	switch {
	case !st.Registered:
		return false
	case st.Rejected > 0, u.cloud.sum.OpenExceptions > 0, u.cloud.sum.SetAside > 0,
		u.cloud.sum.Subscription.Status == inbox.SubscriptionGrace, u.cloud.sum.Subscription.Status == inbox.SubscriptionSuspended:
		return true
	case st.LastError == nil || st.Online:
		return false
	case !st.Unreachable:
		return true
	case st.Waiting == 0:
		return false
	}
	since := st.LastSync
	if since.IsZero() {
		since = u.cloud.stuckSince
	}
	return !since.IsZero() && u.svc.Now().Sub(since) > cloudWaitingWarn
}

// cloudTime is a time of day at the point, with the date when it is not
// today.
func (u *UI) cloudTime(t time.Time) string {
	loc := u.svc.Location()
	t = t.In(loc)
	if y, m, d := u.svc.Now().In(loc).Date(); t.Year() == y && t.Month() == m && t.Day() == d {
		return t.Format("15:04")
	}
	return t.Format("02.01 15:04")
}
