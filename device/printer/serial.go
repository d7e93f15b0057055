package printer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.bug.st/serial"

	"smartpoint/device/escpos"
)

// Serial defaults: 9600 8N1 is what almost every receipt printer ships
// with; 1 KiB chunks are about a second each at 9600 baud, so a cancel
// takes effect quickly.
const (
	DefaultBaud      = 9600
	DefaultFraming   = "8N1"
	DefaultChunkSize = 1024
)

// Serial prints over an RS-232 or USB-serial (CDC, "virtual COM") port
// with go.bug.st/serial. The port is opened at the first job and kept
// open; any I/O error closes it, and the next job opens it again, so a
// printer that is unplugged and plugged back in works without a restart.
//
// Flow control: a printer whose buffer fills drops bytes unless the link
// stops the sender. With RTSCTS the printer's CTS line does that (Linux;
// go.bug.st/serial v1.8.0 has no flow-control setting on other systems, so
// there RTSCTS is logged and ignored). Without flow control set ChunkDelay:
// each ChunkSize piece is sent, drained to the wire, and followed by the
// pause, which paces large raster images to what the printer digests.
type Serial struct {
	Port          string        // "/dev/ttyUSB0", "COM3"
	Baud          int           // 0: DefaultBaud
	Framing       string        // data bits, parity N/E/O/M/S, stop bits: "8N1" (default), "7E1", "8N2"
	RTSCTS        bool          // hardware flow control
	ChunkSize     int           // bytes per write; 0: DefaultChunkSize
	ChunkDelay    time.Duration // pause after each chunk; 0: none
	StatusTimeout time.Duration // per answer byte; 0: DefaultStatusTimeout

	// find, when set, names the port to open now (a USB-serial printer
	// matched by VID:PID, whose port name changes on replug).
	find func() (string, error)

	mu   sync.Mutex
	port serial.Port
	name string // the port name port was opened with
}

func (s *Serial) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dev()
}

// dev names the port for messages. Called with mu held.
func (s *Serial) dev() string {
	if s.name != "" {
		return "serial " + s.name
	}
	return "serial " + s.Port
}

// ParseFraming reads "8N1"-style framing.
func ParseFraming(f string) (*serial.Mode, error) {
	if f == "" {
		f = DefaultFraming
	}
	f = strings.ToUpper(f)
	if len(f) != 3 {
		return nil, fmt.Errorf("%w: framing %q, want like 8N1", ErrConfig, f)
	}
	bits, err := strconv.Atoi(f[:1])
	if err != nil || bits < 5 || bits > 8 {
		return nil, fmt.Errorf("%w: framing %q: data bits 5..8", ErrConfig, f)
	}
	parity, ok := map[byte]serial.Parity{'N': serial.NoParity, 'E': serial.EvenParity, 'O': serial.OddParity, 'M': serial.MarkParity, 'S': serial.SpaceParity}[f[1]]
	if !ok {
		return nil, fmt.Errorf("%w: framing %q: parity N, E, O, M or S", ErrConfig, f)
	}
	stop, ok := map[byte]serial.StopBits{'1': serial.OneStopBit, '2': serial.TwoStopBits}[f[2]]
	if !ok {
		return nil, fmt.Errorf("%w: framing %q: stop bits 1 or 2", ErrConfig, f)
	}
	return &serial.Mode{DataBits: bits, Parity: parity, StopBits: stop}, nil
}

// ensure returns the open port, opening it if needed. Called with mu held.
func (s *Serial) ensure() (serial.Port, error) {
	if s.port != nil {
		return s.port, nil
	}
	name := s.Port
	if s.find != nil {
		var err error
		if name, err = s.find(); err != nil {
			return nil, err
		}
	}
	if name == "" {
		return nil, fail("open", s.dev(), ErrConfig, errors.New("no port name"))
	}
	mode, err := ParseFraming(s.Framing)
	if err != nil {
		return nil, fail("open", "serial "+name, ErrConfig, err)
	}
	mode.BaudRate = s.Baud
	if mode.BaudRate <= 0 {
		mode.BaudRate = DefaultBaud
	}
	p, err := openSerial(name, mode, s.RTSCTS)
	if err != nil {
		return nil, fail("open", "serial "+name, kindOf(err), err)
	}
	s.port, s.name = p, name
	return p, nil
}

// openSerial opens the port and, where the platform can, turns on RTS/CTS.
func openSerial(name string, mode *serial.Mode, rtscts bool) (serial.Port, error) {
	if !rtscts {
		return serial.Open(name, mode)
	}
	fc, err := prepareFlowControl(name)
	if errors.Is(err, errFlowUnsupported) {
		slog.Warn("printer: RTS/CTS flow control not available on this system; set a chunk delay instead", "port", name)
		return serial.Open(name, mode)
	}
	if err != nil {
		return nil, err
	}
	defer fc.close()
	p, err := serial.Open(name, mode)
	if err != nil {
		return nil, err
	}
	if err := fc.enable(); err != nil {
		p.Close()
		return nil, fmt.Errorf("enable RTS/CTS: %w", err)
	}
	return p, nil
}

// drop closes the port after an error; the next job opens it again.
// Called with mu held.
func (s *Serial) drop() {
	if s.port != nil {
		s.port.Close()
		s.port = nil
	}
}

// Write sends the job in chunks. On cancel the port's output buffer is
// flushed (which wakes a write blocked on flow control), the port is
// detached, and it is closed as soon as the writer is out of it.
func (s *Serial) Write(ctx context.Context, job []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return classify(ctx, "write", s.dev(), err)
	}
	p, err := s.ensure()
	if err != nil {
		return err
	}
	dev := s.dev()
	stop := make(chan struct{})
	res := make(chan error, 1)
	go func() { res <- s.writeChunks(p, job, stop) }()
	select {
	case err := <-res:
		if err != nil {
			s.drop()
			return classify(ctx, "write", dev, err)
		}
		return nil
	case <-ctx.Done():
		close(stop)
		_ = p.ResetOutputBuffer()
		s.port = nil
		go func() {
			<-res
			p.Close()
		}()
		return classify(ctx, "write", dev, ctx.Err())
	}
}

// writeChunks writes job to p piece by piece, pausing after each piece
// when pacing is set, until done or stop is closed.
func (s *Serial) writeChunks(p serial.Port, job []byte, stop <-chan struct{}) error {
	size := s.ChunkSize
	if size <= 0 {
		size = DefaultChunkSize
	}
	for len(job) > 0 {
		select {
		case <-stop:
			return errors.New("cancelled")
		default:
		}
		chunk := job[:min(size, len(job))]
		for len(chunk) > 0 {
			n, err := p.Write(chunk)
			if err != nil {
				return err
			}
			if n == 0 {
				return errors.New("port accepted no bytes")
			}
			chunk = chunk[n:]
		}
		job = job[min(size, len(job)):]
		if s.ChunkDelay > 0 && len(job) > 0 {
			if err := p.Drain(); err != nil {
				return err
			}
			t := time.NewTimer(s.ChunkDelay)
			select {
			case <-stop:
				t.Stop()
				return errors.New("cancelled")
			case <-t.C:
			}
		}
	}
	return nil
}

// Status asks DLE EOT 1, 2, 4. Stale input (a late answer, an Automatic
// Status Back packet) is discarded first.
func (s *Serial) Status(ctx context.Context) (escpos.Status, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.ensure()
	if err != nil {
		return escpos.Status{}, err
	}
	_ = p.ResetInputBuffer()
	st, err := queryStatus(ctx, &serialLink{port: p}, s.dev(), s.StatusTimeout)
	if err != nil && !errors.Is(err, ErrNoStatus) {
		s.drop()
	}
	return st, err
}

// Close closes the port.
func (s *Serial) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.port == nil {
		return nil
	}
	err := s.port.Close()
	s.port = nil
	if err != nil {
		return fail("close", s.dev(), ErrOffline, err)
	}
	return nil
}

// serialLink is a byteLink over an open port.
type serialLink struct {
	port serial.Port
	buf  [1]byte
}

func (l *serialLink) send(b []byte) error {
	_, err := l.port.Write(b)
	return err
}

func (l *serialLink) recvByte(deadline time.Time) (byte, error) {
	wait := time.Until(deadline)
	if wait <= 0 {
		return 0, errNoAnswer
	}
	if err := l.port.SetReadTimeout(wait); err != nil {
		return 0, err
	}
	n, err := l.port.Read(l.buf[:])
	switch {
	case err != nil:
		return 0, err // PortClosed: unplugged
	case n == 0:
		return 0, errNoAnswer // go.bug.st/serial reports a timeout as (0, nil)
	}
	return l.buf[0], nil
}
