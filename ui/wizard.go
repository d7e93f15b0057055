package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// STUB: replaced by the first-run wizard.
type wizard struct{ u *UI }

func newWizard(u *UI) *wizard { return &wizard{u: u} }

func (w *wizard) content() fyne.CanvasObject { return widget.NewLabel("wizard") }
