//go:build !windows

package printer

import "errors"

// openSpooler: the Windows spooler exists only on Windows.
func openSpooler(name string) (Transport, error) {
	return nil, fail("open", "windows printer "+name, ErrConfig, errors.New("the Windows spooler exists only on Windows"))
}

// spoolerPrinters: no spooler here.
func spoolerPrinters() ([]Found, error) { return nil, nil }
