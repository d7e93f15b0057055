package escpos

import (
	"errors"
	"strings"
	"testing"
)

func TestDecodeText(t *testing.T) {
	for _, p := range []Profile{epson58, clone80, {Family: FamilyEpson, CodePage: CP852}, {Family: FamilyClone, CodePage: WPC1250}} {
		text := "Посылка №17 для Đorđe — 1 500 ₽"
		ops, err := Decode(New(p).Init().Line(text).Bytes(), p)
		if err != nil {
			t.Fatalf("%s: %v", p.CodePage, err)
		}
		lines := Replay(ops)
		if len(lines) != 1 || lines[0].Text != Premap(p.CodePage, text) {
			t.Errorf("%s: printed %+v, want %q", p.CodePage, lines, Premap(p.CodePage, text))
		}
	}
	// the decoder follows ESC t, not the profile, once one was sent
	job := append(New(epson58).Init().Line("Привет").Bytes(), New(Profile{Family: FamilyEpson, CodePage: WPC1251}).Init().Line("Привет").Bytes()...)
	ops, err := Decode(job, epson58)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, op := range ops {
		if op.Kind == OpText {
			texts = append(texts, op.Text)
		}
	}
	if strings.Join(texts, ",") != "Привет,Привет" {
		t.Errorf("texts = %q, want both in Russian", texts)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name   string
		data   string
		offset int
		err    error
		ops    int // decoded before the error
	}{
		{"lone ESC", "\x1b", 0, ErrTruncated, 0},
		{"text then lone ESC", "abc\x1b", 3, ErrTruncated, 1},
		{"ESC t without n", "\x1b@\x1bt", 2, ErrTruncated, 1},
		{"unknown ESC", "\x1b\x99", 0, ErrUnknown, 0},
		{"bad align", "\x1ba\x05", 0, ErrInvalid, 0},
		{"unknown control", "ok\n\x07", 3, ErrUnknown, 2},
		{"raster short of data", "\x1dv0\x00\x02\x00\x02\x00\xff\xff\xff", 0, ErrTruncated, 0},
		{"barcode longer than the job", "\x1dkI\x10{BAB", 0, ErrTruncated, 0},
		{"format A barcode without NUL", "\x1dk\x02123", 0, ErrTruncated, 0},
		{"bad CODE128 code C", "\x1dkI\x03{C\xc8", 0, ErrInvalid, 0},
		{"QR store cut short", "\x1d(k\x10\x001P0abc", 0, ErrTruncated, 0},
		{"bad cut", "\x1dV\x07", 0, ErrInvalid, 0},
		{"bad status query", "\x10\x04\x09", 0, ErrInvalid, 0},
	}
	for _, tt := range tests {
		ops, err := Decode([]byte(tt.data), epson58)
		var de *DecodeError
		if !errors.As(err, &de) || !errors.Is(err, tt.err) || de.Offset != tt.offset {
			t.Errorf("%s: err = %v, want %v at offset %d", tt.name, err, tt.err, tt.offset)
			continue
		}
		if !strings.Contains(err.Error(), "offset") {
			t.Errorf("%s: %q does not say where", tt.name, err)
		}
		if len(ops) != tt.ops {
			t.Errorf("%s: %d ops before the error, want %d", tt.name, len(ops), tt.ops)
		}
	}
}

func TestDecodeRawJob(t *testing.T) {
	// what another program might send: ESC ! modes, line spacing, GS ( L
	// graphics, a format A EAN and a function A cut
	job := "\x1b@\x1b3\x30\x1b!\x38Big\n\x1b!\x00small\x1d(L\x02\x000E\x1dk\x024006381333931\x00\x1dV\x01"
	ops, err := Decode([]byte(job), epson58)
	if err != nil {
		t.Fatal(err)
	}
	lines := Replay(ops)
	if len(lines) != 4 {
		t.Fatalf("lines = %+v", lines)
	}
	if l := lines[0]; l.Text != "Big" || !l.Style.Bold || l.Style.Width != 2 || l.Style.Height != 2 {
		t.Errorf("ESC ! 0x38 line = %+v, want bold double size", l)
	}
	if l := lines[1]; l.Text != "small" || l.Style.Bold {
		t.Errorf("line 2 = %+v", l)
	}
	if l := lines[2]; l.Barcode == nil || l.Barcode.Symbology != EAN13 || l.Barcode.Data != "4006381333931" {
		t.Errorf("line 3 = %+v, want the EAN", l)
	}
	if l := lines[3]; l.Kind != LineCut || !l.Partial {
		t.Errorf("line 4 = %+v, want a partial cut", l)
	}
}

func TestReplayFeeds(t *testing.T) {
	b := New(epson58).Init().Text("один").Feed(3).Line("два").LF().Text("три")
	lines := replayed(t, b.Bytes(), epson58)
	var got []string
	for _, l := range lines {
		got = append(got, l.Text)
	}
	// ESC d 3 prints "один" and feeds two more lines; LF on an empty line feeds one
	if want := "один|||два||три"; strings.Join(got, "|") != want {
		t.Errorf("lines = %q, want %q", strings.Join(got, "|"), want)
	}
}

func TestPlainText(t *testing.T) {
	lines := []Line{
		TextLine("ЧЕК", Style{Align: AlignCenter, Width: 2}),
		TextLine("Итого", Style{}),
		{Kind: LineQR, QR: &QR{Data: "x"}},
		{Kind: LineCut},
	}
	want := "             ЧЕК\nИтого\n             [QR x]\n          - - cut - -\n"
	if got := PlainText(lines, 32); got != want {
		t.Errorf("PlainText =\n%s\nwant\n%s", got, want)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(New(epson58).Init().Line("Привет ₽").Code128("RU1234").QR(QR{Data: "q"}).Cut(false).Drawer(2).Bytes())
	f.Add(New(clone80).Init().Line("Ђорђе").QR(QR{Data: "https://x.kg"}).Cut(true).Bytes())
	f.Add([]byte("\x1dv0\x00\x01\x00\x02\x00\xff\x81\x1d(k\x03\x001E0\x10\x04\x01\x1b!\x38"))
	f.Add([]byte("\x1dk\x02123\x00\x1dkI\x04{C\x0c\x22\x1dV\x42\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, p := range []Profile{epson58, clone80} {
			ops, err := Decode(data, p)
			if err != nil {
				var de *DecodeError
				if !errors.As(err, &de) || de.Offset < 0 || de.Offset > len(data) {
					t.Fatalf("error %v is not a DecodeError with an offset in the data", err)
				}
			}
			for _, op := range ops {
				if op.Offset < 0 || op.Offset+len(op.Raw) > len(data) {
					t.Fatalf("op %+v points outside the data", op.Kind)
				}
			}
			_ = PlainText(Replay(ops), p.TextColumns())
		}
	})
}

// Text through the builder decodes back to exactly the pre-mapped text,
// on every page and family.
func FuzzTextRoundTrip(f *testing.F) {
	f.Add("Наложенный платёж 1 500,00 ₽", uint8(0))
	f.Add("Đorđe Čolić «Šabac» — №5…", uint8(2))
	f.Add("Көчө ң ө ү\n\tЉуба\x1b@", uint8(1))
	f.Add("👍🏻 漢字 \u00a0 e\u0301", uint8(3))
	pages := []CodePage{CP866, WPC1251, CP852, WPC1250, CP437}
	f.Fuzz(func(t *testing.T, s string, page uint8) {
		cp := pages[int(page)%len(pages)]
		for _, fam := range []Family{FamilyEpson, FamilyClone} {
			p := Profile{Family: fam, CodePage: cp}
			want := Premap(cp, s)
			if again := Premap(cp, want); again != want {
				t.Fatalf("Premap is not idempotent: %q then %q", want, again)
			}
			ops, err := Decode(New(p).Init().Text(s).Bytes(), p)
			if err != nil {
				t.Fatalf("%s %s: %v", fam, cp, err)
			}
			var sb strings.Builder
			for _, op := range ops {
				switch op.Kind {
				case OpText:
					sb.WriteString(op.Text)
				case OpLF:
					sb.WriteByte('\n')
				}
			}
			if sb.String() != want {
				t.Fatalf("%s %s: %q printed as %q, want %q", fam, cp, s, sb.String(), want)
			}
			for _, line := range (Layout{Columns: 32, CodePage: cp}).Wrap(s, 1) {
				if RuneWidth(line) > 32 {
					t.Fatalf("wrapped line %q is wider than 32", line)
				}
			}
		}
	})
}
