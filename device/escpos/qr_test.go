package escpos

import (
	"strings"
	"testing"
)

func TestQRNativeBytes(t *testing.T) {
	got := hex(New(epson58).QR(QR{Data: "hello"}).Bytes())
	want := strings.Join([]string{
		"1B 61 01",                               // centred
		"1D 28 6B 04 00 31 41 32 00",             // model 2
		"1D 28 6B 03 00 31 43 06",                // module 6 dots
		"1D 28 6B 03 00 31 45 31",                // level M
		"1D 28 6B 08 00 31 50 30 68 65 6C 6C 6F", // store "hello"
		"1D 28 6B 03 00 31 51 30",                // print
		"1B 61 00",
	}, " ")
	if got != want {
		t.Errorf("QR = %s\nwant %s", got, want)
	}
}

// The store length is len+3 split as pL + 256*pH; the %255 mistake of a
// popular encoder garbles payloads of 252 bytes and more.
func TestQRStoreLength(t *testing.T) {
	for _, n := range []int{1, 252, 253, 254, 300, 1000} {
		data := strings.Repeat("7", n)
		b := New(epson58).QR(QR{Data: data}).Bytes()
		store := []byte{gs, '(', 'k', byte((n + 3) % 256), byte((n + 3) / 256), 0x31, 0x50, 0x30}
		if !strings.Contains(string(b), string(store)+data) {
			t.Errorf("%d bytes: store header is not % X", n, store)
		}
		lines := replayed(t, b, epson58)
		if len(lines) != 1 || lines[0].QR == nil || lines[0].QR.Data != data {
			t.Errorf("%d bytes: the payload does not decode back", n)
		}
	}
}

func TestQRFitsThePaper(t *testing.T) {
	long := strings.Repeat("https://smartpoint.kg/t/RU123456789CN ", 20)
	for _, dots := range []int{384, 576} {
		q, err := QR{Data: long, Module: 16}.Resolve(dots)
		if err != nil {
			t.Fatal(err)
		}
		r, err := q.Raster(dots)
		if err != nil {
			t.Fatal(err)
		}
		if r.Width > dots || r.Width != r.Height {
			t.Errorf("%d dots: raster QR is %dx%d", dots, r.Width, r.Height)
		}
		if again, _ := q.Resolve(dots); again != q {
			t.Errorf("Resolve is not idempotent: %+v then %+v", q, again)
		}
	}
}

// Data no QR code can hold prints as text rather than vanishing.
func TestQRTooLongPrintsText(t *testing.T) {
	data := strings.Repeat("Ж", 2000) // 4000 bytes of UTF-8
	lines := replayed(t, New(epson58).Init().QR(QR{Data: data, Level: QRLevelH}).Bytes(), epson58)
	var sb strings.Builder
	for _, l := range lines {
		if l.Kind != LineText {
			t.Fatalf("printed a %s", l.Kind)
		}
		sb.WriteString(l.Text)
	}
	if sb.String() != data {
		t.Errorf("the data did not print as text")
	}
	if lines := (QR{}).Lines(epson58); len(lines) != 0 {
		t.Errorf("an empty QR printed %+v", lines)
	}
}
