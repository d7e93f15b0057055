package wedge

import "time"

// Config tunes the Decoder. Zero or negative durations and lengths take the
// values of DefaultConfig.
type Config struct {
	// MaxGap is the longest gap between two keys of one scanner burst.
	MaxGap time.Duration
	// MinLen is the shortest burst (in runes) counted as a scan when it has
	// no Prefix.
	MinLen int
	// EndGap is the longest gap between the last rune of a burst and the
	// Enter (or Suffix) that ends it.
	EndGap time.Duration
	// Prefix, when set, marks the start of a scan: the runes after the
	// latest Prefix form a scan whatever their number, and may arrive
	// "slow-ish", up to max(MaxGap, EndGap) apart. The Prefix is stripped.
	// Choose one the scanner types the same on every keyboard layout in
	// use, or set Fold: a wedge scanner sends key codes, so "~" arrives as
	// "Ё" while the Russian layout is active.
	Prefix string
	// Suffix, when set, is a terminator besides Enter (e.g. "\t"): a burst
	// ending in it is reported by Decoder.Rune without waiting for Enter.
	// The Suffix is stripped.
	Suffix string
	// Fold, when set, maps a typed rune before it is compared with Prefix
	// and Suffix (the app passes its keyboard-layout mapping so that "Ё"
	// matches a "~" prefix). The returned Text keeps the runes as typed.
	Fold func(rune) rune
}

// DefaultConfig is a 50 ms key gap, 4-rune minimum, 100 ms Enter gap, and
// no Prefix or Suffix.
func DefaultConfig() Config {
	return Config{MaxGap: 50 * time.Millisecond, MinLen: 4, EndGap: 100 * time.Millisecond}
}

// withDefaults fills the zero fields from DefaultConfig.
func (c Config) withDefaults() Config {
	def := DefaultConfig()
	if c.MaxGap <= 0 {
		c.MaxGap = def.MaxGap
	}
	if c.MinLen <= 0 {
		c.MinLen = def.MinLen
	}
	if c.EndGap <= 0 {
		c.EndGap = def.EndGap
	}
	return c
}
