package serialscan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"go.bug.st/serial"
)

// maxQuickReads is how many empty reads in a row, each returning well
// before the read timeout, mean the port does not wait at all.
const maxQuickReads = 20

// session reads an open port until it fails or ctx ends.
func (s *Service) session(ctx context.Context, port serial.Port, t target) (healthy bool, err error) {
	if err := port.SetReadTimeout(s.opt.ReadTimeout); err != nil {
		return false, &OpenError{Port: t.name, Err: fmt.Errorf("set read timeout: %w", err)}
	}
	wctx, stop := context.WithCancel(ctx)
	w := s.watch(ctx, wctx, port, t)
	healthy, err = s.read(ctx, port, t.name)
	stop()
	<-w.done
	if w.err != nil {
		err = w.err // the read failed because the watcher closed the port
	}
	return healthy, err
}

// read is the read loop: bytes to the Decoder, frames to OnScan.
func (s *Service) read(ctx context.Context, port io.Reader, name string) (healthy bool, err error) {
	dec := newDecoder(s.cfg.Framing)
	started := s.opt.Clock.Now()
	got := false
	defer func() {
		healthy = got || s.opt.Clock.Now().Sub(started) >= s.opt.Rescan
	}()
	buf := make([]byte, 512)
	var frames []Frame
	quick := 0
	for {
		if ctx.Err() != nil {
			s.deliver(dec.Abort(frames[:0]), name)
			return false, ctx.Err()
		}
		before := s.opt.Clock.Now()
		n, rerr := port.Read(buf)
		now := s.opt.Clock.Now()
		if n > 0 {
			got = true
			s.log.Debug("scanner read", "port", name, "bytes", n)
			frames = dec.Feed(frames[:0], buf[:n], now)
		} else {
			frames = dec.Tick(frames[:0], now)
		}
		if rerr != nil {
			s.deliver(dec.Abort(frames), name)
			return false, &ReadError{Port: name, Err: rerr}
		}
		s.deliver(frames, name)
		if n > 0 || now.Sub(before) >= s.opt.ReadTimeout/2 {
			quick = 0
		} else if quick++; quick >= maxQuickReads {
			return false, errNoWait
		}
	}
}

// deliver passes codes on and logs rejected frames.
func (s *Service) deliver(frames []Frame, port string) {
	for _, f := range frames {
		if f.Err != nil {
			var re *RejectError
			reason := "unknown"
			if errors.As(f.Err, &re) {
				reason = re.Reason.String()
			}
			s.log.Warn("scanner frame rejected", "port", port, "reason", reason, "err", f.Err)
			s.log.Debug("scanner rejected bytes", "port", port, "raw", fmt.Sprintf("%q", f.Raw))
			continue
		}
		s.log.Debug("scan", "port", port, "code", f.Code)
		s.opt.OnScan(Scan{Scanner: s.cfg.Name, Port: port, Code: f.Code, Raw: f.Raw, At: f.At})
	}
}

// watcher re-enumerates while a port is open.
type watcher struct {
	done chan struct{}
	err  error // set before done is closed
}

// watch checks every Rescan that the port is still listed and closes it
// when it is not: some Windows drivers let a read hang after an unplug.
// It also closes the port when ctx ends, so a hung read cannot hold up
// Stop. It returns when wctx ends (the read loop is over) or after it
// closed the port.
func (s *Service) watch(ctx, wctx context.Context, port io.Closer, t target) *watcher {
	w := &watcher{done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for {
			var tick <-chan time.Time
			var tm Timer
			if t.listed {
				tm = s.opt.Clock.NewTimer(s.opt.Rescan)
				tick = tm.C()
			}
			select {
			case <-wctx.Done():
				if tm != nil {
					tm.Stop()
				}
				if ctx.Err() != nil {
					port.Close()
				}
				return
			case <-tick:
			}
			if !s.present(t.name) {
				w.err = ErrPortGone
				port.Close()
				return
			}
		}
	}()
	return w
}

// closeOnce makes Close safe to call from the watcher and the read loop.
type closeOnce struct {
	serial.Port
	once sync.Once
	err  error
}

func onceCloser(p serial.Port) serial.Port { return &closeOnce{Port: p} }

func (c *closeOnce) Close() error {
	c.once.Do(func() { c.err = c.Port.Close() })
	return c.err
}
