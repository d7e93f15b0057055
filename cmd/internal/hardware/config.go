package hardware

import (
	"encoding/json"
	"fmt"

	"smartpoint/device/printer"
)

// Version is the format of the stored Config this build writes. A later
// format adds fields (old builds ignore them) and bumps it; a field is
// never renamed or given another meaning.
const Version = 1

// Config is this PC's device set-up as stored (counter's "app.devices"
// row, JSON). Its field names are a stored format: keep them.
//
//	{"version":1,
//	 "scanners":[{"name":"Сканер у кассы","vid":"0C2E","pid":"0B61","suffix":"cr"}],
//	 "printers":[{"role":"receipt","id":"receipt-1","name":"Чеки","kind":"receipt",
//	   "preset":"xprinter-xp-80","transport":{"kind":"tcp","address":"192.168.1.50:9100"},
//	   "receipt":{"family":"clone","columns":48,...}}]}
type Config struct {
	Version  int             `json:"version"`
	Scanners []ScannerConfig `json:"scanners"`
	Printers []PrinterConfig `json:"printers"`
}

// ScannerConfig is a serial scanner: by USB IDs (found again after a
// replug) or by a fixed port (a real RS-232 port).
type ScannerConfig struct {
	Name   string `json:"name"`
	VID    string `json:"vid,omitempty"`
	PID    string `json:"pid,omitempty"`
	Serial string `json:"serial,omitempty"`
	Port   string `json:"port,omitempty"`
	Baud   int    `json:"baud,omitempty"`   // 0: 9600
	Suffix string `json:"suffix,omitempty"` // cr (""), lf, crlf, none
}

// PrinterConfig is a printer: device/printer's own stored Config (model
// profile, transport with its tuning) plus what it prints here. The
// printer's fields sit at the same level as role in the JSON.
type PrinterConfig struct {
	Role string `json:"role"` // ui.RoleReceipt or ui.RoleLabel
	printer.Config
}

// decodeConfig reads a stored set-up; "" is no devices. A set-up from a
// later format is read for the fields this build knows.
func decodeConfig(raw string) (Config, error) {
	if raw == "" {
		return Config{Version: Version}, nil
	}
	var c Config
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		return Config{Version: Version}, fmt.Errorf("device set-up: %w", err)
	}
	return c, nil
}

// encode is the stored form of c, always in this build's format.
func (c Config) encode() (string, error) {
	c.Version = Version
	b, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("device set-up: %w", err)
	}
	return string(b), nil
}

// printerByID is the configured printer with id.
func (c Config) printerByID(id string) (PrinterConfig, bool) {
	for _, p := range c.Printers {
		if p.ID == id {
			return p, true
		}
	}
	return PrinterConfig{}, false
}
