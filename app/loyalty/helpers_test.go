package loyalty

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"smartpoint/app/auth"
	"smartpoint/app/clock"
	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/app/scan"
	"smartpoint/app/store"
)

// env is a counter point in Bishkek (UTC+6) on a real SQLite file with a
// fake clock, its owner on shift, and the loyalty service on top.
type env struct {
	t     testing.TB
	ctx   context.Context
	db    *store.DB
	svc   *counter.Service
	l     *Service
	clock *clock.Fake
	owner *counter.Session
	track int // source of fresh parcel tracks
}

// bishkek is the point's time zone: promotions and daily caps follow its
// calendar, not UTC's.
var bishkek = time.FixedZone("Asia/Bishkek", 6*3600)

// testStart is Tuesday 17 November 2026, 10:00 in Bishkek.
var testStart = time.Date(2026, 11, 17, 10, 0, 0, 0, bishkek)

const (
	ownerPIN = "4821"
	staffPIN = "2580"
)

func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "counter.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := clock.NewFake(testStart)
	svc, err := counter.New(ctx, db, counter.Options{Clock: c, PINParams: auth.Fast, Location: bishkek})
	if err != nil {
		t.Fatal(err)
	}
	owner, err := svc.Setup(ctx, counter.SetupRequest{
		Point:     counter.Point{Name: "ПВЗ Ала-Тоо", Country: "KG", Address: "Бишкек, Чуй 1"},
		OwnerName: "Айгуль", OwnerPIN: ownerPIN,
		Layout: &counter.Layout{Racks: "A-B", Shelves: 2, Cells: 5, Size: "M", Capacity: 20, ShelfSizes: []string{"L"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.OpenShift(ctx, owner); err != nil {
		t.Fatal(err)
	}
	return &env{t: t, ctx: ctx, db: db, svc: svc, l: New(svc, Options{}), clock: c, owner: owner}
}

// stampCard is a plain programme: 5 stamps make a coffee, one per visit,
// no life, no limits.
func stampCard() Programme {
	return Programme{Name: "Кофе за посылки", Kind: KindStamp, PerReward: 5, Accrual: PerVisit, RewardText: "Кофе"}
}

// programme saves p as the owner.
func (e *env) programme(p Programme) Programme {
	e.t.Helper()
	out, err := e.l.SaveProgramme(e.ctx, e.owner, p)
	if err != nil {
		e.t.Fatalf("save programme: %v", err)
	}
	return out
}

// staff creates and logs in an account (no shift open).
func (e *env) staff(name string, role counter.Role) *counter.Session {
	e.t.Helper()
	if _, err := e.svc.CreateClerk(e.ctx, e.owner, name, role, staffPIN); err != nil {
		e.t.Fatal(err)
	}
	sess, err := e.svc.Login(e.ctx, name, staffPIN)
	if err != nil {
		e.t.Fatal(err)
	}
	return sess
}

// handOver closes whatever shift is open and opens sess's: one shift is
// open at a point at a time.
func (e *env) handOver(sess *counter.Session) {
	e.t.Helper()
	if sh, open, err := e.svc.OpenShiftNow(e.ctx); err != nil {
		e.t.Fatal(err)
	} else if open {
		if err := e.svc.ForceCloseShift(e.ctx, e.owner, sh.ID); err != nil {
			e.t.Fatal(err)
		}
	}
	if _, err := e.svc.OpenShift(e.ctx, sess); err != nil {
		e.t.Fatal(err)
	}
	if sess != e.owner {
		e.owner = mustV[*counter.Session](e.t)(e.svc.SessionFor(e.ctx, e.owner)) // the owner's shift is gone
	}
}

// enrol enrols a phone as the owner and returns the card.
func (e *env) enrol(phone string) Card {
	e.t.Helper()
	c, err := e.l.Enrol(e.ctx, e.owner, phone, "", true)
	if err != nil {
		e.t.Fatalf("enrol %s: %v", phone, err)
	}
	return c
}

// accrue accrues a one-parcel visit now as the owner.
func (e *env) accrue(card, key string) Result {
	e.t.Helper()
	r, err := e.l.Accrue(e.ctx, e.owner, card, key, Visit{Parcels: 1})
	if err != nil {
		e.t.Fatalf("accrue %s: %v", key, err)
	}
	return r
}

// card re-reads a card by code.
func (e *env) card(code string) Card {
	e.t.Helper()
	c, err := e.l.FindCard(e.ctx, code)
	if err != nil {
		e.t.Fatalf("find card %s: %v", code, err)
	}
	return c
}

// pickup stocks n parcels for phone and issues them as sess (on shift).
func (e *env) pickup(sess *counter.Session, phone string, n int) counter.HandoverResult {
	e.t.Helper()
	var rows, tracks []string
	for range n {
		e.track++
		tr := scan.S10("RA", 1000+e.track, "KG")
		tracks = append(tracks, tr)
		rows = append(rows, tr+";Жылдыз;"+phone+";S;0;")
	}
	csv := "Трек;Получатель;Телефон;Размер;К оплате;Код выдачи\n" + strings.Join(rows, "\n") + "\n"
	if _, err := e.svc.ImportManifest(e.ctx, e.owner, strings.NewReader(csv),
		counter.ImportOptions{Partner: "kgpost", Filename: fmt.Sprintf("m%d.csv", e.track)}); err != nil {
		e.t.Fatalf("import: %v", err)
	}
	var items []counter.IssueItem
	for _, tr := range tracks {
		res, err := e.svc.Accept(e.ctx, sess, 0, tr, counter.AcceptOptions{})
		if err != nil {
			e.t.Fatalf("accept %s: %v", tr, err)
		}
		items = append(items, counter.IssueItem{ParcelID: res.Parcel.ID, Scanned: tr})
	}
	h, err := e.svc.Issue(e.ctx, sess, counter.IssueRequest{Items: items})
	if err != nil {
		e.t.Fatalf("issue: %v", err)
	}
	return h
}

// expectCode fails unless err carries code.
func expectCode(t testing.TB, err error, code errs.Code) {
	t.Helper()
	if !errs.Has(err, code) {
		t.Fatalf("got error %v, want %s", err, code)
	}
}

// mustV fails the test on err.
func mustV[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// events lists the log's kinds for an entity.
func (e *env) kinds(entity string) []string {
	e.t.Helper()
	evs, err := e.svc.EntityEvents(e.ctx, entity)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, ev := range evs {
		out = append(out, ev.Kind)
	}
	return out
}

// count runs a count query on the read pool.
func (e *env) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.R.QueryRowContext(e.ctx, query, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// dump reads every table but the event log (which refused actions may
// only append audit entries to) for before/after comparisons.
func dump(t testing.TB, db *sql.DB) map[string]string {
	t.Helper()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'events' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	out := map[string]string{}
	for _, table := range tables {
		out[table] = dumpTable(t, db, table)
	}
	return out
}

func dumpTable(t testing.TB, db *sql.DB, table string) string {
	t.Helper()
	rows, err := db.Query(`SELECT * FROM "` + table + `" ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var b strings.Builder
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			if i > 0 {
				b.WriteByte('|')
			}
			fmt.Fprint(&b, v)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// diff names the tables that differ.
func diff(before, after map[string]string) []string {
	var out []string
	for table, was := range before {
		if after[table] != was {
			out = append(out, table)
		}
	}
	for table := range after {
		if _, ok := before[table]; !ok {
			out = append(out, table)
		}
	}
	return out
}

// lastSeq is the event log's length.
func (e *env) lastSeq() int64 {
	e.t.Helper()
	var n int64
	if err := e.db.R.QueryRow(`SELECT coalesce(max(seq), 0) FROM events`).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func asErr(err error, target **errs.Error) bool { return errors.As(err, target) }
