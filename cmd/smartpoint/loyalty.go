package main

import (
	"context"
	"log/slog"
	"time"

	"smartpoint/app/counter"
	"smartpoint/app/loyalty"
)

// loyaltySweepEvery is how often the loyalty housekeeping runs while the
// counter is open; each part is idempotent, so running often costs little.
const loyaltySweepEvery = 6 * time.Hour

// startLoyalty builds the loyalty service and runs its housekeeping in the
// background: accruals a crash left out (CatchUp), stamps past their life
// (Expire), the segments' per-card figures (AgeStats) and customers
// inactive past the programme's limit (AnonymiseInactive). It never holds up the window; failures are logged
// and retried at the next sweep. stop waits for a sweep in progress.
func startLoyalty(ctx context.Context, svc *counter.Service, log *slog.Logger) (l *loyalty.Service, stop func()) {
	l = loyalty.New(svc, loyalty.Options{})
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(loyaltySweepEvery)
		defer t.Stop()
		for {
			loyaltySweep(ctx, l, log)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return l, func() { cancel(); <-done }
}

// loyaltySweep runs the housekeeping once.
func loyaltySweep(ctx context.Context, l *loyalty.Service, log *slog.Logger) {
	if _, err := l.Programme(ctx); err != nil {
		return // no programme yet (or the database is unreadable: the status bar says so)
	}
	if r, err := l.CatchUp(ctx); err != nil {
		log.Warn("loyalty catch-up failed", "err", err)
	} else if r.Accrued > 0 {
		log.Info("loyalty catch-up", "accrued", r.Accrued, "checked", r.Checked)
	}
	if r, err := l.Expire(ctx); err != nil {
		log.Warn("loyalty expiry failed", "err", err)
	} else if r.Cards > 0 {
		log.Info("loyalty stamps expired", "cards", r.Cards, "amount", r.Amount)
	}
	if err := l.AgeStats(ctx); err != nil {
		log.Warn("loyalty statistics upkeep failed", "err", err)
	}
	if n, err := l.AnonymiseInactive(ctx, 0); err != nil {
		log.Warn("loyalty anonymisation failed", "err", err)
	} else if n > 0 {
		log.Info("inactive loyalty customers anonymised", "customers", n)
	}
}
