package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// loyaltyScreen is the programme's members and numbers (Ctrl+L):
// customers, their cards and history, segments and the dashboard.
type loyaltyScreen struct {
	u   *UI
	obj fyne.CanvasObject
}

func newLoyaltyScreen(u *UI) screen {
	return &loyaltyScreen{u: u, obj: widget.NewLabel("")}
}

func (s *loyaltyScreen) view() fyne.CanvasObject { return s.obj }
func (s *loyaltyScreen) shown()                  {}
func (s *loyaltyScreen) key(fyne.KeyName) bool   { return false }
func (s *loyaltyScreen) back() bool              { return false }
func (s *loyaltyScreen) scan(string, bool)       {}
