package serialscan

import "fmt"

// State is where a scanner's service is.
type State int

const (
	// Connecting: the service is looking for the scanner (at start and
	// after a disconnect).
	Connecting State = iota + 1
	// Connected: the port is open and read; Status.Port names it.
	Connected
	// Disconnected: the port failed or vanished, or would not open;
	// Status.Err says why. The service retries after a backoff.
	Disconnected
	// NotFound: no port matches the configuration (unplugged, wrong IDs);
	// Status.Err is set only when listing the ports failed. The service
	// keeps looking, with backoff.
	NotFound
	// Stopped: the service has ended.
	Stopped
)

// String names the state for logs.
func (s State) String() string {
	switch s {
	case Connecting:
		return "connecting"
	case Connected:
		return "connected"
	case Disconnected:
		return "disconnected"
	case NotFound:
		return "not found"
	case Stopped:
		return "stopped"
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// Status is a scanner's state, for the status bar.
type Status struct {
	// Scanner is Config.Name.
	Scanner string
	State   State
	// Port is the port in use (Connected) or just lost (Disconnected).
	Port string
	// Err is the cause of Disconnected, or NotFound's listing error.
	Err error
}

// same reports whether a and b would show the same in the status bar; the
// service reports a change only.
func (a Status) same(b Status) bool {
	return a.State == b.State && a.Port == b.Port && errText(a.Err) == errText(b.Err)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
