package loyalty

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
)

// Kind is what a card collects.
type Kind string

const (
	KindStamp  Kind = "stamp"  // N stamps make a reward
	KindPoints Kind = "points" // a reward costs N points
)

// Accrual is what earns: the pickup visit, or each parcel of it.
type Accrual string

const (
	PerVisit  Accrual = "visit"
	PerParcel Accrual = "parcel"
)

// LifeMode is when stamps or points expire.
type LifeMode string

const (
	LifeForever    LifeMode = ""           // never
	LifeFixed      LifeMode = "fixed"      // Days after they were earned
	LifeInactivity LifeMode = "inactivity" // Days after the card's last visit (each visit restarts the clock)
)

// Life is the stamp or point life.
type Life struct {
	Mode LifeMode `json:"mode,omitempty"`
	Days int      `json:"days,omitempty"`
}

// Tier is a level reached by lifetime earnings (what was earned, never the
// balance, so redeeming does not demote anyone) with its own multiplier.
type Tier struct {
	Name          string `json:"name"`
	Threshold     int    `json:"threshold"`      // lifetime stamps/points to reach it
	MultiplierPct int    `json:"multiplier_pct"` // 150 = ×1.5
}

// Promotion is a time-boxed boost: a multiplier, bonus stamps, or both.
// Dates and hours are the point's local time.
type Promotion struct {
	Name          string         `json:"name"`
	From          string         `json:"from,omitempty"`     // 2026-01-31, inclusive; "" open
	To            string         `json:"to,omitempty"`       // inclusive; "" open
	Weekdays      []time.Weekday `json:"weekdays,omitempty"` // 0 = Sunday; empty: every day
	Start         string         `json:"start,omitempty"`    // 10:00; "" from midnight
	End           string         `json:"end,omitempty"`      // 14:00, exclusive; "" until midnight
	MultiplierPct int            `json:"multiplier_pct,omitempty"`
	Bonus         int            `json:"bonus,omitempty"`
}

// Programme is the point's loyalty programme: the rules every accrual and
// redemption follows. It is stored as JSON, validated on save.
type Programme struct {
	ID         string  `json:"id,omitempty"` // set by SaveProgramme
	Name       string  `json:"name"`
	Kind       Kind    `json:"kind"`
	PerReward  int     `json:"per_reward"` // stamps that make a reward, or its price in points
	CarryOver  bool    `json:"carry_over"` // stamp card: stamps beyond the reward stay after redeeming (else the card resets)
	Accrual    Accrual `json:"accrual"`
	PerUnit    int     `json:"per_unit"` // stamps/points per visit or per parcel
	RewardText string  `json:"reward_text"`
	Life       Life    `json:"life"`
	Tiers      []Tier  `json:"tiers,omitempty"`
	// Promotions: when several apply, the one that gives the most wins
	// (never two at once, as at Square).
	Promotions []Promotion `json:"promotions,omitempty"`
	// DailyCap is the most a card can earn in one local day; 0: no cap.
	DailyCap int `json:"daily_cap"`
	// CooldownMinutes is the least time between two earning visits of a card.
	CooldownMinutes int `json:"cooldown_minutes"`
	// PINAbove: redeeming more than this needs a manager's PIN (a clerk's
	// session is not enough); 0: never.
	PINAbove int `json:"pin_above"`
	// AnonymiseAfterDays: customers without a visit this long are
	// anonymised by AnonymiseInactive.
	AnonymiseAfterDays int `json:"anonymise_after_days"`
}

// Limits of a programme's values.
const (
	DefaultAnonymiseDays = 365
	maxStampsPerReward   = 100
	maxPointsPerReward   = 1_000_000
	maxPerUnit           = 1000
	maxLifeDays          = 3650
	maxTiers             = 20
	maxPromotions        = 20
	maxMultiplierPct     = 1000
	maxBonus             = 1000
	maxCooldownMinutes   = 7 * 24 * 60
	maxTextLen           = 200
	maxNameLen           = 64
)

// normalise fills defaults and trims text.
func (p *Programme) normalise() {
	p.Name = strings.TrimSpace(p.Name)
	p.RewardText = strings.TrimSpace(p.RewardText)
	if p.Accrual == "" {
		p.Accrual = PerVisit
	}
	if p.PerUnit == 0 {
		p.PerUnit = 1
	}
	if p.AnonymiseAfterDays == 0 {
		p.AnonymiseAfterDays = DefaultAnonymiseDays
	}
	if p.Life.Mode == LifeForever {
		p.Life.Days = 0
	}
	for i := range p.Tiers {
		p.Tiers[i].Name = strings.TrimSpace(p.Tiers[i].Name)
	}
	for i := range p.Promotions {
		p.Promotions[i].Name = strings.TrimSpace(p.Promotions[i].Name)
	}
}

// invalid is the typed error for one bad field.
func invalid(field string, value any) error {
	return errs.New(counter.ErrInvalid, "Field", field, "Value", fmt.Sprint(value))
}

func badText(s string, maxLen int, required bool) bool {
	return (required && s == "") || utf8.RuneCountInString(s) > maxLen
}

// validate reports the first field out of range (after normalise).
func (p *Programme) validate() error {
	if badText(p.Name, maxNameLen, true) {
		return invalid("name", p.Name)
	}
	switch p.Kind {
	case KindStamp:
		if p.PerReward < 1 || p.PerReward > maxStampsPerReward {
			return invalid("per_reward", p.PerReward)
		}
	case KindPoints:
		if p.PerReward < 1 || p.PerReward > maxPointsPerReward {
			return invalid("per_reward", p.PerReward)
		}
	default:
		return invalid("kind", p.Kind)
	}
	if p.Accrual != PerVisit && p.Accrual != PerParcel {
		return invalid("accrual", p.Accrual)
	}
	if p.PerUnit < 1 || p.PerUnit > maxPerUnit {
		return invalid("per_unit", p.PerUnit)
	}
	if badText(p.RewardText, maxTextLen, true) {
		return invalid("reward_text", p.RewardText)
	}
	switch p.Life.Mode {
	case LifeForever:
	case LifeFixed, LifeInactivity:
		if p.Life.Days < 1 || p.Life.Days > maxLifeDays {
			return invalid("life.days", p.Life.Days)
		}
	default:
		return invalid("life.mode", p.Life.Mode)
	}
	if err := validateTiers(p.Tiers); err != nil {
		return err
	}
	if len(p.Promotions) > maxPromotions {
		return invalid("promotions", len(p.Promotions))
	}
	for i, pr := range p.Promotions {
		if err := pr.validate(fmt.Sprintf("promotions[%d]", i)); err != nil {
			return err
		}
	}
	if p.DailyCap < 0 || p.DailyCap > maxPerUnit*maxMultiplierPct {
		return invalid("daily_cap", p.DailyCap)
	}
	if p.CooldownMinutes < 0 || p.CooldownMinutes > maxCooldownMinutes {
		return invalid("cooldown_minutes", p.CooldownMinutes)
	}
	if p.PINAbove < 0 {
		return invalid("pin_above", p.PINAbove)
	}
	if p.AnonymiseAfterDays < 30 || p.AnonymiseAfterDays > maxLifeDays {
		return invalid("anonymise_after_days", p.AnonymiseAfterDays)
	}
	return nil
}

func validateTiers(tiers []Tier) error {
	if len(tiers) > maxTiers {
		return invalid("tiers", len(tiers))
	}
	for i, t := range tiers {
		f := fmt.Sprintf("tiers[%d]", i)
		if badText(t.Name, maxNameLen, true) {
			return invalid(f+".name", t.Name)
		}
		// Ascending thresholds make "the highest tier reached" unambiguous.
		if t.Threshold < 1 || (i > 0 && t.Threshold <= tiers[i-1].Threshold) {
			return invalid(f+".threshold", t.Threshold)
		}
		if t.MultiplierPct < 100 || t.MultiplierPct > maxMultiplierPct {
			return invalid(f+".multiplier_pct", t.MultiplierPct)
		}
	}
	return nil
}

func (pr Promotion) validate(f string) error {
	if badText(pr.Name, maxNameLen, true) {
		return invalid(f+".name", pr.Name)
	}
	from, okFrom := parseDay(pr.From)
	to, okTo := parseDay(pr.To)
	if !okFrom {
		return invalid(f+".from", pr.From)
	}
	if !okTo || (pr.From != "" && pr.To != "" && to.Before(from)) {
		return invalid(f+".to", pr.To)
	}
	seen := map[time.Weekday]bool{}
	for _, d := range pr.Weekdays {
		if d < time.Sunday || d > time.Saturday || seen[d] {
			return invalid(f+".weekdays", d)
		}
		seen[d] = true
	}
	start, okStart := parseClock(pr.Start)
	end, okEnd := parseClock(pr.End)
	if !okStart {
		return invalid(f+".start", pr.Start)
	}
	if !okEnd || (pr.End != "" && end <= start) {
		return invalid(f+".end", pr.End)
	}
	if pr.MultiplierPct != 0 && (pr.MultiplierPct < 100 || pr.MultiplierPct > maxMultiplierPct) {
		return invalid(f+".multiplier_pct", pr.MultiplierPct)
	}
	if pr.Bonus < 0 || pr.Bonus > maxBonus {
		return invalid(f+".bonus", pr.Bonus)
	}
	if pr.MultiplierPct <= 100 && pr.Bonus == 0 {
		return invalid(f+".bonus", pr.Bonus) // a promotion that changes nothing is a mistake
	}
	return nil
}

// parseDay reads 2006-01-02; "" is valid (open end).
func parseDay(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

// parseClock reads 15:04 as minutes after midnight; "" is valid (0).
func parseClock(s string) (int, bool) {
	if s == "" {
		return 0, true
	}
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

// activeAt reports whether the promotion runs at local time t.
func (pr Promotion) activeAt(t time.Time) bool {
	day := t.Format(time.DateOnly)
	if (pr.From != "" && day < pr.From) || (pr.To != "" && day > pr.To) {
		return false
	}
	if len(pr.Weekdays) > 0 && !slices.Contains(pr.Weekdays, t.Weekday()) {
		return false
	}
	minute := t.Hour()*60 + t.Minute()
	start, _ := parseClock(pr.Start)
	end := 24 * 60
	if pr.End != "" {
		end, _ = parseClock(pr.End)
	}
	return minute >= start && minute < end
}

// tierFor is the highest tier lifetime earnings reached, if any.
func (p *Programme) tierFor(lifetime int) (Tier, bool) {
	var best Tier
	found := false
	for _, t := range p.Tiers {
		if lifetime >= t.Threshold {
			best, found = t, true
		}
	}
	return best, found
}

// rewardsIn is how many rewards a balance holds.
func (p *Programme) rewardsIn(balance int) int {
	if p.PerReward <= 0 || balance <= 0 {
		return 0
	}
	return balance / p.PerReward
}

// redeemAmount is what one redemption takes from a balance: one reward,
// and on a stamp card that resets, the stamps beyond the completed card.
func (p *Programme) redeemAmount(balance int) int {
	if p.Kind == KindStamp && !p.CarryOver && balance >= p.PerReward {
		return p.PerReward + balance%p.PerReward
	}
	return p.PerReward
}

// lotExpiry is when a lot earned at t expires (0: never).
func (p *Programme) lotExpiry(t time.Time) int64 {
	if p.Life.Mode == LifeForever {
		return 0
	}
	return t.AddDate(0, 0, p.Life.Days).UnixMilli()
}
