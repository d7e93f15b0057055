package wedge

import (
	"time"
	"unicode/utf8"
)

// Decoder tells scanner bursts from human typing, one field at a time. It
// is not safe for concurrent use: the UI calls it from its event thread.
//
// A burst is a run of runes each at most MaxGap after the previous one. An
// Enter ends a scan when the burst before it has at least MinLen runes and
// the Enter comes at most EndGap after its last rune (or, with a Prefix,
// when a Prefix was typed and the runes after it arrived slow-ish, see
// Config.Prefix). Only the burst is the scan: if a person typed "12" and
// then the scanner fired "4601234567890⏎", the Result is Scan
// "4601234567890" with Typed 13, and the field keeps "12" once the UI
// removes the last 13 runes.
//
// A scanner burst never follows another fast burst directly: when the
// keys before a pause were themselves a fast run (a scan that stalled in
// the middle, e.g. "4601234", 200 ms, "567890⏎"), the Enter is Manual with
// the whole text, so the person sees what arrived and nothing is cut. The
// one case timing cannot tell apart is a stall right after the first key
// of a scan; a Prefix removes that doubt.
type Decoder struct {
	cfg            Config
	prefix, suffix []rune // folded
	keys           []key  // runes since the last Enter, scan or Reset
	// floor is the index after the last Suffix that did not end a scan;
	// bursts, Prefixes and Suffixes never reach back past it.
	floor int
	// scanned says the last event ended a scan at scanEnd, so an Enter
	// right after it is a Trailer.
	scanned bool
	scanEnd time.Time
}

// key is one typed rune and the burst it belongs to.
type key struct {
	r rune
	t time.Time
	// burst is the index of the first rune of this rune's burst.
	burst int
	// clean says the burst did not directly follow another fast burst.
	clean bool
	// prefix is the index of the latest Prefix still in force, or -1.
	prefix int
}

// New returns a Decoder for cfg; zero fields take DefaultConfig values.
func New(cfg Config) *Decoder {
	cfg = cfg.withDefaults()
	d := &Decoder{cfg: cfg}
	d.prefix = d.foldString(cfg.Prefix)
	d.suffix = d.foldString(cfg.Suffix)
	return d
}

// Rune records one typed character at time t. When the rune completes a
// Suffix that ends a scan, it returns the Scan and true, and the Decoder
// starts afresh; otherwise it returns a zero Result and false.
func (d *Decoder) Rune(r rune, t time.Time) (Result, bool) {
	if !utf8.ValidRune(r) {
		r = utf8.RuneError // as string conversion would, so matching agrees with Text
	}
	i := len(d.keys)
	k := key{r: r, t: t, burst: i, clean: true, prefix: -1}
	if i > d.floor {
		prev := d.keys[i-1]
		gap := since(prev.t, t)
		if gap <= d.cfg.MaxGap {
			k.burst, k.clean = prev.burst, prev.clean
		} else {
			k.clean = i-prev.burst < 2 // the keys before the pause were a lone (human) key
		}
		if prev.prefix >= 0 && gap <= d.slowGap() {
			k.prefix = prev.prefix
		}
	}
	d.keys = append(d.keys, k)
	d.scanned = false

	if start, ok := d.endsWith(d.suffix); ok {
		if d.fast(start) {
			if res, ok := d.decide(start, d.keys[start].t); ok {
				d.finish(t)
				return res, true
			}
		}
		d.floor = len(d.keys) // a Suffix that ended no scan still ends the burst
		return Result{}, false
	}
	if start, ok := d.endsWith(d.prefix); ok {
		d.keys[i].prefix = start
	}
	return Result{}, false
}

// Enter records an Enter key press at time t and says what it was. The
// Decoder then starts afresh.
func (d *Decoder) Enter(t time.Time) Result {
	if len(d.keys) == 0 {
		if d.scanned && since(d.scanEnd, t) <= d.cfg.EndGap {
			d.scanEnd = t // CR+LF after Tab: each is a trailer
			return Result{Kind: Trailer}
		}
		d.scanned = false
		return Result{Kind: Empty}
	}
	if res, ok := d.decide(len(d.keys), t); ok {
		d.finish(t)
		return res
	}
	res := Result{Kind: Manual, Text: d.text(0, len(d.keys)), Typed: len(d.keys)}
	d.Reset()
	return res
}

// Reset forgets the current burst and field (e.g. after focus moved or the
// UI cleared the entry).
func (d *Decoder) Reset() {
	d.keys = d.keys[:0]
	d.floor = 0
	d.scanned = false
	d.scanEnd = time.Time{}
}

// Pending reports whether a scanner burst is in progress at time t: the
// last runes arrived at scanner speed (or after a Prefix) and the burst may
// still be ended by an Enter or Suffix. The UI uses it to hold back an
// action a person's key would trigger, such as dismissing a message. A
// single key is never pending: one key cannot show its speed.
func (d *Decoder) Pending(t time.Time) bool {
	n := len(d.keys)
	if n == 0 || n-1 < d.floor {
		return false
	}
	k := d.keys[n-1]
	if since(k.t, t) > d.slowGap() {
		return false
	}
	return k.prefix >= 0 || n-k.burst >= 2
}

// finish ends a scan at t.
func (d *Decoder) finish(t time.Time) {
	d.Reset()
	d.scanned, d.scanEnd = true, t
}
