package printer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"syscall"
	"time"

	"go.bug.st/serial"
)

// The kinds of failure the UI explains to the clerk. Every error a
// Transport returns is an *Error whose Kind is one of these (or a context
// error), so errors.Is(err, ErrOffline) works through the wrapping.
var (
	// ErrOffline: cannot connect, the device is missing or unplugged, the
	// network printer refuses the connection.
	ErrOffline = errors.New("printer offline")
	// ErrPermission: the device exists but this user may not open it
	// (Linux: not in the lp or dialout group).
	ErrPermission = errors.New("no permission to use the printer")
	// ErrTimeout: the printer stopped taking data (full buffer, no flow
	// control answer) until the deadline passed.
	ErrTimeout = errors.New("printer timed out")
	// ErrNoStatus: the link is one-way (file, Windows spooler, a label
	// printer) or the printer did not answer DLE EOT. Not a failure to
	// print: callers go ahead and print.
	ErrNoStatus = errors.New("printer status not available")
	// ErrPaperOut, ErrCoverOpen, ErrNotReady: the printer answered its
	// status and would not print a job sent now.
	ErrPaperOut  = errors.New("printer out of paper")
	ErrCoverOpen = errors.New("printer cover open")
	ErrNotReady  = errors.New("printer reports an error")
	// ErrConfig: the printer settings cannot work (no address, an unknown
	// transport kind, a transport the OS does not have).
	ErrConfig = errors.New("printer settings invalid")
)

// Error is a transport failure: what was done (Op) to which device, the
// Kind the UI explains, and the underlying cause.
type Error struct {
	Op     string // "dial", "open", "write", "status"
	Device string // "tcp 192.168.1.50:9100", "/dev/usb/lp0", "serial /dev/ttyUSB0"
	Kind   error  // ErrOffline, ErrTimeout, ... or context.Canceled
	Err    error  // the cause; may be nil
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("printer %s: %s: %v", e.Device, e.Op, e.Kind)
	if e.Err != nil && e.Err != e.Kind {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap exposes both the Kind and the cause to errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	if e.Err == nil || e.Err == e.Kind {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// fail builds an *Error with the given kind.
func fail(op, device string, kind, cause error) error {
	return &Error{Op: op, Device: device, Kind: kind, Err: cause}
}

// classify turns an I/O error into an *Error with the kind the UI needs.
// A cancelled or expired ctx wins over what the syscall said (cancelling
// is done by expiring deadlines, which look like timeouts).
func classify(ctx context.Context, op, device string, err error) error {
	if err == nil {
		return nil
	}
	var pe *Error
	if errors.As(err, &pe) {
		return err
	}
	if ctx != nil {
		if ctx.Err() == context.Canceled {
			return fail(op, device, context.Canceled, err)
		}
		// The I/O deadline is set to ctx's, so it can fire a moment
		// before ctx itself reports DeadlineExceeded.
		if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
			return fail(op, device, ErrTimeout, context.DeadlineExceeded)
		}
	}
	return fail(op, device, kindOf(err), err)
}

// kindOf maps a cause to a Kind. Anything unknown counts as offline: the
// clerk's remedy (check cable and power, then retry) is the same.
func kindOf(err error) error {
	var ne net.Error
	var sp *serial.PortError
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		return ErrTimeout
	case errors.As(err, &ne) && ne.Timeout():
		return ErrTimeout
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return ErrPermission
	case errors.As(err, &sp) && sp.Code() == serial.PermissionDenied:
		return ErrPermission
	case errors.Is(err, context.Canceled):
		return context.Canceled
	}
	return ErrOffline
}

// errFlowUnsupported: the platform cannot set RTS/CTS on a port.
var errFlowUnsupported = errors.New("RTS/CTS flow control not supported on this system")
