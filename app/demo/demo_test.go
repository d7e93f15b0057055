package demo_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"smartpoint/app/auth"
	"smartpoint/app/clock"
	"smartpoint/app/counter"
	"smartpoint/app/demo"
	"smartpoint/app/errs"
	"smartpoint/app/i18n"
	"smartpoint/app/i18n/i18ntest"
	"smartpoint/app/loyalty"
	"smartpoint/app/store"
)

// now is when the newcomer loads the demo: an afternoon at a point in
// Bishkek.
var (
	bishkek = time.FixedZone("KGT", 6*3600)
	now     = time.Date(2026, 11, 20, 14, 30, 0, 0, bishkek)
)

// point is a freshly set-up point on a real SQLite file, its owner logged
// in, no shift open: what the first-run wizard leaves.
type point struct {
	t     testing.TB
	ctx   context.Context
	db    *store.DB
	svc   *counter.Service
	owner *counter.Session
	clock *clock.Fake
}

// layout is the wizard's default: racks A–D, 5 shelves of 10 cells, 3
// parcels a cell (600 places).
var layout = counter.Layout{Racks: "A-D", Shelves: 5, Cells: 10, Size: "M", Capacity: 3, ShelfSizes: []string{"L"}}

func newPoint(t testing.TB, country string, l *counter.Layout) *point {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "counter.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := clock.NewFake(now)
	svc, err := counter.New(ctx, db, counter.Options{Clock: c, PINParams: auth.Fast, Location: bishkek})
	if err != nil {
		t.Fatal(err)
	}
	owner, err := svc.Setup(ctx, counter.SetupRequest{
		Point:     counter.Point{Name: "Демо ПВЗ", Country: country},
		OwnerName: "Айгуль", OwnerPIN: "4821", Layout: l,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &point{t: t, ctx: ctx, db: db, svc: svc, owner: owner, clock: c}
}

func (p *point) load(opt demo.Options) demo.Summary {
	p.t.Helper()
	sum, err := demo.Load(p.ctx, p.svc, p.owner, opt)
	if err != nil {
		p.t.Fatalf("load: %v", err)
	}
	return sum
}

// count runs a count(*) query.
func (p *point) count(query string, args ...any) int {
	p.t.Helper()
	var n int
	if err := p.db.R.QueryRowContext(p.ctx, query, args...).Scan(&n); err != nil {
		p.t.Fatalf("%s: %v", query, err)
	}
	return n
}

func (p *point) status(st counter.Status) int {
	return p.count(`SELECT count(*) FROM parcels WHERE status = ?`, string(st))
}

func TestLoadMakesALivingPoint(t *testing.T) {
	p := newPoint(t, "KG", &layout)
	var calls, last, total int
	sum := p.load(demo.Options{Seed: 7, Progress: func(done, of int) {
		if done < last || (total != 0 && of != total) {
			t.Fatalf("progress went %d → %d of %d", last, done, of)
		}
		calls, last, total = calls+1, done, of
	}})
	if calls < 100 || last != total {
		t.Fatalf("progress: %d calls, ended at %d of %d", calls, last, total)
	}

	// Every state, counted in the tables, agrees with the summary.
	got := map[counter.Status]int{}
	for _, st := range []counter.Status{counter.StatusExpected, counter.StatusStored, counter.StatusToReturn,
		counter.StatusBoxed, counter.StatusIssued, counter.StatusReturned} {
		got[st] = p.status(st)
		if got[st] == 0 {
			t.Errorf("no %s parcels", st)
		}
	}
	overdue := p.count(`SELECT count(*) FROM parcels WHERE status = 'stored' AND deadline_at < ?`, now.UnixMilli())
	refused := p.count(`SELECT count(*) FROM parcels WHERE return_reason LIKE 'refused:%'`)
	expired := p.count(`SELECT count(*) FROM parcels WHERE return_reason = 'expired'`)
	want := demo.Summary{
		Parcels: demo.DefaultParcels, Expected: got[counter.StatusExpected],
		OnShelf: got[counter.StatusStored] + got[counter.StatusToReturn], Stored: got[counter.StatusStored],
		Overdue: overdue, ToReturn: got[counter.StatusToReturn], Boxed: got[counter.StatusBoxed],
		Issued: got[counter.StatusIssued], Returned: got[counter.StatusReturned], Refused: refused,
		Damaged:    p.count(`SELECT count(*) FROM parcels WHERE damaged = 1`),
		Unexpected: p.count(`SELECT count(*) FROM parcels WHERE unexpected = 1`),
		Customers:  p.count(`SELECT count(DISTINCT recipient_phone) FROM parcels WHERE recipient_phone <> ''`),
		Handovers:  p.count(`SELECT count(*) FROM handovers`),
		Manifests:  p.count(`SELECT count(*) FROM manifests`),
		Deliveries: p.count(`SELECT count(*) FROM deliveries`),
		Shifts:     p.count(`SELECT count(*) FROM shifts WHERE closed_at IS NOT NULL`),
		Partners:   sum.Partners, From: sum.From, To: sum.To,
		Programme: i18n.Printer{L: i18n.RU}.T("demo.loyalty.name"),
		Members:   p.count(`SELECT count(*) FROM loyalty_customers`),
		Stamps:    p.count(`SELECT coalesce(sum(amount), 0) FROM loyalty_movements WHERE kind = 'earn'`),
		Redeemed:  p.count(`SELECT count(*) FROM loyalty_movements WHERE kind = 'redeem'`),
		RewardsWaiting: p.count(`SELECT count(*) FROM (SELECT card_id FROM loyalty_movements
			GROUP BY card_id HAVING sum(amount) >= 6)`),
	}
	if !equalSummary(sum, want) {
		t.Fatalf("summary %+v\ntables  %+v", sum, want)
	}
	if n := p.count(`SELECT count(*) FROM parcels`); n != demo.DefaultParcels {
		t.Errorf("%d parcels, want %d", n, demo.DefaultParcels)
	}
	if sum.Overdue == 0 || sum.Damaged != 1 || sum.Unexpected != 1 || refused == 0 || expired == 0 {
		t.Errorf("overdue %d, damaged %d, unexpected %d, refused %d, expired %d", sum.Overdue, sum.Damaged, sum.Unexpected, refused, expired)
	}
	if n := p.count(`SELECT count(*) FROM return_boxes WHERE status = 'open' AND id IN (SELECT return_box_id FROM parcels)`); n != 1 {
		t.Errorf("%d open return boxes with parcels, want 1", n)
	}
	if n := p.count(`SELECT count(*) FROM return_acts WHERE parcels > 0`); n != 1 {
		t.Errorf("%d return acts, want 1", n)
	}
	// Cash on delivery, taken in cash and by card.
	if n := p.count(`SELECT count(*) FROM parcels WHERE cod_amount > 0 AND currency = 'KGS'`); n < 30 {
		t.Errorf("only %d parcels with cash on delivery", n)
	}
	if p.count(`SELECT count(DISTINCT pay_method) FROM handovers WHERE cash_paid > 0`) != 2 {
		t.Error("cash on delivery paid one way only")
	}
	// Regular customers: several parcels on one phone, some handed over together.
	if n := p.count(`SELECT count(*) FROM (SELECT recipient_phone FROM parcels WHERE recipient_phone <> ''
		GROUP BY recipient_phone HAVING count(*) >= 3)`); n < 3 {
		t.Errorf("%d customers with 3+ parcels, want a few", n)
	}
	if p.count(`SELECT count(*) FROM handovers WHERE issued + refused >= 2`) == 0 {
		t.Error("no customer collected several parcels at once")
	}
	// Every enabled partner has parcels.
	var active []string
	for _, pa := range must(p.svc.Partners(p.ctx)) {
		if pa.Active {
			active = append(active, pa.Code)
		}
	}
	slices.Sort(active)
	if !slices.Equal(sum.Partners, active) {
		t.Errorf("partners %v, enabled %v", sum.Partners, active)
	}
	for _, code := range active {
		if p.count(`SELECT count(*) FROM parcels p JOIN partners pa ON pa.id = p.partner_id WHERE pa.code = ?`, code) == 0 {
			t.Errorf("no %s parcels", code)
		}
	}
	// Three weeks of closed shifts ending yesterday; today is the newcomer's.
	if _, open, _ := p.svc.OpenShiftNow(p.ctx); open || sum.Shifts != 21 {
		t.Errorf("shifts: %d closed, one open: %v", sum.Shifts, open)
	}
	yesterday := must(p.svc.DayReport(p.ctx, p.owner, now.AddDate(0, 0, -1)))
	if yesterday.Accepted == 0 || yesterday.Issued == 0 {
		t.Errorf("yesterday's report: %+v", yesterday)
	}
	var first, lastAt int64
	p.db.R.QueryRow(`SELECT min(at), max(at) FROM events WHERE kind LIKE 'parcel.%'`).Scan(&first, &lastAt)
	if from, to := time.UnixMilli(first), time.UnixMilli(lastAt); to.Sub(from) < 19*24*time.Hour || !to.Before(now) {
		t.Errorf("parcel history from %v to %v (now %v)", from, to, now)
	}
	checkConsistent(t, p)
	checkLedger(t, p)

	// A living loyalty programme: members at every stage.
	if sum.Members == 0 || sum.Stamps < sum.Members || sum.Redeemed == 0 || sum.RewardsWaiting == 0 {
		t.Errorf("loyalty: %d members, %d stamps, %d rewards taken, %d waiting", sum.Members, sum.Stamps, sum.Redeemed, sum.RewardsWaiting)
	}
	balances := `SELECT count(*) FROM (SELECT card_id FROM loyalty_movements GROUP BY card_id HAVING sum(amount) BETWEEN ? AND ?)`
	if close, few := p.count(balances, 4, 5), p.count(balances, 1, 3); close == 0 || few == 0 {
		t.Errorf("%d members close to a reward, %d with a few stamps", close, few)
	}
	if n := p.count(`SELECT count(*) FROM loyalty_customers WHERE last_visit_at < ?`, now.AddDate(0, 0, -14).UnixMilli()); n == 0 {
		t.Error("no member has been away for two weeks")
	}
	if n := p.count(`SELECT count(*) FROM (SELECT card_id FROM loyalty_movements WHERE kind = 'earn' AND amount > 0
		GROUP BY card_id HAVING count(*) >= 6)`); n < 3 {
		t.Errorf("%d members with 6 stamps or more, want a few", n)
	}
	// The owner stamped and handed out rewards, in the demo's past.
	if n := p.count(`SELECT count(*) FROM loyalty_movements WHERE clerk_id IS NOT ? OR shift_id IS NULL OR at >= ?`,
		p.owner.ClerkID(), time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, bishkek).UnixMilli()); n != 0 {
		t.Errorf("%d loyalty movements not the owner's on a shift of the demo", n)
	}
	if n := p.count(`SELECT count(*) FROM loyalty_programmes`); n != 1 {
		t.Errorf("%d programmes", n)
	}
}

// checkLedger checks the loyalty ledger the demo wrote: every card's
// balance, as the service shows it, is the sum of its movements and of
// what is left of its lots; every stamp is a pickup of the card's holder
// made after they joined; nothing is left for the catch-up or expiry.
func checkLedger(t *testing.T, p *point) {
	t.Helper()
	l := loyalty.New(p.svc, loyalty.Options{})
	rows := must(p.db.R.Query(`SELECT c.code, coalesce(sum(m.amount), 0), coalesce(sum(m.remaining), 0)
		FROM loyalty_cards c LEFT JOIN loyalty_movements m ON m.card_id = c.id GROUP BY c.id ORDER BY c.id`))
	defer rows.Close()
	cards := 0
	for rows.Next() {
		var code string
		var sum, left int
		if err := rows.Scan(&code, &sum, &left); err != nil {
			t.Fatal(err)
		}
		card, err := l.FindCard(p.ctx, code)
		if err != nil || card.Balance != sum || sum != left || sum < 0 {
			t.Errorf("card %s: balance %d, movements %d, lots %d (%v)", code, card.Balance, sum, left, err)
		}
		cards++
	}
	if cards != p.count(`SELECT count(*) FROM loyalty_customers`) {
		t.Errorf("%d cards for %d members", cards, p.count(`SELECT count(*) FROM loyalty_customers`))
	}
	if n := p.count(`SELECT count(*) FROM loyalty_movements m JOIN loyalty_cards c ON c.id = m.card_id
		JOIN loyalty_customers u ON u.id = c.customer_id
		LEFT JOIN handovers h ON 'handover:' || h.number = m.idem_key
		WHERE m.kind = 'earn' AND (h.id IS NULL OR h.recipient <> u.phone OR h.issued = 0
			OR h.at < u.created_at - ? OR m.visit_at <> h.at)`, loyalty.EnrolGrace.Milliseconds()); n != 0 {
		t.Errorf("%d stamps without a pickup of their member", n)
	}
	if n := p.count(`SELECT count(*) FROM loyalty_movements m WHERE kind = 'redeem'
		AND -amount <> (SELECT sum(amount) FROM loyalty_movement_lots WHERE spend_id = m.id)`); n != 0 {
		t.Errorf("%d rewards not drawn from lots", n)
	}
	if r, err := l.CatchUp(p.ctx); err != nil || r.Accrued != 0 {
		t.Errorf("catch-up after the demo: %+v %v", r, err)
	}
	if r, err := l.Expire(p.ctx); err != nil || r.Amount != 0 {
		t.Errorf("expiry after the demo: %+v %v", r, err)
	}
}

func equalSummary(a, b demo.Summary) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// checkConsistent is a small replay: the cells hold what their counts
// say, and every parcel's last event puts it where the table says.
func checkConsistent(t *testing.T, p *point) {
	t.Helper()
	var ok string
	if err := p.db.R.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check: %s %v", ok, err)
	}
	if n := p.count(`SELECT count(*) FROM cells c WHERE occupied <> (SELECT count(*) FROM parcels WHERE cell_id = c.id)
		OR occupied > capacity`); n != 0 {
		t.Fatalf("%d cells whose count is off or over capacity", n)
	}
	after := map[string]counter.Status{
		counter.EvParcelAccepted: counter.StatusStored, counter.EvParcelIssued: counter.StatusIssued,
		counter.EvParcelRefused: counter.StatusToReturn, counter.EvParcelExpired: counter.StatusToReturn,
		counter.EvParcelBoxed: counter.StatusBoxed, counter.EvParcelUnboxed: counter.StatusToReturn,
		counter.EvParcelReturned: counter.StatusReturned,
	}
	replayed := map[string]counter.Status{}
	rows := must(p.db.R.Query(`SELECT kind, entity FROM events WHERE entity LIKE 'parcel:%' ORDER BY seq`))
	for rows.Next() {
		var kind, entity string
		if err := rows.Scan(&kind, &entity); err != nil {
			t.Fatal(err)
		}
		if st, ok := after[kind]; ok {
			replayed[entity] = st
		} else if kind != counter.EvParcelDuplicate && kind != counter.EvParcelMoved {
			t.Fatalf("unknown parcel event %s", kind)
		}
	}
	rows.Close()
	checked := 0
	rows = must(p.db.R.Query(`SELECT 'parcel:' || pa.code || ':' || p.track, p.status FROM parcels p JOIN partners pa ON pa.id = p.partner_id`))
	defer rows.Close()
	for rows.Next() {
		var entity string
		var st counter.Status
		if err := rows.Scan(&entity, &st); err != nil {
			t.Fatal(err)
		}
		want, seen := replayed[entity]
		if st == counter.StatusExpected {
			want = counter.StatusExpected
		}
		if want != st || (st == counter.StatusExpected && seen) {
			t.Errorf("%s: table says %s, the log %s", entity, st, replayed[entity])
		}
		checked++
	}
	if checked != p.count(`SELECT count(*) FROM parcels`) {
		t.Fatalf("checked %d parcels", checked)
	}
}

func TestDemoCodesWorkAtTheCounter(t *testing.T) {
	p := newPoint(t, "KG", &layout)
	p.load(demo.Options{Seed: 1})
	must(p.svc.OpenShift(p.ctx, p.owner))

	// A customer shows an Ozon pickup code; another says their phone;
	// a third has only the track.
	var pickup, phone, track string
	p.db.R.QueryRow(`SELECT pickup_code FROM parcels WHERE status = 'stored' AND pickup_code <> '' LIMIT 1`).Scan(&pickup)
	p.db.R.QueryRow(`SELECT recipient_phone FROM parcels WHERE status = 'stored' AND recipient_phone <> '' ORDER BY id DESC LIMIT 1`).Scan(&phone)
	p.db.R.QueryRow(`SELECT track FROM parcels p JOIN partners pa ON pa.id = p.partner_id
		WHERE status = 'stored' AND pa.code = 'wb' LIMIT 1`).Scan(&track)
	if pickup == "" || phone == "" || track == "" {
		t.Fatalf("no stored parcel with a pickup code %q, phone %q or wb track %q", pickup, phone, track)
	}
	for query, by := range map[string]string{pickup: counter.SearchPickupCode, phone: counter.SearchPhone, track: counter.SearchTrack} {
		look, err := p.svc.FindForIssue(p.ctx, p.owner, query)
		if err != nil || look.By != by || len(look.Parcels) == 0 {
			t.Fatalf("find %q: by %s, %d parcels, %v", query, look.By, len(look.Parcels), err)
		}
	}
	// The wb parcel goes to its customer, scanned.
	look := must(p.svc.FindForIssue(p.ctx, p.owner, track))
	var it counter.Parcel
	for _, x := range look.Parcels {
		if x.Track == track {
			it = x
		}
	}
	req := counter.IssueRequest{Items: []counter.IssueItem{{ParcelID: it.ID, Scanned: track}}, Paid: it.CODAmount}
	if it.CODAmount > 0 {
		req.PayMethod = counter.PayCash
	}
	if _, err := p.svc.Issue(p.ctx, p.owner, req); err != nil {
		t.Fatalf("issue %s: %v", track, err)
	}

	// Tomorrow's courier arrives: the announced parcels scan in.
	var expected string
	var manifest int64
	p.db.R.QueryRow(`SELECT track, manifest_id FROM parcels WHERE status = 'expected' ORDER BY id DESC LIMIT 1`).Scan(&expected, &manifest)
	d := must(p.svc.OpenDelivery(p.ctx, p.owner, "", manifest, ""))
	res, err := p.svc.Accept(p.ctx, p.owner, d.ID, expected, counter.AcceptOptions{})
	if err != nil || res.Outcome != counter.OutcomeOK {
		t.Fatalf("accept %s: %s %v", expected, res.Outcome, err)
	}
	// The Stock screen shows the point's parcels, the overdue ones flagged.
	if n := must(p.svc.StockCount(p.ctx, p.owner, counter.StockFilter{Overdue: true})); n == 0 {
		t.Error("no overdue parcels on the Stock screen")
	}
}

func TestLoadIsDeterministicForASeed(t *testing.T) {
	snapshot := func(seed int64) string {
		p := newPoint(t, "KG", &layout)
		p.load(demo.Options{Seed: seed, Parcels: 120})
		var b strings.Builder
		rows := must(p.db.R.Query(`SELECT p.track, p.status, coalesce(c.label, ''), p.recipient_phone, p.recipient_name,
			p.cod_amount, coalesce(p.accepted_at, 0) FROM parcels p LEFT JOIN cells c ON c.id = p.cell_id ORDER BY p.track`))
		defer rows.Close()
		for rows.Next() {
			var track, status, cell, phone, name string
			var cod, at int64
			rows.Scan(&track, &status, &cell, &phone, &name, &cod, &at)
			fmt.Fprintln(&b, track, status, cell, phone, name, cod, at)
		}
		// The loyalty members and their ledgers (card codes are random).
		rows = must(p.db.R.Query(`SELECT u.phone, u.name, u.created_at, coalesce(u.last_visit_at, 0), m.kind, m.amount, m.at
			FROM loyalty_movements m JOIN loyalty_cards c ON c.id = m.card_id JOIN loyalty_customers u ON u.id = c.customer_id
			ORDER BY m.id`))
		defer rows.Close()
		for rows.Next() {
			var phone, name, kind string
			var created, last, amount, at int64
			rows.Scan(&phone, &name, &created, &last, &kind, &amount, &at)
			fmt.Fprintln(&b, phone, name, created, last, kind, amount, at)
		}
		return b.String()
	}
	a, b, c := snapshot(42), snapshot(42), snapshot(43)
	if a != b {
		t.Fatal("the same seed made different points")
	}
	if a == c {
		t.Fatal("another seed made the same point")
	}
}

func TestLoadRefusesAPointInUse(t *testing.T) {
	p := newPoint(t, "KG", &layout)
	p.load(demo.Options{Seed: 1, Parcels: 80})
	parcels, events := p.count(`SELECT count(*) FROM parcels`), p.count(`SELECT count(*) FROM events`)
	members, movements := p.count(`SELECT count(*) FROM loyalty_customers`), p.count(`SELECT count(*) FROM loyalty_movements`)
	if members == 0 || movements == 0 {
		t.Fatalf("the first load made %d members, %d movements", members, movements)
	}
	_, err := demo.Load(p.ctx, p.svc, p.owner, demo.Options{Seed: 2})
	if !errs.Has(err, demo.ErrNotEmpty) {
		t.Fatalf("second load: %v", err)
	}
	msg := i18n.Printer{L: i18n.RU}.Err(err)
	if !strings.Contains(msg, fmt.Sprint(parcels)) || strings.Contains(msg, "demo.not_empty") {
		t.Errorf("message %q", msg)
	}
	if p.count(`SELECT count(*) FROM parcels`) != parcels || p.count(`SELECT count(*) FROM events`) != events ||
		p.count(`SELECT count(*) FROM loyalty_customers`) != members || p.count(`SELECT count(*) FROM loyalty_movements`) != movements {
		t.Fatal("a refused load wrote something")
	}
}

// A point that already has a loyalty programme keeps it: the demo's
// members collect under its rules, and a reward above its PIN limit is
// confirmed by the owner's own session.
func TestLoadUsesThePointsProgramme(t *testing.T) {
	p := newPoint(t, "KG", &layout)
	l := loyalty.New(p.svc, loyalty.Options{})
	own := must(l.SaveProgramme(p.ctx, p.owner, loyalty.Programme{Name: "Бонусы", Kind: loyalty.KindPoints, PerReward: 4,
		Accrual: loyalty.PerParcel, PerUnit: 1, RewardText: "Скидка 100 сом", PINAbove: 3}))
	saved := p.count(`SELECT count(*) FROM events WHERE kind = ?`, loyalty.EvProgrammeSaved)
	sum := p.load(demo.Options{Seed: 4, Parcels: 200})
	if got := must(l.Programme(p.ctx)); got.ID != own.ID || got.Name != "Бонусы" || got.PerReward != 4 || got.PINAbove != 3 {
		t.Fatalf("programme after the demo: %+v", got)
	}
	if n := p.count(`SELECT count(*) FROM events WHERE kind = ?`, loyalty.EvProgrammeSaved); n != saved {
		t.Fatalf("the demo saved the programme again (%d events, %d before)", n, saved)
	}
	if sum.Programme != "Бонусы" || sum.Members == 0 || sum.Redeemed == 0 {
		t.Fatalf("summary %+v", sum)
	}
	// Per parcel: some pickups earned more than one point.
	if n := p.count(`SELECT count(*) FROM loyalty_movements WHERE kind = 'earn' AND amount > 1`); n == 0 {
		t.Error("no pickup of several parcels earned several points")
	}
	if n := p.count(`SELECT count(*) FROM loyalty_movements WHERE kind = 'redeem' AND approved_by IS NOT ?`, p.owner.ClerkID()); n != 0 {
		t.Errorf("%d rewards above the PIN limit not approved by the owner", n)
	}
	checkLedger(t, p)
}

func TestLoadChecksEverythingBeforeWriting(t *testing.T) {
	nothingWritten := func(p *point, events int) {
		t.Helper()
		if p.count(`SELECT count(*) FROM parcels`) != 0 || p.count(`SELECT count(*) FROM events`) != events {
			t.Fatal("a refused load wrote something")
		}
	}
	p := newPoint(t, "KG", &layout)
	must(p.svc.CreateClerk(p.ctx, p.owner, "Динара", counter.RoleManager, "2580"))
	manager := must(p.svc.Login(p.ctx, "Динара", "2580"))
	events := p.count(`SELECT count(*) FROM events`)
	for _, c := range []struct {
		sess *counter.Session
		opt  demo.Options
		code errs.Code
	}{
		{manager, demo.Options{}, counter.ErrForbidden},
		{nil, demo.Options{}, counter.ErrForbidden},
		{p.owner, demo.Options{Parcels: demo.MinParcels - 1}, counter.ErrInvalid},
		{p.owner, demo.Options{Parcels: demo.MaxParcels + 1}, counter.ErrInvalid},
	} {
		if _, err := demo.Load(p.ctx, p.svc, c.sess, c.opt); !errs.Has(err, c.code) {
			t.Errorf("%+v: %v, want %s", c.opt, err, c.code)
		}
	}
	nothingWritten(p, events)

	// Someone's shift is open: the demo's past shifts cannot be.
	must(p.svc.OpenShift(p.ctx, manager))
	events = p.count(`SELECT count(*) FROM events`)
	if _, err := demo.Load(p.ctx, p.svc, p.owner, demo.Options{}); !errs.Has(err, counter.ErrShiftOpen) {
		t.Fatalf("with a shift open: %v", err)
	}
	nothingWritten(p, events)

	// 20 places cannot hold the demo's busiest day.
	small := newPoint(t, "KG", &counter.Layout{Racks: "A", Shelves: 1, Cells: 10, Capacity: 2})
	events = small.count(`SELECT count(*) FROM events`)
	_, err := demo.Load(small.ctx, small.svc, small.owner, demo.Options{})
	if !errs.Has(err, demo.ErrNoRoom) {
		t.Fatalf("20 places: %v", err)
	}
	if e := err.(*errs.Error); e.Args["Free"] != 20 || e.Args["Need"].(int) <= 20 {
		t.Fatalf("no room: %v", e.Args)
	}
	nothingWritten(small, events)
}

func TestLoadInEveryCountry(t *testing.T) {
	for _, country := range []string{"KZ", "RU", "RS"} {
		t.Run(country, func(t *testing.T) {
			p := newPoint(t, country, &layout)
			sum := p.load(demo.Options{Seed: 3, Parcels: 150})
			if sum.Parcels != 150 || sum.Issued == 0 || sum.OnShelf == 0 || sum.Expected == 0 || sum.Returned == 0 || sum.Boxed == 0 {
				t.Fatalf("%+v", sum)
			}
			cur := must(p.svc.PointProfile(p.ctx)).Currency
			if n := p.count(`SELECT count(*) FROM parcels WHERE cod_amount > 0 AND currency <> ?`, cur); n != 0 {
				t.Errorf("%d parcels with cash on delivery in another currency than %s", n, cur)
			}
			checkConsistent(t, p)
			checkLedger(t, p)
			lang, _ := i18n.Parse(must(p.svc.PointProfile(p.ctx)).Language)
			if name := (i18n.Printer{L: lang}).T("demo.loyalty.name"); sum.Programme != name || sum.Members == 0 || sum.Stamps == 0 {
				t.Errorf("loyalty: %q (want %q), %d members, %d stamps", sum.Programme, name, sum.Members, sum.Stamps)
			}
		})
	}
}

// The demo's own messages read well in every language.
func TestDemoMessagesAreTranslated(t *testing.T) {
	i18ntest.CheckCodes(t, nil)
	c := i18n.Default()
	for _, l := range i18n.All {
		for _, key := range []string{"demo.note.damaged", "demo.loyalty.name", "demo.loyalty.reward"} {
			if !c.Has(l, key) {
				t.Errorf("%s lacks %s", l, key)
			}
		}
	}
}

func TestCancelledLoadSaysWhatItLeft(t *testing.T) {
	p := newPoint(t, "KG", &layout)
	ctx, cancel := context.WithCancel(p.ctx)
	defer cancel()
	_, err := demo.Load(ctx, p.svc, p.owner, demo.Options{Progress: func(done, _ int) {
		if done == 200 {
			cancel()
		}
	}})
	if !errs.Has(err, demo.ErrInterrupted) {
		t.Fatalf("cancelled load: %v", err)
	}
	if e := err.(*errs.Error); e.Args["Done"] != 200 || e.Args["Total"].(int) <= 200 {
		t.Fatalf("interrupted at %v of %v", e.Args["Done"], e.Args["Total"])
	}
	// What was written holds together, and no demo shift is left open.
	if p.count(`SELECT count(*) FROM parcels`) == 0 {
		t.Fatal("nothing was written before the cancel")
	}
	if _, open, _ := p.svc.OpenShiftNow(p.ctx); open {
		t.Fatal("the demo's shift was left open")
	}
	checkConsistent(t, p)
	if _, err := demo.Load(p.ctx, p.svc, p.owner, demo.Options{}); !errs.Has(err, demo.ErrNotEmpty) {
		t.Fatalf("load after an interrupted one: %v", err)
	}

	// Cancelled before the first step: nothing written, the plain context error.
	q := newPoint(t, "KG", &layout)
	ctx, cancel = context.WithCancel(q.ctx)
	_, err = demo.Load(ctx, q.svc, q.owner, demo.Options{Progress: func(done, _ int) {
		if done == 0 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || errs.CodeOf(err) != "" || q.count(`SELECT count(*) FROM parcels`) != 0 {
		t.Fatalf("cancelled before writing: %v", err)
	}
}
