package counter_test

import (
	"context"
	"fmt"
	"os"

	"smartpoint/app/benchdata"
	"smartpoint/app/counter"
)

// app/benchdata imports package counter, so the benchmarks inside it
// (bench_test.go) cannot import benchdata; this external test file can,
// and lends them the generator.
func init() {
	counter.BenchData.Generate = func(ctx context.Context, path string, parcels int) error {
		step := 0
		_, err := benchdata.Generate(ctx, path, benchdata.Options{Parcels: parcels, Progress: func(done, total int) {
			if pct := done * 10 / total; parcels >= 100_000 && pct > step {
				step = pct
				fmt.Fprintf(os.Stderr, "bench: %d%% of %d rows written\n", pct*10, total)
			}
		}})
		return err
	}
	counter.BenchData.Signature = func(parcels int) string {
		return benchdata.Signature(benchdata.Options{Parcels: parcels})
	}
	counter.BenchData.OwnerName, counter.BenchData.PIN = benchdata.OwnerName, benchdata.PIN
}
