package wedge_test

import (
	"fmt"
	"time"

	"smartpoint/device/wedge"
)

// A person typed "12" into the search field, then scanned a parcel without
// pressing Enter. The UI removes the scan's runes and keeps "12".
func Example() {
	d := wedge.New(wedge.DefaultConfig())
	field := []rune{}
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	typeAt := func(s string, pause, gap time.Duration) {
		for i, r := range s {
			if i == 0 {
				now = now.Add(pause)
			} else {
				now = now.Add(gap)
			}
			d.Rune(r, now) // (Result, bool): only a Suffix can end a scan here
			field = append(field, r)
		}
	}
	// The person types; a second later the scanner fires, 8 ms a key.
	typeAt("12", 0, 250*time.Millisecond)
	typeAt("4601234567890", time.Second, 8*time.Millisecond)
	res := d.Enter(now.Add(10 * time.Millisecond))

	field = field[:len(field)-res.Typed]
	fmt.Printf("%v %s, field %q\n", res.Kind, res.Text, string(field))
	// Output: scan 4601234567890, field "12"
}
