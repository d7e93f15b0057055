package serialscan

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

const ms = time.Millisecond

const (
	ean = "4601234567890"
	// marking is a GS1 DataMatrix marking code: GS separates the
	// variable-length serial (21) from the verification key (93).
	marking = "0104601234567890215Abc.d\x1d93XyZ1"
)

// step is one decoder call, gap after the previous one.
type step struct {
	gap   time.Duration
	data  string
	tick  bool
	abort bool
}

func feed(gap time.Duration, data string) step { return step{gap: gap, data: data} }
func tick(gap time.Duration) step              { return step{gap: gap, tick: true} }
func abort() step                              { return step{abort: true} }

// runSteps drives d and describes each frame: the code, or "!reason".
func runSteps(d *Decoder, steps []step) ([]string, []Frame) {
	now := t0
	var frames []Frame
	for _, s := range steps {
		now = now.Add(s.gap)
		switch {
		case s.abort:
			frames = d.Abort(frames)
		case s.tick:
			frames = d.Tick(frames, now)
		default:
			frames = d.Feed(frames, []byte(s.data), now)
		}
	}
	return describe(frames), frames
}

func describe(frames []Frame) []string {
	var out []string
	for _, f := range frames {
		var re *RejectError
		if errors.As(f.Err, &re) {
			out = append(out, "!"+re.Reason.String())
		} else {
			out = append(out, f.Code)
		}
	}
	return out
}

func TestDecoder(t *testing.T) {
	cp1251ish := func(b byte) rune { // enough of a code page for the test
		if b == 0xC0 {
			return 'А'
		}
		if b == 0x98 {
			return '\uFFFD' // undefined in Windows-1251
		}
		return rune(b) // Latin-1: 0x80–0x9F are C1 controls
	}
	tests := []struct {
		name  string
		f     Framing
		steps []step
		want  []string
	}{
		{"CR suffix", Framing{}, []step{feed(0, ean+"\r")}, []string{ean}},
		{"CR suffix split across writes", Framing{}, []step{feed(0, "4601"), feed(5*ms, "2345"), feed(5*ms, "67890"), feed(5*ms, "\r")}, []string{ean}},
		{"LF suffix", Framing{Suffix: SuffixLF}, []step{feed(0, ean+"\n")}, []string{ean}},
		{"CRLF suffix", Framing{Suffix: SuffixCRLF}, []step{feed(0, ean+"\r\n")}, []string{ean}},
		{"CRLF split between CR and LF", Framing{Suffix: SuffixCRLF}, []step{feed(0, ean+"\r"), feed(10*ms, "\nABCD\r\n")}, []string{ean, "ABCD"}},
		{"CRLF: lone CR inside is a control character", Framing{Suffix: SuffixCRLF}, []step{feed(0, "46\r01234\r\n")}, []string{"!control character"}},
		{"CRLF: doubled CR before a frame is skipped", Framing{Suffix: SuffixCRLF}, []step{feed(0, "\r\r\n"+ean+"\r\n")}, []string{ean}},
		{"LF of CRLF with CR suffix is an empty frame", Framing{}, []step{feed(0, ean+"\r\n"+"ABCD\r\n"), tick(time.Second)}, []string{ean, "ABCD"}},
		{"CR of CRLF with LF suffix", Framing{Suffix: SuffixLF}, []step{feed(0, ean+"\r\n")}, []string{"!control character"}},
		{"two codes in one read", Framing{}, []step{feed(0, ean+"\rABCDEF\r")}, []string{ean, "ABCDEF"}},
		{"no suffix: idle gap ends the frame", Framing{Suffix: SuffixNone}, []step{feed(0, "4601"), feed(10*ms, "234567890"), tick(50 * ms), tick(31 * ms)}, []string{ean}},
		{"no suffix: gap exactly IdleGap does not end it", Framing{Suffix: SuffixNone}, []step{feed(0, "4601"), feed(80*ms, "234567890"), tick(81 * ms)}, []string{ean}},
		{"no suffix: next bytes after the gap end it too", Framing{Suffix: SuffixNone}, []step{feed(0, ean), feed(100*ms, "ABCD"), tick(100 * ms)}, []string{ean, "ABCD"}},
		{"no suffix: custom gap", Framing{Suffix: SuffixNone, IdleGap: 20 * ms}, []step{feed(0, "4601"), feed(30*ms, "2345"), tick(30 * ms)}, []string{"4601", "2345"}},
		{"suffix expected, idle gap came: stalled code is rejected", Framing{}, []step{feed(0, "4601234"), tick(100 * ms), feed(time.Second, "567890\r")}, []string{"!no suffix", "567890"}},
		{"GS is kept", Framing{}, []step{feed(0, marking+"\r")}, []string{marking}},
		{"NUL noise", Framing{}, []step{feed(0, "\x00\x00\r")}, []string{"!control character"}},
		{"tab inside", Framing{}, []step{feed(0, "4601\t234\r")}, []string{"!control character"}},
		{"DEL inside", Framing{}, []step{feed(0, "4601\x7f234\r")}, []string{"!control character"}},
		{"invalid UTF-8", Framing{}, []step{feed(0, "4601\xff234\r")}, []string{"!invalid encoding"}},
		{"truncated UTF-8", Framing{}, []step{feed(0, "4601\xd0\r")}, []string{"!invalid encoding"}},
		{"valid UTF-8 Cyrillic", Framing{}, []step{feed(0, "ЯЧЕЙКА-1\r")}, []string{"ЯЧЕЙКА-1"}},
		{"zero-width space is unprintable", Framing{}, []step{feed(0, "4601\u200b234\r")}, []string{"!control character"}},
		{"charset decodes high bytes", Framing{Charset: cp1251ish}, []step{feed(0, "\xC0-1234\r")}, []string{"А-1234"}},
		{"charset: undefined byte", Framing{Charset: cp1251ish}, []step{feed(0, "\x98-1234\r")}, []string{"!invalid encoding"}},
		{"charset: C1 control", Framing{Charset: cp1251ish}, []step{feed(0, "\x85-1234\r")}, []string{"!control character"}},
		{"too short", Framing{}, []step{feed(0, "123\r")}, []string{"!too short"}},
		{"MinLen exactly", Framing{}, []step{feed(0, "1234\r")}, []string{"1234"}},
		{"too long", Framing{MaxLen: 8}, []step{feed(0, "123456789\r")}, []string{"!too long"}},
		{"MaxLen exactly", Framing{MaxLen: 8}, []step{feed(0, "12345678\r")}, []string{"12345678"}},
		{"runaway stream without terminator", Framing{MaxLen: 8}, []step{feed(0, strings.Repeat("7", 10000)), tick(time.Second)}, []string{"!no suffix"}},
		{"runaway stream, no suffix configured", Framing{MaxLen: 8, Suffix: SuffixNone}, []step{feed(0, strings.Repeat("7", 10000)), tick(time.Second)}, []string{"!too long"}},
		{"prefix stripped", Framing{Prefix: "\x02"}, []step{feed(0, "\x02"+ean+"\r")}, []string{ean}},
		{"prefix missing", Framing{Prefix: "\x02"}, []step{feed(0, ean+"\r")}, []string{"!no prefix"}},
		{"prefix does not count toward MinLen", Framing{Prefix: "]Q"}, []step{feed(0, "]Q123\r")}, []string{"!too short"}},
		{"prefix only", Framing{Prefix: "]Q"}, []step{feed(0, "]Q\r")}, []string{"!too short"}},
		{"partial frame dropped on abort", Framing{}, []step{feed(0, "46012"), abort()}, []string{"!partial"}},
		{"abort with nothing pending", Framing{}, []step{feed(0, ean+"\r"), abort()}, []string{ean}},
		{"abort with only a pending CR of CRLF", Framing{Suffix: SuffixCRLF}, []step{feed(0, "\r"), abort()}, nil},
		{"after abort the next frame is clean", Framing{}, []step{feed(0, "46012"), abort(), feed(time.Second, ean+"\r")}, []string{"!partial", ean}},
		{"terminators alone are no frame", Framing{}, []step{feed(0, "\r\r\n\n\r"), tick(time.Second)}, nil},
		{"clock stepped back counts as no gap", Framing{Suffix: SuffixNone}, []step{feed(0, "4601"), feed(-time.Hour, "2345"), tick(time.Hour + 100*ms)}, []string{"46012345"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := NewDecoder(tc.f)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := runSteps(d, tc.steps)
			if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tc.want) {
				t.Errorf("frames %q, want %q", got, tc.want)
			}
			if d.Pending() {
				t.Errorf("decoder still pending after the steps")
			}
		})
	}
}

func TestFrameDetails(t *testing.T) {
	d, err := NewDecoder(Framing{Prefix: "\x02"})
	if err != nil {
		t.Fatal(err)
	}
	_, frames := runSteps(d, []step{feed(0, "\x0246"), feed(7*ms, "01\x1d9\r"), feed(time.Second, "\x0246\x07123\r")})
	if len(frames) != 2 {
		t.Fatalf("got %d frames, want 2", len(frames))
	}
	ok := frames[0]
	if ok.Err != nil || ok.Code != "4601\x1d9" || string(ok.Raw) != "4601\x1d9" || !ok.At.Equal(t0.Add(7*ms)) {
		t.Errorf("frame = %+v, want code and raw 4601 GS 9 at +7ms", ok)
	}
	var re *RejectError
	if !errors.As(frames[1].Err, &re) {
		t.Fatalf("second frame err %v, want *RejectError", frames[1].Err)
	}
	if re.Reason != ReasonControl || re.Offset != 2 || re.Char != 7 || re.Len != 6 || frames[1].Code != "" {
		t.Errorf("reject = %+v code %q, want control U+0007 at 2 of 6, no code", re, frames[1].Code)
	}
	if msg := re.Error(); !strings.Contains(msg, "U+0007") || strings.Contains(msg, "123") {
		t.Errorf("error text %q: want the character, never the code", msg)
	}
}

func TestNewDecoderRejectsBadFraming(t *testing.T) {
	for _, f := range []Framing{
		{Suffix: Suffix(9)},
		{MinLen: 10, MaxLen: 5},
		{MaxLen: 1 << 20},
		{Prefix: "\r"},
	} {
		if _, err := NewDecoder(f); err == nil {
			t.Errorf("NewDecoder(%+v) accepted", f)
		}
	}
}

func TestSuffixNames(t *testing.T) {
	for _, s := range []Suffix{SuffixCR, SuffixLF, SuffixCRLF, SuffixNone} {
		got, err := ParseSuffix(strings.ToUpper(s.String()))
		if err != nil || got != s {
			t.Errorf("ParseSuffix(%q) = %v, %v", s.String(), got, err)
		}
	}
	if _, err := ParseSuffix("tab"); err == nil {
		t.Error("ParseSuffix(tab) accepted")
	}
	if Suffix(9).String() != "Suffix(9)" || Reason(0).String() != "Reason(0)" || State(0).String() != "State(0)" {
		t.Error("unknown values should name their number")
	}
}
