package serialscan

import (
	"bytes"
	"fmt"
	"time"
)

// Decoder cuts a scanner's byte stream into frames. It is pure (time comes
// from the arguments) and not safe for concurrent use: one reader feeds it.
//
// Every call appends the frames it ended to dst and returns the slice, in
// the style of append, so a read loop reuses one slice.
//
// CR and LF at the start of a frame are skipped: they are the rest of the
// previous terminator (the LF of a CRLF when the Suffix is CR), and an
// empty frame is no event at all.
type Decoder struct {
	f      Framing
	prefix []byte
	// buf holds the current frame, prefix included, up to limit bytes;
	// n counts all of its bytes, those past the limit too.
	buf   []byte
	n     int
	limit int
	// cr says a CR arrived in CRLF mode and waits for its LF.
	cr bool
	// last is when the frame's latest byte arrived.
	last time.Time
}

// NewDecoder returns a Decoder for f; zero fields take the defaults.
func NewDecoder(f Framing) (*Decoder, error) {
	f = f.withDefaults()
	if err := f.validate(); err != nil {
		return nil, fmt.Errorf("serialscan: framing: %w", err)
	}
	return newDecoder(f), nil
}

// newDecoder is NewDecoder for a Framing already defaulted and validated.
func newDecoder(f Framing) *Decoder {
	d := &Decoder{f: f, prefix: []byte(f.Prefix)}
	d.limit = len(d.prefix) + f.MaxLen
	return d
}

// Feed takes bytes that arrived at time at. If the idle gap passed since
// the previous byte, the pending frame ends first.
func (d *Decoder) Feed(dst []Frame, p []byte, at time.Time) []Frame {
	dst = d.Tick(dst, at)
	for _, b := range p {
		if d.cr {
			d.cr = false
			if b == '\n' {
				d.last = at
				dst = d.end(dst, true)
				continue
			}
			if d.n > 0 {
				d.add('\r') // a lone CR inside a frame: kept, so it is rejected
			}
		}
		switch {
		case d.n == 0 && (b == '\r' || b == '\n'):
			continue
		case b == '\r' && d.f.Suffix == SuffixCR, b == '\n' && d.f.Suffix == SuffixLF:
			d.last = at
			dst = d.end(dst, true)
			continue
		case b == '\r' && d.f.Suffix == SuffixCRLF:
			d.cr = true
			d.last = at
			continue
		}
		d.add(b)
		d.last = at
	}
	return dst
}

// Tick tells the Decoder that time now has come with no new byte: a
// pending frame whose idle gap has passed ends. The read loop calls it
// after every read timeout.
func (d *Decoder) Tick(dst []Frame, now time.Time) []Frame {
	if d.Pending() && now.Sub(d.last) > d.f.IdleGap {
		dst = d.end(dst, false)
	}
	return dst
}

// Abort drops the pending frame because the stream broke (unplug, read
// error, shutdown) and reports it as ReasonPartial. Nothing is appended
// when no frame was pending.
func (d *Decoder) Abort(dst []Frame) []Frame {
	if d.n == 0 {
		d.reset()
		return dst
	}
	dst = append(dst, Frame{Raw: d.payload(), At: d.last, Err: reject(ReasonPartial, d.n-len(d.prefix))})
	d.reset()
	return dst
}

// Pending reports whether a frame has begun and not ended.
func (d *Decoder) Pending() bool { return d.n > 0 || d.cr }

// add appends one byte of the current frame.
func (d *Decoder) add(b byte) {
	d.n++
	if len(d.buf) < d.limit {
		d.buf = append(d.buf, b)
	}
}

// end finishes the current frame: bySuffix says the terminator ended it
// rather than the idle gap.
func (d *Decoder) end(dst []Frame, bySuffix bool) []Frame {
	defer d.reset()
	if d.cr && d.n > 0 {
		d.add('\r')
	}
	if d.n == 0 {
		return dst // only terminators: an empty frame is no event
	}
	fr := Frame{At: d.last}
	fr.Code, fr.Err = d.check(bySuffix)
	fr.Raw = d.payload()
	return append(dst, fr)
}

// check decides whether the current frame is a code and decodes it.
func (d *Decoder) check(bySuffix bool) (string, error) {
	n := d.n - len(d.prefix)
	if !bySuffix && d.f.Suffix != SuffixNone {
		return "", reject(ReasonNoSuffix, max(n, 0))
	}
	if !bytes.HasPrefix(d.buf, d.prefix) {
		return "", reject(ReasonNoPrefix, d.n)
	}
	if n > d.f.MaxLen {
		return "", reject(ReasonTooLong, n)
	}
	code, err := decode(d.buf[len(d.prefix):], d.f.Charset)
	if err != nil {
		return "", err
	}
	if n < d.f.MinLen {
		return "", reject(ReasonTooShort, n)
	}
	return code, nil
}

// payload copies the frame's bytes after the prefix (all of them when the
// prefix is missing).
func (d *Decoder) payload() []byte {
	return bytes.Clone(bytes.TrimPrefix(d.buf, d.prefix))
}

func (d *Decoder) reset() {
	d.buf = d.buf[:0]
	d.n = 0
	d.cr = false
}
