package manifest

import (
	"reflect"
	"strings"
	"testing"
)

func TestDetectDelimiter(t *testing.T) {
	for _, tc := range []struct {
		sample  string
		want    rune
		sepLine bool
	}{
		{"Трек;Сумма;ФИО\n1;2;3\n", ';', false},
		{"track,cod,name\nA,1,B\n", ',', false},
		{"track\tcod\tname\n", '\t', false},
		{"track|cod|name\n", '|', false},
		{"Трек;Сумма, руб;ФИО\n", ';', false},       // a comma inside a name does not win
		{"track,\"Сумма; руб\",name\n", ',', false}, // nor a ';' inside quotes
		{"\n\n  \ntrack,cod\n", ',', false},         // leading blank lines
		{"track\nA1\n", ';', false},                 // one column: the Russian default
		{"sep=,\nТрек;Сумма;ФИО\n", ',', true},      // Excel's explicit delimiter line
		{"SEP=;\r\ntrack,cod\r\n", ';', true},
		{"sep=\t\ntrack;cod\n", '\t', true},
		{"track;cod\r\nA;1\r\n", ';', false},
		{"Трек;Сумма, руб.;Вес, кг, брутто\nA1;1,5;2\nA2;3;4,5\n", ';', false}, // more commas, but ragged
		{"track,note\nA1,\"a;b;c;d\"\n", ',', false},
		{"a;b,c\n1;2\n3,4\n", ';', false}, // nothing consistent: most columns, then preference order
		{"a,b,c;d\n1,2,3;4\n", ',', false},
		{"sep=|\ntrack;cod\n", '|', true},
	} {
		d, sep := detectDelimiter([]byte(tc.sample))
		if d != tc.want || sep != tc.sepLine {
			t.Errorf("detectDelimiter(%q) = %q %v, want %q %v", tc.sample, d, sep, tc.want, tc.sepLine)
		}
	}
}

func TestColumnNames(t *testing.T) {
	for name, want := range map[string]field{
		"Track": fTrack, " ШК ": fTrack, "Штрихкод": fTrack, "Штрих-код": fTrack, "Трек-номер": fTrack,
		"трек номер": fTrack, "Номер отправления": fTrack, "№ отправления": fTrack, "barkod": fTrack,
		"Бар код": fTrack, "TRACKING": fTrack, "\uFEFFtrack": fTrack, `"Трек"`: fTrack,
		"order_no": fOrder, "Номер заказа": fOrder, "№ заказа": fOrder, "Porudžbina": fOrder, "porudzbina": fOrder,
		"narudžba": fOrder, "Поруџбина": fOrder,
		"pickup_code": fPickup, "Код выдачи": fPickup, "код получения": fPickup, "Код": fPickup,
		"Получатель": fName, "ФИО": fName, "Клиент": fName, "primalac": fName, "Ime": fName, "Прималац": fName,
		"Алуучу":  fName,
		"Телефон": fPhone, "тел.": fPhone, "telefon": fPhone,
		"Размер": fSize, "Габариты": fSize, "dimensions": fSize, "Veličina": fSize, "Өлчөм": fSize,
		"COD": fCOD, "Наложенный платёж": fCOD, "наложенный платеж": fCOD, "К оплате": fCOD, "Сумма": fCOD,
		"Сумма, руб": fCOD, "Сумма (₽)": fCOD, "otkupnina": fCOD, "Iznos RSD": fCOD,
		"Валюта": fCurrency, "valuta": fCurrency,
		"Вес": fWeight, "Вес, кг": fWeight, "вес в граммах": fWeight, "težina": fWeight, "Салмагы": fWeight,
		"Примечание": fNote, "Комментарий": fNote, "napomena": fNote, "comment": fNote,
	} {
		col, ok := parseColumn(clean1(name))
		if !ok || col.field != want {
			t.Errorf("parseColumn(%q) = %v %v, want %s", name, fieldNames[col.field], ok, fieldNames[want])
		}
	}
	for _, name := range []string{"", "№", "№ п/п", "Код ПВЗ", "Дата", "Стоимость", "Сумма заказа", "кг"} {
		if col, ok := parseColumn(name); ok {
			t.Errorf("parseColumn(%q) = %s, want unknown", name, fieldNames[col.field])
		}
	}
}

func TestColumnHints(t *testing.T) {
	for name, want := range map[string]column{
		"Вес, кг":       {field: fWeight, weight: unitKg},
		"Вес (г)":       {field: fWeight, weight: unitGram},
		"вес в граммах": {field: fWeight, weight: unitGram},
		"Сумма, руб.":   {field: fCOD, currency: "RUB"},
		"Сумма ₽":       {field: fCOD, currency: "RUB"},
		"К оплате, сом": {field: fCOD, currency: "KGS"},
		"Телефон":       {field: fPhone},
	} {
		if got, ok := parseColumn(name); !ok || got != want {
			t.Errorf("parseColumn(%q) = %+v, want %+v", name, got, want)
		}
	}
}

// csvRows parses a CSV given as text and returns the rows and summary.
func csvRows(t *testing.T, text string) ([]Row, Summary) {
	t.Helper()
	sum, rows, err := parseBytes(t, []byte(text), Options{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return rows, sum
}

func TestCSVCells(t *testing.T) {
	rows, sum := csvRows(t, "sep=;\n"+
		"\"Трек\";Заказ;Код;Сумма;Вес;Примечание;Склад\n"+
		"=\"0012345\";=\"000777\";'0042;\"1 234,50\";500;\"two\nlines\";Москва\n"+
		";;;;;;\n"+
		"'00999; ord ;;;;\u200bnote\u00ad\x07 ;\n")
	if sum.Bad != 0 {
		t.Fatalf("errors: %+v", sum.Errors)
	}
	want := []Row{
		{Line: 3, Track: "0012345", OrderNo: "000777", PickupCode: "0042", CODAmount: 123450, WeightGrams: 500,
			Note: "two lines"},
		{Line: 6, Track: "00999", OrderNo: "ord", Note: "note"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows:\n got %+v\nwant %+v", rows, want)
	}
}

func TestCSVUnclosedQuote(t *testing.T) {
	// The quote on line 3 is never closed: with lazy quotes it swallows
	// lines 4 and 5. The clerk must see that, not a two-row manifest.
	rows, sum := csvRows(t, "track;name;cod\nA1;Ivan;100\nA2;\"Petr;200\nA3;Anna;300\nA4;Olga;400\n")
	if len(rows) != 1 || rows[0].Track != "A1" {
		t.Errorf("rows %+v", rows)
	}
	if sum.Bad != 1 || len(sum.Errors) != 1 || sum.Errors[0].Code != ErrRowBadQuotes || sum.Errors[0].Line != 3 {
		t.Errorf("errors %+v", sum.Errors)
	}

	// A legitimate multi-line cell without the delimiter is fine.
	rows, sum = csvRows(t, "track;note\nA1;\"floor 3\nring twice\"\nA2;x\n")
	if sum.Bad != 0 || len(rows) != 2 || rows[1].Line != 4 {
		t.Errorf("multi-line note: rows %+v errors %+v", rows, sum.Errors)
	}
}

func TestCSVRecordTooLong(t *testing.T) {
	// An unclosed quote in a big file must not pull the rest into memory.
	text := "track;note\nA1;\"" + strings.Repeat("xxxxxxx;yyyyyyyy\n", maxRecordBytes/16+10)
	code, e := fileErrCode(t, []byte(text), Options{})
	if code != ErrRecordTooLong || e.Args["Line"] != 2 {
		t.Errorf("got %v", e)
	}
}

func TestCSVTooBigInFirstRecord(t *testing.T) {
	// The limit trips while csv.Reader is still inside the header line.
	text := "track;" + strings.Repeat("x", 3*sniffSize) + "\nA1;x\n"
	if code, e := fileErrCode(t, []byte(text), Options{MaxBytes: 2 * sniffSize}); code != ErrTooBig {
		t.Errorf("got %v", e)
	}
	text = "track;note\nA1;x\n" + strings.Repeat("y", maxRecordBytes+2*sniffSize) + "\n"
	if code, e := fileErrCode(t, []byte(text), Options{}); code != ErrRecordTooLong || e.Args["Line"] != 3 {
		t.Errorf("got %v", e)
	}
}

func TestCSVDashTrack(t *testing.T) {
	_, sum := csvRows(t, "track;cod\n-;100\n—;200\nA1;300\n")
	if sum.Rows != 1 || sum.Bad != 2 || sum.Errors[0].Code != ErrRowBadTrack || sum.Errors[1].Value != "—" {
		t.Errorf("rows %d errors %+v", sum.Rows, sum.Errors)
	}
}

func TestCSVExtraFields(t *testing.T) {
	// "1234,50" unquoted in a comma file shifts the cells: the amount would
	// silently become 1234 and the name "50".
	rows, sum := csvRows(t, "track,cod,name\nA1,1234,50,Ivan\nA2,100,Anna,,\n")
	if len(rows) != 1 || rows[0].Track != "A2" {
		t.Errorf("rows %+v", rows)
	}
	want := []RowError{{Line: 2, Field: "row", Code: ErrRowExtraFields, Value: "Ivan"}}
	if !reflect.DeepEqual(sum.Errors, want) {
		t.Errorf("errors %+v", sum.Errors)
	}
}

func TestCSVCurrencyConflict(t *testing.T) {
	_, sum := csvRows(t, "track;cod;currency\nA1;100 ₽;KGS\nA2;100;рупии\nA3;100 сом;сом\n")
	want := []RowError{
		{Line: 2, Field: "currency", Code: ErrRowBadCurrency, Value: "100 ₽ / KGS"},
		{Line: 3, Field: "currency", Code: ErrRowBadCurrency, Value: "рупии"},
	}
	if !reflect.DeepEqual(sum.Errors, want) || sum.Rows != 1 {
		t.Errorf("errors %+v rows %d", sum.Errors, sum.Rows)
	}
}

func TestCSVLongValues(t *testing.T) {
	long := strings.Repeat("ж", maxValueLen+1)
	ok := strings.Repeat("ж", maxValueLen)
	_, sum := csvRows(t, "track;note\nA1;"+ok+"\nA2;"+long+"\n")
	if sum.Rows != 1 || len(sum.Errors) != 1 || sum.Errors[0].Field != "note" || sum.Errors[0].Code != ErrRowTooLong {
		t.Errorf("rows %d errors %+v", sum.Rows, sum.Errors)
	}
	if n := len([]rune(sum.Errors[0].Value)); n != maxErrValue {
		t.Errorf("error value has %d runes, want %d", n, maxErrValue)
	}
}
