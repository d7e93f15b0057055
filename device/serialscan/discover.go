package serialscan

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"slices"

	"go.bug.st/serial"
)

// target is a port that may be the scanner.
type target struct {
	name string
	// listed says the port list shows the port, so its disappearance
	// from the list means an unplug. A fixed port the enumerator does not
	// know (a tty without sysfs details) is only watched through reads.
	listed bool
}

// candidates lists the ports that may be the scanner, in name order.
func (s *Service) candidates() ([]target, error) {
	list, err := s.opt.Enumerator.Ports()
	if s.cfg.byPort() {
		if err != nil {
			// The name is known: try it anyway, and rely on reads alone.
			s.log.Debug("scanner port list failed", "err", err)
		}
		listed := err == nil && slices.ContainsFunc(list, func(p PortInfo) bool { return p.Name == s.cfg.Port })
		return []target{{name: s.cfg.Port, listed: listed}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("serialscan: find %v: %w", s.cfg.Match, err)
	}
	var out []target
	for _, p := range list {
		if s.cfg.Match.Matches(p) {
			out = append(out, target{name: p.Name, listed: true})
		}
	}
	slices.SortFunc(out, func(a, b target) int { return cmp.Compare(a.name, b.name) })
	return out, nil
}

// open opens the first candidate not held by another scanner. It returns
// ErrNotFound when there is none, an *OpenError when the port exists but
// would not open, or another error when the port list failed.
func (s *Service) open() (serial.Port, target, error) {
	cands, err := s.candidates()
	if err != nil {
		return nil, target{}, err
	}
	var firstErr error
	for _, t := range cands {
		if !s.claims.take(t.name, s.cfg.Name) {
			continue
		}
		port, err := serial.Open(t.name, s.cfg.mode())
		if err == nil {
			return port, t, nil
		}
		s.claims.release(t.name, s.cfg.Name)
		if notExist(err) {
			continue // unplugged between listing and opening
		}
		if firstErr == nil {
			firstErr = &OpenError{Port: t.name, Err: err}
		}
	}
	if firstErr != nil {
		return nil, target{}, firstErr
	}
	return nil, target{}, ErrNotFound
}

// present reports whether the port list still shows the scanner's port. A
// failed listing counts as present: it proves nothing, and reads still
// notice a real unplug.
func (s *Service) present(name string) bool {
	list, err := s.opt.Enumerator.Ports()
	if err != nil {
		s.log.Debug("scanner port list failed", "err", err)
		return true
	}
	return slices.ContainsFunc(list, func(p PortInfo) bool {
		return p.Name == name && (s.cfg.byPort() || s.cfg.Match.Matches(p))
	})
}

// notExist reports whether an open failed because there is no such port.
func notExist(err error) bool {
	var pe *serial.PortError
	return errors.Is(err, fs.ErrNotExist) || errors.As(err, &pe) && pe.Code() == serial.PortNotFound
}
