package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"smartpoint/app/counter"
)

// A customer refuses the parcel with cash on delivery: F10 picks the
// parcel and the reason by F-keys, nothing is due any more, the other
// parcel is issued, and Returns shows the refused one with its reason.
func TestIssueRefusalByKeyboardReachesReturns(t *testing.T) {
	e := loggedIn(t)
	tr := e.stockParcels(10, 0, 1500)
	e.scan("12345678*4321")
	is := e.screen("issue").(*issueScreen)
	cod := 0
	for i, r := range is.rows {
		if r.p.Track == tr[1] {
			cod = i
		}
	}

	e.press(keyRefuse)
	if e.u.modal == nil {
		t.Fatal("F10 with two parcels must ask which one is refused")
	}
	e.press(fKey(cod))
	if e.u.modal == nil {
		t.Fatal("choosing the parcel must ask for the reason")
	}
	e.press(fKey(1)) // counter.RefuseReasons[1]: damaged
	if e.u.modal != nil {
		t.Fatal("the reason dialog stayed open")
	}
	if got := is.rows[cod].state.Text; !strings.Contains(got, "Повреждена") {
		t.Fatalf("refused row shows %q, want the reason", got)
	}
	if due, _ := is.dueNow(); due != 0 {
		t.Fatalf("due %d after refusing the only COD parcel", due)
	}

	e.scan(tr[0])
	e.press(keyIssue)
	if e.u.modal != nil {
		t.Fatal("nothing is due: issuing must not ask for payment")
	}
	if p := e.parcel(tr[0]); p.Status != counter.StatusIssued {
		t.Fatalf("confirmed parcel status %s", p.Status)
	}
	if p := e.parcel(tr[1]); p.Status != counter.StatusToReturn || p.ReturnReason != "refused:damaged" {
		t.Fatalf("refused parcel status %s reason %q", p.Status, p.ReturnReason)
	}
	e.bannerSays(is.banner, "Выдана 1 посылка")
	e.bannerSays(is.banner, "1 отказ")

	s := openReturns(t, e)
	if !s.listed(tr[1]) {
		t.Fatal("the refused parcel is not among the returns")
	}
	for _, p := range s.candidates {
		if p.Track == tr[1] {
			if line := s.candidateLine(p); !strings.Contains(line, "отказ: Повреждена") {
				t.Fatalf("returns row %q must say it was refused as damaged", line)
			}
		}
	}

	// Search shows the refusal in the parcel's history in words.
	e.press(fyne.KeyF6)
	search := e.screen("search").(*searchScreen)
	e.scan(tr[1])
	tl := search.timelineText()
	for _, want := range []string{"Клиент отказался", "причина: Повреждена"} {
		if !strings.Contains(tl, want) {
			t.Errorf("timeline lacks %q:\n%s", want, tl)
		}
	}
	for _, noise := range []string{"sha256", "already_accepted", "refused:damaged"} {
		if strings.Contains(tl, noise) {
			t.Errorf("timeline shows bookkeeping %q:\n%s", noise, tl)
		}
	}
}
