package wedge

import (
	"fmt"
	"testing"
	"time"
)

// t0 is an arbitrary start; every test states its gaps explicitly.
var t0 = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

const ms = time.Millisecond

// ev is one UI event, gap after the previous one.
type ev struct {
	gap   time.Duration
	r     rune
	enter bool
	reset bool
}

// keys types s with gap before every rune.
func keys(gap time.Duration, s string) []ev {
	var out []ev
	for _, r := range s {
		out = append(out, ev{gap: gap, r: r})
	}
	return out
}

// burst types s at scanner speed (8 ms a key), the first key after pause.
func burst(pause time.Duration, s string) []ev {
	out := keys(8*ms, s)
	if len(out) > 0 {
		out[0].gap = pause
	}
	return out
}

func enter(gap time.Duration) []ev { return []ev{{gap: gap, enter: true}} }
func reset() []ev                  { return []ev{{reset: true}} }

func seq(parts ...[]ev) []ev {
	var out []ev
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// run feeds evs to a Decoder and returns every Enter result and every scan
// a Rune completed, in order, and the time after the last event.
func run(t *testing.T, d *Decoder, evs []ev) ([]Result, time.Time) {
	t.Helper()
	now := t0
	var out []Result
	for _, e := range evs {
		now = now.Add(e.gap)
		switch {
		case e.reset:
			d.Reset()
		case e.enter:
			out = append(out, d.Enter(now))
		default:
			if res, ok := d.Rune(e.r, now); ok {
				out = append(out, res)
			}
		}
	}
	return out, now
}

// show prints results with kinds named and texts quoted.
func show(rs []Result) string {
	s := "["
	for i, r := range rs {
		if i > 0 {
			s += " "
		}
		s += fmt.Sprintf("{%v %q %d}", r.Kind, r.Text, r.Typed)
	}
	return s + "]"
}
