package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server/store/sqlitestore"
)

// The operator sets a plan and pushes settings from the command line; the
// points' streams carry both.
func TestPlanAndSettingsFromTheCommandLine(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cloud.db")
	var owner ownerResult
	runJSON(t, db, &owner, "owner", "add", "Ivanov")
	var a, b pointResult
	runJSON(t, db, &a, "point", "add", "--owner", owner.OwnerID, "Lenina 1")
	runJSON(t, db, &b, "point", "add", "--owner", owner.OwnerID, "Mira 2")

	if code, _, stderr := runCLI(t, db, "plan", "show", "--owner", owner.OwnerID); code != exitFail || !strings.Contains(stderr, "no plan") {
		t.Fatalf("plan show before any: %d %q", code, stderr)
	}
	var plan planResult
	runJSON(t, db, &plan, "plan", "set", "--owner", owner.OwnerID, "--plan", "business", "--status", "grace", "--paid-until", "2026-12-31")
	want := protocol.Subscription{Plan: "business", Status: "grace", PaidUntil: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}
	if plan.OwnerID != owner.OwnerID || plan.Subscription != want {
		t.Fatalf("plan set: %+v", plan)
	}
	code, out, _ := runCLI(t, db, "plan", "show", "--owner", owner.OwnerID)
	if code != exitOK || !strings.Contains(out, `plan "business", grace, paid until 2026-12-31`) {
		t.Fatalf("plan show: %d %q", code, out)
	}

	var res protocol.SettingsResponse
	runJSON(t, db, &res, "point", "settings", "--owner", owner.OwnerID, "--point", a.PointID, "theme=dark", "sound=false", "idle_lock_minutes=15")
	if res.Version != 1 || *res.Settings.Theme != "dark" || *res.Settings.Sound || *res.Settings.IdleLockMinutes != 15 || res.Settings.CellLabels != nil {
		t.Fatalf("point settings: %+v", res)
	}
	code, out, _ = runCLI(t, db, "point", "settings", "--point", a.PointID, "--owner", owner.OwnerID)
	if code != exitOK || !strings.Contains(out, "version 1") || !strings.Contains(out, "theme=dark idle_lock_minutes=15 sound=false") {
		t.Fatalf("point settings (show): %d %q", code, out)
	}

	for _, args := range [][]string{
		{"plan"},
		{"plan", "set", "--owner", owner.OwnerID, "--plan", "x", "--status", "expired", "--paid-until", "2026-12-31"},
		{"plan", "set", "--owner", owner.OwnerID, "--plan", "x", "--status", "active", "--paid-until", "31.12.2026"},
		{"plan", "set", "--owner", owner.OwnerID, "--plan", "x", "--status", "active"},
		{"point", "settings", "--owner", owner.OwnerID},
		{"point", "settings", "--owner", owner.OwnerID, "--point", a.PointID, "volume=3"},
		{"point", "settings", "--owner", owner.OwnerID, "--point", a.PointID, "theme=blue"},
		{"point", "settings", "--owner", owner.OwnerID, "--point", a.PointID, "sound=maybe"},
		{"point", "settings", "--owner", owner.OwnerID, "--point", a.PointID, "idle_lock_minutes=999"},
		{"point", "settings", "--owner", owner.OwnerID, "--point", a.PointID, "sound=true", "sound=false"},
		{"point", "settings", "--owner", owner.OwnerID, "--point", a.PointID, "sound"},
	} {
		if code, _, stderr := runCLI(t, db, args...); code != exitUsage || !strings.Contains(stderr, "smartpoint-cloud help") {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr)
		}
	}
	if code, _, stderr := runCLI(t, db, "plan", "set", "--owner", "nobody", "--plan", "x", "--status", "active", "--paid-until", "2026-12-31"); code != exitFail ||
		!strings.Contains(stderr, "no owner") {
		t.Errorf("plan set of no owner: %d %q", code, stderr)
	}
	if code, _, stderr := runCLI(t, db, "point", "settings", "--owner", "nobody", "--point", a.PointID, "sound=true"); code != exitFail ||
		!strings.Contains(stderr, "no point") {
		t.Errorf("point settings of another owner: %d %q", code, stderr)
	}

	// What the points will pull.
	st, err := sqlitestore.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, p := range []pointResult{a, b} {
		page, err := st.Pull(context.Background(), p.PointID, protocol.StreamPoint, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, c := range page.Changes {
			kinds = append(kinds, c.Kind)
		}
		want := []string{protocol.KindSubscriptionChanged}
		if p == a {
			want = append(want, protocol.KindSettingsPushed)
		}
		if strings.Join(kinds, " ") != strings.Join(want, " ") {
			t.Errorf("point %s stream %v, want %v", p.Name, kinds, want)
		}
	}
}
