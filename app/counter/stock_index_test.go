package counter

import "testing"

// StockIndex agrees with StockPage's order for every row of several
// filters, and says so when a parcel is not in the filter.
func TestStockIndexMatchesThePageOrder(t *testing.T) {
	sp := newStockPoint(t)
	for _, f := range []StockFilter{{}, {Partner: "cdek"}, {Overdue: true}, {Status: StatusToReturn}} {
		rows := sp.all(f)
		in := map[string]bool{}
		for want, track := range rows {
			in[track] = true
			row, ok, err := sp.s.StockIndex(sp.ctx, sp.owner, f, sp.p[track].ID)
			if err != nil || !ok || row != want {
				t.Fatalf("%+v: %s at row %d (%v, %v), want %d", f, track, row, ok, err, want)
			}
		}
		for track, p := range sp.p {
			if in[track] {
				continue
			}
			if _, ok, err := sp.s.StockIndex(sp.ctx, sp.owner, f, p.ID); ok || err != nil {
				t.Fatalf("%+v: %s (%s) reported in the filter: %v", f, track, p.Status, err)
			}
		}
	}
}
