package printer

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"time"

	"smartpoint/device/escpos"
)

// Defaults for network printers.
const (
	DefaultPort         = "9100" // raw printing ("JetDirect"), what every thermal printer listens on
	DefaultDialTimeout  = 3 * time.Second
	DefaultWriteTimeout = 60 * time.Second // a whole job when ctx has no deadline
)

// TCP prints to a network printer's raw port, one connection per job:
// printers accept one client at a time and drop idle ones, so holding a
// connection open between jobs only finds out later that it died.
type TCP struct {
	Addr          string        // host:port, or host for port 9100
	DialTimeout   time.Duration // 0: DefaultDialTimeout
	WriteTimeout  time.Duration // 0: DefaultWriteTimeout
	StatusTimeout time.Duration // per answer byte; 0: DefaultStatusTimeout
}

func (t *TCP) String() string { return "tcp " + t.addr() }

// addr is Addr with the default port when it has none.
func (t *TCP) addr() string {
	if _, _, err := net.SplitHostPort(t.Addr); err == nil {
		return t.Addr
	}
	return net.JoinHostPort(strings.Trim(t.Addr, "[]"), DefaultPort)
}

func (t *TCP) dial(ctx context.Context) (net.Conn, error) {
	d := net.Dialer{Timeout: orDefault(t.DialTimeout, DefaultDialTimeout)}
	conn, err := d.DialContext(ctx, "tcp", t.addr())
	if err != nil {
		if ctx.Err() != nil {
			return nil, classify(ctx, "dial", t.String(), err)
		}
		// Refused, unreachable or no answer within the dial timeout: the
		// printer is off or not on this network.
		return nil, fail("dial", t.String(), ErrOffline, err)
	}
	return conn, nil
}

// Write sends the job over a fresh connection and closes it. The deadline
// is the earlier of ctx's and WriteTimeout; cancelling ctx fails a write
// blocked on a printer that stopped reading.
func (t *TCP) Write(ctx context.Context, job []byte) error {
	conn, err := t.dial(ctx)
	if err != nil {
		return err
	}
	dl := watchDeadlines(ctx, conn.SetDeadline)
	defer dl.release()
	if err := dl.until(ctx, time.Now().Add(orDefault(t.WriteTimeout, DefaultWriteTimeout))); err != nil {
		conn.Close()
		return classify(ctx, "write", t.String(), err)
	}
	if _, err := conn.Write(job); err != nil {
		conn.Close()
		return classify(ctx, "write", t.String(), err)
	}
	// Close sends FIN after the data; the kernel keeps delivering what is
	// still buffered.
	return classify(ctx, "write", t.String(), conn.Close())
}

// Status asks DLE EOT 1, 2, 4 over its own short connection. A printer
// that does not answer within StatusTimeout (or closes the connection)
// gives ErrNoStatus.
func (t *TCP) Status(ctx context.Context) (escpos.Status, error) {
	conn, err := t.dial(ctx)
	if err != nil {
		return escpos.Status{}, err
	}
	defer conn.Close()
	dl := watchDeadlines(ctx, conn.SetDeadline)
	defer dl.release()
	return queryStatus(ctx, &connLink{ctx: ctx, conn: conn, dl: dl}, t.String(), t.StatusTimeout)
}

func (t *TCP) Close() error { return nil }

// connLink is a byteLink over a TCP connection.
type connLink struct {
	ctx  context.Context
	conn net.Conn
	dl   *deadlines
	buf  [1]byte
}

func (c *connLink) send(b []byte) error {
	if err := c.dl.until(c.ctx, time.Now().Add(DefaultDialTimeout)); err != nil {
		return err
	}
	_, err := c.conn.Write(b)
	return err
}

func (c *connLink) recvByte(deadline time.Time) (byte, error) {
	if err := c.dl.until(c.ctx, deadline); err != nil {
		return 0, err
	}
	_, err := io.ReadFull(c.conn, c.buf[:])
	var ne net.Error
	switch {
	case err == nil:
		return c.buf[0], nil
	case errors.Is(err, io.EOF), errors.As(err, &ne) && ne.Timeout():
		return 0, errNoAnswer
	}
	return 0, err
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
