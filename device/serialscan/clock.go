package serialscan

import "time"

// Clock is where the service gets the time and its timers. Tests replace
// the timers to step backoff and re-enumeration without sleeping; Now
// should stay the wall clock, because it stamps bytes read from a real
// port whose read timeout is real.
type Clock interface {
	Now() time.Time
	NewTimer(d time.Duration) Timer
}

// Timer is the part of *time.Timer the service uses.
type Timer interface {
	C() <-chan time.Time
	Stop() bool
}

// wallClock is the real Clock.
type wallClock struct{}

func (wallClock) Now() time.Time { return time.Now() }

func (wallClock) NewTimer(d time.Duration) Timer { return wallTimer{time.NewTimer(d)} }

type wallTimer struct{ t *time.Timer }

func (w wallTimer) C() <-chan time.Time { return w.t.C }
func (w wallTimer) Stop() bool          { return w.t.Stop() }
