package hardware

import (
	"slices"
	"strings"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/device/escpos"
	"smartpoint/device/printer"
	"smartpoint/device/serialscan"
	"smartpoint/ui"
)

// invalid is the error a set-up the settings page cannot save gets: the
// window shows it translated (err.input.invalid); Field and Value say
// which entry, cause is for the log.
func invalid(field, value string, cause error) error {
	if cause == nil {
		return errs.New(counter.ErrInvalid, "Field", field, "Value", value)
	}
	return errs.Wrap(cause, counter.ErrInvalid, "Field", field, "Value", value)
}

// fromSetup checks a set-up from the settings page and turns it into the
// stored Config. prev is the set-up in use: a printer kept with the same
// id and model keeps what the page does not show (a tuned label size,
// serial flow control). host opens each printer once to prove the
// transport exists on this OS; opening touches no device.
func fromSetup(s ui.HardwareSetup, prev Config, host printer.Host) (Config, error) {
	c := Config{Version: Version}
	names := map[string]bool{}
	for _, sc := range s.Scanners {
		cfg, err := scannerConfig(sc)
		if err != nil {
			return Config{}, err
		}
		if names[cfg.Name] {
			// serialscan tells scanners apart by name, and so does the
			// status bar.
			return Config{}, invalid("scanner.name", cfg.Name, nil)
		}
		names[cfg.Name] = true
		c.Scanners = append(c.Scanners, cfg)
	}
	ids := map[string]bool{}
	for _, ps := range s.Printers {
		p, err := printerConfig(ps, prev)
		if err != nil {
			return Config{}, err
		}
		if ids[p.ID] {
			return Config{}, invalid("printer.id", p.ID, nil)
		}
		ids[p.ID] = true
		tr, err := host.Open(p.Config)
		if err != nil {
			return Config{}, invalid("printer.transport", p.Name, err)
		}
		_ = tr.Close() // never connected: nothing to report
		c.Printers = append(c.Printers, p)
	}
	return c, nil
}

// scannerConfig checks one scanner as serialscan will: a name, USB IDs or
// a port, a known suffix.
func scannerConfig(sc ui.ScannerSetup) (ScannerConfig, error) {
	c := ScannerConfig{
		Name: strings.TrimSpace(sc.Name), VID: strings.TrimSpace(sc.VID), PID: strings.TrimSpace(sc.PID),
		Serial: strings.TrimSpace(sc.Serial), Port: strings.TrimSpace(sc.Port), Baud: sc.Baud,
		Suffix: strings.ToLower(strings.TrimSpace(sc.Suffix)),
	}
	switch {
	case c.Name == "":
		return c, invalid("scanner.name", "", nil)
	case c.VID == "" && c.PID == "" && c.Port == "":
		return c, invalid("scanner.port", c.Name, nil)
	case c.Baud < 0:
		return c, invalid("scanner.baud", c.Name, nil)
	}
	if c.VID != "" || c.PID != "" {
		for _, id := range []string{c.VID, c.PID} {
			if !usbID(id) {
				return c, invalid("scanner.usb_id", id, nil)
			}
		}
	}
	if _, err := suffix(c.Suffix); err != nil {
		return c, invalid("scanner.suffix", c.Suffix, err)
	}
	return c, nil
}

// usbID reports whether s is a USB vendor or product ID: 1–4 hex digits,
// an optional 0x.
func usbID(s string) bool {
	h := strings.TrimPrefix(strings.ToLower(s), "0x")
	return h != "" && len(h) <= 4 && strings.Trim(h, "0123456789abcdef") == ""
}

// suffix reads a stored suffix; "" is CR, what scanners ship with.
func suffix(s string) (serialscan.Suffix, error) {
	if s == "" {
		return serialscan.SuffixCR, nil
	}
	return serialscan.ParseSuffix(s)
}

// transportKinds are the links the settings page may name.
var transportKinds = map[string]printer.TransportKind{
	"usb": printer.TransportUSB, "serial": printer.TransportSerial, "tcp": printer.TransportTCP,
	"windows": printer.TransportWindows, "file": printer.TransportFile,
}

// printerConfig builds one printer from its model preset and where it is.
func printerConfig(ps ui.PrinterSetup, prev Config) (PrinterConfig, error) {
	id, name := strings.TrimSpace(ps.ID), strings.TrimSpace(ps.Name)
	if id == "" {
		return PrinterConfig{}, invalid("printer.id", name, nil)
	}
	if name == "" {
		return PrinterConfig{}, invalid("printer.name", id, nil)
	}
	kind, ok := transportKinds[strings.ToLower(strings.TrimSpace(ps.Transport))]
	if !ok {
		return PrinterConfig{}, invalid("printer.transport", ps.Transport, nil)
	}
	t := printer.TransportConfig{
		Kind: kind, Address: strings.TrimSpace(ps.Address), Baud: ps.Baud,
		Match: printer.Match{VID: strings.TrimSpace(ps.VID), PID: strings.TrimSpace(ps.PID), Serial: strings.TrimSpace(ps.Serial)},
	}
	if ps.Baud < 0 {
		return PrinterConfig{}, invalid("printer.baud", name, nil)
	}
	switch kind {
	case printer.TransportUSB, printer.TransportSerial:
		if t.Address == "" && (t.Match.VID == "" || t.Match.PID == "") {
			return PrinterConfig{}, invalid("printer.address", name, nil)
		}
	default:
		if t.Address == "" {
			return PrinterConfig{}, invalid("printer.address", name, nil)
		}
		t.Match = printer.Match{} // only usb and serial devices are found by their IDs
	}
	cfg, err := fromPreset(id, name, strings.TrimSpace(ps.Preset), t, prev)
	if err != nil {
		return PrinterConfig{}, err
	}
	role := ps.Role
	switch {
	case role == "" && cfg.Kind == printer.KindLabel:
		role = ui.RoleLabel
	case role == "":
		role = ui.RoleReceipt
	case role != ui.RoleReceipt && role != ui.RoleLabel:
		return PrinterConfig{}, invalid("printer.role", role, nil)
	case role == ui.RoleReceipt && cfg.Kind == printer.KindLabel:
		// A label printer cannot print a receipt; a receipt printer in
		// the label role prints cell labels on receipt paper, which works.
		return PrinterConfig{}, invalid("printer.role", role, nil)
	}
	if cp := escpos.CodePage(strings.ToLower(strings.TrimSpace(ps.CodePage))); cp != "" && cfg.Kind == printer.KindReceipt {
		// The test page shows whether the model's page suits this unit:
		// clones differ.
		if _, ok := escpos.CodePageNumber(cfg.Receipt.Family, cp); !ok || !slices.Contains(textPages, cp) {
			return PrinterConfig{}, invalid("printer.code_page", ps.CodePage, nil)
		}
		cfg.Receipt.CodePage = cp
	}
	if err := cfg.Validate(); err != nil {
		return PrinterConfig{}, invalid("printer", name, err)
	}
	return PrinterConfig{Role: role, Config: cfg}, nil
}

// fromPreset is the printer's Config: the one in use when the printer
// keeps its id and model (so what only the stored JSON holds survives),
// otherwise the model's defaults.
func fromPreset(id, name, preset string, t printer.TransportConfig, prev Config) (printer.Config, error) {
	if old, ok := prev.printerByID(id); ok && old.Preset == preset && preset != "" {
		cfg := old.Config
		if old.Transport.Kind == t.Kind {
			// Tuning the page does not show.
			t.Append, t.Framing, t.RTSCTS = old.Transport.Append, old.Transport.Framing, old.Transport.RTSCTS
			t.ChunkSize, t.ChunkDelayMS = old.Transport.ChunkSize, old.Transport.ChunkDelayMS
		}
		cfg.Name, cfg.Transport = name, t
		return cfg, nil
	}
	p, ok := printer.PresetByID(preset)
	if !ok {
		return printer.Config{}, invalid("printer.preset", preset, nil)
	}
	return p.Config(id, name, t), nil
}

// textPages are the pages the counter's languages print in.
var textPages = []escpos.CodePage{escpos.CP866, escpos.WPC1251, escpos.CP852, escpos.WPC1250}

// codePageOverride is the printer's code page when it is not its model's
// (the page shows the model's as the default).
func codePageOverride(p PrinterConfig) string {
	if pr, ok := printer.PresetByID(p.Preset); ok && pr.Receipt.CodePage == p.Receipt.CodePage {
		return ""
	}
	return string(p.Receipt.CodePage)
}

// toSetup is the stored set-up as the settings page edits it.
func toSetup(c Config) ui.HardwareSetup {
	var s ui.HardwareSetup
	for _, sc := range c.Scanners {
		s.Scanners = append(s.Scanners, ui.ScannerSetup{
			Name: sc.Name, VID: sc.VID, PID: sc.PID, Serial: sc.Serial, Port: sc.Port, Baud: sc.Baud, Suffix: sc.Suffix,
		})
	}
	for _, p := range c.Printers {
		t := p.Transport
		s.Printers = append(s.Printers, ui.PrinterSetup{
			ID: p.ID, Name: p.Name, Preset: p.Preset, Role: p.Role, Transport: string(t.Kind), Address: t.Address,
			CodePage: codePageOverride(p),
			VID:      t.Match.VID, PID: t.Match.PID, Serial: t.Match.Serial, Baud: t.Baud,
		})
	}
	return s
}
