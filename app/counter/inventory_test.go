package counter

import (
	"testing"
)

func (e *env) parcelEventCount() int {
	e.t.Helper()
	var n int
	e.db.R.QueryRowContext(e.ctx, `SELECT count(*) FROM events WHERE kind LIKE 'parcel.%'`).Scan(&n)
	return n
}

func TestInventoryFindsMissingMisplacedAndExtra(t *testing.T) {
	e := newEnv(t)
	ps := e.shelveParcels("kgpost", s10(701, "KG"), s10(702, "KG"), s10(703, "KG"), s10(704, "KG"), s10(705, "KG"))
	p1, p2, p3, p4 := ps[0], ps[1], ps[2], ps[3]
	for i, p := range ps {
		for _, q := range ps[:i] {
			if p.Cell == q.Cell {
				t.Fatalf("test needs a cell per parcel: %s and %s share %s", p.Track, q.Track, p.Cell)
			}
		}
	}
	// Issued yesterday, back on the shelf today.
	must[HandoverResult](t)(e.s.Issue(e.ctx, e.owner, IssueRequest{Items: []IssueItem{{ParcelID: p4.ID, Scanned: p4.Track}}}))
	before := e.parcelEventCount()

	inv := must[int64](t)(e.s.StartInventory(e.ctx, e.owner))
	_, err := e.s.InventoryScan(e.ctx, e.owner, inv, p1.Track)
	wantErrArgs(t, err, ErrInvNoCell)

	scan := func(raw string) InventoryStep {
		t.Helper()
		return must[InventoryStep](t)(e.s.InventoryScan(e.ctx, e.owner, inv, raw))
	}
	if st := scan("CELL-" + p1.Cell); st.Cell != p1.Cell || st.Expected != 1 || st.Seen != 0 || st.Parcel != nil {
		t.Fatalf("cell step %+v", st)
	}
	if st := scan(p1.Track); !st.Known || st.Misplaced || st.Extra || st.Seen != 1 || st.Parcel.ID != p1.ID {
		t.Fatalf("own parcel %+v", st)
	}
	if st := scan(p2.Track); !st.Known || !st.Misplaced || st.Extra || st.Seen != 2 || st.Parcel.Cell != p2.Cell {
		t.Fatalf("misplaced parcel %+v", st)
	}
	if st := scan("HELLO-WORLD"); st.Known || !st.Extra || st.Parcel != nil || st.Code != "HELLO-WORLD" || st.Seen != 3 {
		t.Fatalf("unknown code %+v", st)
	}
	if st := scan(p4.Track); !st.Known || !st.Extra || st.Misplaced || st.Parcel.Status != StatusIssued {
		t.Fatalf("issued parcel %+v", st)
	}
	if st := scan(p1.Track); st.Seen != 4 || st.Expected != 1 {
		t.Fatalf("rescan counts twice: %+v", st)
	}
	if st := scan("CELL-" + p3.Cell); st.Cell != p3.Cell || st.Expected != 1 || st.Seen != 0 {
		t.Fatalf("second cell %+v", st)
	}
	_, err = e.s.InventoryScan(e.ctx, e.owner, inv, "RBOX-000001")
	wantErrArgs(t, err, ErrWrongKind)
	_, err = e.s.InventoryScan(e.ctx, e.owner, inv, "CELL-Z-9-99")
	wantErrArgs(t, err, ErrCellUnknown)
	if n := e.parcelEventCount(); n != before {
		t.Fatalf("scanning wrote %d parcel events", n-before)
	}

	rep := must[InventoryReport](t)(e.s.FinishInventory(e.ctx, e.owner, inv))
	if len(rep.Cells) != 2 || rep.Cells[0] != p1.Cell || rep.Cells[1] != p3.Cell || rep.Seen != 4 || rep.ID != inv {
		t.Fatalf("report cells %v seen %d", rep.Cells, rep.Seen)
	}
	// The fifth parcel sits in a cell nobody scanned: not missing.
	if len(rep.Missing) != 1 || rep.Missing[0].ID != p3.ID {
		t.Fatalf("missing %+v", rep.Missing)
	}
	if len(rep.Misplaced) != 1 || rep.Misplaced[0].Parcel.ID != p2.ID || rep.Misplaced[0].FoundIn != p1.Cell {
		t.Fatalf("misplaced %+v", rep.Misplaced)
	}
	if len(rep.Extra) != 2 || rep.Extra[0].Code != "HELLO-WORLD" || rep.Extra[0].Parcel != nil || rep.Extra[0].Cell != p1.Cell ||
		rep.Extra[1].Parcel == nil || rep.Extra[1].Parcel.ID != p4.ID || rep.Extra[1].Parcel.Status != StatusIssued || rep.Extra[1].Code != p4.Track {
		t.Fatalf("extra %+v", rep.Extra)
	}
	if kinds := eventKinds(t, e, inventoryEntity(inv)); len(kinds) != 2 || kinds[1] != EvInventoryDone {
		t.Fatalf("inventory events %v", kinds)
	}
	if p := e.parcelNow(p2.ID); p.Cell != p2.Cell {
		t.Fatalf("the report moved a parcel: %+v", p)
	}

	// A finished or unknown inventory takes no more scans.
	_, err = e.s.InventoryScan(e.ctx, e.owner, inv, "CELL-"+p1.Cell)
	wantErrArgs(t, err, ErrInventory)
	_, err = e.s.FinishInventory(e.ctx, e.owner, inv)
	wantErrArgs(t, err, ErrInventory)
	_, err = e.s.InventoryScan(e.ctx, e.owner, 999, "CELL-"+p1.Cell)
	wantErrArgs(t, err, ErrInventory)
	e.checkCellCounts()
}

func TestApplyMisplacedMovesRecordsToTheShelf(t *testing.T) {
	e := newEnv(t)
	ps := e.shelveParcels("kgpost", s10(801, "KG"), s10(802, "KG"))
	home, stray := ps[0], ps[1]
	inv := must[int64](t)(e.s.StartInventory(e.ctx, e.owner))
	for _, raw := range []string{"CELL-" + home.Cell, home.Track, stray.Track} {
		must[InventoryStep](t)(e.s.InventoryScan(e.ctx, e.owner, inv, raw))
	}
	must[InventoryReport](t)(e.s.FinishInventory(e.ctx, e.owner, inv))

	clerk := e.clerk("Бакыт", RoleClerk)
	_, err := e.s.ApplyMisplaced(e.ctx, clerk, inv)
	wantErrArgs(t, err, ErrForbidden)
	_, err = e.s.ApplyMisplaced(e.ctx, e.owner, 999)
	wantErrArgs(t, err, ErrInventory)

	// A full cell keeps its records: nothing moves.
	if err := e.s.SaveCell(e.ctx, e.owner, home.Cell, "M", 1, true); err != nil {
		t.Fatal(err)
	}
	if n := must[int](t)(e.s.ApplyMisplaced(e.ctx, e.owner, inv)); n != 0 {
		t.Fatalf("moved %d into a full cell", n)
	}
	if err := e.s.SaveCell(e.ctx, e.owner, home.Cell, "M", 3, true); err != nil {
		t.Fatal(err)
	}
	if n := must[int](t)(e.s.ApplyMisplaced(e.ctx, e.owner, inv)); n != 1 {
		t.Fatalf("moved %d, want 1", n)
	}
	if p := e.parcelNow(stray.ID); p.Cell != home.Cell {
		t.Fatalf("stray parcel is recorded in %s, found in %s", p.Cell, home.Cell)
	}
	if e.cellOccupied(home.Cell) != 2 || e.cellOccupied(stray.Cell) != 0 {
		t.Fatalf("occupancy %d %d", e.cellOccupied(home.Cell), e.cellOccupied(stray.Cell))
	}
	kinds := eventKinds(t, e, stray.Entity())
	if kinds[len(kinds)-1] != EvParcelMoved {
		t.Fatalf("history %v", kinds)
	}
	if n := must[int](t)(e.s.ApplyMisplaced(e.ctx, e.owner, inv)); n != 0 {
		t.Fatalf("applied twice: %d", n)
	}
	e.checkCellCounts()
}
