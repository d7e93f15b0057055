package demo

import (
	"cmp"
	"math/rand/v2"
	"slices"

	"smartpoint/app/counter"
)

// The demo's calendar, in days relative to today (−1 is yesterday). Every
// parcel's fate is fixed in advance so that each state is reached by the
// ordinary service calls, on the right day, and nothing the plan keeps on
// the shelves expires by accident.
const (
	historyDays = 21 // days −21 … −1
	expireDay   = -3 // 09:05: ExpireOverdue turns the planned expired parcels to_return
	returnDay   = -6 // 17:00: a box is packed and handed to the courier under an act
	lastDay     = -1 // 18:00: a box is packed and left open; 19:00: tomorrow's manifests
)

// fate is where a parcel ends up.
type fate int

const (
	fateIssued   fate = iota // picked up
	fateRefused              // refused at the counter, on a shelf waiting to go back
	fateStored               // waiting for the customer
	fateOverdue              // waiting, past its storage deadline
	fateExpired              // expired, on a shelf waiting to go back
	fateBoxed                // in the open return box
	fateReturned             // handed back to the partner under a return act
	fateExpected             // in tomorrow's manifest
	fateMissing              // in a manifest, but the courier did not bring it
)

// partnerPlan is one enabled partner the demo can make codes for.
type partnerPlan struct {
	code    string
	storage int     // days
	weight  float64 // share of the parcels
	base    uint64  // scrambles this partner's codes per seed
	serial  uint64  // tracks made so far
	orders  uint64  // order numbers made so far
}

// customer is one recipient.
type customer struct {
	name, phone string
}

// parcel is one planned parcel.
type parcel struct {
	partner    *partnerPlan
	track      string
	order      string
	pickup     string
	cust       int // index in plan.customers; −1 for the unexpected parcel
	size       string
	cod        int64 // minor units
	arrive     int   // day of acceptance (of the manifest's import for expected ones)
	fate       fate
	reason     string // refusal reason, if refused at the counter
	damaged    bool
	unexpected bool
}

// visit is one customer at the counter: their parcels, handed over or
// refused in one handover.
type visit struct {
	day      int
	cust     int
	parcels  []*parcel
	byPickup bool   // the customer shows the pickup code rather than saying the phone
	method   string // how they pay what is due

	// Loyalty (planLoyalty): the customer joins after this handover, the
	// handover is stamped, and a reward waiting is taken.
	enrol, stamp, redeem bool
}

// plan is the whole demo, decided before anything is written.
type plan struct {
	rnd       *rand.Rand
	k         country
	partners  []*partnerPlan
	sizes     []string // the sizes the point's cells have, smallest first
	parcels   []*parcel
	visits    []*visit
	customers []customer
	regulars  int // customers 0 … regulars-1 come again and again

	returnPartner, boxPartner *partnerPlan // whose returns the two boxes hold
	missingDay                int
	missingPartner            *partnerPlan
	unexpectedDay             int
}

// target counts per fate for n parcels (the rest are issued).
type targets struct {
	stored, overdue, expiredShelf, refusedShelf int
	boxedExpired, boxedRefused                  int
	returnedExpired, returnedRefused            int
	expected, missing                           int
}

func targetsFor(n int) targets {
	pct := func(p, least int) int { return max(least, n*p/100) }
	return targets{
		stored: pct(18, 3), overdue: pct(5, 2), expiredShelf: pct(3, 1), refusedShelf: pct(3, 1),
		boxedExpired: pct(2, 1), boxedRefused: pct(2, 1), returnedExpired: pct(3, 1), returnedRefused: pct(2, 1),
		expected: pct(7, 2), missing: 2,
	}
}

// makePlan decides every parcel. It only reads rnd, so a seed always gives
// the same plan for the same point.
func makePlan(rnd *rand.Rand, n int, k country, partners []*partnerPlan, sizes []string) *plan {
	p := &plan{rnd: rnd, k: k, partners: partners, sizes: sizes, regulars: max(3, n/40)}
	for range p.regulars {
		p.newCustomer()
	}
	t := targetsFor(n)

	// The boxes: the biggest partners whose storage periods let their
	// parcels expire within the history.
	p.returnPartner = p.heaviest(func(pp *partnerPlan) bool { return pp.storage <= historyDays+returnDay-1 })
	if p.returnPartner == nil {
		p.returnPartner = p.heaviest(nil)
	}
	p.boxPartner = p.heaviest(func(pp *partnerPlan) bool { return pp != p.returnPartner && pp.storage <= historyDays+expireDay-1 })
	if p.boxPartner == nil {
		p.boxPartner = p.returnPartner
	}

	// Parcels that expire: arrival a with a+storage before the expiry run
	// (or before the return box is packed), within the history.
	expiring := func(pp *partnerPlan, by int) (int, bool) {
		last := by - 1 - pp.storage
		if last < -historyDays {
			return 0, false
		}
		return p.between(-historyDays, last), true
	}
	moved := 0 // parcels of fates no partner can reach: issued instead
	add := func(count int, fn func() bool) {
		for range count {
			if !fn() {
				moved++
			}
		}
	}
	add(t.returnedExpired, func() bool {
		a, ok := expiring(p.returnPartner, returnDay)
		if ok {
			p.single(p.returnPartner, a, fateReturned)
		}
		return ok
	})
	add(t.boxedExpired, func() bool {
		a, ok := expiring(p.boxPartner, expireDay)
		if ok {
			p.single(p.boxPartner, a, fateBoxed)
		}
		return ok
	})
	add(t.expiredShelf, func() bool {
		pp := p.pick(func(pp *partnerPlan) bool { return pp.storage <= historyDays+expireDay-1 })
		if pp == nil {
			return false
		}
		a, _ := expiring(pp, expireDay)
		p.single(pp, a, fateExpired)
		return true
	})
	add(t.overdue, func() bool {
		// Due on day −2 or −1: after the expiry run on day −3, before today.
		pp := p.pick(func(pp *partnerPlan) bool { return pp.storage <= historyDays-2 })
		if pp == nil {
			return false
		}
		p.single(pp, -pp.storage-1-p.rnd.IntN(2), fateOverdue)
		return true
	})
	issued := n - t.stored - t.overdue - t.expiredShelf - t.refusedShelf - t.boxedExpired - t.boxedRefused -
		t.returnedExpired - t.returnedRefused - t.expected - t.missing - 1 + moved // 1: the unexpected parcel
	// Refusals: alone, or next to a parcel the same customer takes. A nil
	// partner is picked per parcel.
	refuse := func(count int, only *partnerPlan, by int, f fate) {
		for range count {
			pp := only
			if pp == nil {
				pp = p.pick(nil)
			}
			a := p.between(-historyDays, by)
			day := p.between(a, min(by, a+pp.storage-1))
			v := p.newVisit(day, p.customer())
			p.addToVisit(v, pp, a, f).reason = p.reason()
			if issued > 0 && p.rnd.IntN(2) == 0 {
				if other := p.pick(func(o *partnerPlan) bool { return a+o.storage-1 >= day }); other != nil {
					p.addToVisit(v, other, a, fateIssued)
					issued--
				}
			}
		}
	}
	refuse(t.returnedRefused, p.returnPartner, returnDay, fateReturned)
	refuse(t.boxedRefused, p.boxPartner, lastDay, fateBoxed)
	refuse(t.refusedShelf, nil, lastDay, fateRefused)

	// Pick-ups: one to three parcels that arrived together.
	for issued > 0 {
		size := min(issued, p.visitSize())
		a := p.between(-historyDays, lastDay)
		first := p.pick(nil)
		latest := min(lastDay, a+first.storage-1)
		day := p.between(a, min(latest, a+3))
		v := p.newVisit(day, p.customer())
		p.addToVisit(v, first, a, fateIssued)
		for range size - 1 {
			if o := p.pick(func(o *partnerPlan) bool { return a+o.storage-1 >= day }); o != nil {
				p.addToVisit(v, o, a, fateIssued)
			}
		}
		issued -= len(v.parcels)
	}

	// Waiting on the shelves, not yet due; the first one came damaged.
	for stored := t.stored; stored > 0; {
		pp := p.pick(nil)
		a := p.between(max(-historyDays, 1-pp.storage), lastDay)
		c := p.customer()
		p.add(pp, c, a, fateStored)
		stored--
		if stored > 0 && p.rnd.IntN(4) == 0 {
			if o := p.pick(func(o *partnerPlan) bool { return a+o.storage >= 1 }); o != nil {
				p.add(o, c, a, fateStored)
				stored--
			}
		}
	}
	for _, x := range p.parcels {
		if x.fate == fateStored {
			x.damaged = true
			break
		}
	}

	// Announced for tomorrow; and two the courier of an earlier delivery
	// did not bring.
	for range t.expected {
		p.add(p.pick(nil), p.customer(), lastDay, fateExpected)
	}
	p.missingPartner = p.heaviest(nil)
	p.missingDay = p.busiestDay(p.missingPartner, -historyDays, returnDay)
	for range t.missing {
		p.add(p.missingPartner, p.customer(), p.missingDay, fateMissing)
	}
	// One parcel nobody announced, in the last delivery of the biggest partner.
	p.unexpectedDay = p.busiestDay(p.missingPartner, lastDay-1, lastDay)
	u := p.add(p.missingPartner, -1, p.unexpectedDay, fateStored)
	u.unexpected, u.size, u.cod = true, "", 0

	p.assignCodes()
	return p
}

// assignCodes gives tracks in the order parcels arrive, and order numbers
// and pickup codes per visit (one order, one code), so a customer's codes
// at the counter find all their parcels.
func (p *plan) assignCodes() {
	order := slices.Clone(p.parcels)
	slices.SortStableFunc(order, func(a, b *parcel) int { return cmp.Compare(a.arrive, b.arrive) })
	for _, x := range order {
		x.track = trackers[x.partner.code](x.partner.base, x.partner.serial)
		x.partner.serial++
	}
	type key struct {
		cust, arrive int
		partner      *partnerPlan
	}
	orders := map[key][]*parcel{}
	for _, x := range order {
		if x.cust >= 0 {
			k := key{x.cust, x.arrive, x.partner}
			orders[k] = append(orders[k], x)
		}
	}
	for _, x := range order {
		k := key{x.cust, x.arrive, x.partner}
		group := orders[k]
		if len(group) == 0 || group[0] != x {
			continue
		}
		pp := x.partner
		serial := pp.orders
		pp.orders++
		for i, y := range group {
			if fn := orderers[pp.code]; fn != nil {
				y.order = fn(pp.base, serial, i)
			}
			if pickupPartners[pp.code] {
				y.pickup = pickupCode(pp.base, serial)
			}
		}
	}
	for _, v := range p.visits {
		v.byPickup = v.parcels[0].pickup != "" && p.rnd.IntN(2) == 0
	}
}

// newCustomer adds a recipient and returns its index.
func (p *plan) newCustomer() int {
	c := len(p.customers)
	p.customers = append(p.customers, customer{name: p.k.name(p.rnd), phone: p.k.phone(c)})
	return c
}

// customer is a regular one time in four, else someone new.
func (p *plan) customer() int {
	if p.rnd.IntN(4) == 0 {
		return p.rnd.IntN(p.regulars)
	}
	return p.newCustomer()
}

// add plans one parcel.
func (p *plan) add(pp *partnerPlan, cust, arrive int, f fate) *parcel {
	x := &parcel{partner: pp, cust: cust, arrive: arrive, fate: f, size: p.size()}
	if p.rnd.IntN(100) < 35 {
		amount := p.k.codMin + p.rnd.Int64N(p.k.codMax-p.k.codMin+1)
		x.cod = amount / 10 * 10 * 100
	}
	p.parcels = append(p.parcels, x)
	return x
}

// single plans a parcel nobody comes for.
func (p *plan) single(pp *partnerPlan, arrive int, f fate) *parcel {
	return p.add(pp, p.customer(), arrive, f)
}

func (p *plan) newVisit(day, cust int) *visit {
	v := &visit{day: day, cust: cust, method: counter.PayCash}
	if p.rnd.IntN(10) < 3 {
		v.method = counter.PayCard
	}
	p.visits = append(p.visits, v)
	return v
}

func (p *plan) addToVisit(v *visit, pp *partnerPlan, arrive int, f fate) *parcel {
	x := p.add(pp, v.cust, arrive, f)
	v.parcels = append(v.parcels, x)
	return x
}

// visitSize: most customers collect one parcel, some two or three.
func (p *plan) visitSize() int {
	switch r := p.rnd.IntN(100); {
	case r < 8:
		return 3
	case r < 30:
		return 2
	}
	return 1
}

// reason is why a customer refuses ("other" would need a typed note).
func (p *plan) reason() string {
	rs := slices.DeleteFunc(slices.Clone(counter.RefuseReasons), func(r string) bool { return r == "other" })
	return rs[p.rnd.IntN(len(rs))]
}

// size is mostly the smallest cells' size, sometimes a bigger one the
// point has.
func (p *plan) size() string {
	if len(p.sizes) == 0 {
		return ""
	}
	if p.rnd.IntN(100) < 70 {
		return p.sizes[0]
	}
	return p.sizes[p.rnd.IntN(len(p.sizes))]
}

// between is a uniform day in [lo, hi] (hi < lo gives lo).
func (p *plan) between(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + p.rnd.IntN(hi-lo+1)
}

// pick chooses a partner by weight among those ok accepts (nil: all).
func (p *plan) pick(ok func(*partnerPlan) bool) *partnerPlan {
	total := 0.0
	for _, pp := range p.partners {
		if ok == nil || ok(pp) {
			total += pp.weight
		}
	}
	if total == 0 {
		return nil
	}
	r := p.rnd.Float64() * total
	var last *partnerPlan
	for _, pp := range p.partners {
		if ok == nil || ok(pp) {
			last = pp
			if r -= pp.weight; r < 0 {
				return pp
			}
		}
	}
	return last
}

// heaviest is the partner with the biggest share among those ok accepts.
func (p *plan) heaviest(ok func(*partnerPlan) bool) *partnerPlan {
	var best *partnerPlan
	for _, pp := range p.partners {
		if (ok == nil || ok(pp)) && (best == nil || pp.weight > best.weight) {
			best = pp
		}
	}
	return best
}

// busiestDay is the day in [lo, hi] when most of pp's parcels arrive
// (the latest of equals).
func (p *plan) busiestDay(pp *partnerPlan, lo, hi int) int {
	count := map[int]int{}
	for _, x := range p.parcels {
		if x.partner == pp && x.fate != fateExpected {
			count[x.arrive]++
		}
	}
	best := hi
	for d := hi; d >= lo; d-- {
		if count[d] > count[best] {
			best = d
		}
	}
	return best
}

// onShelf reports whether a planned parcel holds a cell at the end of day
// d's morning deliveries: the peak the shelves must take that day.
func (x *parcel) onShelf(d int, v map[*parcel]*visit) bool {
	if x.fate == fateExpected || x.fate == fateMissing || x.arrive > d {
		return false
	}
	if vis := v[x]; vis != nil && x.fate == fateIssued {
		return d <= vis.day
	}
	switch x.fate {
	case fateReturned:
		return d <= returnDay
	case fateBoxed:
		return d <= lastDay
	}
	return true
}

// peak is the most parcels the plan ever has in cells at once.
func (p *plan) peak() int {
	byParcel := map[*parcel]*visit{}
	for _, v := range p.visits {
		for _, x := range v.parcels {
			byParcel[x] = v
		}
	}
	most := 0
	for d := -historyDays; d <= lastDay; d++ {
		n := 0
		for _, x := range p.parcels {
			if x.onShelf(d, byParcel) {
				n++
			}
		}
		most = max(most, n)
	}
	return most
}
