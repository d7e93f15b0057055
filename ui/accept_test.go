package ui

import (
	"io"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/counter"
	"smartpoint/device/sound"
)

// manifestRows are kgpost manifest rows for the tracks, one customer each.
func manifestRows(tracks ...string) []string {
	var rows []string
	for i, tr := range tracks {
		rows = append(rows, tr+";Клиент "+string(rune('А'+i))+";0555 000 1"+string(rune('0'+i%10))+"0;S;0;")
	}
	return rows
}

// openAccept imports a manifest of n kgpost parcels and opens Acceptance.
func openAccept(t *testing.T, n int) (*env, *acceptScreen, []string) {
	t.Helper()
	e := loggedIn(t)
	var tracks []string
	for i := range n {
		tracks = append(tracks, s10(100+i))
	}
	e.importCSV(manifestRows(tracks...)...)
	e.press(fyne.KeyF2)
	if e.u.shell.current != "accept" {
		t.Fatalf("F2 opened %q", e.u.shell.current)
	}
	return e, e.screen("accept").(*acceptScreen), tracks
}

// modalText is what the open dialog says: its title, labels and buttons.
func (e *env) modalText() string {
	e.t.Helper()
	if e.u.modal == nil {
		e.t.Fatal("no dialog is open")
	}
	var b strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case *canvas.Text:
			b.WriteString(w.Text + "\n")
		case *widget.Label:
			b.WriteString(w.Text + "\n")
		case *widget.Button:
			b.WriteString(w.Text + "\n")
		}
	}
	walk(e.u.modal.pop.Content)
	return b.String()
}

func TestAcceptExpectedParcelShowsCellAndCommits(t *testing.T) {
	e, s, tr := openAccept(t, 3)
	e.scan(tr[0])
	p := e.parcel(tr[0])
	if p.Status != counter.StatusStored || p.Cell == "" {
		t.Fatalf("parcel %s: status %s cell %q, want stored in a cell", tr[0], p.Status, p.Cell)
	}
	if s.banner.big.Text != p.Cell {
		t.Fatalf("banner number %q, want the cell %q", s.banner.big.Text, p.Cell)
	}
	e.bannerSays(s.banner, "Принята")
	if e.lastTone() != sound.Success || s.banner.tone != toneOK {
		t.Fatalf("tone %v / %v, want success", e.lastTone(), s.banner.tone)
	}
	if len(s.recent.lines) != 1 || !strings.Contains(s.recent.lines[0].text, tr[0]) {
		t.Fatalf("recent scans %+v", s.recent.lines)
	}
}

// With AutoDelivery (the default) the first scan opens the delivery: the
// partner and the manifest come from the parcel, so progress shows.
func TestAcceptFirstScanOpensDeliveryAndProgress(t *testing.T) {
	e, s, tr := openAccept(t, 4)
	if !e.u.settings.AutoDelivery {
		t.Fatal("AutoDelivery must be on by default")
	}
	if s.delivery.ID != 0 {
		t.Fatal("a delivery is open before any scan")
	}
	e.scan(tr[0])
	d := s.delivery
	if d.ID == 0 || d.Partner != "kgpost" || d.ManifestID == 0 {
		t.Fatalf("delivery %+v: want one opened for kgpost's manifest", d)
	}
	if p := e.parcel(tr[0]); p.DeliveryID != d.ID {
		t.Fatalf("parcel accepted into delivery %d, screen shows %d", p.DeliveryID, d.ID)
	}
	if !strings.Contains(s.startB.Text, "F9") || !strings.Contains(s.startB.Text, "Завершить") {
		t.Fatalf("F9 button %q must offer to finish the open delivery", s.startB.Text)
	}
	e.scan(tr[1])
	e.scan(tr[2])
	if !s.progress.Visible() || s.progress.Max != 4 || s.progress.Value != 3 {
		t.Fatalf("progress %v/%v visible %v, want 3 of 4", s.progress.Value, s.progress.Max, s.progress.Visible())
	}
	if !strings.Contains(s.count.Text, "3 из 4") {
		t.Fatalf("count label %q", s.count.Text)
	}
	if s.delivery.ID != d.ID {
		t.Fatal("each scan must stay in the same delivery")
	}
}

func TestAcceptStartDeliveryWithF9(t *testing.T) {
	e, s, tr := openAccept(t, 2)
	s.selectPartner("kgpost")
	if s.manifestID() == 0 {
		t.Fatal("the partner's waiting manifest must be preselected")
	}
	e.press(keyDelivery)
	if s.delivery.ID == 0 || s.delivery.ManifestID != s.manifests[0].ID || s.delivery.Expected != 2 {
		t.Fatalf("F9 opened %+v", s.delivery)
	}
	e.scan(tr[1])
	if p := e.parcel(tr[1]); p.DeliveryID != s.delivery.ID {
		t.Fatal("the scan did not go into the delivery opened with F9")
	}
}

func TestAcceptUnexpectedWarns(t *testing.T) {
	e, s, _ := openAccept(t, 2)
	stray := s10(777)
	e.scan(stray)
	p := e.parcel(stray)
	if !p.Unexpected || p.Status != counter.StatusStored {
		t.Fatalf("stray parcel %+v: want stored and flagged unexpected", p)
	}
	if e.lastTone() != sound.Warning || s.banner.tone != toneWarn {
		t.Fatalf("tone %v, want warning", e.lastTone())
	}
	e.bannerSays(s.banner, "Нет в манифесте")
	e.bannerSays(s.banner, p.Cell)
}

func TestAcceptDuplicateNotTwice(t *testing.T) {
	e, s, tr := openAccept(t, 2)
	e.scan(tr[0])
	cell := e.parcel(tr[0]).Cell
	e.scan(tr[0])
	if e.lastTone() != sound.Warning {
		t.Fatalf("tone %v, want warning for a repeated scan", e.lastTone())
	}
	e.bannerSays(s.banner, "Уже принята")
	e.bannerSays(s.banner, cell)
	if s.delivery.Scanned != 1 {
		t.Fatalf("delivery counts %d accepted, want 1", s.delivery.Scanned)
	}
	if p := e.parcel(tr[0]); p.Cell != cell {
		t.Fatalf("the repeated scan moved the parcel to %s", p.Cell)
	}
}

func TestAcceptDamagedToggleAppliesToNextScan(t *testing.T) {
	e, s, tr := openAccept(t, 2)
	e.press(keyDamaged)
	if e.u.modal == nil {
		t.Fatal("F10 must ask for a damage note")
	}
	e.typeSlow("мятая коробка")
	e.press(fyne.KeyReturn)
	if e.u.modal != nil || !s.damaged {
		t.Fatal("Enter must arm the damaged mark")
	}
	if !strings.Contains(s.damagedB.Text, "F10") || s.damagedB.Importance != widget.DangerImportance {
		t.Fatalf("damaged button %q must show the mark is on", s.damagedB.Text)
	}
	e.scan(tr[0])
	p := e.parcel(tr[0])
	if !p.Damaged || p.DamageNote != "мятая коробка" || p.Status != counter.StatusStored {
		t.Fatalf("parcel %+v: want stored, damaged, with the note", p)
	}
	e.bannerSays(s.banner, "повреждением")
	if e.lastTone() != sound.Warning {
		t.Fatalf("tone %v", e.lastTone())
	}
	if s.damaged {
		t.Fatal("the mark must apply to one scan only")
	}
	e.scan(tr[1])
	if e.parcel(tr[1]).Damaged {
		t.Fatal("the scan after the damaged one was marked damaged")
	}
}

func TestAcceptErrorForIssuedParcel(t *testing.T) {
	e := loggedIn(t)
	tr := e.stockParcels(10, 0)
	e.scan("12345678*4321")
	e.scan(tr[0])
	e.press(keyIssue)
	if e.parcel(tr[0]).Status != counter.StatusIssued {
		t.Fatal("setup: parcel not issued")
	}
	e.press(fyne.KeyF2)
	s := e.screen("accept").(*acceptScreen)
	e.scan(tr[0])
	if e.lastTone() != sound.Error || s.banner.tone != toneError {
		t.Fatalf("tone %v, want error", e.lastTone())
	}
	e.bannerSays(s.banner, "выдана")
}

func TestAcceptFinishShowsDiscrepancies(t *testing.T) {
	e, s, tr := openAccept(t, 3)
	e.scan(tr[0])
	e.scan(tr[1])
	stray := s10(555)
	e.scan(stray)
	id := s.delivery.ID
	e.press(keyDelivery)
	if e.u.modal == nil {
		t.Fatal("F9 on an open delivery must ask to finish it")
	}
	e.press(fyne.KeyReturn)
	if s.delivery.ID != 0 {
		t.Fatal("the delivery is still open on screen")
	}
	if !strings.Contains(s.startB.Text, "Начать") {
		t.Fatalf("F9 button %q after finishing", s.startB.Text)
	}
	text := e.modalText()
	if !strings.Contains(text, "Акт приёмки") {
		t.Fatalf("the act is not shown: %q", text)
	}
	d, err := e.svc.Delivery(e.ctx, id)
	if err != nil || d.ClosedAt.IsZero() {
		t.Fatalf("delivery %d not closed: %v", id, err)
	}
	dis := counter.Discrepancies{Delivery: d,
		Missing: []counter.Parcel{e.parcel(tr[2])}, Unexpected: []counter.Parcel{e.parcel(stray)}}
	act := strings.Join(e.u.acceptActLines(dis, "kgpost", "M-1"), "\n")
	for _, want := range []string{tr[2], stray, "Не поступило: 1", "Без манифеста: 1", "Принято: 3"} {
		if !strings.Contains(act, want) {
			t.Fatalf("act lacks %q:\n%s", want, act)
		}
	}
	// What the dialog lists is the service's discrepancy list.
	if !strings.Contains(strings.Join(s.lastAct, "\n"), tr[2]+"  Клиент") {
		t.Fatalf("the shown act does not list the missing parcel %s:\n%s", tr[2], strings.Join(s.lastAct, "\n"))
	}
	if strings.Contains(strings.Join(s.lastAct, "\n"), tr[0]) {
		t.Fatal("an accepted parcel is listed in the act as a discrepancy")
	}
}

// waitImport runs the import the button runs and waits for its report.
func waitImport(t *testing.T, s *acceptScreen, name, csv string) error {
	t.Helper()
	done := make(chan error, 1)
	s.onImported = func(err error) { done <- err }
	s.importFrom(name, func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(csv)), nil }, false)
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("the import did not finish")
	}
	return nil
}

const csvHead = "Трек;Получатель;Телефон;Размер;К оплате;Код выдачи\n"

func TestAcceptImportManifestFromFile(t *testing.T) {
	e := loggedIn(t)
	e.press(fyne.KeyF2)
	s := e.screen("accept").(*acceptScreen)
	a, b := s10(201), s10(202)
	s.selectPartner("kgpost")
	if err := waitImport(t, s, "good.csv", csvHead+a+";Айбек;0555 111 222;S;0;\n"+b+";Нурлан;0555 111 333;M;300;\n"); err != nil {
		t.Fatalf("import: %v", err)
	}
	text := e.modalText()
	if !strings.Contains(text, "загружен") || !strings.Contains(text, "2") {
		t.Fatalf("import report %q", text)
	}
	for _, tr := range []string{a, b} {
		if p := e.parcel(tr); p.Status != counter.StatusExpected || p.Partner != "kgpost" {
			t.Fatalf("%s: %+v, want expected for kgpost", tr, p)
		}
	}
	if s.manifestID() == 0 || s.manifests[0].Rows != 2 {
		t.Fatalf("the new manifest must be listed and selected: %+v", s.manifests)
	}
	e.press(fyne.KeyReturn) // close the report
	e.scan(a)
	if s.delivery.ManifestID != s.manifests[0].ID || s.delivery.Expected != 2 {
		t.Fatalf("delivery %+v, want it against the imported manifest", s.delivery)
	}
}

func TestAcceptImportBadFileChangesNothing(t *testing.T) {
	e := loggedIn(t)
	e.press(fyne.KeyF2)
	s := e.screen("accept").(*acceptScreen)
	s.selectPartner("kgpost")
	good, bad := s10(301), s10(302)
	err := waitImport(t, s, "bad.csv", csvHead+good+";Айбек;0555 111 222;S;0;\n"+bad+";Нурлан;0555 111 333;M;много;\n")
	if err == nil {
		t.Fatal("a file with a bad row must be refused")
	}
	text := e.modalText()
	for _, want := range []string{"bad.csv", "Ничего не изменено", "Строка 3", "много"} {
		if !strings.Contains(text+strings.Join(s.lastReport, "\n"), want) {
			t.Fatalf("the report lacks %q: %q %q", want, text, s.lastReport)
		}
	}
	if e.lastTone() != sound.Error {
		t.Fatalf("tone %v", e.lastTone())
	}
	res, serr := e.svc.Search(e.ctx, e.u.sess, good, 2)
	if serr != nil || len(res.Parcels) != 0 {
		t.Fatalf("a refused file left parcels: %v %+v", serr, res.Parcels)
	}
	if ms, _ := e.svc.Manifests(e.ctx, 10); len(ms) != 0 {
		t.Fatalf("a refused file left a manifest: %+v", ms)
	}
	// The clerk may import the good rows (F1 in the report).
	done := make(chan error, 1)
	s.onImported = func(err error) { done <- err }
	e.press(fyne.KeyF1)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("skipping bad rows: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the import did not finish")
	}
	if p := e.parcel(good); p.Status != counter.StatusExpected {
		t.Fatalf("good row not imported: %+v", p)
	}
}

// Without AutoDelivery a scan before F9 is refused and says what to do.
func TestAcceptWithoutAutoDeliveryNeedsF9(t *testing.T) {
	e, s, tr := openAccept(t, 1)
	e.u.settings.AutoDelivery = false
	e.scan(tr[0])
	if e.lastTone() != sound.Error || s.delivery.ID != 0 {
		t.Fatal("a scan without an open delivery must be refused")
	}
	e.bannerSays(s.banner, "F9")
	if p := e.parcel(tr[0]); p.Status != counter.StatusExpected {
		t.Fatalf("parcel %s accepted without a delivery", p.Status)
	}
}
