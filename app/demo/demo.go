// Package demo fills a new pickup point with three weeks of made-up work,
// so that someone trying SmartPoint sees a living point: parcels of the
// enabled partners in every state — announced and not yet arrived, on the
// shelves, overdue, issued, refused, packed in an open return box,
// returned under a handover act — a few regular customers, cash on
// delivery, a damaged and an unexpected parcel, closed shifts, and a
// loyalty programme with members: stamps, rewards taken and waiting,
// members close to a reward and some who have not been back for weeks.
//
// Everything goes through the counter's own service calls (manifest
// imports, deliveries, acceptance scans, handovers, returns) and the
// loyalty service's (programme, enrolment, a stamp right after each
// member's handover, rewards), so the event log, the reports and the
// timelines are exactly what real work writes.
// The past is written by a second counter.Service on the same database
// whose clock (an app/clock Fake) walks through the three weeks; it acts
// for the logged-in owner through counter.Service.SessionFor, so no PIN is
// needed and no extra account is created.
package demo

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"smartpoint/app/clock"
	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/app/i18n"
	"smartpoint/app/loyalty"
	"smartpoint/app/scan"
)

// Errors of Load, each translated as "err.<code>".
var (
	ErrNotEmpty   = errs.Register("demo.not_empty")   // Parcels
	ErrNoRoom     = errs.Register("demo.no_room")     // Need, Free
	ErrNoPartners = errs.Register("demo.no_partners") // -
	// ErrInterrupted: the context ended after writing began; what was
	// written stays (the point is then not empty, so Load refuses it).
	ErrInterrupted = errs.Register("demo.interrupted") // Done, Total
)

// How many parcels a demo may have.
const (
	DefaultParcels = 300
	MinParcels     = 50
	MaxParcels     = 3000
)

// Options size the demo.
type Options struct {
	Parcels int   // 0 means DefaultParcels
	Seed    int64 // the same seed gives the same parcels, customers and days
	// Progress, if set, is called with the steps done so far (imports,
	// scans, handovers, loyalty stamps …) of all the steps, from 0 to
	// total.
	Progress func(done, total int)
}

// Summary is what Load made, as the point sees it afterwards.
type Summary struct {
	Parcels    int       `json:"parcels"`    // all demo parcels
	Expected   int       `json:"expected"`   // announced by a manifest, not arrived (the courier's missing ones too)
	OnShelf    int       `json:"on_shelf"`   // in the cells: stored and to_return
	Stored     int       `json:"stored"`     // waiting for the customer (overdue ones included)
	Overdue    int       `json:"overdue"`    // stored past the storage deadline
	ToReturn   int       `json:"to_return"`  // refused or expired, on a shelf
	Boxed      int       `json:"boxed"`      // packed in the open return box
	Issued     int       `json:"issued"`     // handed to customers
	Returned   int       `json:"returned"`   // handed back to the partner under a return act
	Refused    int       `json:"refused"`    // refused at the counter, whatever happened next
	Damaged    int       `json:"damaged"`    // accepted with a damage note
	Unexpected int       `json:"unexpected"` // accepted without a manifest
	Customers  int       `json:"customers"`
	Handovers  int       `json:"handovers"`
	Manifests  int       `json:"manifests"`
	Deliveries int       `json:"deliveries"`
	Shifts     int       `json:"shifts"`
	Partners   []string  `json:"partners"`
	From       time.Time `json:"from"` // the first demo day
	To         time.Time `json:"to"`   // the last one (yesterday)

	// The loyalty programme: its name (the demo's own stamp card when the
	// point had none), the customers the demo enrolled, the stamps (or
	// points) their pickups earned, the rewards they took, and how many
	// members have a reward waiting now.
	Programme      string `json:"loyalty_programme"`
	Members        int    `json:"loyalty_members"`
	Stamps         int    `json:"loyalty_stamps"`
	Redeemed       int    `json:"loyalty_redeemed"`
	RewardsWaiting int    `json:"loyalty_rewards_waiting"`
}

// Load writes a demo history into the point of svc as the owner sess. The
// point must be set up, without parcels and without an open shift; the
// shelves must have room for the demo's busiest day (ErrNoRoom says how
// much). Nothing is written before these checks pass. A failure later
// leaves the part already written — every step is its own committed
// transaction, as at the counter — and a cancelled context then gives
// ErrInterrupted.
//
// The demo's days end yesterday, so its last shift is closed and today is
// the newcomer's.
func Load(ctx context.Context, svc *counter.Service, sess *counter.Session, opt Options) (Summary, error) {
	if sess == nil || sess.Role() != counter.RoleOwner {
		return Summary{}, errs.New(counter.ErrForbidden, "Need", string(counter.RoleOwner))
	}
	n := opt.Parcels
	if n == 0 {
		n = DefaultParcels
	}
	if n < MinParcels || n > MaxParcels {
		return Summary{}, errs.New(counter.ErrInvalid, "Field", "parcels", "Value", fmt.Sprint(n))
	}
	r, err := prepare(ctx, svc, sess, n, opt.Seed)
	if err != nil {
		return Summary{}, err
	}
	steps := r.schedule()
	if opt.Progress != nil {
		opt.Progress(0, len(steps))
	}
	defer r.cleanUp(ctx)
	for i, st := range steps {
		err := ctx.Err()
		if err == nil {
			r.set(st.at)
			err = st.do()
		}
		switch {
		case err == nil:
		case ctx.Err() != nil && i == 0:
			return Summary{}, ctx.Err() // nothing written yet
		case ctx.Err() != nil:
			return Summary{}, errs.Wrap(ctx.Err(), ErrInterrupted, "Done", i, "Total", len(steps))
		default:
			return Summary{}, fmt.Errorf("demo %s on %s: %w", st.what, st.at.Format(time.DateTime), err)
		}
		if opt.Progress != nil {
			opt.Progress(i+1, len(steps))
		}
	}
	return r.summary(ctx)
}

// prepare checks the point and plans the demo; it writes nothing.
func prepare(ctx context.Context, svc *counter.Service, sess *counter.Session, n int, seed int64) (*runner, error) {
	done, err := svc.IsSetUp(ctx)
	if err != nil {
		return nil, err
	}
	if !done {
		return nil, errs.New(counter.ErrSetupMissing)
	}
	if have, err := svc.ParcelCount(ctx); err != nil {
		return nil, err
	} else if have > 0 {
		return nil, errs.New(ErrNotEmpty, "Parcels", have)
	}
	loc := svc.Location()
	if sh, open, err := svc.OpenShiftNow(ctx); err != nil {
		return nil, err
	} else if open {
		return nil, errs.New(counter.ErrShiftOpen, "Clerk", sh.Clerk, "Since", sh.OpenedAt.In(loc))
	}
	point, err := svc.PointProfile(ctx)
	if err != nil {
		return nil, err
	}
	k, ok := countries[point.Country]
	if !ok {
		return nil, errs.New(counter.ErrInvalid, "Field", "point.country", "Value", point.Country)
	}
	rnd := rand.New(rand.NewPCG(uint64(seed), 0xde70_5eed))
	partners, err := usablePartners(ctx, svc, rnd)
	if err != nil {
		return nil, err
	}
	sizes, free, err := shelves(ctx, svc)
	if err != nil {
		return nil, err
	}
	_, err = loyalty.New(svc, loyalty.Options{}).Programme(ctx)
	newProgramme := errs.Has(err, loyalty.ErrNoProgramme)
	if err != nil && !newProgramme {
		return nil, err
	}
	p := makePlan(rnd, n, k, partners, sizes)
	perReward := 0 // the point's own programme: its rules decide
	if newProgramme {
		perReward = demoPerReward
	}
	p.planLoyalty(rand.New(rand.NewPCG(uint64(seed), loyaltyStream)), perReward)
	if need := p.peak(); need > free {
		return nil, errs.New(ErrNoRoom, "Need", need, "Free", free)
	}

	now := svc.Now().In(loc)
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, loc)
	fake := clock.NewFake(today.AddDate(0, 0, -historyDays))
	past, err := counter.New(ctx, svc.DB(), counter.Options{Clock: fake, Location: loc})
	if err != nil {
		return nil, err
	}
	as, err := past.SessionFor(ctx, sess)
	if err != nil {
		return nil, err
	}
	lang, _ := i18n.Parse(point.Language)
	return &runner{ctx: ctx, svc: svc, owner: sess, past: past, sess: as, clk: fake, loc: loc, today: today,
		plan: p, point: point, lang: lang, loy: loyalty.New(past, loyalty.Options{}), newProgramme: newProgramme}, nil
}

// usablePartners are the enabled partners whose codes the demo can make
// and the point's scan rules recognise as theirs (an owner may have
// edited the rules), in code order.
func usablePartners(ctx context.Context, svc *counter.Service, rnd *rand.Rand) ([]*partnerPlan, error) {
	all, err := svc.Partners(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(a, b counter.Partner) int { return cmp.Compare(a.Code, b.Code) })
	var out []*partnerPlan
	for _, pa := range all {
		track, ok := trackers[pa.Code]
		if !pa.Active || !ok {
			continue
		}
		pp := &partnerPlan{code: pa.Code, storage: pa.StorageDays, weight: partnerWeight[pa.Code], base: rnd.Uint64() >> 4}
		if pp.weight == 0 {
			pp.weight = 1
		}
		res := svc.Classify(track(pp.base, 0))
		if res.Kind != scan.KindParcel || (res.Partner != pa.Code && !slices.Contains(res.Candidates, pa.Code)) {
			continue
		}
		if pickupPartners[pa.Code] && svc.Classify(pickupCode(pp.base, 0)).Kind != scan.KindPickupCode {
			continue
		}
		out = append(out, pp)
	}
	if len(out) == 0 {
		return nil, errs.New(ErrNoPartners)
	}
	return out, nil
}

// shelves reads the sizes of the active cells (smallest first) and how
// many more parcels they take.
func shelves(ctx context.Context, svc *counter.Service) ([]string, int, error) {
	cells, err := svc.Cells(ctx)
	if err != nil {
		return nil, 0, err
	}
	have := map[string]bool{}
	free := 0
	for _, c := range cells {
		if c.Active {
			have[c.Size] = true
			free += max(0, c.Capacity-c.Occupied)
		}
	}
	var sizes []string
	for _, s := range counter.Sizes {
		if have[s] {
			sizes = append(sizes, s)
		}
	}
	return sizes, free, nil
}
