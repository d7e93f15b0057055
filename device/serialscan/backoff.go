package serialscan

import "time"

// Backoff paces retries: Min doubling per failed attempt up to Max, each
// wait spread by ±Jitter so several scanners (or several counters on one
// USB hub) do not retry in lockstep. The zero Backoff is DefaultBackoff;
// otherwise a zero Min takes 250 ms and a Max below Min takes 5 s.
type Backoff struct {
	Min, Max time.Duration
	// Jitter is the fraction a wait may vary by, 0 to 1.
	Jitter float64
}

// DefaultBackoff is 250 ms doubling to 5 s, ±20 %.
var DefaultBackoff = Backoff{Min: 250 * time.Millisecond, Max: 5 * time.Second, Jitter: 0.2}

func (b Backoff) withDefaults() Backoff {
	if b == (Backoff{}) {
		return DefaultBackoff
	}
	if b.Min <= 0 {
		b.Min = DefaultBackoff.Min
	}
	if b.Max < b.Min {
		b.Max = max(DefaultBackoff.Max, b.Min)
	}
	b.Jitter = min(max(b.Jitter, 0), 1)
	return b
}

// Delay is the wait before retry number attempt (0 for the first retry);
// r in [0, 1) picks the jitter. The result lies in
// [base·(1−Jitter), min(base·(1+Jitter), Max)], base = min(Min·2^attempt, Max).
func (b Backoff) Delay(attempt int, r float64) time.Duration {
	b = b.withDefaults()
	base := b.Min
	for i := 0; i < attempt && base < b.Max; i++ {
		base *= 2
	}
	base = min(base, b.Max)
	r = min(max(r, 0), 1)
	d := time.Duration(float64(base) * (1 - b.Jitter + 2*b.Jitter*r))
	return min(d, b.Max)
}
