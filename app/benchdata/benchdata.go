// Package benchdata fabricates a large, realistic counter database for
// benchmarks and demos: a year of a busy pickup point in Kyrgyzstan with
// a million parcels, their events, handovers, returns and shifts.
//
// The schema and the set-up (point, partners, cells, clerks) come from the
// real store and counter service; the history is then bulk-inserted with
// SQL, the one place outside app/counter allowed to do so, shaped exactly
// like what the services write (same statuses, payloads, entities, cell
// occupancy), so the core can be opened on it and used normally.
package benchdata

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"smartpoint/app/errs"
	"time"

	"smartpoint/app/auth"
	"smartpoint/app/clock"
	"smartpoint/app/counter"
	"smartpoint/app/store"
)

// GeneratorVersion changes whenever the generated data changes shape, so
// cached benchmark databases are regenerated.
const GeneratorVersion = "benchdata/2"

// Login details of the generated point. PINs are hashed with auth.Fast
// costs; the costs are in the stored hash, so any service verifies them.
const (
	OwnerName = "Айгуль"
	PIN       = "4821" // every generated clerk's PIN
)

// Clerks besides the owner, in shift rotation order.
var Clerks = []struct {
	Name string
	Role counter.Role
}{
	{"Бекзат", counter.RoleClerk}, {"Нурлан", counter.RoleClerk}, {"Динара", counter.RoleManager}, {"Эрмек", counter.RoleClerk},
}

// Layout is the generated point's shelving: racks A–T, 6 shelves of 10
// cells, 8 parcels a cell (9,600 places), big sizes on the lower shelves.
var Layout = counter.Layout{Racks: "A-T", Shelves: 6, Cells: 10, Size: "M", Capacity: 8,
	ShelfSizes: []string{"XL", "L", "M", "M", "S", "S"}}

// Days of history before today.
const Days = 365

// Options size the generated history.
type Options struct {
	Parcels int // all parcels ever seen, 1,000,000 by default
	// OnHand is how many are on the shelves now (stored or to return),
	// 6,000 by default (a quarter of Parcels at most).
	OnHand int
	Seed   int64
	// Now is the end of the history; zero means time.Now(). History fills
	// the Days before today (UTC); today has only the owner's open shift.
	Now      time.Time
	Progress func(done, total int) // rows written so far, of all rows
}

// Stats report what Generate made.
type Stats struct {
	Parcels  int
	Events   int
	OnHand   int
	Duration time.Duration
}

func (o Options) withDefaults() Options {
	if o.Parcels == 0 {
		o.Parcels = 1_000_000
	}
	if o.OnHand == 0 {
		o.OnHand = min(6_000, o.Parcels/4)
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	return o
}

// Signature identifies what Generate makes with opt (not the Now it ran
// at); it is stored as meta 'bench.generator' so a cache can be checked.
func Signature(opt Options) string {
	opt = opt.withDefaults()
	return fmt.Sprintf("%s parcels=%d onhand=%d seed=%d schema=%d", GeneratorVersion, opt.Parcels, opt.OnHand, opt.Seed, store.LatestVersion())
}

// ErrExists: the generator never overwrites a file.
var ErrExists = errs.Register("benchdata.exists")

// Generate creates a new database at path (which must not exist). It is
// written next to path and renamed into place when complete, so a crash
// or cancellation never leaves a half-made file behind.
func Generate(ctx context.Context, path string, opt Options) (Stats, error) {
	began := time.Now()
	opt = opt.withDefaults()
	if opt.Parcels < 100 || opt.OnHand < 0 || opt.OnHand > opt.Parcels/2 {
		return Stats{}, fmt.Errorf("benchdata: %d parcels with %d on hand: need at least 100 parcels and at most half on hand", opt.Parcels, opt.OnHand)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		return Stats{}, errs.New(ErrExists, "Path", path)
	}
	tmp := path + ".partial"
	removeDB(tmp)
	stats, err := generate(ctx, tmp, opt)
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		removeDB(tmp)
		return Stats{}, fmt.Errorf("benchdata %s: %w", path, err)
	}
	stats.Duration = time.Since(began)
	return stats, nil
}

func removeDB(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(path + suffix)
	}
}

func generate(ctx context.Context, path string, opt Options) (Stats, error) {
	now := opt.Now.UTC()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	p := &plan{
		rnd:   rand.New(rand.NewPCG(uint64(opt.Seed), 0x5eed_5eed)),
		days:  Days,
		start: today.AddDate(0, 0, -Days).UnixMilli(),
		now:   now.UnixMilli(),
	}
	id, err := setUp(ctx, path, p, time.UnixMilli(p.start).Add(-12*time.Hour))
	if err != nil {
		return Stats{}, err
	}
	if err := p.build(opt.Parcels, opt.OnHand); err != nil {
		return Stats{}, err
	}
	if err := writePlan(ctx, path, p, id, opt.Progress); err != nil {
		return Stats{}, err
	}
	return reopen(ctx, path, opt)
}

// setUp makes the point through the real service: schema, partners,
// cells, owner and clerks, all dated the day before the history starts.
func setUp(ctx context.Context, path string, p *plan, at time.Time) (ids, error) {
	var id ids
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		return id, err
	}
	defer db.Close()
	s, err := counter.New(ctx, db, counter.Options{Clock: clock.NewFake(at), PINParams: auth.Fast, Location: time.UTC})
	if err != nil {
		return id, err
	}
	layout := Layout
	owner, err := s.Setup(ctx, counter.SetupRequest{
		Point:     counter.Point{Name: "ПВЗ Джал (бенчмарк)", Country: "KG", Address: "Бишкек, мкр. Джал 23", Hours: "09:00–21:00"},
		OwnerName: OwnerName, OwnerPIN: PIN, Layout: &layout,
	})
	if err != nil {
		return id, fmt.Errorf("set up: %w", err)
	}
	for _, c := range Clerks {
		made, err := s.CreateClerk(ctx, owner, c.Name, c.Role, PIN)
		if err != nil {
			return id, err
		}
		id.clerks, id.clerkNames = append(id.clerks, made.ID), append(id.clerkNames, made.Name)
		p.clerks = append(p.clerks, made.ID)
	}
	id.clerks, id.clerkNames = append(id.clerks, owner.ClerkID()), append(id.clerkNames, owner.Name())
	p.clerks = append(p.clerks, owner.ClerkID())
	partners, err := s.Partners(ctx)
	if err != nil {
		return id, err
	}
	for i, m := range partnerMix {
		found := false
		for _, pa := range partners {
			if pa.Code == m.code && pa.Active {
				id.partners[i], p.storageDays[i], found = pa.ID, pa.StorageDays, true
			}
		}
		if !found {
			return id, fmt.Errorf("partner %s is not enabled for KG", m.code)
		}
	}
	cells, err := s.Cells(ctx)
	if err != nil {
		return id, err
	}
	rank := map[string]int{"S": 0, "M": 1, "L": 2, "XL": 3}
	for _, c := range cells {
		ci := cellInfo{id: c.ID, label: c.Label, rank: rank[c.Size], capacity: c.Capacity}
		p.cellsByRank[ci.rank] = append(p.cellsByRank[ci.rank], int32(len(p.cells)))
		p.cells = append(p.cells, ci)
	}
	return id, nil
}

// reopen opens the result the way the app does (WAL, migrations, foreign
// key check) and counts it.
func reopen(ctx context.Context, path string, opt Options) (Stats, error) {
	db, err := store.Open(ctx, path, store.Options{SkipIntegrityCheck: true})
	if err != nil {
		return Stats{}, err
	}
	defer db.Close()
	st := Stats{}
	err = db.W.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM parcels), (SELECT count(*) FROM events),
		(SELECT count(*) FROM parcels WHERE status IN ('stored','to_return'))`).Scan(&st.Parcels, &st.Events, &st.OnHand)
	if err != nil {
		return st, err
	}
	if _, err := db.W.ExecContext(ctx, `INSERT INTO meta(key,value) VALUES('bench.signature',?)`, Signature(opt)); err != nil {
		return st, err
	}
	_, err = db.W.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return st, err
}
