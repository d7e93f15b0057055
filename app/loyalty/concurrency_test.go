package loyalty

import (
	"sync"
	"testing"

	"smartpoint/app/counter"
)

// Two counters (or a retry racing the first attempt, or CatchUp racing
// the live accrual) stamping the same pickup at once stamp it once.
func TestConcurrentAccrualsOfOnePickupStampOnce(t *testing.T) {
	e := newEnv(t)
	e.programme(stampCard())
	card := e.enrol("0555 123 456")
	var handovers []counter.HandoverResult
	for range 3 {
		handovers = append(handovers, e.pickup(e.owner, "+996555123456", 1))
	}
	const workers = 6
	var wg sync.WaitGroup
	results := make([]Result, workers)
	errors := make([]error, workers)
	for i := range workers {
		wg.Go(func() {
			results[i], errors[i] = e.l.Accrue(e.ctx, e.owner, card.Code, "same pickup", Visit{Parcels: 1})
		})
	}
	// Meanwhile: the live accruals of the handovers against CatchUp, and
	// the counter reading the card.
	for _, h := range handovers {
		wg.Go(func() {
			if _, _, err := e.l.AccrueForHandover(e.ctx, e.owner, h); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Go(func() {
		if _, err := e.l.CatchUp(e.ctx); err != nil {
			t.Error(err)
		}
	})
	for range 4 {
		wg.Go(func() {
			if c, err := e.l.FindCard(e.ctx, card.Code); err != nil || c.Balance < 0 || c.Balance > 4 {
				t.Errorf("read %+v, %v", c, err)
			}
		})
	}
	wg.Wait()
	first := 0
	for i := range workers {
		if errors[i] != nil || results[i].Granted != 1 {
			t.Fatalf("worker %d: %+v, %v", i, results[i], errors[i])
		}
		if !results[i].Repeated {
			first++
		}
	}
	if first != 1 {
		t.Fatalf("%d workers stamped first", first)
	}
	if c := e.card(card.Code); c.Balance != 4 {
		t.Fatalf("balance %d, want 4 (one manual key, three pickups)", c.Balance)
	}
	if n := e.count(`SELECT count(*) FROM loyalty_movements`); n != 4 {
		t.Fatalf("%d movements", n)
	}
}
