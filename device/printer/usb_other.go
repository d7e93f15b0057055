//go:build !linux

package printer

import (
	"context"
	"os"
	"time"
)

// plainFile: usblp devices exist on Linux only. Elsewhere a usb path is
// written as a plain file, without status.
type plainFile struct{ f *os.File }

func openUSB(path string) (usbFile, error) {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return nil, err
	}
	return plainFile{f}, nil
}

func (p plainFile) write(_ context.Context, _ time.Time, b []byte) error {
	_, err := p.f.Write(b)
	return err
}

func (p plainFile) readByte(context.Context, time.Time) (byte, error) { return 0, errNoAnswer }

func (p plainFile) answers() bool { return false }

func (p plainFile) close() error { return p.f.Close() }
