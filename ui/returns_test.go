package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"smartpoint/app/counter"
	"smartpoint/device/sound"
)

// overdueParcels stocks n kgpost parcels and moves the service clock past
// their storage deadline (kgpost keeps parcels 30 days).
func overdueParcels(t *testing.T, e *env, first, n int) []string {
	t.Helper()
	tr := e.stockParcels(first, make([]int, n)...)
	e.clock.Advance(31 * 24 * time.Hour)
	return tr
}

func openReturns(t *testing.T, e *env) *returnsScreen {
	t.Helper()
	e.press(fyne.KeyF4)
	if e.u.shell.current != "returns" {
		t.Fatalf("F4 opened %q", e.u.shell.current)
	}
	return e.screen("returns").(*returnsScreen)
}

func (s *returnsScreen) listed(track string) bool {
	for _, p := range s.candidates {
		if p.Track == track {
			return true
		}
	}
	return false
}

func TestReturnsOverdueParcelBecomesCandidate(t *testing.T) {
	e := loggedIn(t)
	tr := overdueParcels(t, e, 10, 1)
	fresh := e.stockParcels(50, 0)
	s := openReturns(t, e)
	test.Tap(s.expireB)
	if p := e.parcel(tr[0]); p.Status != counter.StatusToReturn {
		t.Fatalf("overdue parcel status %s after marking, want to_return", p.Status)
	}
	if !s.listed(tr[0]) {
		t.Fatal("the overdue parcel is not in the return list")
	}
	if s.listed(fresh[0]) {
		t.Fatal("a parcel within its storage period is in the return list")
	}
	e.bannerSays(s.banner, "1 посылка отмечена")
	if !strings.Contains(s.candN.Text, "1") {
		t.Fatalf("count %q", s.candN.Text)
	}
	if line := s.candidateLine(s.candidates[0]); !strings.Contains(line, e.parcel(tr[0]).Cell) || !strings.Contains(line, "не забрана") {
		t.Fatalf("candidate row %q must show the cell and why", line)
	}
}

func TestReturnsBoxScanUndoHandover(t *testing.T) {
	e := loggedIn(t)
	tr := overdueParcels(t, e, 10, 2)
	fresh := e.stockParcels(50, 0)
	s := openReturns(t, e)

	// No partner chosen: F9 says what to do.
	e.press(keyOpenBox)
	if s.box.Number != "" || e.lastTone() != sound.Error {
		t.Fatal("a box must not open without a partner")
	}
	s.setPartner("kgpost")
	e.press(keyOpenBox)
	box := s.box
	if box.Number == "" || box.Partner != "kgpost" {
		t.Fatalf("F9 opened %+v", box)
	}
	e.bannerSays(s.banner, box.Label())

	e.scan(tr[0])
	p := e.parcel(tr[0])
	if p.Status != counter.StatusBoxed || p.ReturnBox != box.Number || p.Cell != "" {
		t.Fatalf("scanned parcel %+v: want boxed in %s", p, box.Number)
	}
	if e.lastTone() != sound.Success {
		t.Fatalf("tone %v", e.lastTone())
	}
	e.bannerSays(s.banner, box.Label())
	e.bannerSays(s.banner, "1 посылка")
	e.scan(tr[1])
	if s.box.Parcels != 2 {
		t.Fatalf("box shows %d parcels, want 2", s.box.Parcels)
	}

	// A parcel within its storage period is refused.
	e.scan(fresh[0])
	if e.lastTone() != sound.Error || s.banner.tone != toneError {
		t.Fatalf("tone %v, want error", e.lastTone())
	}
	e.bannerSays(s.banner, "рано возвращать")
	if p := e.parcel(fresh[0]); p.Status != counter.StatusStored {
		t.Fatalf("refused parcel status %s", p.Status)
	}

	// Undo takes the last one back out.
	e.press(keyUnbox)
	p = e.parcel(tr[1])
	if p.Status != counter.StatusToReturn || p.ReturnBox != "" || p.Cell == "" {
		t.Fatalf("after undo %+v: want to_return on a shelf", p)
	}
	e.bannerSays(s.banner, p.Cell)
	if s.box.Parcels != 1 {
		t.Fatalf("box shows %d parcels after undo", s.box.Parcels)
	}

	// Hand over the box.
	s.courier.SetText("Эрмек")
	test.Tap(s.handB)
	if e.u.modal == nil {
		t.Fatal("hand over must confirm the boxes and the courier")
	}
	if txt := e.modalText(); !strings.Contains(txt, box.Label()) {
		t.Fatalf("confirmation %q must name the box", txt)
	}
	e.press(fyne.KeyReturn)
	if p := e.parcel(tr[0]); p.Status != counter.StatusReturned || p.ReturnAct == "" {
		t.Fatalf("handed parcel %+v: want returned under an act", p)
	}
	act, err := e.svc.ReturnAct(e.ctx, e.parcel(tr[0]).ReturnAct)
	if err != nil || act.Courier != "Эрмек" || len(act.Parcels) != 1 {
		t.Fatalf("act %+v %v", act, err)
	}
	if txt := e.modalText(); !strings.Contains(txt, act.Number) {
		t.Fatalf("the return act is not shown: %q", txt)
	}
	lines := strings.Join(e.u.returnActLines(act, "kgpost"), "\n")
	for _, want := range []string{act.Number, box.Label(), tr[0], "Эрмек"} {
		if !strings.Contains(lines, want) {
			t.Fatalf("act lacks %q:\n%s", want, lines)
		}
	}
	if s.box.Number != "" || len(s.boxes) != 0 {
		t.Fatalf("the handed box is still open on screen: %+v %+v", s.box, s.boxes)
	}
	if e.parcel(tr[1]).Status != counter.StatusToReturn {
		t.Fatal("the parcel taken out must stay waiting for return")
	}
}

func TestReturnsScanBoxLabelSelectsBox(t *testing.T) {
	e := loggedIn(t)
	tr := overdueParcels(t, e, 10, 1)
	s := openReturns(t, e)
	s.setPartner("kgpost")
	e.press(keyOpenBox)
	first := s.box
	e.press(keyOpenBox)
	if s.box.Number == first.Number {
		t.Fatal("F9 must open a second box")
	}
	e.scan(first.Label())
	if s.box.Number != first.Number {
		t.Fatalf("scanning %s selected %s", first.Label(), s.box.Label())
	}
	e.scan(tr[0])
	if p := e.parcel(tr[0]); p.ReturnBox != first.Number {
		t.Fatalf("parcel went into %q, want the scanned box %s", p.ReturnBox, first.Number)
	}
	// From the Counter screen a box label comes here.
	e.press(fyne.KeyF1)
	e.scan(first.Label())
	if e.u.shell.current != "returns" || s.box.Number != first.Number {
		t.Fatal("a box label scanned at the counter must open Returns with that box")
	}
	e.scan("RBOX-999999")
	if e.lastTone() != sound.Error {
		t.Fatal("an unknown box label must be refused")
	}
}

func TestReturnsHandoverNeedsCourier(t *testing.T) {
	e := loggedIn(t)
	tr := overdueParcels(t, e, 10, 1)
	s := openReturns(t, e)
	s.setPartner("kgpost")
	e.press(keyOpenBox)
	e.scan(tr[0])
	test.Tap(s.handB)
	e.press(fyne.KeyReturn)
	if p := e.parcel(tr[0]); p.Status != counter.StatusBoxed {
		t.Fatalf("handed over without a courier: %s", p.Status)
	}
	if e.u.modal == nil || !strings.Contains(e.modalText(), "курьера") {
		t.Fatal("the clerk must be told to enter the courier")
	}
}
