package counter

import (
	"fmt"
	"testing"

	"smartpoint/app/errs"
)

func manifestCSV(rows ...string) string {
	out := "Трек;Получатель;Телефон;Размер;К оплате;Код выдачи\n"
	for _, r := range rows {
		out += r + "\n"
	}
	return out
}

func TestAcceptExpectedParcelGoesToCellAndIsCommitted(t *testing.T) {
	e := newEnv(t)
	tr := s10(1, "KG")
	imp := e.importCSV("kgpost", manifestCSV(tr+";Иванов Иван;0555 123 456;M;0;"))
	d := must[Delivery](t)(e.s.OpenDelivery(e.ctx, e.owner, "kgpost", imp.ManifestID, "Курьер Бек"))
	if d.Expected != 1 || d.Scanned != 0 {
		t.Fatalf("delivery progress %d/%d, want 0/1", d.Scanned, d.Expected)
	}
	res := must[AcceptResult](t)(e.s.Accept(e.ctx, e.owner, d.ID, tr, AcceptOptions{}))
	if res.Outcome != OutcomeOK || res.Cell == "" || res.Parcel.Status != StatusStored {
		t.Fatalf("accept: %+v", res)
	}
	if res.Delivery.Scanned != 1 {
		t.Fatalf("progress after scan %d/%d", res.Delivery.Scanned, res.Delivery.Expected)
	}
	kg := must[Partner](t)(e.s.Partner(e.ctx, "kgpost"))
	want := testStart.AddDate(0, 0, kg.StorageDays)
	if p := res.Parcel; !p.DeadlineAt.Equal(want) || p.RecipientPhone != "+996555123456" {
		t.Fatalf("deadline %v phone %q", p.DeadlineAt, p.RecipientPhone)
	}
	// committed: visible through the read pool and in the event log
	got := must[Parcel](t)(e.s.Parcel(e.ctx, res.Parcel.ID))
	if got.Status != StatusStored || got.Cell != res.Cell {
		t.Fatalf("read back %+v", got)
	}
	evs := must[[]Event](t)(e.s.EntityEvents(e.ctx, got.Entity()))
	if len(evs) != 1 || evs[0].Kind != EvParcelAccepted || evs[0].ClerkID != e.owner.ClerkID() || evs[0].ShiftID != e.owner.ShiftID() {
		t.Fatalf("events %+v", evs)
	}
}

func TestAcceptSameRecipientSameCell(t *testing.T) {
	e := newEnv(t)
	a, b, c := s10(11, "KG"), s10(12, "KG"), s10(13, "KG")
	e.importCSV("kgpost", manifestCSV(
		a+";Асель;+996700111222;S;0;",
		b+";Асель;+996700111222;S;0;",
		c+";Нурлан;+996700333444;S;0;"))
	ra := must[AcceptResult](t)(e.s.Accept(e.ctx, e.owner, 0, a, AcceptOptions{}))
	rb := must[AcceptResult](t)(e.s.Accept(e.ctx, e.owner, 0, b, AcceptOptions{}))
	rc := must[AcceptResult](t)(e.s.Accept(e.ctx, e.owner, 0, c, AcceptOptions{}))
	if ra.Cell != rb.Cell {
		t.Fatalf("same recipient in %s and %s", ra.Cell, rb.Cell)
	}
	if rc.Cell == ra.Cell {
		t.Fatalf("another recipient put into the occupied cell %s while empty cells exist", rc.Cell)
	}
}

func TestAcceptPrefersSmallestFittingSize(t *testing.T) {
	e := newEnv(t)
	big := s10(21, "KG")
	e.importCSV("kgpost", manifestCSV(big+";Б;;L;0;"))
	r := must[AcceptResult](t)(e.s.Accept(e.ctx, e.owner, 0, big, AcceptOptions{}))
	cells := must[[]Cell](t)(e.s.Cells(e.ctx))
	for _, c := range cells {
		if c.Label == r.Cell && c.Size != "L" {
			t.Fatalf("L parcel put in %s of size %s", c.Label, c.Size)
		}
	}
}

func TestAcceptDuplicateUnexpectedAndDamaged(t *testing.T) {
	e := newEnv(t)
	tr := s10(31, "KG")
	first := must[AcceptResult](t)(e.s.Accept(e.ctx, e.owner, 0, tr, AcceptOptions{Damaged: true, DamageNote: "мокрая коробка"}))
	if first.Outcome != OutcomeDamaged || !first.Parcel.Unexpected || !first.Parcel.Damaged {
		t.Fatalf("first scan %+v", first)
	}
	again := must[AcceptResult](t)(e.s.Accept(e.ctx, e.owner, 0, tr, AcceptOptions{}))
	if again.Outcome != OutcomeDuplicate || again.Cell != first.Cell {
		t.Fatalf("second scan %+v", again)
	}
	var n int
	e.db.R.QueryRow(`SELECT count(*) FROM parcels WHERE track=?`, tr).Scan(&n)
	var occ int
	e.db.R.QueryRow(`SELECT occupied FROM cells WHERE label=?`, first.Cell).Scan(&occ)
	if n != 1 || occ != 1 {
		t.Fatalf("duplicate scan changed state: rows=%d occupied=%d", n, occ)
	}
}

func TestAcceptUnknownCodeNeverGuesses(t *testing.T) {
	e := newEnv(t)
	_, err := e.s.Accept(e.ctx, e.owner, 0, "HELLO-WORLD", AcceptOptions{})
	if !errs.Has(err, ErrUnknownCode) {
		t.Fatalf("unknown code: %v", err)
	}
	// the clerk can say whose it is explicitly
	r := must[AcceptResult](t)(e.s.Accept(e.ctx, e.owner, 0, "HELLO-WORLD", AcceptOptions{Partner: "wb"}))
	if r.Parcel.Partner != "wb" || r.Outcome != OutcomeUnexpected {
		t.Fatalf("explicit partner: %+v", r)
	}
	if _, err := e.s.Accept(e.ctx, e.owner, 0, "CELL-A-1-01", AcceptOptions{}); !errs.Has(err, ErrWrongKind) {
		t.Fatalf("cell label at acceptance: %v", err)
	}
}

func TestAcceptAfterIssueIsATypedErrorWithDate(t *testing.T) {
	e := newEnv(t)
	tr := s10(41, "KG")
	e.importCSV("kgpost", manifestCSV(tr+";Айбек;0700 555 666;S;0;"))
	e.s.Accept(e.ctx, e.owner, 0, tr, AcceptOptions{})
	look := must[IssueLookup](t)(e.s.FindForIssue(e.ctx, e.owner, "0700555666"))
	must[HandoverResult](t)(e.s.Issue(e.ctx, e.owner, IssueRequest{Items: []IssueItem{{ParcelID: look.Parcels[0].ID, Scanned: tr}}}))
	_, err := e.s.Accept(e.ctx, e.owner, 0, tr, AcceptOptions{})
	var de *errs.Error
	if !errs.Has(err, ErrIssued) || !asErr(err, &de) || de.Args["At"] == nil || de.Args["Track"] != tr {
		t.Fatalf("accept issued parcel: %v", err)
	}
}

func TestAcceptNeedsShiftAndNoFreeCellIsClear(t *testing.T) {
	e := newEnv(t)
	c := e.clerk("Бакыт", RoleClerk)
	if _, err := e.s.Accept(e.ctx, c, 0, s10(51, "KG"), AcceptOptions{}); !errs.Has(err, ErrNoShift) {
		t.Fatalf("without shift: %v", err)
	}
	// fill every cell: 20 cells × 3
	for i := range 60 {
		if _, err := e.s.Accept(e.ctx, e.owner, 0, s10(100+i, "KG"), AcceptOptions{}); err != nil {
			t.Fatalf("parcel %d: %v", i, err)
		}
	}
	_, err := e.s.Accept(e.ctx, e.owner, 0, s10(999, "KG"), AcceptOptions{})
	if !errs.Has(err, ErrNoFreeCell) {
		t.Fatalf("full point: %v", err)
	}
}

func TestCloseDeliveryListsDiscrepancies(t *testing.T) {
	e := newEnv(t)
	var rows []string
	for i := range 5 {
		rows = append(rows, fmt.Sprintf("%s;Клиент %d;;S;0;", s10(200+i, "KG"), i))
	}
	imp := e.importCSV("kgpost", manifestCSV(rows...))
	d := must[Delivery](t)(e.s.OpenDelivery(e.ctx, e.owner, "", imp.ManifestID, ""))
	for i := range 3 {
		must[AcceptResult](t)(e.s.Accept(e.ctx, e.owner, d.ID, s10(200+i, "KG"), AcceptOptions{}))
	}
	must[AcceptResult](t)(e.s.Accept(e.ctx, e.owner, d.ID, s10(300, "KG"), AcceptOptions{}))
	disc := must[Discrepancies](t)(e.s.CloseDelivery(e.ctx, e.owner, d.ID))
	if len(disc.Missing) != 2 || len(disc.Unexpected) != 1 || disc.Unexpected[0].Track != s10(300, "KG") {
		t.Fatalf("missing=%d unexpected=%d", len(disc.Missing), len(disc.Unexpected))
	}
	if disc.Delivery.Partner != "kgpost" || disc.Delivery.Expected != 5 || disc.Delivery.Scanned != 4 {
		t.Fatalf("delivery %+v", disc.Delivery)
	}
	if _, err := e.s.Accept(e.ctx, e.owner, d.ID, s10(203, "KG"), AcceptOptions{}); !errs.Has(err, ErrDeliveryDone) {
		t.Fatalf("scan into closed delivery: %v", err)
	}
}

func TestAcceptManifestTrackTypedUnderRussianLayout(t *testing.T) {
	e := newEnv(t)
	// Not a valid S10 (wrong check digit), so no rule knows it; the manifest does.
	e.importCSV("kgpost", manifestCSV("RA000000029KG;Пётр;;S;0;"))
	r := must[AcceptResult](t)(e.s.Accept(e.ctx, e.owner, 0, "КФ000000029ЛП", AcceptOptions{}))
	if r.Outcome != OutcomeOK || r.Parcel.Track != "RA000000029KG" {
		t.Fatalf("layout-mangled manifest track: %+v", r)
	}
}
