package loyalty

import (
	"math"
	"slices"
	"testing"
	"time"

	"smartpoint/app/counter"
)

// dashboardFixture: three stamps a reward, stamps live 40 days. November
// to January in Bishkek:
//
//	P joins 17 Nov; visits 17 Nov, 5 Dec, 10 Jan
//	Q joins 17 Nov; visits 17 Nov
//	T joins 17 Nov; visits 17, 18, 19 Nov
//	S joins 1 Dec 02:00 Bishkek (still 30 Nov in UTC); visits then; anonymised 20 Dec (1 stamp forfeited)
//	R joins 3 Dec; visits 3, 4, 10 Dec, redeems 3 stamps on 10 Dec; visits 20 Jan
//	the sweep on 5 Jan expires the November stamps of P (1), Q (1) and T (3)
//
// and the dashboard is read on 25 January.
func dashboardFixture(t *testing.T) (*env, map[string]Card) {
	e := newEnv(t)
	p := stampCard()
	p.PerReward, p.Life = 3, Life{Mode: LifeFixed, Days: 40}
	e.programme(p)
	c := map[string]Card{}
	at := func(month time.Month, d, hour int) {
		year := 2026
		if month == time.January {
			year = 2027
		}
		e.clock.Set(time.Date(year, month, d, hour, 0, 0, 0, bishkek))
	}
	c["P"], c["Q"], c["T"] = e.enrol("0555 000 001"), e.enrol("0555 000 002"), e.enrol("0555 000 003")
	e.accrue(c["P"].Code, "P1")
	e.accrue(c["Q"].Code, "Q1")
	e.accrue(c["T"].Code, "T1")
	at(time.November, 18, 10)
	e.accrue(c["T"].Code, "T2")
	at(time.November, 19, 10)
	e.accrue(c["T"].Code, "T3")
	at(time.December, 1, 2)
	c["S"] = e.enrol("0555 000 004")
	e.accrue(c["S"].Code, "S1")
	at(time.December, 3, 12)
	c["R"] = e.enrol("0555 000 005")
	e.accrue(c["R"].Code, "R1")
	at(time.December, 4, 12)
	e.accrue(c["R"].Code, "R2")
	at(time.December, 5, 12)
	e.accrue(c["P"].Code, "P2")
	at(time.December, 10, 12)
	e.accrue(c["R"].Code, "R3")
	if r, err := e.l.Redeem(e.ctx, e.owner, c["R"].Code, ""); err != nil || r.Amount != 3 {
		t.Fatalf("redeem %+v %v", r, err)
	}
	at(time.December, 20, 12)
	if err := e.l.Anonymise(e.ctx, e.owner, c["S"].Customer); err != nil {
		t.Fatal(err)
	}
	at(time.January, 5, 9)
	if res := mustV[ExpireResult](t)(e.l.Expire(e.ctx)); res.Amount != 5 {
		t.Fatalf("sweep %+v", res)
	}
	at(time.January, 10, 12)
	e.accrue(c["P"].Code, "P3")
	at(time.January, 20, 12)
	e.accrue(c["R"].Code, "R4")
	at(time.January, 25, 12)
	return e, c
}

func TestDashboard(t *testing.T) {
	e, c := dashboardFixture(t)
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, bishkek)
	to := time.Date(2027, 2, 1, 0, 0, 0, 0, bishkek)
	d := mustV[Dashboard](t)(e.l.Dashboard(e.ctx, from.UTC(), to.UTC()))
	if !d.From.Equal(from) || d.From.Location() != bishkek {
		t.Fatalf("period from %v, want %v in the point's zone", d.From, from)
	}
	if d.Enrolments != 5 || d.ActiveMembers != 5 || d.Visits != 12 || d.Issued != 12 || d.Redemptions != 1 ||
		d.Redeemed != 3 || d.Expired != 5 || d.Forfeited != 1 || math.Abs(d.RedemptionRate-0.25) > 1e-9 {
		t.Fatalf("totals %+v", d)
	}
	type month struct {
		name                                                               string
		enrolments, active, visits, issued, redemptions, redeemed, expired int
	}
	var got []month
	for _, m := range d.Months {
		got = append(got, month{m.Month, m.Enrolments, m.ActiveMembers, m.Visits, m.Issued, m.Redemptions, m.Redeemed, m.Expired})
	}
	want := []month{
		{"2026-11", 3, 3, 5, 5, 0, 0, 0},
		{"2026-12", 2, 3, 5, 5, 1, 3, 0}, // S's visit at 02:00 on 1 Dec Bishkek is December's
		{"2027-01", 0, 2, 2, 2, 0, 0, 5},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("months\n got %+v\nwant %+v", got, want)
	}
	if !d.Months[1].From.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, bishkek)) || !d.Months[2].To.Equal(to) {
		t.Fatalf("month bounds %v – %v", d.Months[1].From, d.Months[2].To)
	}
	// November's three: P came back in December and January; December's
	// two (S anonymised, still counted): R came back in January.
	if len(d.Cohorts) != 3 {
		t.Fatalf("cohorts %+v", d.Cohorts)
	}
	nov, dec, jan := d.Cohorts[0], d.Cohorts[1], d.Cohorts[2]
	if nov.Month != "2026-11" || nov.Size != 3 || !slices.Equal(nov.Retained, []int{1, 1}) ||
		math.Abs(nov.Retention[0]-1.0/3) > 1e-9 || math.Abs(nov.Retention[1]-1.0/3) > 1e-9 {
		t.Fatalf("November cohort %+v", nov)
	}
	if dec.Size != 2 || !slices.Equal(dec.Retained, []int{1}) || dec.Retention[0] != 0.5 {
		t.Fatalf("December cohort %+v", dec)
	}
	if jan.Size != 0 || len(jan.Retained) != 0 {
		t.Fatalf("January cohort %+v", jan)
	}
	// At risk on 25 Jan: T (away 67 days, 3 stamps ever) before Q (69
	// days, 1 stamp): the most earned first.
	if d.AtRiskTotal != 2 || len(d.AtRisk) != 2 || d.AtRisk[0].ID != c["T"].Customer || d.AtRisk[1].ID != c["Q"].Customer ||
		d.AtRisk[0].Lifetime != 3 || d.AtRisk[0].MaskedPhone != "+996•••••0003" || d.AtRisk[0].RecencyDays != 67 {
		t.Fatalf("at risk %d: %+v", d.AtRiskTotal, d.AtRisk)
	}
	// A duplicate enrolled by mistake and merged away is no new member.
	dup := e.enrol("0700 000 001")
	mustV[Customer](t)(e.l.Merge(e.ctx, e.owner, c["P"].Customer, dup.Customer))
	d = mustV[Dashboard](t)(e.l.Dashboard(e.ctx, from, to))
	if d.Enrolments != 5 || d.Months[2].Enrolments != 0 || d.Cohorts[2].Size != 0 {
		t.Fatalf("after a merged duplicate: %d enrolments, January %+v", d.Enrolments, d.Months[2])
	}
}

// The period's edges cut the months; visits after it do not count, even
// for a cohort's retention.
func TestDashboardClippedPeriod(t *testing.T) {
	e, _ := dashboardFixture(t)
	from := time.Date(2026, 11, 18, 0, 0, 0, 0, bishkek)
	to := time.Date(2027, 1, 10, 0, 0, 0, 0, bishkek) // P's January visit is at noon: outside
	d := mustV[Dashboard](t)(e.l.Dashboard(e.ctx, from, to))
	if len(d.Months) != 3 || !d.Months[0].From.Equal(from) || !d.Months[2].To.Equal(to) {
		t.Fatalf("months %+v", d.Months)
	}
	// From 18 Nov: T's two later visits; nobody joined (P, Q, T joined on the 17th).
	if d.Months[0].Visits != 2 || d.Months[0].Enrolments != 0 || d.Months[2].Visits != 0 || d.Months[2].Expired != 5 {
		t.Fatalf("months %+v", d.Months)
	}
	if d.Cohorts[1].Size != 2 || d.Cohorts[1].Retained[0] != 0 {
		t.Fatalf("December cohort (R's January visit is after the period) %+v", d.Cohorts[1])
	}
	if d.ActiveMembers != 4 || d.Enrolments != 2 {
		t.Fatalf("totals %+v", d)
	}
}

func TestDashboardRefusesBadPeriods(t *testing.T) {
	e := newEnv(t)
	now := e.clock.Now()
	for _, p := range [][2]time.Time{{now, now}, {now, now.Add(-time.Hour)}, {now.AddDate(-11, 0, 0), now}} {
		_, err := e.l.Dashboard(e.ctx, p[0], p[1])
		expectCode(t, err, counter.ErrInvalid)
	}
	// An empty point has an empty dashboard.
	d := mustV[Dashboard](t)(e.l.Dashboard(e.ctx, now.AddDate(0, -1, 0), now))
	if d.Enrolments != 0 || len(d.Months) != 2 || len(d.AtRisk) != 0 || d.RedemptionRate != 0 {
		t.Fatalf("%+v", d)
	}
}
