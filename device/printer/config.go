package printer

import (
	"errors"
	"fmt"
	"strings"

	"smartpoint/device/escpos"
	"smartpoint/device/label"
)

// Kind is what a printer prints.
type Kind string

const (
	KindReceipt Kind = "receipt" // ESC/POS receipt printer
	KindLabel   Kind = "label"   // TSPL or ZPL label printer
)

// TransportKind is how the printer is reached.
type TransportKind string

const (
	TransportFile    TransportKind = "file"    // a file: preview, tests
	TransportTCP     TransportKind = "tcp"     // network raw port 9100
	TransportSerial  TransportKind = "serial"  // RS-232 or USB-serial (COM3, /dev/ttyUSB0)
	TransportUSB     TransportKind = "usb"     // Linux usblp (/dev/usb/lp0)
	TransportWindows TransportKind = "windows" // Windows spooler printer, raw
)

// Config is one printer as stored in the app's settings (JSON).
type Config struct {
	ID        string          `json:"id"`
	Name      string          `json:"name"` // what the clerk sees: "Receipts, counter 1"
	Kind      Kind            `json:"kind"`
	Preset    string          `json:"preset,omitempty"` // the Preset ID it was made from, for the settings UI
	Transport TransportConfig `json:"transport"`
	Receipt   escpos.Profile  `json:"receipt,omitzero"` // Kind receipt
	Label     LabelProfile    `json:"label,omitzero"`   // Kind label
}

// TransportConfig says where the printer is.
type TransportConfig struct {
	Kind TransportKind `json:"kind"`
	// Address is, by Kind: the file path; host or host:port; the serial
	// port name; the /dev/usb/lpN path; the Windows printer name. For usb
	// and serial with a Match it is only the last place the printer was
	// found.
	Address string `json:"address,omitempty"`
	Append  bool   `json:"append,omitempty"` // file: append jobs instead of replacing the file

	Baud         int    `json:"baud,omitempty"`           // serial; 0: 9600
	Framing      string `json:"framing,omitempty"`        // serial; "": 8N1
	RTSCTS       bool   `json:"rtscts,omitempty"`         // serial hardware flow control
	ChunkSize    int    `json:"chunk_size,omitempty"`     // serial bytes per write; 0: 1024
	ChunkDelayMS int    `json:"chunk_delay_ms,omitempty"` // serial pause after each chunk, for printers without flow control

	// Match finds a USB printer (usb) or USB-serial adapter (serial) by
	// its IDs wherever it is plugged in.
	Match Match `json:"match,omitzero"`
}

// Match identifies a USB device. VID and PID are 4 hex digits ("0416");
// Serial, when the device has one, tells two identical printers apart.
type Match struct {
	VID    string `json:"vid,omitempty"`
	PID    string `json:"pid,omitempty"`
	Serial string `json:"serial,omitempty"`
}

// IsZero reports whether m matches by nothing (the path is used as is).
func (m Match) IsZero() bool { return m.VID == "" && m.PID == "" && m.Serial == "" }

func (m Match) String() string {
	s := normHex(m.VID) + ":" + normHex(m.PID)
	if m.Serial != "" {
		s += " serial " + m.Serial
	}
	return s
}

// matches compares IDs as sysfs and the serial enumerator report them:
// case and a 0x prefix do not matter. An empty Serial matches any.
func (m Match) matches(vid, pid, serial string) bool {
	return normHex(m.VID) == normHex(vid) && normHex(m.PID) == normHex(pid) &&
		(m.Serial == "" || strings.TrimSpace(m.Serial) == strings.TrimSpace(serial))
}

func normHex(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.TrimPrefix(s, "0x")
}

// LabelProfile is a label printer's language and stock.
type LabelProfile struct {
	Lang label.Lang `json:"lang"`
	label.Spec
}

// Builder is the label builder for this printer.
func (l LabelProfile) Builder() (label.Builder, error) { return label.New(l.Lang, l.Spec) }

// Validate reports settings that cannot print, each wrapped in ErrConfig
// with the field, for the settings form.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrConfig}, args...)...))
	}
	if strings.TrimSpace(c.Name) == "" {
		bad("name is empty")
	}
	switch c.Kind {
	case KindReceipt:
		if c.Receipt.Columns < 0 || c.Receipt.Dots < 0 {
			bad("receipt columns %d, dots %d", c.Receipt.Columns, c.Receipt.Dots)
		}
	case KindLabel:
		if c.Label.Lang != label.LangTSPL && c.Label.Lang != label.LangZPL {
			bad("label language %q", c.Label.Lang)
		}
		if err := c.Label.Spec.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("%w: %w", ErrConfig, err))
		}
	default:
		bad("printer kind %q", c.Kind)
	}
	t := c.Transport
	switch t.Kind {
	case TransportFile, TransportTCP, TransportWindows:
		if strings.TrimSpace(t.Address) == "" {
			bad("%s printer without an address", t.Kind)
		}
	case TransportSerial, TransportUSB:
		if strings.TrimSpace(t.Address) == "" && (t.Match.VID == "" || t.Match.PID == "") {
			bad("%s printer without a port or a VID:PID", t.Kind)
		}
	default:
		bad("transport %q", t.Kind)
	}
	if t.Kind == TransportSerial {
		if _, err := ParseFraming(t.Framing); err != nil {
			errs = append(errs, err)
		}
		if t.Baud < 0 || t.ChunkSize < 0 || t.ChunkDelayMS < 0 {
			bad("serial baud %d, chunk %d, delay %d ms", t.Baud, t.ChunkSize, t.ChunkDelayMS)
		}
	}
	return errors.Join(errs...)
}
