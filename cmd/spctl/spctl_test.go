package main

import (
	"context"
	"os"
	"path/filepath"
	"smartpoint/app/scan"
	"strconv"
	"strings"
	"testing"

	"smartpoint/app/counter"
	"smartpoint/app/i18n"
	"smartpoint/app/store"
)

func TestInitSetsUpThePoint(t *testing.T) {
	p := newDir(t)
	r := p.run("--json", "init", "--name", "ПВЗ Ала-Тоо", "--country", "kg", "--owner", ownerName, "--pin", ownerPIN,
		"--address", "Бишкек, Чуй 1", "--racks", "A-B", "--shelves", "2", "--cells", "5")
	got := into[initResult](t, r)
	if got.Point.Name != "ПВЗ Ала-Тоо" || got.Point.Country != "KG" || got.Point.Currency != "KGS" || got.Point.Language != "ru" {
		t.Errorf("point %+v", got.Point)
	}
	if got.Owner != ownerName || got.Cells != 20 || got.DB != p.db {
		t.Errorf("result %+v", got)
	}
	if !strings.Contains(strings.Join(got.Partners, ","), "kgpost") {
		t.Errorf("partners %v: want the KG defaults", got.Partners)
	}
	if _, err := os.Stat(p.db); err != nil {
		t.Fatal(err)
	}
	// The owner can log in with the PIN given.
	if r := p.ok("shift", "open"); !strings.Contains(r.stdout, ownerName) {
		t.Errorf("shift open: %v", r)
	}
}

func TestInitTextSummaryAndPINFromEnv(t *testing.T) {
	p := newDir(t) // SMARTPOINT_PIN is set: init takes the owner's PIN from it
	r := p.ok("init", "--name", "ПВЗ Ош", "--country", "KG", "--owner", ownerName, "--partners", "wb,ozon", "--racks=")
	for _, want := range []string{
		ru("cli.init.done", "Name", "ПВЗ Ош", "Country", "KG", "Currency", "KGS"),
		ru("cli.init.partners", "List", "Ozon, Wildberries"),
		ru("cli.init.cells", "Count", 0),
		ru("cli.init.db", "Path", p.db),
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("summary lacks %q:\n%v", want, r)
		}
	}
}

func TestInitTwiceIsRefusedInRussian(t *testing.T) {
	p := newPoint(t)
	r := p.run("init", "--name", "Другой", "--country", "RU", "--owner", "Пётр", "--pin", "2580")
	if r.code != exitRefused {
		t.Fatalf("second init: %v", r)
	}
	want := i18n.Default().T(i18n.RU, "err.setup.already_done", nil)
	if !strings.Contains(r.stderr, want) {
		t.Errorf("stderr lacks the Russian message %q:\n%v", want, r)
	}
	rep := decode(t, p.run("--json", "init", "--name", "Другой", "--country", "RU", "--owner", "Пётр", "--pin", "2580"))
	if rep.OK || rep.Error.Code != "setup.already_done" || rep.Error.Message != want {
		t.Errorf("json: %+v", rep.Error)
	}
	// Nothing changed: the first point's profile is intact.
	if r := p.ok("partners", "list"); !strings.Contains(r.stdout, "kgpost") {
		t.Errorf("partners after refused init: %v", r)
	}
}

func TestInitWithoutRequiredFlagsIsAUsageError(t *testing.T) {
	p := newDir(t)
	delete(p.env, "SMARTPOINT_PIN")
	r := p.run("init", "--name", "ПВЗ")
	if r.code != exitUsage {
		t.Fatalf("%v", r)
	}
	if want := ru("cli.err.missing_flags", "Flags", "--country, --owner, --pin"); !strings.Contains(r.stderr, want) {
		t.Errorf("stderr lacks %q:\n%v", want, r)
	}
	if _, err := os.Stat(p.db); err == nil {
		t.Error("a refused init created the database file")
	}
}

func TestGuidedInitAsksEachQuestion(t *testing.T) {
	p := newDir(t)
	answers := strings.Join([]string{
		"ПВЗ Кара-Балта", // name
		"ул. Ленина 5",   // address
		"",               // phone
		"",               // hours
		"XX",             // country: refused, asked again
		"kz",             // country
		"",               // language [ru]
		"wb,nope",        // partners: unknown one, asked again
		"",               // partners [the country's]
		"Данияр",         // owner
		"1111",           // weak PIN, asked again
		"7391",           // PIN
		"7392",           // repeat differs: asked again
		"7391",           // PIN
		"7391",           // repeat
		"K",              // racks
		"1",              // shelves
		"abc",            // cells: not a number
		"3",              // cells
		"l",              // size
		"",               // capacity [3]
	}, "\n") + "\n"
	var out, errb strings.Builder
	c := newCLI(context.Background(), strings.NewReader(answers), &out, &errb, func(k string) string {
		return map[string]string{"SMARTPOINT_LANG": "ru"}[k]
	})
	c.interactive = true
	code := c.main([]string{"--db", p.db, "--json", "init"})
	c.close()
	if code != 0 {
		t.Fatalf("guided init exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	got := into[initResult](t, res{stdout: out.String()})
	if got.Point.Name != "ПВЗ Кара-Балта" || got.Point.Address != "ул. Ленина 5" || got.Point.Country != "KZ" ||
		got.Point.Currency != "KZT" || got.Owner != "Данияр" || got.Cells != 3 {
		t.Errorf("result %+v", got)
	}
	if strings.Contains(strings.Join(got.Partners, ","), "nope") || len(got.Partners) < 3 {
		t.Errorf("partners %v: want the KZ defaults", got.Partners)
	}
	for _, want := range []string{ru("cli.ask.name"), ru("cli.ask.country") + " [KG]", ru("cli.ask.pin_mismatch"), ru("cli.ask.pin_visible")} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("prompts lack %q:\n%s", want, errb.String())
		}
	}
	p.env["SMARTPOINT_CLERK"], p.env["SMARTPOINT_PIN"] = "Данияр", "7391"
	cells := into[[]counter.Cell](t, p.ok("--json", "cells", "list"))
	if len(cells) != 3 || cells[0].Label != "K-1-01" || cells[0].Size != "L" || cells[0].Capacity != 3 {
		t.Errorf("cells %+v", cells)
	}
	p.ok("shift", "open")
}

func TestGuidedInitStopsWhenInputEnds(t *testing.T) {
	p := newDir(t)
	var out, errb strings.Builder
	c := newCLI(context.Background(), strings.NewReader("ПВЗ\n"), &out, &errb, func(string) string { return "" })
	c.interactive = true
	code := c.main([]string{"--db", p.db, "--lang", "ru", "init"})
	c.close()
	if code != exitRefused || !strings.Contains(errb.String(), ru("cli.err.input_closed")) {
		t.Fatalf("exit %d\n%s", code, errb.String())
	}
}

func TestImportManifestPrintsSummary(t *testing.T) {
	p := newPoint(t)
	file := p.manifest(3)
	r := p.ok("import-manifest", "--partner", "kgpost", file)
	for _, want := range []string{ru("cli.import.rows", "Count", 3), ru("cli.import.saved", "Count", 3)} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("summary lacks %q:\n%v", want, r)
		}
	}
	again := into[counter.ImportResult](t, p.ok("--json", "import-manifest", "--partner", "kgpost", file))
	if !again.AlreadyImported || again.Saved != 0 {
		t.Errorf("second import %+v: want already imported", again)
	}
}

func TestBadManifestChangesNothing(t *testing.T) {
	p := newPoint(t)
	p.ok("import-manifest", "--partner", "kgpost", p.manifest(2))
	before := into[doctorResult](t, p.ok("--json", "doctor")).Parcels
	bad := p.writeFile("bad.csv", "Трек;Получатель;Телефон;Размер;К оплате\n"+
		s10(7)+";Асан;0555 000 007;M;10\n"+
		";Без трека;0555 000 008;M;0\n"+
		s10(9)+";Үсөн;0555 000 009;огромный;0\n")
	r := p.run("import-manifest", "--partner", "kgpost", bad)
	if r.code != exitRefused {
		t.Fatalf("bad manifest: %v", r)
	}
	for _, line := range []string{"3", "4"} {
		if want := ru("cli.import.row_error", "Line", line, "Message", ""); !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%v", want, r)
		}
	}
	if after := into[doctorResult](t, p.ok("--json", "doctor")).Parcels; after != before {
		t.Errorf("parcels %d → %d after a refused import", before, after)
	}
	rep := decode(t, p.run("--json", "import-manifest", "--partner", "kgpost", bad))
	if rep.OK || rep.Error.Code != "manifest.rows_invalid" || rep.Error.Details == nil {
		t.Fatalf("json: %+v", rep.Error)
	}
	if rows, _ := rep.Error.Details["rows"].([]any); len(rows) != 2 {
		t.Errorf("row details %v: want 2", rep.Error.Details)
	}
	// With --skip-bad-rows the good row is loaded and the bad ones listed.
	r = p.ok("import-manifest", "--partner", "kgpost", "--skip-bad-rows", bad)
	if !strings.Contains(r.stdout, ru("cli.import.skipped", "Count", 2)) {
		t.Errorf("skip summary: %v", r)
	}
	if after := into[doctorResult](t, p.ok("--json", "doctor")).Parcels; after != before+1 {
		t.Errorf("parcels %d → %d, want one more", before, after)
	}
}

func TestMissingManifestFileIsRefused(t *testing.T) {
	p := newPoint(t)
	r := p.run("import-manifest", "--partner", "kgpost", filepath.Join(p.dir, "nope.csv"))
	if r.code != exitRefused || !strings.Contains(r.stderr, ru("cli.err.read_file", "Path", filepath.Join(p.dir, "nope.csv"))) {
		t.Fatalf("%v", r)
	}
}

// acceptResult is the part of `scan --mode accept` the tests read.
type acceptResult struct {
	Outcome string         `json:"outcome"`
	Cell    string         `json:"cell"`
	Parcel  counter.Parcel `json:"parcel"`
	Scan    struct {
		Code string `json:"code"`
		Kind string `json:"kind"`
	} `json:"scan"`
}

func TestScanAcceptNeedsAShift(t *testing.T) {
	p := newPoint(t)
	p.ok("import-manifest", "--partner", "kgpost", p.manifest(1))
	r := p.run("scan", "--mode", "accept", s10(1))
	if r.code != exitRefused {
		t.Fatalf("accept without a shift: %v", r)
	}
	rep := decode(t, r) // scan answers in JSON even without --json
	if rep.Error.Code != "shift.not_open" || rep.Error.Hint != ru("cli.hint.shift_open") {
		t.Errorf("error %+v", rep.Error)
	}
}

func TestScanAcceptThenDuplicate(t *testing.T) {
	p := newPoint(t)
	p.ok("import-manifest", "--partner", "kgpost", p.manifest(2))
	p.ok("shift", "open")
	first := into[acceptResult](t, p.ok("scan", "--mode", "accept", s10(1)))
	if first.Outcome != "ok" || first.Cell == "" || first.Parcel.Status != counter.StatusStored || first.Scan.Kind != "parcel" {
		t.Fatalf("first scan %+v", first)
	}
	if strings.Contains(first.Parcel.RecipientPhone, "555123451") {
		t.Errorf("full phone in scan output: %q", first.Parcel.RecipientPhone)
	}
	// Flags may follow the code.
	again := into[acceptResult](t, p.ok("scan", s10(1), "--mode", "accept"))
	if again.Outcome != "duplicate" || again.Cell != first.Cell {
		t.Errorf("second scan %+v, want duplicate in %s", again, first.Cell)
	}
	damaged := into[acceptResult](t, p.ok("scan", "--mode", "accept", "--note", "мокрая коробка", s10(2)))
	if damaged.Outcome != "damaged" || !damaged.Parcel.Damaged {
		t.Errorf("damaged scan %+v", damaged)
	}
	cls := into[scan.Result](t, p.ok("scan", s10(2)))
	if cls.Kind != "parcel" || cls.Partner != "kgpost" {
		t.Errorf("classify %+v", cls)
	}
}

func TestScanOtherModes(t *testing.T) {
	p := newPoint(t)
	p.ok("import-manifest", "--partner", "kgpost", p.manifest(1))
	p.ok("shift", "open")
	acc := into[acceptResult](t, p.ok("scan", "--mode", "accept", s10(1)))
	to := "B-2-05"
	moved := into[counter.Parcel](t, p.ok("scan", "--mode", "move", "--to", to, s10(1)))
	if moved.Cell != to || moved.Cell == acc.Cell {
		t.Errorf("move: %+v", moved)
	}
	tl := into[counter.Timeline](t, p.ok("scan", "--mode", "timeline", s10(1)))
	if len(tl.Entries) < 2 || tl.Parcel.Track != s10(1) {
		t.Errorf("timeline %+v", tl)
	}
	sr := into[counter.SearchResult](t, p.ok("scan", "--mode", "search", "3451"))
	if len(sr.Parcels) != 1 || strings.Contains(sr.Parcels[0].RecipientPhone, "555123451") {
		t.Errorf("search %+v", sr)
	}
	if r := p.run("scan", "--mode", "move", s10(1)); r.code != exitUsage {
		t.Errorf("move without --to: %v", r)
	}
	if r := p.run("scan", "--mode", "teleport", s10(1)); r.code != exitUsage {
		t.Errorf("unknown mode: %v", r)
	}
}

func TestParcelsListMasksPhones(t *testing.T) {
	p := newPoint(t)
	p.ok("import-manifest", "--partner", "kgpost", p.manifest(3))
	p.ok("shift", "open")
	for i := 1; i <= 2; i++ {
		p.ok("scan", "--mode", "accept", s10(i))
	}
	r := p.ok("parcels")
	for i := 1; i <= 2; i++ {
		full := "55512345" + strconv.Itoa(i)
		if strings.Contains(r.stdout, full) {
			t.Errorf("full phone %s in the list:\n%v", full, r)
		}
		if !strings.Contains(r.stdout, s10(i)) {
			t.Errorf("on-hand list lacks %s:\n%v", s10(i), r)
		}
	}
	masked := counter.Parcel{RecipientPhone: "+996555123451"}.MaskedPhone()
	if masked == "" || !strings.Contains(r.stdout, masked) {
		t.Errorf("list lacks the masked phone %q:\n%v", masked, r)
	}
	if strings.Contains(r.stdout, s10(3)) {
		t.Errorf("a parcel not yet arrived is listed as on hand:\n%v", r)
	}
	for _, h := range []string{"cli.col.track", "cli.col.status", "cli.col.phone"} {
		if !strings.Contains(r.stdout, ru(h)) {
			t.Errorf("header %s missing:\n%v", h, r)
		}
	}
	if !strings.Contains(r.stdout, ru("status.stored")) {
		t.Errorf("status not translated:\n%v", r)
	}
	found := into[counter.SearchResult](t, p.ok("--json", "parcels", "Иванов"))
	if len(found.Parcels) != 3 {
		t.Errorf("search by name: %d parcels", len(found.Parcels))
	}
	for _, pc := range found.Parcels {
		if strings.Contains(pc.RecipientPhone, "55512345") {
			t.Errorf("full phone in JSON: %q", pc.RecipientPhone)
		}
	}
}

func TestIssueAndShiftReport(t *testing.T) {
	p := newPoint(t)
	p.ok("import-manifest", "--partner", "kgpost", p.manifest(2))
	p.ok("shift", "open")
	p.ok("scan", "--mode", "accept", s10(1))
	p.ok("scan", "--mode", "accept", s10(2))
	look := into[counter.IssueLookup](t, p.ok("scan", "--mode", "issue-lookup", s10(1)))
	if len(look.Parcels) != 1 || look.Due != 15000 {
		t.Fatalf("lookup %+v", look)
	}
	id := strconv.FormatInt(look.Parcels[0].ID, 10)
	if r := p.run("issue", "--parcel", id, "--scanned", s10(1), "--paid", "100", "--pay", "cash"); r.code != exitRefused {
		t.Errorf("wrong amount: %v", r)
	}
	h := into[counter.HandoverResult](t, p.ok("--json", "issue", "--parcel", id, "--scanned", s10(1), "--paid", "150.00", "--pay", "cash"))
	if h.Number == "" || len(h.Issued) != 1 || h.Paid != 15000 {
		t.Errorf("handover %+v", h)
	}
	r := p.run("issue", "--parcel", id, "--scanned", s10(1), "--paid", "150", "--pay", "cash")
	// The message names the parcel; the date part depends on the clock.
	want := i18n.Default().T(i18n.RU, "err.parcel.already_issued", map[string]any{"Track": s10(1)})
	want = want[:strings.Index(want, s10(1))+len(s10(1))]
	if r.code != exitRefused || !strings.Contains(r.stderr, want) {
		t.Errorf("second issue: %v", r)
	}
	rep := into[reportJSON](t, p.ok("--json", "report", "shift"))
	if rep.Accepted != 2 || rep.Issued != 1 || rep.CashCollected != 15000 || rep.OnHand != 1 || rep.Currency != "KGS" {
		t.Errorf("report %+v", rep)
	}
	text := p.ok("report", "shift")
	if !strings.Contains(text.stdout, "150.00 KGS") || !strings.Contains(text.stdout, ru("cli.report.accepted")) {
		t.Errorf("text report:\n%v", text)
	}
	day := into[reportJSON](t, p.ok("--json", "report", "day"))
	if day.Kind != counter.ReportDay || day.Accepted != 2 {
		t.Errorf("day report %+v", day)
	}
	if r := p.run("report", "day", "--date", "20.11.2026"); r.code != exitUsage {
		t.Errorf("bad date: %v", r)
	}
	closed := p.ok("shift", "close")
	if !strings.Contains(closed.stdout, ru("cli.shift.closed", "ID", rep.ShiftID)) {
		t.Errorf("shift close:\n%v", closed)
	}
	if st := into[shiftStatus](t, p.ok("--json", "shift", "status")); st.Open {
		t.Errorf("status after close %+v", st)
	}
}

func TestClerksAndCells(t *testing.T) {
	p := newPoint(t)
	p.ok("clerk", "add", "--name", "Бакыт", "--role", "clerk", "--pin", "2580")
	list := into[[]counter.Clerk](t, p.ok("--json", "clerk", "list"))
	if len(list) != 2 {
		t.Fatalf("clerks %+v", list)
	}
	bakyt := map[string]string{"SMARTPOINT_LANG": "ru", "SMARTPOINT_CLERK": "Бакыт", "SMARTPOINT_PIN": "2580"}
	if r := spctl(t, bakyt, "", "--db", p.db, "clerk", "add", "--name", "Мээрим", "--role", "owner", "--pin", "3691"); r.code != exitRefused {
		t.Errorf("a clerk adding an owner: %v", r)
	}
	p.ok("clerk", "disable", "--name", "бакыт")
	if r := spctl(t, bakyt, "", "--db", p.db, "shift", "open"); r.code != exitRefused {
		t.Errorf("disabled clerk logged in: %v", r)
	}
	p.ok("clerk", "enable", "--name", "Бакыт")
	p.ok("clerk", "set-pin", "--name", "Бакыт", "--pin", "3691")
	bakyt["SMARTPOINT_PIN"] = "3691"
	if r := spctl(t, bakyt, "", "--db", p.db, "shift", "status"); r.code != 0 {
		t.Errorf("after set-pin: %v", r)
	}
	if r := p.run("clerk", "disable", "--name", ownerName); r.code != exitRefused {
		t.Errorf("disabling the last owner: %v", r)
	}
	if r := p.run("clerk", "enable", "--name", "Никто"); r.code != exitRefused {
		t.Errorf("unknown clerk: %v", r)
	}
	created := into[map[string]any](t, p.ok("--json", "cells", "generate", "--racks", "C", "--shelves", "1", "--cells", "4"))
	if created["created"] != float64(4) {
		t.Errorf("generate %v", created)
	}
	if cells := into[[]counter.Cell](t, p.ok("--json", "cells", "list")); len(cells) != 24 {
		t.Errorf("%d cells, want 24", len(cells))
	}
	if r := p.ok("partners", "list"); !strings.Contains(r.stdout, "kgpost") || !strings.Contains(r.stdout, ru("cli.col.storage_days")) {
		t.Errorf("partners:\n%v", r)
	}
}

func TestWrongPINIsRefused(t *testing.T) {
	p := newPoint(t)
	p.env["SMARTPOINT_PIN"] = "9999"
	r := p.run("--json", "shift", "open")
	if rep := decode(t, r); r.code != exitRefused || rep.Error.Code != "auth.bad_pin" {
		t.Errorf("%v", r)
	}
	if strings.Contains(r.stdout+r.stderr, "9999") {
		t.Errorf("the PIN was echoed:\n%v", r)
	}
	delete(p.env, "SMARTPOINT_PIN")
	if r := p.run("shift", "open"); r.code != exitUsage || !strings.Contains(r.stderr, ru("cli.err.need_pin")) {
		t.Errorf("no PIN: %v", r)
	}
}

func TestBackupThenRestoreGarbage(t *testing.T) {
	p := newPoint(t)
	p.ok("import-manifest", "--partner", "kgpost", p.manifest(2))
	b := into[backupResult](t, p.ok("--json", "backup"))
	if filepath.Dir(b.Path) != store.BackupDir(p.db) || !strings.HasPrefix(filepath.Base(b.Path), "counter-") || b.SizeBytes == 0 {
		t.Errorf("backup %+v", b)
	}
	if _, err := store.ValidateBackup(context.Background(), b.Path); err != nil {
		t.Errorf("backup is not a valid database: %v", err)
	}
	explicit := filepath.Join(p.dir, "copy.db")
	if r := p.ok("backup", explicit); !strings.Contains(r.stdout, explicit) {
		t.Errorf("backup FILE: %v", r)
	}
	if r := p.run("backup", explicit); r.code != exitRefused {
		t.Errorf("backup over an existing file: %v", r)
	}
	if r := p.run("backup", p.db); r.code != exitUsage {
		t.Errorf("backup onto the database: %v", r)
	}

	garbage := p.writeFile("garbage.db", "this is not a database\n")
	before := into[doctorResult](t, p.ok("--json", "doctor")).Events
	r := p.run("restore", "--yes", garbage)
	if r.code != exitRefused {
		t.Fatalf("restore garbage: %v", r)
	}
	if r := p.run("restore", garbage); r.code != exitRefused {
		t.Errorf("restore garbage without --yes: %v", r)
	}
	if r := p.run("restore", explicit); r.code != exitUsage || !strings.Contains(r.stderr, ru("cli.err.need_yes")) {
		t.Errorf("restore without --yes, not on a terminal: %v", r)
	}
	if after := into[doctorResult](t, p.ok("--json", "doctor")).Events; after != before {
		t.Errorf("events %d → %d after refused restores", before, after)
	}
	// A real restore brings the backup's content back and keeps a safety copy.
	p.ok("import-manifest", "--partner", "kgpost", p.writeFile("more.csv", "Трек;Телефон\n"+s10(50)+";0555 000 050\n"))
	rr := into[restoreResult](t, p.ok("--json", "restore", "--yes", explicit))
	if _, err := os.Stat(rr.SafetyCopy); err != nil {
		t.Errorf("safety copy: %v", err)
	}
	if n := into[doctorResult](t, p.ok("--json", "doctor")).Parcels; n != 2 {
		t.Errorf("%d parcels after restore, want the backup's 2", n)
	}
}

func TestDoctorReportsHealth(t *testing.T) {
	p := newPoint(t)
	r := p.ok("--json", "doctor")
	h := into[map[string]any](t, r)
	for _, f := range []string{"schema_version", "latest_version", "integrity", "journal_mode", "synchronous", "foreign_keys",
		"size_bytes", "wal_bytes", "free_bytes", "events", "parcels", "healthy", "problems"} {
		if _, ok := h[f]; !ok {
			t.Errorf("doctor JSON lacks %q: %v", f, h)
		}
	}
	if h["integrity"] != "ok" || h["journal_mode"] != "wal" || h["healthy"] != true {
		t.Errorf("doctor %v", h)
	}
	text := p.ok("doctor")
	if !strings.Contains(text.stdout, ru("cli.doctor.ok")) || !strings.Contains(text.stdout, "FULL") {
		t.Errorf("doctor text:\n%v", text)
	}
}

func TestDoctorFindsProblems(t *testing.T) {
	var out strings.Builder
	c := newCLI(context.Background(), strings.NewReader(""), &out, &out, func(k string) string {
		return map[string]string{"SMARTPOINT_LANG": "ru"}[k]
	})
	c.printHealth(store.Health{Integrity: "ok", JournalMode: "delete", Synchronous: 1}, store.Health{JournalMode: "delete"}.Problems())
	if !strings.Contains(out.String(), ru("doctor.settings")) || !strings.Contains(out.String(), ru("cli.doctor.problems")) {
		t.Errorf("problems not listed:\n%s", out.String())
	}
	// A file too damaged to open: doctor says so and exits 4.
	p := newDir(t)
	db := p.writeFile("counter.db", "")
	if err := os.WriteFile(db, corruptDatabase(t, p.dir), 0o600); err != nil {
		t.Fatal(err)
	}
	r := p.run("--json", "doctor")
	if r.code != exitDoctor {
		t.Fatalf("corrupt database: %v", r)
	}
	if h := into[doctorResult](t, r); h.Healthy || len(h.Problems) != 1 || h.Problems[0].Key != "doctor.corrupt" {
		t.Errorf("doctor %+v", h)
	}
}

// corruptDatabase returns a SmartPoint database file whose pages were
// overwritten past the header, so it opens but fails its integrity check.
func corruptDatabase(t *testing.T, dir string) []byte {
	t.Helper()
	path := filepath.Join(dir, "good.db")
	db, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		if _, err := db.W.Exec(`INSERT INTO meta(key,value) VALUES(?,?)`, "k"+strconv.Itoa(i), strings.Repeat("v", 500)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.W.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 4096 * 3; i < len(data) && i < 4096*20; i++ {
		data[i] = 0xA5
	}
	return data
}

func TestLangEnChangesMessages(t *testing.T) {
	p := newDir(t)
	r := p.ok("--lang", "en", "init", "--name", "Osh point", "--country", "KG", "--owner", "Aigul", "--pin", ownerPIN)
	if !strings.Contains(r.stdout, `Point "Osh point" is set up`) {
		t.Errorf("English summary expected:\n%v", r)
	}
	p.env["SMARTPOINT_LANG"] = "en"
	r = p.run("init", "--name", "X", "--country", "KG", "--owner", "Y", "--pin", ownerPIN)
	want := i18n.Default().T(i18n.EN, "err.setup.already_done", nil)
	if r.code != exitRefused || !strings.Contains(r.stderr, want) {
		t.Errorf("English refusal %q expected:\n%v", want, r)
	}
	if r := p.run("bogus"); !strings.Contains(r.stderr, `Unknown command "bogus"`) {
		t.Errorf("English usage error expected:\n%v", r)
	}
	if r := p.run("--lang", "ky", "bogus"); !strings.Contains(r.stderr, "«bogus» деген буйрук жок") {
		t.Errorf("--lang overrides the environment:\n%v", r)
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	p := newPoint(t)
	for _, args := range [][]string{
		{"frobnicate"},
		{},
		{"--nope", "doctor"},
		{"doctor", "--nope"},
		{"--lang", "fr", "doctor"},
		{"report"},
		{"report", "week"},
		{"shift", "open", "extra"},
		{"cells", "generate"},
		{"clerk", "add", "--name", "X", "--pin", "2580", "--role", "boss"},
		{"issue", "--parcel", "1"},
		{"issue", "--parcel", "x", "--scanned", "y"},
		{"issue", "--parcel", "1", "--scanned", "y", "--paid", "1.234"},
		{"import-manifest", "f.csv"},
		{"import-manifest", "--partner", "kgpost", "--format", "xml", "f.csv"},
		{"scan", "--limit", "x", "CODE"},
		{"backup", "a", "b"},
	} {
		r := p.run(args...)
		if r.code != exitUsage {
			t.Errorf("spctl %v: %v", args, r)
			continue
		}
		if !strings.Contains(r.stderr, ru("cli.hint.help")) && !strings.HasPrefix(strings.TrimSpace(r.stdout), "{") {
			t.Errorf("spctl %v: no help hint:\n%v", args, r)
		}
	}
	rep := decode(t, p.run("--json", "frobnicate"))
	if rep.OK || rep.Error.Code != "usage" || rep.Error.Message != ru("cli.err.unknown_command", "Command", "frobnicate") {
		t.Errorf("json usage error %+v", rep.Error)
	}
	if r := p.run("doctor", "--nope"); !strings.Contains(r.stderr, ru("cli.err.unknown_flag", "Flag", "--nope")) {
		t.Errorf("unknown flag message:\n%v", r)
	}
}

func TestDatabaseErrorsExit3(t *testing.T) {
	p := newDir(t)
	notes := p.writeFile("notes.txt", "somebody's notes, not a database\n")
	r := spctl(t, p.env, "", "--db", notes, "doctor")
	if r.code != exitInternal {
		t.Fatalf("foreign file: %v", r)
	}
	if b, _ := os.ReadFile(notes); string(b) != "somebody's notes, not a database\n" {
		t.Error("the foreign file was changed")
	}
	if r := p.run("shift", "status"); r.code != exitRefused || !strings.Contains(r.stderr, ru("cli.hint.init")) {
		t.Errorf("not set up: %v", r)
	}
}

func TestHelpAndVersion(t *testing.T) {
	p := newDir(t)
	r := p.ok("help")
	for _, want := range []string{"import-manifest", "SMARTPOINT_PIN", "4  doctor"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("help lacks %q", want)
		}
	}
	if r := p.ok("-h"); r.stdout != p.ok("help").stdout {
		t.Error("-h differs from help")
	}
	for _, c := range commands() {
		r := p.ok(c.name, "-h")
		if r.stdout != ru(helpKey(c.name))+"\n" {
			t.Errorf("%s -h:\n%v", c.name, r)
		}
		if r := p.ok("help", c.name); r.stdout != ru(helpKey(c.name))+"\n" {
			t.Errorf("help %s:\n%v", c.name, r)
		}
	}
	for _, args := range [][]string{{"report", "day", "-h"}, {"clerk", "--help"}} {
		if r := p.ok(args...); !strings.HasPrefix(r.stdout, "spctl "+args[0]) {
			t.Errorf("%v:\n%v", args, r)
		}
	}
	v := into[map[string]string](t, p.ok("--json", "--version"))
	if v["version"] != "dev" || v["commit"] == "" || v["date"] == "" {
		t.Errorf("version %v", v)
	}
}
