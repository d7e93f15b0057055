package serialscan

import (
	"fmt"

	"go.bug.st/serial"
)

// Parity of the serial line; the zero value is none, as scanners ship.
type Parity int

// Parity settings.
const (
	ParityNone Parity = iota
	ParityOdd
	ParityEven
	ParityMark
	ParitySpace
)

// StopBits of the serial line; the zero value is one.
type StopBits int

// Stop bit settings.
const (
	StopBits1 StopBits = iota
	StopBits1Half
	StopBits2
)

// DefaultBaud is the factory speed of nearly every scanner's COM mode. A
// USB-CDC port ignores the speed; RS-232 needs it right, and a wrong one
// shows as rejected frames (ReasonEncoding, ReasonControl) in the log.
const DefaultBaud = 9600

// Config is one scanner. Either Match (USB) or Port (a fixed port name)
// says which device it is; Match wins when both are set, because names
// change on replug.
type Config struct {
	// Name is what the clerk sees in the status bar ("Сканер у кассы");
	// unique within a Manager.
	Name string
	// Match finds a USB scanner by its IDs, whatever its port name.
	Match Match
	// Port is a fixed port name (COM1, /dev/ttyS0) for RS-232 scanners.
	Port string
	// Baud defaults to 9600, DataBits to 8.
	Baud     int
	DataBits int
	Parity   Parity
	StopBits StopBits
	// Framing cuts the stream into codes.
	Framing
}

// ConfigError is a Config that cannot work; the settings screen shows it.
type ConfigError struct {
	Scanner string // Config.Name
	Field   string
	Err     error
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("serialscan: scanner %q: %s: %v", e.Scanner, e.Field, e.Err)
}

func (e *ConfigError) Unwrap() error { return e.Err }

// withDefaults fills the zero fields.
func (c Config) withDefaults() Config {
	if c.Baud == 0 {
		c.Baud = DefaultBaud
	}
	if c.DataBits == 0 {
		c.DataBits = 8
	}
	c.Framing = c.Framing.withDefaults()
	return c
}

// validate checks c after withDefaults.
func (c Config) validate() error {
	bad := func(field string, format string, args ...any) error {
		return &ConfigError{Scanner: c.Name, Field: field, Err: fmt.Errorf(format, args...)}
	}
	switch {
	case c.Name == "":
		return bad("Name", "empty")
	case c.Match.IsZero() && c.Port == "":
		return bad("Match", "neither USB IDs nor a port name is set")
	case c.Baud < 0:
		return bad("Baud", "%d is negative", c.Baud)
	case c.DataBits < 5 || c.DataBits > 8:
		return bad("DataBits", "%d is not 5 to 8", c.DataBits)
	case c.Parity < ParityNone || c.Parity > ParitySpace:
		return bad("Parity", "unknown value %d", int(c.Parity))
	case c.StopBits < StopBits1 || c.StopBits > StopBits2:
		return bad("StopBits", "unknown value %d", int(c.StopBits))
	}
	if !c.Match.IsZero() {
		if err := c.Match.validate(); err != nil {
			return &ConfigError{Scanner: c.Name, Field: "Match", Err: err}
		}
	}
	if err := c.Framing.validate(); err != nil {
		return &ConfigError{Scanner: c.Name, Field: "Framing", Err: err}
	}
	return nil
}

// mode is the line setting for serial.Open.
func (c Config) mode() *serial.Mode {
	return &serial.Mode{
		BaudRate: c.Baud,
		DataBits: c.DataBits,
		Parity:   c.Parity.serial(),
		StopBits: c.StopBits.serial(),
	}
}

func (p Parity) serial() serial.Parity {
	switch p {
	case ParityOdd:
		return serial.OddParity
	case ParityEven:
		return serial.EvenParity
	case ParityMark:
		return serial.MarkParity
	case ParitySpace:
		return serial.SpaceParity
	}
	return serial.NoParity
}

func (s StopBits) serial() serial.StopBits {
	switch s {
	case StopBits1Half:
		return serial.OnePointFiveStopBits
	case StopBits2:
		return serial.TwoStopBits
	}
	return serial.OneStopBit
}

// byPort reports whether the scanner is found by its fixed name.
func (c Config) byPort() bool { return c.Match.IsZero() }
