package printer

import (
	"bytes"
	"errors"

	"net"
	"sync"
	"testing"
	"time"
)

// failAfter bounds every wait in these tests: a broken transport fails the
// test instead of hanging it.
const failAfter = 5 * time.Second

// Status answer bytes (bit 4 and bit 1 always set, as real printers send).
const (
	stOK        = 0x12
	stOffline   = 0x12 | 0x08 // DLE EOT 1
	stCoverOpen = 0x12 | 0x04 // DLE EOT 2
	stPaperStop = 0x12 | 0x20 // DLE EOT 2
	stPaperLow  = 0x12 | 0x0C // DLE EOT 4
	stPaperOut  = 0x12 | 0x60 // DLE EOT 4
)

// fakePrinter is a network printer on loopback: it records what each
// connection sent and answers DLE EOT n with answers[n] (bytes sent as
// they are, so noise can precede an answer), or, when stall is set,
// accepts connections and never reads them.
type fakePrinter struct {
	ln       net.Listener
	answers  map[byte][]byte
	stall    bool
	conns    chan []byte   // everything one connection sent, when it closes
	accepted chan struct{} // one per accepted connection
	mu       sync.Mutex
	open     []net.Conn
}

func newFakePrinter(t *testing.T, answers map[byte][]byte, stall bool) *fakePrinter {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakePrinter{ln: ln, answers: answers, stall: stall, conns: make(chan []byte, 16), accepted: make(chan struct{}, 16)}
	t.Cleanup(func() {
		ln.Close()
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, c := range f.open {
			c.Close()
		}
	})
	go f.serve()
	return f
}

func (f *fakePrinter) addr() string { return f.ln.Addr().String() }

func (f *fakePrinter) serve() {
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return
		}
		f.mu.Lock()
		f.open = append(f.open, c)
		f.mu.Unlock()
		f.accepted <- struct{}{}
		if !f.stall {
			go f.handle(c)
		}
	}
}

func (f *fakePrinter) handle(c net.Conn) {
	defer c.Close()
	var got []byte
	scanned := 0
	buf := make([]byte, 64<<10)
	for {
		n, err := c.Read(buf)
		got = append(got, buf[:n]...)
		for ; scanned+2 < len(got); scanned++ {
			if got[scanned] == 0x10 && got[scanned+1] == 0x04 {
				if a, ok := f.answers[got[scanned+2]]; ok {
					c.Write(a)
				}
			}
		}
		if err != nil {
			f.conns <- got
			return
		}
	}
}

// nextConn is what the next finished connection sent.
func (f *fakePrinter) nextConn(t *testing.T) []byte {
	t.Helper()
	select {
	case b := <-f.conns:
		return b
	case <-time.After(failAfter):
		t.Fatal("the fake printer got no connection")
		return nil
	}
}

func (f *fakePrinter) waitAccepted(t *testing.T) {
	t.Helper()
	select {
	case <-f.accepted:
	case <-time.After(failAfter):
		t.Fatal("the transport never connected")
	}
}

// closedAddr is a loopback address nothing listens on: connecting is
// refused at once.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// job is a print job of n bytes with every byte value in it.
func job(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i>>8)
	}
	return b
}

// wait returns the result of an operation running on another goroutine,
// failing the test if it does not finish in time.
func wait(t *testing.T, res <-chan error, what string) error {
	t.Helper()
	select {
	case err := <-res:
		return err
	case <-time.After(failAfter):
		t.Fatalf("%s did not return", what)
		return nil
	}
}

func checkBytes(t *testing.T, got, want []byte) {
	t.Helper()
	if !bytes.Equal(got, want) {
		t.Fatalf("printer got %d bytes, want the %d-byte job (first difference at %d)", len(got), len(want), firstDiff(got, want))
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// errorsIsAll reports whether err matches every target.
func errorsIsAll(err error, targets ...error) bool {
	for _, t := range targets {
		if !errors.Is(err, t) {
			return false
		}
	}
	return true
}
