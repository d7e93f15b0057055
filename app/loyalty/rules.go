package loyalty

import "time"

// Detail is how an accrual was computed; it is stored with the movement and
// sent in the event, so the owner can see why a visit earned what it did.
type Detail struct {
	Base          int       `json:"base"`                     // per visit or per parcel
	Tier          string    `json:"tier,omitempty"`           // tier reached before this visit
	TierPct       int       `json:"tier_pct"`                 // 100 without a tier
	Promotion     string    `json:"promotion,omitempty"`      // the promotion applied
	PromoPct      int       `json:"promo_pct"`                // 100 without a promotion
	Bonus         int       `json:"bonus,omitempty"`          // the promotion's bonus
	Requested     int       `json:"requested"`                // what the rules give, before the cap
	CapHit        bool      `json:"cap_hit,omitempty"`        // the daily cap cut it
	Cooldown      bool      `json:"cooldown,omitempty"`       // too soon after the previous visit: nothing granted
	CooldownUntil time.Time `json:"cooldown_until,omitzero"`  // when the card earns again
	NewRewards    int       `json:"new_rewards,omitempty"`    // rewards completed by this visit
	Lifetime      int       `json:"lifetime_before,omitzero"` // lifetime earnings before this visit
}

// quote applies the programme's rules to a visit: base per visit or per
// parcel, × the tier's multiplier (from lifetime earnings), × the best
// promotion running at the visit's local time, plus its bonus. Multiplied
// amounts round half up and never fall below the base.
func (p *Programme) quote(parcels, lifetime int, local time.Time) Detail {
	d := Detail{Base: p.PerUnit, TierPct: 100, PromoPct: 100, Lifetime: lifetime}
	if p.Accrual == PerParcel {
		d.Base = p.PerUnit * parcels
	}
	if t, ok := p.tierFor(lifetime); ok {
		d.Tier, d.TierPct = t.Name, t.MultiplierPct
	}
	d.Requested = multiply(d.Base, d.TierPct, 100)
	for _, pr := range p.Promotions {
		if !pr.activeAt(local) {
			continue
		}
		pct := max(pr.MultiplierPct, 100)
		if n := multiply(d.Base, d.TierPct, pct) + pr.Bonus; n > d.Requested {
			d.Requested, d.Promotion, d.PromoPct, d.Bonus = n, pr.Name, pct, pr.Bonus
		}
	}
	return d
}

// multiply is base × a% × b%, rounded half up, at least base.
func multiply(base, a, b int) int {
	return max(base, (base*a*b+5000)/10000)
}

// capped cuts a request to what the daily cap leaves (cap 0: no cap).
func capped(requested, earnedToday, dailyCap int) (granted int, hit bool) {
	if dailyCap <= 0 {
		return requested, false
	}
	left := max(dailyCap-earnedToday, 0)
	if requested > left {
		return left, true
	}
	return requested, false
}

// localDay is the point's calendar day around t: [start, end).
func localDay(t time.Time, loc *time.Location) (start, end time.Time) {
	l := t.In(loc)
	start = time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
	return start, start.AddDate(0, 0, 1)
}
