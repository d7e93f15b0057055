package wedge

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// fuzzRunes are the runes the fuzzer types: digits, letters, the usual
// prefix/suffix candidates, GS, a Cyrillic letter and an invalid rune.
var fuzzRunes = []rune("0123456789AZaz~\t\r\x02\x1d]QЁж\uFFFD")

// FuzzDecoder feeds arbitrary key sequences (runes at scanner and human
// speed, Enters, Resets, a clock stepping back) and checks what the UI
// relies on: the last Typed runes of the field are exactly the scan with
// its Prefix and Suffix, and Manual text is the whole field.
func FuzzDecoder(f *testing.F) {
	f.Add([]byte{2, 200, 2, 200, 0, 250}, "", "", uint8(0), false)
	f.Add([]byte{2, 1, 3, 1, 4, 1, 5, 1, 6, 1, 0, 2}, "~", "\t", uint8(3), false)
	f.Add([]byte{2, 1, 14, 2, 3, 2, 4, 2, 5, 2, 17, 2, 0, 1}, "~", "\t", uint8(0), false)
	f.Add([]byte{2, 1, 20, 2, 3, 2, 1, 0, 4, 2, 0, 1, 0, 1}, "]Q", "\r\n", uint8(1), true)
	f.Add([]byte{2, 1, 3, 255, 4, 1, 5, 1, 6, 1, 0, 2, 0, 3}, "~~", "~", uint8(2), true)
	f.Add([]byte("2000"), "~", "00000000", uint8('a'), false) // "Ё" is no "~" without Fold
	f.Fuzz(func(t *testing.T, ops []byte, prefix, suffix string, minLen uint8, fold bool) {
		cfg := Config{MinLen: int(minLen % 8), Prefix: prefix, Suffix: suffix}
		if fold {
			cfg.Fold = fuzzFold
		}
		d := New(cfg)
		fp, fs := d.foldText(prefix), d.foldText(suffix)
		alphabet := append(append(append([]rune{}, fuzzRunes...), []rune(prefix)...), []rune(suffix)...)

		var field []rune // runes since the last Enter, scan or Reset, as the Decoder should see them
		now := t0
		for i := 0; i+1 < len(ops); i += 2 {
			op, arg := ops[i], ops[i+1]
			now = now.Add(fuzzGap(arg))
			switch op % 8 {
			case 0:
				res := d.Enter(now)
				checkEnter(t, d, res, field, fp, fs)
				field = field[:0]
			case 1:
				d.Reset()
				field = field[:0]
			default:
				r := alphabet[int(op/8+arg)%len(alphabet)]
				if op%8 == 7 {
					r = rune(arg) - 10 // negative and other invalid runes too
				}
				if !utf8.ValidRune(r) {
					r = utf8.RuneError
				}
				field = append(field, r)
				res, ok := d.Rune(r, now)
				if ok {
					checkScan(t, d, res, field, fp, fs, suffix)
					field = field[:0]
				} else if res != (Result{}) {
					t.Fatalf("Rune without a scan returned %+v", res)
				}
			}
			d.Pending(now.Add(fuzzGap(op)))
		}
	})
}

// fuzzGap maps a byte to a gap: scanner speed, human speed, or back in time.
func fuzzGap(b byte) time.Duration {
	switch {
	case b < 128:
		return time.Duration(b/4) * ms // 0–31 ms
	case b < 250:
		return time.Duration(b-100) * 4 * ms // 112–596 ms
	default:
		return -time.Duration(b-249) * time.Second
	}
}

func checkEnter(t *testing.T, d *Decoder, res Result, field []rune, fp, fs string) {
	t.Helper()
	switch res.Kind {
	case Empty, Trailer:
		if len(field) != 0 || res.Text != "" || res.Typed != 0 {
			t.Fatalf("%v with %d runes typed: %+v", res.Kind, len(field), res)
		}
	case Manual:
		if res.Text != string(field) || res.Typed != len(field) {
			t.Fatalf("Manual %+v, want the whole field %q", res, string(field))
		}
	case Scan:
		checkScan(t, d, res, field, fp, fs, "")
	default:
		t.Fatalf("Enter returned kind %v", res.Kind)
	}
}

// checkScan checks a Scan against the field; suffix is the raw Suffix when
// a Rune ended the scan, "" when an Enter did.
func checkScan(t *testing.T, d *Decoder, res Result, field []rune, fp, fs, suffix string) {
	t.Helper()
	if res.Kind != Scan {
		t.Fatalf("kind %v, want scan", res.Kind)
	}
	if res.Typed < 1 || res.Typed > len(field) {
		t.Fatalf("Typed %d with %d runes in the field", res.Typed, len(field))
	}
	n := utf8.RuneCountInString(res.Text)
	if n > res.Typed || res.Text == "" {
		t.Fatalf("scan text %q (%d runes) for %d typed", res.Text, n, res.Typed)
	}
	tail := string(field[len(field)-res.Typed:])
	body, ok := strings.CutSuffix(tail, res.Text+string(field[len(field)-utf8.RuneCountInString(suffix):]))
	if !ok {
		t.Fatalf("field tail %q is not prefix + %q + suffix", tail, res.Text)
	}
	switch body {
	case "":
		if n < d.cfg.MinLen {
			t.Fatalf("unprefixed scan %q shorter than MinLen %d", res.Text, d.cfg.MinLen)
		}
	default:
		if fp == "" || d.foldText(body) != fp {
			t.Fatalf("field tail %q has %q before the scan, prefix is %q", tail, body, fp)
		}
	}
	folded := d.foldText(res.Text)
	if fp != "" && strings.Contains(folded, fp) || fs != "" && strings.Contains(folded, fs) {
		t.Fatalf("scan text %q contains prefix %q or suffix %q", res.Text, fp, fs)
	}
}

// foldText is s with invalid UTF-8 and the Decoder's Fold applied.
func (d *Decoder) foldText(s string) string { return string(d.foldString(s)) }

// fuzzFold is the Fold the fuzzer may turn on: the Russian-layout "~".
func fuzzFold(r rune) rune {
	if r == 'Ё' {
		return '~'
	}
	return r
}
