package counter

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// searchFixture is a small point: one parcel of each kind a search box
// must find.
type searchFixture struct {
	stored, expected, issued, boxed Parcel // kgpost parcels
	ozon                            Parcel // expected, with pickup code and order number
	box                             ReturnBox
}

func newSearchFixture(e *env) searchFixture {
	e.t.Helper()
	e.importCSV("kgpost", reportCSV(
		s10(1, "KG")+";;;Иванов Иван;0555 123 456;S;0",
		s10(2, "KG")+";;;Иванова Мария;0700 993 456;S;0",
		s10(3, "KG")+";;;Петров Пётр;0555 773 456;S;0",
		s10(4, "KG")+";;;Сидоров Асан;0555 000 111;S;0"))
	e.importCSV("ozon", reportCSV("ii0000000005;12345678-0001;12345678*1234;Токтогулова Айпери;0555 444 555;S;0"))
	var f searchFixture
	e.clock.Advance(time.Hour)
	f.stored = e.acceptAs(e.owner, s10(1, "KG"), AcceptOptions{})
	issued := e.acceptAs(e.owner, s10(3, "KG"), AcceptOptions{})
	boxed := e.acceptAs(e.owner, s10(4, "KG"), AcceptOptions{})
	e.clock.Advance(time.Hour)
	e.handOver(e.owner, issued, "", "")
	e.handOver(e.owner, boxed, "", "size")
	f.box = must[ReturnBox](e.t)(e.s.OpenReturnBox(e.ctx, e.owner, "kgpost"))
	must[Parcel](e.t)(e.s.AddToReturnBox(e.ctx, e.owner, f.box.Label(), s10(4, "KG")))
	f.issued = must[Parcel](e.t)(e.s.Parcel(e.ctx, issued.ID))
	f.boxed = must[Parcel](e.t)(e.s.Parcel(e.ctx, boxed.ID))
	all := must[[]Parcel](e.t)(queryParcels(e.ctx, e.s.db.R, `ORDER BY p.id`))
	for _, p := range all {
		switch p.Track {
		case s10(2, "KG"):
			f.expected = p
		case "II0000000005":
			f.ozon = p
		}
	}
	return f
}

func tracksOf(ps []Parcel) string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Track)
	}
	return strings.Join(out, " ")
}

func TestSearchFindsEachKindOfQuery(t *testing.T) {
	e := newEnv(t)
	f := newSearchFixture(e)
	clerk := e.clerk("Бакыт", RoleClerk) // searching needs no shift
	for _, c := range []struct {
		query, by string
		want      []Parcel
	}{
		{s10(1, "KG"), SearchTrack, []Parcel{f.stored}},
		{" " + s10(3, "KG") + "\r\n", SearchTrack, []Parcel{f.issued}},
		{"12345678*1234", SearchPickupCode, []Parcel{f.ozon}},
		{"12345678-0001", SearchOrder, []Parcel{f.ozon}},
		{"+996 555 123 456", SearchPhone, []Parcel{f.stored}},
		{"0555123456", SearchPhone, []Parcel{f.stored}}, // national, bare digits: the point is in KG
		{"555123456", SearchPhone, []Parcel{f.stored}},
		// on the shelves first, then the newest: issued after the other was announced
		// the last 4 digits find parcels that have arrived (the full phone finds expected ones too)
		{"3456", SearchPhoneLast4, []Parcel{f.stored, f.issued}},
		{"иван", SearchName, []Parcel{f.stored, f.expected}},
		{"ИВАНОВА", SearchName, []Parcel{f.expected}},
		{"  иванов   иван ", SearchName, []Parcel{f.stored}},
		{"Токтогулова", SearchName, []Parcel{f.ozon}},
		{"CELL-" + f.stored.Cell, SearchCell, []Parcel{f.stored}},
		{f.box.Label(), SearchReturnBox, []Parcel{f.boxed}},
		{"и", SearchNone, nil},      // one letter would list half the shelves
		{"zzz999", SearchNone, nil}, // neither a code we have nor a name
		{"", SearchNone, nil},
	} {
		res, err := e.s.Search(e.ctx, clerk, c.query, 0)
		if err != nil {
			t.Fatalf("search %q: %v", c.query, err)
		}
		if res.By != c.by || tracksOf(res.Parcels) != tracksOf(c.want) {
			t.Errorf("search %q: by %s [%s], want by %s [%s]", c.query, res.By, tracksOf(res.Parcels), c.by, tracksOf(c.want))
		}
	}
	if res := must[SearchResult](t)(e.s.Search(e.ctx, clerk, "3456", 1)); tracksOf(res.Parcels) != f.stored.Track {
		t.Fatalf("limit 1: [%s]", tracksOf(res.Parcels))
	}
	_, err := e.s.Search(e.ctx, nil, s10(1, "KG"), 0)
	expectCode(t, err, ErrForbidden)
}

func TestSearchResultsHavePhonesListsMaskThem(t *testing.T) {
	e := newEnv(t)
	f := newSearchFixture(e)
	res := must[SearchResult](t)(e.s.Search(e.ctx, e.owner, "3456", 0))
	masked := MaskParcels(res.Parcels)
	if len(masked) != 2 {
		t.Fatalf("masked %d parcels", len(masked))
	}
	if res.Parcels[0].RecipientPhone != "+996555123456" {
		t.Fatalf("search result phone %q: the counter needs it full", res.Parcels[0].RecipientPhone)
	}
	for i, p := range masked {
		if p.RecipientPhone == res.Parcels[i].RecipientPhone || !strings.HasSuffix(p.RecipientPhone, "3456") || !strings.Contains(p.RecipientPhone, "•") {
			t.Fatalf("masked phone %q of %q", p.RecipientPhone, res.Parcels[i].RecipientPhone)
		}
		if p.ID != res.Parcels[i].ID || p.RecipientName != res.Parcels[i].RecipientName {
			t.Fatalf("masking changed more than the phone: %+v", p)
		}
	}
	if masked[0].RecipientPhone != "+996•••••3456" || f.stored.RecipientPhone != "+996555123456" {
		t.Fatalf("masked %q, original %q", masked[0].RecipientPhone, f.stored.RecipientPhone)
	}
	if MaskParcels(nil) != nil {
		t.Fatal("nil in, nil out")
	}
}

// Every search must stay on an index at a million parcels: no step of
// the plan may scan the parcels table.
func TestSearchQueriesUseIndexes(t *testing.T) {
	e := newEnv(t)
	scanParcels := regexp.MustCompile(`SCAN (p|parcels)\b`)
	for by, where := range searchWhere {
		args := []any{"x"}
		if by == SearchName {
			args = []any{"ив", "ив\uffff", "ив", "ив\uffff"}
		}
		plan := queryPlan(t, e, parcelSelect+"WHERE "+where+searchOrder, append(args, 10)...)
		if !strings.Contains(plan, "USING INDEX") && !strings.Contains(plan, "USING COVERING INDEX") || scanParcels.MatchString(plan) {
			t.Errorf("search by %s does not use an index:\n%s", by, plan)
		}
	}
}
