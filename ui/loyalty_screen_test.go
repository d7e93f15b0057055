package ui

import (
	"cmp"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/counter"
	"smartpoint/app/loyalty"
	"smartpoint/app/loyaltycard"
	"smartpoint/app/store"
)

// loyCtrlL is the Loyalty screen's shortcut as the window receives it.
var loyCtrlL = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierControl}

// loyOpen presses Ctrl+L and returns the screen.
func (e *env) loyOpen() *loyaltyScreen {
	e.t.Helper()
	e.u.shortcut(loyCtrlL)
	if e.u.shell.current != "loyalty" {
		e.t.Fatalf("Ctrl+L opened %q", e.u.shell.current)
	}
	return e.screen("loyalty").(*loyaltyScreen)
}

// loyTexts is every text a person can see under o: labels, buttons,
// plain texts and fields, skipping hidden parts.
func loyTexts(o fyne.CanvasObject) []string {
	var out []string
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch x := o.(type) {
		case *widget.Label:
			out = append(out, x.Text)
		case *widget.Button:
			out = append(out, x.Text)
		case *canvas.Text:
			out = append(out, x.Text)
		case *Entry:
			out = append(out, x.Text)
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}

// loyWindowText is what the whole window shows, dialogs included.
func (e *env) loyWindowText() string {
	c := e.u.Window().Canvas()
	all := loyTexts(c.Content())
	for _, o := range c.Overlays().List() {
		all = append(all, loyTexts(o)...)
	}
	return strings.Join(all, "\n")
}

// loyDialog is what the open dialog shows (title, texts, buttons).
func (e *env) loyDialog() string {
	e.t.Helper()
	if e.u.modal == nil {
		e.t.Fatal("no dialog is open")
	}
	return strings.Join(loyTexts(e.u.modal.pop.Content), "\n")
}

func (e *env) loyDialogSays(want string) {
	e.t.Helper()
	if got := e.loyDialog(); !strings.Contains(got, want) {
		e.t.Fatalf("dialog shows:\n%s\nwant %q in it", got, want)
	}
}

// loyShownCustomers are the names in the customer list as its rows show them.
func loyShownCustomers(s *loyaltyScreen) string {
	return strings.Join(loyTexts(s.cust.list), "\n")
}

// loyHistoryRows are the open customer card's history rows as the list
// draws them, top to bottom, cells joined by "|".
func loyHistoryRows(s *loyaltyScreen) []string {
	type row struct {
		y    float32
		text string
	}
	var rows []row
	var walk func(o fyne.CanvasObject, y float32)
	walk = func(o fyne.CanvasObject, y float32) {
		if o == nil || !o.Visible() {
			return
		}
		y += o.Position().Y
		switch x := o.(type) {
		case *fyne.Container:
			if _, ok := x.Layout.(loyCols); ok {
				rows = append(rows, row{y, strings.Join(loyTexts(x), "|")})
				return
			}
			for _, c := range x.Objects {
				walk(c, y)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c, y)
			}
		}
	}
	walk(s.detail.history, 0)
	slices.SortFunc(rows, func(a, b row) int { return cmp.Compare(a.y, b.y) })
	var out []string
	for _, r := range rows {
		out = append(out, r.text)
	}
	return out
}

// loyAdjusted gives a card n stamps as the owner would.
func (e *env) loyAdjusted(code string, n int) {
	e.t.Helper()
	if _, err := e.loy.Adjust(e.ctx, e.owner(), code, n, "начальный баланс"); err != nil {
		e.t.Fatal(err)
	}
}

// loyOpenCustomer scans the customer's card and opens them with Enter.
func (e *env) loyOpenCustomer(s *loyaltyScreen, c loyalty.Card) {
	e.t.Helper()
	e.scan(c.Code)
	if s.cust.selectedID() != c.Customer {
		e.t.Fatalf("scanning %s chose %q, want %q", c.Code, s.cust.selectedID(), c.Customer)
	}
	e.press(fyne.KeyReturn)
	if e.u.modal == nil {
		e.t.Fatal("Enter did not open the customer")
	}
}

func TestCtrlLOpensLoyalty(t *testing.T) {
	t.Run("with loyalty", func(t *testing.T) {
		e := loggedIn(t, withLoyalty(stampProgramme()))
		e.enrolled("0555 123 456", "Жылдыз")
		if e.u.shell.current != "counter" {
			t.Fatalf("starts on %q", e.u.shell.current)
		}
		b := e.u.shell.nav["loyalty"]
		if b == nil || b.Text != "Ctrl+L "+e.u.T("screen.loyalty") {
			t.Fatalf("navigation button %v", b)
		}
		if !e.u.shortcut(loyCtrlL) || e.u.shell.current != "loyalty" {
			t.Fatalf("Ctrl+L left the window on %q", e.u.shell.current)
		}
		s := e.screen("loyalty").(*loyaltyScreen)
		if !s.view().Visible() {
			t.Fatal("the Loyalty screen is not shown")
		}
		var tabs []string
		for _, it := range s.tabs.Items {
			tabs = append(tabs, it.Text)
		}
		if got := strings.Join(tabs, "|"); got != "Клиенты|Подозрительное|Сводка|Сегменты" {
			t.Fatalf("tabs %q", got)
		}
		if !strings.Contains(loyShownCustomers(s), "Жылдыз") {
			t.Fatalf("the list does not show the member:\n%s", loyShownCustomers(s))
		}
		// F10 twice: the dashboard, computed in the background.
		d := s.pages[2].(*loyDashboard)
		done := make(chan struct{})
		d.loaded = func() { close(done) }
		e.press(keyLoyaltyNext)
		e.press(keyLoyaltyNext)
		<-done
		if s.tabs.Selected().Text != "Сводка" || !strings.Contains(d.head.Text, "Период") {
			t.Fatalf("F10 twice shows %q: %q", s.tabs.Selected().Text, d.head.Text)
		}
	})
	t.Run("without loyalty", func(t *testing.T) {
		e := loggedIn(t)
		if e.u.shell.nav["loyalty"] != nil || e.u.shell.screens["loyalty"] != nil {
			t.Fatal("a window without loyalty has the Loyalty screen")
		}
		if strings.Contains(e.loyWindowText(), e.u.T("screen.loyalty")) {
			t.Fatal("a Loyalty button is shown without loyalty")
		}
		e.u.shortcut(loyCtrlL)
		if e.u.shell.current != "counter" || e.u.modal != nil {
			t.Fatalf("Ctrl+L without loyalty went to %q", e.u.shell.current)
		}
	})
}

func TestLoyaltyScreenSearchByPhoneDigitsShowsMaskedPhone(t *testing.T) {
	e := loggedIn(t, withLoyalty(stampProgramme()))
	e.enrolled("0555 123 456", "Жылдыз")
	e.enrolled("0700 987 654", "Бакыт")
	s := e.loyOpen()
	// A click on the list (which takes the focus) leaves typing to the scan field.
	e.u.Window().Canvas().Focus(s.cust.list)
	if e.focused() != e.u.shell.sink {
		t.Fatalf("the list kept the keyboard: %T", e.focused())
	}
	e.typeSlow("123456")
	e.press(fyne.KeyReturn)
	if len(s.cust.rows) != 1 {
		t.Fatalf("%d customers found", len(s.cust.rows))
	}
	rows := loyShownCustomers(s)
	if !strings.Contains(rows, "+996•••••3456") || !strings.Contains(rows, "Жылдыз") || strings.Contains(rows, "Бакыт") {
		t.Fatalf("the list shows:\n%s", rows)
	}
	e.bannerSays(s.banner, "Найден 1 клиент")
	all := e.loyWindowText()
	for _, full := range []string{"555123456", "555 123 456", "123456"} {
		if strings.Contains(all, full) {
			t.Fatalf("the window shows the phone digits %q:\n%s", full, all)
		}
	}
	// Escape clears the filter: both members again.
	e.press(fyne.KeyEscape)
	if rows := loyShownCustomers(s); !strings.Contains(rows, "Бакыт") || !strings.Contains(rows, "Жылдыз") {
		t.Fatalf("after Escape the list shows:\n%s", rows)
	}
}

func TestLoyaltyScreenScanCardSelectsCustomer(t *testing.T) {
	e := loggedIn(t, withLoyalty(stampProgramme()))
	first := e.enrolled("0555 123 456", "Жылдыз")
	second := e.enrolled("0700 987 654", "Бакыт")
	s := e.loyOpen()
	e.scan(first.Code)
	if s.cust.selectedID() != first.Customer {
		t.Fatalf("scan chose %q", s.cust.selectedID())
	}
	e.bannerSays(s.banner, loyalty.FormatCode(first.Code))
	e.bannerSays(s.banner, "Жылдыз")
	// With the filter cleared both are listed, the newer first; ↑/↓ move
	// the choice and Enter opens the one chosen.
	e.press(fyne.KeyEscape)
	if len(s.cust.rows) != 2 || s.cust.sel != 1 || s.cust.selectedID() != first.Customer {
		t.Fatalf("after Escape: %d rows, chosen %d", len(s.cust.rows), s.cust.sel)
	}
	e.press(fyne.KeyUp)
	if s.cust.selectedID() != second.Customer {
		t.Fatal("↑ did not move the choice")
	}
	e.press(fyne.KeyDown)
	e.press(fyne.KeyUp)
	e.press(fyne.KeyReturn)
	e.loyDialogSays("Бакыт")
	e.press(fyne.KeyEscape)

	// A card QR signed by someone else is refused, whatever id it carries.
	other, err := loyaltycard.GenerateKeys()
	if err != nil {
		t.Fatal(err)
	}
	forged, err := loyaltycard.QRText(other.Private, second.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.scan(forged)
	e.bannerSays(s.banner, e.u.T("err.loyaltycard.forged"))
	if s.banner.tone != toneError || s.cust.selectedID() != second.Customer {
		t.Fatal("a forged card is not refused as an error")
	}
}

func TestLoyaltyAdjustWithReasonChangesBalanceAndHistory(t *testing.T) {
	e := loggedIn(t, withLoyalty(stampProgramme()))
	c := e.enrolled("0555 123 456", "Жылдыз")
	s := e.loyOpen()
	e.loyOpenCustomer(s, c)
	e.press(keyLoyAdjust)
	e.loyDialogSays("Корректировка")
	e.typeSlow("2")
	e.press(fyne.KeyReturn) // to the reason
	e.typeSlow("Штамп не поставили")
	e.press(fyne.KeyReturn)
	if got := e.card(c.Code).Balance; got != 2 {
		t.Fatalf("stored balance %d, want 2", got)
	}
	e.loyDialogSays("Баланс исправлен: +2, теперь 2")
	e.loyDialogSays("Баланс: 2")
	if h := loyHistoryRows(s); len(h) != 1 || !strings.Contains(h[0], "Корректировка|+2|") || !strings.Contains(h[0], "|Айгуль|Штамп не поставили|") {
		t.Fatalf("history shows %q", h)
	}
	e.press(fyne.KeyEscape)
	if !strings.Contains(loyShownCustomers(s), "Жылдыз") || s.cust.rows[s.cust.sel].Balance != 2 {
		t.Fatalf("the list shows balance %d", s.cust.rows[s.cust.sel].Balance)
	}
}

func TestLoyaltyAdjustWithoutReasonIsRefused(t *testing.T) {
	e := loggedIn(t, withLoyalty(stampProgramme()))
	c := e.enrolled("0555 123 456", "Жылдыз")
	e.loyAdjusted(c.Code, 1)
	s := e.loyOpen()
	e.loyOpenCustomer(s, c)
	e.press(keyLoyAdjust)
	e.typeSlow("3")
	e.press(fyne.KeyReturn)
	e.press(fyne.KeyReturn) // no reason
	e.loyDialogSays(e.u.T("err.loyalty.reason_required"))
	if got := e.card(c.Code).Balance; got != 1 {
		t.Fatalf("balance %d after a refused adjustment, want 1", got)
	}
	d, err := e.loy.Customer(e.ctx, c.Customer)
	if err != nil || len(d.Movements) != 1 {
		t.Fatalf("history %+v %v", d.Movements, err)
	}
	// The dialog keeps what was typed; Escape goes back to the customer.
	e.press(fyne.KeyEscape)
	e.loyDialogSays("Жылдыз")
}

func TestLoyaltyReverseAccrual(t *testing.T) {
	e := loggedIn(t, withLoyalty(stampProgramme()))
	c := e.enrolled("0555 123 456", "Жылдыз")
	if _, err := e.loy.Accrue(e.ctx, e.u.sess, c.Code, "handover:T-1", loyalty.Visit{Parcels: 1}); err != nil {
		t.Fatal(err)
	}
	s := e.loyOpen()
	e.loyOpenCustomer(s, c)
	e.press(keyLoyReverse)
	e.loyDialogSays("выдача T-1")
	e.typeSlow("Выдали не тому")
	e.press(fyne.KeyReturn)
	if got := e.card(c.Code).Balance; got != 0 {
		t.Fatalf("balance %d after the reversal", got)
	}
	e.loyDialogSays("Начисление отменено")
	e.loyDialogSays("Выдали не тому")
	// Nothing is left to reverse.
	e.press(keyLoyReverse)
	e.loyDialogSays("Нет начислений")
}

func TestLoyaltyClerkSeesNoManagerActions(t *testing.T) {
	e := loggedIn(t, withLoyalty(stampProgramme()))
	c := e.enrolled("0555 123 456", "Жылдыз")
	e.loyAdjusted(c.Code, 2)
	if _, err := e.svc.CreateClerk(e.ctx, e.owner(), "Бекзат", counter.RoleClerk, "5831"); err != nil {
		t.Fatal(err)
	}
	e.loginAs("Бекзат", "5831")
	s := e.loyOpen()
	for _, it := range s.tabs.Items {
		if it.Text == "Подозрительное" {
			t.Fatal("a clerk gets the suspicious-activity report")
		}
	}
	e.loyOpenCustomer(s, c)
	text := e.loyDialog()
	for _, hidden := range []string{"F1 Корректировка", "F2 Отмена начисления", "F3 Объединить", "F4 Выгрузить данные", "F5 Обезличить"} {
		if strings.Contains(text, hidden) {
			t.Fatalf("a clerk sees %q:\n%s", hidden, text)
		}
	}
	if !strings.Contains(text, "F6 Новая карта") {
		t.Fatalf("a clerk cannot reissue:\n%s", text)
	}
	e.press(keyLoyAdjust)
	e.press(keyLoyAnonymise)
	if e.u.modal == nil || strings.Contains(e.loyDialog(), "Сколько") || e.card(c.Code).Balance != 2 {
		t.Fatal("F1/F5 did something for a clerk")
	}
}

func TestLoyaltyMergeLeavesOneWithSummedBalance(t *testing.T) {
	e := loggedIn(t, withLoyalty(stampProgramme()))
	a := e.enrolled("0555 111 111", "Айбек")
	b := e.enrolled("0700 222 222", "Айбек Т.")
	e.loyAdjusted(a.Code, 3)
	e.loyAdjusted(b.Code, 2)
	s := e.loyOpen()
	if len(s.cust.rows) != 2 {
		t.Fatalf("%d customers listed", len(s.cust.rows))
	}
	e.loyOpenCustomer(s, a)
	e.press(fyne.KeyEscape) // the card
	e.press(fyne.KeyEscape) // the filter: everyone again, A still chosen
	if len(s.cust.rows) != 2 || s.cust.selectedID() != a.Customer {
		t.Fatalf("after Escape: %d rows, chosen %q", len(s.cust.rows), s.cust.selectedID())
	}
	e.press(fyne.KeyReturn)
	e.press(keyLoyMerge)
	e.typeSlow("0700 222 222")
	e.press(fyne.KeyReturn)
	e.loyDialogSays("Какую запись оставить?")
	e.loyDialogSays("+996•••••2222")
	e.press(fyne.KeyF1) // keep A
	e.loyDialogSays("Записи объединены")
	e.loyDialogSays("баланс 5")
	if len(s.cust.rows) != 1 || s.cust.rows[0].ID != a.Customer || s.cust.rows[0].Balance != 5 {
		t.Fatalf("after the merge the list holds %+v", s.cust.rows)
	}
	rows := loyShownCustomers(s)
	if !strings.Contains(rows, "+996•••••1111") || strings.Contains(rows, "+996•••••2222") {
		t.Fatalf("the list shows:\n%s", rows)
	}
	if got := e.card(a.Code).Balance; got != 5 {
		t.Fatalf("kept card balance %d", got)
	}
}

func TestLoyaltyMergeWithItselfIsRefused(t *testing.T) {
	e := loggedIn(t, withLoyalty(stampProgramme()))
	a := e.enrolled("0555 111 111", "Айбек")
	s := e.loyOpen()
	e.loyOpenCustomer(s, a)
	e.press(keyLoyMerge)
	e.scan(a.Code) // the scan goes into the field, not to the screen
	e.press(fyne.KeyReturn)
	e.loyDialogSays(e.u.T("err.loyalty.same_customer"))
	if n := len(e.u.router.queue); n != 0 {
		t.Fatalf("%d scans still wait for the screen", n)
	}
}

func TestLoyaltyExportWritesJSONWithFullPhone(t *testing.T) {
	e := loggedIn(t, withLoyalty(stampProgramme()))
	c := e.enrolled("0555 123 456", "Жылдыз")
	s := e.loyOpen()
	e.loyOpenCustomer(s, c)
	e.press(keyLoyExport)
	path := s.banner.detail.Text
	if filepath.Dir(path) != store.ExportDir(e.u.dbPath()) || filepath.Ext(path) != ".json" {
		t.Fatalf("banner shows %q, want a .json in %s", path, store.ExportDir(e.u.dbPath()))
	}
	e.loyDialogSays(path)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "+996555123456") || !strings.Contains(string(data), loyalty.ExportFormat) {
		t.Fatalf("export lacks the full phone:\n%s", data)
	}
}

func TestLoyaltyAnonymiseRemovesCustomer(t *testing.T) {
	e := loggedIn(t, withLoyalty(stampProgramme()))
	c := e.enrolled("0555 123 456", "Жылдыз")
	e.enrolled("0700 987 654", "Бакыт")
	s := e.loyOpen()
	e.loyOpenCustomer(s, c)
	e.press(keyLoyAnonymise)
	e.loyDialogSays("нельзя отменить")
	e.press(fyne.KeyReturn)
	e.loyDialogSays("Обезличить навсегда?")
	e.press(fyne.KeyReturn) // Enter is not the answer to the second question
	if list, _ := e.loy.Customers(e.ctx, "Жылдыз", 10, 0); len(list) != 1 {
		t.Fatal("anonymised before the second confirmation")
	}
	e.press(keyLoyAnonymise)
	if e.u.modal != nil {
		t.Fatalf("a dialog stays open:\n%s", e.loyDialog())
	}
	e.bannerSays(s.banner, "Клиент обезличен")
	rows := loyShownCustomers(s)
	if strings.Contains(rows, "Жылдыз") || strings.Contains(rows, "+996•••••3456") || !strings.Contains(rows, "Бакыт") {
		t.Fatalf("after anonymising the list shows:\n%s", rows)
	}
	if list, _ := e.loy.Customers(e.ctx, "", 10, 0); len(list) != 1 {
		t.Fatalf("%d members left", len(list))
	}
}

func TestLoyaltyReissueGivesNewCodeAndOldIsRefused(t *testing.T) {
	e := loggedIn(t, withLoyalty(stampProgramme()))
	c := e.enrolled("0555 123 456", "Жылдыз")
	e.loyAdjusted(c.Code, 3)
	s := e.loyOpen()
	e.loyOpenCustomer(s, c)
	e.press(keyLoyReissue)
	// Someone else's number is refused and nothing changes.
	e.typeSlow("0700 987 654")
	e.press(fyne.KeyReturn)
	e.loyDialogSays("не совпадает")
	if e.card(c.Code).Status != loyalty.CardActive {
		t.Fatal("the card was revoked on a wrong phone")
	}
	e.u.modal.focus.(*Entry).SetText("")
	e.typeSlow("0555 123 456")
	e.press(fyne.KeyReturn)
	now, err := e.loy.FindCard(e.ctx, "0555123456")
	if err != nil || now.Code == c.Code || now.Balance != 3 {
		t.Fatalf("after reissue: %+v %v", now, err)
	}
	e.loyDialogSays("Новая карта: " + loyalty.FormatCode(now.Code))
	e.loyDialogSays(loyalty.FormatCode(c.Code) + " — заблокирована 23.11.2026: Карта утеряна")
	if h := loyHistoryRows(s); len(h) != 3 || !strings.Contains(h[0], "Перенос|+3|"+loyalty.FormatCode(now.Code)) ||
		!strings.Contains(h[1], "Перенос|-3|"+loyalty.FormatCode(c.Code)) || !strings.Contains(h[2], "Корректировка|+3|") {
		t.Fatalf("history shows %q", h)
	}
	e.press(fyne.KeyEscape)
	if !strings.Contains(loyShownCustomers(s), loyalty.FormatCode(now.Code)) {
		t.Fatalf("the list does not show the new code:\n%s", loyShownCustomers(s))
	}
	e.scan(c.Code)
	e.bannerSays(s.banner, e.u.T("err.loyalty.card_revoked", "Card", loyalty.FormatCode(c.Code)))
	e.scan(now.Code)
	if s.cust.selectedID() != c.Customer {
		t.Fatal("the new card does not find the customer")
	}
}

func TestLoyaltySuspiciousLeadsToCustomer(t *testing.T) {
	e := loggedIn(t, withLoyalty(stampProgramme()))
	c := e.enrolled("0555 123 456", "Жылдыз")
	for i := range loyalty.DefaultMaxPerDay + 1 {
		if _, err := e.loy.Accrue(e.ctx, e.u.sess, c.Code, "manual:"+strconv.Itoa(i), loyalty.Visit{Parcels: 1}); err != nil {
			t.Fatal(err)
		}
	}
	s := e.loyOpen()
	e.press(keyLoyaltyNext)
	if s.tabs.Selected().Text != "Подозрительное" {
		t.Fatalf("F10 shows %q", s.tabs.Selected().Text)
	}
	text := e.loyWindowText()
	if !strings.Contains(text, "+996•••••3456") || !strings.Contains(text, loyalty.FormatCode(c.Code)) {
		t.Fatalf("the report does not name the card:\n%s", text)
	}
	e.press(fyne.KeyReturn)
	e.loyDialogSays("Жылдыз")
}

func TestLoyaltyListPagesWithMore(t *testing.T) {
	e := loggedIn(t, withLoyalty(stampProgramme()))
	sess := e.owner()
	for i := range loyPageRows + 3 {
		if _, err := e.loy.Enrol(e.ctx, sess, "0555 "+strconv.Itoa(100000+i), "", true); err != nil {
			t.Fatal(err)
		}
	}
	s := e.loyOpen()
	if len(s.cust.rows) != loyPageRows || !s.cust.more {
		t.Fatalf("first page: %d rows, more %v", len(s.cust.rows), s.cust.more)
	}
	if !strings.Contains(s.cust.count.Text, "есть ещё") {
		t.Fatalf("count says %q", s.cust.count.Text)
	}
	e.press(keyLoyaltyTab)
	if len(s.cust.rows) != loyPageRows+3 || s.cust.more || s.cust.sel != loyPageRows {
		t.Fatalf("after F9: %d rows, more %v, chosen %d", len(s.cust.rows), s.cust.more, s.cust.sel)
	}
}

// TestLoyaltyScreenScreenshot draws the screen at 1366×768; with
// LOYALTY_SCREEN_SHOTS set to a folder it also writes loyalty-screen.png and
// loyalty-detail.png into that folder.
func TestLoyaltyScreenScreenshot(t *testing.T) {
	e := loggedIn(t, withLoyalty(stampProgramme()))
	names := []string{"Жылдыз Асанова", "Бакыт", "Айгерим Токтогулова", "", "Нурлан", "Мээрим", "Азамат Бекешов"}
	var first loyalty.Card
	for i, n := range names {
		c := e.enrolled("0555 12"+strconv.Itoa(3000+i*7), n)
		e.loyAdjusted(c.Code, i+1)
		if i == 0 {
			first = c
		}
	}
	for i := range loyalty.DefaultMaxPerDay + 1 {
		if _, err := e.loy.Accrue(e.ctx, e.u.sess, first.Code, "handover:H-"+strconv.Itoa(i), loyalty.Visit{Parcels: 1}); err != nil {
			t.Fatal(err)
		}
	}
	s := e.loyOpen()
	shot := func(name string) {
		e.u.Window().Content().Refresh()
		img := e.u.Window().Canvas().Capture()
		if b := img.Bounds(); b.Dx() < 1366 || b.Dy() < 768 {
			t.Fatalf("captured %v", b)
		}
		dir := os.Getenv("LOYALTY_SCREEN_SHOTS")
		if dir == "" {
			return
		}
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
	}
	shot("loyalty-screen.png")
	if len(s.cust.rows) != len(names) {
		t.Fatalf("%d rows", len(s.cust.rows))
	}
	e.loyOpenCustomer(s, first)
	shot("loyalty-detail.png")
	e.press(keyLoyAdjust)
	shot("loyalty-adjust.png")
	e.press(fyne.KeyEscape)
	e.press(keyLoyMerge)
	e.typeSlow("0555 123 007")
	e.press(fyne.KeyReturn)
	e.loyDialogSays("Какую запись оставить?")
	shot("loyalty-merge.png")
	e.press(fyne.KeyEscape)
	e.press(keyLoyReissue)
	shot("loyalty-reissue.png")
	e.press(fyne.KeyEscape)
	e.press(fyne.KeyEscape)
	e.press(keyLoyaltyNext)
	if !strings.Contains(e.loyWindowText(), loyalty.FormatCode(first.Code)) {
		t.Fatal("the suspicious report does not show the card stamped 6 times")
	}
	shot("loyalty-suspicious.png")
}
