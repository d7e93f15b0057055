package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// STUB: replaced by the stock screen.
type stockScreen struct{ obj fyne.CanvasObject }

func newStockScreen(u *UI) screen { return &stockScreen{obj: widget.NewLabel("stock")} }

func (s *stockScreen) view() fyne.CanvasObject { return s.obj }
func (s *stockScreen) shown()                  {}
func (s *stockScreen) key(fyne.KeyName) bool   { return false }
func (s *stockScreen) back() bool              { return false }
func (s *stockScreen) scan(string, bool)       {}
