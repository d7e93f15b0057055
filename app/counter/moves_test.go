package counter

import (
	"encoding/json"
	"testing"
)

func TestMoveParcelBetweenCells(t *testing.T) {
	e := newEnv(t)
	ps := e.shelveParcels("kgpost", s10(601, "KG"), s10(602, "KG"), s10(603, "KG"))
	from := ps[0].Cell

	moved := must[Parcel](t)(e.s.MoveParcel(e.ctx, e.owner, ps[0].Track, "CELL-B-2-05"))
	if moved.Cell != "B-2-05" || moved.Status != StatusStored {
		t.Fatalf("moved %+v", moved)
	}
	if e.cellOccupied(from) != 0 || e.cellOccupied("B-2-05") != 1 {
		t.Fatalf("occupancy %s=%d B-2-05=%d", from, e.cellOccupied(from), e.cellOccupied("B-2-05"))
	}
	evs := must[[]Event](t)(e.s.EntityEvents(e.ctx, ps[0].Entity()))
	last := evs[len(evs)-1]
	var body map[string]any
	json.Unmarshal(last.Payload, &body)
	if last.Kind != EvParcelMoved || body["from"] != from || body["to"] != "B-2-05" || body["track"] != ps[0].Track {
		t.Fatalf("event %s %s", last.Kind, last.Payload)
	}
	e.checkCellCounts()

	_, err := e.s.MoveParcel(e.ctx, e.owner, ps[0].Track, " b-2-05 ")
	wantErrArgs(t, err, ErrSameCell)

	if err := e.s.SaveCell(e.ctx, e.owner, "B-2-04", "M", 3, false); err != nil {
		t.Fatal(err)
	}
	_, err = e.s.MoveParcel(e.ctx, e.owner, ps[1].Track, "B-2-04")
	wantErrArgs(t, err, ErrCellInactive)

	if err := e.s.SaveCell(e.ctx, e.owner, "B-2-03", "M", 1, true); err != nil {
		t.Fatal(err)
	}
	must[Parcel](t)(e.s.MoveParcel(e.ctx, e.owner, ps[1].Track, "B-2-03"))
	_, err = e.s.MoveParcel(e.ctx, e.owner, ps[2].Track, "CELL-B-2-03")
	if args := wantErrArgs(t, err, ErrCellFull); args["Capacity"] != 1 || args["Cell"] != "B-2-03" {
		t.Fatalf("args %v", args)
	}
	_, err = e.s.MoveParcel(e.ctx, e.owner, ps[2].Track, "Z-9-99")
	wantErrArgs(t, err, ErrCellUnknown)
	if got := e.parcelNow(ps[2].ID); got.Cell != ps[2].Cell {
		t.Fatalf("refused move changed the parcel: %+v", got)
	}

	// A refused parcel waiting for return may move; an issued one may not.
	must[HandoverResult](t)(e.s.Issue(e.ctx, e.owner, IssueRequest{Items: []IssueItem{{ParcelID: ps[1].ID, Refuse: "size"}}}))
	back := must[Parcel](t)(e.s.MoveParcel(e.ctx, e.owner, ps[1].Track, "A-1-01"))
	if back.Status != StatusToReturn || back.Cell != "A-1-01" || e.cellOccupied("B-2-03") != 0 {
		t.Fatalf("moved return %+v", back)
	}
	must[HandoverResult](t)(e.s.Issue(e.ctx, e.owner, IssueRequest{Items: []IssueItem{{ParcelID: ps[2].ID, Scanned: ps[2].Track}}}))
	_, err = e.s.MoveParcel(e.ctx, e.owner, ps[2].Track, "A-1-02")
	wantErrArgs(t, err, ErrIssued)
	_, err = e.s.MoveParcel(e.ctx, e.owner, "CELL-A-1-01", "A-1-02")
	wantErrArgs(t, err, ErrWrongKind)
	e.checkCellCounts()
}
