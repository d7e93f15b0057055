package counter

import (
	"testing"
	"time"

	"smartpoint/app/errs"
	"smartpoint/app/scan"
)

func TestPINLockoutAfterRepeatedFailures(t *testing.T) {
	e := newEnv(t)
	e.clerk("Бакыт", RoleClerk)
	for i := 1; i < MaxPINFailures; i++ {
		if _, err := e.s.Login(e.ctx, "Бакыт", "0000"); !errs.Has(err, ErrBadPIN) {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	if _, err := e.s.Login(e.ctx, "Бакыт", "0000"); !errs.Has(err, ErrLocked) {
		t.Fatalf("5th failure should lock: %v", err)
	}
	if _, err := e.s.Login(e.ctx, "Бакыт", "2580"); !errs.Has(err, ErrLocked) {
		t.Fatalf("right PIN while locked must still be refused: %v", err)
	}
	e.clock.Advance(LockoutFor + time.Second)
	if _, err := e.s.Login(e.ctx, "бакыт", "2580"); err != nil {
		t.Fatalf("after lockout: %v", err)
	}
	var failed, locked int
	e.db.R.QueryRow(`SELECT count(*) FROM events WHERE kind=?`, EvClerkLoginFailed).Scan(&failed)
	e.db.R.QueryRow(`SELECT count(*) FROM events WHERE kind=?`, EvClerkLocked).Scan(&locked)
	if failed != 4 || locked != 1 {
		t.Fatalf("audit: %d failures, %d lockouts logged", failed, locked)
	}
}

func TestPINsAreHashedAndWeakOnesRefused(t *testing.T) {
	e := newEnv(t)
	for _, weak := range []string{"123", "1111", "1234", "4321", "12a4", "123456789"} {
		if _, err := e.s.CreateClerk(e.ctx, e.owner, "X"+weak, RoleClerk, weak); !errs.Has(err, ErrWeakPIN) {
			t.Errorf("PIN %q: %v", weak, err)
		}
	}
	var hash string
	e.db.R.QueryRow(`SELECT pin_hash FROM clerks WHERE name='Айгуль'`).Scan(&hash)
	if hash == "4821" || len(hash) < 40 || hash[:10] != "$argon2id$" {
		t.Fatalf("owner PIN stored as %q", hash)
	}
}

func TestRolesAreEnforcedInTheCore(t *testing.T) {
	e := newEnv(t)
	clerk := e.clerk("Бакыт", RoleClerk)
	manager := e.clerk("Мира", RoleManager)
	if _, err := e.s.CreateClerk(e.ctx, clerk, "Z", RoleClerk, "2580"); !errs.Has(err, ErrForbidden) {
		t.Errorf("clerk creating clerk: %v", err)
	}
	if _, err := e.s.CreateClerk(e.ctx, manager, "Z", RoleOwner, "2580"); !errs.Has(err, ErrForbidden) {
		t.Errorf("manager creating owner: %v", err)
	}
	if _, err := e.s.CreateClerk(e.ctx, manager, "Z", RoleClerk, "2580"); err != nil {
		t.Errorf("manager creating clerk: %v", err)
	}
	if _, err := e.s.GenerateCells(e.ctx, clerk, Layout{Racks: "Z", Shelves: 1, Cells: 1}); !errs.Has(err, ErrForbidden) {
		t.Errorf("clerk changing cells: %v", err)
	}
	if err := e.s.SetClerkActive(e.ctx, e.owner, e.owner.ClerkID(), false); !errs.Has(err, ErrLastOwner) {
		t.Errorf("disabling the last owner: %v", err)
	}
	if err := e.s.SetPIN(e.ctx, clerk, manager.ClerkID(), "9753"); !errs.Has(err, ErrForbidden) {
		t.Errorf("clerk changing manager's PIN: %v", err)
	}
}

func TestOneOpenShiftAtAPoint(t *testing.T) {
	e := newEnv(t)
	c := e.clerk("Бакыт", RoleClerk)
	_, err := e.s.OpenShift(e.ctx, c)
	if !errs.Has(err, ErrShiftOpen) {
		t.Fatalf("second shift: %v", err)
	}
	var de *errs.Error
	asErr(err, &de)
	if de.Args["Clerk"] != "Айгуль" {
		t.Fatalf("error does not say whose shift is open: %v", de.Args)
	}
	if _, err := e.s.CloseShift(e.ctx, e.owner); err != nil {
		t.Fatal(err)
	}
	sh := must[Shift](t)(e.s.OpenShift(e.ctx, c))
	again := must[*Session](t)(e.s.Login(e.ctx, "Бакыт", "2580"))
	if again.ShiftID() != sh.ID {
		t.Fatalf("re-login did not join the open shift: %d vs %d", again.ShiftID(), sh.ID)
	}
}

func TestSetupRunsOnceAndValidates(t *testing.T) {
	e := newEnv(t)
	_, err := e.s.Setup(e.ctx, SetupRequest{Point: Point{Name: "X", Country: "KG"}, OwnerName: "Y", OwnerPIN: "4821"})
	if !errs.Has(err, ErrSetupDone) {
		t.Fatalf("second setup: %v", err)
	}
	ps := must[[]Partner](t)(e.s.Partners(e.ctx))
	active := map[string]bool{}
	for _, p := range ps {
		active[p.Code] = p.Active
	}
	if !active["kgpost"] || active["postars"] {
		t.Fatalf("KG point partners: %v", active)
	}
	cells := must[[]Cell](t)(e.s.Cells(e.ctx))
	if len(cells) != 20 || cells[0].Label != "A-1-01" || cells[0].Size != "L" || cells[5].Size != "M" {
		t.Fatalf("layout: %d cells, first %+v", len(cells), cells[0])
	}
	if n := must[int](t)(e.s.GenerateCells(e.ctx, e.owner, Layout{Racks: "A-B", Shelves: 2, Cells: 5})); n != 0 {
		t.Fatalf("regenerating the same layout created %d cells", n)
	}
}

func TestPartnerRulesAreDataAndValidated(t *testing.T) {
	e := newEnv(t)
	p := must[Partner](t)(e.s.Partner(e.ctx, "wb"))
	p.Rules = append(p.Rules, p.Rules[0])
	p.Rules[len(p.Rules)-1].Pattern = "(["
	if _, err := e.s.SavePartner(e.ctx, e.owner, p); !errs.Has(err, ErrPartnerRules) {
		t.Fatalf("bad regexp saved: %v", err)
	}
	local := Partner{Code: "tezkg", Name: "Tez Delivery", StorageDays: 5, Active: true,
		Rules: []scan.Rule{{Kind: scan.KindParcel, Pattern: `TZ\d{8}`}}}
	must[Partner](t)(e.s.SavePartner(e.ctx, e.owner, local))
	if r := e.s.Classify("tz12345678"); r.Partner != "tezkg" {
		t.Fatalf("new partner's rule not live: %+v", r)
	}
}
