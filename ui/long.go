package ui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// progressFunc reports work done; total 0 means unknown.
type progressFunc func(done, total int)

// runLong runs work off the UI thread behind a progress dialog with a
// Cancel button (Escape). done runs on the UI thread with work's error;
// a cancelled run gives context.Canceled.
func (u *UI) runLong(title string, work func(ctx context.Context, progress progressFunc) error, done func(error)) {
	ctx, cancel := context.WithCancel(u.ctx)
	bar := widget.NewProgressBar()
	endless := widget.NewProgressBarInfinite()
	bar.Hide()
	note := widget.NewLabel(u.T("long.working"))
	u.showDialog(dialogSpec{Tone: toneInfo, Title: title,
		Body:   container.NewVBox(note, bar, endless),
		Cancel: &action{Label: u.T("common.cancel"), Run: cancel}})
	m := u.modal
	progress := func(d, total int) {
		fyne.Do(func() {
			if total > 0 {
				endless.Stop()
				endless.Hide()
				bar.Show()
				bar.SetValue(float64(d) / float64(total))
				note.SetText(u.T("long.progress", "Done", d, "Total", total))
			} else {
				note.SetText(u.T("long.count", "Done", d))
			}
		})
	}
	u.spawn(func() {
		err := work(ctx, progress)
		if err == nil && ctx.Err() != nil {
			err = ctx.Err()
		}
		cancel()
		fyne.Do(func() {
			endless.Stop()
			if u.modal == m {
				m.finish(nil)
			}
			if errors.Is(err, context.Canceled) {
				err = context.Canceled
			}
			done(err)
		})
	})
}
