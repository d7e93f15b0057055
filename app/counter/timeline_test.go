package counter

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestTimelineShowsEveryStepWhoAndWhen(t *testing.T) {
	e := newEnv(t)
	tr := s10(1, "KG")
	imp := e.importCSV("kgpost", reportCSV(tr+";;;Асель;0555100001;S;150"))
	shift1 := e.owner.ShiftID()

	e.clock.Advance(time.Hour)
	p := e.acceptAs(e.owner, tr, AcceptOptions{})
	e.clock.Advance(time.Minute)
	e.acceptAs(e.owner, tr, AcceptOptions{}) // scanned again by mistake: still on record
	e.clock.Advance(time.Minute)
	moved := must[Parcel](t)(e.s.MoveParcel(e.ctx, e.owner, tr, "CELL-B-2-05"))
	must[Report](t)(e.s.CloseShift(e.ctx, e.owner))

	bakyt := e.clerk("Бакыт", RoleClerk)
	shift2 := must[Shift](t)(e.s.OpenShift(e.ctx, bakyt)).ID
	e.clock.Advance(24 * time.Hour)
	h := e.handOver(bakyt, moved, PayCash, "")

	tl := must[Timeline](t)(e.s.Timeline(e.ctx, bakyt, " "+strings.ToLower(tr)+"\n"))
	if tl.Parcel.ID != p.ID || tl.Parcel.Status != StatusIssued {
		t.Fatalf("timeline of %+v", tl.Parcel)
	}
	var got []string
	for _, en := range tl.Entries {
		got = append(got, fmt.Sprintf("%s %s %s shift=%d", en.At.Format("01-02 15:04"), en.Kind, en.Clerk, en.ShiftID))
	}
	want := []string{
		fmt.Sprintf("11-20 09:00 %s Айгуль shift=%d", EvManifestImported, shift1),
		fmt.Sprintf("11-20 10:00 %s Айгуль shift=%d", EvParcelAccepted, shift1),
		fmt.Sprintf("11-20 10:01 %s Айгуль shift=%d", EvParcelDuplicate, shift1),
		fmt.Sprintf("11-20 10:02 %s Айгуль shift=%d", EvParcelMoved, shift1),
		fmt.Sprintf("11-21 10:02 %s Бакыт shift=%d", EvParcelIssued, shift2),
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("timeline:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	m := tl.Entries[0].Details
	if m["filename"] != "test.csv" || m["number"] != imp.Number || fmt.Sprint(m["manifest_id"]) != fmt.Sprint(imp.ManifestID) || fmt.Sprint(m["rows"]) != "1" {
		t.Fatalf("manifest entry %+v", m)
	}
	if d := tl.Entries[1].Details; d["cell"] != p.Cell || d["track"] != tr {
		t.Fatalf("acceptance details %+v, parcel went to %s", d, p.Cell)
	}
	if d := tl.Entries[4].Details; d["handover"] != h.Number || fmt.Sprint(d["cod"]) != "15000" || d["pay_method"] != PayCash {
		t.Fatalf("issue details %+v", d)
	}
	byID := must[Timeline](t)(e.s.ParcelTimeline(e.ctx, e.owner, p.ID))
	if len(byID.Entries) != len(tl.Entries) {
		t.Fatalf("by id: %d entries, by track %d", len(byID.Entries), len(tl.Entries))
	}
}

func TestTimelineOfUnannouncedParcelStartsAtAcceptance(t *testing.T) {
	e := newEnv(t)
	tr := s10(7, "KG")
	e.acceptAs(e.owner, tr, AcceptOptions{Damaged: true, DamageNote: "вскрыта"})
	tl := must[Timeline](t)(e.s.Timeline(e.ctx, e.owner, tr))
	if len(tl.Entries) != 1 || tl.Entries[0].Kind != EvParcelAccepted || tl.Entries[0].Details["damaged"] != true ||
		tl.Entries[0].Details["damage_note"] != "вскрыта" || tl.Entries[0].Details["unexpected"] != true {
		t.Fatalf("entries %+v", tl.Entries)
	}
}

func TestTimelineNeedsOneParcel(t *testing.T) {
	e := newEnv(t)
	// no rule tells whose this code is, and both partners announced it
	shared := "ZX555001"
	e.importCSV("cdek", reportCSV(shared+";;;Асель;0555100001;S;0"))
	e.importCSV("dhl", reportCSV(shared+";;;Бекзат;0555100002;S;0"))

	_, err := e.s.Timeline(e.ctx, e.owner, shared)
	expectCode(t, err, ErrAmbiguous)
	_, err = e.s.Timeline(e.ctx, e.owner, s10(99, "KG"))
	expectCode(t, err, ErrNotFound)
	_, err = e.s.Timeline(e.ctx, e.owner, "CELL-A-1-01")
	expectCode(t, err, ErrWrongKind)
	_, err = e.s.Timeline(e.ctx, nil, shared)
	expectCode(t, err, ErrForbidden)

	// Picked from a search result, each one opens by id.
	res := must[SearchResult](t)(e.s.Search(e.ctx, e.owner, shared, 0))
	if len(res.Parcels) != 2 {
		t.Fatalf("search %q found %d", shared, len(res.Parcels))
	}
	for _, p := range res.Parcels {
		tl := must[Timeline](t)(e.s.ParcelTimeline(e.ctx, e.owner, p.ID))
		if len(tl.Entries) != 1 || tl.Entries[0].Kind != EvManifestImported || tl.Entries[0].Details["partner"] != p.Partner {
			t.Fatalf("timeline of %s's parcel: %+v", p.Partner, tl.Entries)
		}
	}
}

// A corrected manifest file rewrites the manifests row; the timeline
// still shows when each version came in, and only those that could have
// touched the parcel before it arrived.
func TestTimelineShowsCorrectedManifestImports(t *testing.T) {
	e := newEnv(t)
	a, b := s10(5, "KG"), s10(6, "KG")
	doc := func(cod int) string {
		return fmt.Sprintf(`{"manifest":"M-77","parcels":[{"track":%q,"name":"Асель","cod":%d},{"track":%q,"name":"Бекзат","cod":%d}]}`, a, cod, b, cod)
	}
	importDoc := func(body string) {
		if _, err := e.s.ImportManifest(e.ctx, e.owner, strings.NewReader(body), ImportOptions{Partner: "kgpost", Filename: "m77.json"}); err != nil {
			t.Fatal(err)
		}
	}
	importDoc(doc(100)) // 09:00
	e.clock.Advance(time.Hour)
	e.acceptAs(e.owner, a, AcceptOptions{}) // 10:00
	e.clock.Advance(time.Hour)
	importDoc(doc(120)) // 11:00: the partner corrected the amounts
	e.clock.Advance(time.Hour)
	e.acceptAs(e.owner, b, AcceptOptions{}) // 12:00

	steps := func(track string) string {
		tl := must[Timeline](t)(e.s.Timeline(e.ctx, e.owner, track))
		var out []string
		for _, en := range tl.Entries {
			out = append(out, en.At.Format("15:04")+" "+en.Kind)
		}
		return strings.Join(out, ", ")
	}
	if got, want := steps(a), "09:00 manifest.imported, 10:00 parcel.accepted"; got != want {
		t.Errorf("arrived before the correction:\n got %s\nwant %s", got, want)
	}
	if got, want := steps(b), "09:00 manifest.imported, 11:00 manifest.imported, 12:00 parcel.accepted"; got != want {
		t.Errorf("arrived after the correction:\n got %s\nwant %s", got, want)
	}
}
