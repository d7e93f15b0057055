//go:build !linux

package printer

// flowControl is not available: go.bug.st/serial v1.8.0 sets no hardware
// flow control outside Linux (and a Windows COM port cannot be opened a
// second time to set it), so RTSCTS falls back to no flow control.
type flowControl struct{}

func prepareFlowControl(string) (*flowControl, error) { return nil, errFlowUnsupported }

func (*flowControl) enable() error { return errFlowUnsupported }

func (*flowControl) close() {}
