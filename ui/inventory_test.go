package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"smartpoint/device/sound"
)

// reportText is the report list as the clerk reads it.
func (s *inventoryScreen) reportText() string {
	var b strings.Builder
	for _, l := range s.log.lines {
		b.WriteString(l.text + "\n")
	}
	return b.String()
}

func TestInventoryOfTwoCellsReportsAndAppliesMisplaced(t *testing.T) {
	e := loggedIn(t)
	a := e.stockParcels(10, 0, 0)                                      // cell X
	b := e.acceptFor("Бакыт", "0700 111 222", "87654321*1111", 20, 21) // cell Y
	x, y := e.parcel(a[0]).Cell, e.parcel(b[0]).Cell
	if x == y || e.parcel(a[1]).Cell != x || e.parcel(b[1]).Cell != y {
		t.Fatalf("fixture: cells %s %s", x, y)
	}
	unknown := s10(500)

	e.press(fyne.KeyF7)
	s := e.screen("inventory").(*inventoryScreen)
	e.press(keyInvRun)
	if s.inv == 0 {
		t.Fatal("F9 did not start an inventory")
	}

	e.scan(a[0])
	if s.banner.tone != toneWarn {
		t.Fatal("a parcel before any cell: warn, scan the cell first")
	}
	e.scan("CELL-" + x)
	if s.banner.big.Text != x {
		t.Fatalf("current cell shows %q", s.banner.big.Text)
	}
	e.scan(a[0])
	if s.banner.tone != toneOK || e.lastTone() != sound.Success {
		t.Fatalf("parcel in place: tone %v", s.banner.tone)
	}
	e.bannerSays(s.banner, "1 из 2")
	e.scan(b[0]) // recorded in Y, found in X
	if s.banner.tone != toneWarn || e.lastTone() != sound.Warning {
		t.Fatalf("misplaced: tone %v", s.banner.tone)
	}
	e.bannerSays(s.banner, "по учёту в ячейке "+y)
	// a[1] is not scanned: missing.
	e.scan("CELL-" + y)
	e.scan(b[1])
	e.scan(unknown)
	if s.banner.tone != toneError || e.lastTone() != sound.Error {
		t.Fatalf("unknown parcel: tone %v", s.banner.tone)
	}
	e.bannerSays(s.banner, "нет в учёте")
	if s.progress.Text == "" || !strings.Contains(s.progress.Text, y) {
		t.Fatalf("progress %q", s.progress.Text)
	}

	e.press(keyInvRun)
	if e.u.modal == nil {
		t.Fatal("F9 while running must ask to finish")
	}
	e.press(fyne.KeyReturn)
	if s.report == nil {
		t.Fatal("no report after finishing")
	}
	r := s.report
	if len(r.Missing) != 1 || r.Missing[0].Track != a[1] {
		t.Fatalf("missing %+v, want %s", r.Missing, a[1])
	}
	if len(r.Misplaced) != 1 || r.Misplaced[0].Parcel.Track != b[0] || r.Misplaced[0].FoundIn != x {
		t.Fatalf("misplaced %+v", r.Misplaced)
	}
	if len(r.Extra) != 1 || r.Extra[0].Code != unknown {
		t.Fatalf("extra %+v", r.Extra)
	}
	e.bannerSays(s.banner, "Недостаёт 1 · не на месте 1 · лишних 1")
	text := s.reportText()
	for _, want := range []string{a[1], b[0] + " — по учёту " + y + ", найдена в " + x, unknown} {
		if !strings.Contains(text, want) {
			t.Fatalf("report lacks %q:\n%s", want, text)
		}
	}
	if s.applyB.Disabled() {
		t.Fatal("the apply button must be enabled with misplaced parcels")
	}

	e.press(keyInvApply)
	if got := e.parcel(b[0]).Cell; got != x {
		t.Fatalf("after apply %s is recorded in %s, want %s", b[0], got, x)
	}
	e.bannerSays(s.banner, "Учёт исправлен")
	if !s.applyB.Disabled() {
		t.Fatal("apply must not run twice")
	}
	e.press(fyne.KeyEscape)
	if s.report != nil || e.u.shell.current != "inventory" {
		t.Fatal("Escape clears the report first")
	}
}

func TestCellScanAtCounterOffersInventory(t *testing.T) {
	e := loggedIn(t)
	a := e.stockParcels(10, 0)
	cell := e.parcel(a[0]).Cell
	e.scan("CELL-" + cell)
	if e.u.shell.current != "inventory" {
		t.Fatalf("a cell label at the counter goes to Inventory, on %q", e.u.shell.current)
	}
	s := e.screen("inventory").(*inventoryScreen)
	if e.u.modal == nil || s.inv != 0 {
		t.Fatal("with no inventory running a cell scan must offer to start one")
	}
	e.bannerSays(s.banner, cell)
	e.press(fyne.KeyReturn)
	if s.inv == 0 || s.cell != cell {
		t.Fatalf("Enter: inventory %d, cell %q", s.inv, s.cell)
	}
	e.scan(a[0])
	if s.banner.tone != toneOK {
		t.Fatal("the parcel in the cell must be in place")
	}
}

func TestCellScanOfferCanBeDeclined(t *testing.T) {
	e := loggedIn(t)
	e.press(fyne.KeyF7)
	s := e.screen("inventory").(*inventoryScreen)
	e.scan("CELL-A-1-01")
	if e.u.modal == nil {
		t.Fatal("no offer")
	}
	e.press(fyne.KeyEscape)
	if s.inv != 0 || e.u.modal != nil {
		t.Fatal("Escape must leave things as they were")
	}
	e.scan(s10(10))
	e.bannerSays(s.banner, "не начата")
}
