package printer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"
)

// DefaultProbeTimeout is how long Discover waits for a network printer to
// accept a connection: printers on the same LAN answer in milliseconds.
const DefaultProbeTimeout = 700 * time.Millisecond

// Found is a printer Discover saw. Transport is ready to be stored in a
// Config: for USB devices it carries the Match that finds the printer
// again after a replug.
type Found struct {
	Name         string // what the clerk picks from: "Printer-80 (USB 0416:5011)"
	Transport    TransportConfig
	Manufacturer string
	Product      string
	Serial       string
	Default      bool // the Windows default printer
}

// Discover lists printers on this machine. See Host.Discover.
func Discover(ctx context.Context) ([]Found, error) { return Host{}.Discover(ctx) }

// Discover lists USB printers (Linux usblp), serial ports, Windows
// spooler printers and, of ProbeHosts, the ones accepting connections on
// their raw port. Serial ports are listed whatever is attached to them:
// nothing tells a printer from a scanner without sending it bytes. The
// list holds what was found even when err reports a source that failed.
func (h Host) Discover(ctx context.Context) ([]Found, error) {
	var found []Found
	var errs []error
	if usb, err := h.usbPrinters(); err != nil {
		errs = append(errs, fmt.Errorf("usb printers: %w", err))
	} else {
		for _, p := range usb {
			found = append(found, usbFound(p))
		}
	}
	if ports, err := h.serialPorts(); err != nil {
		errs = append(errs, fmt.Errorf("serial ports: %w", err))
	} else {
		for _, p := range ports {
			found = append(found, serialFound(p))
		}
	}
	if sp, err := spoolerPrinters(); err != nil {
		errs = append(errs, fmt.Errorf("windows printers: %w", err))
	} else {
		found = append(found, sp...)
	}
	found = append(found, h.probe(ctx)...)
	return found, errors.Join(errs...)
}

func usbFound(p usbPrinter) Found {
	name := cmp.Or(strings.TrimSpace(p.Manufacturer+" "+p.Product), "USB printer")
	return Found{
		Name:         fmt.Sprintf("%s (USB %s:%s, %s)", name, p.VID, p.PID, p.Node),
		Transport:    TransportConfig{Kind: TransportUSB, Address: p.Path, Match: Match{VID: p.VID, PID: p.PID, Serial: p.Serial}},
		Manufacturer: p.Manufacturer, Product: p.Product, Serial: p.Serial,
	}
}

func serialFound(p SerialPort) Found {
	f := Found{
		Name:      "Serial port " + p.Name,
		Transport: TransportConfig{Kind: TransportSerial, Address: p.Name},
		Product:   p.Product, Serial: p.Serial,
	}
	if p.IsUSB && p.VID != "" {
		f.Name = fmt.Sprintf("%s (USB %s:%s)", cmp.Or(p.Product, "Serial port "+p.Name), p.VID, p.PID)
		if p.Product != "" {
			f.Name = fmt.Sprintf("%s on %s (USB %s:%s)", p.Product, p.Name, p.VID, p.PID)
		}
		f.Transport.Match = Match{VID: p.VID, PID: p.PID, Serial: p.Serial}
	}
	return f
}

// probe dials every ProbeHosts address at once and keeps those that
// accept, in the order given.
func (h Host) probe(ctx context.Context) []Found {
	timeout := orDefault(h.ProbeTimeout, DefaultProbeTimeout)
	ok := make([]bool, len(h.ProbeHosts))
	var wg sync.WaitGroup
	for i, host := range h.ProbeHosts {
		wg.Go(func() {
			d := net.Dialer{Timeout: timeout}
			conn, err := d.DialContext(ctx, "tcp", (&TCP{Addr: host}).addr())
			if err == nil {
				conn.Close()
				ok[i] = true
			}
		})
	}
	wg.Wait()
	var out []Found
	for i, host := range h.ProbeHosts {
		if ok[i] {
			addr := (&TCP{Addr: host}).addr()
			out = append(out, Found{Name: "Network printer " + addr, Transport: TransportConfig{Kind: TransportTCP, Address: addr}})
		}
	}
	return out
}
