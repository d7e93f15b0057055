package loyalty

import (
	"slices"
	"testing"
	"time"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
)

// Each bad value is refused with the field it is in, so the settings
// screen can point at it.
func TestProgrammeValidationNamesTheField(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		field string
		edit  func(p *Programme)
	}{
		{"name", func(p *Programme) { p.Name = " " }},
		{"kind", func(p *Programme) { p.Kind = "cashback" }},
		{"per_reward", func(p *Programme) { p.PerReward = 0 }},
		{"per_reward", func(p *Programme) { p.PerReward = 101 }},
		{"accrual", func(p *Programme) { p.Accrual = "spend" }},
		{"per_unit", func(p *Programme) { p.PerUnit = -1 }},
		{"reward_text", func(p *Programme) { p.RewardText = "" }},
		{"life.mode", func(p *Programme) { p.Life = Life{Mode: "monthly", Days: 3} }},
		{"life.days", func(p *Programme) { p.Life = Life{Mode: LifeFixed} }},
		{"tiers[1].threshold", func(p *Programme) {
			p.Tiers = []Tier{{Name: "Silver", Threshold: 10, MultiplierPct: 150}, {Name: "Gold", Threshold: 10, MultiplierPct: 200}}
		}},
		{"tiers[0].multiplier_pct", func(p *Programme) { p.Tiers = []Tier{{Name: "Silver", Threshold: 10, MultiplierPct: 50}} }},
		{"promotions[0].to", func(p *Programme) {
			p.Promotions = []Promotion{{Name: "x", From: "2026-12-10", To: "2026-12-01", MultiplierPct: 200}}
		}},
		{"promotions[0].weekdays", func(p *Programme) {
			p.Promotions = []Promotion{{Name: "x", Weekdays: []time.Weekday{2, 2}, MultiplierPct: 200}}
		}},
		{"promotions[0].end", func(p *Programme) {
			p.Promotions = []Promotion{{Name: "x", Start: "14:00", End: "10:00", MultiplierPct: 200}}
		}},
		{"promotions[0].start", func(p *Programme) { p.Promotions = []Promotion{{Name: "x", Start: "25:00", Bonus: 1}} }},
		{"promotions[0].bonus", func(p *Programme) { p.Promotions = []Promotion{{Name: "does nothing"}} }},
		{"daily_cap", func(p *Programme) { p.DailyCap = -1 }},
		{"cooldown_minutes", func(p *Programme) { p.CooldownMinutes = 8 * 24 * 60 }},
		{"pin_above", func(p *Programme) { p.PINAbove = -5 }},
		{"anonymise_after_days", func(p *Programme) { p.AnonymiseAfterDays = 7 }},
	} {
		p := stampCard()
		tc.edit(&p)
		_, err := e.l.SaveProgramme(e.ctx, e.owner, p)
		var de *errs.Error
		if !asErr(err, &de) || de.Code != counter.ErrInvalid || de.Args["Field"] != tc.field {
			t.Errorf("%s: got %v", tc.field, err)
		}
	}
	if _, err := e.l.Programme(e.ctx); !errs.Has(err, ErrNoProgramme) {
		t.Fatalf("a refused programme was saved: %v", err)
	}
}

// The owner or a manager sets the rules; a clerk cannot; defaults are
// filled; the change is in the log with the rules before it.
func TestSaveProgrammeRolesDefaultsAndHistory(t *testing.T) {
	e := newEnv(t)
	clerk := e.staff("Бекзат", counter.RoleClerk)
	manager := e.staff("Нурлан", counter.RoleManager)
	_, err := e.l.SaveProgramme(e.ctx, clerk, stampCard())
	expectCode(t, err, counter.ErrForbidden)
	if _, err := e.l.Enrol(e.ctx, clerk, "0555 123 456", "", true); !errs.Has(err, ErrNoProgramme) {
		t.Fatalf("enrol without a programme: %v", err)
	}
	p := mustV[Programme](t)(e.l.SaveProgramme(e.ctx, manager, stampCard()))
	if p.ID == "" || p.PerUnit != 1 || p.AnonymiseAfterDays != DefaultAnonymiseDays || p.Accrual != PerVisit {
		t.Fatalf("saved %+v", p)
	}
	p.PerReward, p.RewardText = 8, "Кофе и круассан"
	p = e.programme(p)
	got := mustV[Programme](t)(e.l.Programme(e.ctx))
	if got.PerReward != 8 || got.RewardText != "Кофе и круассан" || got.ID != p.ID {
		t.Fatalf("read back %+v", got)
	}
	if k := e.kinds(programmeEntity(p.ID)); !slices.Equal(k, []string{EvProgrammeSaved, EvProgrammeSaved}) {
		t.Fatalf("programme history %v", k)
	}
	// A points card is another programme's currency: not once cards exist.
	p.Kind = KindPoints
	p = e.programme(p) // no cards yet: allowed
	e.enrol("0555 123 456")
	p.Kind = KindStamp
	_, err = e.l.SaveProgramme(e.ctx, e.owner, p)
	expectCode(t, err, ErrKindFixed)
	other := stampCard()
	other.ID = "not-this-one"
	_, err = e.l.SaveProgramme(e.ctx, e.owner, other)
	expectCode(t, err, counter.ErrInvalid)
}
