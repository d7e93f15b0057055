package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// STUB: replaced by the search screen.
type searchScreen struct{ obj fyne.CanvasObject }

func newSearchScreen(u *UI) screen { return &searchScreen{obj: widget.NewLabel("search")} }

func (s *searchScreen) view() fyne.CanvasObject { return s.obj }
func (s *searchScreen) shown()                  {}
func (s *searchScreen) key(fyne.KeyName) bool   { return false }
func (s *searchScreen) back() bool              { return false }
func (s *searchScreen) scan(string, bool)       {}
