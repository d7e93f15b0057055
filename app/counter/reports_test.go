package counter

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"smartpoint/app/auth"
	"smartpoint/app/errs"
)

// acceptAs accepts one parcel scan by sess and returns the stored parcel.
func (e *env) acceptAs(sess *Session, code string, opt AcceptOptions) Parcel {
	e.t.Helper()
	res, err := e.s.Accept(e.ctx, sess, 0, code, opt)
	if err != nil {
		e.t.Fatalf("accept %s: %v", code, err)
	}
	return res.Parcel
}

// handOver issues p to its recipient (paid in full) or, with a reason,
// records the refusal, as one handover by sess.
func (e *env) handOver(sess *Session, p Parcel, method, refuse string) HandoverResult {
	e.t.Helper()
	item := IssueItem{ParcelID: p.ID, Scanned: p.Track, Refuse: refuse}
	req := IssueRequest{Items: []IssueItem{item}}
	if refuse == "" {
		req.Paid, req.PayMethod = p.CODAmount, method
	}
	h, err := e.s.Issue(e.ctx, sess, req)
	if err != nil {
		e.t.Fatalf("issue %s: %v", p.Track, err)
	}
	return h
}

// reportCSV is a manifest with order numbers and pickup codes; COD in
// major units.
func reportCSV(rows ...string) string {
	return "Трек;Заказ;Код выдачи;Получатель;Телефон;Размер;К оплате\n" + strings.Join(rows, "\n") + "\n"
}

func expectCode(t *testing.T, err error, code errs.Code) {
	t.Helper()
	if !errs.Has(err, code) {
		t.Fatalf("got %v, want %s", err, code)
	}
}

// counts is the part of a report a test compares at once.
func counts(r Report) string {
	return fmt.Sprintf("accepted=%d unexpected=%d damaged=%d issued=%d refused=%d expired=%d returned=%d handovers=%d cash=%d card=%d onhand=%d overdue=%d",
		r.Accepted, r.Unexpected, r.Damaged, r.Issued, r.Refused, r.Expired, r.Returned, r.Handovers, r.CashCollected, r.CardCollected, r.OnHand, r.Overdue)
}

func TestShiftReportsOfTwoClerks(t *testing.T) {
	e := newEnv(t)
	kg := must[Partner](t)(e.s.Partner(e.ctx, "kgpost"))
	cd := must[Partner](t)(e.s.Partner(e.ctx, "cdek"))
	e.importCSV("kgpost", reportCSV(
		s10(1, "KG")+";;;Асель;0555100001;S;150",
		s10(2, "KG")+";;;Бекзат;0555100002;S;0",
		s10(3, "KG")+";;;Чолпон;0555100003;S;200"))
	e.importCSV("cdek", reportCSV("10000000001;;;Данияр;0555100004;S;300"))

	// Shift 1, the owner: four parcels in (one unannounced, one damaged),
	// a duplicate scan, one issued for cash.
	shift1 := e.owner.ShiftID()
	p1 := e.acceptAs(e.owner, s10(1, "KG"), AcceptOptions{})
	e.acceptAs(e.owner, s10(2, "KG"), AcceptOptions{Damaged: true, DamageNote: "мятая коробка"})
	p3 := e.acceptAs(e.owner, s10(3, "KG"), AcceptOptions{})
	e.acceptAs(e.owner, s10(900, "KG"), AcceptOptions{})
	e.acceptAs(e.owner, s10(1, "KG"), AcceptOptions{}) // duplicate: not counted
	e.clock.Advance(time.Hour)
	e.handOver(e.owner, p1, PayCash, "")
	e.clock.Advance(time.Hour)
	r1 := must[Report](t)(e.s.CloseShift(e.ctx, e.owner))

	if got, want := counts(r1), "accepted=4 unexpected=1 damaged=1 issued=1 refused=0 expired=0 returned=0 handovers=1 cash=15000 card=0 onhand=3 overdue=0"; got != want {
		t.Fatalf("shift 1:\n got %s\nwant %s", got, want)
	}
	if r1.Kind != ReportShift || r1.ShiftID != shift1 || r1.Clerk != "Айгуль" || !r1.From.Equal(testStart) || !r1.To.Equal(testStart.Add(2*time.Hour)) {
		t.Fatalf("shift 1 header %+v", r1)
	}
	wantLines(t, "shift 1 by partner", r1.ByPartner, []ReportLine{{Key: "kgpost", Name: kg.Name, Accepted: 4, Issued: 1, Cash: 15000}})
	wantLines(t, "shift 1 by clerk", r1.ByClerk, []ReportLine{{Key: "Айгуль", Accepted: 4, Issued: 1, Cash: 15000}})

	// Shift 2, a clerk: a CDEK parcel in, refused and sent back; a
	// kgpost parcel issued, paid by card.
	bakyt := e.clerk("Бакыт", RoleClerk)
	shift2 := must[Shift](t)(e.s.OpenShift(e.ctx, bakyt)).ID
	e.clock.Advance(time.Hour)
	cd1 := e.acceptAs(bakyt, "10000000001", AcceptOptions{})
	e.handOver(bakyt, p3, PayCard, "")
	e.handOver(bakyt, cd1, "", "changed_mind")
	box := must[ReturnBox](t)(e.s.OpenReturnBox(e.ctx, bakyt, "cdek"))
	must[Parcel](t)(e.s.AddToReturnBox(e.ctx, bakyt, box.Label(), "10000000001"))
	must[ReturnAct](t)(e.s.HandOverReturns(e.ctx, bakyt, []string{box.Number}, "Курьер CDEK"))

	r2 := must[Report](t)(e.s.ShiftReport(e.ctx, bakyt, shift2))
	if got, want := counts(r2), "accepted=1 unexpected=0 damaged=0 issued=1 refused=1 expired=0 returned=1 handovers=2 cash=0 card=20000 onhand=2 overdue=0"; got != want {
		t.Fatalf("shift 2:\n got %s\nwant %s", got, want)
	}
	if r2.Clerk != "Бакыт" || !r2.To.Equal(e.clock.Now()) {
		t.Fatalf("open shift 2 header %+v", r2)
	}
	wantLines(t, "shift 2 by partner", r2.ByPartner, []ReportLine{
		{Key: "cdek", Name: cd.Name, Accepted: 1, Refused: 1, Returned: 1},
		{Key: "kgpost", Name: kg.Name, Issued: 1},
	})
	wantLines(t, "shift 2 by clerk", r2.ByClerk, []ReportLine{{Key: "Бакыт", Accepted: 1, Issued: 1, Refused: 1, Returned: 1}})

	// Who may see what.
	_, err := e.s.ShiftReport(e.ctx, bakyt, shift1)
	expectCode(t, err, ErrForbidden)
	_, err = e.s.DayReport(e.ctx, bakyt, e.clock.Now())
	expectCode(t, err, ErrForbidden)
	_, err = e.s.ShiftReport(e.ctx, e.owner, 9999)
	expectCode(t, err, ErrShiftUnknown)
	if seen := must[Report](t)(e.s.ShiftReport(e.ctx, e.owner, shift2)); counts(seen) != counts(r2) {
		t.Fatalf("owner sees shift 2 as %s", counts(seen))
	}
	if own := must[[]Shift](t)(e.s.Shifts(e.ctx, bakyt, 10)); len(own) != 1 || own[0].ID != shift2 || !own[0].ClosedAt.IsZero() {
		t.Fatalf("clerk's shifts %+v", own)
	}
	if all := must[[]Shift](t)(e.s.Shifts(e.ctx, e.owner, 10)); len(all) != 2 || all[0].ID != shift2 || all[1].ID != shift1 || all[1].Clerk != "Айгуль" {
		t.Fatalf("owner's shifts %+v", all)
	}

	// The day adds both shifts up, clerk by clerk.
	day := must[Report](t)(e.s.DayReport(e.ctx, e.owner, e.clock.Now()))
	if got, want := counts(day), "accepted=5 unexpected=1 damaged=1 issued=2 refused=1 expired=0 returned=1 handovers=3 cash=15000 card=20000 onhand=2 overdue=0"; got != want {
		t.Fatalf("day:\n got %s\nwant %s", got, want)
	}
	wantLines(t, "day by clerk", day.ByClerk, []ReportLine{
		{Key: "Айгуль", Accepted: 4, Issued: 1, Cash: 15000},
		{Key: "Бакыт", Accepted: 1, Issued: 1, Refused: 1, Returned: 1},
	})
}

func wantLines(t *testing.T, what string, got, want []ReportLine) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

func TestDayReportFollowsThePointsMidnight(t *testing.T) {
	e := newEnv(t)
	e.importCSV("kgpost", reportCSV(
		s10(1, "KG")+";;;Асель;0555100001;S;0",
		s10(2, "KG")+";;;Бекзат;0555100002;S;0",
		s10(3, "KG")+";;;Чолпон;0555100003;S;0"))
	lastMs := time.Date(2026, 11, 20, 23, 59, 59, 999e6, time.UTC)
	midnight := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	e.clock.Set(lastMs)
	e.acceptAs(e.owner, s10(1, "KG"), AcceptOptions{})
	e.clock.Set(midnight)
	e.acceptAs(e.owner, s10(2, "KG"), AcceptOptions{})
	e.clock.Set(midnight.Add(5 * time.Hour))
	e.acceptAs(e.owner, s10(3, "KG"), AcceptOptions{})

	d20 := must[Report](t)(e.s.DayReport(e.ctx, e.owner, testStart))
	d21 := must[Report](t)(e.s.DayReport(e.ctx, e.owner, midnight.Add(20*time.Hour)))
	if d20.Accepted != 1 || d21.Accepted != 2 {
		t.Fatalf("UTC days: 20th %d, 21st %d accepted; want 1 and 2", d20.Accepted, d21.Accepted)
	}
	if d20.Kind != ReportDay || d20.Date != "2026-11-20" || !d20.From.Equal(testStart.Truncate(24*time.Hour)) || !d20.To.Equal(midnight) {
		t.Fatalf("day header %+v", d20)
	}

	// The same events at a point in Bishkek (UTC+6): its 21st began at
	// 18:00 UTC on the 20th.
	kgt := time.FixedZone("KGT", 6*3600)
	bishkek, err := New(e.ctx, e.db, Options{Clock: e.clock, PINParams: auth.Fast, Location: kgt})
	if err != nil {
		t.Fatal(err)
	}
	b20 := must[Report](t)(bishkek.DayReport(e.ctx, e.owner, time.Date(2026, 11, 20, 12, 0, 0, 0, kgt)))
	b21 := must[Report](t)(bishkek.DayReport(e.ctx, e.owner, time.Date(2026, 11, 21, 23, 0, 0, 0, kgt)))
	if b20.Accepted != 0 || b21.Accepted != 3 || b21.Date != "2026-11-21" || !b21.From.Equal(time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)) {
		t.Fatalf("Bishkek days: 20th %d, 21st %d accepted (%s from %v); want 0 and 3", b20.Accepted, b21.Accepted, b21.Date, b21.From)
	}

	// Overdue counts stored parcels past their deadline at the end of the
	// day, but never ahead of now. kgpost keeps parcels 30 days.
	e.clock.Set(midnight.AddDate(0, 0, 30).Add(3 * time.Hour))
	if r := must[Report](t)(e.s.DayReport(e.ctx, e.owner, lastMs.AddDate(0, 0, 30))); r.Overdue != 1 || r.OnHand != 3 {
		t.Fatalf("Dec 20: overdue %d on hand %d, want 1 and 3", r.Overdue, r.OnHand)
	}
	if r := must[Report](t)(e.s.DayReport(e.ctx, e.owner, e.clock.Now())); r.Overdue != 2 {
		t.Fatalf("Dec 21 at 03:00: overdue %d, want 2 (the third is due at 05:00)", r.Overdue)
	}
}

// The report queries must stay on their indexes: a report over millions
// of events reads one shift's or one day's rows only.
func TestReportQueriesUseIndexes(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		query, index string
		args         []any
	}{
		{fmt.Sprintf(reportAgg, "shift_id = ?"), "events_shift", []any{1}},
		{fmt.Sprintf(reportAgg, "at >= ? AND at < ?"), "events_at", []any{0, 1}},
		{reportOnHand, "parcels_onhand|parcels_status", nil}, // both cover exactly the shelves
		{reportOverdue, "parcels_status", []any{0}},
	} {
		plan := queryPlan(t, e, c.query, c.args...)
		if !slices.ContainsFunc(strings.Split(c.index, "|"), func(ix string) bool { return strings.Contains(plan, "INDEX "+ix) }) {
			t.Errorf("plan does not use %s:\n%s\n%s", c.index, plan, c.query)
		}
	}
}

// queryPlan returns EXPLAIN QUERY PLAN details, one step per line.
func queryPlan(t *testing.T, e *env, query string, args ...any) string {
	t.Helper()
	rows, err := e.db.R.QueryContext(e.ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatalf("explain: %v\n%s", err, query)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		b.WriteString(detail + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
