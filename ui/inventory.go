package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// STUB: replaced by the inventory screen.
type inventoryScreen struct{ obj fyne.CanvasObject }

func newInventoryScreen(u *UI) screen { return &inventoryScreen{obj: widget.NewLabel("inventory")} }

func (s *inventoryScreen) view() fyne.CanvasObject { return s.obj }
func (s *inventoryScreen) shown()                  {}
func (s *inventoryScreen) key(fyne.KeyName) bool   { return false }
func (s *inventoryScreen) back() bool              { return false }
func (s *inventoryScreen) scan(string, bool)       {}
