package simtest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"smartpoint/app/auth"
	"smartpoint/app/clock"
	"smartpoint/app/counter"
	"smartpoint/app/inbox"
	"smartpoint/app/loyalty"
	"smartpoint/app/scan"
	"smartpoint/app/store"
	"smartpoint/sync/client"
)

const (
	ownerName = "Айгуль"
	ownerPIN  = "4821"
	partner   = "kgpost"
)

// point is one pickup point's counter: its database on a real file with a
// fake clock, the owner on shift, the loyalty programme, and a sync client
// registered against the cloud.
type point struct {
	t     testing.TB
	ctx   context.Context
	name  string
	id    string // the server's point id
	path  string
	clock *clock.Fake
	db    *store.DB
	svc   *counter.Service
	loy   *loyalty.Service
	sess  *counter.Session
	cl    *client.Client
	log   *ring
}

// pointConfig is how a point's database and client are opened.
type pointConfig struct {
	URL         string
	Synchronous string // "" FULL
	Retries     int    // the client's in-round retries; <0 none
	PushBatch   int
	PullLimit   int
}

// clientOptions: rounds are driven by the test (Round), never by the
// background loop; in-round retries (resty) wait a nanosecond, so nothing
// sleeps.
func clientOptions(c clock.Clock, cfg pointConfig, log *ring) client.Options {
	return client.Options{
		BaseURL:      cfg.URL,
		Timeout:      20 * time.Second,
		Clock:        c,
		Logger:       slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelInfo})),
		Retries:      cfg.Retries,
		RetryWait:    time.Nanosecond,
		RetryMaxWait: time.Nanosecond,
		PushBatch:    cfg.PushBatch,
		PullLimit:    cfg.PullLimit,
		AppVersion:   "simtest",
	}
}

// openPoint opens a counter database at path (created when new) with a
// sync client.
func openPoint(t testing.TB, name, path string, c *clock.Fake, cfg pointConfig) *point {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path, store.Options{Synchronous: cfg.Synchronous})
	if err != nil {
		t.Fatalf("%s: open %s: %v", name, path, err)
	}
	svc, err := counter.New(ctx, db, counter.Options{Clock: c, PINParams: auth.Fast, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	p := &point{t: t, ctx: ctx, name: name, path: path, clock: c, db: db, svc: svc,
		loy: loyalty.New(svc, loyalty.Options{}), log: newRing(200)}
	// As the app wires it: what a round pulls is applied (app/inbox); the
	// applied changes stay, for the invariants to compare with the cloud.
	opt := clientOptions(c, cfg, p.log)
	opt.Apply = inbox.New(svc, p.loy, nil).KeepApplied(-1).Hook
	p.cl = client.New(svc, opt)
	t.Cleanup(p.close)
	return p
}

// newPoint makes a point from scratch: the first-run set-up, the owner's
// shift, a stamp card programme, and the registration with a new
// activation code of the cloud's owner.
func newPoint(t testing.TB, cl *cloud, name, path string, cfg pointConfig) *point {
	t.Helper()
	p := openPoint(t, name, path, clock.NewFake(simStart), cfg)
	sess, err := p.svc.Setup(p.ctx, counter.SetupRequest{
		Point:     counter.Point{Name: "ПВЗ " + name, Country: "KG", Address: "Бишкек"},
		OwnerName: ownerName, OwnerPIN: ownerPIN,
		Layout: &counter.Layout{Racks: "A-J", Shelves: 5, Cells: 10, Size: "M", Capacity: 5, ShelfSizes: []string{"L"}},
	})
	if err != nil {
		t.Fatalf("%s: setup: %v", name, err)
	}
	if _, err := p.svc.OpenShift(p.ctx, sess); err != nil {
		t.Fatal(err)
	}
	p.sess = sess
	if _, err := p.loy.SaveProgramme(p.ctx, sess, loyalty.Programme{Name: "Кофе за посылки", Kind: loyalty.KindStamp,
		PerReward: 3, Accrual: loyalty.PerVisit, RewardText: "Кофе"}); err != nil {
		t.Fatalf("%s: programme: %v", name, err)
	}
	id, code := cl.addPoint("ПВЗ " + name)
	if err := p.cl.Register(p.ctx, cl.URL, code, name); err != nil {
		t.Fatalf("%s: register: %v", name, err)
	}
	p.id = id
	return p
}

// login logs the owner in on a database opened again (a copy, a
// restarted app): the shift opened at set-up is joined.
func (p *point) login() {
	p.t.Helper()
	sess, err := p.svc.Login(p.ctx, ownerName, ownerPIN)
	if err != nil {
		p.t.Fatalf("%s: login: %v", p.name, err)
	}
	if sess.ShiftID() == 0 {
		if _, err := p.svc.OpenShift(p.ctx, sess); err != nil {
			p.t.Fatal(err)
		}
		if sess, err = p.svc.Login(p.ctx, ownerName, ownerPIN); err != nil {
			p.t.Fatal(err)
		}
	}
	p.sess = sess
}

// close closes the database (twice is harmless).
func (p *point) close() {
	if p.db != nil {
		_ = p.db.Close()
		p.db = nil
	}
}

// track is the kgpost (UPU S10) track of a serial.
func track(serial int) string { return scan.S10("RA", serial, "KG") }

// parcelEntity is how the counter names a parcel in its events.
func parcelEntity(track string) string { return "parcel:" + partner + ":" + track }

// importManifest imports a manifest of tracks (recipients by phone).
func (p *point) importManifest(file string, tracks []string) error {
	var csv strings.Builder
	csv.WriteString("track,name,phone,cod\n")
	for i, tr := range tracks {
		fmt.Fprintf(&csv, "%s,Получатель %d,+996700%06d,0\n", tr, i, (len(tr)*7919+i)%1000000)
	}
	_, err := p.svc.ImportManifest(p.ctx, p.sess, strings.NewReader(csv.String()), counter.ImportOptions{Partner: partner, Filename: file})
	return err
}

func (p *point) accept(track string) error {
	res, err := p.svc.Accept(p.ctx, p.sess, 0, track, counter.AcceptOptions{})
	if err == nil && res.Outcome != counter.OutcomeOK {
		err = fmt.Errorf("accept %s: outcome %s", track, res.Outcome)
	}
	return err
}

func (p *point) issue(parcelID int64, track string) error {
	_, err := p.svc.Issue(p.ctx, p.sess, counter.IssueRequest{Items: []counter.IssueItem{{ParcelID: parcelID, Scanned: track}}})
	return err
}

// parcel is a parcel row: what the counter's screens list.
type parcel struct {
	ID    int64
	Track string
}

// parcels lists the point's parcels in a status, oldest first.
func (p *point) parcels(status counter.Status) []parcel {
	p.t.Helper()
	rows, err := p.db.R.QueryContext(p.ctx, `SELECT id, track FROM parcels WHERE status = ? ORDER BY id`, string(status))
	if err != nil {
		p.t.Fatal(err)
	}
	defer rows.Close()
	var out []parcel
	for rows.Next() {
		var x parcel
		if err := rows.Scan(&x.ID, &x.Track); err != nil {
			p.t.Fatal(err)
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		p.t.Fatal(err)
	}
	return out
}

// applied reports whether the point applied a pulled change.
func (p *point) applied(stream string, seq int64) bool {
	p.t.Helper()
	var n int
	if err := p.db.R.QueryRowContext(p.ctx, `SELECT count(*) FROM sync_inbox WHERE stream = ? AND seq = ? AND applied_at IS NOT NULL`,
		stream, seq).Scan(&n); err != nil {
		p.t.Fatal(err)
	}
	return n > 0
}

// movements is a card's ledger at the point: each movement's origin (""
// for the point's own) by id, the sum of the amounts and of the deficits.
func (p *point) movements(cardUUID string) (origins map[string]string, total, deficit int) {
	p.t.Helper()
	rows, err := p.db.R.QueryContext(p.ctx, `SELECT m.uuid, m.origin, m.amount, m.deficit FROM loyalty_movements m
		JOIN loyalty_cards c ON c.id = m.card_id WHERE c.uuid = ?`, cardUUID)
	if err != nil {
		p.t.Fatal(err)
	}
	defer rows.Close()
	origins = map[string]string{}
	for rows.Next() {
		var uuid, origin string
		var amount, d int
		if err := rows.Scan(&uuid, &origin, &amount, &d); err != nil {
			p.t.Fatal(err)
		}
		origins[uuid], total, deficit = origin, total+amount, deficit+d
	}
	if err := rows.Err(); err != nil {
		p.t.Fatal(err)
	}
	return origins, total, deficit
}

// card is an active loyalty card of the point.
type card struct {
	UUID, Code string
}

func (p *point) cards() []card {
	p.t.Helper()
	rows, err := p.db.R.QueryContext(p.ctx, `SELECT uuid, code FROM loyalty_cards WHERE status = 'active' ORDER BY id`)
	if err != nil {
		p.t.Fatal(err)
	}
	defer rows.Close()
	var out []card
	for rows.Next() {
		var c card
		if err := rows.Scan(&c.UUID, &c.Code); err != nil {
			p.t.Fatal(err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		p.t.Fatal(err)
	}
	return out
}

// card is a card as the counter shows it.
func (p *point) card(code string) loyalty.Card {
	p.t.Helper()
	c, err := p.loy.FindCard(p.ctx, code)
	if err != nil {
		p.t.Fatalf("%s: find card %s: %v", p.name, code, err)
	}
	return c
}

// events is the point's whole event log (the outbox), oldest first.
func (p *point) events() []counter.Event {
	p.t.Helper()
	evs, err := p.svc.Events(p.ctx, 0, 1<<30)
	if err != nil {
		p.t.Fatal(err)
	}
	return evs
}

// inbox is everything the point pulled from a stream.
func (p *point) inbox(stream string) []client.Inbox {
	p.t.Helper()
	in, err := p.cl.InboxChanges(p.ctx, stream, 0, 1<<30)
	if err != nil {
		p.t.Fatal(err)
	}
	return in
}

// syncState is a value the client keeps in the database (sync_state).
func (p *point) syncState(key string) string {
	p.t.Helper()
	var v string
	err := p.db.R.QueryRowContext(p.ctx, `SELECT value FROM sync_state WHERE key = ?`, key).Scan(&v)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		p.t.Fatal(err)
	}
	return v
}
