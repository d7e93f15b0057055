package printer

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// flowControl turns on CRTSCTS on a tty. go.bug.st/serial v1.8.0 clears
// CRTSCTS when it opens a port and has no setting for it, and it takes the
// port exclusively (TIOCEXCL) so nothing can open it afterwards; so a
// descriptor is opened before serial.Open and the flag set through it
// after. Termios belongs to the tty, not the descriptor, so it applies to
// the port go.bug.st/serial holds.
type flowControl struct{ fd int }

func prepareFlowControl(name string) (*flowControl, error) {
	fd, err := unix.Open(name, unix.O_RDWR|unix.O_NOCTTY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	return &flowControl{fd: fd}, nil
}

func (f *flowControl) enable() error {
	tio, err := unix.IoctlGetTermios(f.fd, unix.TCGETS)
	if err != nil {
		return err
	}
	tio.Cflag |= unix.CRTSCTS
	return unix.IoctlSetTermios(f.fd, unix.TCSETS, tio)
}

func (f *flowControl) close() { unix.Close(f.fd) }
