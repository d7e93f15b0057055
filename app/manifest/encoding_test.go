package manifest

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

func TestDetectEncoding(t *testing.T) {
	cp, _ := charmap.Windows1251.NewEncoder().String("Трек;ФИО\n")
	for _, tc := range []struct {
		head  string
		atEOF bool
		want  string
		bom   int
	}{
		{"\xef\xbb\xbftrack\n", true, "utf-8-bom", 3},
		{"\xff\xfet\x00", true, "utf-16le", 2},
		{"\xfe\xff\x00t", true, "utf-16be", 2},
		{"track;name\n", true, "utf-8", 0},
		{"Трек;ФИО\n", true, "utf-8", 0},
		{cp, true, "windows-1251", 0},
		{"Трек;Ж"[:len("Трек;Ж")-1], false, "utf-8", 0}, // a rune cut by the buffer end
		{"Трек;Ж"[:len("Трек;Ж")-1], true, "windows-1251", 0},
		{"t\x00r\x00a\x00", true, "utf-16le", 0},
		{"\x00t\x00r\x00a", true, "utf-16be", 0},
		{"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", true, "windows-1251", 0}, // looksBinary rejects it next
	} {
		enc, bom := detectEncoding([]byte(tc.head), tc.atEOF)
		if enc != tc.want || bom != tc.bom {
			t.Errorf("detectEncoding(%q, %v) = %s %d, want %s %d", tc.head, tc.atEOF, enc, bom, tc.want, tc.bom)
		}
	}
}

// A Cyrillic (2-byte) or ₽ (3-byte) rune straddling the 64 KiB sniffing
// boundary must not make a UTF-8 file look like Windows-1251.
func TestSniffBoundary(t *testing.T) {
	for _, r := range []string{"Ж", "₽", "𝄞"} {
		for cut := 1; cut < len(r); cut++ {
			// header, then ASCII filler up to the boundary, then the row
			// whose name holds r at bytes [sniffSize-cut, sniffSize-cut+len(r)).
			var b bytes.Buffer
			b.Write(csvOfSize(sniffSize - 200))
			b.WriteString("B1;")
			b.WriteString(strings.Repeat("a", sniffSize-cut-b.Len()))
			b.WriteString(r + "б\n")
			if got := b.Bytes()[sniffSize-cut : sniffSize-cut+len(r)]; string(got) != r {
				t.Fatalf("test setup: rune not at the boundary")
			}
			sum, rows, err := parseBytes(t, b.Bytes(), Options{})
			if err != nil {
				t.Fatal(err)
			}
			last := rows[len(rows)-1]
			if sum.Encoding != "utf-8" || sum.Bad != 0 || last.Track != "B1" || !strings.HasSuffix(last.RecipientName, r+"б") {
				t.Errorf("%q cut after %d bytes: encoding %s, bad %d, last row %q", r, cut, sum.Encoding, sum.Bad,
					last.RecipientName[len(last.RecipientName)-10:])
			}
		}
	}
}

// A file that is ASCII for the first 64 KiB is taken as UTF-8; if
// Windows-1251 text follows, those rows are reported, not mangled.
func TestLaterInvalidUTF8(t *testing.T) {
	var b bytes.Buffer
	b.Write(csvOfSize(sniffSize + 10))
	fillerLines := strings.Count(b.String(), "\n")
	cp, _ := charmap.Windows1251.NewEncoder().String("C1;Иванов\nC2;Ivanov\n")
	b.WriteString(cp)
	sum, rows, err := parseBytes(t, b.Bytes(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Encoding != "utf-8" || sum.Bad != 1 || rows[len(rows)-1].Track != "C2" {
		t.Fatalf("encoding %s bad %d first errors %+v", sum.Encoding, sum.Bad, sum.Errors[:min(3, len(sum.Errors))])
	}
	e := sum.Errors[0]
	if e.Code != ErrRowBadEncoding || e.Field != "name" || e.Line != fillerLines+1 || !strings.Contains(e.Value, "\uFFFD") {
		t.Errorf("error %+v, want bad_encoding on line %d", e, fillerLines+1)
	}
}

func TestReplacementCharIsBadEncoding(t *testing.T) {
	// "Ива" and the one byte Windows-1251 leaves undefined (0x98), which
	// the decoder turns into U+FFFD.
	sum, _, err := parseBytes(t, []byte("track;name\nA1;\xc8\xe2\xe0\x98\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Encoding != "windows-1251" || sum.Bad != 1 || sum.Errors[0].Code != ErrRowBadEncoding {
		t.Errorf("encoding %s errors %+v", sum.Encoding, sum.Errors)
	}
}
