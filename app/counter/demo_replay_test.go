package counter

import (
	"context"
	"testing"
)

// DemoData lends the tests app/demo's loader. That package imports this
// one, so only the external test package may import it: demo_gen_test.go
// (package counter_test) fills it in.
var DemoData struct {
	Load func(ctx context.Context, s *Service, sess *Session, parcels int, seed int64) error
}

// The demo history (app/demo) is written through this package's own
// calls; it must hold together like any other: cell counts, shelves, and
// the state tables equal to a replay of its event log.
func TestDemoDataReplays(t *testing.T) {
	if DemoData.Load == nil {
		t.Skip("demo_gen_test.go not linked")
	}
	e := newEnv(t)
	must[Report](t)(e.s.CloseShift(e.ctx, e.owner))
	must[int](t)(e.s.GenerateCells(e.ctx, e.owner, Layout{Racks: "C-F", Shelves: 5, Cells: 10, Size: "M", Capacity: 3}))
	if err := DemoData.Load(e.ctx, e.s, e.owner, 300, 11); err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, e.s)
	// Every parcel the demo left at the point is on the Stock screen.
	var atPoint int
	e.db.R.QueryRow(`SELECT count(*) FROM parcels WHERE status IN ('stored','to_return','boxed')`).Scan(&atPoint)
	if n := must[int](t)(e.s.StockCount(e.ctx, e.owner, StockFilter{})); n != atPoint || n == 0 {
		t.Fatalf("stock %d, parcels at the point %d", n, atPoint)
	}
}
