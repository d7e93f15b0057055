package serialscan

import (
	"cmp"
	"fmt"
	"slices"

	"go.bug.st/serial/enumerator"
)

// PortInfo describes one serial port.
type PortInfo struct {
	// Name is what the port is opened by: /dev/ttyACM0, COM3.
	Name string
	// IsUSB says VID, PID and the strings below come from a USB device.
	IsUSB bool
	// VID and PID are upper-case hex ("0C2E").
	VID, PID string
	// Serial is the USB serial number, when the device has one.
	Serial string
	// Product and Manufacturer are the USB strings; on Windows and macOS
	// only when the port was listed with active probing (see System).
	Product, Manufacturer string
}

// Match returns the Match that finds this port's device again after a
// replug, serial number included.
func (p PortInfo) Match() Match {
	return Match{VID: p.VID, PID: p.PID, Serial: p.Serial}
}

// Enumerator lists the serial ports. The service calls it to find its
// scanner and, while connected, every couple of seconds to notice that
// the device left.
type Enumerator interface {
	Ports() ([]PortInfo, error)
}

// EnumeratorFunc adapts a function to Enumerator.
type EnumeratorFunc func() ([]PortInfo, error)

// Ports calls f.
func (f EnumeratorFunc) Ports() ([]PortInfo, error) { return f() }

// System enumerates the machine's ports with go.bug.st/serial.
type System struct {
	// Probe, when set, allows active USB probing of the devices it
	// accepts, which Windows and macOS need for Product and Manufacturer.
	// A probe talks to the device, so the service's periodic rescans use
	// System without it.
	Probe func(vid, pid string) bool
}

// Ports lists the ports sorted by name.
func (s System) Ports() ([]PortInfo, error) {
	var probes []func(vid, pid string) bool
	if s.Probe != nil {
		probes = append(probes, s.Probe)
	}
	list, err := enumerator.GetDetailedPortsList(probes...)
	if err != nil {
		return nil, fmt.Errorf("serialscan: list serial ports: %w", err)
	}
	return fromDetails(list), nil
}

// Ports lists the machine's serial ports with their USB details, probing
// every USB device for its product name. It is meant for the settings
// screen, where a person picks the scanner once; the services do not use
// it.
func Ports() ([]PortInfo, error) {
	return System{Probe: enumerator.All}.Ports()
}

// fromDetails converts go.bug.st's list, dropping the nameless entries it
// returns on Linux for a tty without a device node in sysfs.
func fromDetails(list []*enumerator.PortDetails) []PortInfo {
	out := make([]PortInfo, 0, len(list))
	for _, d := range list {
		if d == nil || d.Name == "" {
			continue
		}
		p := PortInfo{Name: d.Name, IsUSB: d.IsUSB, Serial: d.SerialNumber, Product: d.Product, Manufacturer: d.Manufacturer}
		if d.IsUSB {
			p.VID, p.PID = normHex(d.VID), normHex(d.PID)
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b PortInfo) int { return cmp.Compare(a.Name, b.Name) })
	return out
}
