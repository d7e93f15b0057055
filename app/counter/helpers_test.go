package counter

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"smartpoint/app/auth"
	"smartpoint/app/clock"
	"smartpoint/app/scan"
	"smartpoint/app/store"
)

// env is a counter on a real SQLite file with a fake clock, a point set up
// in Kyrgyzstan with default partners, 2 racks of cells and an owner on shift.
type env struct {
	t     *testing.T
	ctx   context.Context
	db    *store.DB
	s     *Service
	clock *clock.Fake
	owner *Session
}

var testStart = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "counter.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := clock.NewFake(testStart)
	s, err := New(ctx, db, Options{Clock: c, PINParams: auth.Fast, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	owner, err := s.Setup(ctx, SetupRequest{
		Point:     Point{Name: "ПВЗ Ала-Тоо", Country: "KG", Address: "Бишкек, Чуй 1"},
		OwnerName: "Айгуль", OwnerPIN: "4821",
		Layout: &Layout{Racks: "A-B", Shelves: 2, Cells: 5, Size: "M", Capacity: 3, ShelfSizes: []string{"L"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.OpenShift(ctx, owner); err != nil {
		t.Fatal(err)
	}
	return &env{t: t, ctx: ctx, db: db, s: s, clock: c, owner: owner}
}

// clerk creates and logs in a clerk (no shift open).
func (e *env) clerk(name string, role Role) *Session {
	e.t.Helper()
	if _, err := e.s.CreateClerk(e.ctx, e.owner, name, role, "2580"); err != nil {
		e.t.Fatal(err)
	}
	sess, err := e.s.Login(e.ctx, name, "2580")
	if err != nil {
		e.t.Fatal(err)
	}
	return sess
}

// must fails the test on err.
func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// s10 makes valid UPU S10 tracks for tests: kgpost (…KG) parcels.
func s10(serial int, country string) string { return scan.S10("RA", serial, country) }

// importCSV imports a small manifest for partner from CSV text.
func (e *env) importCSV(partner, csv string) ImportResult {
	e.t.Helper()
	res, err := e.s.ImportManifest(e.ctx, e.owner, stringsReader(csv), ImportOptions{Partner: partner, Filename: "test.csv"})
	if err != nil {
		e.t.Fatalf("import: %v", err)
	}
	return res
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }
