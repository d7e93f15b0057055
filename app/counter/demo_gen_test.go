package counter_test

import (
	"context"

	"smartpoint/app/counter"
	"smartpoint/app/demo"
)

// app/demo imports package counter, so the replay test inside it
// (demo_replay_test.go) cannot import demo; this external test file can,
// and lends it the loader.
func init() {
	counter.DemoData.Load = func(ctx context.Context, s *counter.Service, sess *counter.Session, parcels int, seed int64) error {
		_, err := demo.Load(ctx, s, sess, demo.Options{Parcels: parcels, Seed: seed})
		return err
	}
}
