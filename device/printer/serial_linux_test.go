package printer

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"smartpoint/device/escpos"
)

func TestSerialWriteDeliversJob(t *testing.T) {
	p := openPty(t)
	s := &Serial{Port: p.SlavePath, Baud: 115200, ChunkSize: 512, ChunkDelay: time.Millisecond}
	defer s.Close()
	want := job(20 << 10)
	got := readN(p.Master, len(want))
	if err := s.Write(context.Background(), want); err != nil {
		t.Fatal(err)
	}
	checkBytes(t, recvBytes(t, got), want)

	// The port stays open between jobs.
	got = readN(p.Master, 5)
	if err := s.Write(context.Background(), []byte("again")); err != nil {
		t.Fatal(err)
	}
	checkBytes(t, recvBytes(t, got), []byte("again"))
}

func TestSerialStatus(t *testing.T) {
	p := openPty(t)
	s := &Serial{Port: p.SlavePath}
	defer s.Close()
	seen := answerStatus(t, p.Master, map[byte][]byte{1: {stOK}, 2: {stCoverOpen}, 4: {stPaperLow}}, 3)
	st, err := s.Status(context.Background())
	if want := (escpos.Status{CoverOpen: true, PaperLow: true}); err != nil || st != want {
		t.Fatalf("Status() = %+v, %v; want %+v", st, err, want)
	}
	if q := recvBytes(t, seen); string(q) != "\x10\x04\x01\x10\x04\x02\x10\x04\x04" {
		t.Errorf("queries % x", q)
	}
}

func TestSerialStatusNoAnswer(t *testing.T) {
	p := openPty(t)
	s := &Serial{Port: p.SlavePath, StatusTimeout: 100 * time.Millisecond}
	defer s.Close()
	answerStatus(t, p.Master, nil, 1)
	start := time.Now()
	_, err := s.Status(context.Background())
	if !errors.Is(err, ErrNoStatus) || time.Since(start) > 2*time.Second {
		t.Fatalf("Status() err %v after %v, want ErrNoStatus", err, time.Since(start))
	}
}

// Closing the master is an unplug: the next job fails as offline, and so
// does the one after (the port is gone, reopening fails).
func TestSerialUnplugIsOffline(t *testing.T) {
	p := openPty(t)
	s := &Serial{Port: p.SlavePath}
	defer s.Close()
	got := readN(p.Master, 3)
	if err := s.Write(context.Background(), []byte("one")); err != nil {
		t.Fatal(err)
	}
	recvBytes(t, got)
	p.Master.Close()
	for i := range 2 {
		err := s.Write(context.Background(), []byte("two"))
		if !errors.Is(err, ErrOffline) || !strings.Contains(err.Error(), p.SlavePath) {
			t.Fatalf("write %d after unplug: %v, want ErrOffline naming the port", i, err)
		}
	}
}

func TestSerialMissingPortIsOffline(t *testing.T) {
	err := (&Serial{Port: "/dev/nonexistent-tty"}).Write(context.Background(), []byte("x"))
	if !errors.Is(err, ErrOffline) {
		t.Fatalf("Write() err %v, want ErrOffline", err)
	}
}

// A printer holding CTS low (here: a master that does not read) blocks
// the write; cancelling ctx returns at once.
func TestSerialCancelStopsStalledWrite(t *testing.T) {
	p := openPty(t)
	s := &Serial{Port: p.SlavePath}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res := make(chan error, 1)
	go func() { res <- s.Write(ctx, make([]byte, 4<<20)) }()
	waitReadable(t, p.Master)
	cancel()
	if err := wait(t, res, "Write after cancel"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Write() err %v, want context.Canceled", err)
	}
}

// RTSCTS turns on hardware flow control on the port (the pty master sees
// the slave's termios).
func TestSerialRTSCTS(t *testing.T) {
	for _, on := range []bool{true, false} {
		p := openPty(t)
		s := &Serial{Port: p.SlavePath, RTSCTS: on}
		got := readN(p.Master, 1)
		if err := s.Write(context.Background(), []byte("x")); err != nil {
			t.Fatal(err)
		}
		recvBytes(t, got)
		tio, err := unix.IoctlGetTermios(int(p.Master.Fd()), unix.TCGETS)
		if err != nil {
			t.Fatal(err)
		}
		if set := tio.Cflag&unix.CRTSCTS != 0; set != on {
			t.Errorf("RTSCTS %v: CRTSCTS is %v on the port", on, set)
		}
		s.Close()
	}
}

func TestParseFraming(t *testing.T) {
	for _, ok := range []string{"", "8N1", "7e1", "8O2", "5S1"} {
		if _, err := ParseFraming(ok); err != nil {
			t.Errorf("ParseFraming(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"9N1", "8X1", "8N3", "8N", "8N1x"} {
		if _, err := ParseFraming(bad); !errors.Is(err, ErrConfig) {
			t.Errorf("ParseFraming(%q) err %v, want ErrConfig", bad, err)
		}
	}
	m, _ := ParseFraming("7E2")
	if m.DataBits != 7 || m.Parity != 2 || m.StopBits != 2 {
		t.Errorf("7E2 = %+v", m)
	}
}
