package ui

import "testing"

// BenchmarkScanToRendered is the window's own share of scan-to-paint with
// Fyne's software renderer: a wedge scan of a parcel on the shelf typed
// into the focused scan field, the lookup, the banner update and a full
// render of the 1366×768 window. The real window on the 1M-parcel
// database is measured by scripts/bench-ui.sh.
func BenchmarkScanToRendered(b *testing.B) {
	e := loggedIn(b)
	tracks := e.stockParcels(100, make([]int, 50)...)
	c := e.u.Window().Canvas()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		e.scan(tracks[i%len(tracks)])
		if img := c.Capture(); img == nil {
			b.Fatal("nothing rendered")
		}
	}
	b.StopTimer()
	if got := e.screen("counter").(*counterScreen).banner.big.Text; got == "" {
		b.Fatal("the banner shows no cell after the scans")
	}
}

// BenchmarkRenderBaseline renders the same window without a scan: the
// software renderer's share of BenchmarkScanToRendered.
func BenchmarkRenderBaseline(b *testing.B) {
	e := loggedIn(b)
	c := e.u.Window().Canvas()
	for b.Loop() {
		if img := c.Capture(); img == nil {
			b.Fatal("nothing rendered")
		}
	}
}
