package manifest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"smartpoint/app/errs"
)

// parseBytes runs Parse and collects the rows handed to the callback.
func parseBytes(t testing.TB, data []byte, opt Options) (Summary, []Row, error) {
	t.Helper()
	var rows []Row
	sum, err := Parse(bytes.NewReader(data), opt, func(r Row) error {
		rows = append(rows, r)
		return nil
	})
	return sum, rows, err
}

func parseFile(t *testing.T, name string) (Summary, []Row, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	sum, rows, perr := parseBytes(t, data, Options{})
	if want := sha256.Sum256(data); sum.SHA256 != hex.EncodeToString(want[:]) {
		t.Errorf("%s: SHA256 = %s, want the hash of the file", name, sum.SHA256)
	}
	return sum, rows, perr
}

func checkRows(t *testing.T, got, want []Row) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d rows, want %d:\n%+v", len(got), len(want), got)
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func checkClean(t *testing.T, sum Summary, err error, format Format, enc string) {
	t.Helper()
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if sum.Format != format || sum.Encoding != enc {
		t.Errorf("format %q encoding %q, want %q %q", sum.Format, sum.Encoding, format, enc)
	}
	if sum.Bad != 0 || len(sum.Errors) != 0 {
		t.Errorf("unexpected row errors: %+v", sum.Errors)
	}
}

func TestRussianExcelCP1251(t *testing.T) {
	sum, rows, err := parseFile(t, "ru_cp1251.csv")
	checkClean(t, sum, err, FormatCSV, "windows-1251")
	checkRows(t, rows, []Row{
		{Line: 2, Track: "0012345678", OrderNo: "ZK-1001", RecipientName: "Иванов Иван Иванович",
			RecipientPhone: "+7 (999) 123-45-67", Size: "S", CODAmount: 123450, Currency: "RUB",
			WeightGrams: 1500, Note: "Позвонить заранее"},
		{Line: 3, Track: "RU123456789", OrderNo: "ZK-1002", RecipientName: "Петрова Анна",
			RecipientPhone: "89991234567", Size: "M", CODAmount: 0, Currency: "RUB", WeightGrams: 250},
		{Line: 4, Track: "AB-777", OrderNo: "ZK-1003", RecipientName: `ООО "Ромашка"`,
			RecipientPhone: "+7 912 000 11 22", Size: "XL", CODAmount: 1500000, Currency: "RUB",
			WeightGrams: 12000, Note: "Этаж 3; домофон 12"},
	})
	if sum.Rows != 3 || sum.Header != (Header{}) {
		t.Errorf("Rows %d Header %+v", sum.Rows, sum.Header)
	}
}

func TestUTF8BOM(t *testing.T) {
	sum, rows, err := parseFile(t, "utf8_bom.csv")
	checkClean(t, sum, err, FormatCSV, "utf-8-bom")
	checkRows(t, rows, []Row{
		{Line: 2, Track: "TRK0001", OrderNo: "A-1", RecipientName: "John Smith", RecipientPhone: "+381601234567",
			Size: "M", CODAmount: 123450, Currency: "RSD", WeightGrams: 1500, Note: "leave at door"},
		{Line: 3, Track: "TRK0002", OrderNo: "A-2", RecipientName: "Марко Марковић", RecipientPhone: "0601234567",
			Size: "L", CODAmount: 250000, Currency: "RSD", WeightGrams: 800},
	})
}

func TestUTF16UnicodeText(t *testing.T) {
	sum, rows, err := parseFile(t, "sr_utf16le.txt")
	checkClean(t, sum, err, FormatCSV, "utf-16le")
	checkRows(t, rows, []Row{
		{Line: 2, Track: "RS100200300", OrderNo: "P-77", RecipientName: "Jovana Jovanović",
			RecipientPhone: "+381 64 111 2222", Size: "M", CODAmount: 123400, Currency: "RSD", WeightGrams: 2500,
			Note: "đak"},
		{Line: 3, Track: "RS100200301", OrderNo: "P-78", RecipientName: "Ђорђе Петровић",
			RecipientPhone: "064/222-3333", Size: "L", CODAmount: 99000, Currency: "RSD", WeightGrams: 700},
	})
}

func TestUTF16WithoutBOM(t *testing.T) {
	for _, tc := range []struct {
		enc  string
		data []byte
	}{
		{"utf-16le", utf16Bytes("track\tname\r\nX1\tЖанна\r\n", false)},
		{"utf-16be", utf16Bytes("track\tname\r\nX1\tЖанна\r\n", true)},
	} {
		sum, rows, err := parseBytes(t, tc.data, Options{})
		checkClean(t, sum, err, FormatCSV, tc.enc)
		checkRows(t, rows, []Row{{Line: 2, Track: "X1", RecipientName: "Жанна"}})
	}
}

func utf16Bytes(s string, bigEndian bool) []byte {
	var b []byte
	for _, r := range s { // BMP only, enough for tests
		if bigEndian {
			b = append(b, byte(r>>8), byte(r))
		} else {
			b = append(b, byte(r), byte(r>>8))
		}
	}
	return b
}

func TestJSONObjectWithHeader(t *testing.T) {
	sum, rows, err := parseFile(t, "object.json")
	checkClean(t, sum, err, FormatJSON, "utf-8")
	want := Header{ManifestNo: "MN-2024-0042", Partner: "Wildberries", Courier: "Асан Асанов"}
	if sum.Header != want {
		t.Errorf("Header = %+v, want %+v", sum.Header, want)
	}
	checkRows(t, rows, []Row{
		{Line: 1, Track: "WB000111", OrderNo: "9001", PickupCode: "4321", RecipientName: "Айгуль Токтогулова",
			RecipientPhone: "+996 555 123 456", Size: "S", CODAmount: 123450, Currency: "KGS", WeightGrams: 350,
			Note: "хрупкое"},
		{Line: 2, Track: "12345678901234", OrderNo: "9002", RecipientName: "Бакыт", RecipientPhone: "0700123456",
			Size: "L", CODAmount: 200000, Currency: "KGS", WeightGrams: 1200},
		{Line: 3, Track: "WB000113", CODAmount: 99, Currency: "KGS", WeightGrams: 400},
	})
}

func TestJSONArray(t *testing.T) {
	sum, rows, err := parseFile(t, "array.json")
	checkClean(t, sum, err, FormatJSON, "utf-8")
	checkRows(t, rows, []Row{
		{Line: 1, Track: "KZ0001", Size: "M", CODAmount: 500000, Currency: "KZT"},
		{Line: 2, Track: "KZ0002", Size: "XL", CODAmount: 750000, Currency: "KZT", WeightGrams: 150},
	})
}

func TestBadRows(t *testing.T) {
	sum, rows, err := parseFile(t, "bad_rows.csv")
	if err != nil {
		t.Fatal(err)
	}
	checkRows(t, rows, []Row{
		{Line: 2, Track: "A001", RecipientPhone: "+79990000001", Size: "S", CODAmount: 10000, WeightGrams: 1000},
		{Line: 10, Track: "A007", RecipientPhone: "+79990000007", Size: "S", CODAmount: 50000, WeightGrams: 1000},
	})
	long := "A00900000000000000000000000000000000000000000000000000000000000…"
	want := []RowError{
		{Line: 3, Field: "track", Code: ErrRowNoTrack},
		{Line: 4, Field: "cod", Code: ErrRowBadAmount, Value: "сто рублей"},
		{Line: 5, Field: "track", Code: ErrRowDuplicateTrack, Value: "A001", Ref: 2},
		{Line: 6, Field: "size", Code: ErrRowBadSize, Value: "огромный"},
		{Line: 9, Field: "phone", Code: ErrRowBadPhone, Value: "7,9E+10"},
		{Line: 9, Field: "cod", Code: ErrRowBadAmount, Value: "-50"},
		{Line: 11, Field: "track", Code: ErrRowBadTrack, Value: "1,23457E+12"},
		{Line: 12, Field: "weight", Code: ErrRowBadWeight, Value: "сто кг"},
		{Line: 13, Field: "track", Code: ErrRowTooLong, Value: long},
	}
	if !reflect.DeepEqual(sum.Errors, want) {
		t.Errorf("Errors:\n got %+v\nwant %+v", sum.Errors, want)
	}
	if sum.Rows != 2 || sum.Bad != 8 {
		t.Errorf("Rows %d Bad %d, want 2 and 8", sum.Rows, sum.Bad)
	}

	// The cap stops collecting but not counting.
	data, _ := os.ReadFile("testdata/bad_rows.csv")
	sum, _, err = parseBytes(t, data, Options{MaxRowErrors: 2})
	if err != nil || len(sum.Errors) != 2 || sum.Bad != 8 || sum.Errors[1].Line != 4 {
		t.Errorf("MaxRowErrors 2: err %v, %d errors, Bad %d", err, len(sum.Errors), sum.Bad)
	}
}

func TestRowErrorRendering(t *testing.T) {
	e := RowError{Line: 5, Field: "track", Code: ErrRowDuplicateTrack, Value: "A001", Ref: 2}.Err()
	if e.Args["Line"] != 5 || e.Args["Ref"] != 2 || e.Args["Value"] != "A001" {
		t.Errorf("Args = %v", e.Args)
	}
	e = RowError{Line: 7, Field: "note", Code: ErrRowTooLong}.Err()
	if e.Args["Limit"] != maxValueLen {
		t.Errorf("too_long Limit = %v", e.Args["Limit"])
	}
}

// fileErrCode parses data and returns the code of the file-level error.
func fileErrCode(t *testing.T, data []byte, opt Options) (errs.Code, *errs.Error) {
	t.Helper()
	_, _, err := parseBytes(t, data, opt)
	var de *errs.Error
	if !errors.As(err, &de) {
		t.Fatalf("want a file-level *errs.Error, got %v", err)
	}
	return de.Code, de
}

func TestFileLevelErrors(t *testing.T) {
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range []struct {
		name string
		data []byte
		opt  Options
		want errs.Code
	}{
		{"empty file", read("empty.csv"), Options{}, ErrEmpty},
		{"only whitespace", []byte(" \r\n\t\n"), Options{}, ErrEmpty},
		{"only a BOM", []byte("\uFEFF"), Options{}, ErrEmpty},
		{"png image", read("image.png"), Options{}, ErrBinary},
		{"png forced as csv", read("image.png"), Options{Format: FormatCSV}, ErrBinary},
		{"no track column", read("no_track.csv"), Options{}, ErrNoTrackColumn},
		{"header only without track", []byte("sep=;\n"), Options{}, ErrNoTrackColumn},
		{"truncated json object", read("truncated.json"), Options{}, ErrBadJSON},
		{"json array without closing bracket", []byte(`[{"track":"A1"},{"track":"A2"}`), Options{}, ErrBadJSON},
		{"json array cut after a comma", []byte(`[{"track":"A1"},`), Options{}, ErrBadJSON},
		{"json trailing comma", []byte(`[{"track":"A1"},]`), Options{}, ErrBadJSON},
		{"json trailing garbage", []byte(`[{"track":"A1"}] x`), Options{}, ErrBadJSON},
		{"two json values", []byte(`[{"track":"A1"}][{"track":"A2"}]`), Options{}, ErrBadJSON},
		{"json object cut after parcels", []byte(`{"parcels":[{"track":"A1"}]`), Options{}, ErrBadJSON},
		{"json scalar", []byte(`"track"`), Options{Format: FormatJSON}, ErrBadJSON},
		{"json object without parcels", []byte(`{"manifest":"M1","data":[{"track":"A1"}]}`), Options{}, ErrNoParcels},
		{"json parcels not an array", []byte(`{"parcels":{"track":"A1"}}`), Options{}, ErrNoParcels},
		{"csv forced as json", []byte("track\nA1\n"), Options{Format: FormatJSON}, ErrBadJSON},
		{"too big", []byte("track\nA1\nA2\n"), Options{MaxBytes: 8}, ErrTooBig},
		{"unknown format option", []byte("track\nA1\n"), Options{Format: "xml"}, ErrUnknownFormat},
		{"garbage after 64 KiB", append(csvOfSize(sniffSize+100), "A9;\x00\x01\x02\x03\n"...), Options{}, ErrBinary},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, e := fileErrCode(t, tc.data, tc.opt); got != tc.want {
				t.Errorf("got %v, want %s", e, tc.want)
			}
		})
	}
}

// csvOfSize is a valid "track;name" CSV of at least n bytes.
func csvOfSize(n int) []byte {
	b := []byte("track;name\n")
	for i := 0; len(b) < n; i++ {
		b = append(b, "T"...)
		b = append(b, strings.Repeat("0", 8)...)
		b = append(b, byte('0'+i%10), byte('0'+i/10%10), byte('0'+i/100%10), byte('0'+i/1000%10))
		b = append(b, ";Name\n"...)
	}
	return b
}

func TestFileErrorArgs(t *testing.T) {
	_, e := fileErrCode(t, []byte("Заказ;Сумма\n1;2\n"), Options{})
	if e.Args["Columns"] != "Заказ, Сумма" || e.Args["Delimiter"] != ";" {
		t.Errorf("no_track_column args = %v", e.Args)
	}
	_, e = fileErrCode(t, []byte("track\nA1\nA2\n"), Options{MaxBytes: 8})
	if e.Args["Limit"] != int64(8) {
		t.Errorf("too_big args = %v", e.Args)
	}
	_, e = fileErrCode(t, []byte(`[{"track":"A1"},{"track":"A2"},{"tr`), Options{})
	if e.Args["Line"] != 3 {
		t.Errorf("bad_json should point at element 3: %v", e.Args)
	}
	data := append(csvOfSize(sniffSize+100), "A9;\x00\x01\x02\x03\n"...)
	_, e = fileErrCode(t, data, Options{})
	if want := bytes.Count(data, []byte("\n")); e.Args["Line"] != want {
		t.Errorf("binary garbage at line %d reported as %v", want, e.Args)
	}
}

// A file exactly at MaxBytes is fine; one byte more is refused.
func TestMaxBytesBoundary(t *testing.T) {
	data := []byte("track\nA1\n")
	if _, _, err := parseBytes(t, data, Options{MaxBytes: int64(len(data))}); err != nil {
		t.Errorf("file of exactly MaxBytes: %v", err)
	}
	if code, _ := fileErrCode(t, data, Options{MaxBytes: int64(len(data) - 1)}); code != ErrTooBig {
		t.Errorf("got %s", code)
	}
}

// endless is a CSV that never ends, counting the bytes taken from it.
type endless struct{ read, rows int }

func (e *endless) Read(p []byte) (int, error) {
	var chunk []byte
	if e.read == 0 {
		chunk = []byte("track\n")
	}
	for len(chunk) < len(p) {
		e.rows++
		chunk = strconv.AppendInt(append(chunk, 'T'), int64(e.rows), 10)
		chunk = append(chunk, '\n')
	}
	n := copy(p, chunk) // a row cut here simply continues differently: fine for this test
	e.read += n
	return n, nil
}

// A huge (or endless) upload is refused after MaxBytes, not read to the end.
func TestTooBigStopsReading(t *testing.T) {
	src := &endless{}
	const limit = 3 << 20
	_, err := Parse(src, Options{MaxBytes: limit}, func(Row) error { return nil })
	if errs.CodeOf(err) != ErrTooBig || src.read > limit+sniffSize {
		t.Errorf("err %v after reading %d bytes", err, src.read)
	}
}

func TestCallbackErrorStops(t *testing.T) {
	stop := errors.New("db is gone")
	calls := 0
	_, err := Parse(strings.NewReader("track\nA1\nA2\nA3\n"), Options{}, func(Row) error {
		calls++
		if calls == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 2 {
		t.Errorf("err %v after %d calls", err, calls)
	}
	if errs.CodeOf(err) != "" {
		t.Errorf("a callback error must not look like a file-level error: %v", err)
	}
}
