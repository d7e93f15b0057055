package serialscan

import (
	"errors"
	"reflect"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzFrames feeds arbitrary bytes in arbitrary chunks with arbitrary gaps
// and checks what the rest of the app relies on: no panic; every delivered
// code is printable text (GS allowed) within the length limits and is the
// decoding of its Raw bytes; rejected frames carry a reason; and the
// frames do not depend on how the bytes were chunked as long as no gap
// reaches the idle threshold.
func FuzzFrames(f *testing.F) {
	f.Add([]byte(ean+"\r"+marking+"\r\n"), []byte{3, 200, 7}, uint8(0), "")
	f.Add([]byte("\x02"+ean+"\r\n\x00noise\r"), []byte{1, 1, 1, 255}, uint8(2), "\x02")
	f.Add([]byte("4601234"), []byte{0x90, 0x10}, uint8(3), "")
	f.Add([]byte("\xff\xfe\xc0АБВ\x1d1234\n"), []byte{2}, uint8(5), "]Q")
	f.Add([]byte("\r\r\n\n"), []byte{}, uint8(6), "")
	f.Fuzz(func(t *testing.T, data, cuts []byte, mode uint8, prefix string) {
		fr := Framing{
			Suffix: Suffix(mode % 4),
			MinLen: 1 + int(mode/8%4),
			MaxLen: 4 + int(mode/32)*8,
			Prefix: prefix,
		}
		if mode&4 != 0 {
			fr.Charset = latin1
		}
		if len(prefix) > 4 {
			return
		}
		d, err := NewDecoder(fr)
		if err != nil {
			return // e.g. a prefix with CR
		}
		fr = d.f

		// Chunk sizes and gaps come from cuts: low nibble size, high
		// nibble gap in 10 ms steps (0–150 ms, across the 80 ms idle gap).
		chunks := func(gaps bool) []step {
			var out []step
			rest := data
			for i := 0; len(rest) > 0; i++ {
				size, gap := len(rest), time.Duration(0)
				if i < len(cuts) {
					size = min(int(cuts[i]&15)+1, len(rest))
					gap = time.Duration(cuts[i]>>4) * 10 * ms
				}
				if !gaps {
					gap = ms
				}
				out = append(out, feed(gap, string(rest[:size])))
				rest = rest[size:]
			}
			return append(out, tick(time.Hour))
		}

		_, gapped := runSteps(d, append(chunks(true), feed(0, "1"), abort()))
		checkFrames(t, fr, gapped)

		whole, _ := NewDecoder(fr)
		_, one := runSteps(whole, []step{feed(0, string(data)), tick(time.Hour)})
		checkFrames(t, fr, one)
		split, _ := NewDecoder(fr)
		_, many := runSteps(split, chunks(false))
		if !reflect.DeepEqual(strip(one), strip(many)) {
			t.Fatalf("one chunk gave %q,\nsmall chunks gave %q", describe(one), describe(many))
		}
	})
}

// latin1 is a Charset with C1 controls among its high bytes.
func latin1(b byte) rune { return rune(b) }

func checkFrames(t *testing.T, fr Framing, frames []Frame) {
	t.Helper()
	for _, f := range frames {
		if f.Err != nil {
			var re *RejectError
			if !errors.As(f.Err, &re) || re.Reason < ReasonNoSuffix || re.Reason > ReasonPartial || f.Code != "" {
				t.Fatalf("rejected frame %+v", f)
			}
			continue
		}
		if len(f.Raw) < fr.MinLen || len(f.Raw) > fr.MaxLen {
			t.Fatalf("code of %d bytes outside %d..%d: %q", len(f.Raw), fr.MinLen, fr.MaxLen, f.Raw)
		}
		for _, r := range f.Code {
			if !printable(r) {
				t.Fatalf("code %q has unprintable %U", f.Code, r)
			}
		}
		if fr.Charset == nil && (f.Code != string(f.Raw) || !utf8.ValidString(f.Code)) {
			t.Fatalf("code %q is not its raw bytes %q", f.Code, f.Raw)
		}
		if fr.Charset != nil && utf8.RuneCountInString(f.Code) != len(f.Raw) {
			t.Fatalf("code %q does not decode %q byte for byte", f.Code, f.Raw)
		}
	}
}

// strip drops the arrival times, which differ between chunkings.
func strip(frames []Frame) []Frame {
	out := make([]Frame, len(frames))
	for i, f := range frames {
		f.At = time.Time{}
		out[i] = f
	}
	return out
}
