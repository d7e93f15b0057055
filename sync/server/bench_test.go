package server

// Benchmarks of the sync server (DESIGN §8: sync push over loopback
// ≥ 20,000 events/s into the SQLite server, ≥ 10,000/s into PostgreSQL),
// each next to baselines measured in the same run. scripts/bench.sh runs
// them (SQLite always, PostgreSQL under scripts/pgtest.sh) and benchmd
// puts them in the Sync section of BENCHMARKS.md:
//
//	CGO_ENABLED=0 go test -tags ci -run '^$' -bench '^BenchmarkSync' -benchtime 2x ./sync/server/
//	./scripts/pgtest.sh env CGO_ENABLED=0 go test -tags ci -run '^$' \
//	    -bench '^BenchmarkSync[A-Za-z0-9]*$/^postgres$' -benchtime 2x ./sync/server/
//
// The PostgreSQL sub-benchmarks run only with SP_PG_DSN set. Every
// benchmark reports its own figures (b.ReportMetric): events/s over the
// timed part, and p50/p99 in ms (nearest rank) of each request.
//
//   - SyncPush: one point pushes 100,000 events in batches of 500 over
//     loopback HTTP (the real server: strict decoding, token check, the
//     store's push) into an empty store ("empty") and into one already
//     holding 1,000,000 events of 10 owners ("1M"): throughput must not
//     fall as the tables grow.
//   - SyncStorePush: the same batches straight into the store (no HTTP,
//     no JSON): the store's share of SyncPush.
//   - SyncBaselineHTTP/push: the same 200 bodies to a trivial handler
//     (reads the body, answers a few bytes): the floor of HTTP itself.
//   - SyncBaselineInsert: the same 100,000 rows inserted bare into the
//     same engine's events table, 500 a transaction, the naive way: one
//     row a statement (a prepared INSERT; on PostgreSQL queued in a
//     pgx.Batch). The database's share without the store's lookups and
//     projections, not its floor: the store writes many rows a statement
//     and can beat it.
//   - SyncPull: another point pulls 100,000 changes of the owner stream
//     in pages of 1,000 over loopback HTTP; SyncBaselineHTTP/pull serves
//     the same pages from memory, SyncBaselineSelect reads the same rows
//     bare, page by page, from the engine.
//   - SyncPoints200: 200 points of 40 owners sync at once (hello, push
//     of 20 events, pull of both streams; 5 rounds each) against the
//     server with its production limits (rate, concurrency): p50/p99 of
//     push and pull, and the errors (non-2xx answers; a point retries a
//     503 or 429 after its Retry-After, as the client does).
//
// The 1,000,000-event fixture is made through Store.Push (about half a
// minute); the SQLite one is cached in $TMPDIR, the PostgreSQL one as a
// template database on that server, both keyed by the schema version and
// benchSyncGen. SP_SYNC_BENCH_FIXTURE sets its size (e.g. 100000 for a
// quick run).

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"smartpoint/app/auth"
	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store"
	"smartpoint/sync/server/store/pgstore"
	"smartpoint/sync/server/store/sqlitestore"
)

const (
	benchPushEvents = 100_000
	benchPullEvents = 100_000
	benchPullPage   = protocol.MaxPullLimit
	benchBatch      = protocol.MaxBatchEvents
	// benchSyncGen names the fixtures' content: bump it when benchEvents
	// or benchFill change.
	benchSyncGen = 2

	benchSimPoints    = 200
	benchSimPerOwner  = 5
	benchSimRounds    = 5
	benchSimBatch     = 20
	benchSimRetries   = 2               // the client's default in-round retries
	benchSimRetryWait = 2 * time.Second // the client's RetryMaxWait
)

// benchFixtureEvents is the size of the big fixture (SP_SYNC_BENCH_FIXTURE).
func benchFixtureEvents(b *testing.B) int {
	if v := os.Getenv("SP_SYNC_BENCH_FIXTURE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1000 {
			b.Fatalf("SP_SYNC_BENCH_FIXTURE=%q: a number of events, at least 1000", v)
		}
		return n
	}
	return 1_000_000
}

func benchSizeName(n int) string {
	if n%1_000_000 == 0 {
		return fmt.Sprintf("%dM", n/1_000_000)
	}
	return fmt.Sprintf("%dk", n/1000)
}

// benchBase is when the fixtures' events happen; benchLater when the
// measured pushes' do: after all of them, as a point's new events are.
var (
	benchBase  = time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	benchLater = benchBase.AddDate(0, 1, 0)
)

// benchEvents are n events of a counter from client_seq from, made from
// start on, one every 1.5 s (the ids, time-ordered as UUIDv7 are, grow
// with it): parcels
// accepted (40 %) and issued (30 %) at that point, loyalty stamps and
// redemptions (20 %: they go on the owner stream), and other events (10 %:
// moves, log-ins). point numbers the counter (it makes the ids unique)
// and names its parcels and cards. Ids are time-ordered, as UUIDv7 are.
func benchEvents(start time.Time, point int, from int64, n int) []protocol.Event {
	out := make([]protocol.Event, n)
	for i := range out {
		seq := from + int64(i)
		ms := start.UnixMilli() + seq*1500
		var kind, entity string
		track := func(s int64) string { return fmt.Sprintf("WB%05d%08d", point, s) }
		switch k := seq % 20; {
		case k < 8:
			kind, entity = "parcel.accepted", "parcel:wb:"+track(seq)
		case k < 14:
			kind, entity = "parcel.issued", "parcel:wb:"+track(seq-8)
		case k < 17:
			kind, entity = "loyalty.stamp_earned", fmt.Sprintf("card:%05d-%03d", point, seq%997)
		case k == 17:
			kind, entity = "loyalty.reward_redeemed", fmt.Sprintf("card:%05d-%03d", point, seq%991)
		case k == 18:
			kind, entity = "parcel.moved", "parcel:wb:"+track(seq-18)
		default:
			kind, entity = "clerk.login", "clerk:3"
		}
		out[i] = protocol.Event{
			ID:         fmt.Sprintf("%08x-%04x-7%03x-8%03x-%012x", ms>>16, ms&0xffff, point&0xfff, (point>>12)&0xfff, seq),
			ClientSeq:  seq,
			Kind:       kind,
			Entity:     entity,
			OccurredAt: time.UnixMilli(ms).UTC(),
			Clerk:      3,
			Shift:      1 + seq/400,
			Payload: json.RawMessage(fmt.Sprintf(`{"track":"%s","partner":"wb","cell":"A-%02d","weight_g":%d,"note":"at the counter"}`,
				track(seq), seq%40, 200+seq%5000)),
		}
	}
	return out
}

// benchBatches splits events into push requests of benchBatch.
func benchBatches(device string, events []protocol.Event) []protocol.PushRequest {
	var out []protocol.PushRequest
	for len(events) > 0 {
		n := min(len(events), benchBatch)
		out = append(out, protocol.PushRequest{Protocol: protocol.Version, DeviceID: device, Incarnation: "bench-inc",
			BatchID: fmt.Sprintf("b%d", events[0].ClientSeq), Events: events[:n]})
		events = events[n:]
	}
	return out
}

// benchEngine is a store engine to measure.
type benchEngine struct {
	name string
	// open is a fresh, empty store and how to reach its database bare (a
	// file path, a DSN).
	open func(b *testing.B) (store.Store, string)
	// fixture is a store holding n events (benchFill), a copy of the
	// cached one.
	fixture func(b *testing.B, n int) (store.Store, string)
	// raw opens the database bare.
	raw func(b *testing.B, where string) benchRaw
}

// benchRaw is the database without the store, for the baselines and to
// find the fixture's ids.
type benchRaw interface {
	// insertEvents inserts rows into events, n a transaction.
	insertEvents(ctx context.Context, owner, point string, events []protocol.Event, n int, now time.Time) error
	// page reads a page of a stream's changes after seq.
	page(ctx context.Context, stream string, after int64, limit int) (n int, last int64, err error)
	ownerByName(ctx context.Context, name string) (string, error)
	close()
}

func benchEngines(b *testing.B) []benchEngine {
	out := []benchEngine{{name: "sqlite", open: benchOpenSQLite, fixture: benchFixtureSQLite, raw: benchRawSQLite}}
	if os.Getenv("SP_PG_DSN") != "" {
		out = append(out, benchEngine{name: "postgres", open: benchOpenPG, fixture: benchFixturePG, raw: benchRawPG})
	}
	return out
}

func benchOpenSQLite(b *testing.B) (store.Store, string) {
	path := filepath.Join(b.TempDir(), "cloud.db")
	return benchOpenSQLiteAt(b, path), path
}

func benchOpenSQLiteAt(b *testing.B, path string) store.Store {
	st, err := sqlitestore.Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// benchSQLiteVersion is the schema version a new SQLite store gets.
func benchSQLiteVersion(b *testing.B) int {
	_, path := benchOpenSQLite(b)
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var v int
	if err := db.QueryRow(`PRAGMA user_version`).Scan(&v); err != nil {
		b.Fatal(err)
	}
	return v
}

func benchFixtureSQLite(b *testing.B, n int) (store.Store, string) {
	cached := filepath.Join(os.TempDir(), fmt.Sprintf("smartpoint-sync-%s-s%d-g%d.db", benchSizeName(n), benchSQLiteVersion(b), benchSyncGen))
	if _, err := os.Stat(cached); err != nil {
		tmp := cached + ".making"
		for _, s := range []string{"", "-wal", "-shm"} {
			os.Remove(tmp + s)
		}
		st, err := sqlitestore.Open(context.Background(), tmp)
		if err != nil {
			b.Fatal(err)
		}
		err = benchFill(b, st, n)
		if cerr := st.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			b.Fatal(err)
		}
		if err := os.Rename(tmp, cached); err != nil {
			b.Fatal(err)
		}
	}
	path := filepath.Join(b.TempDir(), "cloud.db")
	for _, s := range []string{"", "-wal"} {
		if err := benchCopyFile(cached+s, path+s); err != nil && !(s != "" && errors.Is(err, os.ErrNotExist)) {
			b.Fatal(err)
		}
	}
	return benchOpenSQLiteAt(b, path), path
}

func benchCopyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

type benchSQLite struct{ db *sql.DB }

func benchRawSQLite(b *testing.B, path string) benchRaw {
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "foreign_keys(1)", "journal_mode(WAL)", "synchronous(FULL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	return benchSQLite{db}
}

func (r benchSQLite) close() { r.db.Close() }

func (r benchSQLite) insertEvents(ctx context.Context, owner, point string, events []protocol.Event, n int, now time.Time) error {
	for len(events) > 0 {
		k := min(n, len(events))
		tx, err := r.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO events(owner_id, event_id, point_id, device_id, incarnation, client_seq, kind, entity,
			occurred_at, received_at, clerk_id, shift_id, payload, status, code, message, server_seq, warnings)
			VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'applied', '', '', ?, '[]')`)
		if err != nil {
			tx.Rollback()
			return err
		}
		for _, e := range events[:k] {
			if _, err := stmt.ExecContext(ctx, owner, e.ID, point, "bench-device", "bench-inc", e.ClientSeq, e.Kind, e.Entity,
				e.OccurredAt.UnixMilli(), now.UnixMilli(), e.Clerk, e.Shift, []byte(e.Payload), e.ClientSeq); err != nil {
				tx.Rollback()
				return err
			}
		}
		stmt.Close()
		if err := tx.Commit(); err != nil {
			return err
		}
		events = events[k:]
	}
	return nil
}

func (r benchSQLite) page(ctx context.Context, stream string, after int64, limit int) (int, int64, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT seq, kind, entity, origin, at, data FROM changes WHERE stream = ? AND seq > ? ORDER BY seq LIMIT ?`,
		stream, after, limit)
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	n, last := 0, after
	for rows.Next() {
		var c protocol.Change
		var at int64
		var data string
		if err := rows.Scan(&c.Seq, &c.Kind, &c.Entity, &c.Origin, &at, &data); err != nil {
			return 0, 0, err
		}
		c.At, c.Data = time.UnixMilli(at).UTC(), json.RawMessage(data)
		n, last = n+1, c.Seq
	}
	return n, last, rows.Err()
}

func (r benchSQLite) ownerByName(ctx context.Context, name string) (string, error) {
	var id string
	err := r.db.QueryRowContext(ctx, `SELECT id FROM owners WHERE name = ?`, name).Scan(&id)
	return id, err
}

// PostgreSQL: a database per store, made from SP_PG_DSN's server.

var benchPGDatabases atomic.Int64

func benchAdminExec(b *testing.B, sql string) {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, os.Getenv("SP_PG_DSN"))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, sql); err != nil {
		b.Fatalf("%s: %v", sql, err)
	}
}

func benchPGDSN(b *testing.B, db string) string {
	admin := os.Getenv("SP_PG_DSN")
	if strings.HasPrefix(admin, "postgres://") || strings.HasPrefix(admin, "postgresql://") {
		u, err := url.Parse(admin)
		if err != nil {
			b.Fatalf("SP_PG_DSN: %v", err)
		}
		u.Path = "/" + db
		q := u.Query()
		q.Del("dbname")
		u.RawQuery = q.Encode()
		return u.String()
	}
	return admin + " dbname=" + db
}

// benchNewPG creates a database (from a template when not ""), dropped
// after the benchmark, and returns its DSN.
func benchNewPG(b *testing.B, template string) string {
	name := fmt.Sprintf("sp_bench_%d_%d", os.Getpid(), benchPGDatabases.Add(1))
	create := "CREATE DATABASE " + name
	if template != "" {
		create += " TEMPLATE " + template + " STRATEGY FILE_COPY"
	}
	benchAdminExec(b, create)
	b.Cleanup(func() { benchAdminExec(b, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
	return benchPGDSN(b, name)
}

func benchOpenPGAt(b *testing.B, dsn string) store.Store {
	st, err := pgstore.Open(context.Background(), dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

func benchOpenPG(b *testing.B) (store.Store, string) {
	dsn := benchNewPG(b, "")
	return benchOpenPGAt(b, dsn), dsn
}

// benchFixturePG copies the fixture's template database, making it first
// when the server has none of this schema version.
func benchFixturePG(b *testing.B, n int) (store.Store, string) {
	ctx := context.Background()
	_, dsn := benchOpenPG(b)
	var version int
	raw := benchRawPG(b, dsn).(benchPG)
	if err := raw.c.QueryRow(ctx, `SELECT max(version) FROM sp_schema_migrations`).Scan(&version); err != nil {
		b.Fatal(err)
	}
	raw.close()
	template := strings.ToLower(fmt.Sprintf("sp_bench_sync_%s_s%d_g%d", benchSizeName(n), version, benchSyncGen))
	admin, err := pgx.Connect(ctx, os.Getenv("SP_PG_DSN"))
	if err != nil {
		b.Fatal(err)
	}
	var exists bool
	err = admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, template).Scan(&exists)
	admin.Close(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if !exists {
		making := template + "_making"
		benchAdminExec(b, "DROP DATABASE IF EXISTS "+making+" WITH (FORCE)")
		benchAdminExec(b, "CREATE DATABASE "+making)
		st, err := pgstore.Open(ctx, benchPGDSN(b, making))
		if err != nil {
			b.Fatal(err)
		}
		err = benchFill(b, st, n)
		st.Close()
		if err != nil {
			b.Fatal(err)
		}
		benchAdminExec(b, "ALTER DATABASE "+making+" RENAME TO "+template)
	}
	dsn = benchNewPG(b, template)
	return benchOpenPGAt(b, dsn), dsn
}

type benchPG struct{ c *pgx.Conn }

func benchRawPG(b *testing.B, dsn string) benchRaw {
	c, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		b.Fatal(err)
	}
	return benchPG{c}
}

func (r benchPG) close() { r.c.Close(context.Background()) }

func (r benchPG) insertEvents(ctx context.Context, owner, point string, events []protocol.Event, n int, now time.Time) error {
	for len(events) > 0 {
		k := min(n, len(events))
		err := pgx.BeginFunc(ctx, r.c, func(tx pgx.Tx) error {
			var batch pgx.Batch
			for _, e := range events[:k] {
				batch.Queue(`INSERT INTO events(owner_id, event_id, point_id, device_id, incarnation, client_seq, kind, entity,
					occurred_at, received_at, clerk_id, shift_id, payload, status, code, message, server_seq, warnings)
					VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'applied', '', '', $14, '{}')`,
					owner, e.ID, point, "bench-device", "bench-inc", e.ClientSeq, e.Kind, e.Entity,
					e.OccurredAt, now, e.Clerk, e.Shift, []byte(e.Payload), e.ClientSeq)
			}
			return tx.SendBatch(ctx, &batch).Close()
		})
		if err != nil {
			return err
		}
		events = events[k:]
	}
	return nil
}

func (r benchPG) page(ctx context.Context, stream string, after int64, limit int) (int, int64, error) {
	rows, err := r.c.Query(ctx, `SELECT seq, kind, entity, origin, at, data FROM changes WHERE stream = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
		stream, after, limit)
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	n, last := 0, after
	for rows.Next() {
		var c protocol.Change
		var data []byte
		if err := rows.Scan(&c.Seq, &c.Kind, &c.Entity, &c.Origin, &c.At, &data); err != nil {
			return 0, 0, err
		}
		c.Data = data
		n, last = n+1, c.Seq
	}
	return n, last, rows.Err()
}

func (r benchPG) ownerByName(ctx context.Context, name string) (string, error) {
	var id string
	err := r.c.QueryRow(ctx, `SELECT id FROM owners WHERE name = $1`, name).Scan(&id)
	return id, err
}

// benchFill pushes n events into st through Store.Push: 10 owners of 10
// points each, every point its share in batches of 500.
func benchFill(b *testing.B, st store.Store, n int) error {
	ctx := context.Background()
	const owners, points = 10, 10
	per := n / (owners * points)
	t0 := time.Now()
	b.Logf("bench: pushing %d events into a new %s fixture (once; cached)", n, benchSizeName(n))
	done := 0
	for o := range owners {
		owner, err := st.CreateOwner(ctx, fmt.Sprintf("Bench owner %d", o))
		if err != nil {
			return err
		}
		for p := range points {
			pt, err := st.CreatePoint(ctx, owner.ID, fmt.Sprintf("Bench point %d-%d", o, p))
			if err != nil {
				return err
			}
			for _, req := range benchBatches("fixture-device", benchEvents(benchBase, o*points+p, 1, per)) {
				res, err := st.Push(ctx, pt.ID, req, benchBase.Add(time.Hour))
				if err != nil {
					return err
				}
				if len(res.Results) != len(req.Events) {
					return fmt.Errorf("fixture push: %d results for %d events", len(res.Results), len(req.Events))
				}
			}
			done += per
		}
		b.Logf("bench: %d of %d events (%.0f/s)", done, n, float64(done)/time.Since(t0).Seconds())
	}
	return nil
}

// benchLatency collects per-request times.
type benchLatency struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *benchLatency) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

// quantile is the nearest-rank quantile in ms.
func (l *benchLatency) quantile(p float64) float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.d) == 0 {
		return 0
	}
	s := slices.Clone(l.d)
	slices.Sort(s)
	i := int(float64(len(s))*p+0.999999) - 1
	return float64(s[min(max(i, 0), len(s)-1)]) / float64(time.Millisecond)
}

func (l *benchLatency) report(b *testing.B, prefix string) {
	b.ReportMetric(l.quantile(0.50), prefix+"p50-ms")
	b.ReportMetric(l.quantile(0.99), prefix+"p99-ms")
}

// benchHTTP is a loopback server: the real one (Serve, with its timeouts)
// or a trivial handler.
type benchHTTP struct {
	url    string
	client *http.Client
	stop   func()
}

func benchServe(b *testing.B, h http.Handler, serve func(ctx context.Context, ln net.Listener) error) *benchHTTP {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	if serve == nil {
		hs := &http.Server{Handler: h}
		go func() { done <- hs.Serve(ln) }()
		go func() { <-ctx.Done(); hs.Close() }()
	} else {
		go func() { done <- serve(ctx, ln) }()
	}
	tr := &http.Transport{MaxIdleConns: 1024, MaxIdleConnsPerHost: 1024, IdleConnTimeout: time.Minute}
	s := &benchHTTP{url: "http://" + ln.Addr().String(), client: &http.Client{Transport: tr, Timeout: 2 * time.Minute}}
	var once sync.Once
	s.stop = func() {
		once.Do(func() {
			cancel()
			<-done
			tr.CloseIdleConnections()
		})
	}
	b.Cleanup(s.stop)
	return s
}

// benchRealServer serves st with the production options but for the
// logger (discarded), the token hash (fast: tokens are verified once per
// process anyway) and what tune changes.
func benchRealServer(b *testing.B, st store.Store, tune func(*Options)) (*Server, *benchHTTP) {
	opt := Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Hash: auth.Fast}
	if tune != nil {
		tune(&opt)
	}
	s := New(st, opt)
	return s, benchServe(b, nil, s.Serve)
}

// benchToken stores a new token pair of a point and returns the access token.
func benchToken(b *testing.B, s *Server, st store.Store, p store.Point) string {
	toks, err := s.issueTokens(p.ID, p.OwnerID, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	for _, t := range toks.records {
		if err := st.PutToken(context.Background(), t); err != nil {
			b.Fatal(err)
		}
	}
	return toks.access
}

// do sends one request and decodes a 200's body into out; a non-200
// answer is a *benchStatus error.
func (h *benchHTTP) do(ctx context.Context, method, path, token string, body []byte, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, h.url+path, rd)
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		retry, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		return &benchStatus{status: resp.StatusCode, retryAfter: time.Duration(retry) * time.Second, body: string(data)}
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(data, out)
}

type benchStatus struct {
	status     int
	retryAfter time.Duration
	body       string
}

func (e *benchStatus) Error() string { return fmt.Sprintf("HTTP %d: %s", e.status, e.body) }

func benchBodies(b *testing.B, reqs []protocol.PushRequest) [][]byte {
	out := make([][]byte, len(reqs))
	for i, r := range reqs {
		body, err := json.Marshal(r)
		if err != nil {
			b.Fatal(err)
		}
		out[i] = body
	}
	return out
}

// benchCheckPush checks that a whole batch was applied.
func benchCheckPush(req protocol.PushRequest, res []protocol.EventResult, lastAcked int64) error {
	last := req.Events[len(req.Events)-1].ClientSeq
	if len(res) != len(req.Events) || lastAcked != last {
		return fmt.Errorf("push of %d events from %d: %d results, last acked %d", len(req.Events), req.Events[0].ClientSeq, len(res), lastAcked)
	}
	for i, r := range res {
		if r.Status != protocol.StatusApplied || r.ID != req.Events[i].ID {
			return fmt.Errorf("event %s: %+v", req.Events[i].ID, r)
		}
	}
	return nil
}

// benchPushTarget is a store ready for a push of 100,000 events: a new
// point of an owner (of the fixture, or a new one).
type benchPushTarget struct {
	st    store.Store
	point store.Point
}

func benchTarget(b *testing.B, eng benchEngine, size string) benchPushTarget {
	ctx := context.Background()
	var st store.Store
	var owner string
	if size == "empty" {
		st, _ = eng.open(b)
		o, err := st.CreateOwner(ctx, "Bench owner 0")
		if err != nil {
			b.Fatal(err)
		}
		owner = o.ID
	} else {
		var where string
		st, where = eng.fixture(b, benchFixtureEvents(b))
		raw := eng.raw(b, where)
		var err error
		owner, err = raw.ownerByName(ctx, "Bench owner 0")
		raw.close()
		if err != nil {
			b.Fatal(err)
		}
	}
	p, err := st.CreatePoint(ctx, owner, fmt.Sprintf("Bench pusher %d", time.Now().UnixNano()))
	if err != nil {
		b.Fatal(err)
	}
	return benchPushTarget{st: st, point: p}
}

func benchSizes(b *testing.B) []string {
	return []string{"empty", benchSizeName(benchFixtureEvents(b))}
}

// BenchmarkSyncPush: 100,000 events of one point over loopback HTTP.
func BenchmarkSyncPush(b *testing.B) {
	for _, eng := range benchEngines(b) {
		b.Run(eng.name, func(b *testing.B) {
			for _, size := range benchSizes(b) {
				b.Run(size, func(b *testing.B) { benchPush(b, eng, size, true) })
			}
		})
	}
}

// BenchmarkSyncStorePush: the same batches straight into the store.
func BenchmarkSyncStorePush(b *testing.B) {
	for _, eng := range benchEngines(b) {
		b.Run(eng.name, func(b *testing.B) {
			for _, size := range benchSizes(b) {
				b.Run(size, func(b *testing.B) { benchPush(b, eng, size, false) })
			}
		})
	}
}

func benchPush(b *testing.B, eng benchEngine, size string, overHTTP bool) {
	ctx := context.Background()
	var lat benchLatency
	var took time.Duration
	var target benchPushTarget
	var from int64 = 1
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		// A fresh empty store every time; the big one grows from run to run.
		if i == 0 || size == "empty" {
			target, from = benchTarget(b, eng, size), 1
		}
		reqs := benchBatches("bench-device", benchEvents(benchLater, 100_000+i, from, benchPushEvents))
		from += benchPushEvents
		var h *benchHTTP
		var token string
		var bodies [][]byte
		if overHTTP {
			var s *Server
			// No rate limit: one point pushing flat out is over the
			// production 20 requests a second by design.
			s, h = benchRealServer(b, target.st, func(o *Options) { o.Rate = -1 })
			token = benchToken(b, s, target.st, target.point)
			bodies = benchBodies(b, reqs)
		}
		b.StartTimer()
		start := time.Now()
		for k, req := range reqs {
			t0 := time.Now()
			var res protocol.PushResponse
			var err error
			if overHTTP {
				err = h.do(ctx, http.MethodPost, protocol.PathPush, token, bodies[k], &res)
			} else {
				var sr store.PushResult
				sr, err = target.st.Push(ctx, target.point.ID, req, time.Now())
				res.Results, res.LastAcked = sr.Results, sr.LastAcked
			}
			lat.add(time.Since(t0))
			if err == nil {
				err = benchCheckPush(req, res.Results, res.LastAcked)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
		took += time.Since(start)
		b.StopTimer()
		if h != nil {
			h.stop()
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(b.N*benchPushEvents)/took.Seconds(), "events/s")
	lat.report(b, "")
}

// BenchmarkSyncBaselineHTTP: the same requests to a trivial handler.
func BenchmarkSyncBaselineHTTP(b *testing.B) {
	trivial := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true}`))
	})
	b.Run("push", func(b *testing.B) {
		h := benchServe(b, trivial, nil)
		bodies := benchBodies(b, benchBatches("bench-device", benchEvents(benchBase, 1, 1, benchPushEvents)))
		var lat benchLatency
		var took time.Duration
		for b.Loop() {
			start := time.Now()
			for _, body := range bodies {
				t0 := time.Now()
				var ok struct{ OK bool }
				if err := h.do(context.Background(), http.MethodPost, protocol.PathPush, "tok", body, &ok); err != nil || !ok.OK {
					b.Fatal(err)
				}
				lat.add(time.Since(t0))
			}
			took += time.Since(start)
		}
		b.ReportMetric(float64(b.N*benchPushEvents)/took.Seconds(), "events/s")
		lat.report(b, "")
	})
	b.Run("pull", func(b *testing.B) {
		// A real page of 1,000 loyalty changes, served from memory.
		var page protocol.PullResponse
		for i, e := range benchEvents(benchBase, 1, 1, 20*benchPullPage) {
			if len(page.Changes) == benchPullPage {
				break
			}
			if strings.HasPrefix(e.Kind, "loyalty.") {
				data, _ := json.Marshal(map[string]any{"event_id": e.ID, "server_seq": i + 1, "occurred_at": e.OccurredAt, "clerk_id": 3, "payload": e.Payload})
				page.Changes = append(page.Changes, protocol.Change{Seq: int64(i + 1), Kind: e.Kind, Entity: e.Entity,
					Origin: "AAAAAAAAAAAAAAAAAAAAAAAAAA", At: e.OccurredAt, Data: data})
			}
		}
		page.Epoch, page.Stream, page.NextCursor, page.HasMore = "EEEEEEEEEEEEEEEEEEEEEEEEEE", protocol.StreamOwner, "c", true
		body, err := json.Marshal(page)
		if err != nil {
			b.Fatal(err)
		}
		h := benchServe(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(body)
		}), nil)
		var lat benchLatency
		var took time.Duration
		for b.Loop() {
			start := time.Now()
			for range benchPullEvents / benchPullPage {
				t0 := time.Now()
				var res protocol.PullResponse
				if err := h.do(context.Background(), http.MethodGet, protocol.PathPull+"?stream=owner&limit=1000", "tok", nil, &res); err != nil || len(res.Changes) != benchPullPage {
					b.Fatal(err)
				}
				lat.add(time.Since(t0))
			}
			took += time.Since(start)
		}
		b.ReportMetric(float64(b.N*benchPullEvents)/took.Seconds(), "events/s")
		lat.report(b, "")
	})
}

// BenchmarkSyncBaselineInsert: the push's rows, bare, into the same
// engine, one row a statement (the naive baseline; see the top).
func BenchmarkSyncBaselineInsert(b *testing.B) {
	for _, eng := range benchEngines(b) {
		b.Run(eng.name, func(b *testing.B) {
			ctx := context.Background()
			var took time.Duration
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				st, where := eng.open(b)
				o, err := st.CreateOwner(ctx, "Bench owner")
				if err != nil {
					b.Fatal(err)
				}
				p, err := st.CreatePoint(ctx, o.ID, "Bench point")
				if err != nil {
					b.Fatal(err)
				}
				raw := eng.raw(b, where)
				events := benchEvents(benchLater, 100_000+i, 1, benchPushEvents)
				b.StartTimer()
				start := time.Now()
				if err := raw.insertEvents(ctx, o.ID, p.ID, events, benchBatch, time.Now()); err != nil {
					b.Fatal(err)
				}
				took += time.Since(start)
				raw.close()
			}
			b.ReportMetric(float64(b.N*benchPushEvents)/took.Seconds(), "events/s")
		})
	}
}

// benchPullFixture is a store whose owner stream holds benchPullEvents
// loyalty movements of one point, and another point to pull them.
func benchPullFixture(b *testing.B, eng benchEngine) (store.Store, string, store.Point) {
	ctx := context.Background()
	st, where := eng.open(b)
	o, err := st.CreateOwner(ctx, "Bench owner")
	if err != nil {
		b.Fatal(err)
	}
	from, err := st.CreatePoint(ctx, o.ID, "Bench pusher")
	if err != nil {
		b.Fatal(err)
	}
	to, err := st.CreatePoint(ctx, o.ID, "Bench puller")
	if err != nil {
		b.Fatal(err)
	}
	var events []protocol.Event
	for seq := int64(1); len(events) < benchPullEvents; seq += benchBatch {
		for _, e := range benchEvents(benchBase, 1, seq, benchBatch) {
			if strings.HasPrefix(e.Kind, "loyalty.") && len(events) < benchPullEvents {
				e.ClientSeq = int64(len(events) + 1)
				events = append(events, e)
			}
		}
	}
	for _, req := range benchBatches("bench-device", events) {
		if _, err := st.Push(ctx, from.ID, req, benchBase.Add(time.Hour)); err != nil {
			b.Fatal(err)
		}
	}
	return st, where, to
}

// BenchmarkSyncPull: 100,000 changes of the owner stream in pages of 1,000.
func BenchmarkSyncPull(b *testing.B) {
	for _, eng := range benchEngines(b) {
		b.Run(eng.name, func(b *testing.B) {
			st, _, to := benchPullFixture(b, eng)
			s, h := benchRealServer(b, st, func(o *Options) { o.Rate = -1 })
			token := benchToken(b, s, st, to)
			var lat benchLatency
			var took time.Duration
			b.ResetTimer()
			for b.Loop() {
				start := time.Now()
				cursor, n := "", 0
				for {
					q := url.Values{"stream": {protocol.StreamOwner}, "limit": {strconv.Itoa(benchPullPage)}}
					if cursor != "" {
						q.Set("cursor", cursor)
					}
					t0 := time.Now()
					var res protocol.PullResponse
					if err := h.do(context.Background(), http.MethodGet, protocol.PathPull+"?"+q.Encode(), token, nil, &res); err != nil {
						b.Fatal(err)
					}
					lat.add(time.Since(t0))
					n += len(res.Changes)
					cursor = res.NextCursor
					if !res.HasMore {
						break
					}
				}
				took += time.Since(start)
				if n != benchPullEvents {
					b.Fatalf("pulled %d changes, want %d", n, benchPullEvents)
				}
			}
			b.ReportMetric(float64(b.N*benchPullEvents)/took.Seconds(), "events/s")
			lat.report(b, "")
		})
	}
}

// BenchmarkSyncBaselineSelect: the same changes read bare, page by page.
func BenchmarkSyncBaselineSelect(b *testing.B) {
	for _, eng := range benchEngines(b) {
		b.Run(eng.name, func(b *testing.B) {
			ctx := context.Background()
			st, where, to := benchPullFixture(b, eng)
			raw := eng.raw(b, where)
			defer raw.close()
			stream := "owner:" + to.OwnerID
			_ = st
			var lat benchLatency
			var took time.Duration
			b.ResetTimer()
			for b.Loop() {
				start := time.Now()
				var after int64
				total := 0
				for {
					t0 := time.Now()
					n, last, err := raw.page(ctx, stream, after, benchPullPage)
					lat.add(time.Since(t0))
					if err != nil {
						b.Fatal(err)
					}
					total += n
					after = last
					if n < benchPullPage {
						break
					}
				}
				took += time.Since(start)
				if total != benchPullEvents {
					b.Fatalf("read %d changes, want %d", total, benchPullEvents)
				}
			}
			b.ReportMetric(float64(b.N*benchPullEvents)/took.Seconds(), "events/s")
			lat.report(b, "")
		})
	}
}

// BenchmarkSyncPoints200: 200 points syncing at once.
func BenchmarkSyncPoints200(b *testing.B) {
	for _, eng := range benchEngines(b) {
		b.Run(eng.name, func(b *testing.B) {
			var push, pull benchLatency
			var failed, events atomic.Int64
			errs := &benchErrors{by: map[string]int{}}
			var took time.Duration
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				st, _ := eng.open(b)
				s, h := benchRealServer(b, st, nil)
				sims := make([]*benchSim, benchSimPoints)
				ctx := context.Background()
				var owner store.Owner
				for k := range sims {
					if k%benchSimPerOwner == 0 {
						var err error
						if owner, err = st.CreateOwner(ctx, fmt.Sprintf("Bench owner %d", k/benchSimPerOwner)); err != nil {
							b.Fatal(err)
						}
					}
					p, err := st.CreatePoint(ctx, owner.ID, fmt.Sprintf("Bench point %d", k))
					if err != nil {
						b.Fatal(err)
					}
					sims[k] = &benchSim{h: h, point: k, device: fmt.Sprintf("device-%d", k), token: benchToken(b, s, st, p),
						push: &push, pull: &pull, errs: errs}
				}
				// Each token's one argon2 check happens at its first request,
				// once per process: a hello of every point before the clock.
				for _, sim := range sims {
					if _, err := sim.hello(ctx); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				start := time.Now()
				var wg sync.WaitGroup
				for _, sim := range sims {
					wg.Go(func() {
						for range benchSimRounds {
							if err := sim.round(ctx); err != nil {
								failed.Add(1)
							}
						}
						events.Add(sim.acked)
					})
				}
				wg.Wait()
				took += time.Since(start)
				b.StopTimer()
				h.stop()
				b.StartTimer()
			}
			if f := failed.Load(); f > 0 {
				b.Logf("%d of %d rounds failed", f, int64(b.N)*benchSimPoints*benchSimRounds)
			}
			push.report(b, "push-")
			pull.report(b, "pull-")
			if n := errs.total(); n > 0 {
				b.Logf("errors: %v", errs.by)
			}
			b.ReportMetric(float64(errs.total())/float64(b.N), "errors/run")
			b.ReportMetric(float64(failed.Load())/float64(b.N), "failed-rounds/run")
			b.ReportMetric(float64(events.Load())/took.Seconds(), "events/s")
		})
	}
}

// benchErrors counts failed requests by what failed: an HTTP status and
// the error code, or the transport's error.
type benchErrors struct {
	mu sync.Mutex
	by map[string]int
}

func (e *benchErrors) add(err error) {
	what := err.Error()
	var st *benchStatus
	if errors.As(err, &st) {
		var pe protocol.Error
		_ = json.Unmarshal([]byte(st.body), &pe)
		what = fmt.Sprintf("%d %s", st.status, pe.Code)
	}
	e.mu.Lock()
	e.by[what]++
	e.mu.Unlock()
}

func (e *benchErrors) total() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, k := range e.by {
		n += k
	}
	return n
}

// benchSim is one simulated point: the client's round over raw HTTP.
type benchSim struct {
	h                  *benchHTTP
	point              int
	device, token      string
	acked              int64 // its last acknowledged client_seq
	cursors            [2]string
	push, pull         *benchLatency
	errs               *benchErrors
	pending            []byte // the unacknowledged batch's body
	pendingN, pendingL int64
}

// call sends a request, retrying a 429 or 503 after its Retry-After (at
// most benchSimRetryWait) as the client's resty does; every non-2xx
// answer counts as an error. lat gets the successful request's time.
func (p *benchSim) call(ctx context.Context, method, path string, body []byte, out any, lat *benchLatency) error {
	for attempt := 0; ; attempt++ {
		t0 := time.Now()
		err := p.h.do(ctx, method, path, p.token, body, out)
		if err == nil {
			if lat != nil {
				lat.add(time.Since(t0))
			}
			return nil
		}
		var st *benchStatus
		p.errs.add(err)
		if attempt >= benchSimRetries || !errors.As(err, &st) || (st.status != http.StatusTooManyRequests && st.status != http.StatusServiceUnavailable) {
			return err
		}
		time.Sleep(min(max(st.retryAfter, 200*time.Millisecond), benchSimRetryWait))
	}
}

func (p *benchSim) hello(ctx context.Context) (protocol.HelloResponse, error) {
	body, _ := json.Marshal(protocol.HelloRequest{Protocol: protocol.Version, AppVersion: "bench", DeviceID: p.device,
		Incarnation: "bench-inc", MaxClientSeq: p.acked + benchSimBatch})
	var hr protocol.HelloResponse
	return hr, p.call(ctx, http.MethodPost, protocol.PathHello, body, &hr, nil)
}

func (p *benchSim) round(ctx context.Context) error {
	if _, err := p.hello(ctx); err != nil {
		return err
	}
	if p.pending == nil {
		req := benchBatches(p.device, benchEvents(benchBase, p.point, p.acked+1, benchSimBatch))[0]
		p.pending, _ = json.Marshal(req)
		p.pendingN, p.pendingL = int64(len(req.Events)), req.Events[len(req.Events)-1].ClientSeq
	}
	var pr protocol.PushResponse
	if err := p.call(ctx, http.MethodPost, protocol.PathPush, p.pending, &pr, p.push); err != nil {
		return err
	}
	if int64(len(pr.Results)) != p.pendingN || pr.LastAcked != p.pendingL {
		return fmt.Errorf("push: %d results, last acked %d", len(pr.Results), pr.LastAcked)
	}
	p.acked, p.pending = pr.LastAcked, nil
	for i, stream := range []string{protocol.StreamPoint, protocol.StreamOwner} {
		for {
			q := url.Values{"stream": {stream}, "limit": {strconv.Itoa(protocol.DefaultPull)}}
			if p.cursors[i] != "" {
				q.Set("cursor", p.cursors[i])
			}
			var res protocol.PullResponse
			if err := p.call(ctx, http.MethodGet, protocol.PathPull+"?"+q.Encode(), nil, &res, p.pull); err != nil {
				return err
			}
			p.cursors[i] = res.NextCursor
			if !res.HasMore {
				break
			}
		}
	}
	return nil
}
