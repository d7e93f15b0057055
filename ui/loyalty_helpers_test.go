package ui

import (
	"smartpoint/app/counter"
	"smartpoint/app/loyalty"
)

// stampProgramme is the programme loyalty tests start from: 5 stamps make
// a free packing, one stamp per pickup visit, no limits.
func stampProgramme() loyalty.Programme {
	return loyalty.Programme{Name: "Штампы", Kind: loyalty.KindStamp, PerReward: 5, Accrual: loyalty.PerVisit,
		PerUnit: 1, RewardText: "Бесплатная упаковка"}
}

// withLoyalty gives the window the loyalty service with programme p saved
// by the owner (p.Name == "": no programme yet).
func withLoyalty(p loyalty.Programme) func(*env) {
	return func(e *env) {
		e.loy = loyalty.New(e.svc, loyalty.Options{})
		e.deps.Loyalty = e.loy
		if p.Name == "" {
			return
		}
		if _, err := e.loy.SaveProgramme(e.ctx, e.owner(), p); err != nil {
			e.t.Fatalf("save programme: %v", err)
		}
	}
}

// owner is a fresh session of the owner (no shift needed to read or to
// configure).
func (e *env) owner() *counter.Session { return e.ownerSession() }

// enrolled enrols phone as a member with a shift-less owner session and
// returns the card.
func (e *env) enrolled(phone, name string) loyalty.Card {
	e.t.Helper()
	c, err := e.loy.Enrol(e.ctx, e.owner(), phone, name, true)
	if err != nil {
		e.t.Fatalf("enrol %s: %v", phone, err)
	}
	return c
}

// card reads a card's committed state.
func (e *env) card(code string) loyalty.Card {
	e.t.Helper()
	c, err := e.loy.FindCard(e.ctx, code)
	if err != nil {
		e.t.Fatalf("card %s: %v", code, err)
	}
	return c
}
