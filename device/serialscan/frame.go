package serialscan

import (
	"fmt"
	"time"
)

// Frame is one stretch of the byte stream the Decoder ended: a code, or a
// rejected frame with the reason in Err.
type Frame struct {
	// Code is the decoded code, prefix and suffix stripped; empty when
	// Err is set.
	Code string
	// Raw is the frame's bytes without prefix and suffix, as received (a
	// rejected frame's Raw may be cut at Framing.MaxLen). It is the
	// caller's to keep.
	Raw []byte
	// At is when the frame's last byte arrived.
	At time.Time
	// Err is a *RejectError when the frame is not passed on as a scan.
	Err error
}

// Reason says why a frame was rejected.
type Reason int

const (
	// ReasonNoSuffix: the idle gap passed before the configured suffix
	// came; the code stalled or the suffix setting is wrong.
	ReasonNoSuffix Reason = iota + 1
	// ReasonNoPrefix: the frame does not start with the configured prefix.
	ReasonNoPrefix
	// ReasonControl: a control or other unprintable character other than
	// GS; line noise, or a suffix setting that does not match the scanner.
	ReasonControl
	// ReasonEncoding: invalid UTF-8, or a byte the configured Charset does
	// not define; typically a wrong baud rate or parity.
	ReasonEncoding
	// ReasonTooShort: fewer bytes than Framing.MinLen.
	ReasonTooShort
	// ReasonTooLong: more bytes than Framing.MaxLen.
	ReasonTooLong
	// ReasonPartial: the port closed (unplug, error, shutdown) in the
	// middle of the frame.
	ReasonPartial
)

// String is the reason as logged.
func (r Reason) String() string {
	switch r {
	case ReasonNoSuffix:
		return "no suffix"
	case ReasonNoPrefix:
		return "no prefix"
	case ReasonControl:
		return "control character"
	case ReasonEncoding:
		return "invalid encoding"
	case ReasonTooShort:
		return "too short"
	case ReasonTooLong:
		return "too long"
	case ReasonPartial:
		return "partial"
	}
	return fmt.Sprintf("Reason(%d)", int(r))
}

// RejectError is why a frame was not delivered. It never carries the
// code's text, so it can be logged at any level.
type RejectError struct {
	Reason Reason
	// Len is the frame's length in bytes, prefix and suffix not counted.
	Len int
	// Offset is the position of the offending byte for ReasonControl and
	// ReasonEncoding, -1 otherwise.
	Offset int
	// Char is the offending character (ReasonControl) or byte
	// (ReasonEncoding).
	Char rune
}

func (e *RejectError) Error() string {
	switch e.Reason {
	case ReasonControl:
		return fmt.Sprintf("frame rejected: %v %U at byte %d of %d", e.Reason, e.Char, e.Offset, e.Len)
	case ReasonEncoding:
		return fmt.Sprintf("frame rejected: %v: byte %#02x at %d of %d", e.Reason, e.Char, e.Offset, e.Len)
	}
	return fmt.Sprintf("frame rejected: %v (%d bytes)", e.Reason, e.Len)
}

func reject(r Reason, n int) *RejectError {
	return &RejectError{Reason: r, Len: n, Offset: -1}
}
