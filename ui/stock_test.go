package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/counter"
	"smartpoint/device/sound"
)

// stockScreenOf opens Stock with F5.
func stockScreenOf(e *env) *stockScreen {
	e.t.Helper()
	e.press(fyne.KeyF5)
	if e.u.shell.current != "stock" {
		e.t.Fatalf("F5 opened %q", e.u.shell.current)
	}
	return e.screen("stock").(*stockScreen)
}

// cellText is what the table shows in row, column key.
func (s *stockScreen) cellText(row int, key string) string {
	for col, c := range stockColumns {
		if c.key == key {
			l := canvas.NewText("", nil)
			l.TextSize = 14
			s.fillCell(widget.TableCellID{Row: row, Col: col}, l)
			return l.Text
		}
	}
	panic("no column " + key)
}

// acceptFor imports and accepts parcels for another customer.
func (e *env) acceptFor(name, phone, code string, serials ...int) []string {
	e.t.Helper()
	var rows, tracks []string
	for _, n := range serials {
		tr := s10(n)
		tracks = append(tracks, tr)
		rows = append(rows, tr+";"+name+";"+phone+";S;0;"+code)
	}
	e.importCSV(rows...)
	sess, err := e.svc.Login(e.ctx, "Айгуль", ownerPIN)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, tr := range tracks {
		if _, err := e.svc.Accept(e.ctx, sess, 0, tr, counter.AcceptOptions{}); err != nil {
			e.t.Fatal(err)
		}
	}
	return tracks
}

func TestStockListsParcelsWithMaskedPhonesAndFilters(t *testing.T) {
	e := loggedIn(t)
	mine := e.stockParcels(10, 0, 1500)
	other := e.acceptFor("Бакыт", "0700 111 222", "87654321*1111", 20)
	s := stockScreenOf(e)

	if s.count != 3 {
		t.Fatalf("table rows = %d, want 3", s.count)
	}
	if got := s.countL.Text; !strings.Contains(got, "3") {
		t.Fatalf("count label %q", got)
	}
	if got := s.cellText(0, "track"); got != mine[0] {
		t.Fatalf("first row track %q, want the oldest %s", got, mine[0])
	}
	rec := s.cellText(0, "recipient")
	if !strings.Contains(rec, "Жылдыз") || !strings.Contains(rec, "•") || strings.Contains(rec, "555000") {
		t.Fatalf("recipient column %q: want the name and a masked phone", rec)
	}
	if got := s.cellText(1, "cod"); !strings.Contains(got, "1") {
		t.Fatalf("COD column %q", got)
	}
	if got := s.cellText(0, "status"); got != "на хранении" {
		t.Fatalf("status column %q", got)
	}

	// A scanned cell label filters the table to that cell.
	cell := e.parcel(other[0]).Cell
	e.scan("CELL-" + cell)
	if s.count != 1 || s.cellText(0, "track") != other[0] {
		t.Fatalf("after scanning cell %s: %d rows", cell, s.count)
	}
	if s.cellE.Text != cell {
		t.Fatalf("cell filter field shows %q", s.cellE.Text)
	}
	e.bannerSays(s.banner, cell)
	if e.lastTone() != sound.Success {
		t.Fatal("a cell scan must sound")
	}

	// A rack typed in the field is a prefix.
	rack := cell[:1]
	s.cellE.SetText(rack)
	s.cellE.OnEnter(rack)
	if s.filter.Cell != rack+"-" || s.count < 1 {
		t.Fatalf("rack filter %q: %d rows", s.filter.Cell, s.count)
	}

	// Escape clears the filters.
	e.press(fyne.KeyEscape)
	if s.count != 3 || s.cellE.Text != "" || e.u.shell.current != "stock" {
		t.Fatalf("Escape: %d rows, cell %q, on %s", s.count, s.cellE.Text, e.u.shell.current)
	}

	// Partner and status selects.
	s.statusS.SetSelectedIndex(2) // to_return
	if s.count != 0 {
		t.Fatalf("to_return filter: %d rows", s.count)
	}
	s.statusS.SetSelectedIndex(0)
	var kgpost int
	for i, p := range s.partners {
		if p.Code == "kgpost" {
			kgpost = i + 1
		}
	}
	if kgpost == 0 {
		t.Fatal("kgpost missing from the partner select")
	}
	s.partnerS.SetSelectedIndex(kgpost)
	if s.count != 3 || s.filter.Partner != "kgpost" {
		t.Fatalf("partner filter: %d rows, %+v", s.count, s.filter)
	}
	e.press(keyStockReset)
	if s.filter != (counter.StockFilter{}) {
		t.Fatalf("F10 left filter %+v", s.filter)
	}
}

func TestStockOverdueAndAgeFilters(t *testing.T) {
	e := loggedIn(t)
	old := e.stockParcels(10, 0)
	e.clock.Advance(40 * 24 * time.Hour)
	fresh := e.acceptFor("Бакыт", "0700 111 222", "87654321*1111", 20)
	s := stockScreenOf(e)
	if s.count != 2 {
		t.Fatalf("%d rows", s.count)
	}
	if got := s.cellText(0, "deadline"); !strings.HasPrefix(got, "⚠") {
		t.Fatalf("overdue deadline shown as %q, want the ⚠ marker", got)
	}
	if got := s.cellText(1, "deadline"); strings.Contains(got, "⚠") {
		t.Fatalf("fresh parcel's deadline %q marked overdue", got)
	}
	test.Tap(s.overdueC)
	if s.count != 1 || s.cellText(0, "track") != old[0] {
		t.Fatalf("overdue only: %d rows", s.count)
	}
	test.Tap(s.overdueC)
	s.ageE.SetText("10")
	s.ageE.OnEnter("10")
	if s.count != 1 || s.cellText(0, "track") != old[0] {
		t.Fatalf("age ≥ 10 days: %d rows", s.count)
	}
	s.ageE.SetText("x")
	s.ageE.OnEnter("x")
	e.bannerSays(s.banner, "не число")
	s.ageE.SetText("")
	if s.count != 2 {
		t.Fatalf("age cleared: %d rows", s.count)
	}
	_ = fresh
}

func TestStockScanParcelJumpsToItsRow(t *testing.T) {
	e := loggedIn(t)
	mine := e.stockParcels(10, 0, 0, 0)
	other := e.acceptFor("Бакыт", "0700 111 222", "87654321*1111", 20)
	s := stockScreenOf(e)

	e.scan(mine[2])
	e.bannerSays(s.banner, "строка 3")
	e.bannerSays(s.banner, e.parcel(mine[2]).Cell)
	if e.lastTone() != sound.Success {
		t.Fatal("found: success sound")
	}

	e.scan("CELL-" + e.parcel(mine[0]).Cell)
	e.scan(other[0])
	e.bannerSays(s.banner, "не входит в текущий фильтр")
	if e.lastTone() != sound.Warning {
		t.Fatal("outside the filter: warning sound")
	}

	e.scan(s10(777))
	e.bannerSays(s.banner, "не найдена")
}

func TestStockCellMapTogglesAndFilters(t *testing.T) {
	e := loggedIn(t)
	mine := e.stockParcels(10, 0, 0, 0) // one cell, full (capacity 3)
	s := stockScreenOf(e)
	e.press(keyStockMap)
	if !s.mapOn || !s.mapView.Visible() || s.tableView.Visible() {
		t.Fatal("F9 must show the cell map")
	}
	if len(s.cells) != 20 {
		t.Fatalf("map shows %d cells, want 20", len(s.cells))
	}
	cell := e.parcel(mine[0]).Cell
	idx := -1
	for i, c := range s.cells {
		if c.Label == cell {
			idx = i
			if fillOf(c) != fillFull {
				t.Fatalf("cell %s %d/%d not full", c.Label, c.Occupied, c.Capacity)
			}
		} else if fillOf(c) != fillEmpty {
			t.Fatalf("cell %s %d/%d not empty", c.Label, c.Occupied, c.Capacity)
		}
	}
	item := s.grid.CreateItem()
	s.grid.UpdateItem(idx, item)
	s.grid.Select(idx)
	if s.mapOn || s.filter.Cell != cell || s.count != 3 {
		t.Fatalf("tapping %s on the map: map %v, filter %+v, %d rows", cell, s.mapOn, s.filter, s.count)
	}
	e.press(keyStockMap)
	e.press(keyStockMap)
	if s.mapOn {
		t.Fatal("F9 again must show the table")
	}
}

func TestPageCacheKeepsRecentPages(t *testing.T) {
	var loads []int
	c := newPageCache(10, 3, func(offset, limit int) ([]counter.Parcel, error) {
		loads = append(loads, offset)
		var out []counter.Parcel
		for i := offset; i < min(offset+limit, 95); i++ {
			out = append(out, counter.Parcel{Track: fmt.Sprint(i)})
		}
		return out, nil
	})
	for _, i := range []int{0, 5, 15, 25, 3, 35, 19, 94} {
		p, err := c.row(i)
		if err != nil || p == nil || p.Track != fmt.Sprint(i) {
			t.Fatalf("row %d: %+v %v", i, p, err)
		}
	}
	// pages 0,1,2 read; 0 reused (most recent); 3 evicts 1; 1 read again evicts 2; 9 evicts 0.
	if want := []int{0, 10, 20, 30, 10, 90}; fmt.Sprint(loads) != fmt.Sprint(want) {
		t.Fatalf("pages read at %v, want %v", loads, want)
	}
	if len(c.pages) != 3 {
		t.Fatalf("%d pages kept", len(c.pages))
	}
	if p, _ := c.row(95); p != nil {
		t.Fatal("row past the end must be nil")
	}
	c.reset()
	if c.peek(94) != nil {
		t.Fatal("reset kept rows")
	}
}
