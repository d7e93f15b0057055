package loyalty

import (
	"fmt"
	"maps"
	"math"
	"strings"
	"testing"
	"time"

	"smartpoint/app/counter"
)

const day = 24 * time.Hour

// visitsAgo accrues one pickup per offset, each that many days before
// now (keys unique per card).
func (e *env) visitsAgo(card Card, days ...int) {
	e.t.Helper()
	for _, d := range days {
		at := e.clock.Now().Add(-time.Duration(d) * day)
		if _, err := e.l.Accrue(e.ctx, e.owner, card.Code, fmt.Sprintf("%s-%d", card.Code, d), Visit{Parcels: 1, At: at}); err != nil {
			e.t.Fatalf("accrue %d days ago: %v", d, err)
		}
	}
}

// every is from, from+step, … up to to (days).
func every(from, step, to int) []int {
	var out []int
	for d := from; d <= to; d += step {
		out = append(out, d)
	}
	return out
}

// segmentFixture is a point 400 days after its first members joined:
//
//	champ    weekly for a year, last 2 days ago           (F 52)
//	regular  monthly, last 20 days ago, plus a duplicate merged in with 3 older visits (F 15)
//	slipping weekly until 40 days ago                     (F 47: away > 2 × own gap)
//	oneoff   one visit 90 days ago                        (away > 60 days)
//	gone     3 visits, the last 200 days ago              (away > 180 days)
//	fresh    joined 10 days ago, one visit; +3 stamps by hand (4 of 5: close to the reward)
//	twice    joined 10 days ago, two visits
//	erased   anonymised
//
// Own gaps (window ÷ F) of those with F ≥ 2: twice 5, champ 7.02, slipping
// 7.77, regular 24.3, gone 121.7 days: the typical gap is 7.77 days. The
// 80th percentile of F (1 1 2 3 15 47 52) is 47.
func segmentFixture(t *testing.T) (*env, map[string]Card) {
	e := newEnv(t)
	e.programme(stampCard()) // 5 stamps a coffee, stamps never expire
	cards := map[string]Card{}
	for i, name := range []string{"champ", "regular", "slipping", "oneoff", "gone", "erased", "dup"} {
		cards[name] = e.enrol(fmt.Sprintf("0555 100 %03d", i))
	}
	e.clock.Advance(390 * day)
	cards["fresh"] = e.enrol("0555 200 001")
	cards["twice"] = e.enrol("0555 200 002")
	e.clock.Advance(10 * day)
	e.visitsAgo(cards["champ"], every(2, 7, 364)...)
	e.visitsAgo(cards["regular"], every(20, 30, 350)...)
	e.visitsAgo(cards["dup"], 100, 95, 90)
	e.visitsAgo(cards["slipping"], every(40, 7, 364)...)
	e.visitsAgo(cards["oneoff"], 90)
	e.visitsAgo(cards["gone"], 300, 250, 200)
	e.visitsAgo(cards["fresh"], 10)
	e.visitsAgo(cards["twice"], 10, 5)
	e.visitsAgo(cards["erased"], 3, 2, 1)
	mustV[Customer](t)(e.l.Merge(e.ctx, e.owner, cards["regular"].Customer, cards["dup"].Customer))
	if err := e.l.Anonymise(e.ctx, e.owner, cards["erased"].Customer); err != nil {
		t.Fatal(err)
	}
	mustV[Card](t)(e.l.Adjust(e.ctx, e.owner, cards["fresh"].Code, 3, "подарок к открытию"))
	return e, cards
}

func TestSegments(t *testing.T) {
	e, _ := segmentFixture(t)
	r := mustV[SegmentReport](t)(e.l.Segments(e.ctx, SegmentOptions{}))
	want := map[string]int{SegChampions: 1, SegRegular: 2, SegNew: 1, SegAtRisk: 2, SegLost: 1, SegCloseToReward: 1}
	if !maps.Equal(r.Counts, want) || r.Members != 7 {
		t.Fatalf("counts %v of %d members, want %v of 7", r.Counts, r.Members, want)
	}
	if math.Abs(r.TypicalGapDays-365.0/47) > 0.001 || r.ChampionVisits != 47 || r.ChampionEarned != 47 || r.WindowDays != 365 {
		t.Fatalf("thresholds %+v", r)
	}
	// The same ledger at the same time gives the same segments.
	if again := mustV[SegmentReport](t)(e.l.Segments(e.ctx, SegmentOptions{})); !maps.Equal(again.Counts, r.Counts) {
		t.Fatalf("second run %v", again.Counts)
	}
}

// Who is in which segment, with what figures, in which order.
func TestSegmentMembers(t *testing.T) {
	e, cards := segmentFixture(t)
	members := func(seg string, limit, offset int) []SegmentMember {
		t.Helper()
		return mustV[[]SegmentMember](t)(e.l.SegmentMembers(e.ctx, seg, limit, offset))
	}
	codes := func(list []SegmentMember) string {
		var out []string
		for _, m := range list {
			for name, c := range cards {
				if c.Customer == m.ID {
					out = append(out, name)
				}
			}
		}
		return strings.Join(out, " ")
	}
	for seg, want := range map[string]string{
		SegChampions: "champ", SegRegular: "regular twice", SegNew: "fresh", SegAtRisk: "slipping oneoff",
		SegLost: "gone", SegCloseToReward: "fresh",
	} {
		if got := codes(members(seg, 0, 0)); got != want {
			t.Errorf("%s: %q, want %q (most earned in the window first)", seg, got, want)
		}
	}
	slipping := members(SegAtRisk, 1, 0)
	if len(slipping) != 1 {
		t.Fatalf("page of one: %+v", slipping)
	}
	m := slipping[0]
	if m.Segment != SegAtRisk || m.RecencyDays != 40 || m.Frequency != 47 || m.Monetary != 47 || m.Lifetime != 47 ||
		m.Balance != 47 || m.ToNextReward != 3 || m.CloseToReward || m.Card != cards["slipping"].Code ||
		m.MaskedPhone != "+996•••••0002" {
		t.Fatalf("slipping %+v", m)
	}
	if got := codes(members(SegAtRisk, 1, 1)); got != "oneoff" {
		t.Fatalf("second page %q", got)
	}
	if got := members(SegAtRisk, 10, 2); len(got) != 0 {
		t.Fatalf("past the end %+v", got)
	}
	fresh := members(SegCloseToReward, 0, 0)[0]
	if fresh.Segment != SegNew || !fresh.CloseToReward || fresh.ToNextReward != 1 || fresh.Balance != 4 || fresh.Frequency != 1 ||
		fresh.Lifetime != 1 {
		t.Fatalf("fresh %+v", fresh)
	}
	// The merged duplicate's visits are the kept member's; the duplicate
	// and the anonymised member are nobody's segment.
	regular := members(SegRegular, 1, 0)[0]
	if regular.Frequency != 15 || regular.Lifetime != 15 || regular.RecencyDays != 20 {
		t.Fatalf("regular %+v", regular)
	}
	_, err := e.l.SegmentMembers(e.ctx, "vip", 10, 0)
	expectCode(t, err, counter.ErrInvalid)
}

// A member slips from regular to at risk to lost as the days go by
// without a visit; a visit brings them back.
func TestSegmentsFollowTime(t *testing.T) {
	e := newEnv(t)
	e.programme(stampCard())
	card := e.enrol("0555 123 456")
	other := e.enrol("0700 123 456")
	e.clock.Advance(100 * day)
	e.visitsAgo(card, every(1, 14, 99)...) // fortnightly: own gap 100 ÷ 8 = 12.5 days
	e.visitsAgo(other, every(1, 3, 99)...) // every 3 days: keeps the typical gap at its floor of 7
	segmentOf := func() string {
		t.Helper()
		for _, seg := range SegmentNames[:5] {
			for _, m := range mustV[[]SegmentMember](t)(e.l.SegmentMembers(e.ctx, seg, 500, 0)) {
				if m.ID == card.Customer {
					return seg
				}
			}
		}
		t.Fatal("in no segment")
		return ""
	}
	// Own gap = days a member ÷ 8 visits; at risk once away more than
	// twice that (the typical gap stays at its floor of 7 days).
	steps := []struct {
		advance time.Duration
		want    string
	}{
		{0, SegRegular},
		{30 * day, SegRegular}, // 31 days away, own gap 130 ÷ 8: not over 32.5
		{4 * day, SegAtRisk},   // 35 days away: over 2 × 134 ÷ 8 = 33.5
		{145 * day, SegAtRisk}, // exactly 180 days away
		{time.Minute, SegLost}, // over 180
	}
	for i, s := range steps {
		e.clock.Advance(s.advance)
		if got := segmentOf(); got != s.want {
			t.Fatalf("step %d (%s): %s, want %s", i, e.clock.Now().Sub(testStart), got, s.want)
		}
	}
	e.visitsAgo(card, 0)
	if got := segmentOf(); got != SegRegular {
		t.Fatalf("after a visit: %s", got)
	}
}

func TestSegmentOptions(t *testing.T) {
	e, _ := segmentFixture(t)
	for _, tc := range []struct {
		opt     SegmentOptions
		members int
		err     bool
	}{
		{SegmentOptions{WindowDays: 29}, 0, true},
		{SegmentOptions{WindowDays: 4000}, 0, true},
		{SegmentOptions{ClosePct: 101}, 0, true},
		{SegmentOptions{CloseStamps: -1}, 0, true},
		{SegmentOptions{WindowDays: 30}, 7, false},
	} {
		r, err := e.l.Segments(e.ctx, tc.opt)
		if tc.err {
			expectCode(t, err, counter.ErrInvalid)
			continue
		}
		if err != nil || r.Members != tc.members {
			t.Fatalf("%+v: %+v %v", tc.opt, r, err)
		}
	}
	// Close at 3 stamps away: champ (52 of 55), slipping (47), gone (3 of
	// 5), fresh (4) and twice (2); not regular (15: a fresh card) nor oneoff.
	r := mustV[SegmentReport](t)(e.l.Segments(e.ctx, SegmentOptions{WindowDays: 30, CloseStamps: 3}))
	if r.Counts[SegCloseToReward] != 5 || r.Counts[SegLost] != 1 || r.Counts[SegNew] != 1 {
		t.Fatalf("30-day window, 3 stamps away: %v", r.Counts)
	}
}

// A points programme: close when what is missing is within ClosePct of
// the price.
func TestCloseToRewardPoints(t *testing.T) {
	e := newEnv(t)
	e.programme(Programme{Name: "Баллы", Kind: KindPoints, PerReward: 100, Accrual: PerVisit, PerUnit: 45, RewardText: "Скидка"})
	near := e.enrol("0555 123 456")
	far := e.enrol("0700 123 456")
	e.accrue(near.Code, "a")
	e.accrue(near.Code, "b") // 90 of 100: 10 missing
	e.accrue(far.Code, "c")  // 45: 55 missing
	r := mustV[SegmentReport](t)(e.l.Segments(e.ctx, SegmentOptions{}))
	if r.Counts[SegCloseToReward] != 1 || r.Counts[SegNew] != 1 {
		t.Fatalf("%v", r.Counts)
	}
	list := mustV[[]SegmentMember](t)(e.l.SegmentMembers(e.ctx, SegCloseToReward, 0, 0))
	if len(list) != 1 || list[0].ID != near.Customer || list[0].ToNextReward != 10 {
		t.Fatalf("%+v", list)
	}
	if r := mustV[SegmentReport](t)(e.l.Segments(e.ctx, SegmentOptions{ClosePct: 9})); r.Counts[SegCloseToReward] != 0 {
		t.Fatalf("9 %%: %v", r.Counts)
	}
}

// Before any programme there is nobody to segment, and no error.
func TestSegmentsWithoutProgramme(t *testing.T) {
	e := newEnv(t)
	r := mustV[SegmentReport](t)(e.l.Segments(e.ctx, SegmentOptions{}))
	if r.Members != 0 || len(r.Counts) != len(SegmentNames) {
		t.Fatalf("%+v", r)
	}
}

// TestSegmentsFromCardStats: once the sweep has aged the per-card figures,
// Segments reads them (plus the visits not yet aged out) and must give
// what the full pass over the ledger gives, as time goes on, visits
// arrive (one caught up from long ago) and the sweep runs now and then.
func TestSegmentsFromCardStats(t *testing.T) {
	e, cards := segmentFixture(t)
	full := func() (*byID[earnAgg], *byID[int]) {
		t.Helper()
		since := e.clock.Now().AddDate(0, 0, -DefaultSegmentWindowDays).UnixMilli()
		earned, lifetime := newByID[earnAgg](0), newByID[int](0)
		if err := earnedBetween(e.ctx, e.db.R, since, math.MaxInt64, earned); err != nil {
			t.Fatal(err)
		}
		if err := lifetimeByCard(e.ctx, e.db.R, lifetime); err != nil {
			t.Fatal(err)
		}
		return earned, lifetime
	}
	fromStats := func() (*byID[earnAgg], *byID[int], bool) {
		t.Helper()
		since := e.clock.Now().AddDate(0, 0, -DefaultSegmentWindowDays).UnixMilli()
		earned, lifetime := newByID[earnAgg](0), newByID[int](0)
		ok, err := statsByCard(e.ctx, e.db.R, since, e.clock.Now().UnixMilli(), earned, newByID[int](0), lifetime, newByID[int64](0))
		if err != nil {
			t.Fatal(err)
		}
		return earned, lifetime, ok
	}
	collect := func(b *byID[earnAgg]) map[int64]earnAgg {
		out := map[int64]earnAgg{}
		b.each(func(id int64, v earnAgg) {
			if v.visits > 0 {
				out[id] = v
			}
		})
		return out
	}
	if _, _, ok := fromStats(); ok {
		t.Fatal("figures that start 400 days back answered a 365-day window (the full pass must)")
	}
	before := mustV[SegmentReport](t)(e.l.Segments(e.ctx, SegmentOptions{}))
	if err := e.l.AgeStats(e.ctx); err != nil {
		t.Fatal(err)
	}
	for step := range 12 {
		wantEarned, wantLifetime := full()
		gotEarned, gotLifetime, ok := fromStats()
		if !ok {
			t.Fatalf("step %d: the aged figures did not answer", step)
		}
		if g, w := collect(gotEarned), collect(wantEarned); !maps.Equal(g, w) {
			t.Fatalf("step %d: window earnings from the figures %v, from the ledger %v", step, g, w)
		}
		gl, wl := map[int64]int{}, map[int64]int{}
		gotLifetime.each(func(id int64, v int) { gl[id] = v })
		wantLifetime.each(func(id int64, v int) {
			if v != 0 {
				wl[id] = v
			}
		})
		for id, v := range gl {
			if v == 0 {
				delete(gl, id)
			}
		}
		if !maps.Equal(gl, wl) {
			t.Fatalf("step %d: lifetime from the figures %v, from the ledger %v", step, gl, wl)
		}
		if step == 0 {
			// The same ledger, the same moment: the same segments either way.
			if after := mustV[SegmentReport](t)(e.l.Segments(e.ctx, SegmentOptions{})); !maps.Equal(after.Counts, before.Counts) {
				t.Fatalf("segments from the figures %v, from the ledger %v", after.Counts, before.Counts)
			}
		}
		e.clock.Advance(time.Duration(1+step%4) * day)
		e.visitsAgo(cards["champ"], 0)
		if step == 5 {
			e.visitsAgo(cards["regular"], 370) // caught up from before the window: never in it
		}
		if step%3 == 2 {
			if err := e.l.AgeStats(e.ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestCardStatsBalances: the live balances Segments reads from the
// per-card figures equal the live lots', also while stamps past their
// life wait for the sweep, and after it wrote them off or they were spent.
func TestCardStatsBalances(t *testing.T) {
	e := newEnv(t)
	p := stampCard()
	p.Life = Life{Mode: LifeFixed, Days: 30}
	e.programme(p)
	a, b := e.enrol("0555 300 001"), e.enrol("0555 300 002")
	e.clock.Advance(50 * day)
	e.visitsAgo(a, 40, 35, 20, 10, 1) // the first two are past their life, not yet swept
	e.visitsAgo(b, 2, 1)
	if err := e.l.AgeStats(e.ctx); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		t.Helper()
		now := e.clock.Now()
		since := now.AddDate(0, 0, -DefaultSegmentWindowDays).UnixMilli()
		got, want := newByID[int](0), newByID[int](0)
		ok, err := statsByCard(e.ctx, e.db.R, since, now.UnixMilli(), newByID[earnAgg](0), got, nil, newByID[int64](0))
		if err != nil || !ok {
			t.Fatalf("%s: figures answered %v, %v", when, ok, err)
		}
		if err := balancesByCard(e.ctx, e.db.R, now.UnixMilli(), want); err != nil {
			t.Fatal(err)
		}
		g, w := map[int64]int{}, map[int64]int{}
		got.each(func(id int64, v int) { g[id] = v })
		want.each(func(id int64, v int) { w[id] = v })
		if !maps.Equal(g, w) || len(w) != 2 {
			t.Fatalf("%s: balances from the figures %v, from the lots %v", when, g, w)
		}
	}
	check("expired stamps not swept yet")
	mustV[ExpireResult](t)(e.l.Expire(e.ctx))
	check("after the sweep")
	mustV[Card](t)(e.l.Adjust(e.ctx, e.owner, a.Code, -1, "ошибка"))
	e.clock.Advance(25 * day)
	check("after a spend, with more stamps due")
}
