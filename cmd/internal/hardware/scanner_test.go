package hardware

import (
	"testing"

	"smartpoint/ui"
)

// A scanner that is not plugged in is shown as not found, and the
// counter goes on.
func TestAbsentScannerIsNotFound(t *testing.T) {
	e := newEnv(t, nil)
	e.apply(ui.HardwareSetup{Scanners: []ui.ScannerSetup{{Name: "Сканер", VID: "0c2e", PID: "0b61"}}})
	e.waitState("Сканер", ui.DeviceNotFound, 0)
}
