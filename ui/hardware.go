package ui

import (
	"context"

	"smartpoint/app/counter"
)

// Hardware is the device side of the counter as Settings → Devices edits
// it; cmd wires it to device/ (nil: the page only explains how to set up
// devices). The window never talks to a driver itself.
type Hardware interface {
	Printers
	// TargetByID is a configured printer by id (the test print).
	TargetByID(id string) (Target, bool)
	// Setup is this PC's current device set-up.
	Setup() HardwareSetup
	// Apply checks and saves a set-up (a manager's or the owner's session:
	// the service refuses others) and restarts the device services on it.
	Apply(ctx context.Context, sess *counter.Session, s HardwareSetup) error
	// Detect lists the serial ports and printers found on this PC.
	Detect(ctx context.Context) ([]FoundDevice, error)
	// Presets lists the printer models the set-up can start from.
	Presets() []PrinterPreset
}

// HardwareSetup is every scanner and printer of this PC.
type HardwareSetup struct {
	Scanners []ScannerSetup
	Printers []PrinterSetup
}

// ScannerSetup is a serial (USB-CDC / COM) scanner. Keyboard-wedge
// scanners need no set-up.
type ScannerSetup struct {
	Name   string // what the clerk calls it
	VID    string // USB vendor id (hex): found again after a replug
	PID    string
	Serial string // only when two identical scanners are attached
	Port   string // a fixed port (a real RS-232 COM port) instead of VID:PID
	Baud   int    // 0: 9600
	Suffix string // "cr" (default), "lf", "crlf" or "none" (idle gap only)
}

// PrinterSetup is a receipt or label printer.
type PrinterSetup struct {
	ID        string // stable id the print queue refers to
	Name      string
	Preset    string // printer model preset id
	Role      string // DocReceipt printers print every slip; "label" ones cell labels
	Transport string // "usb", "serial", "tcp", "windows" or "file"
	Address   string // /dev/usb/lp0, COM3, 192.168.1.50:9100, a spooler name, a file path
	VID, PID  string // USB printers and USB-serial adapters: found again after a replug
	Serial    string
	Baud      int
	CodePage  string // receipt printers: cp866, wpc1251, cp852, wpc1250; "": the model's
}

// Printer roles.
const (
	RoleReceipt = "receipt"
	RoleLabel   = "label"
)

// FoundDevice is a port or printer Detect found.
type FoundDevice struct {
	Name      string // "Printer-80 (USB 0416:5011)"
	Printer   bool   // a printer device (usblp, spooler); false: a serial port (scanner or printer)
	Transport string
	Address   string
	VID, PID  string
	Serial    string
	Product   string
}

// PrinterPreset is a printer model with sensible defaults.
type PrinterPreset struct {
	ID    string
	Name  string
	Label bool // a label printer
}
