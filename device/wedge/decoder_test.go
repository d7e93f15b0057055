package wedge

import (
	"reflect"
	"testing"
	"time"
)

const ean = "4601234567890"

func TestDecoder(t *testing.T) {
	ru := func(r rune) rune { // what the app passes: ЙЦУКЕН key → QWERTY
		if r == 'Ё' {
			return '~'
		}
		return r
	}
	tests := []struct {
		name string
		cfg  Config
		evs  []ev
		want []Result
	}{{
		name: "person types slowly then Enter",
		evs:  seq(keys(200*ms, "1234"), enter(300*ms)),
		want: []Result{{Kind: Manual, Text: "1234", Typed: 4}},
	}, {
		name: "Enter on an empty field",
		evs:  enter(time.Second),
		want: []Result{{Kind: Empty}},
	}, {
		name: "scanner burst",
		evs:  seq(burst(time.Second, ean), enter(10*ms)),
		want: []Result{{Kind: Scan, Text: ean, Typed: 13}},
	}, {
		name: "scanner at the slowest accepted speed",
		evs:  seq(keys(50*ms, ean), enter(100*ms)),
		want: []Result{{Kind: Scan, Text: ean, Typed: 13}},
	}, {
		name: "person typed, then the scanner fired: only the burst is the scan",
		evs:  seq(keys(180*ms, "12"), burst(700*ms, ean), enter(12*ms)),
		want: []Result{{Kind: Scan, Text: ean, Typed: 13}},
	}, {
		name: "burst with one slow gap in the middle is manual, whole text",
		evs:  seq(burst(time.Second, "4601234"), burst(200*ms, "567890"), enter(10*ms)),
		want: []Result{{Kind: Manual, Text: ean, Typed: 13}},
	}, {
		name: "burst shorter than MinLen is manual",
		evs:  seq(burst(time.Second, "123"), enter(10*ms)),
		want: []Result{{Kind: Manual, Text: "123", Typed: 3}},
	}, {
		name: "MinLen is configurable",
		cfg:  Config{MinLen: 2},
		evs:  seq(burst(time.Second, "12"), enter(10*ms)),
		want: []Result{{Kind: Scan, Text: "12", Typed: 2}},
	}, {
		name: "Enter too late after the burst is manual",
		evs:  seq(burst(time.Second, ean), enter(150*ms)),
		want: []Result{{Kind: Manual, Text: ean, Typed: 13}},
	}, {
		name: "GS and other control characters stay in the code",
		evs:  seq(burst(time.Second, "010460123456789021ABC\x1d93XYZ"), enter(5*ms)),
		want: []Result{{Kind: Scan, Text: "010460123456789021ABC\x1d93XYZ", Typed: 27}},
	}, {
		name: "Cyrillic (wrong layout) is returned as typed",
		evs:  seq(burst(time.Second, "ФИС123"), enter(5*ms)),
		want: []Result{{Kind: Scan, Text: "ФИС123", Typed: 6}},
	}, {
		name: "scanner sends CR and LF: the second Enter is a trailer",
		evs:  seq(burst(time.Second, ean), enter(8*ms), enter(8*ms), enter(time.Second)),
		want: []Result{{Kind: Scan, Text: ean, Typed: 13}, {Kind: Trailer}, {Kind: Empty}},
	}, {
		name: "two scans in a row",
		evs:  seq(burst(time.Second, ean), enter(8*ms), burst(2*time.Second, "CELL-A-1-01"), enter(8*ms)),
		want: []Result{{Kind: Scan, Text: ean, Typed: 13}, {Kind: Scan, Text: "CELL-A-1-01", Typed: 11}},
	}, {
		name: "prefix: short and slow-ish code is still a scan, prefix stripped",
		cfg:  Config{Prefix: "~"},
		evs:  seq(keys(80*ms, "~12"), enter(60*ms)),
		want: []Result{{Kind: Scan, Text: "12", Typed: 3}},
	}, {
		name: "prefix after a person's text",
		cfg:  Config{Prefix: "~"},
		evs:  seq(keys(200*ms, "ab"), burst(time.Second, "~X1"), enter(8*ms)),
		want: []Result{{Kind: Scan, Text: "X1", Typed: 3}},
	}, {
		name: "prefix typed by a person at human speed is manual",
		cfg:  Config{Prefix: "~"},
		evs:  seq(keys(250*ms, "~12"), enter(300*ms)),
		want: []Result{{Kind: Manual, Text: "~12", Typed: 3}},
	}, {
		name: "prefix alone is no scan",
		cfg:  Config{Prefix: "~"},
		evs:  seq(burst(time.Second, "1234~"), enter(8*ms)),
		want: []Result{{Kind: Manual, Text: "1234~", Typed: 5}},
	}, {
		name: "prefix typed through the Russian layout matches with Fold",
		cfg:  Config{Prefix: "~", Fold: ru},
		evs:  seq(burst(time.Second, "Ё12"), enter(8*ms)),
		want: []Result{{Kind: Scan, Text: "12", Typed: 3}},
	}, {
		name: "multi-rune prefix",
		cfg:  Config{Prefix: "]Q"},
		evs:  seq(burst(time.Second, "]Q3x"), enter(8*ms)),
		want: []Result{{Kind: Scan, Text: "3x", Typed: 4}},
	}, {
		name: "suffix ends the scan without Enter",
		cfg:  Config{Suffix: "\t"},
		evs:  seq(burst(time.Second, ean+"\t")),
		want: []Result{{Kind: Scan, Text: ean, Typed: 14}},
	}, {
		name: "Enter right after a suffix scan is a trailer, a later one is the person's",
		cfg:  Config{Suffix: "\t"},
		evs:  seq(burst(time.Second, ean+"\t"), enter(10*ms), enter(time.Second)),
		want: []Result{{Kind: Scan, Text: ean, Typed: 14}, {Kind: Trailer}, {Kind: Empty}},
	}, {
		name: "suffix pressed by a person ends no scan and splits bursts",
		cfg:  Config{Suffix: "\t"},
		evs:  seq(keys(200*ms, "ab\t"), burst(10*ms, "12"), enter(10*ms)),
		want: []Result{{Kind: Manual, Text: "ab\t12", Typed: 5}},
	}, {
		name: "suffix after too short a burst is no scan",
		cfg:  Config{Suffix: "\t"},
		evs:  seq(burst(time.Second, "12\t"), burst(10*ms, "3456"), enter(10*ms)),
		want: []Result{{Kind: Scan, Text: "3456", Typed: 4}},
	}, {
		name: "prefix and suffix",
		cfg:  Config{Prefix: "\x02", Suffix: "\r\n"},
		evs:  seq(keys(200*ms, "7"), burst(time.Second, "\x02AB\x1d12\r\n")),
		want: []Result{{Kind: Scan, Text: "AB\x1d12", Typed: 8}},
	}, {
		name: "Reset forgets a burst",
		evs:  seq(burst(time.Second, ean), reset(), enter(10*ms)),
		want: []Result{{Kind: Empty}},
	}, {
		name: "Reset between a person's text and a scan",
		evs:  seq(keys(200*ms, "12"), reset(), burst(time.Second, ean), enter(10*ms)),
		want: []Result{{Kind: Scan, Text: ean, Typed: 13}},
	}, {
		name: "Reset after a scan: the next Enter is the person's",
		evs:  seq(burst(time.Second, ean), enter(10*ms), reset(), enter(10*ms)),
		want: []Result{{Kind: Scan, Text: ean, Typed: 13}, {Kind: Empty}},
	}, {
		name: "clock stepped back inside a burst counts as no gap",
		evs:  seq(burst(time.Second, "4601"), burst(-time.Hour, "234"), enter(10*ms)),
		want: []Result{{Kind: Scan, Text: "4601234", Typed: 7}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := run(t, New(tc.cfg), tc.evs)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %s\nwant %s", show(got), show(tc.want))
			}
		})
	}
}

// The UI removes the last Typed runes from its entry and gets back what the
// person had typed before the scanner fired.
func TestTypedRestoresThePersonsText(t *testing.T) {
	d := New(DefaultConfig())
	field := []rune{}
	now := t0
	for _, e := range seq(keys(200*ms, "Иван"), burst(time.Second, ean)) {
		now = now.Add(e.gap)
		d.Rune(e.r, now)
		field = append(field, e.r)
	}
	res := d.Enter(now.Add(10 * ms))
	if res.Kind != Scan {
		t.Fatalf("Enter = %v, want scan", res.Kind)
	}
	if got := string(field[:len(field)-res.Typed]); got != "Иван" {
		t.Errorf("field after removing the scan = %q, want %q", got, "Иван")
	}
}

func TestPending(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Config
		evs   []ev
		after time.Duration // when Pending is asked, after the last event
		want  bool
	}{
		{"scanner mid-burst", Config{}, burst(time.Second, "46012"), 5 * ms, true},
		{"scanner burst waiting for Enter", Config{}, burst(time.Second, ean), 90 * ms, true},
		{"burst over, no Enter came", Config{}, burst(time.Second, ean), 150 * ms, false},
		{"one key cannot show its speed", Config{}, keys(time.Second, "4"), 5 * ms, false},
		{"person typing", Config{}, keys(200*ms, "1234"), 5 * ms, false},
		{"after a prefix", Config{Prefix: "~"}, keys(time.Second, "~"), 5 * ms, true},
		{"after a scan ended by suffix", Config{Suffix: "\t"}, burst(time.Second, ean+"\t"), 1 * ms, false},
		{"after a suffix that ended no scan", Config{Suffix: "\t"}, burst(time.Second, "1\t"), 1 * ms, false},
		{"after Enter", Config{}, seq(burst(time.Second, ean), enter(5*ms)), 1 * ms, false},
		{"nothing typed", Config{}, nil, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := New(tc.cfg)
			_, now := run(t, d, tc.evs)
			if got := d.Pending(now.Add(tc.after)); got != tc.want {
				t.Errorf("Pending = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestZeroConfigUsesDefaults(t *testing.T) {
	if got, want := (Config{}).withDefaults(), DefaultConfig(); !reflect.DeepEqual(got, want) {
		t.Fatalf("zero Config = %+v, want %+v", got, want)
	}
	neg := Config{MaxGap: -1, MinLen: -1, EndGap: -1}.withDefaults()
	if neg.MaxGap != 50*ms || neg.MinLen != 4 || neg.EndGap != 100*ms {
		t.Errorf("negative Config = %+v, want the defaults", neg)
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{Empty: "empty", Manual: "manual", Scan: "scan", Trailer: "trailer", Kind(42): "unknown"} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}
