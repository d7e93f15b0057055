package counter

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"smartpoint/app/errs"
	"smartpoint/app/manifest"
	"smartpoint/app/store"
)

func countParcels(e *env) (n int) {
	e.db.R.QueryRow(`SELECT count(*) FROM parcels`).Scan(&n)
	return n
}

func TestImportWindows1251AndReimportIsIdempotent(t *testing.T) {
	e := newEnv(t)
	csv := manifestCSV(s10(1, "KG")+";Сергеев Пётр;0555 111 222;M;1 234,50;", s10(2, "KG")+";Ёлкина Анна;;S;0;")
	cp, _ := charmap.Windows1251.NewEncoder().String(csv)
	res := must[ImportResult](t)(e.s.ImportManifest(e.ctx, e.owner, strings.NewReader(cp), ImportOptions{Partner: "kgpost", Filename: "m.csv"}))
	if res.Saved != 2 || res.Encoding != "windows-1251" || res.AlreadyImported {
		t.Fatalf("first import %+v", res)
	}
	p := must[[]Parcel](t)(queryParcels(e.ctx, e.db.R, `WHERE p.track=?`, s10(1, "KG")))[0]
	if p.RecipientName != "Сергеев Пётр" || p.CODAmount != 123450 || p.Status != StatusExpected || p.RecipientPhone != "+996555111222" {
		t.Fatalf("parcel %+v", p)
	}
	var events int
	e.db.R.QueryRow(`SELECT count(*) FROM events`).Scan(&events)
	again := must[ImportResult](t)(e.s.ImportManifest(e.ctx, e.owner, strings.NewReader(cp), ImportOptions{Partner: "kgpost"}))
	var events2 int
	e.db.R.QueryRow(`SELECT count(*) FROM events`).Scan(&events2)
	if !again.AlreadyImported || again.ManifestID != res.ManifestID || events2 != events || countParcels(e) != 2 {
		t.Fatalf("re-import changed something: %+v events %d→%d", again, events, events2)
	}
}

func TestImportCorrectedManifestUpdatesOnlyWhatHasNotArrived(t *testing.T) {
	e := newEnv(t)
	a, b := s10(5, "KG"), s10(6, "KG")
	doc := func(name string) string {
		return fmt.Sprintf(`{"manifest":"M-77","parcels":[{"track":%q,"name":%q},{"track":%q,"name":%q}]}`, a, name, b, name)
	}
	first := must[ImportResult](t)(e.s.ImportManifest(e.ctx, e.owner, strings.NewReader(doc("Old")), ImportOptions{Partner: "kgpost"}))
	must[AcceptResult](t)(e.s.Accept(e.ctx, e.owner, 0, a, AcceptOptions{}))
	second := must[ImportResult](t)(e.s.ImportManifest(e.ctx, e.owner, strings.NewReader(doc("New")), ImportOptions{Partner: "kgpost"}))
	if second.ManifestID != first.ManifestID || second.Number != "M-77" || second.Saved != 1 || second.AlreadyAccepted != 1 {
		t.Fatalf("corrected manifest %+v", second)
	}
	pa := must[[]Parcel](t)(queryParcels(e.ctx, e.db.R, `WHERE p.track=?`, a))[0]
	pb := must[[]Parcel](t)(queryParcels(e.ctx, e.db.R, `WHERE p.track=?`, b))[0]
	if pa.RecipientName != "Old" || pb.RecipientName != "New" {
		t.Fatalf("accepted parcel rewritten (%q) or expected not updated (%q)", pa.RecipientName, pb.RecipientName)
	}
	var manifests int
	e.db.R.QueryRow(`SELECT count(*) FROM manifests`).Scan(&manifests)
	if manifests != 1 {
		t.Fatalf("%d manifest rows after a corrected import", manifests)
	}
}

func TestBadManifestChangesNothing(t *testing.T) {
	e := newEnv(t)
	before := countParcels(e)
	cases := map[string]struct {
		body string
		code errs.Code
	}{
		"bad rows":     {manifestCSV(s10(7, "KG")+";А;;M;много денег;", ";Б;;M;0;"), ErrManifestRows},
		"bad phone":    {manifestCSV(s10(8, "KG") + ";А;12;M;0;"), ErrManifestRows},
		"no track col": {"Имя;Телефон\nА;1\n", manifest.ErrNoTrackColumn},
		"truncated":    {`[{"track":"` + s10(9, "KG") + `"},{"track":"RA`, manifest.ErrBadJSON},
		"empty":        {"", manifest.ErrEmpty},
	}
	for name, c := range cases {
		res, err := e.s.ImportManifest(e.ctx, e.owner, strings.NewReader(c.body), ImportOptions{Partner: "kgpost"})
		if !errs.Has(err, c.code) {
			t.Errorf("%s: got %v, want %s", name, err, c.code)
		}
		if name == "bad rows" && (res.Bad != 2 || len(res.Errors) != 2 || res.Errors[0].Line != 2) {
			t.Errorf("bad rows report: %+v", res)
		}
	}
	if _, err := e.s.ImportManifest(e.ctx, e.owner, strings.NewReader(manifestCSV(s10(7, "KG")+";А;;M;0;")), ImportOptions{Partner: "nobody"}); !errs.Has(err, ErrPartner) {
		t.Errorf("unknown partner: %v", err)
	}
	if got := countParcels(e); got != before {
		t.Fatalf("bad files changed the parcels: %d → %d", before, got)
	}
	var m int
	e.db.R.QueryRow(`SELECT count(*) FROM manifests`).Scan(&m)
	if m != 0 {
		t.Fatalf("bad files left %d manifest rows", m)
	}
}

func TestImportSkipBadRowsImportsTheRest(t *testing.T) {
	e := newEnv(t)
	res := must[ImportResult](t)(e.s.ImportManifest(e.ctx, e.owner,
		strings.NewReader(manifestCSV(s10(7, "KG")+";А;;M;0;", ";Б;;M;0;")), ImportOptions{Partner: "kgpost", SkipBadRows: true}))
	if res.Saved != 1 || res.Bad != 1 || countParcels(e) != 1 {
		t.Fatalf("%+v", res)
	}
}

func TestImportCancelledChangesNothing(t *testing.T) {
	e := newEnv(t)
	var b bytes.Buffer
	b.WriteString("track\n")
	for i := range 5000 {
		b.WriteString(s10(10000+i, "KG") + "\n")
	}
	ctx, cancel := context.WithCancel(e.ctx)
	_, err := e.s.ImportManifest(ctx, e.owner, &b, ImportOptions{Partner: "kgpost", Progress: func(n int) {
		if n >= 2000 {
			cancel()
		}
	}})
	if !errs.Has(err, store.ErrCancelled) || countParcels(e) != 0 {
		t.Fatalf("cancelled import: err=%v parcels=%d", err, countParcels(e))
	}
}
