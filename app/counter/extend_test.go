package counter

import (
	"errors"
	"testing"
)

// Another core package's action is one transaction with its event: both
// commit, or neither does; roles are checked the counter's way.
func TestExtendCommitsAllOrNothing(t *testing.T) {
	e := newEnv(t)
	clerk := e.clerk("Бекзат", RoleClerk)
	expectCode(t, clerk.Require(RoleManager), ErrForbidden)
	boom := errors.New("boom")
	err := e.s.Extend(e.ctx, e.owner, func(x Tx) error {
		if err := x.Emit("loyalty.test", "card:1", map[string]int{"n": 1}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Extend returned %v", err)
	}
	if evs := must[[]Event](t)(e.s.EntityEvents(e.ctx, "card:1")); len(evs) != 0 {
		t.Fatalf("a failed action left %d events", len(evs))
	}
	if err := e.s.Extend(e.ctx, e.owner, func(x Tx) error {
		if x.Session() != e.owner || x.Now().IsZero() {
			t.Error("the action does not know who acts or when")
		}
		return x.Emit("loyalty.test", "card:1", map[string]int{"n": 2})
	}); err != nil {
		t.Fatal(err)
	}
	evs := must[[]Event](t)(e.s.EntityEvents(e.ctx, "card:1"))
	if len(evs) != 1 || evs[0].ClerkID != e.owner.ClerkID() {
		t.Fatalf("events %+v", evs)
	}
}
