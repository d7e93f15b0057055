package printer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"smartpoint/device/escpos"
)

// Open builds the transport for a configured printer on this machine.
// See Host.Open.
func Open(cfg Config) (Transport, error) { return Host{}.Open(cfg) }

// Resolve finds where a configured printer is now. See Host.Resolve.
func Resolve(cfg Config) (Transport, error) { return Host{}.Resolve(cfg) }

// Open builds the transport for cfg. Nothing is opened or dialled yet:
// that happens per job, so Open succeeds for a printer that is switched
// off. A usb or serial printer with a Match is looked up by VID:PID at
// every connect, so it keeps printing after being plugged back in as
// lp1 or ttyUSB1. Label printers get no DLE EOT status (it is an ESC/POS
// command; TSPL and ZPL printers would ignore or misread it): their
// Status returns ErrNoStatus.
func (h Host) Open(cfg Config) (Transport, error) {
	var find func() (string, error)
	t := cfg.Transport
	if !t.Match.IsZero() {
		find = func() (string, error) { return h.locate(t) }
	}
	tr, err := h.build(t, find)
	if err != nil {
		return nil, err
	}
	if cfg.Kind == KindLabel {
		return noStatus{tr}, nil
	}
	return tr, nil
}

// Resolve finds the printer now and returns a transport bound to where it
// is: for usb and serial with a Match, the current lpN or port; otherwise
// the configured address. A matched printer that is not attached is
// ErrOffline. Use it for "test print" and to refresh the stored Address
// (Locate gives the address alone).
func (h Host) Resolve(cfg Config) (Transport, error) {
	t, err := h.Locate(cfg)
	if err != nil {
		return nil, err
	}
	tr, err := h.build(t, nil)
	if err != nil {
		return nil, err
	}
	if cfg.Kind == KindLabel {
		return noStatus{tr}, nil
	}
	return tr, nil
}

// Locate is cfg.Transport with Address set to where a matched printer is
// now.
func (h Host) Locate(cfg Config) (TransportConfig, error) {
	t := cfg.Transport
	if t.Match.IsZero() {
		return t, nil
	}
	addr, err := h.locate(t)
	if err != nil {
		return t, err
	}
	t.Address = addr
	return t, nil
}

// locate finds the device t.Match names. When several match (identical
// printers without serial numbers) the one at the stored Address wins,
// else the first.
func (h Host) locate(t TransportConfig) (string, error) {
	var candidates []string
	switch t.Kind {
	case TransportUSB:
		list, err := h.usbPrinters()
		if err != nil {
			return "", fail("find", "usb "+t.Match.String(), ErrOffline, err)
		}
		for _, p := range list {
			if t.Match.matches(p.VID, p.PID, p.Serial) {
				candidates = append(candidates, p.Path)
			}
		}
	case TransportSerial:
		list, err := h.serialPorts()
		if err != nil {
			return "", fail("find", "serial "+t.Match.String(), ErrOffline, err)
		}
		for _, p := range list {
			if p.IsUSB && t.Match.matches(p.VID, p.PID, p.Serial) {
				candidates = append(candidates, p.Name)
			}
		}
	default:
		return t.Address, nil
	}
	switch {
	case len(candidates) == 0:
		return "", fail("find", string(t.Kind)+" "+t.Match.String(), ErrOffline, errors.New("no such device attached"))
	case len(candidates) > 1:
		for _, c := range candidates {
			if c == t.Address {
				return c, nil
			}
		}
		slog.Warn("printer: several devices match; using the first", "match", t.Match.String(), "devices", candidates)
	}
	return candidates[0], nil
}

// build makes the transport for t; find, when set, locates the device at
// each connect.
func (h Host) build(t TransportConfig, find func() (string, error)) (Transport, error) {
	switch t.Kind {
	case TransportFile:
		if t.Address == "" {
			return nil, fail("open", "file", ErrConfig, errors.New("no path"))
		}
		return &File{Path: t.Address, Append: t.Append}, nil
	case TransportTCP:
		if t.Address == "" {
			return nil, fail("open", "tcp", ErrConfig, errors.New("no host"))
		}
		return &TCP{Addr: t.Address}, nil
	case TransportSerial:
		if _, err := ParseFraming(t.Framing); err != nil {
			return nil, fail("open", "serial "+t.Address, ErrConfig, err)
		}
		return &Serial{
			Port: t.Address, Baud: t.Baud, Framing: t.Framing, RTSCTS: t.RTSCTS,
			ChunkSize: t.ChunkSize, ChunkDelay: time.Duration(t.ChunkDelayMS) * time.Millisecond,
			find: find,
		}, nil
	case TransportUSB:
		return &USB{Path: t.Address, find: find}, nil
	case TransportWindows:
		return openSpooler(t.Address)
	}
	return nil, fail("open", t.Address, ErrConfig, fmt.Errorf("unknown transport %q", t.Kind))
}

// noStatus is a transport to a label printer: DLE EOT is not its
// language, so there is no status to ask.
type noStatus struct{ Transport }

func (n noStatus) Status(context.Context) (escpos.Status, error) {
	return escpos.Status{}, fail("status", fmt.Sprint(n.Transport), ErrNoStatus, errors.New("label printers are not asked DLE EOT"))
}

func (n noStatus) String() string { return fmt.Sprint(n.Transport) }
