package printer

import (
	"errors"
	"io"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"smartpoint/device/ptytest"
)

// openPty is a pty pair whose slave is held open by the test: a master
// read fails with EIO while no slave descriptor is open, so without it a
// reader started before the transport opens the port would fail.
func openPty(t *testing.T) *ptytest.Pair {
	t.Helper()
	p := ptytest.Open(t)
	fd, err := unix.Open(p.SlavePath, unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	return p
}

// readN reads n bytes from the pty master (the printer's side) on another
// goroutine; the result arrives on the channel.
func readN(master *os.File, n int) <-chan []byte {
	out := make(chan []byte, 1)
	go func() {
		b := make([]byte, n)
		got, _ := io.ReadFull(master, b)
		out <- b[:got]
	}()
	return out
}

func recvBytes(t *testing.T, ch <-chan []byte) []byte {
	t.Helper()
	select {
	case b := <-ch:
		return b
	case <-time.After(failAfter):
		t.Fatal("the printer side received nothing")
		return nil
	}
}

// answerStatus plays an ESC/POS printer on the master: each DLE EOT n
// read gets answers[n]; a query without an answer is read and ignored.
// The queries seen are sent on the returned channel when count have come.
func answerStatus(t *testing.T, master *os.File, answers map[byte][]byte, count int) <-chan []byte {
	t.Helper()
	seen := make(chan []byte, 1)
	go func() {
		var got []byte
		q := make([]byte, 3)
		for range count {
			if _, err := io.ReadFull(master, q); err != nil {
				break
			}
			got = append(got, q...)
			if q[0] == 0x10 && q[1] == 0x04 {
				if a, ok := answers[q[2]]; ok {
					master.Write(a)
				}
			}
		}
		seen <- got
	}()
	return seen
}

// waitReadable blocks until the master has data: the transport has begun
// writing.
func waitReadable(t *testing.T, master *os.File) {
	t.Helper()
	fds := []unix.PollFd{{Fd: int32(master.Fd()), Events: unix.POLLIN}}
	n, err := unix.Poll(fds, int(failAfter/time.Millisecond))
	for errors.Is(err, unix.EINTR) { // the runtime's preemption signals
		n, err = unix.Poll(fds, int(failAfter/time.Millisecond))
	}
	if err != nil || n != 1 {
		t.Fatalf("the transport never wrote: poll %d, %v", n, err)
	}
}
