package hardware

import (
	"context"
	"log/slog"
	"slices"
	"sync"

	"smartpoint/device/serialscan"
	"smartpoint/ui"
)

// scanners are the configured serial scanners of one set-up, run by one
// serialscan.Manager, with the state each last reported.
type scanners struct {
	cfgs []ScannerConfig
	log  *slog.Logger
	m    *serialscan.Manager // nil: none could start

	mu    sync.Mutex
	state map[string]ui.DeviceState // by name
}

func newScanners(cfgs []ScannerConfig, log *slog.Logger) *scanners {
	s := &scanners{cfgs: cfgs, log: log, state: map[string]ui.DeviceState{}}
	for _, c := range cfgs {
		s.state[c.Name] = ui.DeviceState{Kind: "scanner", Name: c.Name, State: ui.DeviceConnecting, Port: c.Port}
	}
	return s
}

// start runs the scanners that can run; one whose stored configuration
// this build cannot use is logged and shown as not found, and the others
// run anyway. changed is called after each state change; scans go to
// onScan in order until ctx ends. wg tracks the forwarding goroutine.
func (s *scanners) start(ctx context.Context, opt Options, changed func(), wg *sync.WaitGroup) {
	var cfgs []serialscan.Config
	for _, c := range s.cfgs {
		sc, err := scanConfig(c)
		if err != nil {
			s.log.Error("scanner set-up unusable", "scanner", c.Name, "err", err)
			s.set(serialscan.Status{Scanner: c.Name, State: serialscan.NotFound})
			continue
		}
		cfgs = append(cfgs, sc)
	}
	if len(cfgs) == 0 {
		return
	}
	m, err := serialscan.StartManager(ctx, cfgs, serialscan.Options{
		Log:        s.log,
		Enumerator: opt.Enumerator,
		Clock:      opt.ScannerClock,
		OnStatus: func(st serialscan.Status) {
			s.set(st)
			changed()
		},
	})
	if err != nil {
		s.log.Error("scanners not started", "err", err)
		for _, c := range cfgs {
			s.set(serialscan.Status{Scanner: c.Name, State: serialscan.NotFound})
		}
		return
	}
	s.m = m
	wg.Go(func() { s.forward(opt) })
}

// forward hands each scan to the window until the Manager has stopped.
func (s *scanners) forward(opt Options) {
	for sc := range s.m.Scans() {
		s.log.Debug("serial scan", "scanner", sc.Scanner, "port", sc.Port, "code", sc.Code)
		if opt.OnScan != nil {
			opt.OnScan(ui.DeviceScan{Scanner: sc.Scanner, Code: sc.Code, Raw: slices.Clone(sc.Raw)})
		}
	}
}

// stop ends the scanners and closes their ports.
func (s *scanners) stop() {
	if s.m != nil {
		s.m.Stop()
	}
}

// set records a scanner's reported status. Stopped is not shown: a
// stopped scanner belongs to a set-up that is being replaced.
func (s *scanners) set(st serialscan.Status) {
	if st.State == serialscan.Stopped {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.state[st.Scanner]
	d.State = scannerState(st.State)
	switch {
	case st.Port != "":
		d.Port = st.Port
	case st.State == serialscan.NotFound:
		d.Port = s.fixedPort(st.Scanner) // a USB scanner that is gone is nowhere
	}
	s.state[st.Scanner] = d
}

// fixedPort is the port a scanner is configured on, "" for USB ones.
func (s *scanners) fixedPort(name string) string {
	for _, c := range s.cfgs {
		if c.Name == name && c.VID == "" {
			return c.Port
		}
	}
	return ""
}

// snapshot is every scanner's state in set-up order.
func (s *scanners) snapshot() []ui.DeviceState {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ui.DeviceState, 0, len(s.cfgs))
	for _, c := range s.cfgs {
		out = append(out, s.state[c.Name])
	}
	return out
}

func scannerState(st serialscan.State) string {
	switch st {
	case serialscan.Connected:
		return ui.DeviceConnected
	case serialscan.Disconnected:
		return ui.DeviceLost
	case serialscan.NotFound:
		return ui.DeviceNotFound
	}
	return ui.DeviceConnecting
}

// scanConfig is the serialscan configuration of a stored scanner.
func scanConfig(sc ScannerConfig) (serialscan.Config, error) {
	sfx, err := suffix(sc.Suffix)
	if err != nil {
		return serialscan.Config{}, err
	}
	c := serialscan.Config{Name: sc.Name, Port: sc.Port, Baud: sc.Baud, Framing: serialscan.Framing{Suffix: sfx}}
	if sc.VID != "" || sc.PID != "" {
		c.Match = serialscan.Match{VID: sc.VID, PID: sc.PID, Serial: sc.Serial}
	}
	if c.Baud == 0 {
		c.Baud = serialscan.DefaultBaud
	}
	return c, nil
}
