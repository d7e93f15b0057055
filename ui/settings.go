package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// STUB: replaced by the settings screen.
type settingsScreen struct{ obj fyne.CanvasObject }

func newSettingsScreen(u *UI) screen { return &settingsScreen{obj: widget.NewLabel("settings")} }

func (s *settingsScreen) view() fyne.CanvasObject { return s.obj }
func (s *settingsScreen) shown()                  {}
func (s *settingsScreen) key(fyne.KeyName) bool   { return false }
func (s *settingsScreen) back() bool              { return false }
func (s *settingsScreen) scan(string, bool)       {}
