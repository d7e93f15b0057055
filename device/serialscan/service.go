package serialscan

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// Service runs one scanner: find, open, read, and after any failure close,
// back off and find it again, until stopped. Start it with Start.
type Service struct {
	cfg    Config
	opt    Options
	log    *slog.Logger
	claims *claims // shared within a Manager; nil alone

	cancel context.CancelFunc
	done   chan struct{}

	mu     sync.Mutex
	status Status
}

// Start checks cfg and runs the scanner's service until ctx is cancelled
// or Stop is called. opts.OnScan is required.
func Start(ctx context.Context, cfg Config, opts Options) (*Service, error) {
	if opts.OnScan == nil {
		return nil, &ConfigError{Scanner: cfg.Name, Field: "Options.OnScan", Err: errors.New("nil: scans would be lost")}
	}
	s, err := newService(cfg, opts, nil)
	if err != nil {
		return nil, err
	}
	s.start(ctx)
	return s, nil
}

func newService(cfg Config, opts Options, cl *claims) (*Service, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	return &Service{
		cfg:    cfg,
		opt:    opts,
		log:    opts.Log.With("scanner", cfg.Name),
		claims: cl,
		done:   make(chan struct{}),
		status: Status{Scanner: cfg.Name},
	}, nil
}

func (s *Service) start(ctx context.Context) {
	ctx, s.cancel = context.WithCancel(ctx)
	go s.run(ctx)
}

// Stop ends the service and returns once its goroutines have exited and
// the port is closed. It may be called more than once.
func (s *Service) Stop() {
	s.cancel()
	<-s.done
}

// Done is closed when the service has ended (Stop, or its context).
func (s *Service) Done() <-chan struct{} { return s.done }

// Name is Config.Name.
func (s *Service) Name() string { return s.cfg.Name }

// Status is the current state.
func (s *Service) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// run is the supervisor loop.
func (s *Service) run(ctx context.Context) {
	defer close(s.done)
	defer s.setStatus(Status{State: Stopped})
	s.setStatus(Status{State: Connecting})
	for attempt := 0; ; attempt++ {
		connected, healthy := s.cycle(ctx)
		if healthy {
			attempt = 0
		}
		if ctx.Err() != nil || !s.sleep(ctx, s.opt.Backoff.Delay(attempt, rand.Float64())) {
			return
		}
		if connected {
			// After a lost connection the status bar says "connecting";
			// a scanner that stays absent or unopenable keeps its
			// NotFound or Disconnected instead of flickering each retry.
			s.setStatus(Status{State: Connecting})
		}
	}
}

// cycle makes one attempt: find and open the port, then read it until it
// fails. connected says the port was opened; healthy says the connection
// worked for a while, so the backoff starts over (a port that fails right
// after opening keeps backing off).
func (s *Service) cycle(ctx context.Context) (connected, healthy bool) {
	port, t, err := s.open()
	if err != nil {
		var oe *OpenError
		switch {
		case errors.As(err, &oe):
			s.setStatus(Status{State: Disconnected, Port: oe.Port, Err: err})
		case errors.Is(err, ErrNotFound):
			s.setStatus(Status{State: NotFound})
		default:
			s.setStatus(Status{State: NotFound, Err: err})
		}
		return false, false
	}
	defer s.claims.release(t.name, s.cfg.Name)
	port = onceCloser(port)
	defer port.Close()

	s.setStatus(Status{State: Connected, Port: t.name})
	healthy, err = s.session(ctx, port, t)
	if ctx.Err() == nil {
		s.setStatus(Status{State: Disconnected, Port: t.name, Err: err})
	}
	return true, healthy
}

// sleep waits d on the Clock; false if ctx ended first.
func (s *Service) sleep(ctx context.Context, d time.Duration) bool {
	t := s.opt.Clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C():
		return true
	}
}

// setStatus records and reports a change of state; repeats (NotFound on
// every retry) are not reported again.
func (s *Service) setStatus(st Status) {
	st.Scanner = s.cfg.Name
	s.mu.Lock()
	if s.status.same(st) {
		s.mu.Unlock()
		return
	}
	s.status = st
	s.mu.Unlock()

	switch st.State {
	case Connected:
		s.log.Info("scanner connected", "port", st.Port)
	case Disconnected:
		s.log.Warn("scanner disconnected", "port", st.Port, "err", st.Err)
	case NotFound:
		s.log.Info("scanner not found", "looking_for", s.lookingFor(), "err", st.Err)
	default:
		s.log.Debug("scanner "+st.State.String(), "looking_for", s.lookingFor())
	}
	if s.opt.OnStatus != nil {
		s.opt.OnStatus(st)
	}
}

// lookingFor describes the device for the log.
func (s *Service) lookingFor() string {
	if s.cfg.byPort() {
		return s.cfg.Port
	}
	return s.cfg.Match.String()
}
