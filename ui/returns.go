package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// STUB: replaced by the returns screen.
type returnsScreen struct{ obj fyne.CanvasObject }

func newReturnsScreen(u *UI) screen { return &returnsScreen{obj: widget.NewLabel("returns")} }

func (s *returnsScreen) view() fyne.CanvasObject { return s.obj }
func (s *returnsScreen) shown()                  {}
func (s *returnsScreen) key(fyne.KeyName) bool   { return false }
func (s *returnsScreen) back() bool              { return false }
func (s *returnsScreen) scan(string, bool)       {}
