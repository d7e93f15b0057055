package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// STUB: replaced by the accept screen.
type acceptScreen struct{ obj fyne.CanvasObject }

func newAcceptScreen(u *UI) screen { return &acceptScreen{obj: widget.NewLabel("accept")} }

func (s *acceptScreen) view() fyne.CanvasObject { return s.obj }
func (s *acceptScreen) shown()                  {}
func (s *acceptScreen) key(fyne.KeyName) bool   { return false }
func (s *acceptScreen) back() bool              { return false }
func (s *acceptScreen) scan(string, bool)       {}
