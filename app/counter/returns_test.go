package counter

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"smartpoint/app/errs"
)

// shelveParcels imports a manifest of one partner's tracks (a recipient
// with a phone each) and accepts them all; it returns the parcels as shelved.
func (e *env) shelveParcels(partner string, tracks ...string) []Parcel {
	e.t.Helper()
	var rows []string
	for i, tr := range tracks {
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, tr)
		phone := "+996700" + digits[len(digits)-6:] // one customer per track
		rows = append(rows, fmt.Sprintf("%s;Клиент %s %d;%s;;0;", tr, partner, i, phone))
	}
	e.importCSV(partner, manifestCSV(rows...))
	var out []Parcel
	for _, tr := range tracks {
		res, err := e.s.Accept(e.ctx, e.owner, 0, tr, AcceptOptions{})
		if err != nil {
			e.t.Fatalf("accept %s: %v", tr, err)
		}
		out = append(out, res.Parcel)
	}
	return out
}

// checkCellCounts compares every cell's occupied with a COUNT of the
// parcels in it, then runs the package invariants (replay included).
func (e *env) checkCellCounts() {
	e.t.Helper()
	rows, err := e.db.R.QueryContext(e.ctx, `SELECT c.label, c.occupied, (SELECT count(*) FROM parcels p WHERE p.cell_id = c.id) FROM cells c`)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var label string
		var occupied, count int
		if err := rows.Scan(&label, &occupied, &count); err != nil {
			e.t.Fatal(err)
		}
		if occupied != count {
			e.t.Errorf("cell %s: occupied=%d, COUNT=%d", label, occupied, count)
		}
	}
	checkInvariants(e.t, e.s)
}

// cellOccupied reads one cell's occupied counter.
func (e *env) cellOccupied(label string) int {
	e.t.Helper()
	var n int
	if err := e.db.R.QueryRowContext(e.ctx, `SELECT occupied FROM cells WHERE label=?`, label).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *env) parcelNow(id int64) Parcel {
	e.t.Helper()
	return must[Parcel](e.t)(e.s.Parcel(e.ctx, id))
}

// wantErrArgs fails unless err is the domain error code, and returns its args.
func wantErrArgs(t *testing.T, err error, code errs.Code) map[string]any {
	t.Helper()
	var de *errs.Error
	if !errors.As(err, &de) || de.Code != code {
		t.Fatalf("got error %v, want %s", err, code)
	}
	return de.Args
}

func eventKinds(t *testing.T, e *env, entity string) []string {
	t.Helper()
	var out []string
	for _, ev := range must[[]Event](t)(e.s.EntityEvents(e.ctx, entity)) {
		out = append(out, ev.Kind)
	}
	return out
}

func TestReturnFlowRefusedAndExpiredToAct(t *testing.T) {
	e := newEnv(t)
	ps := e.shelveParcels("kgpost", s10(101, "KG"), s10(102, "KG"), s10(103, "KG"))
	refused, overdue, other := ps[0], ps[1], ps[2]

	// The customer refuses one at the counter: it waits on its shelf.
	must[HandoverResult](t)(e.s.Issue(e.ctx, e.owner, IssueRequest{Items: []IssueItem{{ParcelID: refused.ID, Refuse: "changed_mind"}}}))
	if p := e.parcelNow(refused.ID); p.Status != StatusToReturn || p.Cell != refused.Cell {
		t.Fatalf("refused parcel %+v", p)
	}

	// Storage at kgpost is 30 days.
	e.clock.Advance(31 * 24 * time.Hour)
	cands := must[[]Parcel](t)(e.s.ReturnCandidates(e.ctx, "kgpost"))
	if len(cands) != 3 || cands[0].ID != refused.ID {
		t.Fatalf("candidates %d, first %v", len(cands), cands)
	}
	if n := len(must[[]Parcel](t)(e.s.ReturnCandidates(e.ctx, "cdek"))); n != 0 {
		t.Fatalf("cdek candidates %d", n)
	}
	n := must[int](t)(e.s.ExpireOverdue(e.ctx, e.owner))
	if n != 2 {
		t.Fatalf("expired %d, want 2", n)
	}
	if p := e.parcelNow(overdue.ID); p.Status != StatusToReturn || p.ReturnReason != "expired" || p.Cell != overdue.Cell {
		t.Fatalf("expired parcel %+v", p)
	}
	if n := must[int](t)(e.s.ExpireOverdue(e.ctx, e.owner)); n != 0 {
		t.Fatalf("expired again: %d", n)
	}

	box := must[ReturnBox](t)(e.s.OpenReturnBox(e.ctx, e.owner, "kgpost"))
	if box.Number != "000001" || box.Label() != "RBOX-000001" || box.Status != BoxOpen || box.Partner != "kgpost" {
		t.Fatalf("box %+v", box)
	}
	for i, p := range []Parcel{refused, overdue, other} {
		ref := box.Label()
		if i == 1 {
			ref = "1" // typed by hand
		}
		got := must[Parcel](t)(e.s.AddToReturnBox(e.ctx, e.owner, ref, p.Track))
		if got.Status != StatusBoxed || got.Cell != "" || got.ReturnBox != "000001" {
			t.Fatalf("boxed %+v", got)
		}
		if occ := e.cellOccupied(p.Cell); occ != 0 {
			t.Fatalf("cell %s still holds %d", p.Cell, occ)
		}
	}
	if ps := must[[]Parcel](t)(e.s.ReturnBoxParcels(e.ctx, "RBOX-000001")); len(ps) != 3 {
		t.Fatalf("box holds %d", len(ps))
	}
	e.checkCellCounts()

	e.clock.Advance(2 * time.Hour)
	act := must[ReturnAct](t)(e.s.HandOverReturns(e.ctx, e.owner, []string{"RBOX-000001", "000001"}, "  Курьер   Бек "))
	if act.Number != "R-2026-000001" || act.Partner != "kgpost" || act.Courier != "Курьер Бек" || act.Clerk != "Айгуль" ||
		len(act.Boxes) != 1 || act.Boxes[0] != "000001" || len(act.Parcels) != 3 || !act.At.Equal(e.clock.Now()) {
		t.Fatalf("act %+v", act)
	}
	for _, p := range act.Parcels {
		if !strings.Contains(p.RecipientPhone, "•") {
			t.Fatalf("the courier's act shows a phone: %q", p.RecipientPhone)
		}
		if p.Status != StatusReturned || p.ReturnAct != act.Number || p.Cell != "" || p.ReturnBox != "000001" {
			t.Fatalf("returned parcel %+v", p)
		}
	}
	again := must[ReturnAct](t)(e.s.ReturnAct(e.ctx, "r-2026-000001"))
	if again.Number != act.Number || len(again.Parcels) != 3 || again.Courier != act.Courier {
		t.Fatalf("reprinted act %+v", again)
	}
	boxes := must[[]ReturnBox](t)(e.s.ReturnBoxes(e.ctx, BoxHanded))
	if len(boxes) != 1 || boxes[0].Act != act.Number || boxes[0].Parcels != 3 {
		t.Fatalf("handed boxes %+v", boxes)
	}
	if open := must[[]ReturnBox](t)(e.s.ReturnBoxes(e.ctx, BoxOpen)); len(open) != 0 {
		t.Fatalf("open boxes %+v", open)
	}

	// A box goes once; the returned parcel explains itself.
	_, err := e.s.HandOverReturns(e.ctx, e.owner, []string{"RBOX-000001"}, "Бек")
	if args := wantErrArgs(t, err, ErrBoxHanded); args["Act"] != act.Number {
		t.Fatalf("args %v", args)
	}
	_, err = e.s.AddToReturnBox(e.ctx, e.owner, "RBOX-000001", s10(101, "KG"))
	wantErrArgs(t, err, ErrBoxHanded)
	box2 := must[ReturnBox](t)(e.s.OpenReturnBox(e.ctx, e.owner, "kgpost"))
	_, err = e.s.AddToReturnBox(e.ctx, e.owner, box2.Label(), s10(101, "KG"))
	if args := wantErrArgs(t, err, ErrReturned); args["Act"] != act.Number {
		t.Fatalf("args %v", args)
	}
	if _, err := e.s.ReturnAct(e.ctx, "R-2026-000099"); !errs.Has(err, ErrActUnknown) {
		t.Fatalf("unknown act: %v", err)
	}

	want := []string{EvParcelAccepted, EvParcelExpired, EvParcelBoxed, EvParcelReturned}
	if got := eventKinds(t, e, overdue.Entity()); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("history %v, want %v", got, want)
	}
	e.checkCellCounts()
}

func TestBoxingAnOverdueStoredParcelExpiresItFirst(t *testing.T) {
	e := newEnv(t)
	p := e.shelveParcels("kgpost", s10(201, "KG"))[0]
	box := must[ReturnBox](t)(e.s.OpenReturnBox(e.ctx, e.owner, "kgpost"))

	_, err := e.s.AddToReturnBox(e.ctx, e.owner, box.Number, p.Track)
	args := wantErrArgs(t, err, ErrNotReturn)
	if d, _ := args["Deadline"].(time.Time); !d.Equal(p.DeadlineAt) {
		t.Fatalf("deadline %v, want %v", args["Deadline"], p.DeadlineAt)
	}
	if got := e.parcelNow(p.ID); got.Status != StatusStored || e.cellOccupied(p.Cell) != 1 {
		t.Fatalf("refused add changed the parcel: %+v", got)
	}

	e.clock.Advance(30*24*time.Hour + time.Minute)
	got := must[Parcel](t)(e.s.AddToReturnBox(e.ctx, e.owner, box.Label(), p.Track))
	if got.Status != StatusBoxed || got.ReturnReason != "expired" {
		t.Fatalf("boxed %+v", got)
	}
	want := []string{EvParcelAccepted, EvParcelExpired, EvParcelBoxed}
	if kinds := eventKinds(t, e, p.Entity()); fmt.Sprint(kinds) != fmt.Sprint(want) {
		t.Fatalf("history %v", kinds)
	}
	e.checkCellCounts()
}

func TestReturnBoxRefusals(t *testing.T) {
	e := newEnv(t)
	kg := e.shelveParcels("kgpost", s10(301, "KG"), s10(302, "KG"))
	cd := e.shelveParcels("cdek", "12345678901")[0]
	issued := kg[1]
	must[HandoverResult](t)(e.s.Issue(e.ctx, e.owner, IssueRequest{Items: []IssueItem{{ParcelID: issued.ID, Scanned: issued.Track}}}))
	e.clock.Advance(31 * 24 * time.Hour)
	must[int](t)(e.s.ExpireOverdue(e.ctx, e.owner))

	kgBox := must[ReturnBox](t)(e.s.OpenReturnBox(e.ctx, e.owner, "kgpost"))
	cdBox := must[ReturnBox](t)(e.s.OpenReturnBox(e.ctx, e.owner, "cdek"))
	if kgBox.Number != "000001" || cdBox.Number != "000002" {
		t.Fatalf("box numbers %s %s", kgBox.Number, cdBox.Number)
	}
	if _, err := e.s.OpenReturnBox(e.ctx, e.owner, "nosuch"); !errs.Has(err, ErrPartner) {
		t.Fatalf("unknown partner: %v", err)
	}

	// A CDEK parcel does not go into a Kyrgyzpost box.
	_, err := e.s.AddToReturnBox(e.ctx, e.owner, kgBox.Label(), cd.Track)
	args := wantErrArgs(t, err, ErrBoxPartner)
	if args["Partner"] == args["BoxPartner"] || args["Partner"] == "" || args["Track"] != cd.Track {
		t.Fatalf("args %v", args)
	}
	// An issued parcel is not a return.
	_, err = e.s.AddToReturnBox(e.ctx, e.owner, kgBox.Label(), issued.Track)
	wantErrArgs(t, err, ErrIssued)
	_, err = e.s.AddToReturnBox(e.ctx, e.owner, "RBOX-000777", kg[0].Track)
	wantErrArgs(t, err, ErrBoxUnknown)
	_, err = e.s.AddToReturnBox(e.ctx, e.owner, kgBox.Label(), "CELL-A-1-01")
	wantErrArgs(t, err, ErrWrongKind)

	must[Parcel](t)(e.s.AddToReturnBox(e.ctx, e.owner, kgBox.Label(), kg[0].Track))
	_, err = e.s.AddToReturnBox(e.ctx, e.owner, kgBox.Label(), kg[0].Track)
	wantErrArgs(t, err, ErrBoxed)
	must[Parcel](t)(e.s.AddToReturnBox(e.ctx, e.owner, cdBox.Label(), cd.Track))

	// Empty boxes and mixed partners are refused, and nothing is handed.
	empty := must[ReturnBox](t)(e.s.OpenReturnBox(e.ctx, e.owner, "kgpost"))
	_, err = e.s.HandOverReturns(e.ctx, e.owner, []string{kgBox.Label(), empty.Label()}, "Бек")
	if args := wantErrArgs(t, err, ErrBoxEmpty); args["Box"] != empty.Number {
		t.Fatalf("args %v", args)
	}
	_, err = e.s.HandOverReturns(e.ctx, e.owner, []string{kgBox.Label(), cdBox.Label()}, "Бек")
	wantErrArgs(t, err, ErrBoxMixed)
	_, err = e.s.HandOverReturns(e.ctx, e.owner, nil, "Бек")
	wantErrArgs(t, err, ErrInvalid)
	if got := e.parcelNow(kg[0].ID); got.Status != StatusBoxed || got.ReturnAct != "" {
		t.Fatalf("failed handover changed the parcel: %+v", got)
	}
	if open := must[[]ReturnBox](t)(e.s.ReturnBoxes(e.ctx, BoxOpen)); len(open) != 3 {
		t.Fatalf("open boxes %d", len(open))
	}
	var acts int
	e.db.R.QueryRowContext(e.ctx, `SELECT count(*) FROM return_acts`).Scan(&acts)
	if acts != 0 {
		t.Fatalf("%d acts after failed handovers", acts)
	}
	act := must[ReturnAct](t)(e.s.HandOverReturns(e.ctx, e.owner, []string{cdBox.Label()}, "СДЭК"))
	if act.Number != "R-2026-000001" || act.Partner != "cdek" {
		t.Fatalf("act %+v", act)
	}
	e.checkCellCounts()
}

func TestRemoveFromReturnBoxPutsItBackOnAShelf(t *testing.T) {
	e := newEnv(t)
	ps := e.shelveParcels("kgpost", s10(401, "KG"), s10(402, "KG"))
	must[HandoverResult](t)(e.s.Issue(e.ctx, e.owner, IssueRequest{Items: []IssueItem{{ParcelID: ps[0].ID, Refuse: "damaged"}}}))
	box := must[ReturnBox](t)(e.s.OpenReturnBox(e.ctx, e.owner, "kgpost"))
	must[Parcel](t)(e.s.AddToReturnBox(e.ctx, e.owner, box.Label(), ps[0].Track))

	_, err := e.s.RemoveFromReturnBox(e.ctx, e.owner, box.Label(), ps[1].Track)
	wantErrArgs(t, err, ErrNotInBox)

	back := must[Parcel](t)(e.s.RemoveFromReturnBox(e.ctx, e.owner, box.Label(), ps[0].Track))
	if back.Status != StatusToReturn || back.Cell == "" || back.ReturnBox != "" || back.ReturnReason != "refused:damaged" {
		t.Fatalf("unboxed %+v", back)
	}
	if e.cellOccupied(back.Cell) < 1 {
		t.Fatalf("cell %s not occupied", back.Cell)
	}
	if b := must[[]ReturnBox](t)(e.s.ReturnBoxes(e.ctx, "")); len(b) != 1 || b[0].Parcels != 0 {
		t.Fatalf("box after undo %+v", b)
	}
	_, err = e.s.RemoveFromReturnBox(e.ctx, e.owner, box.Label(), ps[0].Track)
	wantErrArgs(t, err, ErrNotInBox)
	_, err = e.s.HandOverReturns(e.ctx, e.owner, []string{box.Label()}, "Бек")
	wantErrArgs(t, err, ErrBoxEmpty)
	kinds := eventKinds(t, e, ps[0].Entity())
	if kinds[len(kinds)-1] != EvParcelUnboxed {
		t.Fatalf("history %v", kinds)
	}
	e.checkCellCounts()
}

func TestCounterWorkNeedsAShift(t *testing.T) {
	e := newEnv(t)
	p := e.shelveParcels("kgpost", s10(501, "KG"))[0]
	box := must[ReturnBox](t)(e.s.OpenReturnBox(e.ctx, e.owner, "kgpost"))
	inv := must[int64](t)(e.s.StartInventory(e.ctx, e.owner))
	off := e.clerk("Бакыт", RoleClerk) // logged in, no shift

	calls := map[string]func() error{
		"expire":    func() error { _, err := e.s.ExpireOverdue(e.ctx, off); return err },
		"open box":  func() error { _, err := e.s.OpenReturnBox(e.ctx, off, "kgpost"); return err },
		"add":       func() error { _, err := e.s.AddToReturnBox(e.ctx, off, box.Label(), p.Track); return err },
		"remove":    func() error { _, err := e.s.RemoveFromReturnBox(e.ctx, off, box.Label(), p.Track); return err },
		"hand over": func() error { _, err := e.s.HandOverReturns(e.ctx, off, []string{box.Label()}, "Бек"); return err },
		"move":      func() error { _, err := e.s.MoveParcel(e.ctx, off, p.Track, "B-2-05"); return err },
		"inventory": func() error { _, err := e.s.StartInventory(e.ctx, off); return err },
		"inv scan":  func() error { _, err := e.s.InventoryScan(e.ctx, off, inv, "CELL-A-1-01"); return err },
		"inv done":  func() error { _, err := e.s.FinishInventory(e.ctx, off, inv); return err },
	}
	for name, call := range calls {
		if err := call(); !errs.Has(err, ErrNoShift) {
			t.Errorf("%s without a shift: %v", name, err)
		}
	}
	if _, err := e.s.ApplyMisplaced(e.ctx, off, inv); !errs.Has(err, ErrForbidden) {
		t.Errorf("clerk applied an inventory: %v", err)
	}
	if _, err := e.s.ExpireOverdue(e.ctx, nil); !errs.Has(err, ErrForbidden) {
		t.Errorf("nil session: %v", err)
	}
	e.checkCellCounts()
}
