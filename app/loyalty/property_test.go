package loyalty

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
)

// TestPropertyLedger runs random sequences of loyalty work — enrolments,
// accruals with repeated keys, pickups (some "crashing" before their
// accrual) and catch-ups, redemptions with and without a manager's PIN,
// adjustments, expiry sweeps, clock jumps, lost cards, merges and
// anonymisations — on a randomly configured programme, and checks the
// ledger after every step:
//
//   - every card's balance is the sum of its movements and the sum of
//     what is left of its lots, never negative; the counter shows the
//     lots still alive;
//   - no key is accrued twice, and a repeated key gives its first result;
//   - a spend drew the soonest-expiring lots first, an expiry the due lots
//     (oldest first) and left none behind;
//   - no customer earned more than the daily cap in a local day, nor twice
//     within the cooldown;
//   - a refused action changed nothing (all tables compared; only the
//     audit entry of a wrong manager PIN may be logged);
//   - every ledger row, customer and card has its event.
//
// Errors that are not typed domain errors fail the run. Set
// SP_LOYALTY_SEED to replay a run.
func TestPropertyLedger(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("SP_LOYALTY_SEED"); v != "" {
		var err error
		if seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			t.Fatalf("SP_LOYALTY_SEED: %v", err)
		}
	}
	t.Logf("seed %d (rerun with SP_LOYALTY_SEED=%d)", seed, seed)
	sequences, steps := 12, 70
	if testing.Short() || raceBuild {
		sequences, steps = 4, 40
	}
	stats := map[string]int{}
	for i := range sequences {
		t.Run(fmt.Sprintf("seq%02d", i), func(t *testing.T) {
			r := newPropRun(t, rand.New(rand.NewPCG(seed, uint64(i))), stats)
			defer func() {
				if t.Failed() {
					t.Logf("seed %d sequence %d, programme %+v, steps:\n  %s", seed, i, r.p, strings.Join(r.log, "\n  "))
				}
			}()
			for n := range steps {
				r.step(n)
			}
		})
	}
	var lines []string
	for k, n := range stats {
		lines = append(lines, fmt.Sprintf("%5d %s", n, k))
	}
	slices.Sort(lines)
	t.Logf("outcomes:\n%s", strings.Join(lines, "\n"))
}

// propRun is one random sequence and its model of what must hold.
type propRun struct {
	t       *testing.T
	e       *env
	rng     *rand.Rand
	p       Programme
	clerk   *counter.Session
	log     []string
	stats   map[string]int
	phones  []string
	owner   map[string]string // phone → customer it leads to (follows merges)
	custs   []string          // every customer ever
	gone    map[string]bool   // merged or anonymised
	codes   []string          // every card code ever
	cardOf  map[string]string // code → customer (follows merges)
	active  map[string]bool   // code → in use
	keys    map[string]keyRec // manual keys accrued
	pickups int
}

type keyRec struct {
	customer string
	granted  int
}

func newPropRun(t *testing.T, rng *rand.Rand, stats map[string]int) *propRun {
	r := &propRun{t: t, e: newEnv(t), rng: rng, stats: stats, owner: map[string]string{}, gone: map[string]bool{},
		cardOf: map[string]string{}, active: map[string]bool{}, keys: map[string]keyRec{}}
	for i := range 6 {
		r.phones = append(r.phones, fmt.Sprintf("+99655510000%d", i))
	}
	r.p = r.randomProgramme()
	r.p = r.e.programme(r.p)
	r.e.staff("Нурлан", counter.RoleManager) // a manager whose PIN approves
	r.clerk = r.e.staff("Бекзат", counter.RoleClerk)
	r.e.handOver(r.clerk)
	return r
}

func (r *propRun) randomProgramme() Programme {
	g := r.rng
	p := Programme{Name: "Программа", Kind: KindStamp, PerReward: 3 + g.IntN(4), CarryOver: g.IntN(2) == 0,
		Accrual: []Accrual{PerVisit, PerParcel}[g.IntN(2)], PerUnit: 1 + g.IntN(2), RewardText: "Подарок"}
	scale := 1
	if g.IntN(3) == 0 {
		p.Kind, scale = KindPoints, 10
		p.PerReward *= scale
		p.PerUnit *= scale
	}
	switch g.IntN(3) {
	case 1:
		p.Life = Life{Mode: LifeFixed, Days: 2 + g.IntN(10)}
	case 2:
		p.Life = Life{Mode: LifeInactivity, Days: 2 + g.IntN(10)}
	}
	if g.IntN(2) == 0 {
		p.Tiers = []Tier{{Name: "Серебро", Threshold: (3 + g.IntN(5)) * scale, MultiplierPct: 150 + 50*g.IntN(2)}}
	}
	if g.IntN(2) == 0 {
		p.Promotions = []Promotion{{Name: "Вторник", Weekdays: []time.Weekday{time.Tuesday}, MultiplierPct: 200},
			{Name: "Обед", Start: "12:00", End: "14:00", Bonus: 1 + g.IntN(2)}}
	}
	if g.IntN(2) == 0 {
		p.DailyCap = (2 + g.IntN(5)) * scale
	}
	if g.IntN(2) == 0 {
		p.CooldownMinutes = 10 + g.IntN(60)
	}
	if g.IntN(2) == 0 {
		p.PINAbove = max(1, p.PerReward-1)
	}
	return p
}

type propOp struct {
	weight int
	name   string
	run    func(r *propRun) (string, error)
}

var propOps = []propOp{
	{6, "enrol", (*propRun).opEnrol},
	{14, "accrue", (*propRun).opAccrue},
	{5, "pickup", (*propRun).opPickup},
	{2, "catch_up", (*propRun).opCatchUp},
	{7, "redeem", (*propRun).opRedeem},
	{4, "adjust", (*propRun).opAdjust},
	{3, "expire", (*propRun).opExpire},
	{8, "clock", (*propRun).opClock},
	{2, "reissue", (*propRun).opReissue},
	{2, "merge", (*propRun).opMerge},
	{1, "anonymise", (*propRun).opAnonymise},
}

// step runs one random action and checks everything.
func (r *propRun) step(n int) {
	r.t.Helper()
	before, seq, lots, lastMove := dump(r.t, r.e.db.R), r.e.lastSeq(), r.lotSnapshot(), r.lastMovement()
	total := 0
	for _, op := range propOps {
		total += op.weight
	}
	pick := r.rng.IntN(total)
	var op propOp
	for _, op = range propOps {
		if pick -= op.weight; pick < 0 {
			break
		}
	}
	what, err := op.run(r)
	outcome := "ok"
	if err != nil {
		outcome = string(errs.CodeOf(err))
		if outcome == "" {
			r.fail(n, what, "untyped error reached the clerk: %v", err)
		}
		if d := diff(before, dump(r.t, r.e.db.R)); len(d) > 0 {
			r.fail(n, what, "refused (%v) but changed %v", err, d)
		}
		if k := r.kindsSince(seq); len(k) > 0 && (len(k) != 1 || k[0] != EvApprovalFailed) {
			r.fail(n, what, "refused (%v) but logged %v", err, k)
		}
	}
	r.stats[op.name+" → "+outcome]++
	r.log = append(r.log, fmt.Sprintf("%02d %s %s → %s", n, r.e.clock.Now().In(bishkek).Format("Mon 02 15:04"), what, outcome))
	r.checkLedger(n, what)
	if op.name != "catch_up" || r.p.Life.Mode != LifeInactivity {
		// (Several visits caught up in one step each renew the card's
		// lots, which can reorder equal lots between the spends of the
		// step; the snapshot before the step cannot tell.)
		r.checkSpendOrder(n, what, lots, lastMove)
	}
	r.checkLimits(n, what)
	r.checkEvents(n, what)
	r.checkModel(n, what)
}

func (r *propRun) fail(n int, what, format string, args ...any) {
	r.t.Helper()
	r.t.Fatalf("step %d %s: %s", n, what, fmt.Sprintf(format, args...))
}

// Actions. Each checks what it can know of its own outcome and keeps the
// model; the invariants are checked by step.

func (r *propRun) opEnrol() (string, error) {
	phone := r.phones[r.rng.IntN(len(r.phones))]
	consent := r.rng.IntN(10) > 0
	what := fmt.Sprintf("enrol %s consent=%v", phone, consent)
	card, err := r.e.l.Enrol(r.e.ctx, r.clerk, phone, "Клиент", consent)
	owner, taken := r.owner[phone]
	switch {
	case !consent:
		r.expect(what, err, ErrConsentRequired)
	case taken:
		r.expect(what, err, ErrCustomerExists)
		var de *errs.Error
		if asErr(err, &de); de.Args["Customer"] != owner {
			r.t.Fatalf("%s: offered customer %v, want %s", what, de.Args["Customer"], owner)
		}
	default:
		r.expect(what, err, "")
		r.owner[phone] = card.Customer
		r.custs = append(r.custs, card.Customer)
		r.codes = append(r.codes, card.Code)
		r.cardOf[card.Code], r.active[card.Code] = card.Customer, true
	}
	return what, err
}

// randomCode is mostly a card in use, sometimes a revoked one.
func (r *propRun) randomCode() (string, bool) {
	if len(r.codes) == 0 {
		return "", false
	}
	var live []string
	for _, c := range r.codes {
		if r.active[c] {
			live = append(live, c)
		}
	}
	if len(live) > 0 && r.rng.IntN(8) > 0 {
		return live[r.rng.IntN(len(live))], true
	}
	return r.codes[r.rng.IntN(len(r.codes))], true
}

func (r *propRun) opAccrue() (string, error) {
	code, ok := r.randomCode()
	if !ok {
		return "accrue: no card yet", nil
	}
	key := fmt.Sprintf("k%d", r.rng.IntN(20))
	v := Visit{Parcels: 1 + r.rng.IntN(3)}
	sess := r.clerk
	if r.rng.IntN(12) == 0 {
		sess = r.e.owner // not on shift
	}
	what := fmt.Sprintf("accrue %s key %s parcels %d by %s", code, key, v.Parcels, sess.Name())
	res, err := r.e.l.Accrue(r.e.ctx, sess, code, key, v)
	prev, seen := r.keys[key]
	switch {
	case sess != r.clerk:
		r.expect(what, err, counter.ErrNoShift)
	case seen && prev.customer != r.cardOf[code]:
		r.expect(what, err, ErrKeyUsed)
	case seen:
		r.expect(what, err, "")
		if !res.Repeated || res.Granted != prev.granted {
			r.t.Fatalf("%s: repeated key gave %+v, first granted %d", what, res, prev.granted)
		}
	case !r.active[code]:
		r.expect(what, err, ErrCardRevoked)
	default:
		r.expect(what, err, "")
		if res.Repeated || res.Granted < 0 || res.Granted > res.Requested || (res.Cooldown && res.Granted != 0) {
			r.t.Fatalf("%s: %+v", what, res)
		}
		r.keys[key] = keyRec{customer: r.cardOf[code], granted: res.Granted}
		what += fmt.Sprintf(" (granted %d of %d, cap %v, cooldown %v)", res.Granted, res.Requested, res.CapHit, res.Cooldown)
	}
	return what, err
}

// opPickup hands parcels over at the counter; half the time the app
// "crashes" before the accrual, for CatchUp to find.
func (r *propRun) opPickup() (string, error) {
	phone := r.phones[r.rng.IntN(len(r.phones))]
	h := r.e.pickup(r.clerk, phone, 1+r.rng.IntN(2))
	r.pickups++
	if r.rng.IntN(2) == 0 {
		return fmt.Sprintf("pickup %s %s (crash before accrual)", h.Number, phone), nil
	}
	res, ok, err := r.e.l.AccrueForHandover(r.e.ctx, r.clerk, h)
	what := fmt.Sprintf("pickup %s %s: accrued %v granted %d", h.Number, phone, ok, res.Granted)
	if _, member := r.owner[phone]; member != ok && err == nil {
		r.t.Fatalf("%s: member %v but accrued %v", what, member, ok)
	}
	return what, err
}

func (r *propRun) opCatchUp() (string, error) {
	res, err := r.e.l.CatchUp(r.e.ctx)
	return fmt.Sprintf("catch up: %+v", res), err
}

func (r *propRun) opRedeem() (string, error) {
	code, ok := r.randomCode()
	if !ok {
		return "redeem: no card yet", nil
	}
	pins := []string{"", "", staffPIN, ownerPIN, "1357"}
	pin := pins[r.rng.IntN(len(pins))]
	sess := r.clerk
	if r.rng.IntN(10) == 0 {
		sess = r.e.owner
	}
	what := fmt.Sprintf("redeem %s pin %q by %s", code, pin, sess.Name())
	balance := r.liveBalance(code)
	red, err := r.e.l.Redeem(r.e.ctx, sess, code, pin)
	switch {
	case sess != r.clerk:
		r.expect(what, err, counter.ErrNoShift)
	case !r.active[code]:
		r.expect(what, err, ErrCardRevoked)
	case balance < r.p.PerReward:
		r.expect(what, err, ErrBalanceShort)
	case err == nil:
		if red.Amount != r.p.redeemAmount(balance) || red.Balance != balance-red.Amount ||
			(red.ApprovedBy != 0) != (r.p.PINAbove > 0 && red.Amount > r.p.PINAbove) {
			r.t.Fatalf("%s: balance %d, got %+v", what, balance, red)
		}
	default:
		r.expectOneOf(what, err, ErrPINRequired, ErrPINWrong, ErrApprovalLocked)
	}
	return what, err
}

func (r *propRun) opAdjust() (string, error) {
	code, ok := r.randomCode()
	if !ok {
		return "adjust: no card yet", nil
	}
	amount := 1 + r.rng.IntN(6)
	if r.rng.IntN(2) == 0 {
		amount = -amount
	}
	reason := []string{"подарок", "ошибка", ""}[r.rng.IntN(3)]
	what := fmt.Sprintf("adjust %s by %d (%q)", code, amount, reason)
	balance := r.liveBalance(code)
	c, err := r.e.l.Adjust(r.e.ctx, r.e.owner, code, amount, reason)
	switch {
	case reason == "":
		r.expect(what, err, ErrReasonRequired)
	case !r.active[code]:
		r.expect(what, err, ErrCardRevoked)
	case balance+amount < 0:
		r.expect(what, err, ErrBalanceShort)
	default:
		r.expect(what, err, "")
		if c.Balance != balance+amount {
			r.t.Fatalf("%s: balance %d → %d", what, balance, c.Balance)
		}
	}
	return what, err
}

func (r *propRun) opExpire() (string, error) {
	if err := r.e.l.AgeStats(r.e.ctx); err != nil { // the sweep runs both
		return "age stats", err
	}
	res, err := r.e.l.Expire(r.e.ctx)
	if err == nil {
		if n := r.e.count(`SELECT count(*) FROM loyalty_movements WHERE remaining > 0 AND expires_at <= ?`,
			r.e.clock.Now().UnixMilli()); n != 0 {
			r.t.Fatalf("expire left %d due lots", n)
		}
	}
	return fmt.Sprintf("expire: %+v", res), err
}

func (r *propRun) opClock() (string, error) {
	d := []time.Duration{time.Duration(1+r.rng.IntN(90)) * time.Minute, time.Duration(1+r.rng.IntN(30)) * time.Hour,
		time.Duration(1+r.rng.IntN(6)) * 24 * time.Hour}[r.rng.IntN(3)]
	r.e.clock.Advance(d)
	return "clock +" + d.String(), nil
}

func (r *propRun) opReissue() (string, error) {
	phone := r.phones[r.rng.IntN(len(r.phones))]
	what := "reissue " + phone
	balance := 0
	var old string
	for _, c := range r.codes {
		if r.active[c] && r.cardOf[c] == r.owner[phone] {
			old, balance = c, r.liveBalance(c)
		}
	}
	card, err := r.e.l.Reissue(r.e.ctx, r.clerk, phone)
	cust, member := r.owner[phone]
	if !member {
		r.expect(what, err, ErrCardNotFound)
		return what, err
	}
	r.expect(what, err, "")
	if card.Balance != balance || card.Customer != cust {
		r.t.Fatalf("%s: balance %d on %s, new card %+v", what, balance, old, card)
	}
	r.active[old] = false
	r.codes = append(r.codes, card.Code)
	r.cardOf[card.Code], r.active[card.Code] = cust, true
	return what + " → " + card.Code, err
}

func (r *propRun) opMerge() (string, error) {
	if len(r.custs) == 0 {
		return "merge: nobody yet", nil
	}
	keep, drop := r.custs[r.rng.IntN(len(r.custs))], r.custs[r.rng.IntN(len(r.custs))]
	what := fmt.Sprintf("merge %s into %s", drop[len(drop)-4:], keep[len(keep)-4:])
	total := r.customerBalance(keep) + r.customerBalance(drop)
	c, err := r.e.l.Merge(r.e.ctx, r.e.owner, keep, drop)
	switch {
	case keep == drop:
		r.expect(what, err, ErrSameCustomer)
	case r.gone[keep] || r.gone[drop]:
		r.expect(what, err, ErrCustomerGone)
	default:
		r.expect(what, err, "")
		r.gone[drop] = true
		for phone, o := range r.owner {
			if o == drop {
				r.owner[phone] = keep
			}
		}
		for key, rec := range r.keys {
			if rec.customer == drop {
				r.keys[key] = keyRec{customer: keep, granted: rec.granted}
			}
		}
		keepHas := false
		for _, code := range r.codes {
			keepHas = keepHas || (r.cardOf[code] == keep && r.active[code])
		}
		for _, code := range r.codes {
			if r.cardOf[code] == drop {
				r.cardOf[code] = keep
				if keepHas {
					r.active[code] = false
				}
			}
		}
		if c.Balance != total {
			r.t.Fatalf("%s: balances %d, merged %d", what, total, c.Balance)
		}
	}
	return what, err
}

func (r *propRun) opAnonymise() (string, error) {
	if len(r.custs) == 0 {
		return "anonymise: nobody yet", nil
	}
	id := r.custs[r.rng.IntN(len(r.custs))]
	what := "anonymise " + id[len(id)-4:]
	err := r.e.l.Anonymise(r.e.ctx, r.e.owner, id)
	if r.gone[id] {
		r.expect(what, err, ErrCustomerGone)
		return what, err
	}
	r.expect(what, err, "")
	r.gone[id] = true
	for phone, o := range r.owner {
		if o == id {
			delete(r.owner, phone)
		}
	}
	for _, code := range r.codes {
		if r.cardOf[code] == id {
			r.active[code] = false
		}
	}
	return what, err
}

// expect fails unless err has the code ("" for success).
func (r *propRun) expect(what string, err error, code errs.Code) {
	r.t.Helper()
	if code == "" && err != nil || code != "" && !errs.Has(err, code) {
		r.t.Fatalf("%s: got %v, want %q", what, err, code)
	}
}

func (r *propRun) expectOneOf(what string, err error, codes ...errs.Code) {
	r.t.Helper()
	if !slices.Contains(codes, errs.CodeOf(err)) {
		r.t.Fatalf("%s: got %v, want one of %v", what, err, codes)
	}
}

// liveBalance is a card's spendable balance from the lots themselves.
func (r *propRun) liveBalance(code string) int {
	return r.e.count(`SELECT coalesce(sum(m.remaining), 0) FROM loyalty_movements m JOIN loyalty_cards c ON c.id = m.card_id
		WHERE c.code = ? AND m.remaining > 0 AND (m.expires_at IS NULL OR m.expires_at > ?)`, code, r.e.clock.Now().UnixMilli())
}

func (r *propRun) customerBalance(id string) int {
	n := 0
	for _, code := range r.codes {
		if r.cardOf[code] == id && r.active[code] {
			n += r.liveBalance(code)
		}
	}
	return n
}

// Invariants.

// checkLedger: Σ movements = Σ remaining ≥ 0 per card, and what the
// counter shows is the live part of it.
func (r *propRun) checkLedger(n int, what string) {
	rows, err := r.e.db.R.Query(`SELECT c.code, c.status, coalesce(sum(m.amount + m.deficit), 0), coalesce(sum(m.remaining), 0),
		coalesce(min(m.remaining), 0) FROM loyalty_cards c LEFT JOIN loyalty_movements m ON m.card_id = c.id GROUP BY c.id`)
	if err != nil {
		r.t.Fatal(err)
	}
	type row struct {
		code, status          string
		sum, remaining, least int
	}
	var cards []row
	for rows.Next() {
		var x row
		if err := rows.Scan(&x.code, &x.status, &x.sum, &x.remaining, &x.least); err != nil {
			r.t.Fatal(err)
		}
		cards = append(cards, x)
	}
	rows.Close()
	for _, c := range cards {
		if c.sum != c.remaining || c.sum < 0 || c.least < 0 {
			r.fail(n, what, "card %s: Σ movements %d, Σ remaining %d (least %d)", c.code, c.sum, c.remaining, c.least)
		}
		if c.status != CardActive {
			continue
		}
		view, err := r.e.l.FindCard(r.e.ctx, c.code)
		if err != nil {
			r.fail(n, what, "find %s: %v", c.code, err)
		}
		if live := r.liveBalance(c.code); view.Balance != live || view.RewardsAvailable != r.p.rewardsIn(live) {
			r.fail(n, what, "card %s shows %d (%d rewards), live lots hold %d", c.code, view.Balance, view.RewardsAvailable, live)
		}
	}
	if k := r.e.count(`SELECT count(*) - count(DISTINCT idem_key) FROM loyalty_movements WHERE idem_key IS NOT NULL`); k != 0 {
		r.fail(n, what, "%d keys used twice", k)
	}
	if k := r.e.count(cardStatsDrift); k != 0 {
		r.fail(n, what, "%d cards' earning figures differ from their ledger", k)
	}
}

// cardStatsDrift counts the cards whose per-card earning figures
// (loyalty_card_stats) differ from the same aggregates of the ledger.
const cardStatsDrift = `SELECT count(*) FROM (
	SELECT coalesce(s.visits, 0) AS visits, coalesce(s.earned, 0) AS earned, coalesce(s.lifetime, 0) AS lifetime,
	       count(m.id) FILTER (WHERE m.amount > 0 AND m.visit_at >= w.since) AS want_visits,
	       coalesce(sum(m.amount) FILTER (WHERE m.visit_at >= w.since), 0) AS want_earned,
	       coalesce(sum(m.amount), 0) AS want_lifetime, coalesce(s.balance, 0) AS balance,
	       s.card_id IS NOT NULL AND s.customer_id IS NOT c.customer_id AS wrong_holder,
	       (SELECT coalesce(sum(remaining), 0) FROM loyalty_movements l WHERE l.card_id = c.id) AS want_balance
	FROM loyalty_cards c
	CROSS JOIN (SELECT coalesce((SELECT CAST(value AS INTEGER) FROM loyalty_state WHERE key = 'stats_since'), 0) AS since) w
	LEFT JOIN loyalty_card_stats s ON s.card_id = c.id
	LEFT JOIN loyalty_movements m ON m.card_id = c.id AND m.kind = 'earn'
	GROUP BY c.id)
WHERE visits <> want_visits OR earned <> want_earned OR lifetime <> want_lifetime OR balance <> want_balance OR wrong_holder`

// lotRow is a lot before a step, in spending order.
type lotRow struct {
	id, card, expires int64
	remaining         int
}

func (l lotRow) before(o lotRow) bool {
	switch {
	case l.expires == o.expires:
		return l.id < o.id
	case l.expires == 0:
		return false
	case o.expires == 0:
		return true
	}
	return l.expires < o.expires
}

func (r *propRun) lotSnapshot() map[int64]lotRow {
	rows, err := r.e.db.R.Query(`SELECT id, card_id, coalesce(expires_at, 0), remaining FROM loyalty_movements WHERE remaining > 0`)
	if err != nil {
		r.t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]lotRow{}
	for rows.Next() {
		var l lotRow
		rows.Scan(&l.id, &l.card, &l.expires, &l.remaining)
		out[l.id] = l
	}
	return out
}

func (r *propRun) lastMovement() int64 {
	return int64(r.e.count(`SELECT coalesce(max(id), 0) FROM loyalty_movements`))
}

// checkSpendOrder: every spend of the step drew from lots in spending
// order — no lot that came earlier (as the lots stood before the step) is
// left with anything — and an expiry drew only due lots and left none.
func (r *propRun) checkSpendOrder(n int, what string, lots map[int64]lotRow, after int64) {
	rows, err := r.e.db.R.Query(`SELECT s.id, s.kind, s.at, s.card_id, ml.lot_id FROM loyalty_movements s
		JOIN loyalty_movement_lots ml ON ml.spend_id = s.id WHERE s.id > ? AND s.kind <> 'reverse'`, after)
	if err != nil {
		r.t.Fatal(err)
	}
	type use struct {
		spend, at, card, lot int64
		kind                 string
	}
	var uses []use
	for rows.Next() {
		var u use
		rows.Scan(&u.spend, &u.kind, &u.at, &u.card, &u.lot)
		uses = append(uses, u)
	}
	rows.Close()
	now := r.lotSnapshot()
	for _, u := range uses {
		l, known := lots[u.lot]
		if !known {
			continue // a lot made in the same step (transfers)
		}
		if u.kind == MoveExpire && (l.expires == 0 || l.expires > u.at) && !strings.Contains(what, "anonymise") {
			r.fail(n, what, "expiry %d drew lot %d, alive until %d", u.spend, l.id, l.expires)
		}
		for _, m := range lots {
			if m.card == u.card && m.before(l) && now[m.id].remaining > 0 {
				r.fail(n, what, "%s %d drew lot %d (exp %d) before lot %d (exp %d)", u.kind, u.spend, l.id, l.expires, m.id, m.expires)
			}
		}
	}
}

// checkLimits: from the log, what each customer (as they were then) was
// granted per local day and how close together.
func (r *propRun) checkLimits(n int, what string) {
	if r.p.DailyCap == 0 && r.p.CooldownMinutes == 0 {
		return
	}
	rows, err := r.e.db.R.Query(`SELECT payload FROM events WHERE kind IN (?, ?) ORDER BY seq`, EvStampEarned, EvPointsEarned)
	if err != nil {
		r.t.Fatal(err)
	}
	type visit struct {
		at     time.Time
		amount int
	}
	byCustomer := map[string][]visit{}
	for rows.Next() {
		var raw string
		rows.Scan(&raw)
		var ev earned
		if err := json.Unmarshal([]byte(raw), &ev); err != nil {
			r.t.Fatal(err)
		}
		if ev.Amount > 0 {
			byCustomer[ev.Customer] = append(byCustomer[ev.Customer], visit{ev.VisitAt, ev.Amount})
		}
	}
	rows.Close()
	cd := time.Duration(r.p.CooldownMinutes) * time.Minute
	for cust, visits := range byCustomer {
		days := map[string]int{}
		for i, v := range visits {
			days[v.at.In(bishkek).Format(time.DateOnly)] += v.amount
			for _, w := range visits[:i] {
				if d := v.at.Sub(w.at).Abs(); cd > 0 && d < cd {
					r.fail(n, what, "customer %s earned twice %s apart (cooldown %s)", cust, d, cd)
				}
			}
		}
		for day, sum := range days {
			if r.p.DailyCap > 0 && sum > r.p.DailyCap {
				r.fail(n, what, "customer %s earned %d on %s (cap %d)", cust, sum, day, r.p.DailyCap)
			}
		}
	}
}

// checkEvents: every ledger row is named by exactly one event; every
// customer, card, revocation, merge and anonymisation has its event.
func (r *propRun) checkEvents(n int, what string) {
	rows, err := r.e.db.R.Query(`SELECT kind, entity, payload FROM events WHERE kind LIKE 'loyalty.%'`)
	if err != nil {
		r.t.Fatal(err)
	}
	named := map[string]int{}
	entities := map[string]bool{}
	for rows.Next() {
		var kind, entity, raw string
		rows.Scan(&kind, &entity, &raw)
		var p struct {
			Movement  string   `json:"movement"`
			Movements []string `json:"movements"`
			Drop      string   `json:"drop"`
		}
		json.Unmarshal([]byte(raw), &p)
		if p.Movement != "" {
			named[p.Movement]++
		}
		for _, m := range p.Movements {
			named[m]++
		}
		entities[kind+" "+entity] = true
		if p.Drop != "" {
			entities[kind+" drop "+p.Drop] = true
		}
	}
	rows.Close()
	moves, err := r.e.db.R.Query(`SELECT uuid, kind FROM loyalty_movements`)
	if err != nil {
		r.t.Fatal(err)
	}
	for moves.Next() {
		var id, kind string
		moves.Scan(&id, &kind)
		if named[id] != 1 {
			r.fail(n, what, "%s movement %s is named by %d events", kind, id, named[id])
		}
	}
	moves.Close()
	need := func(query, kind, prefix string) {
		list, err := r.e.db.R.Query(query)
		if err != nil {
			r.t.Fatal(err)
		}
		defer list.Close()
		for list.Next() {
			var id string
			list.Scan(&id)
			if !entities[kind+" "+prefix+id] {
				r.fail(n, what, "no %s event for %s", kind, id)
			}
		}
	}
	need(`SELECT uuid FROM loyalty_customers`, EvCustomerCreated, "customer:")
	need(`SELECT uuid FROM loyalty_cards`, EvCardIssued, "card:")
	need(`SELECT uuid FROM loyalty_cards WHERE status = 'revoked'`, EvCardRevoked, "card:")
	need(`SELECT uuid FROM loyalty_customers WHERE merged_into IS NOT NULL`, EvCustomerMerged, "drop ")
	need(`SELECT uuid FROM loyalty_customers WHERE anonymised_at IS NOT NULL AND merged_into IS NULL`, EvCustomerAnonymised, "customer:")
}

// checkModel: the database agrees with the model on keys, cards and who
// a phone leads to.
func (r *propRun) checkModel(n int, what string) {
	for key, rec := range r.keys {
		var amount int
		var owner string
		err := r.e.db.R.QueryRow(`SELECT m.amount, u.uuid FROM loyalty_movements m JOIN loyalty_cards c ON c.id = m.card_id
			JOIN loyalty_customers u ON u.id = c.customer_id WHERE m.idem_key = ?`, key).Scan(&amount, &owner)
		if err != nil || amount != rec.granted || owner != rec.customer {
			r.fail(n, what, "key %s: stored %d for %s (%v), model %d for %s", key, amount, owner, err, rec.granted, rec.customer)
		}
	}
	for _, code := range r.codes {
		var status, owner string
		r.e.db.R.QueryRow(`SELECT c.status, u.uuid FROM loyalty_cards c JOIN loyalty_customers u ON u.id = c.customer_id
			WHERE c.code = ?`, code).Scan(&status, &owner)
		if (status == CardActive) != r.active[code] || (owner != r.cardOf[code]) {
			r.fail(n, what, "card %s: %s of %s; model active %v of %s", code, status, owner, r.active[code], r.cardOf[code])
		}
	}
	for _, phone := range r.phones {
		c, err := r.e.l.FindCard(r.e.ctx, phone)
		owner, member := r.owner[phone]
		if member != (err == nil) || (member && c.Customer != owner) {
			r.fail(n, what, "phone %s finds %+v (%v); model %v %s", phone, c, err, member, owner)
		}
	}
}

// kindsSince lists the event kinds after seq.
func (r *propRun) kindsSince(seq int64) []string {
	rows, err := r.e.db.R.Query(`SELECT kind FROM events WHERE seq > ? ORDER BY seq`, seq)
	if err != nil {
		r.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		rows.Scan(&k)
		out = append(out, k)
	}
	return out
}
