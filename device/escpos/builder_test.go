package escpos

import (
	"bytes"
	"fmt"
	"testing"
)

var (
	epson58 = Profile{Family: FamilyEpson, Columns: 32, Dots: 384, CodePage: CP866, QR: QRNative, Cutter: true, Drawer: true}
	clone80 = Profile{Family: FamilyClone, Columns: 48, Dots: 576, CodePage: WPC1251, QR: QRRaster, Cutter: true}
)

func hex(b []byte) string { return fmt.Sprintf("% X", b) }

func TestCodePageNumber(t *testing.T) {
	want := map[Family]map[CodePage]byte{
		FamilyEpson: {CP866: 17, WPC1251: 46, CP852: 18, WPC1250: 45},
		FamilyClone: {CP866: 17, WPC1251: 73, CP852: 18, WPC1250: 72},
	}
	for f, pages := range want {
		for cp, n := range pages {
			got, ok := CodePageNumber(f, cp)
			if !ok || got != n {
				t.Errorf("CodePageNumber(%s, %s) = %d, %v; want %d", f, cp, got, ok, n)
			}
			if back, ok := CodePageForNumber(f, n); !ok || back != cp {
				t.Errorf("CodePageForNumber(%s, %d) = %s, %v; want %s", f, n, back, ok, cp)
			}
			init := New(Profile{Family: f, CodePage: cp}).Init().Bytes()
			if !bytes.HasSuffix(init, []byte{esc, 't', n}) {
				t.Errorf("%s %s: Init = %s, want it to end ESC t %d", f, cp, hex(init), n)
			}
		}
	}
	if _, ok := CodePageNumber(FamilyEpson, "koi8"); ok {
		t.Error("an unknown page has a number")
	}
}

func TestInit(t *testing.T) {
	tests := []struct {
		name string
		b    *Builder
		want string
	}{
		{"epson", New(epson58), "1B 40 1B 74 11"},
		{"clone cancels Kanji", New(clone80), "1B 40 1C 2E 1B 74 49"},
		{"clone without FS .", New(clone80, WithCancelKanji(false)), "1B 40 1B 74 49"},
		{"overridden number", New(clone80, WithCodePageNumber(59)), "1B 40 1C 2E 1B 74 3B"},
		{"empty profile prints CP866", New(Profile{}), "1B 40 1B 74 11"},
	}
	for _, tt := range tests {
		if got := hex(tt.b.Init().Bytes()); got != tt.want {
			t.Errorf("%s: Init = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestTextEncoding(t *testing.T) {
	got := New(epson58).Line("Привет ₽").Bytes()
	// П р и в е т in CP866, then "руб." and LF
	want := []byte{0x8f, 0xe0, 0xa8, 0xa2, 0xa5, 0xe2, ' ', 0xe0, 0xe3, 0xa1, '.', lf}
	if !bytes.Equal(got, want) {
		t.Errorf("CP866 text = %s, want %s", hex(got), hex(want))
	}
	got = New(clone80).Text("Привет №").Bytes()
	want = []byte{0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2, ' ', 0xb9}
	if !bytes.Equal(got, want) {
		t.Errorf("1251 text = %s, want %s", hex(got), hex(want))
	}
	// a customer's name with an escape sequence in it must stay text
	got = New(epson58).Text("Иван\x1bd\x05\x1dV\x00").Bytes()
	if bytes.ContainsAny(got, "\x1b\x1d\x00") {
		t.Errorf("control bytes from text reached the printer: %s", hex(got))
	}
}

func TestStyleCommands(t *testing.T) {
	tests := []struct {
		name string
		b    *Builder
		want string
	}{
		{"align", New(epson58).Align(AlignCenter).Align(AlignRight).Align(AlignLeft), "1B 61 01 1B 61 02 1B 61 00"},
		{"bold", New(epson58).Bold(true).Bold(false), "1B 45 01 1B 45 00"},
		{"underline", New(epson58).Underline(true).Underline(false), "1B 2D 01 1B 2D 00"},
		{"size", New(epson58).Size(2, 2).Size(1, 3).Size(8, 8).Size(0, 9), "1D 21 11 1D 21 02 1D 21 77 1D 21 07"},
		{"feed", New(epson58).Feed(3).LF(), "1B 64 03 0A"},
		{"style sends only changes", New(epson58).Style(Style{Bold: true}).Style(Style{Bold: true, Width: 2, Height: 2}), "1B 45 01 1D 21 11"},
	}
	for _, tt := range tests {
		if got := hex(tt.b.Bytes()); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestCutAndDrawer(t *testing.T) {
	noCutter := epson58
	noCutter.Cutter = false
	feed6 := epson58
	feed6.FeedCut = 6
	tests := []struct {
		name string
		b    *Builder
		want string
	}{
		{"full cut", New(epson58).Cut(false), "1B 64 04 1D 56 41 00"},
		{"partial cut", New(epson58).Cut(true), "1B 64 04 1D 56 42 00"},
		{"cutter further from the head", New(feed6).Cut(false), "1B 64 06 1D 56 41 00"},
		{"no cutter: feed to tear", New(noCutter).Cut(false), "1B 64 04"},
		{"pending text printed first", New(epson58).Text("x").CutNow(false), "78 0A 1D 56 41 00"},
		{"drawer pin 2", New(epson58).Drawer(2), "1B 70 00 19 FA"},
		{"drawer pin 5", New(epson58).Drawer(5), "1B 70 01 19 FA"},
		{"no drawer wired", New(clone80).Drawer(2), ""},
	}
	for _, tt := range tests {
		if got := hex(tt.b.Bytes()); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestPairAndWrappedFollowTheWidth(t *testing.T) {
	b := New(epson58).Init().Size(2, 1).Pair("ИТОГО", "1 500").Wrapped("Очень длинный текст, который не влезет в одну строку")
	ops, err := Decode(b.Bytes(), epson58)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range Replay(ops) {
		if RuneWidth(l.Text) > 16 {
			t.Errorf("double-width line %q is wider than 16 characters", l.Text)
		}
	}
}
