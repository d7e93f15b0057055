package ui

import (
	"time"

	"fyne.io/fyne/v2"

	"smartpoint/app/money"
)

// idleTicker checks the idle lock twice a minute on the UI thread.
func (u *UI) idleTicker() {
	t := time.NewTicker(30 * time.Second)
	defer t.Stop()
	for range t.C {
		fyne.Do(func() { u.checkIdle(u.now()) })
	}
}

// checkIdle locks the counter when nobody typed or scanned for the
// configured time. The shift stays open; a dialog in progress is closed.
func (u *UI) checkIdle(now time.Time) bool {
	mins := u.settings.IdleLockMinutes
	if u.sess == nil || mins <= 0 || now.Sub(u.lastInput) < time.Duration(mins)*time.Minute {
		return false
	}
	u.log.Info("idle lock", "clerk_id", u.sess.ClerkID())
	u.lock()
	return true
}

// checkDatabase runs the integrity check the app skipped at start (it
// takes seconds on a big file) and shows its verdict in the status bar.
func (u *UI) checkDatabase() {
	fyne.Do(func() { u.setDBState("bar.db.checking") })
	err := u.svc.DB().QuickCheck(u.ctx)
	state := "bar.db.ok"
	if err != nil {
		u.log.Error("database check failed", "err", err)
		state = "bar.db.damaged"
	}
	fyne.Do(func() { u.setDBState(state) })
}

func (u *UI) setDBState(key string) {
	u.dbState = key
	if u.shell != nil {
		u.shell.status.refresh()
	}
}

// moneyText shows minor units in the point's currency.
func moneyText(minor int64, currency string) string { return money.Format(minor, currency) }
