package counter

// Benchmarks of the counter core on the database of a busy point: a year
// of history, 1,000,000 parcels by default (app/benchdata makes it). `make
// bench` (scripts/bench.sh) runs them and writes BENCHMARKS.md.
//
// The database is generated once and cached between runs: SP_BENCH_DB, else
// $TMPDIR/smartpoint-bench-1m.db; SP_BENCH_PARCELS changes its size (quick
// runs use 20000). It is regenerated when missing or made by another
// generator version, schema version or size. Read-only benchmarks use the
// cache directly and never write to it (they do not even log in).
// Benchmarks that write work on a fresh copy of it each, so repeated runs
// measure the same database instead of one that grows a little each time.
//
// Every service runs with the store's production settings (WAL,
// synchronous=FULL: each commit is durable) and a clock that continues
// from the end of the generated history.

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"smartpoint/app/scan"
	"strconv"
	"sync"
	"testing"
	"time"

	"smartpoint/app/auth"
	"smartpoint/app/store"
)

// BenchData lends the benchmarks app/benchdata. That package imports this
// one, so only the external test package may import it: bench_gen_test.go
// (package counter_test) fills these in.
var BenchData struct {
	Generate  func(ctx context.Context, path string, parcels int) error
	Signature func(parcels int) string // what a database made for this size records in meta 'bench.signature'
	OwnerName string
	PIN       string
}

// benchFixture is the cached database.
type benchFixture struct {
	path    string
	parcels int
	now     time.Time // the end of its history: the services' clocks start there
}

var (
	benchOnce sync.Once
	benchFix  benchFixture
	benchErr  error
)

// benchDB returns the cached database, generating it on first use.
func benchDB(b *testing.B) benchFixture {
	b.Helper()
	benchOnce.Do(func() { benchFix, benchErr = prepareBenchDB() })
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchFix
}

func prepareBenchDB() (benchFixture, error) {
	if BenchData.Generate == nil {
		return benchFixture{}, errors.New("bench: BenchData is not set (bench_gen_test.go missing?)")
	}
	f := benchFixture{parcels: 1_000_000, path: os.Getenv("SP_BENCH_DB")}
	if v := os.Getenv("SP_BENCH_PARCELS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1000 {
			return f, fmt.Errorf("bench: SP_BENCH_PARCELS=%q: want a number ≥ 1000", v)
		}
		f.parcels = n
	}
	if f.path == "" {
		name := "smartpoint-bench-1m.db"
		if f.parcels != 1_000_000 {
			name = fmt.Sprintf("smartpoint-bench-%d.db", f.parcels)
		}
		f.path = filepath.Join(os.TempDir(), name)
	}
	want := BenchData.Signature(f.parcels)
	got, now, err := benchSignature(f.path)
	if err == nil && got == want {
		f.now = now
		return f, nil
	}
	if _, statErr := os.Stat(f.path); statErr == nil {
		fmt.Fprintf(os.Stderr, "bench: %s was made as %q, want %q: regenerating\n", f.path, got, want)
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(f.path + suffix)
		}
	}
	fmt.Fprintf(os.Stderr, "bench: generating %d parcels into %s (once; cached for later runs)\n", f.parcels, f.path)
	began := time.Now()
	if err := BenchData.Generate(context.Background(), f.path, f.parcels); err != nil {
		return f, err
	}
	fmt.Fprintf(os.Stderr, "bench: generated in %s\n", time.Since(began).Round(time.Second))
	if got, f.now, err = benchSignature(f.path); err != nil || got != want {
		return f, fmt.Errorf("bench: generated %s reads as %q (%v)", f.path, got, err)
	}
	return f, nil
}

// benchSignature reads what made a cached database, without writing to it.
func benchSignature(path string) (string, time.Time, error) {
	if _, err := os.Stat(path); err != nil {
		return "", time.Time{}, err
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return "", time.Time{}, err
	}
	defer db.Close()
	var sig, now string
	err = db.QueryRow(`SELECT coalesce((SELECT value FROM meta WHERE key='bench.signature'),''),
		coalesce((SELECT value FROM meta WHERE key='bench.now'),'0')`).Scan(&sig, &now)
	nowMs, _ := strconv.ParseInt(now, 10, 64)
	return sig, time.UnixMilli(nowMs), err
}

// benchClock continues from the end of the generated history in real time.
type benchClock struct{ offset time.Duration }

func (c benchClock) Now() time.Time { return time.Now().Add(c.offset) }

func benchClockAt(t time.Time) benchClock { return benchClock{offset: time.Until(t)} }

func openBenchService(b *testing.B, path string, now time.Time) *Service {
	b.Helper()
	ctx := context.Background()
	// The integrity check at open reads the whole file (seconds at 1M
	// parcels); it is the same file every time, checked by benchdata's test.
	db, err := store.Open(ctx, path, store.Options{SkipIntegrityCheck: true})
	if err != nil {
		b.Fatal(err)
	}
	s, err := New(ctx, db, Options{Clock: benchClockAt(now), PINParams: auth.Fast, Location: time.UTC})
	if err != nil {
		db.Close()
		b.Fatal(err)
	}
	return s
}

var (
	sharedOnce    sync.Once
	sharedService *Service
	sharedSession *Session
)

// benchShared is a service on the cached database for read-only
// benchmarks, with a session of the clerk on today's open shift made
// without Login so nothing is written. It stays open for the process.
func benchShared(b *testing.B) (*Service, *Session) {
	b.Helper()
	f := benchDB(b)
	sharedOnce.Do(func() {
		s := openBenchService(b, f.path, f.now)
		sess := &Session{}
		err := s.db.R.QueryRow(`SELECT c.id, c.name, c.role, s.id FROM shifts s JOIN clerks c ON c.id = s.clerk_id
			WHERE s.closed_at IS NULL`).Scan(&sess.clerkID, &sess.name, &sess.role, &sess.shiftID)
		if err != nil {
			b.Fatalf("bench: open shift: %v", err)
		}
		sharedService, sharedSession = s, sess
	})
	if sharedService == nil {
		b.Fatal("bench: shared service failed to open")
	}
	return sharedService, sharedSession
}

// benchCopy is a service on a private copy of the cached database, with
// the owner logged in (joining today's shift). The copy goes at the end of
// the benchmark.
func benchCopy(b *testing.B) (*Service, *Session) {
	b.Helper()
	f := benchDB(b)
	dst := filepath.Join(b.TempDir(), "counter.db")
	if err := copyBenchFile(f.path, dst); err != nil {
		b.Fatal(err)
	}
	s := openBenchService(b, dst, f.now)
	b.Cleanup(func() { s.db.Close() })
	sess, err := s.Login(context.Background(), BenchData.OwnerName, BenchData.PIN)
	if err != nil {
		b.Fatal(err)
	}
	if sess.ShiftID() == 0 {
		b.Fatal("bench: the owner has no open shift in the generated database")
	}
	return s, sess
}

func copyBenchFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	// Flush the copy now: otherwise the kernel writes its gigabyte back
	// during the benchmark, and the first durable commits wait for it.
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// benchFresh is a newly set-up point, as after the first-run wizard.
func benchFresh(b *testing.B) (*Service, *Session) {
	b.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "fresh.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	s, err := New(ctx, db, Options{PINParams: auth.Fast, Location: time.UTC})
	if err != nil {
		b.Fatal(err)
	}
	sess, err := s.Setup(ctx, SetupRequest{Point: Point{Name: "ПВЗ", Country: "KG"}, OwnerName: "Айгуль", OwnerPIN: "4821",
		Layout: &Layout{Racks: "A-T", Shelves: 6, Cells: 10, Capacity: 8}})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.OpenShift(ctx, sess); err != nil {
		b.Fatal(err)
	}
	return s, sess
}

// benchLatency records per-operation times for quantiles.
type benchLatency []time.Duration

func (l *benchLatency) since(t0 time.Time) { *l = append(*l, time.Since(t0)) }

// report adds p50-ms and p99-ms (nearest rank) to the benchmark's line.
func (l benchLatency) report(b *testing.B) { l.reportAs(b, "") }

func (l benchLatency) reportAs(b *testing.B, prefix string) {
	if len(l) == 0 {
		return
	}
	s := slices.Clone(l)
	slices.Sort(s)
	q := func(p float64) float64 {
		i := int(float64(len(s))*p+0.999999) - 1
		return float64(s[min(max(i, 0), len(s)-1)]) / float64(time.Millisecond)
	}
	b.ReportMetric(q(0.50), prefix+"p50-ms")
	b.ReportMetric(q(0.99), prefix+"p99-ms")
}

// benchS10 is a UPU S10 track with a valid check digit: the prefixes the
// benchmarks use (RX, RY, RZ) never occur in the generated data.
func benchS10(prefix string, serial int) string { return scan.S10(prefix, serial, "KG") }

// benchManifest is a Russian Excel-style export of kgpost parcels with
// tracks prefix+serial for serial in [from, from+n).
func benchManifest(prefix string, from, n int) []byte {
	var buf bytes.Buffer
	buf.WriteString("Штрих-код;ФИО получателя;Телефон;Габариты;Сумма к оплате;Вес, кг\r\n")
	sizes := []string{"S", "M", "M", "L"}
	for i := from; i < from+n; i++ {
		fmt.Fprintf(&buf, "%s;Бенчмарк Клиент %d;+996 77%d %03d %03d;%s;%d;%d,%d\r\n", benchS10(prefix, i), i%997,
			i%10, (i/1000)%1000, i%1000, sizes[i%len(sizes)], (i%5)*150, i%20, i%10)
	}
	return buf.Bytes()
}

// benchImportAndDeliver imports a kgpost manifest and opens its delivery.
func benchImportAndDeliver(b *testing.B, s *Service, sess *Session, prefix string, from, n int) (delivery int64, tracks []string) {
	b.Helper()
	ctx := context.Background()
	res, err := s.ImportManifest(ctx, sess, bytes.NewReader(benchManifest(prefix, from, n)),
		ImportOptions{Partner: "kgpost", Filename: fmt.Sprintf("%s-%d.csv", prefix, from)})
	if err != nil || res.Saved != n {
		b.Fatalf("bench: import %s %d: saved %d of %d: %v", prefix, from, res.Saved, n, err)
	}
	d, err := s.OpenDelivery(ctx, sess, "kgpost", res.ManifestID, "Почта")
	if err != nil {
		b.Fatal(err)
	}
	for i := from; i < from+n; i++ {
		tracks = append(tracks, benchS10(prefix, i))
	}
	return d.ID, tracks
}

// benchFreePlaces counts places an M-size parcel fits (S cells excluded).
// benchFreePlaces is how many more parcels the shelves take.
func benchFreePlaces(b *testing.B, s *Service) int {
	var free int
	if err := s.db.R.QueryRow(`SELECT coalesce(sum(capacity - occupied), 0) FROM cells WHERE active = 1 AND size <> 'S'`).Scan(&free); err != nil {
		b.Fatal(err)
	}
	return free
}

// benchMakeRoom issues the n oldest stored parcels, one handover each.
func benchMakeRoom(b *testing.B, s *Service, sess *Session, n int) {
	b.Helper()
	ctx := context.Background()
	ps, err := queryParcels(ctx, s.db.R, `WHERE p.status = 'stored' ORDER BY p.id LIMIT ?`, n)
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range ps {
		benchIssue(b, s, sess, p)
	}
}

func benchIssue(b *testing.B, s *Service, sess *Session, p Parcel) {
	req := IssueRequest{Items: []IssueItem{{ParcelID: p.ID, Scanned: p.Track}}, Paid: p.CODAmount}
	if p.CODAmount > 0 {
		req.PayMethod = PayCash
	}
	if _, err := s.Issue(context.Background(), sess, req); err != nil {
		b.Fatalf("bench: issue %s: %v", p.Track, err)
	}
}

// BenchmarkAcceptScan is one acceptance scan, committed: alternately a
// parcel a manifest announced (the common case) and an unannounced one.
// Manifests are imported in chunks and shelves emptied between timed
// scans whenever the next scan would need it.
func BenchmarkAcceptScan(b *testing.B) {
	s, sess := benchCopy(b)
	ctx := context.Background()
	const chunk = 1000
	var (
		lat      benchLatency
		delivery int64
		queue    []string
		next     = 0
		fresh    = 0
		free     = benchFreePlaces(b, s)
	)
	for i := 0; b.Loop(); i++ {
		if len(queue) == 0 || free < 10 {
			b.StopTimer()
			for tries := 0; free < 10; tries++ {
				if tries == 20 {
					b.Fatalf("no room for M parcels after issuing %d parcels", tries*500)
				}
				benchMakeRoom(b, s, sess, 500)
				free = benchFreePlaces(b, s)
			}
			if len(queue) == 0 {
				delivery, queue = benchImportAndDeliver(b, s, sess, "RX", next, chunk)
				next += chunk
			}
			b.StartTimer()
		}
		code := benchS10("RZ", fresh)
		if i%2 == 0 {
			code, queue = queue[0], queue[1:]
		} else {
			fresh++
		}
		t0 := time.Now()
		res, err := s.Accept(ctx, sess, delivery, code, AcceptOptions{})
		lat.since(t0)
		if err != nil || (res.Outcome != OutcomeOK && res.Outcome != OutcomeUnexpected) {
			b.Fatalf("accept %s: %s %v", code, res.Outcome, err)
		}
		free--
	}
	lat.report(b)
}

// benchOnHand lists stored parcels' phones and pickup codes, oldest first.
func benchOnHand(b *testing.B, s *Service, column string, limit int) []string {
	b.Helper()
	rows, err := s.db.R.Query(`SELECT `+column+` FROM parcels WHERE status = 'stored' AND `+column+` <> ''
		ORDER BY id LIMIT ?`, limit)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			b.Fatal(err)
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		b.Fatalf("bench: no stored parcel has a %s", column)
	}
	return out
}

// BenchmarkIssueLookup finds a waiting customer's parcels by what they
// show at the counter: their phone, or an Ozon pickup code.
func BenchmarkIssueLookup(b *testing.B) {
	s, sess := benchShared(b)
	for _, by := range []struct{ name, column string }{{"phone", "recipient_phone"}, {"pickup_code", "pickup_code"}} {
		queries := benchOnHand(b, s, by.column, 5000)
		b.Run(by.name, func(b *testing.B) {
			ctx := context.Background()
			var lat benchLatency
			for i := 0; b.Loop(); i++ {
				q := queries[i%len(queries)]
				t0 := time.Now()
				res, err := s.FindForIssue(ctx, sess, q)
				lat.since(t0)
				if err != nil || len(res.Parcels) == 0 || res.By != by.name {
					b.Fatalf("find %s: by %s, %d parcels, %v", q, res.By, len(res.Parcels), err)
				}
			}
			lat.report(b)
		})
	}
}

// BenchmarkIssueCommit is a customer at the counter: find their parcels by
// phone and hand one over, committed (p50/p99-ms); commit-p50/p99-ms time
// the Issue alone. When the stored parcels run out, a manifest's worth is
// accepted between timed operations.
func BenchmarkIssueCommit(b *testing.B) {
	s, sess := benchCopy(b)
	ctx := context.Background()
	phones := benchOnHand(b, s, "recipient_phone", 1_000_000)
	var lat, commit benchLatency // lookup and issue; the issue alone
	restocked := 0
	for i := 0; b.Loop(); i++ {
		if i == len(phones) {
			b.StopTimer()
			delivery, tracks := benchImportAndDeliver(b, s, sess, "RY", restocked, 500)
			restocked += len(tracks)
			for _, tr := range tracks {
				if _, err := s.Accept(ctx, sess, delivery, tr, AcceptOptions{}); err != nil {
					b.Fatal(err)
				}
			}
			phones = append(phones, benchOnHand(b, s, "recipient_phone", 1_000_000)...)
			b.StartTimer()
		}
		t0 := time.Now()
		look, err := s.FindForIssue(ctx, sess, phones[i])
		if err != nil || len(look.Parcels) == 0 {
			b.Fatalf("find %s: %v", phones[i], err)
		}
		p := look.Parcels[0]
		req := IssueRequest{Items: []IssueItem{{ParcelID: p.ID, Scanned: p.Track}}, Paid: p.CODAmount}
		if p.CODAmount > 0 {
			req.PayMethod = PayCash
		}
		t1 := time.Now()
		_, err = s.Issue(ctx, sess, req)
		commit.since(t1)
		lat.since(t0)
		if err != nil {
			b.Fatalf("issue %s: %v", p.Track, err)
		}
	}
	lat.report(b)
	commit.reportAs(b, "commit-")
}

// benchManifest100k is a 100,000-row CDEK export; its 10-digit tracks
// never clash with the generated 11-digit ones.
func benchManifest100k(iter int) []byte {
	var buf bytes.Buffer
	buf.Grow(8 << 20)
	buf.WriteString("Штрих-код;Номер заказа;ФИО получателя;Телефон;Габариты;Сумма к оплате;Вес, кг;Примечание\r\n")
	names := []string{"Асанов Бакыт", "Петрова Анна", "Жумабаева Айгуль", "Иванов Иван Иванович", "Осмонов Улан"}
	sizes := []string{"S", "M", "L", "30x20x10", "малый"}
	for i := range 100_000 {
		serial := iter*100_000 + i
		fmt.Fprintf(&buf, "1%09d;ZK-%d;%s;+996 55%d %03d %03d;%s;%d,%02d;%d,%d;%s\r\n", serial, 500_000+serial,
			names[i%len(names)], i%10, (i/1000)%1000, i%1000, sizes[i%len(sizes)], i%3000, i%100, i%20, i%10,
			[]string{"", "позвонить заранее"}[i%2])
	}
	return buf.Bytes()
}

// BenchmarkImportManifest100k imports a 100,000-row manifest into a new
// point's database and into the big one.
func BenchmarkImportManifest100k(b *testing.B) {
	b.Run("fresh", func(b *testing.B) {
		s, sess := benchFresh(b)
		benchImportLoop(b, s, sess)
	})
	name := "1M"
	if n := benchDB(b).parcels; n != 1_000_000 {
		name = strconv.Itoa(n/1000) + "k"
	}
	b.Run(name, func(b *testing.B) {
		s, sess := benchCopy(b)
		benchImportLoop(b, s, sess)
	})
}

func benchImportLoop(b *testing.B, s *Service, sess *Session) {
	ctx := context.Background()
	var lat benchLatency
	rows := 0
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		data := benchManifest100k(i)
		b.StartTimer()
		t0 := time.Now()
		res, err := s.ImportManifest(ctx, sess, bytes.NewReader(data), ImportOptions{Partner: "cdek", Filename: fmt.Sprintf("cdek-%d.csv", i)})
		lat.since(t0)
		if err != nil || res.Saved != 100_000 {
			b.Fatalf("import: saved %d, bad %d: %v", res.Saved, res.Bad, err)
		}
		rows += res.Saved
	}
	var total time.Duration
	for _, d := range lat {
		total += d
	}
	b.ReportMetric(float64(rows)/total.Seconds(), "rows/s")
	lat.report(b)
}

// BenchmarkDayReport reports each of the last seven full days in turn.
func BenchmarkDayReport(b *testing.B) {
	s, sess := benchShared(b)
	now := benchDB(b).now
	ctx := context.Background()
	var lat benchLatency
	for i := 0; b.Loop(); i++ {
		day := now.AddDate(0, 0, -1-i%7)
		t0 := time.Now()
		r, err := s.DayReport(ctx, sess, day)
		lat.since(t0)
		if err != nil || r.Accepted == 0 {
			b.Fatalf("day report %s: %+v %v", day.Format(time.DateOnly), r, err)
		}
	}
	lat.report(b)
}

// BenchmarkShiftReport reports each of the last seven closed shifts.
func BenchmarkShiftReport(b *testing.B) {
	s, sess := benchShared(b)
	ctx := context.Background()
	var ids []int64
	rows, err := s.db.R.Query(`SELECT id FROM shifts WHERE closed_at IS NOT NULL ORDER BY id DESC LIMIT 7`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	var lat benchLatency
	for i := 0; b.Loop(); i++ {
		t0 := time.Now()
		r, err := s.ShiftReport(ctx, sess, ids[i%len(ids)])
		lat.since(t0)
		if err != nil || r.Accepted == 0 {
			b.Fatalf("shift report %d: %+v %v", ids[i%len(ids)], r, err)
		}
	}
	lat.report(b)
}

// Baselines: what SQLite itself costs with the same settings, for reading
// the numbers above.

func benchScratch(b *testing.B) *store.DB {
	b.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "baseline.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.W.ExecContext(ctx, `CREATE TABLE baseline(id INTEGER PRIMARY KEY, track TEXT NOT NULL, at INTEGER NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	return db
}

// BenchmarkBaselineInsertCommit is one bare INSERT in its own durable
// transaction: the floor under every committed scan.
func BenchmarkBaselineInsertCommit(b *testing.B) {
	db := benchScratch(b)
	ctx := context.Background()
	var lat benchLatency
	for i := 0; b.Loop(); i++ {
		t0 := time.Now()
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.Exec(`INSERT INTO baseline(track, at) VALUES(?, ?)`, benchS10("RZ", i), i)
			return err
		})
		lat.since(t0)
		if err != nil {
			b.Fatal(err)
		}
	}
	lat.report(b)
}

// BenchmarkBaselineBulkInsert100k is 100,000 bare INSERTs in one
// transaction: the ceiling for a manifest import.
func BenchmarkBaselineBulkInsert100k(b *testing.B) {
	db := benchScratch(b)
	ctx := context.Background()
	var lat benchLatency
	rows := 0
	for i := 0; b.Loop(); i++ {
		t0 := time.Now()
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			stmt, err := tx.Prepare(`INSERT INTO baseline(track, at) VALUES(?, ?)`)
			if err != nil {
				return err
			}
			defer stmt.Close()
			for j := range 100_000 {
				if _, err := stmt.Exec(benchS10("RZ", i*100_000+j), j); err != nil {
					return err
				}
			}
			return nil
		})
		lat.since(t0)
		if err != nil {
			b.Fatal(err)
		}
		rows += 100_000
	}
	var total time.Duration
	for _, d := range lat {
		total += d
	}
	b.ReportMetric(float64(rows)/total.Seconds(), "rows/s")
	lat.report(b)
}

// BenchmarkBaselinePointQuery is one indexed SELECT by track on the big
// database: the floor under every lookup.
func BenchmarkBaselinePointQuery(b *testing.B) {
	s, _ := benchShared(b)
	ctx := context.Background()
	var tracks []string
	rows, err := s.db.R.Query(`SELECT track FROM parcels WHERE id % 499 = 0`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var t string
		rows.Scan(&t)
		tracks = append(tracks, t)
	}
	rows.Close()
	var lat benchLatency
	for i := 0; b.Loop(); i++ {
		var id int64
		t0 := time.Now()
		err := s.db.R.QueryRowContext(ctx, `SELECT id FROM parcels WHERE track = ?`, tracks[i%len(tracks)]).Scan(&id)
		lat.since(t0)
		if err != nil {
			b.Fatal(err)
		}
	}
	lat.report(b)
}

// TestBenchDataReplays checks a small generated database with the same
// invariants as every other test: SQLite checks, cell counts, and the
// state tables equal to a replay of the fabricated event log.
func TestBenchDataReplays(t *testing.T) {
	if BenchData.Generate == nil {
		t.Skip("bench_gen_test.go not linked")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "bench.db")
	if err := BenchData.Generate(ctx, path, 3000); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checkDB(t, db)
}
