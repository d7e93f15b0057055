package serialscan

import (
	"log/slog"
	"time"
)

// Options are the service's collaborators and tuning; the zero value
// works.
type Options struct {
	// Log gets connects, disconnects and rejected frames. Codes are only
	// logged at debug level. Nil: slog.Default().
	Log *slog.Logger
	// OnScan gets each code once, on the service's goroutine, in order.
	// It should hand the scan on quickly (the UI: fyne.Do); while it runs,
	// the port is not read. A Manager sets its own.
	OnScan func(Scan)
	// OnStatus gets each status change, on the service's goroutine.
	// Neither callback may call Stop: Stop waits for that goroutine.
	OnStatus func(Status)
	// Enumerator lists the ports; nil: System{} (no active probing).
	Enumerator Enumerator
	// Clock provides timers; nil: the wall clock.
	Clock Clock
	// ReadTimeout bounds each read so an idle gap is noticed; default
	// 50 ms.
	ReadTimeout time.Duration
	// Rescan is how often the port list is checked while connected;
	// default 2 s.
	Rescan time.Duration
	// Backoff paces reconnects; zero: DefaultBackoff.
	Backoff Backoff
}

// Option defaults.
const (
	DefaultReadTimeout = 50 * time.Millisecond
	DefaultRescan      = 2 * time.Second
)

func (o Options) withDefaults() Options {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Enumerator == nil {
		o.Enumerator = System{}
	}
	if o.Clock == nil {
		o.Clock = wallClock{}
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = DefaultReadTimeout
	}
	if o.Rescan <= 0 {
		o.Rescan = DefaultRescan
	}
	o.Backoff = o.Backoff.withDefaults()
	return o
}
