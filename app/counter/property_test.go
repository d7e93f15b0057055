package counter

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"smartpoint/app/errs"
)

// TestPropertyRandomOperations runs random sequences of counter work —
// manifests, acceptance, issue with refusals and cash, time passing,
// expiry, moves, return boxes, cell changes and illegal actions on purpose
// — and checks the invariants after every step. Domain errors are part of
// the game; a failing action must change nothing, and an error that is not
// a typed *errs.Error is a bug (an internal error reached the clerk).
// Set SP_PROP_SEED to replay a run.
func TestPropertyRandomOperations(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("SP_PROP_SEED"); v != "" {
		var err error
		if seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			t.Fatalf("SP_PROP_SEED: %v", err)
		}
	}
	t.Logf("seed %d (rerun with SP_PROP_SEED=%d)", seed, seed)
	sequences, steps := 30, 60
	if testing.Short() {
		sequences, steps = 8, 40
	}
	stats := map[string]int{} // "op → outcome" over all sequences
	for i := range sequences {
		t.Run(fmt.Sprintf("seq%02d", i), func(t *testing.T) {
			r := &propRun{t: t, e: newEnv(t), rng: rand.New(rand.NewPCG(seed, uint64(i))), stats: stats}
			defer func() {
				if t.Failed() {
					t.Logf("seed %d sequence %d, steps:\n  %s", seed, i, strings.Join(r.log, "\n  "))
				}
			}()
			for n := range steps {
				r.step(n)
			}
		})
	}
	var lines []string
	for k, n := range stats {
		lines = append(lines, fmt.Sprintf("%5d %s", n, k))
	}
	slices.Sort(lines)
	t.Logf("outcomes:\n%s", strings.Join(lines, "\n"))
}

// propRun is one random sequence.
type propRun struct {
	t      *testing.T
	e      *env
	rng    *rand.Rand
	log    []string
	serial int // source of fresh tracks
	files  int // manifest file counter
	stats  map[string]int
}

// propOp is one kind of action: it does it, checks its own outcome, and
// returns what it did and the error the service returned.
type propOp struct {
	weight int
	run    func(r *propRun) (string, error)
}

var propOps = []propOp{
	{4, (*propRun).opImport},
	{8, (*propRun).opAcceptExpected},
	{4, (*propRun).opAcceptUnexpected},
	{2, (*propRun).opAcceptDuplicate},
	{7, (*propRun).opIssue},
	{3, (*propRun).opClock},
	{2, (*propRun).opClockEdge},
	{3, (*propRun).opExpire},
	{3, (*propRun).opMove},
	{1, (*propRun).opSaveCell},
	{2, (*propRun).opOpenBox},
	{6, (*propRun).opAddToBox},
	{2, (*propRun).opRemoveFromBox},
	{3, (*propRun).opHandOver},
	{1, (*propRun).opCloseDelivery},
	{4, (*propRun).opIllegal},
}

func (r *propRun) step(n int) {
	t := r.t
	total := 0
	for _, op := range propOps {
		total += op.weight
	}
	pick := r.rng.IntN(total)
	var op propOp
	for _, op = range propOps {
		if pick < op.weight {
			break
		}
		pick -= op.weight
	}
	before := r.snapshot()
	what, err := op.run(r)
	entry := fmt.Sprintf("%02d %s", n, what)
	if err != nil {
		entry += " → " + string(errs.CodeOf(err))
	}
	r.log = append(r.log, entry)
	kind, _, _ := strings.Cut(what, " ")
	if strings.HasPrefix(what, "illegal") {
		kind = "illegal"
	}
	outcome := "ok"
	if err != nil {
		outcome = string(errs.CodeOf(err))
	}
	r.stats[kind+" → "+outcome]++
	if err != nil {
		if errs.CodeOf(err) == "" {
			t.Fatalf("step %d %s: not a domain error (an internal error reached the clerk): %v", n, what, err)
		}
		if diff := propDiff(before, r.snapshot()); diff != "" {
			t.Fatalf("step %d %s failed with %v but changed the database:\n%s", n, what, err, diff)
		}
	}
	checkInvariants(t, r.e.s)
}

// Recipients: a few phones, so one customer often has several parcels.
var propPeople = []struct{ name, phone string }{
	{"Азамат Токтогулов", "+996700000001"},
	{"Бермет Асанова", "+996700000002"},
	{"Нурлан", "+996555000003"},
	{"Айпери", ""},
}

var propPartners = []string{"kgpost", "cdek"}

// newTrack is a never-seen track the partner's scan rule recognises.
func (r *propRun) newTrack(partner string) string {
	r.serial++
	if partner == "cdek" {
		return fmt.Sprintf("1%09d", 100000000+r.serial)
	}
	return s10(r.serial, "KG")
}

func (r *propRun) parcels(where string, args ...any) []Parcel {
	r.t.Helper()
	return r.parcelsBy("WHERE "+where+" ORDER BY p.id", args...)
}

func (r *propRun) parcelsBy(clause string, args ...any) []Parcel {
	r.t.Helper()
	ps, err := queryParcels(r.e.ctx, r.e.s.db.R, clause, args...)
	if err != nil {
		r.t.Fatal(err)
	}
	return ps
}

func (r *propRun) parcelByID(id int64) Parcel {
	r.t.Helper()
	p, err := r.e.s.Parcel(r.e.ctx, id)
	if err != nil {
		r.t.Fatal(err)
	}
	return p
}

func propPick[T any](rng *rand.Rand, xs []T) (T, bool) {
	var zero T
	if len(xs) == 0 {
		return zero, false
	}
	return xs[rng.IntN(len(xs))], true
}

func (r *propRun) chance(num, den int) bool { return r.rng.IntN(den) < num }

// allow fails the test if err is a domain error the action cannot
// legitimately end with (allowed lists the ones it can).
func (r *propRun) allow(what string, err error, allowed ...errs.Code) {
	r.t.Helper()
	if err != nil && errs.CodeOf(err) != "" && !slices.Contains(allowed, errs.CodeOf(err)) {
		r.t.Fatalf("%s: unexpected error %v (allowed: %v)", what, err, allowed)
	}
}

// propStateCodes are the errors that explain a parcel's state.
var propStateCodes = []errs.Code{ErrIssued, ErrReturned, ErrBoxed, ErrNotArrived, ErrToReturn, ErrNotOnHand}

func (r *propRun) opImport() (string, error) {
	partner := propPartners[r.rng.IntN(len(propPartners))]
	var csv strings.Builder
	csv.WriteString("track,name,phone,cod,size\n")
	n := 1 + r.rng.IntN(4)
	tracks := make([]string, 0, n)
	if old, ok := propPick(r.rng, r.parcels("pa.code = ?", partner)); ok && r.chance(1, 3) {
		tracks = append(tracks, old.Track) // a corrected or repeated row
	}
	for len(tracks) < n {
		tracks = append(tracks, r.newTrack(partner))
	}
	for _, tr := range tracks {
		who := propPeople[r.rng.IntN(len(propPeople))]
		cod := []int{0, 0, 120, 350}[r.rng.IntN(4)]
		size := []string{"", "S", "M", "L"}[r.rng.IntN(4)]
		fmt.Fprintf(&csv, "%s,%s,%s,%d,%s\n", tr, who.name, who.phone, cod, size)
	}
	r.files++
	res, err := r.e.s.ImportManifest(r.e.ctx, r.e.owner, strings.NewReader(csv.String()),
		ImportOptions{Partner: partner, Filename: fmt.Sprintf("m%d.csv", r.files)})
	what := fmt.Sprintf("import %s %v", partner, tracks)
	if err == nil && !res.AlreadyImported && res.Saved+res.AlreadyAccepted != len(tracks) {
		r.t.Fatalf("%s: saved %d + already accepted %d, want %d rows", what, res.Saved, res.AlreadyAccepted, len(tracks))
	}
	return what, err
}

func (r *propRun) acceptOptions() AcceptOptions {
	opt := AcceptOptions{Damaged: r.chance(1, 8)}
	if opt.Damaged {
		opt.DamageNote = "мятая коробка"
	}
	if r.chance(1, 5) {
		opt.Size = []string{"S", "M", "L", "XL"}[r.rng.IntN(4)] // XL: no such cell here
	}
	return opt
}

func (r *propRun) opAcceptExpected() (string, error) {
	p, ok := propPick(r.rng, r.parcels("p.status = 'expected'"))
	if !ok {
		return r.opAcceptUnexpected()
	}
	opt := r.acceptOptions()
	res, err := r.e.s.Accept(r.e.ctx, r.e.owner, 0, p.Track, opt)
	what := fmt.Sprintf("accept expected %s %+v", p.Track, opt)
	r.allow(what, err, ErrNoFreeCell)
	if err == nil {
		got := r.parcelByID(p.ID)
		if got.Status != StatusStored || got.Cell == "" || res.Cell != got.Cell || got.Unexpected || got.Damaged != opt.Damaged {
			r.t.Fatalf("%s: parcel is now %+v (result %s in %s)", what, got, res.Outcome, res.Cell)
		}
		if want := map[bool]Outcome{false: OutcomeOK, true: OutcomeDamaged}[opt.Damaged]; res.Outcome != want {
			r.t.Fatalf("%s: outcome %s, want %s", what, res.Outcome, want)
		}
	}
	return what, err
}

func (r *propRun) opAcceptUnexpected() (string, error) {
	partner := propPartners[r.rng.IntN(len(propPartners))]
	track := r.newTrack(partner)
	opt := r.acceptOptions()
	if r.chance(1, 2) {
		opt.Partner = partner // the clerk's choice when the code is ambiguous (cdek or dhl)
	}
	res, err := r.e.s.Accept(r.e.ctx, r.e.owner, 0, track, opt)
	what := fmt.Sprintf("accept unexpected %s %+v", track, opt)
	if opt.Partner == "" {
		r.allow(what, err, ErrNoFreeCell, ErrAmbiguous)
	} else {
		r.allow(what, err, ErrNoFreeCell)
	}
	if err == nil && (!res.Parcel.Unexpected || res.Parcel.Status != StatusStored ||
		(res.Outcome != OutcomeUnexpected && res.Outcome != OutcomeDamaged)) {
		r.t.Fatalf("%s: outcome %s, parcel %+v", what, res.Outcome, res.Parcel)
	}
	return what, err
}

// opAcceptDuplicate scans a parcel already on the shelves: nothing but the
// log may change.
func (r *propRun) opAcceptDuplicate() (string, error) {
	p, ok := propPick(r.rng, r.parcels("p.status IN ('stored','to_return')"))
	if !ok {
		return r.opAcceptUnexpected()
	}
	before := r.snapshot()
	res, err := r.e.s.Accept(r.e.ctx, r.e.owner, 0, p.Track, AcceptOptions{})
	what := "accept again " + p.Track
	r.allow(what, err)
	if err == nil {
		if res.Outcome != OutcomeDuplicate {
			r.t.Fatalf("%s: outcome %s, want duplicate", what, res.Outcome)
		}
		after := r.snapshot()
		for _, table := range []string{"parcels", "cells"} {
			if before[table] != after[table] {
				r.t.Fatalf("%s changed %s:\n%s", what, table, propDiff(map[string]string{table: before[table]}, map[string]string{table: after[table]}))
			}
		}
	}
	return what, err
}

// opIssue serves a customer: finds their parcels by track or phone, issues
// some, refuses some, pays exactly (or, now and then, not).
func (r *propRun) opIssue() (string, error) {
	p, ok := propPick(r.rng, r.parcels("p.status = 'stored'"))
	if !ok {
		return r.opAcceptExpected()
	}
	query := p.Track
	if p.RecipientPhone != "" && r.chance(1, 2) {
		query = p.RecipientPhone
	}
	look, err := r.e.s.FindForIssue(r.e.ctx, r.e.owner, query)
	r.allow("find "+query, err)
	if err != nil {
		return "find " + query, err
	}
	if !slices.ContainsFunc(look.Parcels, func(q Parcel) bool { return q.ID == p.ID }) {
		r.t.Fatalf("find %s: %s is stored but not found (%d found)", query, p.Track, len(look.Parcels))
	}
	var req IssueRequest
	var due int64
	var issued, refused []int64
	var wrong []errs.Code // what this request gets wrong on purpose
	for _, q := range look.Parcels {
		if len(req.Items) > 0 && r.chance(1, 3) {
			continue
		}
		it := IssueItem{ParcelID: q.ID, Scanned: q.Track}
		if r.chance(1, 4) {
			it.Refuse = RefuseReasons[r.rng.IntN(len(RefuseReasons))]
			if it.Refuse == "other" && r.chance(2, 3) {
				it.RefuseNote = "не подошёл цвет"
			} else if it.Refuse == "other" {
				wrong = append(wrong, ErrRefuseReason)
			}
			refused = append(refused, q.ID)
		} else {
			if r.chance(1, 20) {
				it.Scanned = s10(99_999_999, "KG") // a different label: not confirmed
				wrong = append(wrong, ErrNotConfirmed)
			}
			due += q.CODAmount
			issued = append(issued, q.ID)
		}
		req.Items = append(req.Items, it)
	}
	req.Paid = due
	if r.chance(1, 10) {
		req.Paid += 100 // wrong cash
		wrong = append(wrong, ErrCODMismatch)
	}
	if due > 0 {
		req.PayMethod = []string{PayCash, PayCard, PayCash, ""}[r.rng.IntN(4)]
		if req.PayMethod == "" {
			wrong = append(wrong, ErrInvalid)
		}
	}
	res, err := r.e.s.Issue(r.e.ctx, r.e.owner, req)
	what := fmt.Sprintf("issue via %s %+v", query, req)
	r.allow(what, err, wrong...)
	if err == nil && len(wrong) > 0 {
		r.t.Fatalf("%s: succeeded although it should fail with one of %v", what, wrong)
	}
	if err != nil {
		return what, err
	}
	if res.Due != due || len(res.Issued) != len(issued) || len(res.Refused) != len(refused) {
		r.t.Fatalf("%s: result due %d issued %d refused %d, want %d %d %d", what, res.Due, len(res.Issued), len(res.Refused), due, len(issued), len(refused))
	}
	for _, id := range issued {
		if q := r.parcelByID(id); q.Status != StatusIssued || q.Handover != res.Number {
			r.t.Fatalf("%s: issued parcel is now %s in handover %q", what, q.Status, q.Handover)
		}
	}
	for _, id := range refused {
		if q := r.parcelByID(id); q.Status != StatusToReturn || !strings.HasPrefix(q.ReturnReason, "refused:") {
			r.t.Fatalf("%s: refused parcel is now %s (%s)", what, q.Status, q.ReturnReason)
		}
	}
	return what, nil
}

func (r *propRun) opClock() (string, error) {
	d := time.Duration(1+r.rng.IntN(30)) * time.Hour
	if r.chance(1, 2) {
		d = time.Duration(1+r.rng.IntN(12)) * 24 * time.Hour
	}
	r.e.clock.Advance(d)
	return "clock +" + d.String(), nil
}

// opClockEdge moves the clock to just before, at or just after the next
// storage deadline: where off-by-one expiry bugs live.
func (r *propRun) opClockEdge() (string, error) {
	now := r.e.clock.Now()
	next := r.parcelsBy("WHERE p.status = 'stored' AND p.deadline_at > ? ORDER BY p.deadline_at LIMIT 1", ms(now))
	if len(next) == 0 {
		return r.opClock()
	}
	at := next[0].DeadlineAt.Add([]time.Duration{-time.Minute, 0, time.Millisecond}[r.rng.IntN(3)])
	if !at.After(now) {
		return r.opClock()
	}
	r.e.clock.Set(at)
	return fmt.Sprintf("clock to %s (deadline of %s %s)", at.Format(time.RFC3339Nano), next[0].Track, next[0].DeadlineAt.Format(time.RFC3339)), nil
}

func (r *propRun) opExpire() (string, error) {
	now := r.e.clock.Now()
	overdue := r.parcels("p.status = 'stored' AND p.deadline_at < ?", ms(now))
	n, err := r.e.s.ExpireOverdue(r.e.ctx, r.e.owner)
	what := fmt.Sprintf("expire overdue (%d due)", len(overdue))
	r.allow(what, err)
	if err == nil {
		if n != len(overdue) {
			r.t.Fatalf("%s: expired %d", what, n)
		}
		for _, p := range overdue {
			if q := r.parcelByID(p.ID); q.Status != StatusToReturn || q.ReturnReason != "expired" || q.Cell != p.Cell {
				r.t.Fatalf("%s: %s is now %s (%s) in %q", what, p.Track, q.Status, q.ReturnReason, q.Cell)
			}
		}
	}
	return what, err
}

func (r *propRun) randomCell() string {
	cells, err := r.e.s.Cells(r.e.ctx)
	if err != nil {
		r.t.Fatal(err)
	}
	if r.chance(1, 15) {
		return "Z-9-99" // no such cell
	}
	c, _ := propPick(r.rng, cells)
	if r.chance(1, 2) {
		return "CELL-" + c.Label // scanned from the shelf label
	}
	return strings.ToLower(c.Label) // typed
}

func (r *propRun) opMove() (string, error) {
	ps := r.parcels("p.status IN ('stored','to_return')")
	if r.chance(1, 5) || len(ps) == 0 {
		ps = r.parcels("1=1")
	}
	p, ok := propPick(r.rng, ps)
	if !ok {
		return r.opAcceptUnexpected()
	}
	cell := r.randomCell()
	if p.Cell != "" && r.chance(1, 8) {
		cell = p.Cell // the same cell
	}
	got, err := r.e.s.MoveParcel(r.e.ctx, r.e.owner, p.Track, cell)
	what := fmt.Sprintf("move %s (%s in %q) to %s", p.Track, p.Status, p.Cell, cell)
	r.allow(what, err, append([]errs.Code{ErrCellUnknown, ErrCellInactive, ErrSameCell, ErrCellFull}, propStateCodes...)...)
	if err == nil && (got.Status != p.Status || got.Cell == p.Cell || !strings.HasSuffix(strings.ToUpper(cell), got.Cell)) {
		r.t.Fatalf("%s: parcel is now %s in %q", what, got.Status, got.Cell)
	}
	return what, err
}

// opSaveCell resizes or switches off a cell; it may not shrink below what
// the cell holds.
func (r *propRun) opSaveCell() (string, error) {
	cells, err := r.e.s.Cells(r.e.ctx)
	if err != nil {
		r.t.Fatal(err)
	}
	c, _ := propPick(r.rng, cells)
	capacity := 1 + r.rng.IntN(4)
	active := !r.chance(1, 6)
	err = r.e.s.SaveCell(r.e.ctx, r.e.owner, c.Label, c.Size, capacity, active)
	what := fmt.Sprintf("save cell %s (holds %d) capacity %d active %v", c.Label, c.Occupied, capacity, active)
	if capacity < c.Occupied {
		r.allow(what, err, ErrCellFull)
		if err == nil {
			r.t.Fatalf("%s: shrunk below what it holds", what)
		}
	} else {
		r.allow(what, err)
	}
	return what, err
}

func (r *propRun) openBoxes() []ReturnBox {
	bs, err := r.e.s.ReturnBoxes(r.e.ctx, BoxOpen)
	if err != nil {
		r.t.Fatal(err)
	}
	return bs
}

func (r *propRun) opOpenBox() (string, error) {
	return r.opOpenBoxFor(propPartners[r.rng.IntN(len(propPartners))])
}

func (r *propRun) opOpenBoxFor(partner string) (string, error) {
	b, err := r.e.s.OpenReturnBox(r.e.ctx, r.e.owner, partner)
	r.allow("open box "+partner, err)
	if err == nil && (b.Partner != partner || b.Status != BoxOpen || b.Parcels != 0) {
		r.t.Fatalf("open box for %s: got %+v", partner, b)
	}
	return "open box " + partner + " " + b.Number, err
}

func (r *propRun) opAddToBox() (string, error) {
	// Mostly the normal work: a waiting return into an open box of its
	// partner (opened on demand); else anything into any box.
	p, ok := propPick(r.rng, r.parcels("p.status = 'to_return'"))
	var b ReturnBox
	if ok && r.chance(3, 4) {
		open := slices.DeleteFunc(r.openBoxes(), func(b ReturnBox) bool { return b.Partner != p.Partner })
		if b, ok = propPick(r.rng, open); !ok {
			return r.opOpenBoxFor(p.Partner)
		}
	} else {
		boxes, err := r.e.s.ReturnBoxes(r.e.ctx, "")
		if err != nil {
			r.t.Fatal(err)
		}
		if b, ok = propPick(r.rng, boxes); !ok {
			return r.opOpenBox()
		}
		if p, ok = propPick(r.rng, r.parcels("1=1")); !ok {
			return r.opAcceptUnexpected()
		}
	}
	ref := b.Number
	if r.chance(1, 2) {
		ref = b.Label()
	}
	got, err := r.e.s.AddToReturnBox(r.e.ctx, r.e.owner, ref, p.Track)
	what := fmt.Sprintf("add %s (%s %s) to box %s (%s %s)", p.Track, p.Partner, p.Status, ref, b.Partner, b.Status)
	r.allow(what, err, append([]errs.Code{ErrBoxHanded, ErrBoxPartner, ErrNotReturn}, propStateCodes...)...)
	if err == nil && (got.Status != StatusBoxed || got.ReturnBox != b.Number || got.Cell != "") {
		r.t.Fatalf("%s: parcel is now %s in box %q cell %q", what, got.Status, got.ReturnBox, got.Cell)
	}
	return what, err
}

func (r *propRun) opRemoveFromBox() (string, error) {
	p, ok := propPick(r.rng, r.parcels("p.status = 'boxed'"))
	if !ok {
		return r.opAddToBox()
	}
	box := p.ReturnBox
	if b, ok := propPick(r.rng, r.openBoxes()); ok && r.chance(1, 4) {
		box = b.Number // possibly the wrong box
	}
	got, err := r.e.s.RemoveFromReturnBox(r.e.ctx, r.e.owner, box, p.Track)
	what := fmt.Sprintf("remove %s (in box %s) from box %s", p.Track, p.ReturnBox, box)
	r.allow(what, err, ErrNotInBox, ErrNoFreeCell, ErrBoxHanded)
	if err == nil && (got.Status != StatusToReturn || got.ReturnBox != "" || got.Cell == "") {
		r.t.Fatalf("%s: parcel is now %s in box %q cell %q", what, got.Status, got.ReturnBox, got.Cell)
	}
	return what, err
}

func (r *propRun) opHandOver() (string, error) {
	boxes := r.openBoxes()
	if len(boxes) == 0 {
		return r.opOpenBox()
	}
	// Mostly the courier takes one partner's filled boxes; else any mix
	// (empty or of two partners: refused).
	var numbers []string
	first, _ := propPick(r.rng, slices.DeleteFunc(slices.Clone(boxes), func(b ReturnBox) bool { return b.Parcels == 0 }))
	for _, b := range boxes {
		if first.Number != "" && r.chance(3, 4) {
			if b.Partner == first.Partner && b.Parcels > 0 {
				numbers = append(numbers, b.Number)
			}
		} else if len(numbers) == 0 || r.chance(1, 3) {
			numbers = append(numbers, b.Number)
		}
	}
	if len(numbers) == 0 {
		numbers = append(numbers, boxes[0].Number)
	}
	act, err := r.e.s.HandOverReturns(r.e.ctx, r.e.owner, numbers, "Курьер Тилек")
	what := fmt.Sprintf("hand over boxes %v", numbers)
	r.allow(what, err, ErrBoxEmpty, ErrBoxMixed)
	if err != nil {
		return what, err
	}
	for _, p := range act.Parcels {
		if q := r.parcelByID(p.ID); q.Status != StatusReturned || q.ReturnAct != act.Number || q.Cell != "" {
			r.t.Fatalf("%s: %s is now %s under act %q", what, q.Track, q.Status, q.ReturnAct)
		}
	}
	for _, n := range numbers {
		if left := r.parcels("b.number = ? AND p.status <> 'returned'", n); len(left) > 0 {
			r.t.Fatalf("%s: box %s still holds %s (%s)", what, n, left[0].Track, left[0].Status)
		}
	}
	return what + " → " + act.Number, nil
}

func (r *propRun) opCloseDelivery() (string, error) {
	_, err := r.e.s.CloseDelivery(r.e.ctx, r.e.owner, 0)
	r.allow("close delivery", err, ErrDelivery) // nothing open: a clear error, no empty act
	return "close delivery", err
}

// opIllegal tries what the state forbids; it must fail with the error that
// explains the parcel's state (and, like every failure, change nothing).
func (r *propRun) opIllegal() (string, error) {
	p, ok := propPick(r.rng, r.parcels("p.status <> 'stored'"))
	if !ok {
		return r.opIssue()
	}
	want := map[Status]errs.Code{
		StatusIssued: ErrIssued, StatusReturned: ErrReturned, StatusBoxed: ErrBoxed,
		StatusExpected: ErrNotArrived, StatusToReturn: ErrToReturn,
	}[p.Status]
	type attempt struct {
		name string
		do   func() error
	}
	attempts := []attempt{
		{"issue", func() error {
			_, err := r.e.s.Issue(r.e.ctx, r.e.owner, IssueRequest{Items: []IssueItem{{ParcelID: p.ID, Scanned: p.Track}},
				Paid: p.CODAmount, PayMethod: PayCash})
			return err
		}},
	}
	if p.Status != StatusExpected && p.Status != StatusToReturn {
		attempts = append(attempts,
			attempt{"accept", func() error {
				_, err := r.e.s.Accept(r.e.ctx, r.e.owner, 0, p.Track, AcceptOptions{})
				return err
			}},
			attempt{"move", func() error {
				_, err := r.e.s.MoveParcel(r.e.ctx, r.e.owner, p.Track, "A-1-01")
				return err
			}})
	}
	a := attempts[r.rng.IntN(len(attempts))]
	what := fmt.Sprintf("illegal: %s %s (%s)", a.name, p.Track, p.Status)
	err := a.do()
	if err == nil {
		r.t.Fatalf("%s succeeded", what)
	}
	if got := errs.CodeOf(err); got != want {
		r.t.Fatalf("%s: error %v, want code %s", what, err, want)
	}
	return what, err
}

// snapshot reads every table (the event log as its length): a failing
// action must leave all of it as it was.
func (r *propRun) snapshot() map[string]string {
	r.t.Helper()
	db := r.e.s.db.R
	var tables []string
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name <> 'events' ORDER BY name`)
	if err != nil {
		r.t.Fatal(err)
	}
	for rows.Next() {
		var name string
		rows.Scan(&name)
		tables = append(tables, name)
	}
	rows.Close()
	out := map[string]string{}
	var seq int64
	if err := db.QueryRow(`SELECT coalesce(max(seq),0) FROM events`).Scan(&seq); err != nil {
		r.t.Fatal(err)
	}
	out["events"] = fmt.Sprint("last seq ", seq)
	for _, table := range tables {
		out[table] = propDumpTable(r.t, db, table)
	}
	return out
}

func propDumpTable(t *testing.T, db *sql.DB, table string) string {
	rows, err := db.Query(`SELECT * FROM "` + table + `" ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if i > 0 {
				b.WriteByte('|')
			}
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			fmt.Fprint(&b, v)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// propDiff names the tables that differ, with their first changed row.
func propDiff(before, after map[string]string) string {
	var out []string
	for table, was := range before {
		now := after[table]
		if was == now {
			continue
		}
		a, b := strings.Split(was, "\n"), strings.Split(now, "\n")
		i := 0
		for i < len(a) && i < len(b) && a[i] == b[i] {
			i++
		}
		line := func(xs []string) string {
			if i < len(xs) {
				return xs[i]
			}
			return "(none)"
		}
		out = append(out, fmt.Sprintf("  %s: before %q, after %q", table, line(a), line(b)))
	}
	slices.Sort(out)
	return strings.Join(out, "\n")
}
