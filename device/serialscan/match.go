package serialscan

import (
	"fmt"
	"strings"
)

// Match identifies a USB scanner whatever port name it got: by vendor and
// product ID, and by serial number when set (two identical scanners on one
// counter). IDs are hex, as lsusb and Device Manager show them ("0c2e",
// "0x0C2E"); case and a 0x prefix do not matter.
type Match struct {
	VID, PID string
	// Serial is the USB serial number (iSerial); empty matches any.
	Serial string
}

// IsZero reports whether m matches by nothing (the scanner is configured
// by port name).
func (m Match) IsZero() bool { return m == Match{} }

// Matches reports whether port p is the device m describes.
func (m Match) Matches(p PortInfo) bool {
	if m.IsZero() || !p.IsUSB {
		return false
	}
	return normHex(m.VID) == normHex(p.VID) && normHex(m.PID) == normHex(p.PID) &&
		(m.Serial == "" || m.Serial == p.Serial)
}

// String is "VID:PID" or "VID:PID/serial", upper-case.
func (m Match) String() string {
	s := normHex(m.VID) + ":" + normHex(m.PID)
	if m.Serial != "" {
		s += "/" + m.Serial
	}
	return s
}

// validate checks that both IDs are 1–4 hex digits.
func (m Match) validate() error {
	for _, id := range []struct{ name, v string }{{"VID", m.VID}, {"PID", m.PID}} {
		h := normHex(id.v)
		if h == "" || len(h) > 4 || strings.Trim(h, "0123456789ABCDEF") != "" {
			return fmt.Errorf("%s %q is not a 4-digit hex USB ID", id.name, id.v)
		}
	}
	return nil
}

// normHex upper-cases a hex ID, drops a 0x prefix and pads it to four
// digits, so "0x0c2e", "0C2E" and "c2e" compare equal.
func normHex(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "0X")
	if len(s) < 4 && s != "" {
		s = strings.Repeat("0", 4-len(s)) + s
	}
	return s
}
