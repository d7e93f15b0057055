package wedge

import (
	"strings"
	"time"
)

// decide says whether the runes before index end, followed by a terminator
// at time at, are a scan, and returns it. Typed counts up to the end of the
// field, so it includes the Suffix runes when a Suffix is the terminator.
func (d *Decoder) decide(end int, at time.Time) (Result, bool) {
	if end <= d.floor {
		return Result{}, false
	}
	last := d.keys[end-1]
	if since(last.t, at) > d.cfg.EndGap {
		return Result{}, false
	}
	start, from := last.burst, last.burst
	if last.prefix >= 0 {
		// A Prefix in force decides alone: the code is what follows it.
		start, from = last.prefix, last.prefix+len(d.prefix)
		if end <= from {
			return Result{}, false
		}
	} else if !last.clean || end-start < d.cfg.MinLen {
		return Result{}, false
	}
	return Result{Kind: Scan, Text: d.text(from, end), Typed: len(d.keys) - start}, true
}

// endsWith reports whether the field ends with s (folded) after the floor,
// and where that occurrence starts.
func (d *Decoder) endsWith(s []rune) (int, bool) {
	start := len(d.keys) - len(s)
	if len(s) == 0 || start < d.floor {
		return 0, false
	}
	for j, r := range s {
		if d.fold(d.keys[start+j].r) != r {
			return 0, false
		}
	}
	return start, true
}

// fast reports whether the runes from start to the end of the field (a
// Suffix) were typed at scanner speed after their first one.
func (d *Decoder) fast(start int) bool {
	for i := start + 1; i < len(d.keys); i++ {
		if since(d.keys[i-1].t, d.keys[i].t) > d.cfg.MaxGap {
			return false
		}
	}
	return true
}

// text returns the runes from index from to end as typed.
func (d *Decoder) text(from, end int) string {
	var b strings.Builder
	b.Grow(end - from)
	for _, k := range d.keys[from:end] {
		b.WriteRune(k.r)
	}
	return b.String()
}

func (d *Decoder) fold(r rune) rune {
	if d.cfg.Fold == nil {
		return r
	}
	return d.cfg.Fold(r)
}

// foldString returns s as folded runes.
func (d *Decoder) foldString(s string) []rune {
	rs := []rune(s)
	for i, r := range rs {
		rs[i] = d.fold(r)
	}
	return rs
}

// slowGap is the longest gap inside a prefixed scan.
func (d *Decoder) slowGap() time.Duration {
	return max(d.cfg.MaxGap, d.cfg.EndGap)
}

// since is the gap from a to b; a clock stepped back counts as no gap.
func since(a, b time.Time) time.Duration {
	return max(b.Sub(a), 0)
}
