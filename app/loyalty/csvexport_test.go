package loyalty

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"smartpoint/app/counter"
)

// readCSV checks the framing Excel needs (BOM, CRLF) and parses the rest.
func readCSV(t *testing.T, raw []byte) [][]string {
	t.Helper()
	body, ok := bytes.CutPrefix(raw, []byte("\xef\xbb\xbf"))
	if !ok {
		t.Fatalf("no UTF-8 BOM: %q", raw[:min(len(raw), 10)])
	}
	if !bytes.HasSuffix(body, []byte("\r\n")) || bytes.Count(body, []byte("\n")) != bytes.Count(body, []byte("\r\n")) {
		t.Fatalf("lines not ended by CRLF: %q", body)
	}
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// exports are the data_exported events, oldest first.
func (e *env) exports() []dataExported {
	e.t.Helper()
	evs := mustV[[]counter.Event](e.t)(e.svc.EntityEvents(e.ctx, "point"))
	var out []dataExported
	for _, ev := range evs {
		if ev.Kind != EvDataExported {
			continue
		}
		var d dataExported
		if err := json.Unmarshal(ev.Payload, &d); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

// column is one named column of parsed rows (header first).
func column(rows [][]string, name string) []string {
	i := slices.Index(rows[0], name)
	var out []string
	for _, r := range rows[1:] {
		out = append(out, r[i])
	}
	return out
}

func TestExportCustomersCSV(t *testing.T) {
	e, cards := segmentFixture(t)
	if _, err := e.l.Enrol(e.ctx, e.owner, "0700 999 111", "=HYPERLINK(\"http://x\")", true); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n := mustV[int](t)(e.l.ExportCustomersCSV(e.ctx, e.owner, &buf, CSVOptions{}))
	rows := readCSV(t, buf.Bytes())
	if n != 8 || len(rows) != 9 || !slices.Equal(rows[0], CustomerCSVColumns) {
		t.Fatalf("%d rows written, %d read, header %v", n, len(rows), rows[0])
	}
	ids := column(rows, "id")
	if slices.Contains(ids, cards["erased"].Customer) || slices.Contains(ids, cards["dup"].Customer) {
		t.Fatal("anonymised or merged customers exported")
	}
	// Phones masked; text a spreadsheet would run is quoted by an apostrophe.
	for _, p := range column(rows, "phone") {
		if !strings.HasPrefix(p, "'+996•••••") {
			t.Fatalf("phone %q", p)
		}
	}
	if !slices.Contains(column(rows, "name"), `'=HYPERLINK("http://x")`) {
		t.Fatalf("names %q", column(rows, "name"))
	}
	i := slices.Index(ids, cards["slipping"].Customer)
	row := map[string]string{}
	for k, name := range rows[0] {
		row[name] = rows[i+1][k]
	}
	want := map[string]string{"card": cards["slipping"].Code, "balance": "47", "rewards_available": "9", "to_next_reward": "3",
		"lifetime": "47", "segment": SegAtRisk, "recency_days": "40", "frequency": "47", "monetary": "47",
		"close_to_reward": "false", "enrolled_at": testStart.Format(csvTime),
		"last_visit_at": e.clock.Now().Add(-40 * day).In(bishkek).Format(csvTime)}
	for k, v := range want {
		if row[k] != v {
			t.Errorf("%s = %q, want %q", k, row[k], v)
		}
	}
	if ex := e.exports(); len(ex) != 1 || ex[0] != (dataExported{What: ExportedCustomers, Rows: 8, Complete: true}) {
		t.Fatalf("logged %+v", ex)
	}
}

// Full phones are the owner's; managers get them masked only if they do
// not ask; clerks export nothing.
func TestExportCustomersCSVRoles(t *testing.T) {
	e, _ := segmentFixture(t)
	manager := e.staff("Нурлан", counter.RoleManager)
	clerk := e.staff("Бекзат", counter.RoleClerk)
	var buf bytes.Buffer
	_, err := e.l.ExportCustomersCSV(e.ctx, manager, &buf, CSVOptions{FullPhones: true})
	expectCode(t, err, counter.ErrForbidden)
	_, err = e.l.ExportCustomersCSV(e.ctx, clerk, &buf, CSVOptions{})
	expectCode(t, err, counter.ErrForbidden)
	_, err = e.l.ExportMovementsCSV(e.ctx, clerk, &buf, testStart, e.clock.Now())
	expectCode(t, err, counter.ErrForbidden)
	_, err = e.l.ExportCustomersCSV(e.ctx, nil, &buf, CSVOptions{})
	expectCode(t, err, counter.ErrForbidden)
	if buf.Len() != 0 || len(e.exports()) != 0 {
		t.Fatalf("refused exports wrote %d bytes, logged %v", buf.Len(), e.exports())
	}
	mustV[int](t)(e.l.ExportCustomersCSV(e.ctx, manager, &buf, CSVOptions{}))
	if strings.Contains(buf.String(), "+996555100") {
		t.Fatal("a manager's export holds full phones")
	}
	buf.Reset()
	mustV[int](t)(e.l.ExportCustomersCSV(e.ctx, e.owner, &buf, CSVOptions{FullPhones: true}))
	if !slices.Contains(column(readCSV(t, buf.Bytes()), "phone"), "'+996555100002") {
		t.Fatalf("owner's full phones: %s", buf.String())
	}
	if ex := e.exports(); len(ex) != 2 || ex[0].FullPhones || !ex[1].FullPhones {
		t.Fatalf("logged %+v", ex)
	}
}

func TestExportCustomersCSVSegment(t *testing.T) {
	e, cards := segmentFixture(t)
	var buf bytes.Buffer
	n := mustV[int](t)(e.l.ExportCustomersCSV(e.ctx, e.owner, &buf, CSVOptions{Segment: SegAtRisk}))
	ids := column(readCSV(t, buf.Bytes()), "id")
	slices.Sort(ids)
	want := []string{cards["slipping"].Customer, cards["oneoff"].Customer}
	slices.Sort(want)
	if n != 2 || !slices.Equal(ids, want) {
		t.Fatalf("at risk: %d %v, want %v", n, ids, want)
	}
	_, err := e.l.ExportCustomersCSV(e.ctx, e.owner, &buf, CSVOptions{Segment: "vip"})
	expectCode(t, err, counter.ErrInvalid)
	if ex := e.exports(); len(ex) != 1 || ex[0].Segment != SegAtRisk || ex[0].Rows != 2 {
		t.Fatalf("logged %+v", ex)
	}
}

// failAfter accepts n bytes, then fails: a full disk, a closed pipe.
type failAfter struct{ n int }

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		w := f.n
		f.n = 0
		return w, errors.New("disk full")
	}
	f.n -= len(p)
	return len(p), nil
}

// An export that stopped part way still says so in the log: some rows
// may have gone out.
func TestExportStopsOnWriteError(t *testing.T) {
	e := newEnv(t)
	e.programme(stampCard())
	for i := range 300 { // more than csv.Writer buffers at once
		e.enrol(fmt.Sprintf("0555 300 %03d", i))
	}
	n, err := e.l.ExportCustomersCSV(e.ctx, e.owner, &failAfter{n: 6000}, CSVOptions{})
	if err == nil || !strings.Contains(err.Error(), "disk full") || n == 0 || n >= 300 {
		t.Fatalf("wrote %d, %v", n, err)
	}
	if ex := e.exports(); len(ex) != 1 || ex[0].Complete || ex[0].Rows != n {
		t.Fatalf("logged %+v", ex)
	}
	// Nothing written at all: nothing to log.
	if _, err := e.l.ExportCustomersCSV(e.ctx, e.owner, &failAfter{}, CSVOptions{}); err == nil {
		t.Fatal("no error")
	}
	if len(e.exports()) != 1 {
		t.Fatalf("logged %+v", e.exports())
	}
}

func TestExportMovementsCSV(t *testing.T) {
	e, c := dashboardFixture(t)
	manager := e.staff("Нурлан", counter.RoleManager)
	if _, err := e.l.Adjust(e.ctx, manager, c["P"].Code, 2, "-сбой сканера"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	from := time.Date(2026, 12, 1, 0, 0, 0, 0, bishkek)
	to := time.Date(2027, 1, 1, 0, 0, 0, 0, bishkek)
	n := mustV[int](t)(e.l.ExportMovementsCSV(e.ctx, manager, &buf, from, to))
	rows := readCSV(t, buf.Bytes())
	if !slices.Equal(rows[0], MovementCSVColumns) {
		t.Fatalf("header %v", rows[0])
	}
	// December: S earns, R earns twice, P earns, R earns and redeems, S's stamp is forfeited.
	kinds := strings.Join(column(rows, "kind"), " ")
	if n != 7 || kinds != "earn earn earn earn earn redeem expire" {
		t.Fatalf("%d rows: %s", n, kinds)
	}
	redeem := map[string]string{}
	for k, name := range rows[0] {
		redeem[name] = rows[6][k]
	}
	if redeem["amount"] != "-3" || redeem["card"] != c["R"].Code || redeem["customer"] != c["R"].Customer ||
		redeem["at"] != "2026-12-10 12:00:00" || redeem["clerk"] != "Айгуль" || redeem["remaining"] != "" {
		t.Fatalf("redemption %v", redeem)
	}
	if first := rows[1]; first[slices.Index(rows[0], "visit_at")] != "2026-12-01 02:00:00" ||
		first[slices.Index(rows[0], "key")] != "S1" || first[slices.Index(rows[0], "remaining")] != "0" {
		t.Fatalf("first row %v", first)
	}
	if strings.Contains(buf.String(), "+996") {
		t.Fatal("phones in the ledger export")
	}
	// A manager's reason that looks like a formula is quoted. (The
	// adjustment first wrote off P's stamp of 5 Dec, due on 14 Jan.)
	buf.Reset()
	mustV[int](t)(e.l.ExportMovementsCSV(e.ctx, e.owner, &buf, e.clock.Now().Add(-time.Minute), e.clock.Now().Add(time.Minute)))
	if got := column(readCSV(t, buf.Bytes()), "reason"); !slices.Equal(got, []string{"expired", "'-сбой сканера"}) {
		t.Fatalf("reasons %q", got)
	}
	_, err := e.l.ExportMovementsCSV(e.ctx, manager, &buf, to, from)
	expectCode(t, err, counter.ErrInvalid)
	ex := e.exports()
	if len(ex) != 2 || ex[0].What != ExportedMovements || ex[0].Rows != 7 || !ex[0].From.Equal(from) || !ex[0].To.Equal(to) {
		t.Fatalf("logged %+v", ex)
	}
}
