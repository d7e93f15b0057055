package printer

import (
	"time"

	"go.bug.st/serial/enumerator"
)

// Host is the machine printers are attached to: where it keeps sysfs and
// device nodes and how it lists serial ports. The zero Host is this
// machine; tests point it at a directory tree and a fake port list.
type Host struct {
	SysfsRoot string // "": /sys
	DevRoot   string // "": /dev

	// SerialPorts lists serial ports; nil uses go.bug.st/serial/enumerator.
	SerialPorts func() ([]SerialPort, error)

	// ProbeHosts are network printers to look for on Discover: host or
	// host:port (9100 when absent). Only these are tried: no subnet scans.
	ProbeHosts   []string
	ProbeTimeout time.Duration // per host; 0: DefaultProbeTimeout
}

// SerialPort is a serial port as the enumerator reports it.
type SerialPort struct {
	Name    string // "/dev/ttyUSB0", "COM3"
	IsUSB   bool
	VID     string // USB only
	PID     string
	Serial  string
	Product string
}

func (h Host) sysfsRoot() string {
	if h.SysfsRoot != "" {
		return h.SysfsRoot
	}
	return "/sys"
}

func (h Host) devRoot() string {
	if h.DevRoot != "" {
		return h.DevRoot
	}
	return "/dev"
}

func (h Host) serialPorts() ([]SerialPort, error) {
	if h.SerialPorts != nil {
		return h.SerialPorts()
	}
	return enumeratorPorts()
}

// enumeratorPorts asks go.bug.st/serial without active USB probing (which
// opens devices and can upset some; Product then stays empty on Linux).
func enumeratorPorts() ([]SerialPort, error) {
	list, err := enumerator.GetDetailedPortsList()
	if err != nil {
		return nil, err
	}
	out := make([]SerialPort, 0, len(list))
	for _, p := range list {
		out = append(out, SerialPort{Name: p.Name, IsUSB: p.IsUSB, VID: p.VID, PID: p.PID, Serial: p.SerialNumber, Product: p.Product})
	}
	return out, nil
}
