package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// logLine is one line of a screen's scan log, coloured by its outcome.
type logLine struct {
	tone tone
	text string
}

// scanLog is the list under the banner of a scanning screen (Acceptance,
// Inventory): the newest scan first, at most max lines kept.
type scanLog struct {
	lines []logLine
	max   int
	list  *widget.List
}

func newScanLog(max int) *scanLog {
	l := &scanLog{max: max}
	l.list = widget.NewList(func() int { return len(l.lines) },
		func() fyne.CanvasObject { return oneLineLabel() },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(l.lines) {
				return
			}
			lbl := o.(*widget.Label)
			lbl.Importance = toneImportance(l.lines[i].tone)
			lbl.SetText(l.lines[i].text)
		})
	return l
}

// add puts a scan's line, stamped with its time, on top.
func (l *scanLog) add(at time.Time, t tone, text string) {
	l.lines = append([]logLine{{t, at.Format("15:04:05") + "  " + text}}, l.lines...)
	if len(l.lines) > l.max {
		l.lines = l.lines[:l.max]
	}
	l.list.Refresh()
}

// set replaces the lines (a report) and shows the first.
func (l *scanLog) set(lines []logLine) {
	l.lines = lines
	l.list.Refresh()
	l.list.ScrollToTop()
}

// oneLineLabel is a list row's label: long text ends in "…" rather than
// wrapping or widening the list.
func oneLineLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

func toneImportance(t tone) widget.Importance {
	switch t {
	case toneOK:
		return widget.SuccessImportance
	case toneWarn:
		return widget.WarningImportance
	case toneError:
		return widget.DangerImportance
	}
	return widget.MediumImportance
}
