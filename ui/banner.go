package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"smartpoint/device/sound"
)

// banner is the big result panel: colour for the outcome, the cell number
// in type readable across the room, a headline and, below it, what to do.
type banner struct {
	bg     *canvas.Rectangle
	big    *canvas.Text
	title  *canvas.Text
	detail *widget.Label
	obj    fyne.CanvasObject
	tone   tone
	// shown is the detail the result came with; a note (e.g. "sent to
	// the printer") goes under it instead of replacing it.
	shown string
}

// note adds a line under the result's detail; a later note replaces it.
func (b *banner) note(text string) {
	b.detail.SetText(strings.TrimSpace(b.shown + "\n" + text))
}

// bigSize is the cell number's size: about 2.5 cm high on a 15" screen.
const bigSize = 110

func newBanner() *banner {
	b := &banner{
		bg:     canvas.NewRectangle(toneColor(toneInfo)),
		big:    canvas.NewText("", toneText),
		title:  canvas.NewText("", toneText),
		detail: widget.NewLabel(""),
	}
	b.big.TextSize = bigSize
	b.big.TextStyle.Bold = true
	b.big.Alignment = fyne.TextAlignCenter
	b.title.TextSize = 26
	b.title.TextStyle.Bold = true
	b.title.Alignment = fyne.TextAlignCenter
	b.detail.Wrapping = fyne.TextWrapWord
	b.detail.Alignment = fyne.TextAlignCenter
	panel := container.NewStack(b.bg, container.NewPadded(container.NewVBox(b.big, b.title)))
	b.obj = container.NewVBox(panel, b.detail)
	return b
}

// maxTitle is the longest headline kept on one line at 1366 px.
const maxTitle = 90

// titleSize shrinks the headline so that it fits one line at 1366 px.
func titleSize(runes int) float32 {
	const width, perRune = 1300, 0.56 // average glyph width as a share of the size
	return min(26, max(16, width/(perRune*float32(max(runes, 1)))))
}

// show paints a result; an empty big text hides the number line.
func (b *banner) show(t tone, big, title, detail string) {
	b.tone = t
	b.bg.FillColor = toneColor(t)
	b.bg.Refresh()
	b.big.Text = big
	if big == "" {
		b.big.Hide()
	} else {
		b.big.Show()
	}
	b.big.Refresh()
	// The headline is one line: long messages get smaller type, and the
	// longest go to the wrapped detail line in full.
	if n := len([]rune(title)); n > maxTitle {
		detail = strings.TrimSpace(title + "\n" + detail)
		title = string([]rune(title)[:maxTitle-1]) + "…"
	}
	b.title.TextSize = titleSize(len([]rune(title)))
	b.title.Text = title
	b.title.Refresh()
	b.shown = detail
	b.detail.SetText(detail)
}

// feedback shows a result and plays its sound: every scan gets both.
func (u *UI) feedback(b *banner, t tone, big, title, detail string) {
	b.show(t, big, title, detail)
	u.beep(t)
}

func (u *UI) beep(t tone) {
	if !u.settings.Sound {
		return
	}
	switch t {
	case toneOK:
		u.d.Sound.Play(sound.Success)
	case toneWarn:
		u.d.Sound.Play(sound.Warning)
	case toneError:
		u.d.Sound.Play(sound.Error)
	}
}
