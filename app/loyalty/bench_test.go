package loyalty

// Benchmarks of card look-up at the counter on a programme with 200,000
// members (issue: p99 ≤ 5 ms by QR or phone). The fixture is made once by
// bulk inserts (not through Enrol one by one: that would take minutes and
// measure nothing) and cached in $TMPDIR, keyed by the schema version and
// the generator version, like the Stock screen's benchmark does:
//
//	CGO_ENABLED=0 go test -tags ci -run '^$' -bench 'CardLookup|LoyaltyBaseline' ./app/loyalty/
//
// The fixture holds state tables only (no events): look-ups never read
// the log.

import (
	"context"
	"fmt"
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
	benchLotsMax   = 9 // earn lots per card: 0…9, about 1,000,000 movements in all
	benchGenerator = 2 // bump when the fixture's content changes
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

// makeLoyaltyBenchDB sets a point and a programme up through the real
// services, then bulk-inserts members, cards and lots in one transaction.
func makeLoyaltyBenchDB(path string) error {
	ctx := context.Background()
	db, err := store.Open(ctx, path, store.Options{Synchronous: "OFF", NoCheckpointer: true})
	if err != nil {
		return err
	}
	defer db.Close()
	start := benchNow.AddDate(-1, 0, 0)
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
	p.PerReward, p.Life = 10, Life{Mode: LifeFixed, Days: 180}
	if _, err := New(svc, Options{}).SaveProgramme(ctx, owner, p); err != nil {
		return err
	}
	var programmeID int64
	if err := db.W.QueryRow(`SELECT id FROM loyalty_programmes`).Scan(&programmeID); err != nil {
		return err
	}
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	insCustomer, err := tx.Prepare(`INSERT INTO loyalty_customers(id, uuid, phone, name, name_norm, consent_at, consent_clerk_id,
		created_at, last_visit_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	insCard, err := tx.Prepare(`INSERT INTO loyalty_cards(id, uuid, code, customer_id, programme_id, status, issued_at, issued_by)
		VALUES(?, ?, ?, ?, ?, 'active', ?, ?)`)
	if err != nil {
		return err
	}
	insLot, err := tx.Prepare(`INSERT INTO loyalty_movements(uuid, card_id, kind, amount, remaining, expires_at, idem_key,
		visit_at, parcels, clerk_id, at) VALUES(?, ?, 'earn', 1, 1, ?, ?, ?, 1, ?, ?)`)
	if err != nil {
		return err
	}
	ids := clock.NewIDGen(fake)
	rng := rand.New(rand.NewPCG(7, 7))
	codes := map[string]bool{}
	span := benchNow.Sub(start).Milliseconds()
	for i := 1; i <= benchCustomers; i++ {
		code, err := newCode()
		if err != nil {
			return err
		}
		if codes[code] {
			i--
			continue
		}
		codes[code] = true
		enrolled := start.UnixMilli() + rng.Int64N(span)
		lots := rng.IntN(benchLotsMax + 1)
		last := any(nil)
		if lots > 0 {
			last = enrolled
		}
		name := fmt.Sprintf("Клиент %d", i)
		if _, err := insCustomer.Exec(i, ids.New(), fmt.Sprintf("+996700%06d", i), name, strings.ToLower(name), enrolled, owner.ClerkID(),
			enrolled, last); err != nil {
			return err
		}
		if _, err := insCard.Exec(i, ids.New(), code, i, programmeID, enrolled, owner.ClerkID()); err != nil {
			return err
		}
		at := enrolled
		for k := range lots {
			at += rng.Int64N(max((benchNow.UnixMilli()-at)/int64(lots-k+1), 1))
			if _, err := insLot.Exec(ids.New(), i, time.UnixMilli(at).AddDate(0, 0, p.Life.Days).UnixMilli(),
				fmt.Sprintf("handover:B-%d-%d", i, k), at, owner.ClerkID(), at); err != nil {
				return err
			}
		}
	}
	if err := tx.Commit(); err != nil {
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
		WHERE c.id % 97 = 0`)
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
