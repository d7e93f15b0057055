package serialscan

import "sync"

// claims records which scanner of a Manager holds which port. Two
// identical scanners (same VID:PID, no serial number configured) match
// the same ports; without claims both could pick the first one. The OS
// does not prevent it: exclusive tty access (TIOCEXCL) does not bind a
// privileged process.
type claims struct {
	mu    sync.Mutex
	owner map[string]string // port name → scanner name
}

func newClaims() *claims { return &claims{owner: map[string]string{}} }

// take claims port for scanner; false if another scanner holds it.
func (c *claims) take(port, scanner string) bool {
	if c == nil {
		return true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if o, ok := c.owner[port]; ok && o != scanner {
		return false
	}
	c.owner[port] = scanner
	return true
}

// release gives port back if scanner holds it.
func (c *claims) release(port, scanner string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.owner[port] == scanner {
		delete(c.owner, port)
	}
}
