package hardware

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	"smartpoint/device/printer"
	"smartpoint/device/serialscan"
	"smartpoint/ui"
)

// Detect lists what is plugged into this PC for Settings → Devices: USB
// and Windows printers, network printers of Host.ProbeHosts, and every
// serial port (a scanner or a printer: nothing tells them apart without
// sending bytes). A port both listings report is shown once. A source
// that fails is logged; it is an error only when nothing was found.
func (h *Hub) Detect(ctx context.Context) ([]ui.FoundDevice, error) {
	found, derr := h.opt.Host.Discover(ctx)
	var out []ui.FoundDevice
	for _, f := range found {
		out = append(out, foundDevice(f))
	}
	ports, perr := h.ports()
	for _, p := range ports {
		out = mergePort(out, p)
	}
	err := errors.Join(derr, perr)
	if err != nil && len(out) > 0 {
		h.opt.Log.Warn("device detection incomplete", "err", err)
		err = nil
	}
	if err != nil {
		return nil, fmt.Errorf("detect devices: %w", err)
	}
	return out, nil
}

// ports lists the serial ports with their USB names: through the
// configured enumerator, or the system's with USB probing (the settings
// page is where a person picks the scanner, so the names help).
func (h *Hub) ports() ([]serialscan.PortInfo, error) {
	if h.opt.Enumerator != nil {
		return h.opt.Enumerator.Ports()
	}
	return serialscan.Ports()
}

// foundDevice is a printer.Found for the settings page. Serial ports are
// not printers: a scanner may sit on them.
func foundDevice(f printer.Found) ui.FoundDevice {
	t := f.Transport
	return ui.FoundDevice{
		Name: f.Name, Printer: t.Kind != printer.TransportSerial, Transport: string(t.Kind), Address: t.Address,
		VID: t.Match.VID, PID: t.Match.PID, Serial: cmp.Or(t.Match.Serial, f.Serial), Product: f.Product,
	}
}

// mergePort adds a serial port to the list, or fills in what the
// printer listing knew less well about the same port.
func mergePort(out []ui.FoundDevice, p serialscan.PortInfo) []ui.FoundDevice {
	for i, f := range out {
		if f.Transport == string(printer.TransportSerial) && f.Address == p.Name {
			f.Product = cmp.Or(f.Product, p.Product)
			if p.IsUSB {
				f.VID, f.PID, f.Serial = cmp.Or(f.VID, p.VID), cmp.Or(f.PID, p.PID), cmp.Or(f.Serial, p.Serial)
			}
			out[i] = f
			return out
		}
	}
	f := ui.FoundDevice{Name: portName(p), Transport: string(printer.TransportSerial), Address: p.Name, Product: p.Product}
	if p.IsUSB {
		f.VID, f.PID, f.Serial = p.VID, p.PID, p.Serial
	}
	return append(out, f)
}

// portName is how a serial port is listed: "Scanner on COM3 (USB 0C2E:0B61)".
func portName(p serialscan.PortInfo) string {
	if !p.IsUSB {
		return "Serial port " + p.Name
	}
	what := strings.TrimSpace(cmp.Or(p.Product, "Serial port"))
	return fmt.Sprintf("%s on %s (USB %s:%s)", what, p.Name, p.VID, p.PID)
}
