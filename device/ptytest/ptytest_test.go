//go:build linux

package ptytest

import (
	"errors"
	"io"
	"testing"

	"go.bug.st/serial"
)

// The slave opens as a serial port and bytes cross both ways unchanged.
func TestPairCarriesBytesBothWays(t *testing.T) {
	p := Open(t)
	port, err := serial.Open(p.SlavePath, &serial.Mode{BaudRate: 9600})
	if err != nil {
		t.Fatalf("serial open %s: %v", p.SlavePath, err)
	}
	defer port.Close()
	if _, err := p.Master.Write([]byte("4601234567890\r\n")); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 15)
	if _, err := io.ReadFull(port, got); err != nil || string(got) != "4601234567890\r\n" {
		t.Fatalf("port read %q, %v", got, err)
	}
	if _, err := port.Write([]byte{0x10, 0x04, 0x01}); err != nil {
		t.Fatal(err)
	}
	back := make([]byte, 3)
	if _, err := io.ReadFull(p.Master, back); err != nil || back[0] != 0x10 || back[2] != 0x01 {
		t.Fatalf("master read % x, %v", back, err)
	}
}

// Closing the master (the device unplugged) makes the port's read fail.
func TestClosingMasterIsAnUnplug(t *testing.T) {
	p := Open(t)
	port, err := serial.Open(p.SlavePath, &serial.Mode{BaudRate: 9600})
	if err != nil {
		t.Fatal(err)
	}
	defer port.Close()
	p.Master.Close()
	buf := make([]byte, 8)
	n, err := port.Read(buf)
	// go.bug.st/serial reports an unplug on Linux as a PortError
	// (PortClosed); readers must treat it, or (0, nil), as "gone".
	var pe *serial.PortError
	if n != 0 || err == nil || !errors.As(err, &pe) {
		t.Fatalf("read after unplug: %d bytes, err %v (%T)", n, err, err)
	}
}
