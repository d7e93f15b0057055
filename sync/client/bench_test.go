package client

// BenchmarkSyncCatchUp: a point back online after 50,000 events made
// offline — one Round of the real client, from a counter database with
// 50,000 queued events to all of them acknowledged (hello, 100 pushes of
// 500, the pulls) — against the reference server on loopback, on SQLite
// and (with SP_PG_DSN set) PostgreSQL. Run by scripts/bench.sh:
//
//	CGO_ENABLED=0 go test -tags ci -run '^$' -bench '^BenchmarkSyncCatchUp$' -benchtime 2x ./sync/client/
//
// Two set-ups per engine: the server's production limits ("sqlite":
// 20 requests a second per token, so a catch-up cannot beat about 10,000
// events/s whatever the store does; the client waits out the 429s as it
// does in the field) and none ("sqlite-unlimited": the sync path's own
// speed). The counter database is made once through the counter (about
// half a minute) and cached in $TMPDIR, keyed by the counter's schema
// version and benchCatchUpGen; every run registers a copy of it as a new
// point of a fresh server store.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"smartpoint/app/auth"
	"smartpoint/app/clock"
	"smartpoint/app/counter"
	"smartpoint/app/store"
	"smartpoint/sync/server"
	serverstore "smartpoint/sync/server/store"
	"smartpoint/sync/server/store/pgstore"
	"smartpoint/sync/server/store/sqlitestore"
)

const (
	benchCatchUpEvents = 50_000
	benchCatchUpGen    = 1 // bump when benchCatchUpDB's content changes
)

// benchCatchUpDB is the cached counter database with the queued events.
func benchCatchUpDB(b *testing.B) string {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("smartpoint-sync-catchup-%dk-s%d-g%d.db",
		benchCatchUpEvents/1000, store.LatestVersion(), benchCatchUpGen))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	tmp := path + ".making"
	for _, s := range []string{"", "-wal", "-shm"} {
		os.Remove(tmp + s)
	}
	t0 := time.Now()
	ctx := context.Background()
	db, err := store.Open(ctx, tmp, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	svc, err := counter.New(ctx, db, counter.Options{Clock: clock.NewFake(testStart), PINParams: auth.Fast, Location: time.UTC})
	if err != nil {
		b.Fatal(err)
	}
	// The counter's mix: parcels accepted (40 %) and issued (30 %),
	// loyalty movements (20 %), the rest (10 %).
	for done := 0; done < benchCatchUpEvents; done += 5000 {
		err := svc.Extend(ctx, nil, func(x counter.Tx) error {
			for i := done; i < done+5000; i++ {
				kind, entity := "parcel.accepted", fmt.Sprintf("parcel:wb:WB%09d", i)
				switch k := i % 20; {
				case k >= 8 && k < 14:
					kind, entity = "parcel.issued", fmt.Sprintf("parcel:wb:WB%09d", i-8)
				case k >= 14 && k < 18:
					kind, entity = "loyalty.stamp_earned", fmt.Sprintf("card:%03d", i%997)
				case k >= 18:
					kind, entity = "clerk.login", "clerk:3"
				}
				if err := x.Emit(kind, entity, map[string]any{"track": fmt.Sprintf("WB%09d", i), "cell": "A-12", "weight_g": 200 + i%5000}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	b.Logf("bench: counter database with %d queued events made in %s: %s", benchCatchUpEvents, time.Since(t0).Round(time.Millisecond), path)
	return path
}

type benchCatchUpEngine struct {
	name string
	open func(b *testing.B) serverstore.Store
}

var benchPGCount atomic.Int64

func benchCatchUpEngines() []benchCatchUpEngine {
	out := []benchCatchUpEngine{{"sqlite", func(b *testing.B) serverstore.Store {
		st, err := sqlitestore.Open(context.Background(), filepath.Join(b.TempDir(), "cloud.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		return st
	}}}
	admin := os.Getenv("SP_PG_DSN")
	if admin == "" {
		return out
	}
	return append(out, benchCatchUpEngine{"postgres", func(b *testing.B) serverstore.Store {
		ctx := context.Background()
		name := fmt.Sprintf("sp_bench_client_%d_%d", os.Getpid(), benchPGCount.Add(1))
		exec := func(q string) {
			c, err := pgx.Connect(ctx, admin)
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close(ctx)
			if _, err := c.Exec(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
		exec("CREATE DATABASE " + name)
		b.Cleanup(func() { exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)") })
		dsn := admin + " dbname=" + name
		if strings.HasPrefix(admin, "postgres://") || strings.HasPrefix(admin, "postgresql://") {
			u, err := url.Parse(admin)
			if err != nil {
				b.Fatal(err)
			}
			u.Path = "/" + name
			q := u.Query()
			q.Del("dbname")
			u.RawQuery = q.Encode()
			dsn = u.String()
		}
		st, err := pgstore.Open(ctx, dsn)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		return st
	}})
}

func BenchmarkSyncCatchUp(b *testing.B) {
	fixture := benchCatchUpDB(b)
	for _, eng := range benchCatchUpEngines() {
		for _, limited := range []bool{true, false} {
			name := eng.name
			if !limited {
				name += "-unlimited"
			}
			b.Run(name, func(b *testing.B) { benchCatchUp(b, eng, fixture, limited) })
		}
	}
}

func benchCatchUp(b *testing.B, eng benchCatchUpEngine, fixture string, limited bool) {
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	var took time.Duration
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		st := eng.open(b)
		opt := server.Options{Logger: quiet, Hash: auth.Fast}
		if !limited {
			opt.Rate = -1
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		sctx, stop := context.WithCancel(ctx)
		served := make(chan error, 1)
		go func() { served <- server.New(st, opt).Serve(sctx, ln) }()
		base := "http://" + ln.Addr().String()

		owner, err := st.CreateOwner(ctx, "Bench owner")
		if err != nil {
			b.Fatal(err)
		}
		p, err := st.CreatePoint(ctx, owner.ID, "Bench point")
		if err != nil {
			b.Fatal(err)
		}
		code, _, err := server.IssueActivation(ctx, st, p.ID, 0, auth.Fast, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		path := filepath.Join(b.TempDir(), "counter.db")
		if err := benchCopy(fixture, path); err != nil {
			b.Fatal(err)
		}
		db, err := store.Open(ctx, path, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		svc, err := counter.New(ctx, db, counter.Options{Clock: clock.NewFake(time.Now()), PINParams: auth.Fast, Location: time.UTC})
		if err != nil {
			b.Fatal(err)
		}
		cl := New(svc, Options{BaseURL: base, Logger: quiet})
		if err := cl.Register(ctx, base, code, "bench"); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0 := time.Now()
		res, err := cl.Round(ctx)
		took += time.Since(t0)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if res.Applied != benchCatchUpEvents || res.Waiting != 0 {
			b.Fatalf("round: %+v", res)
		}
		cl.Stop()
		db.Close()
		stop()
		if err := <-served; err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(took.Seconds()/float64(b.N), "catchup-s")
	b.ReportMetric(float64(b.N*benchCatchUpEvents)/took.Seconds(), "events/s")
}

func benchCopy(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o600)
}
