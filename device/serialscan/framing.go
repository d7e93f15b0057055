package serialscan

import (
	"fmt"
	"strings"
	"time"
)

// Suffix is the terminator a scanner sends after each code. The zero
// value is CR, the factory setting of most scanners in COM mode.
type Suffix int

const (
	// SuffixCR ends a frame on carriage return (0x0D).
	SuffixCR Suffix = iota
	// SuffixLF ends a frame on line feed (0x0A).
	SuffixLF
	// SuffixCRLF ends a frame on CR followed by LF.
	SuffixCRLF
	// SuffixNone: the scanner sends no terminator; only the idle gap
	// ends a frame.
	SuffixNone
)

// String names the suffix as ParseSuffix reads it.
func (s Suffix) String() string {
	switch s {
	case SuffixCR:
		return "cr"
	case SuffixLF:
		return "lf"
	case SuffixCRLF:
		return "crlf"
	case SuffixNone:
		return "none"
	}
	return fmt.Sprintf("Suffix(%d)", int(s))
}

// ParseSuffix reads "cr", "lf", "crlf" or "none" (any case), as stored in
// the app's settings.
func ParseSuffix(s string) (Suffix, error) {
	for _, v := range []Suffix{SuffixCR, SuffixLF, SuffixCRLF, SuffixNone} {
		if strings.EqualFold(s, v.String()) {
			return v, nil
		}
	}
	return 0, fmt.Errorf("serialscan: unknown suffix %q (want cr, lf, crlf or none)", s)
}

// Charset decodes one byte ≥ 0x80 of a scanner that sends a single-byte
// code page instead of UTF-8; bytes below 0x80 are ASCII. It returns
// utf8.RuneError for a byte the code page does not define. For example
// charmap.Windows1251.DecodeByte from golang.org/x/text fits.
type Charset func(b byte) rune

// Framing says how the byte stream is cut into codes. Zero fields take
// the defaults (CR suffix, 80 ms idle gap, 4..128 bytes, UTF-8).
type Framing struct {
	// Suffix is the terminator the scanner is programmed to send.
	Suffix Suffix
	// IdleGap ends a frame when no byte arrived for longer than this.
	// With a Suffix, a frame ended by the gap is rejected (ReasonNoSuffix):
	// the code stalled, and its halves must not pass as two scans.
	IdleGap time.Duration
	// Prefix, when set, must start every frame and is stripped. Scanners
	// are often programmed with STX (0x02); it lets the decoder refuse
	// the tail of a code that stalled.
	Prefix string
	// MinLen and MaxLen bound a code in bytes, prefix and suffix not
	// counted. MaxLen also bounds the memory one frame can take.
	MinLen, MaxLen int
	// Charset decodes bytes ≥ 0x80; nil means the scanner sends UTF-8
	// (ASCII for nearly every barcode).
	Charset Charset
}

// Framing defaults and limits.
const (
	DefaultIdleGap = 80 * time.Millisecond
	DefaultMinLen  = 4
	DefaultMaxLen  = 128
	// maxMaxLen is far above the largest 2D code (a QR code holds under
	// 3 KiB) and keeps a misconfigured MaxLen from buffering megabytes.
	maxMaxLen = 1 << 16
)

// withDefaults fills the zero fields.
func (f Framing) withDefaults() Framing {
	if f.IdleGap <= 0 {
		f.IdleGap = DefaultIdleGap
	}
	if f.MinLen <= 0 {
		f.MinLen = DefaultMinLen
	}
	if f.MaxLen <= 0 {
		f.MaxLen = DefaultMaxLen
	}
	return f
}

// validate checks f after withDefaults.
func (f Framing) validate() error {
	switch {
	case f.Suffix < SuffixCR || f.Suffix > SuffixNone:
		return fmt.Errorf("unknown suffix %d", int(f.Suffix))
	case f.MinLen > f.MaxLen:
		return fmt.Errorf("MinLen %d is above MaxLen %d", f.MinLen, f.MaxLen)
	case f.MaxLen > maxMaxLen:
		return fmt.Errorf("MaxLen %d is above %d", f.MaxLen, maxMaxLen)
	case strings.ContainsAny(f.Prefix, "\r\n"):
		// CR and LF at the start of a frame are skipped as the previous
		// frame's terminator, so a prefix could never match.
		return fmt.Errorf("prefix %q contains CR or LF", f.Prefix)
	}
	return nil
}
