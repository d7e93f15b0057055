package counter

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// benchStockOnHand is how many parcels the deep-paging fixture puts on the
// shelves: more than 90,000 of one partner, so a page at row 90,000
// exists with and without the partner filter.
const (
	benchStockPartner = "wb"
	benchStockMain    = 150_000 // wb parcels
	benchStockOthers  = 50_000  // the other partners' parcels
	benchStockDeep    = 90_000  // the deep page's offset
)

// benchStockCopy is a private copy of the cached database in which
// benchStockMain + benchStockOthers of the issued parcels are put back on
// the shelves (no real point holds 200,000 parcels at once: the
// generated one has 9,600 places, and the copy's cells are overfull). It
// is a read fixture only: the log does not replay to it.
func benchStockCopy(b *testing.B) (*Service, *Session) {
	b.Helper()
	s, sess := benchCopy(b)
	ctx := context.Background()
	wb, ok := s.partnerByCode(benchStockPartner)
	if !ok {
		b.Fatalf("bench: no partner %s", benchStockPartner)
	}
	t0 := time.Now()
	var cells, firstCell int64
	if err := s.db.W.QueryRowContext(ctx, `SELECT count(*), min(id) FROM cells`).Scan(&cells, &firstCell); err != nil {
		b.Fatal(err)
	}
	for _, q := range []struct {
		where string
		n     int
	}{{"partner_id = ?", benchStockMain}, {"partner_id <> ?", benchStockOthers}} {
		_, err := s.db.W.ExecContext(ctx, `UPDATE parcels SET status = 'stored', cell_id = ? + id % ?, issued_at = NULL, handover_id = NULL
			WHERE id IN (SELECT id FROM parcels WHERE status = 'issued' AND `+q.where+` ORDER BY id DESC LIMIT ?)`,
			firstCell, cells, wb.ID, q.n)
		if err != nil {
			b.Fatal(err)
		}
	}
	if _, err := s.db.W.ExecContext(ctx, `UPDATE cells SET occupied = (SELECT count(*) FROM parcels WHERE cell_id = cells.id)`); err != nil {
		b.Fatal(err)
	}
	b.Logf("bench: %d issued parcels put back on the shelves in %s", benchStockMain+benchStockOthers, time.Since(t0).Round(time.Millisecond))
	return s, sess
}

// BenchmarkStockPage is the Stock screen fetching one page of 200 rows as
// the clerk scrolls: the first page and a deep one, with and without a
// partner filter. "shelves" is the generated point as it is (about 6,000
// parcels on hand: the deep page is its last); "onhand200k" the fixture
// with 200,000 on hand (150,000 of them wb), where the deep page starts
// at row 90,000. count-… times StockCount, fetched once per filter.
func BenchmarkStockPage(b *testing.B) {
	shared, sharedSess := benchShared(b)
	benchStockRuns(b, "shelves", shared, sharedSess, 0)
	s, sess := benchStockCopy(b)
	benchStockRuns(b, "onhand200k", s, sess, benchStockDeep)
}

// benchStockRuns times the first and a deep page, and the counts, of the
// whole stock and of one partner's. deep 0 means the last full page.
func benchStockRuns(b *testing.B, name string, s *Service, sess *Session, deep int) {
	ctx := context.Background()
	for _, f := range []StockFilter{{}, {Partner: benchStockPartner}} {
		filter := "all"
		if f.Partner != "" {
			filter = "partner=" + f.Partner
		}
		total, err := s.StockCount(ctx, sess, f)
		if err != nil {
			b.Fatal(err)
		}
		off := deep
		if off == 0 || off > total-StockPageDefault {
			off = max(0, total-StockPageDefault)
		}
		for _, offset := range []int{0, off} {
			b.Run(fmt.Sprintf("%s/%s/offset=%d", name, filter, offset), func(b *testing.B) {
				var lat benchLatency
				for b.Loop() {
					t0 := time.Now()
					page, err := s.StockPage(ctx, sess, f, offset, StockPageDefault)
					lat.since(t0)
					if err != nil || len(page) != min(StockPageDefault, total-offset) {
						b.Fatalf("page at %d of %d: %d rows, %v", offset, total, len(page), err)
					}
				}
				lat.report(b)
			})
		}
		b.Run(fmt.Sprintf("%s/%s/count", name, filter), func(b *testing.B) {
			var lat benchLatency
			for b.Loop() {
				t0 := time.Now()
				n, err := s.StockCount(ctx, sess, f)
				lat.since(t0)
				if err != nil || n != total {
					b.Fatalf("count %d, want %d: %v", n, total, err)
				}
			}
			lat.report(b)
			b.ReportMetric(float64(total), "rows")
		})
	}
}
