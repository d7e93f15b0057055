package i18n

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"smartpoint/app/errs"
)

// Not registered: the registry is shared with TestErrorCodesTranslated.
var testCode = errs.Code("i18n_test.not_found")

func testCatalog(t *testing.T) *Catalog {
	return mustLoad(t, map[Lang]string{
		RU: `{
  "err.internal": "Внутренняя ошибка",
  "err.i18n_test.not_found": "Посылка {{.Track}} не найдена",
  "greet": "Привет, {{.Name}}!",
  "only.ru": "Только по-русски",
  "parcels": {"one": "{{.Count}} посылка", "few": "{{.Count}} посылки", "many": "{{.Count}} посылок", "other": "{{.Count}} посылки"},
  "stamp": "Принято {{.At}}, сумма {{.Sum}}"
}`,
		KY: `{"greet": "Салам, {{.Name}}!", "parcels": {"one": "{{.Count}} посылка", "other": "{{.Count}} посылкалар"}}`,
		SR: `{"err.internal": "Interna greška", "parcels": {"one": "{{.Count}} paket", "few": "{{.Count}} paketa", "other": "{{.Count}} paketa (o)"}}`,
		EN: `{"err.i18n_test.not_found": "Parcel {{.Track}} not found", "parcels": {"one": "{{.Count}} parcel", "other": "{{.Count}} parcels"}}`,
	})
}

func TestT(t *testing.T) {
	c := testCatalog(t)
	cases := []struct {
		l    Lang
		key  string
		args map[string]any
		want string
	}{
		{RU, "greet", map[string]any{"Name": "Айгуль"}, "Привет, Айгуль!"},
		{KY, "greet", map[string]any{"Name": "Айгуль"}, "Салам, Айгуль!"},
		{RU, "no.such.key", nil, "no.such.key"},
		{EN, "no.such.key", nil, "no.such.key"},
		{RU, "greet", nil, "Привет, !"},                                  // missing arg
		{RU, "greet", map[string]any{"Name": nil}, "Привет, !"},          // nil arg
		{KY, "only.ru", nil, "Только по-русски"},                         // fallback
		{Lang("de"), "greet", map[string]any{"Name": "A"}, "Привет, A!"}, // unknown language
		{RU, "stamp", map[string]any{"Sum": int64(150000)}, "Принято , сумма 150000"},
		{EN, "parcels", map[string]any{"Count": 3}, "3 parcels"}, // T on a plural key uses "other"
	}
	for _, tc := range cases {
		got := c.T(tc.l, tc.key, tc.args)
		if got != tc.want {
			t.Errorf("T(%s, %q, %v) = %q, want %q", tc.l, tc.key, tc.args, got, tc.want)
		}
		if strings.Contains(got, "<no value>") {
			t.Errorf("T(%s, %q) leaked <no value>: %q", tc.l, tc.key, got)
		}
	}
}

func TestTimeArgs(t *testing.T) {
	old := time.Local
	time.Local = time.FixedZone("Asia/Bishkek", 6*3600)
	t.Cleanup(func() { time.Local = old })

	c := testCatalog(t)
	at := time.Date(2025, 3, 5, 8, 7, 59, 0, time.UTC)
	if got, want := c.T(RU, "stamp", map[string]any{"At": at, "Sum": 5}), "Принято 05.03.2025 14:07, сумма 5"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := c.T(RU, "stamp", map[string]any{"At": &at}), "Принято 05.03.2025 14:07, сумма "; got != want {
		t.Errorf("*time.Time: got %q, want %q", got, want)
	}
	var nilTime *time.Time
	if got, want := c.T(RU, "stamp", map[string]any{"At": nilTime, "Sum": 1}), "Принято , сумма 1"; got != want {
		t.Errorf("nil *time.Time: got %q, want %q", got, want)
	}
}

func TestErr(t *testing.T) {
	c := testCatalog(t)
	cases := []struct {
		name string
		l    Lang
		err  error
		want string
	}{
		{"nil", RU, nil, ""},
		{"plain error hides its text", RU, errors.New("open /var/lib/x.db: SELECT failed"), "Внутренняя ошибка"},
		{"plain error in sr", SR, errors.New("boom"), "Interna greška"},
		{"plain error falls back to ru", EN, errors.New("boom"), "Внутренняя ошибка"},
		{"domain error", RU, errs.New(testCode, "Track", "X"), "Посылка X не найдена"},
		{"domain error en", EN, errs.New(testCode, "Track", "X"), "Parcel X not found"},
		{"wrapped domain error", EN, fmt.Errorf("scan: %w", errs.Wrap(errors.New("sql"), testCode, "Track", "Y")), "Parcel Y not found"},
		{"domain error without args", RU, &errs.Error{Code: testCode}, "Посылка  не найдена"},
		{"untranslated code shows its key", RU, errs.New("i18n_test.unknown"), "err.i18n_test.unknown"},
	}
	for _, tc := range cases {
		if got := c.Err(tc.l, tc.err); got != tc.want {
			t.Errorf("%s: Err = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestN(t *testing.T) {
	c := testCatalog(t)
	cases := []struct {
		l    Lang
		want map[int]string
	}{
		{RU, map[int]string{
			0: "0 посылок", 1: "1 посылка", 2: "2 посылки", 4: "4 посылки", 5: "5 посылок",
			11: "11 посылок", 12: "12 посылок", 14: "14 посылок", 21: "21 посылка", 22: "22 посылки",
			25: "25 посылок", 101: "101 посылка", 111: "111 посылок", 112: "112 посылок", -1: "-1 посылка",
		}},
		{SR, map[int]string{
			0: "0 paketa (o)", 1: "1 paket", 2: "2 paketa", 5: "5 paketa (o)", 11: "11 paketa (o)",
			12: "12 paketa (o)", 21: "21 paket", 22: "22 paketa", 25: "25 paketa (o)",
		}},
		{EN, map[int]string{0: "0 parcels", 1: "1 parcel", 2: "2 parcels", 21: "21 parcels"}},
		{KY, map[int]string{0: "0 посылкалар", 1: "1 посылка", 2: "2 посылкалар", 21: "21 посылкалар"}},
	}
	for _, tc := range cases {
		for n, want := range tc.want {
			if got := c.N(tc.l, "parcels", n, nil); got != want {
				t.Errorf("N(%s, %d) = %q, want %q", tc.l, n, got, want)
			}
		}
	}
}

func TestNFallbackUsesRussianRules(t *testing.T) {
	c := mustLoad(t, map[Lang]string{
		RU: `{"p": {"one": "{{.Count}} штука {{.Where}}", "few": "{{.Count}} штуки {{.Where}}", "many": "{{.Count}} штук {{.Where}}", "other": "?"}}`,
	})
	if got, want := c.N(EN, "p", 5, map[string]any{"Where": "на полке"}), "5 штук на полке"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := c.N(KY, "p", 3, nil), "3 штуки "; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := c.N(RU, "missing", 3, nil); got != "missing" {
		t.Errorf("missing plural key: got %q", got)
	}
}

func TestNOnPlainKey(t *testing.T) {
	c := testCatalog(t)
	if got, want := c.N(RU, "greet", 2, map[string]any{"Name": "A"}), "Привет, A!"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestPrinter(t *testing.T) {
	p := Printer{C: testCatalog(t), L: EN}
	if got, want := p.T("greet", "Name", "Bob"), "Привет, Bob!"; got != want {
		t.Errorf("T = %q, want %q", got, want)
	}
	if got, want := p.N("parcels", 1), "1 parcel"; got != want {
		t.Errorf("N = %q, want %q", got, want)
	}
	if got, want := p.Err(errs.New(testCode, "Track", "Z")), "Parcel Z not found"; got != want {
		t.Errorf("Err = %q, want %q", got, want)
	}
	// A zero Printer uses the embedded catalog and ru.
	if got := (Printer{}).T("common.yes"); got != "Да" {
		t.Errorf("zero Printer T = %q", got)
	}
}

func TestKeysAndHas(t *testing.T) {
	c := testCatalog(t)
	got := strings.Join(c.Keys(KY), ",")
	if got != "greet,parcels" {
		t.Errorf("Keys(ky) = %s", got)
	}
	if c.Has(KY, "only.ru") || !c.Has(RU, "only.ru") {
		t.Error("Has must not fall back to ru")
	}
}

func TestFields(t *testing.T) {
	tx, err := newText("k", "{{.A}} {{if .B}}{{.C.D}}{{else}}{{range .E}}{{.}}{{end}}{{end}} {{with .F}}{{.G}}{{end}} {{printf \"%d\" .H}}")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tx.fields, ","); got != "A,B,C,E,F,G,H" {
		t.Errorf("fields = %s", got)
	}
}
