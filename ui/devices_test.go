package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// A serial scanner's scan takes the wedge's road: routed to the current
// screen, queued behind a dialog the clerk has not closed.
func TestSerialScanRoutedAndQueuedLikeAWedgeScan(t *testing.T) {
	e := loggedIn(t)
	tr := e.stockParcels(10, 0, 0)
	e.u.Scan(DeviceScan{Scanner: "Сканер у кассы", Code: tr[0], Raw: []byte(tr[0] + "\r")})
	c := e.screen("counter").(*counterScreen)
	e.bannerSays(c.banner, e.parcel(tr[0]).Cell)

	e.u.alert(toneError, "Проверка", "Сообщение")
	e.u.Scan(DeviceScan{Scanner: "Сканер у кассы", Code: tr[1], Raw: []byte(tr[1] + "\r")})
	if len(e.u.router.queue) != 1 {
		t.Fatalf("queue %v: a serial scan during a dialog must wait", e.u.router.queue)
	}
	e.press(fyne.KeyReturn)
	e.bannerSays(c.banner, e.parcel(tr[1]).Cell)
	if got := rawBytes(e.u.lastScan.Raw); got != tr[1]+"<0D>" {
		t.Fatalf("last scan bytes %q", got)
	}
}

// The status bar says all is well in a word, or names the device that
// needs the clerk, in the warning colour.
func TestStatusBarShowsDeviceNeedingAttention(t *testing.T) {
	e := loggedIn(t)
	bar := e.u.shell.status.device
	e.u.SetDevices([]DeviceState{
		{Kind: "scanner", Name: "Сканер", State: DeviceConnected, Port: "/dev/ttyACM0"},
		{Kind: "printer", Name: "Чековый принтер", State: DeviceReady},
	})
	if !strings.Contains(bar.Text, "2 в порядке") || bar.Importance != widget.MediumImportance {
		t.Fatalf("all well: %q (%v)", bar.Text, bar.Importance)
	}
	e.u.SetDevices([]DeviceState{
		{Kind: "scanner", Name: "Сканер", State: DeviceConnected},
		{Kind: "printer", Name: "Чековый принтер", State: DevicePaperOut, Waiting: 2, Port: "192.168.1.50:9100"},
	})
	want := "Чековый принтер: нет бумаги · 2 документа ждут печати (192.168.1.50:9100)"
	if bar.Text != want || bar.Importance != widget.WarningImportance {
		t.Fatalf("problem shown as %q (%v), want %q", bar.Text, bar.Importance, want)
	}
}
