package serialscan

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
)

// scanBuffer is how many scans may wait in Manager.Scans: a few seconds
// of rapid scanning while the UI is busy, without stalling the ports.
const scanBuffer = 32

// Manager runs several scanners and merges their scans into one channel.
// Two scanners with the same Match never share a port: each takes the
// first matching port the other does not hold.
type Manager struct {
	svcs   []*Service
	scans  chan Scan
	cancel context.CancelFunc
	done   chan struct{}
}

// StartManager checks every Config and starts a service for each. Scans
// arrive on Scans; opts.OnStatus gets every scanner's status changes (on
// the scanners' goroutines, so it must be safe for concurrent use);
// opts.OnScan must be nil. An error starts nothing.
func StartManager(ctx context.Context, cfgs []Config, opts Options) (*Manager, error) {
	if opts.OnScan != nil {
		return nil, errors.New("serialscan: Options.OnScan is set; a Manager delivers scans on Scans()")
	}
	seen := map[string]bool{}
	for _, c := range cfgs {
		if seen[c.Name] {
			return nil, &ConfigError{Scanner: c.Name, Field: "Name", Err: errors.New("used by two scanners")}
		}
		seen[c.Name] = true
	}
	log := opts.Log
	if log == nil {
		log = slog.Default()
	}
	ctx, cancel := context.WithCancel(ctx)
	m := &Manager{scans: make(chan Scan, scanBuffer), cancel: cancel, done: make(chan struct{})}
	opts.OnScan = func(sc Scan) {
		select {
		case m.scans <- sc:
			return
		default:
		}
		select {
		case m.scans <- sc:
		case <-ctx.Done():
			log.Warn("scan dropped: stopping", "scanner", sc.Scanner)
		}
	}
	cl := newClaims()
	for _, c := range cfgs {
		s, err := newService(c, opts, cl)
		if err != nil {
			cancel()
			return nil, fmt.Errorf("serialscan: manager: %w", err)
		}
		m.svcs = append(m.svcs, s)
	}
	for _, s := range m.svcs {
		s.start(ctx)
	}
	go func() {
		for _, s := range m.svcs {
			<-s.Done()
		}
		close(m.scans)
		close(m.done)
	}()
	return m, nil
}

// Scans delivers every scanner's codes, each once. It is closed after all
// services have stopped.
func (m *Manager) Scans() <-chan Scan { return m.scans }

// Statuses is every scanner's current status, in Config order.
func (m *Manager) Statuses() []Status {
	out := make([]Status, len(m.svcs))
	for i, s := range m.svcs {
		out[i] = s.Status()
	}
	return out
}

// Stop ends every service and returns once all have exited and Scans is
// closed. Scans not yet received stay readable from the channel.
func (m *Manager) Stop() {
	m.cancel()
	<-m.done
}

// Done is closed when every service has ended.
func (m *Manager) Done() <-chan struct{} { return m.done }
