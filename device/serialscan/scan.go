package serialscan

import (
	"time"

	"smartpoint/device/wedge"
)

// Scan is one code a scanner read.
type Scan struct {
	// Scanner is Config.Name of the scanner that read it.
	Scanner string
	// Port is where it arrived (for the log; it may change on replug).
	Port string
	// Code is the code as text, prefix and suffix stripped, GS kept.
	Code string
	// Raw is the code's bytes as received.
	Raw []byte
	// At is when its last byte arrived.
	At time.Time
}

// Result is the scan as the keyboard-wedge decoder reports one, so the UI
// sends serial and wedge scans down the same path (router.dispatch with
// Text, not manual). Typed is 0: no rune of it went into a text field.
func (s Scan) Result() wedge.Result {
	return wedge.Result{Kind: wedge.Scan, Text: s.Code}
}
