package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"smartpoint/device/sound"
)

// resultText is what the results list shows in row i.
func (s *searchScreen) resultText(i int) string {
	o := s.list.CreateItem()
	s.list.UpdateItem(i, o)
	var parts []string
	for _, l := range o.(*fyne.Container).Objects {
		parts = append(parts, l.(*widget.Label).Text)
	}
	return strings.Join(parts, " | ")
}

// timelineText is the whole history panel as text.
func (s *searchScreen) timelineText() string {
	var b strings.Builder
	b.WriteString(s.head.Text + "\n")
	for _, e := range s.tl.Entries {
		head, details := s.entryLine(e)
		b.WriteString(head + " " + details + "\n")
	}
	return b.String()
}

func TestSearchByTrackShowsTimelineWithClerk(t *testing.T) {
	e := loggedIn(t)
	tr := e.stockParcels(10, 0, 0)
	// Issue the first parcel through the window.
	e.scan("12345678*4321")
	e.scan(tr[0])
	e.press(keyIssue)

	e.press(fyne.KeyF6)
	s := e.screen("search").(*searchScreen)
	e.scan(tr[0])
	if len(s.results) != 1 || s.results[0].Track != tr[0] {
		t.Fatalf("results %+v", s.results)
	}
	if !strings.Contains(s.found.Text, "1") || !strings.Contains(s.found.Text, "по треку") {
		t.Fatalf("found label %q", s.found.Text)
	}
	if e.lastTone() != sound.Success {
		t.Fatal("found: success sound")
	}
	if s.sel != 0 {
		t.Fatal("the first result must be selected")
	}
	tl := s.timelineText()
	for _, want := range []string{"Манифест загружен", "Принята на хранение", "Выдана клиенту", "Айгуль", tr[0]} {
		if !strings.Contains(tl, want) {
			t.Fatalf("timeline lacks %q:\n%s", want, tl)
		}
	}
	if len(s.events.Objects) != len(s.tl.Entries) || len(s.tl.Entries) < 3 {
		t.Fatalf("%d entries shown of %d", len(s.events.Objects), len(s.tl.Entries))
	}
	if strings.Contains(tl, "555000111") {
		t.Fatalf("the timeline header shows the full phone:\n%s", tl)
	}
}

func TestSearchByLast4DigitsMasksPhones(t *testing.T) {
	e := loggedIn(t)
	tr := e.stockParcels(10, 0, 0)
	e.acceptFor("Бакыт", "0700 111 222", "87654321*1111", 20)
	e.press(fyne.KeyF6)
	s := e.screen("search").(*searchScreen)
	e.typeSlow("0111")
	e.press(fyne.KeyReturn)
	if len(s.results) != 2 {
		t.Fatalf("%d results for the last 4 digits, want 2", len(s.results))
	}
	if !strings.Contains(s.found.Text, "4 цифрам") {
		t.Fatalf("found label %q", s.found.Text)
	}
	for i := range s.results {
		row := s.resultText(i)
		if strings.Contains(row, "555000") || !strings.Contains(row, "•") || !strings.Contains(row, "0111") {
			t.Fatalf("row %d %q: want a masked phone", i, row)
		}
	}
	// F9 steps to the next result and shows its timeline.
	first := s.tl.Parcel.Track
	e.press(keySearchNext)
	if s.sel != 1 || s.tl.Parcel.Track == first {
		t.Fatalf("F9: selection %d, timeline of %s", s.sel, s.tl.Parcel.Track)
	}
	found := map[string]bool{}
	for _, p := range s.results {
		found[p.Track] = true
	}
	if !found[tr[0]] || !found[tr[1]] {
		t.Fatalf("results %v, want %v", found, tr)
	}
}

func TestNameTypedAtCounterSearchesByPrefix(t *testing.T) {
	e := loggedIn(t)
	e.stockParcels(10, 0)
	other := e.acceptFor("Бакыт Асанов", "0700 111 222", "87654321*1111", 20)
	e.typeSlow("бакы")
	e.press(fyne.KeyReturn)
	if e.u.shell.current != "search" {
		t.Fatalf("a typed name must open Search, on %q", e.u.shell.current)
	}
	s := e.screen("search").(*searchScreen)
	if len(s.results) != 1 || s.results[0].Track != other[0] {
		t.Fatalf("results %+v", s.results)
	}
	if !strings.Contains(s.resultText(0), "Бакыт Асанов") {
		t.Fatalf("row %q", s.resultText(0))
	}
}

func TestSearchNothingFoundWarns(t *testing.T) {
	e := loggedIn(t)
	e.stockParcels(10, 0)
	e.press(fyne.KeyF6)
	s := e.screen("search").(*searchScreen)
	e.typeSlow("Зарина")
	e.press(fyne.KeyReturn)
	if len(s.results) != 0 || s.banner.tone != toneWarn {
		t.Fatalf("results %d, tone %v", len(s.results), s.banner.tone)
	}
	e.bannerSays(s.banner, "ничего не найдено")
	e.bannerSays(s.banner, "последние 4 цифры")
	if e.lastTone() != sound.Warning {
		t.Fatal("nothing found: warning sound")
	}
}
