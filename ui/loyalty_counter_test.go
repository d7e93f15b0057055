package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/app/loyalty"
	"smartpoint/app/loyaltycard"
)

// ctrl presses Ctrl+key as a person does.
func (e *env) ctrl(k fyne.KeyName) {
	e.press("") // the time a person takes
	e.u.shortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierControl})
}

// issuePanel is the Issue screen's loyalty strip.
func (e *env) issuePanel() *loyaltyPanel { return e.screen("issue").(*issueScreen).loy }

// A member collecting parcels is recognised by the phone on them, and the
// committed issue stamps their card: the clerk does nothing extra.
func TestIssueStampsMembersCard(t *testing.T) {
	e := loggedIn(t, withLoyalty(stampProgramme()))
	card := e.enrolled("0555 000 111", "Жылдыз")
	tr := e.stockParcels(10, 0)

	e.scan("12345678*4321")
	p := e.issuePanel()
	if p.card == nil || p.card.Code != card.Code {
		t.Fatalf("the member's card is not recognised from the parcels' phone; strip says %q", p.line.Text)
	}
	if !strings.Contains(p.line.Text, "0 из 5") {
		t.Fatalf("strip %q, want the empty card 0 of 5", p.line.Text)
	}
	e.scan(tr[0])
	e.press(keyIssue)
	if got := e.parcel(tr[0]).Status; got != counter.StatusIssued {
		t.Fatalf("parcel %s, want issued", got)
	}
	if got := e.card(card.Code).Balance; got != 1 {
		t.Fatalf("card has %d stamps after the pickup, want 1", got)
	}
	e.bannerSays(e.screen("issue").(*issueScreen).banner, "+1 штамп")
	if !strings.Contains(p.line.Text, "1 из 5") {
		t.Fatalf("strip %q after the issue, want 1 of 5", p.line.Text)
	}
}

// A customer who is not a member is enrolled in seconds from the Issue
// screen (phone taken from the parcels, consent ticked) and the pickup
// then stamps the new card; without consent nothing is stored.
func TestEnrolAtIssueThenStamp(t *testing.T) {
	e := loggedIn(t, withLoyalty(stampProgramme()))
	tr := e.stockParcels(10, 0)
	e.scan("12345678*4321")
	p := e.issuePanel()
	if p.card != nil || !strings.Contains(p.line.Text, e.u.T("loyalty.counter.not_member")) {
		t.Fatalf("strip %q, want 'not a member'", p.line.Text)
	}

	e.ctrl(keyEnrol)
	if e.u.modal == nil {
		t.Fatal("Ctrl+E opened no enrolment dialog")
	}
	e.press(fyne.KeyReturn) // phone → name
	e.press(fyne.KeyReturn) // name → enrol, consent not ticked
	if e.u.modal == nil {
		t.Fatal("enrolled without consent")
	}
	if cs, _ := e.loy.Customers(e.ctx, "", 10, 0); len(cs) != 0 {
		t.Fatalf("%d customers stored without consent", len(cs))
	}
	e.press(fyne.KeyF2) // consent
	e.press(fyne.KeyReturn)
	if p.card == nil {
		t.Fatal("no card after enrolment")
	}
	if e.u.modal == nil {
		t.Fatal("the new card's QR is not shown to the customer")
	}
	e.press(fyne.KeyEscape)

	cs, err := e.loy.Customers(e.ctx, "555000111", 10, 0)
	if err != nil || len(cs) != 1 || cs[0].Name != "Жылдыз" {
		t.Fatalf("customers %+v, %v: want Жылдыз enrolled with the parcels' phone", cs, err)
	}
	e.scan(tr[0])
	e.press(keyIssue)
	if got := e.card(p.card.Code).Balance; got != 1 {
		t.Fatalf("new card has %d stamps, want 1", got)
	}
}

// stamps gives a card n visits directly in the ledger.
func (e *env) stamps(code string, n int) {
	e.t.Helper()
	for i := range n {
		key := "test:" + code + ":" + string(rune('a'+i))
		if _, err := e.loy.Accrue(e.ctx, e.u.sess, code, key, loyalty.Visit{Parcels: 1}); err != nil {
			e.t.Fatal(err)
		}
	}
}

// A full card shows the reward prominently; one Ctrl+R and Enter hand it
// out and the stamps come off.
func TestRewardRedeemedInOneStep(t *testing.T) {
	e := loggedIn(t, withLoyalty(stampProgramme()))
	card := e.enrolled("0555 000 111", "")
	e.stamps(card.Code, 5)
	e.stockParcels(10, 0)
	e.scan("12345678*4321")
	p := e.issuePanel()
	if !p.reward.Visible() || !strings.Contains(p.reward.Text, "Бесплатная упаковка") {
		t.Fatalf("reward line %q (visible %v), want the reward shown", p.reward.Text, p.reward.Visible())
	}
	e.ctrl(keyRedeem)
	if e.u.modal == nil {
		t.Fatal("Ctrl+R opened no confirmation")
	}
	e.press(fyne.KeyReturn)
	if e.u.modal != nil {
		t.Fatal("the confirmation stayed open")
	}
	if c := e.card(card.Code); c.Balance != 0 || c.RewardsAvailable != 0 {
		t.Fatalf("after the reward the card has %d stamps, %d rewards; want 0, 0", c.Balance, c.RewardsAvailable)
	}
	e.bannerSays(e.screen("issue").(*issueScreen).banner, "Бесплатная упаковка")
	if p.reward.Visible() {
		t.Fatal("the reward line stays after it was handed out")
	}
}

// clerkOnShift closes the owner's shift and logs name in with a shift of
// their own.
func (e *env) clerkOnShift(name, pin string) {
	e.t.Helper()
	owner := e.ownerSession()
	if _, err := e.svc.CreateClerk(e.ctx, owner, name, counter.RoleClerk, pin); err != nil {
		e.t.Fatal(err)
	}
	if err := e.svc.ForceCloseShift(e.ctx, owner, e.u.sess.ShiftID()); err != nil {
		e.t.Fatal(err)
	}
	e.login(name, pin)
	e.press(fyne.KeyReturn) // open the shift
	if e.u.sess == nil || e.u.sess.Name() != name || e.u.sess.ShiftID() == 0 {
		e.t.Fatalf("%s is not logged in on shift", name)
	}
}

// Above the programme's limit a clerk cannot hand the reward out alone:
// the dialog asks for a manager's PIN, a wrong one changes nothing, the
// owner's PIN approves it.
func TestRedeemAboveLimitNeedsManagerPIN(t *testing.T) {
	prog := stampProgramme()
	prog.PINAbove = 3 // a 5-stamp reward needs a manager
	e := loggedIn(t, withLoyalty(prog))
	card := e.enrolled("0555 000 111", "")
	e.stamps(card.Code, 5)
	e.stockParcels(10, 0)
	e.clerkOnShift("Бакыт", "5831")

	e.scan("12345678*4321")
	e.ctrl(keyRedeem)
	if e.u.modal == nil {
		t.Fatal("no confirmation dialog")
	}
	e.typeSlow("0000")
	e.press(fyne.KeyReturn)
	if e.u.modal == nil {
		t.Fatal("a wrong manager PIN closed the dialog")
	}
	if got := e.card(card.Code).Balance; got != 5 {
		t.Fatalf("a wrong PIN took stamps: %d left", got)
	}
	e.typeSlow(ownerPIN)
	e.press(fyne.KeyReturn)
	if e.u.modal != nil {
		t.Fatal("the owner's PIN did not approve the reward")
	}
	if got := e.card(card.Code).Balance; got != 0 {
		t.Fatalf("approved reward left %d stamps, want 0", got)
	}
}

// The same limit does not stop a manager on their own shift.
func TestRedeemAboveLimitByOwnerNeedsNoPIN(t *testing.T) {
	prog := stampProgramme()
	prog.PINAbove = 3
	e := loggedIn(t, withLoyalty(prog))
	card := e.enrolled("0555 000 111", "")
	e.stamps(card.Code, 5)
	e.stockParcels(10, 0)
	e.scan("12345678*4321")
	e.ctrl(keyRedeem)
	e.press(fyne.KeyReturn)
	if got := e.card(card.Code).Balance; got != 0 {
		t.Fatalf("the owner's reward left %d stamps, want 0", got)
	}
}

// The customer shows their card's QR on the phone instead of a pickup
// code: their parcels open with the card; a tampered QR is refused.
func TestCardQROpensHoldersParcels(t *testing.T) {
	e := loggedIn(t, withLoyalty(stampProgramme()))
	card := e.enrolled("0555 000 111", "")
	tr := e.stockParcels(10, 0)
	qr, err := e.loy.CardQR(e.ctx, card)
	if err != nil {
		t.Fatal(err)
	}
	forged := qr[:len(qr)-2] + map[bool]string{true: "AA", false: "BB"}[qr[len(qr)-2:] != "AA"]
	e.scan(forged)
	if is := e.screen("issue").(*issueScreen); len(is.rows) != 0 {
		t.Fatal("a forged card opened parcels")
	}
	e.bannerSays(e.screen("counter").(*counterScreen).banner, e.u.Err(errsForged()))

	e.scan(qr)
	is := e.screen("issue").(*issueScreen)
	if e.u.shell.current != "issue" || len(is.rows) != 1 || is.rows[0].p.Track != tr[0] {
		t.Fatalf("the card's QR opened %d parcels on %s, want the holder's one", len(is.rows), e.u.shell.current)
	}
	if is.loy.card == nil || is.loy.card.Code != card.Code {
		t.Fatal("the scanned card is not on the strip")
	}
}

func errsForged() error { return errs.New(loyaltycard.ErrForged) }

// With the receipt printed at every issue, the clerk still reads what the
// card got: the printer's note goes under the result, not over it.
func TestStampNoteSurvivesReceiptPrinting(t *testing.T) {
	paper := &paperFake{jobs: make(chan []byte, 8)}
	e := loggedIn(t, withPrinter(paper), withLoyalty(stampProgramme()))
	setReceipt(t, e, counter.ReceiptAlways)
	e.enrolled("0555 000 111", "")
	tr := e.stockParcels(10, 0)
	e.scan("12345678*4321")
	e.scan(tr[0])
	e.press(keyIssue)
	b := e.screen("issue").(*issueScreen).banner
	e.bannerSays(b, "+1 штамп")
	e.bannerSays(b, "POS")
	if out := printedText(t, paper); !strings.Contains(out, tr[0]) {
		t.Fatalf("receipt:\n%s", out)
	}
}
