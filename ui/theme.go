package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// tone is the meaning of a result: it picks the colour and the sound.
type tone int

const (
	toneInfo tone = iota
	toneOK
	toneWarn
	toneError
)

// Colours chosen for white text at a distance: a clerk reads the result
// out of the corner of an eye while reaching for the shelf.
var (
	toneText   = color.White
	toneColors = map[tone]color.Color{
		toneInfo:  color.NRGBA{0x15, 0x65, 0xc0, 0xff},
		toneOK:    color.NRGBA{0x2e, 0x7d, 0x32, 0xff},
		toneWarn:  color.NRGBA{0xe6, 0x51, 0x00, 0xff},
		toneError: color.NRGBA{0xc6, 0x28, 0x28, 0xff},
	}
)

func toneColor(t tone) color.Color { return toneColors[t] }

// counterTheme is Fyne's theme with a chosen variant and larger text.
type counterTheme struct {
	variant *fyne.ThemeVariant
	scale   float32
}

func (t counterTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.variant != nil {
		v = *t.variant
	}
	return theme.DefaultTheme().Color(n, v)
}

func (t counterTheme) Font(s fyne.TextStyle) fyne.Resource { return theme.DefaultTheme().Font(s) }

func (t counterTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

func (t counterTheme) Size(n fyne.ThemeSizeName) float32 {
	s := theme.DefaultTheme().Size(n)
	switch n {
	case theme.SizeNameText, theme.SizeNameHeadingText, theme.SizeNameSubHeadingText,
		theme.SizeNameCaptionText, theme.SizeNameInputBorder, theme.SizeNameInlineIcon:
		return s * t.scale
	}
	return s
}

// applyTheme sets light/dark/system and the text size from the settings.
func (u *UI) applyTheme() {
	t := counterTheme{scale: 1}
	switch u.settings.Theme {
	case "light":
		v := theme.VariantLight
		t.variant = &v
	case "dark":
		v := theme.VariantDark
		t.variant = &v
	}
	if u.settings.LargeText {
		t.scale = 1.3
	}
	u.app.Settings().SetTheme(t)
}
