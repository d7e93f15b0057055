package demo

import (
	"cmp"
	"context"
	"math/rand/v2"
	"slices"
	"time"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/app/i18n"
	"smartpoint/app/loyalty"
)

// The demo's loyalty programme. A point without one gets a stamp card on
// the demo's first morning; a point that has one keeps it, and the demo's
// members collect under its rules.
const (
	demoPerReward = 6   // stamps for a reward
	demoDailyCap  = 3   // stamps a card can earn in one day
	demoLifeDays  = 180 // stamps live while the card is used at least this often
)

// Who takes part, in per cent.
const (
	joinRegular    = 90 // of the regulars, join the programme
	joinOccasional = 35 // of the other customers who pick something up
	joinFirst      = 70 // of the regulars who join, do so at their first pickup (else the second)
	takeReward     = 70 // of a member's stamped visits: a reward waiting is taken then
	saveReward     = 15 // the same for the quarter of the members who save rewards up
)

// loyaltyStream is the loyalty plan's own random stream (with the seed),
// so that adding loyalty changed none of a seed's parcels, days or codes.
const loyaltyStream = 0x10_7a17

// Moments of a member's visit after its handover.
const (
	enrolAfter        = 40 * time.Second // "would you like a card?"
	stampAfter        = 3 * time.Second  // the counter stamps right after the issue
	stampAfterEnrol   = 45 * time.Second
	redeemAfterStamps = time.Minute
)

// demoProgramme is the programme the demo sets up: a stamp per pickup
// visit, six make a free packing, at most three a day; stamps stay while
// the card is used (the history shows them, nothing expires within it).
// No manager PIN is asked for a reward.
func demoProgramme(lang i18n.Lang) loyalty.Programme {
	t := i18n.Printer{L: lang}.T
	return loyalty.Programme{
		Name: t("demo.loyalty.name"), Kind: loyalty.KindStamp, PerReward: demoPerReward, CarryOver: true,
		Accrual: loyalty.PerVisit, PerUnit: 1, RewardText: t("demo.loyalty.reward"),
		Life:     loyalty.Life{Mode: loyalty.LifeInactivity, Days: demoLifeDays},
		DailyCap: demoDailyCap,
	}
}

// issues tells whether a visit hands over at least one parcel (and so
// can earn a stamp).
func (v *visit) issues() bool {
	return slices.ContainsFunc(v.parcels, func(x *parcel) bool { return x.fate == fateIssued })
}

// planLoyalty decides, with its own random stream rnd, who is a member of
// the loyalty programme and what happens at their visits.
//
// A programme lives on customers who come back, so first some come more
// often: some occasional customers' single pickups (and all their
// parcels) become those of a regular (up to 4–14 pickups in the three
// weeks) or of a "convert", an occasional customer of the first half who
// joins and then comes back (up to 3–8 pickups), each on a day they have
// no other pickup; at most two thirds of those single pickups move. Then
// the converts, most regulars and about a third of the others join, at one
// of their pickups (a regular sometimes only at the second); that pickup
// and every later one is stamped, and at most visits a reward waiting is
// taken, though one member in four saves them up. The result is varied:
// members close to a reward, with a reward waiting, with rewards taken,
// and some who joined early and have not been back.
//
// Only the customers of visits change, never a parcel's partner, day,
// fate or codes (order numbers and pickup codes stay within one
// customer's order), so the shelves' peak is the same.
//
// perReward, when the demo sets the programme up, is its stamps per reward:
// the plan then makes sure some member ends with a reward waiting
// (keepRewardWaiting). With the point's own programme what happens is up
// to its rules.
func (p *plan) planLoyalty(rnd *rand.Rand, perReward int) {
	inOrder := slices.Clone(p.visits) // as the schedule serves them
	slices.SortStableFunc(inOrder, func(a, b *visit) int { return cmp.Compare(a.day, b.day) })
	pickups := func() map[int][]*visit {
		m := map[int][]*visit{}
		for _, v := range inOrder {
			if v.issues() {
				m[v.cust] = append(m[v.cust], v)
			}
		}
		return m
	}
	have := pickups()
	parcels := map[int]int{}
	for _, x := range p.parcels {
		if x.cust >= 0 {
			parcels[x.cust]++
		}
	}
	var spare []*visit // occasional customers who came once for all they had
	for _, v := range p.visits {
		if v.cust >= p.regulars && v.issues() && len(have[v.cust]) == 1 && parcels[v.cust] == len(v.parcels) {
			spare = append(spare, v)
		}
	}
	budget := len(spare) * 2 / 3
	// take moves one spare pickup after day from (on a day c has none) to c.
	take := func(c int, from int, busy map[int]bool) bool {
		var free []int
		for i, v := range spare {
			if v.day > from && !busy[v.day] {
				free = append(free, i)
			}
		}
		if len(free) == 0 || budget == 0 {
			return false
		}
		i := free[rnd.IntN(len(free))]
		v := spare[i]
		spare = slices.Delete(spare, i, i+1)
		budget--
		busy[v.day] = true
		v.cust = c
		for _, x := range v.parcels {
			x.cust = c
		}
		return true
	}
	busyDays := func(vs []*visit) map[int]bool {
		busy := map[int]bool{}
		for _, v := range vs {
			busy[v.day] = true
		}
		return busy
	}
	for c := range p.regulars {
		want, busy := 4+rnd.IntN(11), busyDays(have[c])
		for n := len(have[c]); n < want && take(c, -historyDays-1, busy); n++ {
		}
	}
	converts := map[int]bool{}
	for range max(1, len(p.parcels)/75) {
		var early []int
		for i, v := range spare {
			if v.day <= lastDay-historyDays/2 {
				early = append(early, i)
			}
		}
		if len(early) == 0 {
			break
		}
		i := early[rnd.IntN(len(early))]
		v := spare[i]
		spare = slices.Delete(spare, i, i+1)
		converts[v.cust] = true
		want, busy := 3+rnd.IntN(6), busyDays([]*visit{v})
		for n := 1; n < want && take(v.cust, v.day, busy); n++ {
		}
	}

	have = pickups()
	for c := range p.customers {
		vs := have[c]
		if len(vs) == 0 {
			continue
		}
		share := joinOccasional
		switch {
		case converts[c]:
			share = 100
		case c < p.regulars:
			share = joinRegular
		}
		if rnd.IntN(100) >= share {
			continue
		}
		first := 0
		if c < p.regulars && len(vs) >= 3 && rnd.IntN(100) >= joinFirst {
			first = 1
		}
		vs[first].enrol = true
		takes := takeReward
		if rnd.IntN(4) == 0 {
			takes = saveReward
		}
		for _, v := range vs[first:] {
			v.stamp = true
			v.redeem = rnd.IntN(100) < takes
		}
	}
	if perReward > 0 {
		p.keepRewardWaiting(inOrder, perReward)
	}
}

// keepRewardWaiting plays the members' visits under a stamp a visit and
// perReward stamps a reward; if nobody ends with a reward waiting, the
// member whose last reward was taken latest keeps it instead, as long as
// another reward is still taken somewhere.
func (p *plan) keepRewardWaiting(inOrder []*visit, perReward int) {
	balance := map[int]int{}
	last := map[int]*visit{} // each member's last redemption
	taken := 0
	for _, v := range inOrder {
		if !v.stamp {
			continue
		}
		balance[v.cust]++
		if v.redeem && balance[v.cust] >= perReward {
			balance[v.cust] -= perReward
			last[v.cust] = v
			taken++
		}
	}
	var latest *visit
	for _, v := range inOrder {
		if balance[v.cust] >= perReward {
			return
		}
		if last[v.cust] == v {
			latest = v
		}
	}
	if latest != nil && taken >= 2 {
		latest.redeem = false
	}
}

// scheduleLoyalty adds the loyalty steps of visit v handed over at t.
func (r *runner) scheduleLoyalty(add func(time.Time, string, func() error), v *visit, t time.Time) {
	stamp := t.Add(stampAfter)
	if v.enrol {
		add(t.Add(enrolAfter), "loyalty enrolment", func() error { return r.enrol(v) })
		stamp = t.Add(stampAfterEnrol)
	}
	if v.stamp {
		add(stamp, "loyalty stamp", func() error { return r.stampVisit(v) })
	}
	if v.stamp && v.redeem {
		add(stamp.Add(redeemAfterStamps), "loyalty reward", func() error { return r.redeem(v) })
	}
}

// saveProgramme sets up the demo's programme, on the first morning.
func (r *runner) saveProgramme() error {
	_, err := r.loy.SaveProgramme(r.ctx, r.sess, demoProgramme(r.lang))
	return err
}

// enrol makes v's customer a member, with their consent and name, right
// after their handover (so that handover earns, see loyalty.EnrolGrace).
// A phone that already had a member before the demo stays theirs.
func (r *runner) enrol(v *visit) error {
	c := r.plan.customers[v.cust]
	_, err := r.loy.Enrol(r.ctx, r.sess, c.phone, c.name, true)
	switch {
	case err == nil:
		r.sum.Members++
	case !errs.Has(err, loyalty.ErrCustomerExists):
		return err
	}
	return nil
}

// stampVisit accrues v's handover, as the counter does right after the
// issue.
func (r *runner) stampVisit(v *visit) error {
	res, ok, err := r.loy.AccrueForHandover(r.ctx, r.sess, counter.HandoverResult{Number: r.handed[v]})
	if err != nil {
		return err
	}
	if !ok {
		r.waiting[v.cust] = 0
		return nil
	}
	r.cards[v.cust] = res.Card
	r.waiting[v.cust] = res.RewardsAvailable
	r.sum.Stamps += res.Granted
	return nil
}

// redeem hands v's customer a reward, if one is waiting. The owner's
// session needs no manager PIN whatever the programme's limit.
func (r *runner) redeem(v *visit) error {
	if r.waiting[v.cust] == 0 {
		return nil
	}
	red, err := r.loy.Redeem(r.ctx, r.sess, r.cards[v.cust], "")
	if errs.Has(err, loyalty.ErrBalanceShort) {
		r.waiting[v.cust] = 0 // expired under a point's own programme
		return nil
	}
	if err != nil {
		return err
	}
	r.waiting[v.cust] = red.RewardsAvailable
	r.sum.Redeemed++
	return nil
}

// loyaltySummary adds what the members hold now, as the point sees it.
func (r *runner) loyaltySummary(ctx context.Context, s *Summary) error {
	l := loyalty.New(r.svc, loyalty.Options{})
	prog, err := l.Programme(ctx)
	if err != nil {
		return err
	}
	s.Programme = prog.Name
	for _, code := range r.cards {
		card, err := l.FindCard(ctx, code)
		if err != nil {
			return err
		}
		if card.RewardsAvailable > 0 {
			s.RewardsWaiting++
		}
	}
	return nil
}
