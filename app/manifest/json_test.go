package manifest

import (
	"reflect"
	"strings"
	"testing"
)

func jsonRows(t *testing.T, text string) ([]Row, Summary) {
	t.Helper()
	sum, rows, err := parseBytes(t, []byte(text), Options{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if sum.Format != FormatJSON {
		t.Fatalf("format %s", sum.Format)
	}
	return rows, sum
}

func TestJSONRowErrors(t *testing.T) {
	rows, sum := jsonRows(t, `[
		{"track": "A1", "cod": 10},
		"A2",
		{"track": "A3", "cod": true},
		{"track": "A4", "name": {"first": "Ivan"}},
		{"track": "a1"},
		{"cod": 5},
		null,
		{"track": "A5", "cod_minor": 12.5},
		{"track": "A6", "cod": -3},
		{"track": "A7", "note": "ok\u0000"},
		[1, 2]
	]`)
	want := []RowError{
		{Line: 2, Field: "row", Code: ErrRowNotObject},
		{Line: 3, Field: "cod", Code: ErrRowBadValue, Value: "true"},
		{Line: 4, Field: "name", Code: ErrRowBadValue, Value: `{"first": "Ivan"}`},
		{Line: 5, Field: "track", Code: ErrRowDuplicateTrack, Value: "A1", Ref: 1},
		{Line: 6, Field: "track", Code: ErrRowNoTrack},
		{Line: 7, Field: "track", Code: ErrRowNoTrack},
		{Line: 8, Field: "cod", Code: ErrRowBadAmount, Value: "12.5"},
		{Line: 9, Field: "cod", Code: ErrRowBadAmount, Value: "-3"},
		{Line: 11, Field: "row", Code: ErrRowNotObject},
	}
	if !reflect.DeepEqual(sum.Errors, want) {
		t.Errorf("errors:\n got %+v\nwant %+v", sum.Errors, want)
	}
	checkRows(t, rows, []Row{
		{Line: 1, Track: "A1", CODAmount: 1000},
		{Line: 10, Track: "A7", Note: "ok"}, // \u0000 is legal JSON, just stripped
	})
	if sum.Rows != 2 || sum.Bad != 9 {
		t.Errorf("Rows %d Bad %d", sum.Rows, sum.Bad)
	}
}

func TestJSONKeysAndHeader(t *testing.T) {
	// Header keys after the parcels, alternative spellings, key case,
	// unknown values of any size skipped.
	rows, sum := jsonRows(t, `{
		"items": [
			{"TRACK": "x1", "Order": 17, "Name": "Ана", "Phone": "+381", "COD": "1.234,50 din", "Weight": 2},
			{"barcode": "x2", "cod_minor": "250", "weight_grams": "90", "size": "XL"}
		],
		"extra": [[[{"deep": [1, 2, 3]}]]],
		"number": 42,
		"partner": "Ozon",
		"courier": {"name": "Petr"}
	}`)
	checkRows(t, rows, []Row{
		{Line: 1, Track: "X1", OrderNo: "17", RecipientName: "Ана", RecipientPhone: "+381", CODAmount: 123450,
			Currency: "RSD", WeightGrams: 2000},
		{Line: 2, Track: "X2", Size: "XL", CODAmount: 250, WeightGrams: 90},
	})
	if want := (Header{ManifestNo: "42", Partner: "Ozon"}); sum.Header != want {
		t.Errorf("Header %+v, want %+v", sum.Header, want)
	}
}

func TestJSONEncodings(t *testing.T) {
	// A JSON export in Windows-1251 is decoded like a CSV would be.
	rows, sum := jsonRows(t, "[{\"track\": \"A1\", \"name\": \"\xc8\xe2\xe0\xed\"}]")
	if sum.Encoding != "windows-1251" || len(rows) != 1 || rows[0].RecipientName != "Иван" {
		t.Errorf("encoding %s rows %+v", sum.Encoding, rows)
	}

	// Valid UTF-8 for the first 64 KiB, broken bytes later: reported per
	// row, whether or not the string has escapes.
	pad := strings.Repeat("я", sniffSize)
	rows, sum = jsonRows(t, `{"pad": "`+pad+`", "parcels": [{"track": "A1", "name": "`+"\xc8\xe2\xe0\xed"+`"},`+
		`{"track": "A2", "name": "`+"\xff"+`\n"}, {"track": "A3", "name": "Иван"}]}`)
	if sum.Encoding != "utf-8" || len(rows) != 1 || rows[0].Track != "A3" || sum.Bad != 2 {
		t.Fatalf("encoding %s rows %+v errors %+v", sum.Encoding, rows, sum.Errors)
	}
	for _, e := range sum.Errors {
		if e.Code != ErrRowBadEncoding || e.Field != "name" || !strings.Contains(e.Value, "\uFFFD") {
			t.Errorf("error %+v", e)
		}
	}
}

func TestJSONRowsKeyAndEmpty(t *testing.T) {
	rows, sum := jsonRows(t, `{"rows": [{"track": "R1"}]}`)
	if len(rows) != 1 || sum.Rows != 1 {
		t.Errorf("rows %+v", rows)
	}
	// An explicitly empty manifest is valid: nothing to import.
	rows, sum = jsonRows(t, `{"manifest": "M", "parcels": []}`)
	if len(rows) != 0 || sum.Header.ManifestNo != "M" {
		t.Errorf("rows %+v header %+v", rows, sum.Header)
	}
}

func TestJSONElementTooBig(t *testing.T) {
	text := `[{"track": "A1"}, {"track": "A2", "note": "` + strings.Repeat("x", maxRecordBytes+2*sniffSize) + `"}]`
	code, e := fileErrCode(t, []byte(text), Options{})
	if code != ErrRecordTooLong || e.Args["Line"] != 2 {
		t.Errorf("got %v", e)
	}
}
