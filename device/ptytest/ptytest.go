//go:build linux

// Package ptytest opens pseudo-terminal pairs for device tests: the slave
// side is a real tty (/dev/pts/N) that go.bug.st/serial opens like a
// USB-CDC port, the master side plays the device. Closing the master is
// an unplug as far as the port is concerned.
package ptytest

import (
	"fmt"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// Pair is one pseudo-terminal: Master is the device end, SlavePath the
// port name the code under test opens.
type Pair struct {
	Master    *os.File
	SlavePath string
}

// Open creates a pair, closed when the test ends. The slave is put in
// raw mode so bytes pass unchanged (no echo, no CR/LF translation).
func Open(t testing.TB) *Pair {
	t.Helper()
	p, err := open()
	if err != nil {
		t.Fatalf("open pty: %v", err)
	}
	t.Cleanup(func() { p.Master.Close() })
	return p
}

func open() (*Pair, error) {
	fd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open /dev/ptmx: %w", err)
	}
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("unlock pty: %w", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("pty number: %w", err)
	}
	path := fmt.Sprintf("/dev/pts/%d", n)
	if err := makeRaw(path); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return &Pair{Master: os.NewFile(uintptr(fd), "/dev/ptmx"), SlavePath: path}, nil
}

// makeRaw turns off the line discipline's processing on the slave, as a
// serial port opened in raw mode has it.
func makeRaw(path string) error {
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer unix.Close(fd)
	tio, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return fmt.Errorf("termios %s: %w", path, err)
	}
	tio.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	tio.Oflag &^= unix.OPOST
	tio.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	tio.Cflag &^= unix.CSIZE | unix.PARENB
	tio.Cflag |= unix.CS8
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, tio); err != nil {
		return fmt.Errorf("raw %s: %w", path, err)
	}
	return nil
}
