package escpos

import (
	"errors"
	"strings"
	"testing"
)

// replayed decodes a job into the lines it prints.
func replayed(t *testing.T, data []byte, p Profile) []Line {
	t.Helper()
	ops, err := Decode(data, p)
	if err != nil {
		t.Fatalf("Decode: %v\n%s", err, hex(data))
	}
	return Replay(ops)
}

func TestCode128(t *testing.T) {
	got := hex(New(epson58).Code128("RU123456789CN").Bytes())
	// centred, height 80, module 2 (3 is too wide for 384 dots), HRI below,
	// "{B" RU1, "{C" 23 45 67 89, "{B" CN: 11 symbols instead of 13
	want := "1B 61 01 1D 68 50 1D 77 02 1D 48 02 1D 6B 49 0F 7B 42 52 55 31 7B 43 17 2D 43 59 7B 42 43 4E 1B 61 00"
	if got != want {
		t.Errorf("Code128 = %s\nwant      %s", got, want)
	}
	for _, data := range []string{"RU123456789CN", "A{B}", "1234567890", "12345", "{", "SP-000123/7"} {
		lines := replayed(t, New(epson58).Code128(data).Bytes(), epson58)
		if len(lines) != 1 || lines[0].Barcode == nil || lines[0].Barcode.Data != data || lines[0].Barcode.Symbology != Code128 {
			t.Errorf("Code128(%q) decodes to %+v", data, lines)
		}
	}
}

func TestEAN13(t *testing.T) {
	tests := []struct {
		in, data string
		sym      Symbology
	}{
		{"4006381333931", "4006381333931", EAN13},
		{"400638133393", "4006381333931", EAN13}, // check digit added
		{"4006381333932", "4006381333932", Code128},
		{"40063813339", "40063813339", Code128},
		{"40063813339X1", "40063813339X1", Code128},
	}
	for _, tt := range tests {
		lines := replayed(t, New(epson58).EAN13(tt.in).Bytes(), epson58)
		if len(lines) != 1 || lines[0].Barcode == nil || lines[0].Barcode.Symbology != tt.sym || lines[0].Barcode.Data != tt.data {
			t.Errorf("EAN13(%q) printed %+v, want %s %s", tt.in, lines, tt.sym, tt.data)
		}
	}
	if got := hex(New(epson58).EAN13("4006381333931").Bytes()); !strings.Contains(got, "1D 6B 43 0D 34 30 30 36") {
		t.Errorf("EAN13 = %s, want GS k 67 13 and the digits", got)
	}
}

// A code the printer cannot print as a barcode comes out as text, so the
// clerk can still type it in.
func TestBarcodeFallsBackToText(t *testing.T) {
	for _, data := range []string{"ПОСЫЛКА-1", "ABCDEFGHIJKLMNOPQRSTUVWXYZ-ABCDEFGHIJKLMN"} {
		lines := replayed(t, New(epson58).Code128(data).Bytes(), epson58)
		var text []string
		for _, l := range lines {
			if l.Kind != LineText {
				t.Errorf("Code128(%q) printed a %s", data, l.Kind)
			}
			text = append(text, l.Text)
		}
		if got := strings.Join(text, ""); got != Premap(CP866, data) {
			t.Errorf("Code128(%q) printed %q, want the data as text", data, got)
		}
	}
	if _, err := (Barcode{Symbology: Code128}).Resolve(384); !errors.Is(err, ErrBarcode) {
		t.Errorf("empty barcode: err = %v", err)
	}
}

func TestBarcodeFitsThePaper(t *testing.T) {
	bc := Barcode{Symbology: Code128, Data: "SP2024-0001234", Module: 6}
	for _, dots := range []int{384, 576} {
		res, err := bc.Resolve(dots)
		if err != nil {
			t.Fatalf("%d dots: %v", dots, err)
		}
		_, symbols, _ := code128Payload(res.Data)
		if w := (11*symbols + 35 + quietModules) * res.Module; w > dots {
			t.Errorf("%d dots: module %d makes the barcode %d dots wide", dots, res.Module, w)
		}
		if again, _ := res.Resolve(dots); again != res {
			t.Errorf("Resolve is not idempotent: %+v then %+v", res, again)
		}
	}
}
