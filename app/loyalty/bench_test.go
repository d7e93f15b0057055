package loyalty

// Benchmarks of a programme with 200,000 members and about 2,000,000
// movements (issue: card look-up p99 ≤ 5 ms by QR or phone; segments
// ≤ 1 s). The fixture is made once by bulk inserts (not through Enrol one
// by one: that would take an hour and measure nothing; about a minute and
// a half on 2 cores) and cached in $TMPDIR, keyed by the schema version and
// the generator version, like the Stock screen's benchmark does:
//
//	CGO_ENABLED=0 go test -tags ci -run '^$' -bench '^Benchmark(CardLookup.*|Segments|Dashboard|LoyaltyBaseline.*)$' ./app/loyalty/
//
// The fixture holds state tables only (no events): nothing measured here
// reads the log.

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"smartpoint/app/auth"
	"smartpoint/app/clock"
	"smartpoint/app/counter"
	"smartpoint/app/store"
)

const (
	benchCustomers = 200_000
	benchMonths    = 18 // history before benchNow
	benchGenerator = 5  // bump when the fixture's content changes
	benchPerReward = 10
	benchLifeDays  = 180
)

// benchNow is the end of the fixture's history.
var benchNow = time.Date(2026, 11, 23, 12, 0, 0, 0, bishkek)

// loyaltyBenchDB returns the cached fixture's path, making it if needed.
func loyaltyBenchDB(b *testing.B) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("smartpoint-loyalty-%dk-s%d-g%d.db",
		benchCustomers/1000, store.LatestVersion(), benchGenerator))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tmp := path + ".making"
	for _, s := range []string{"", "-wal", "-shm"} {
		os.Remove(tmp + s)
	}
	t0 := time.Now()
	if err := makeLoyaltyBenchDB(tmp); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	b.Logf("bench: loyalty fixture made in %s: %s", time.Since(t0).Round(time.Millisecond), path)
	return path
}

// benchMove is one ledger row of the fixture.
type benchMove struct {
	at, expires, visit int64 // ms; 0: NULL
	card               int32
	seq                int32 // the card's earn number, for its key
	kind               string
	amount             int32
	remaining          int32 // -1: NULL (not a lot)
	reason             string
}

// benchCustomer is one member of the fixture.
type benchCustomer struct {
	enrolled, last int64 // ms; last 0: never visited
	anonymised     int64
}

// simulateLoyalty makes the fixture's history: members enrolling over
// benchMonths, each with their own rhythm (a mean gap between pickups
// from 7 to 120 days, log-uniform) until they drift away (after an
// exponential time, mean 300 days). A stamp card of benchPerReward stamps
// that live benchLifeDays: a customer with a full card mostly redeems at
// the next pickup (the card resets), and stamps past their life are
// written off as the daily sweep would. Members gone for more than a year
// are anonymised, as AnonymiseInactive would. About 2,000,000 movements,
// in time order (as a real ledger is written).
func simulateLoyalty() ([]benchCustomer, []benchMove) {
	rng := rand.New(rand.NewPCG(7, 7))
	start := benchNow.AddDate(0, -benchMonths, 0).UnixMilli()
	now := benchNow.UnixMilli()
	const day = int64(24 * time.Hour / time.Millisecond)
	life := benchLifeDays * day
	enrolled := make([]int64, benchCustomers)
	for i := range enrolled {
		enrolled[i] = start + rng.Int64N(now-start-day)
	}
	slices.Sort(enrolled) // ids grow with time, as in a real database
	customers := make([]benchCustomer, benchCustomers)
	moves := make([]benchMove, 0, 2_100_000)
	type lot struct {
		i       int // index in moves
		expires int64
	}
	var lots []lot
	for i := range customers {
		card := int32(i + 1)
		c := &customers[i]
		c.enrolled = enrolled[i]
		gap := math.Exp(math.Log(7)+rng.Float64()*(math.Log(120)-math.Log(7))) * float64(day)
		until := min(c.enrolled+int64(rng.ExpFloat64()*300*float64(day)), now)
		lots = lots[:0]
		balance := int32(0)
		// expire writes off the lots due by t as one movement, when the
		// last of them ran out.
		expire := func(t int64) {
			var total int32
			var at int64
			keep := lots[:0]
			for _, l := range lots {
				if l.expires <= t {
					total += moves[l.i].remaining
					moves[l.i].remaining = 0
					at = max(at, l.expires)
				} else {
					keep = append(keep, l)
				}
			}
			lots = keep
			if total > 0 {
				balance -= total
				moves = append(moves, benchMove{at: at, card: card, kind: MoveExpire, amount: -total, remaining: -1, reason: "expired"})
			}
		}
		t := c.enrolled
		if rng.IntN(10) == 0 { // enrolled without a pickup to stamp
			t += int64(rng.ExpFloat64() * gap)
		}
		for seq := int32(0); t < until; seq++ {
			expire(t)
			moves = append(moves, benchMove{at: t, visit: t, expires: t + life, card: card, seq: seq, kind: MoveEarn, amount: 1, remaining: 1})
			lots = append(lots, lot{len(moves) - 1, t + life})
			balance++
			c.last = t
			if balance >= benchPerReward && rng.IntN(100) < 85 {
				take := benchPerReward + balance%benchPerReward // a stamp card that resets
				left := take
				for k := range lots {
					m := &moves[lots[k].i]
					d := min(left, m.remaining)
					m.remaining -= d
					left -= d
				}
				for len(lots) > 0 && moves[lots[0].i].remaining == 0 {
					lots = lots[1:]
				}
				balance -= take
				moves = append(moves, benchMove{at: t + 60_000, card: card, kind: MoveRedeem, amount: -take, remaining: -1})
				c.last = t + 60_000
			}
			t += max(int64(rng.ExpFloat64()*gap), day/2)
		}
		expire(now)
		if seen := max(c.last, c.enrolled); now-seen > 365*day {
			c.anonymised = seen + 365*day + rng.Int64N(day)
		}
	}
	slices.SortStableFunc(moves, func(a, b benchMove) int { return cmp.Compare(a.at, b.at) })
	return customers, moves
}

// makeLoyaltyBenchDB sets a point and a programme up through the real
// services, then bulk-inserts members, cards and movements in one
// transaction. Spends do not record the lots they drew from
// (loyalty_movement_lots): nothing measured here reads them.
func makeLoyaltyBenchDB(path string) error {
	ctx := context.Background()
	db, err := store.Open(ctx, path, store.Options{Synchronous: "OFF", NoCheckpointer: true})
	if err != nil {
		return err
	}
	defer db.Close()
	start := benchNow.AddDate(0, -benchMonths, 0)
	fake := clock.NewFake(start)
	svc, err := counter.New(ctx, db, counter.Options{Clock: fake, PINParams: auth.Fast, Location: bishkek})
	if err != nil {
		return err
	}
	owner, err := svc.Setup(ctx, counter.SetupRequest{Point: counter.Point{Name: "ПВЗ", Country: "KG"}, OwnerName: "Айгуль", OwnerPIN: ownerPIN})
	if err != nil {
		return err
	}
	p := stampCard()
	p.PerReward, p.Life = benchPerReward, Life{Mode: LifeFixed, Days: benchLifeDays}
	if _, err := New(svc, Options{}).SaveProgramme(ctx, owner, p); err != nil {
		return err
	}
	var programmeID int64
	if err := db.W.QueryRow(`SELECT id FROM loyalty_programmes`).Scan(&programmeID); err != nil {
		return err
	}
	customers, moves := simulateLoyalty()
	if _, err := db.W.ExecContext(ctx, `PRAGMA cache_size = -262144`); err != nil { // 256 MiB while loading
		return err
	}
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	insCustomer, err := tx.Prepare(`INSERT INTO loyalty_customers(id, uuid, phone, name, name_norm, consent_at, consent_clerk_id,
		created_at, last_visit_at, anonymised_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	insCard, err := tx.Prepare(`INSERT INTO loyalty_cards(id, uuid, code, customer_id, programme_id, status, issued_at, issued_by,
		revoked_at, revoke_reason) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	insMove, err := tx.Prepare(`INSERT INTO loyalty_movements(uuid, card_id, kind, amount, remaining, expires_at, idem_key,
		visit_at, parcels, clerk_id, at, reason) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	// The ledger's indexes are built once after the load (a sort), not
	// row by row: several times faster, and the same indexes.
	var indexes []string
	rows, err := tx.Query(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'loyalty_movements' AND sql IS NOT NULL`)
	if err != nil {
		return err
	}
	var names []string
	for rows.Next() {
		var name, sql string
		if err := rows.Scan(&name, &sql); err != nil {
			rows.Close()
			return err
		}
		names, indexes = append(names, name), append(indexes, sql)
	}
	rows.Close()
	for _, name := range names {
		if _, err := tx.Exec(`DROP INDEX "` + name + `"`); err != nil {
			return err
		}
	}
	ids := clock.NewIDGen(fake)
	codes := map[string]bool{}
	for i, c := range customers {
		id := i + 1
		code, err := newCode()
		if err != nil {
			return err
		}
		for codes[code] {
			if code, err = newCode(); err != nil {
				return err
			}
		}
		codes[code] = true
		phone, name, status, revoked, reason := any(fmt.Sprintf("+996700%06d", id)), fmt.Sprintf("Клиент %d", id), CardActive, any(nil), ""
		if c.anonymised != 0 {
			phone, name, status, revoked, reason = nil, "", CardRevoked, c.anonymised, RevokeAnonymised
		}
		if _, err := insCustomer.Exec(id, ids.New(), phone, name, strings.ToLower(name), c.enrolled, owner.ClerkID(),
			c.enrolled, nullInt(c.last), nullInt(c.anonymised)); err != nil {
			return err
		}
		if _, err := insCard.Exec(id, ids.New(), code, id, programmeID, status, c.enrolled, owner.ClerkID(), revoked, reason); err != nil {
			return err
		}
	}
	for _, m := range moves {
		var remaining, key, visit, parcels any
		if m.remaining >= 0 {
			remaining = m.remaining
		}
		if m.kind == MoveEarn {
			key, visit, parcels = fmt.Sprintf("handover:B-%d-%d", m.card, m.seq), m.visit, 1
		}
		if _, err := insMove.Exec(ids.New(), m.card, m.kind, m.amount, remaining, nullInt(m.expires), key, visit, parcels,
			owner.ClerkID(), m.at, m.reason); err != nil {
			return err
		}
	}
	for _, sql := range indexes {
		if _, err := tx.Exec(sql); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	// The loyalty sweep last ran a day before the fixture's end (it runs
	// every 6 hours): Segments at benchNow takes a day of visits off the
	// per-card figures, more than it ever has to at a counter.
	fake.Set(benchNow.AddDate(0, 0, -1))
	if err := New(svc, Options{}).AgeStats(ctx); err != nil {
		return err
	}
	_, err = db.W.ExecContext(ctx, `ANALYZE`)
	return err
}

// benchService opens the fixture (read only in effect) on a clock at the
// end of its history.
func benchService(b *testing.B) (*Service, *store.DB) {
	b.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, loyaltyBenchDB(b), store.Options{SkipIntegrityCheck: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	svc, err := counter.New(ctx, db, counter.Options{Clock: clock.NewFake(benchNow), PINParams: auth.Fast, Location: bishkek})
	if err != nil {
		b.Fatal(err)
	}
	return New(svc, Options{}), db
}

// benchSample is every 97th card's code and its customer's phone.
func benchSample(b *testing.B, db *store.DB) (codes, phones []string) {
	b.Helper()
	rows, err := db.R.Query(`SELECT c.code, u.phone FROM loyalty_cards c JOIN loyalty_customers u ON u.id = c.customer_id
		WHERE c.id % 97 = 0 AND c.status = 'active'`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var code, phone string
		if err := rows.Scan(&code, &phone); err != nil {
			b.Fatal(err)
		}
		codes, phones = append(codes, code), append(phones, phone)
	}
	return codes, phones
}

// BenchmarkCardLookup is the counter recognising a member: by the code on
// their card (typed, or read from the QR) and by their phone; each look-up
// returns the card with its balance, rewards, tier and next expiry.
func BenchmarkCardLookup(b *testing.B) {
	l, db := benchService(b)
	codes, phones := benchSample(b, db)
	for _, by := range []struct {
		name    string
		queries []string
	}{{"code", codes}, {"phone", phones}} {
		b.Run(by.name, func(b *testing.B) {
			ctx := context.Background()
			var lat benchLatency
			for i := 0; b.Loop(); i++ {
				t0 := time.Now()
				c, err := l.FindCard(ctx, by.queries[i%len(by.queries)])
				lat.since(t0)
				if err != nil || c.Code == "" {
					b.Fatalf("find %s: %+v, %v", by.queries[i%len(by.queries)], c, err)
				}
			}
			lat.report(b)
		})
	}
}

// BenchmarkLoyaltyBaselineLookup is one indexed SELECT of a card by code on
// the same database: the floor under FindCard.
func BenchmarkLoyaltyBaselineLookup(b *testing.B) {
	_, db := benchService(b)
	codes, _ := benchSample(b, db)
	ctx := context.Background()
	var lat benchLatency
	for i := 0; b.Loop(); i++ {
		var id int64
		t0 := time.Now()
		err := db.R.QueryRowContext(ctx, `SELECT id FROM loyalty_cards WHERE code = ?`, codes[i%len(codes)]).Scan(&id)
		lat.since(t0)
		if err != nil {
			b.Fatal(err)
		}
	}
	lat.report(b)
}

// BenchmarkSegments is the whole segmentation of the 200,000 members
// (Segments with the default options: every member's recency, frequency,
// monetary and close-to-reward flag, and the counts).
func BenchmarkSegments(b *testing.B) {
	l, _ := benchService(b)
	ctx := context.Background()
	var lat benchLatency
	var r SegmentReport
	for b.Loop() {
		t0 := time.Now()
		var err error
		r, err = l.Segments(ctx, SegmentOptions{})
		lat.since(t0)
		if err != nil {
			b.Fatal(err)
		}
	}
	lat.report(b)
	if r.Members < benchCustomers*8/10 || r.Counts[SegChampions] == 0 || r.Counts[SegAtRisk] == 0 || r.Counts[SegLost] == 0 {
		b.Fatalf("segments of the fixture: %+v", r)
	}
	b.Logf("segments: %d members %v, typical gap %.1f days, champions from %d visits and %d stamps", r.Members, r.Counts,
		r.TypicalGapDays, r.ChampionVisits, r.ChampionEarned)
}

// BenchmarkDashboard is the dashboard of the fixture's last year.
func BenchmarkDashboard(b *testing.B) {
	l, _ := benchService(b)
	ctx := context.Background()
	var lat benchLatency
	var d Dashboard
	for b.Loop() {
		t0 := time.Now()
		var err error
		d, err = l.Dashboard(ctx, benchNow.AddDate(-1, 0, 0), benchNow)
		lat.since(t0)
		if err != nil {
			b.Fatal(err)
		}
	}
	lat.report(b)
	if len(d.Months) != 13 || d.Visits == 0 || d.Redemptions == 0 || d.Expired == 0 || len(d.AtRisk) != DashboardAtRiskTop {
		b.Fatalf("dashboard of the fixture: %+v", d)
	}
	b.Logf("dashboard: %d enrolments, %d active, %d visits, %d issued, %d redeemed (%.0f%%), %d expired, %d at risk",
		d.Enrolments, d.ActiveMembers, d.Visits, d.Issued, d.Redeemed, 100*d.RedemptionRate, d.Expired, d.AtRiskTotal)
}

// BenchmarkLoyaltyBaselineScan is one raw pass over every movement
// (count, sum and latest time of the whole ledger in one SELECT): the
// floor under anything that reads the whole ledger, as Segments and
// Dashboard do. Grouping that pass by card instead costs 7–10 s on this
// fixture (through the card index and the table, or a sort), which is why
// the analytics read their own covering indexes.
func BenchmarkLoyaltyBaselineScan(b *testing.B) {
	_, db := benchService(b)
	ctx := context.Background()
	var lat benchLatency
	for b.Loop() {
		var n, sum, last int64
		t0 := time.Now()
		err := db.R.QueryRowContext(ctx, `SELECT count(*), sum(amount), max(at) FROM loyalty_movements`).Scan(&n, &sum, &last)
		lat.since(t0)
		if err != nil || n < 1_500_000 {
			b.Fatalf("scan: %d movements, %v", n, err)
		}
	}
	lat.report(b)
}

// benchLatency records per-operation times for quantiles.
type benchLatency []time.Duration

func (l *benchLatency) since(t0 time.Time) { *l = append(*l, time.Since(t0)) }

// report adds p50-ms and p99-ms (nearest rank) to the benchmark's line.
func (l benchLatency) report(b *testing.B) {
	if len(l) == 0 {
		return
	}
	s := slices.Clone(l)
	slices.Sort(s)
	q := func(p float64) float64 {
		i := int(float64(len(s))*p+0.999999) - 1
		return float64(s[min(max(i, 0), len(s)-1)]) / float64(time.Millisecond)
	}
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}
