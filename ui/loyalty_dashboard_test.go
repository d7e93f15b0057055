package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/counter"
	"smartpoint/app/loyalty"
	"smartpoint/app/store"
)

// loyaltyTab opens the Loyalty screen on tab id and returns the screen.
func (e *env) loyaltyTab(id string) *loyaltyScreen {
	e.t.Helper()
	e.ctrl(keyLoyalty)
	s := e.screen("loyalty").(*loyaltyScreen)
	if !s.showTab(id) {
		e.t.Fatalf("no %s tab", id)
	}
	return s
}

// The owner's dashboard counts what happened: two members, three visits,
// one reward handed out, and its redemption rate.
func TestLoyaltyDashboardFigures(t *testing.T) {
	prog := stampProgramme()
	prog.PerReward = 2
	e := loggedIn(t, withLoyalty(prog))
	a := e.enrolled("0555 000 111", "Жылдыз")
	b := e.enrolled("0555 000 222", "Бакыт")
	e.stamps(a.Code, 2)
	e.stamps(b.Code, 1)
	if _, err := e.loy.Redeem(e.ctx, e.u.sess, a.Code, ""); err != nil {
		t.Fatal(err)
	}

	s := e.loyaltyTab("customers")
	d := s.pages[2].(*loyDashboard)
	done := make(chan struct{}, 4)
	d.loaded = func() { done <- struct{}{} }
	s.showTab("dashboard")
	<-done
	got := map[string]string{}
	for _, o := range d.kpis.Objects {
		box := o.(*fyne.Container)
		got[box.Objects[0].(*widget.Label).Text] = box.Objects[1].(*widget.Label).Text
	}
	want := map[string]string{"Новых участников": "2", "Активных": "2", "Визитов со штампом": "3", "Подарков выдано": "1", "Доля погашения": "67 %"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s shows %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	if !strings.Contains(d.months.Text, "2026-11") {
		t.Errorf("the months table lacks November:\n%s", d.months.Text)
	}
}

// Segments: a new member is counted as new and listed with a masked
// phone; the segment's CSV export lands in the exports folder.
func TestLoyaltySegmentsListAndExport(t *testing.T) {
	e := loggedIn(t, withLoyalty(stampProgramme()))
	c := e.enrolled("0555 000 111", "Жылдыз")
	e.stamps(c.Code, 1)

	s := e.loyaltyTab("customers")
	p := s.pages[3].(*loySegments)
	done := make(chan struct{}, 4)
	p.loaded = func() { done <- struct{}{} }
	s.showTab("segments")
	<-done
	if p.counts[loyalty.SegNew] != 1 {
		t.Fatalf("segment counts %v, want one new member", p.counts)
	}
	// ↓ until "new" is chosen.
	for loyalty.SegmentNames[p.seg] != loyalty.SegNew {
		e.press(fyne.KeyDown)
		<-done
	}
	if len(p.members) != 1 || p.members[0].Name != "Жылдыз" || strings.Contains(p.members[0].MaskedPhone, "555000") {
		t.Fatalf("new members %+v, want Жылдыз with a masked phone", p.members)
	}

	exported := make(chan struct{})
	s.afterExport = func() { close(exported) }
	e.press(keyLoyaltyTab)
	<-exported
	files, _ := filepath.Glob(filepath.Join(store.ExportDir(e.db.Path), "loyalty-customers-new-*.csv"))
	if len(files) != 1 {
		t.Fatalf("exports %v, want one CSV of the segment", files)
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "\ufeff") || !strings.Contains(string(data), c.Code) {
		t.Fatalf("the CSV lacks the BOM or the member's card:\n%s", data)
	}
	e.bannerSays(s.banner, files[0])
}

// A clerk has neither the dashboard nor the segments.
func TestLoyaltyAnalyticsHiddenFromClerk(t *testing.T) {
	e := loggedIn(t, withLoyalty(stampProgramme()))
	e.clerkOnShift("Бакыт", "5831")
	if e.u.sess.Role() != counter.RoleClerk {
		t.Fatal("not a clerk")
	}
	s := e.loyaltyTab("customers")
	if s.showTab("dashboard") || s.showTab("segments") {
		t.Fatal("a clerk sees the analytics tabs")
	}
}
