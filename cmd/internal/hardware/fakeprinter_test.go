package hardware

import (
	"bufio"
	"io"
	"net"
	"sync"
	"testing"
)

// ESC/POS status answers (DLE EOT n): 0x12 is "fine" for every query;
// 0x72 to query 4 is the roll sensor's "paper end".
const (
	stOK       = 0x12
	stPaperEnd = 0x72
)

// fakeESCPOS is a network receipt printer on loopback: it answers DLE EOT
// status queries with the bytes it is set to and records every other
// byte a connection brings as one job, as the raw port 9100 does.
type fakeESCPOS struct {
	ln   net.Listener
	jobs chan []byte
	hung chan struct{} // a job began and the printer stopped reading it
	done chan struct{} // closed: unplugged
	wg   sync.WaitGroup

	mu      sync.Mutex
	answers map[byte]byte
	conns   map[net.Conn]bool
	hang    bool
}

func newFakeESCPOS(t *testing.T) *fakeESCPOS {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeESCPOS{ln: ln, jobs: make(chan []byte, 100), hung: make(chan struct{}, 10), done: make(chan struct{}), answers: map[byte]byte{}, conns: map[net.Conn]bool{}}
	f.wg.Go(f.serve)
	t.Cleanup(f.close)
	return f
}

func (f *fakeESCPOS) addr() string { return f.ln.Addr().String() }

// answer sets the byte query n gets (stOK by default).
func (f *fakeESCPOS) answer(n, b byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.answers[n] = b
}

// hangOnJob makes the printer jam: it answers its status but stops
// reading a job after its first byte, until unplugged.
func (f *fakeESCPOS) hangOnJob() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hang = true
}

func (f *fakeESCPOS) hangs() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hang
}

func (f *fakeESCPOS) serve() {
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return
		}
		f.mu.Lock()
		f.conns[c] = true
		f.mu.Unlock()
		f.wg.Go(func() { f.handle(c) })
	}
}

// handle reads one connection to its end. printer.Print asks the status
// and sends the job over separate connections, so a connection that
// starts with DLE EOT carries queries, answered at once, and any other
// is a job.
func (f *fakeESCPOS) handle(c net.Conn) {
	defer func() {
		c.Close()
		f.mu.Lock()
		delete(f.conns, c)
		f.mu.Unlock()
	}()
	r := bufio.NewReader(c)
	for {
		b, err := r.ReadByte()
		if err != nil {
			return
		}
		if b != 0x10 || !f.isQuery(r) {
			f.readJob(r, b)
			return
		}
		r.Discard(1)
		n, err := r.ReadByte()
		if err != nil {
			return
		}
		if _, err := c.Write([]byte{f.reply(n)}); err != nil {
			return
		}
	}
}

// readJob takes a job whose first byte was first, or jams on it.
func (f *fakeESCPOS) readJob(r io.Reader, first byte) {
	if f.hangs() {
		f.hung <- struct{}{}
		<-f.done
		return
	}
	rest, _ := io.ReadAll(r)
	f.jobs <- append([]byte{first}, rest...)
}

// isQuery reports whether a DLE just read starts DLE EOT.
func (f *fakeESCPOS) isQuery(r *bufio.Reader) bool {
	next, err := r.Peek(1)
	return err == nil && next[0] == 0x04
}

func (f *fakeESCPOS) reply(n byte) byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	if b, ok := f.answers[n]; ok {
		return b
	}
	return stOK
}

// close unplugs the printer: the listener and open connections.
func (f *fakeESCPOS) close() {
	select {
	case <-f.done:
		return
	default:
	}
	close(f.done)
	f.ln.Close()
	f.mu.Lock()
	for c := range f.conns {
		c.Close()
	}
	f.mu.Unlock()
	f.wg.Wait()
}
