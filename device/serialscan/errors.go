package serialscan

import (
	"errors"
	"fmt"
)

var (
	// ErrNotFound: no port matches the scanner's configuration, or every
	// matching port is taken by another scanner of the same Manager.
	ErrNotFound = errors.New("serialscan: no matching port")
	// ErrPortGone: the port vanished from the port list while open; the
	// service closed it rather than wait on a read that may never fail.
	ErrPortGone = errors.New("serialscan: port disappeared from the port list")
	// errNoWait: the port returns empty reads without waiting for its
	// timeout, which would spin the read loop.
	errNoWait = errors.New("serialscan: port returns empty reads without waiting")
)

// OpenError is a port that was found but would not open (busy, no
// permission: on Linux the user must be in the dialout group).
type OpenError struct {
	Port string
	Err  error
}

func (e *OpenError) Error() string { return fmt.Sprintf("serialscan: open %s: %v", e.Port, e.Err) }

func (e *OpenError) Unwrap() error { return e.Err }

// ReadError is a read that failed on an open port: usually an unplug (on
// Linux a *serial.PortError with code PortClosed, reachable by errors.As).
type ReadError struct {
	Port string
	Err  error
}

func (e *ReadError) Error() string { return fmt.Sprintf("serialscan: read %s: %v", e.Port, e.Err) }

func (e *ReadError) Unwrap() error { return e.Err }
