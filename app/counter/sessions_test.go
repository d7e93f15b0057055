package counter

import (
	"testing"
	"time"

	"smartpoint/app/auth"
	"smartpoint/app/clock"
)

func TestSessionForActsForTheSameClerkOnAnotherService(t *testing.T) {
	e := newEnv(t)
	manager := e.clerk("Динара", RoleManager)
	earlier := clock.NewFake(testStart.AddDate(0, 0, -3))
	past, err := New(e.ctx, e.db, Options{Clock: earlier, PINParams: auth.Fast, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}

	// The owner is on shift: the new session joins it.
	own := must[*Session](t)(past.SessionFor(e.ctx, e.owner))
	if own.ClerkID() != e.owner.ClerkID() || own.Role() != RoleOwner || own.ShiftID() != e.owner.ShiftID() || own == e.owner {
		t.Fatalf("owner's session %+v, from %+v", own, e.owner)
	}
	must[Report](t)(e.s.CloseShift(e.ctx, e.owner))

	// The manager's session on the past service opens a shift there,
	// dated by that service's clock; the original session is untouched.
	m := must[*Session](t)(past.SessionFor(e.ctx, manager))
	sh := must[Shift](t)(past.OpenShift(e.ctx, m))
	if !sh.OpenedAt.Equal(earlier.Now()) || m.ShiftID() != sh.ID || manager.ShiftID() != 0 {
		t.Fatalf("shift %+v; new session on %d, original on %d", sh, m.ShiftID(), manager.ShiftID())
	}
	// Logging nothing: no login event, no PIN tried.
	var logins int
	e.db.R.QueryRow(`SELECT count(*) FROM events WHERE kind IN (?, ?) AND clerk_id = ?`, EvClerkLogin, EvClerkLoginFailed, manager.ClerkID()).Scan(&logins)
	if logins != 1 { // the one Login in e.clerk
		t.Fatalf("%d login events for the manager", logins)
	}
	must[Report](t)(past.CloseShift(e.ctx, m))

	// Nothing that was not a session becomes one; a disabled clerk gets none.
	for _, bad := range []*Session{nil, {}, {clerkID: manager.ClerkID()}} {
		_, err := past.SessionFor(e.ctx, bad)
		expectCode(t, err, ErrForbidden)
	}
	if err := e.s.SetClerkActive(e.ctx, e.owner, manager.ClerkID(), false); err != nil {
		t.Fatal(err)
	}
	_, err = past.SessionFor(e.ctx, manager)
	expectCode(t, err, ErrInactive)
}

func TestParcelCountCountsEveryStatus(t *testing.T) {
	e := newEnv(t)
	if n := must[int](t)(e.s.ParcelCount(e.ctx)); n != 0 {
		t.Fatalf("new point: %d parcels", n)
	}
	sp := newStockPoint(t)
	// 10 in the manifests: 7 at the point, 1 issued, 2 never arrived.
	if n := must[int](t)(sp.s.ParcelCount(sp.ctx)); n != 10 {
		t.Fatalf("%d parcels, want 10", n)
	}
}
