package demo_test

import (
	"testing"

	"smartpoint/app/demo"
)

// BenchmarkLoad is the first-run wizard's demo: the default size on a
// fresh point (what the newcomer waits for behind the progress bar).
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		p := newPoint(b, "KG", &layout)
		b.StartTimer()
		if _, err := demo.Load(p.ctx, p.svc, p.owner, demo.Options{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
