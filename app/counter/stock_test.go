package counter

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"smartpoint/app/auth"
	"smartpoint/app/errs"
)

// cdekTrack is a CDEK waybill number (11 digits starting with 1).
func cdekTrack(i int) string { return fmt.Sprintf("1%010d", 500+i) }

// stockPoint is a point 15 days into its life: kgpost (30 days of
// storage) and CDEK (14 days) parcels accepted on day 0 and day 3, one
// refused, one refused and packed in a return box, one issued, two never
// arrived. Today is day 15 at 10:00: the two CDEK parcels of day 0 are
// overdue.
type stockPoint struct {
	*env
	p map[string]Parcel // by track, as accepted
}

func newStockPoint(t *testing.T) *stockPoint {
	e := newEnv(t)
	sp := &stockPoint{env: e, p: map[string]Parcel{}}
	var kg, cd []string
	for i := 1; i <= 6; i++ {
		kg = append(kg, fmt.Sprintf("%s;;;Клиент %d;0555 200 00%d;M;0", s10(i, "KG"), i, i))
	}
	for i := 1; i <= 4; i++ {
		cd = append(cd, fmt.Sprintf("%s;;;Покупатель %d;0700 300 00%d;S;%d", cdekTrack(i), i, i, 100*i))
	}
	e.importCSV("kgpost", reportCSV(kg...))
	e.importCSV("cdek", reportCSV(cd...))
	accept := func(code string) {
		sp.p[code] = e.acceptAs(e.owner, code, AcceptOptions{})
		e.clock.Advance(time.Minute)
	}
	for _, c := range []string{s10(1, "KG"), s10(2, "KG"), s10(3, "KG"), cdekTrack(1), cdekTrack(2)} {
		accept(c) // day 0, 09:00
	}
	e.clock.Set(testStart.AddDate(0, 0, 3))
	for _, c := range []string{s10(4, "KG"), s10(5, "KG"), cdekTrack(3)} {
		accept(c) // day 3, 09:00
	}
	e.clock.Set(testStart.AddDate(0, 0, 15).Add(time.Hour))
	e.handOver(e.owner, sp.p[s10(5, "KG")], PayCash, "")
	e.handOver(e.owner, sp.p[s10(3, "KG")], "", "size")
	e.handOver(e.owner, sp.p[s10(4, "KG")], "", "changed_mind")
	box := must[ReturnBox](t)(e.s.OpenReturnBox(e.ctx, e.owner, "kgpost"))
	must[Parcel](t)(e.s.AddToReturnBox(e.ctx, e.owner, box.Label(), s10(4, "KG")))
	for code := range sp.p {
		sp.p[code] = must[Parcel](t)(e.s.Parcel(e.ctx, sp.p[code].ID))
	}
	return sp
}

// tracks lists a page's tracks in page order.
func tracks(ps []Parcel) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Track)
	}
	return out
}

// all reads every row of f in one page and checks the count agrees.
func (sp *stockPoint) all(f StockFilter) []string {
	sp.t.Helper()
	n, err := sp.s.StockCount(sp.ctx, sp.owner, f)
	if err != nil {
		sp.t.Fatalf("count %+v: %v", f, err)
	}
	ps, err := sp.s.StockPage(sp.ctx, sp.owner, f, 0, StockPageMax)
	if err != nil {
		sp.t.Fatalf("page %+v: %v", f, err)
	}
	if n != len(ps) {
		sp.t.Fatalf("%+v: count %d, but the pages hold %d rows", f, n, len(ps))
	}
	return tracks(ps)
}

func TestStockListsParcelsAtThePointOldestFirst(t *testing.T) {
	sp := newStockPoint(t)
	k := func(i int) string { return s10(i, "KG") }
	// Issued (kg5) and never arrived (kg6, cdek4) are not at the point;
	// the boxed kg4 still is, until the courier takes the box.
	want := []string{k(1), k(2), k(3), cdekTrack(1), cdekTrack(2), k(4), cdekTrack(3)}
	if got := sp.all(StockFilter{}); !slices.Equal(got, want) {
		t.Fatalf("stock %v\nwant  %v", got, want)
	}
	for _, c := range []struct {
		name string
		f    StockFilter
		want []string
	}{
		{"partner", StockFilter{Partner: "cdek"}, []string{cdekTrack(1), cdekTrack(2), cdekTrack(3)}},
		{"partner typed in capitals", StockFilter{Partner: " KGPOST "}, []string{k(1), k(2), k(3), k(4)}},
		{"stored", StockFilter{Status: StatusStored}, []string{k(1), k(2), cdekTrack(1), cdekTrack(2), cdekTrack(3)}},
		{"to return", StockFilter{Status: StatusToReturn}, []string{k(3)}},
		{"boxed", StockFilter{Status: StatusBoxed}, []string{k(4)}},
		{"overdue: CDEK keeps 14 days", StockFilter{Overdue: true}, []string{cdekTrack(1), cdekTrack(2)}},
		{"overdue kgpost: 30 days", StockFilter{Overdue: true, Partner: "kgpost"}, nil},
		{"accepted 13+ days ago", StockFilter{MinAgeDays: 13}, []string{k(1), k(2), k(3), cdekTrack(1), cdekTrack(2)}},
		{"accepted 12+ days ago (day 3 is 12 days ago)", StockFilter{MinAgeDays: 12}, want},
		{"accepted 16+ days ago", StockFilter{MinAgeDays: 16}, nil},
		{"combined", StockFilter{Partner: "kgpost", Status: StatusStored, MinAgeDays: 10}, []string{k(1), k(2)}},
	} {
		if got := sp.all(c.f); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestStockCellFilter(t *testing.T) {
	sp := newStockPoint(t)
	target := sp.p[cdekTrack(1)]
	var inCell, inRack []string
	rack, _, _ := strings.Cut(target.Cell, "-")
	for _, p := range sp.all(StockFilter{}) {
		q := sp.p[p]
		if q.Cell == target.Cell {
			inCell = append(inCell, p)
		}
		if strings.HasPrefix(q.Cell, rack+"-") {
			inRack = append(inRack, p)
		}
	}
	for _, label := range []string{target.Cell, strings.ToLower(target.Cell), "CELL-" + target.Cell} {
		if got := sp.all(StockFilter{Cell: label}); !slices.Equal(got, inCell) {
			t.Errorf("cell %q: %v, want %v", label, got, inCell)
		}
	}
	if got := sp.all(StockFilter{Cell: rack + "-"}); !slices.Equal(got, inRack) || len(inRack) == 0 {
		t.Errorf("rack %s-: %v, want %v", rack, got, inRack)
	}
	// The boxed parcel has no cell: a cell filter never shows it.
	if got := sp.all(StockFilter{Cell: rack + "-", Status: StatusBoxed}); len(got) != 0 {
		t.Errorf("boxed parcels in rack %s: %v", rack, got)
	}
	for _, bad := range []string{"Z-9-99", "Z-"} {
		_, err := sp.s.StockCount(sp.ctx, sp.owner, StockFilter{Cell: bad})
		expectCode(t, err, ErrCellUnknown)
		_, err = sp.s.StockPage(sp.ctx, sp.owner, StockFilter{Cell: bad}, 0, 10)
		expectCode(t, err, ErrCellUnknown)
	}
}

func TestStockOverdueFollowsTheDeadline(t *testing.T) {
	sp := newStockPoint(t)
	late := sp.p[cdekTrack(3)] // accepted day 3, CDEK: due day 17 at 09:07
	if got := sp.all(StockFilter{Overdue: true}); slices.Contains(got, late.Track) {
		t.Fatalf("%s overdue before its deadline %v", late.Track, late.DeadlineAt)
	}
	sp.clock.Set(late.DeadlineAt)
	if got := sp.all(StockFilter{Overdue: true}); slices.Contains(got, late.Track) {
		t.Fatalf("%s overdue at its deadline", late.Track)
	}
	sp.clock.Set(late.DeadlineAt.Add(time.Millisecond))
	got := sp.all(StockFilter{Overdue: true})
	if !slices.Equal(got, []string{cdekTrack(1), cdekTrack(2), late.Track}) {
		t.Fatalf("just after the deadline: %v", got)
	}
	for _, tr := range got {
		if p := sp.p[tr]; !p.Overdue(sp.clock.Now()) {
			t.Errorf("%s listed as overdue but Parcel.Overdue says no", tr)
		}
	}
	// Expired parcels are to_return now, no longer "overdue on the shelf".
	if n := must[int](t)(sp.s.ExpireOverdue(sp.ctx, sp.owner)); n != 3 {
		t.Fatalf("expired %d", n)
	}
	if got := sp.all(StockFilter{Overdue: true}); len(got) != 0 {
		t.Fatalf("overdue after expiry: %v", got)
	}
	if got := sp.all(StockFilter{Status: StatusToReturn, Partner: "cdek"}); len(got) != 3 {
		t.Fatalf("expired CDEK parcels to return: %v", got)
	}
}

func TestStockAgeCountsThePointsCalendarDays(t *testing.T) {
	sp := newStockPoint(t)
	// Day 3's parcels were accepted at 09:00 UTC on Nov 23. At 23:30 UTC on
	// Dec 4 they are 11 days old in London, but it is already Dec 5 in
	// Bishkek (UTC+6): 12 days.
	sp.clock.Set(time.Date(2026, 12, 4, 23, 30, 0, 0, time.UTC))
	bishkek, err := New(sp.ctx, sp.db, Options{Clock: sp.clock, PINParams: auth.Fast, Location: time.FixedZone("KGT", 6*3600)})
	if err != nil {
		t.Fatal(err)
	}
	f := StockFilter{MinAgeDays: 12}
	utc := must[int](t)(sp.s.StockCount(sp.ctx, sp.owner, f))
	kgt := must[int](t)(bishkek.StockCount(sp.ctx, sp.owner, f))
	if utc != 5 || kgt != 7 {
		t.Fatalf("12+ days old: %d in UTC, %d in Bishkek; want 5 and 7", utc, kgt)
	}
}

func TestStockPagesAreStableAndDoNotOverlap(t *testing.T) {
	e := newEnv(t)
	const n = 45
	var rows []string
	for i := 1; i <= n; i++ {
		rows = append(rows, fmt.Sprintf("%s;;;Клиент %d;0555 400 %03d;S;0", s10(100+i, "KG"), i, i))
	}
	e.importCSV("kgpost", reportCSV(rows...))
	// Accept in a scrambled order, several in the same millisecond: the
	// order is by acceptance time, then id.
	for i := range n {
		j := (i*7)%n + 1
		e.acceptAs(e.owner, s10(100+j, "KG"), AcceptOptions{})
		if i%3 == 2 {
			e.clock.Advance(time.Second)
		}
	}
	total := must[int](t)(e.s.StockCount(e.ctx, e.owner, StockFilter{}))
	if total != n {
		t.Fatalf("count %d, want %d", total, n)
	}
	var paged []Parcel
	for off := 0; off < total+10; off += 10 {
		page := must[[]Parcel](t)(e.s.StockPage(e.ctx, e.owner, StockFilter{}, off, 10))
		again := must[[]Parcel](t)(e.s.StockPage(e.ctx, e.owner, StockFilter{}, off, 10))
		if !slices.Equal(tracks(page), tracks(again)) {
			t.Fatalf("page at %d changed between two reads:\n%v\n%v", off, tracks(page), tracks(again))
		}
		if want := max(0, min(10, total-off)); len(page) != want {
			t.Fatalf("page at %d holds %d rows, want %d", off, len(page), want)
		}
		paged = append(paged, page...)
	}
	seen := map[int64]bool{}
	for i, p := range paged {
		if seen[p.ID] {
			t.Fatalf("%s appears on two pages", p.Track)
		}
		seen[p.ID] = true
		if i > 0 {
			prev := paged[i-1]
			if p.AcceptedAt.Before(prev.AcceptedAt) || p.AcceptedAt.Equal(prev.AcceptedAt) && p.ID < prev.ID {
				t.Fatalf("row %d (%s, %v) sorts before row %d (%s, %v)", i, p.Track, p.AcceptedAt, i-1, prev.Track, prev.AcceptedAt)
			}
		}
	}
	if len(paged) != total {
		t.Fatalf("pages hold %d rows, count says %d", len(paged), total)
	}
	// A page size of 0 is the default; more than the maximum is capped;
	// a negative offset is the first page.
	if got := must[[]Parcel](t)(e.s.StockPage(e.ctx, e.owner, StockFilter{}, -5, 0)); len(got) != n || got[0].ID != paged[0].ID {
		t.Fatalf("default page: %d rows", len(got))
	}
}

func TestStockMasksPhonesAndNeedsALogin(t *testing.T) {
	sp := newStockPoint(t)
	ps := must[[]Parcel](t)(sp.s.StockPage(sp.ctx, sp.owner, StockFilter{}, 0, 50))
	for _, p := range ps {
		if p.RecipientPhone == "" {
			t.Fatalf("%s lost its phone", p.Track)
		}
		if !strings.Contains(p.RecipientPhone, "•") || strings.Contains(p.RecipientPhone, "555200") || strings.Contains(p.RecipientPhone, "700300") {
			t.Fatalf("%s: phone %q is not masked", p.Track, p.RecipientPhone)
		}
	}
	// Any clerk may look; nobody logged out may.
	clerk := sp.clerk("Бекзат", RoleClerk)
	if n := must[int](t)(sp.s.StockCount(sp.ctx, clerk, StockFilter{})); n != 7 {
		t.Fatalf("clerk sees %d parcels", n)
	}
	_, err := sp.s.StockCount(sp.ctx, nil, StockFilter{})
	expectCode(t, err, ErrForbidden)
	_, err = sp.s.StockPage(sp.ctx, nil, StockFilter{}, 0, 10)
	expectCode(t, err, ErrForbidden)
}

func TestStockRefusesUnknownFilters(t *testing.T) {
	sp := newStockPoint(t)
	for _, c := range []struct {
		f    StockFilter
		code errs.Code
	}{
		{StockFilter{Partner: "nosuch"}, ErrPartner},
		{StockFilter{Status: StatusIssued}, ErrInvalid}, // not at the point: the history is Search and Timeline
		{StockFilter{Status: "lost"}, ErrInvalid},
		{StockFilter{MinAgeDays: -1}, ErrInvalid},
	} {
		_, err := sp.s.StockCount(sp.ctx, sp.owner, c.f)
		expectCode(t, err, c.code)
		_, err = sp.s.StockPage(sp.ctx, sp.owner, c.f, 0, 10)
		expectCode(t, err, c.code)
	}
}

// The page query reads its rows from a stock index in order: no sort of
// the whole stock, whatever the filter.
func TestStockQueriesUseTheStockIndexes(t *testing.T) {
	sp := newStockPoint(t)
	for _, c := range []struct {
		f     StockFilter
		index string
	}{
		{StockFilter{}, "parcels_stock"},
		{StockFilter{Status: StatusStored, MinAgeDays: 3, Overdue: true}, "parcels_stock"},
		{StockFilter{Partner: "cdek"}, "parcels_stock_partner"},
		{StockFilter{Partner: "cdek", Status: StatusToReturn}, "parcels_stock_partner"},
	} {
		where, args, err := sp.s.stockWhere(sp.ctx, c.f)
		if err != nil {
			t.Fatal(err)
		}
		plan := queryPlan(t, sp.env, `SELECT s.id FROM parcels AS s WHERE `+where+` ORDER BY s.accepted_at, s.id LIMIT 200 OFFSET 0`, args...)
		if !regexp.MustCompile(`USING COVERING INDEX ` + c.index + `\b`).MatchString(plan) {
			t.Errorf("%+v: plan does not read %s alone:\n%s", c.f, c.index, plan)
		}
		if strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("%+v: plan sorts:\n%s", c.f, plan)
		}
	}
}
