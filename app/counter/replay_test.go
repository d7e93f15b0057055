package counter

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"smartpoint/app/store"
)

// checkInvariants fails t unless the database holds together: SQLite's own
// checks pass, every cell's occupied count is the number of parcels in it,
// a parcel is in a cell exactly while it is on the shelves, and the state
// tables equal a replay of the event log.
func checkInvariants(t testing.TB, s *Service) {
	t.Helper()
	checkDB(t, s.db)
}

// checkDB is checkInvariants on a bare store (the crash test reopens the
// file without a service).
func checkDB(t testing.TB, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	// One read transaction: every check sees the same snapshot.
	tx, err := db.R.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatalf("invariants: begin: %v", err)
	}
	defer tx.Rollback()
	var problems []string
	problems = append(problems, sqliteProblems(ctx, tx)...)
	problems = append(problems, cellProblems(ctx, tx)...)
	problems = append(problems, shelfProblems(ctx, tx)...)
	problems = append(problems, replayProblems(ctx, tx)...)
	if len(problems) > 0 {
		if len(problems) > 20 {
			problems = append(problems[:20], fmt.Sprintf("… and %d more", len(problems)-20))
		}
		t.Fatalf("invariants broken:\n  %s", strings.Join(problems, "\n  "))
	}
}

// sqliteProblems runs PRAGMA integrity_check and foreign_key_check.
func sqliteProblems(ctx context.Context, tx *sql.Tx) []string {
	var out []string
	rows, err := tx.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return []string{"integrity_check: " + err.Error()}
	}
	var lines []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return []string{"integrity_check: " + err.Error()}
		}
		lines = append(lines, line)
	}
	rows.Close()
	if len(lines) != 1 || lines[0] != "ok" {
		out = append(out, "integrity_check: "+strings.Join(lines, "; "))
	}
	fk, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return append(out, "foreign_key_check: "+err.Error())
	}
	defer fk.Close()
	for fk.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var idx int
		if err := fk.Scan(&table, &rowid, &parent, &idx); err != nil {
			return append(out, "foreign_key_check: "+err.Error())
		}
		out = append(out, fmt.Sprintf("foreign key: %s row %d → %s", table, rowid.Int64, parent))
	}
	return out
}

// cellProblems checks occupied == parcels in the cell ≤ capacity. Capacity
// can only be lowered to what a cell holds (SaveCell), so it is never
// exceeded.
func cellProblems(ctx context.Context, tx *sql.Tx) []string {
	rows, err := tx.QueryContext(ctx, `SELECT c.label, c.capacity, c.occupied,
		(SELECT count(*) FROM parcels p WHERE p.cell_id = c.id) FROM cells c ORDER BY c.label`)
	if err != nil {
		return []string{"cells: " + err.Error()}
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var label string
		var capacity, occupied, count int
		if err := rows.Scan(&label, &capacity, &occupied, &count); err != nil {
			return append(out, "cells: "+err.Error())
		}
		if occupied != count {
			out = append(out, fmt.Sprintf("cell %s: occupied=%d but holds %d parcels", label, occupied, count))
		}
		if count > capacity {
			out = append(out, fmt.Sprintf("cell %s: holds %d parcels, capacity %d", label, count, capacity))
		}
	}
	return out
}

// shelfProblems checks that a parcel has a cell iff it is stored or waiting
// for return (the schema has a CHECK for it; this catches a dropped CHECK).
func shelfProblems(ctx context.Context, tx *sql.Tx) []string {
	rows, err := tx.QueryContext(ctx, `SELECT track, status, coalesce(cell_id,0) FROM parcels
		WHERE (status IN ('stored','to_return')) <> (cell_id IS NOT NULL)`)
	if err != nil {
		return []string{"parcels: " + err.Error()}
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var track, status string
		var cell int64
		if err := rows.Scan(&track, &status, &cell); err != nil {
			return append(out, "parcels: "+err.Error())
		}
		out = append(out, fmt.Sprintf("parcel %s: status %s with cell id %d", track, status, cell))
	}
	return out
}

// replayed is a parcel as the event log alone describes it.
type replayed struct {
	Status     Status
	Cell       string
	Box        string
	Act        string
	Damaged    bool
	Unexpected bool
}

// replayProblems folds the parcel events, oldest first, into the state
// they describe and compares it with the parcels table.
//
// Expected parcels are not replayed: a manifest arrives as one
// manifest.imported event per file (a 50,000-row file must not write
// 50,000 events), so the log records that a file was imported, not each
// announced parcel. A parcel enters the replay when it is accepted; every
// parcel that is not 'expected' must have done so.
func replayProblems(ctx context.Context, tx *sql.Tx) []string {
	state, out := replayEvents(ctx, tx)
	parcels, err := queryParcels(ctx, tx, `WHERE p.status <> 'expected' ORDER BY p.id`)
	if err != nil {
		return append(out, "replay: "+err.Error())
	}
	seen := map[string]bool{}
	for _, p := range parcels {
		e := p.Entity()
		seen[e] = true
		r, ok := state[e]
		if !ok {
			out = append(out, fmt.Sprintf("%s: status %s in the table, no parcel.accepted in the log", e, p.Status))
			continue
		}
		got := replayed{Status: p.Status, Cell: p.Cell, Box: p.ReturnBox, Act: p.ReturnAct, Damaged: p.Damaged, Unexpected: p.Unexpected}
		if got != *r {
			out = append(out, fmt.Sprintf("%s: table %+v, log replays to %+v", e, got, *r))
		}
	}
	for _, e := range slices.Sorted(maps.Keys(state)) {
		if !seen[e] {
			out = append(out, fmt.Sprintf("%s: the log replays to %+v, the table has no such parcel on hand", e, *state[e]))
		}
	}
	return out
}

// replayEvents folds every parcel.* event. Each transition also checks the
// state it starts from, and an unknown parcel.* kind is a problem: a new
// kind must be taught to the replay, not silently ignored.
func replayEvents(ctx context.Context, tx *sql.Tx) (map[string]*replayed, []string) {
	state := map[string]*replayed{}
	var out []string
	rows, err := tx.QueryContext(ctx, `SELECT seq, kind, entity, payload FROM events
		WHERE kind LIKE 'parcel.%' OR entity LIKE 'parcel:%' ORDER BY seq`)
	if err != nil {
		return state, []string{"events: " + err.Error()}
	}
	defer rows.Close()
	for rows.Next() {
		var seq int64
		var kind, entity, body string
		if err := rows.Scan(&seq, &kind, &entity, &body); err != nil {
			return state, append(out, "events: "+err.Error())
		}
		if err := replayApply(state, kind, entity, body); err != nil {
			out = append(out, fmt.Sprintf("event #%d %s %s %s: %v", seq, kind, entity, body, err))
		}
	}
	return state, out
}

// replayPayload reads the keys of one event body; a missing key the replay
// needs is an error (the event would not be enough to rebuild the state).
type replayPayload map[string]any

func (p replayPayload) str(key string) (string, error) {
	v, ok := p[key]
	if !ok || v == nil {
		return "", fmt.Errorf("payload has no %q", key)
	}
	switch v := v.(type) {
	case string:
		return v, nil
	case float64:
		return fmt.Sprint(int64(v)), nil
	}
	return "", fmt.Errorf("payload %q is %T", key, v)
}

func (p replayPayload) flag(key string) (bool, error) {
	v, ok := p[key].(bool)
	if !ok {
		return false, fmt.Errorf("payload has no boolean %q", key)
	}
	return v, nil
}

func replayApply(state map[string]*replayed, kind, entity, body string) error {
	if !strings.HasPrefix(kind, "parcel.") || !strings.HasPrefix(entity, "parcel:") {
		return fmt.Errorf("parcel event on a non-parcel entity or vice versa")
	}
	var p replayPayload
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		return fmt.Errorf("payload: %w", err)
	}
	if err := replayEntity(p, entity, kind == EvParcelAccepted); err != nil {
		return err
	}
	if kind == EvParcelAccepted {
		return replayAccepted(state, entity, p)
	}
	r, ok := state[entity]
	if !ok {
		return fmt.Errorf("event before parcel.accepted")
	}
	from := func(allowed ...Status) error {
		if !slices.Contains(allowed, r.Status) {
			return fmt.Errorf("replayed status is %s, want one of %v", r.Status, allowed)
		}
		return nil
	}
	sameCell := func(key string) error {
		if _, present := p[key]; !present {
			return nil
		}
		cell, err := p.str(key)
		if err != nil {
			return err
		}
		if cell != r.Cell {
			return fmt.Errorf("payload %s=%q, replayed cell is %q", key, cell, r.Cell)
		}
		return nil
	}
	switch kind {
	case EvParcelDuplicate:
		return from(StatusStored, StatusToReturn)
	case EvParcelIssued:
		if err := from(StatusStored); err != nil {
			return err
		}
		if err := sameCell("cell"); err != nil {
			return err
		}
		r.Status, r.Cell = StatusIssued, ""
	case EvParcelRefused, EvParcelExpired:
		if err := from(StatusStored); err != nil {
			return err
		}
		if err := sameCell("cell"); err != nil {
			return err
		}
		r.Status = StatusToReturn
	case EvParcelMoved:
		if err := from(StatusStored, StatusToReturn); err != nil {
			return err
		}
		if err := sameCell("from"); err != nil {
			return err
		}
		to, err := p.str("to")
		if err != nil {
			return err
		}
		r.Cell = to
	case EvParcelBoxed:
		if err := from(StatusToReturn); err != nil {
			return err
		}
		if err := sameCell("cell"); err != nil {
			return err
		}
		box, err := p.str("box")
		if err != nil {
			return err
		}
		r.Status, r.Cell, r.Box = StatusBoxed, "", box
	case EvParcelUnboxed:
		if err := from(StatusBoxed); err != nil {
			return err
		}
		if err := replaySameBox(p, r); err != nil {
			return err
		}
		cell, err := p.str("cell")
		if err != nil {
			return err
		}
		r.Status, r.Cell, r.Box = StatusToReturn, cell, ""
	case EvParcelReturned:
		if err := from(StatusBoxed); err != nil {
			return err
		}
		if err := replaySameBox(p, r); err != nil {
			return err
		}
		act, err := p.str("act")
		if err != nil {
			return err
		}
		r.Status, r.Act = StatusReturned, act
	default:
		return fmt.Errorf("unknown parcel event kind: teach the replay in replay_test.go")
	}
	return nil
}

func replayAccepted(state map[string]*replayed, entity string, p replayPayload) error {
	if prev, ok := state[entity]; ok {
		return fmt.Errorf("accepted again (replayed status %s)", prev.Status)
	}
	cell, err := p.str("cell")
	if err != nil {
		return err
	}
	damaged, err := p.flag("damaged")
	if err != nil {
		return err
	}
	unexpected, err := p.flag("unexpected")
	if err != nil {
		return err
	}
	state[entity] = &replayed{Status: StatusStored, Cell: cell, Damaged: damaged, Unexpected: unexpected}
	return nil
}

// replayEntity checks that partner and track in the payload (required on
// parcel.accepted) name the event's entity.
func replayEntity(p replayPayload, entity string, required bool) error {
	_, hasPartner := p["partner"]
	_, hasTrack := p["track"]
	if !required && !hasPartner && !hasTrack {
		return nil
	}
	partner, err := p.str("partner")
	if err != nil {
		return err
	}
	track, err := p.str("track")
	if err != nil {
		return err
	}
	if want := parcelEntity(partner, track); want != entity {
		return fmt.Errorf("payload names %s", want)
	}
	return nil
}

func replaySameBox(p replayPayload, r *replayed) error {
	box, err := p.str("box")
	if err != nil {
		return err
	}
	if box != r.Box {
		return fmt.Errorf("payload box=%q, replayed box is %q", box, r.Box)
	}
	return nil
}

// TestReplayMatchesState runs the invariants over a small day of work and
// shows that they catch a state table drifting from the log.
func TestReplayMatchesState(t *testing.T) {
	e := newEnv(t)
	e.importCSV("kgpost", "track,name,phone,cod\n"+
		s10(1, "KG")+",Азамат,+996700111222,150\n"+
		s10(2, "KG")+",Азамат,+996700111222,0\n"+
		s10(3, "KG")+",Бермет,+996700333444,0\n")
	checkInvariants(t, e.s)
	for i := 1; i <= 3; i++ {
		must[AcceptResult](t)(e.s.Accept(e.ctx, e.owner, 0, s10(i, "KG"), AcceptOptions{Damaged: i == 3}))
	}
	must[AcceptResult](t)(e.s.Accept(e.ctx, e.owner, 0, s10(9, "KG"), AcceptOptions{})) // unexpected
	must[AcceptResult](t)(e.s.Accept(e.ctx, e.owner, 0, s10(1, "KG"), AcceptOptions{})) // duplicate
	checkInvariants(t, e.s)

	look := must[IssueLookup](t)(e.s.FindForIssue(e.ctx, e.owner, "+996700111222"))
	if len(look.Parcels) != 2 {
		t.Fatalf("lookup found %d parcels, want 2", len(look.Parcels))
	}
	req := IssueRequest{Paid: look.Parcels[0].CODAmount + look.Parcels[1].CODAmount, PayMethod: PayCash}
	for _, p := range look.Parcels {
		if p.CODAmount > 0 {
			req.Items = append(req.Items, IssueItem{ParcelID: p.ID, Scanned: p.Track})
		} else {
			req.Items = append(req.Items, IssueItem{ParcelID: p.ID, Refuse: "changed_mind"})
		}
	}
	must[HandoverResult](t)(e.s.Issue(e.ctx, e.owner, req))
	checkInvariants(t, e.s)

	// The rest of a parcel's life: moved, expired, boxed, unboxed, returned.
	must[Parcel](t)(e.s.MoveParcel(e.ctx, e.owner, s10(3, "KG"), "CELL-B-2-05"))
	checkInvariants(t, e.s)
	e.clock.Advance(31 * 24 * time.Hour)
	if n := must[int](t)(e.s.ExpireOverdue(e.ctx, e.owner)); n != 2 {
		t.Fatalf("expired %d parcels, want 2", n)
	}
	checkInvariants(t, e.s)
	box := must[ReturnBox](t)(e.s.OpenReturnBox(e.ctx, e.owner, "kgpost"))
	for _, i := range []int{2, 3, 9} {
		must[Parcel](t)(e.s.AddToReturnBox(e.ctx, e.owner, box.Label(), s10(i, "KG")))
		checkInvariants(t, e.s)
	}
	must[Parcel](t)(e.s.RemoveFromReturnBox(e.ctx, e.owner, box.Number, s10(9, "KG")))
	checkInvariants(t, e.s)
	must[ReturnAct](t)(e.s.HandOverReturns(e.ctx, e.owner, []string{box.Number}, "Курьер"))
	checkInvariants(t, e.s)

	// Every parcel event kind went through the replay above.
	var kinds []string
	rows := must[*sql.Rows](t)(e.db.R.Query(`SELECT DISTINCT kind FROM events WHERE kind LIKE 'parcel.%'`))
	for rows.Next() {
		var k string
		rows.Scan(&k)
		kinds = append(kinds, k)
	}
	rows.Close()
	for _, k := range []string{EvParcelAccepted, EvParcelDuplicate, EvParcelIssued, EvParcelRefused, EvParcelExpired,
		EvParcelMoved, EvParcelBoxed, EvParcelUnboxed, EvParcelReturned} {
		if !slices.Contains(kinds, k) {
			t.Errorf("the replay test never produced %s (got %v)", k, kinds)
		}
	}

	// Break the state behind the log's back: each must be caught.
	for _, c := range []struct{ name, sql string }{
		{"occupied drift", `UPDATE cells SET occupied = occupied + 1 WHERE id = (SELECT min(id) FROM cells)`},
		{"status drift", `UPDATE parcels SET status='issued', cell_id=NULL WHERE track='` + s10(9, "KG") + `'`},
		{"damage drift", `UPDATE parcels SET damaged=1 WHERE track='` + s10(2, "KG") + `'`},
		{"unknown kind", `INSERT INTO events(id,kind,entity,at,payload) VALUES('x-1','parcel.teleported','parcel:kgpost:` + s10(2, "KG") + `',0,'{}')`},
	} {
		t.Run(c.name, func(t *testing.T) {
			e2 := newEnv(t)
			e2.importCSV("kgpost", "track,name\n"+s10(2, "KG")+",Азамат\n")
			must[AcceptResult](t)(e2.s.Accept(e2.ctx, e2.owner, 0, s10(2, "KG"), AcceptOptions{}))
			must[AcceptResult](t)(e2.s.Accept(e2.ctx, e2.owner, 0, s10(9, "KG"), AcceptOptions{}))
			checkInvariants(t, e2.s)
			if _, err := e2.db.W.Exec(c.sql); err != nil {
				t.Fatal(err)
			}
			rec := &invRecorder{TB: t}
			func() {
				defer func() { recover() }()
				checkInvariants(rec, e2.s)
			}()
			if !rec.failed {
				t.Fatalf("checkInvariants missed %s", c.name)
			}
			t.Logf("caught: %s", rec.msg)
		})
	}
}

// invRecorder is a testing.TB that records a failure instead of failing, to
// test the checker itself.
type invRecorder struct {
	testing.TB
	failed bool
	msg    string
}

func (r *invRecorder) Helper() {}
func (r *invRecorder) Fatalf(format string, args ...any) {
	r.failed, r.msg = true, fmt.Sprintf(format, args...)
	panic(r)
}
