package serialscan

import (
	"errors"
	"testing"
	"time"

	"go.bug.st/serial"
	"go.bug.st/serial/enumerator"
)

// scanner is the fake USB identity the tests plug pseudo-terminals in as.
var scanner = Match{VID: "0c2e", PID: "0b61"}

func TestBackoffDelay(t *testing.T) {
	b := DefaultBackoff
	for attempt, base := range []time.Duration{250 * ms, 500 * ms, time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second} {
		lo, hi := b.Delay(attempt, 0), b.Delay(attempt, 0.999999)
		if lo != base*8/10 || hi < min(base*12/10, 5*time.Second)-time.Millisecond || hi > 5*time.Second {
			t.Errorf("attempt %d: %v..%v around %v", attempt, lo, hi, base)
		}
	}
	if d := b.Delay(1<<30, 0.5); d != 5*time.Second {
		t.Errorf("huge attempt: %v", d)
	}
	if d := (Backoff{Min: time.Second, Max: 3 * time.Second}).Delay(5, 0.7); d != 3*time.Second {
		t.Errorf("no jitter, capped: %v", d)
	}
	if (Backoff{}).withDefaults() != DefaultBackoff {
		t.Error("zero Backoff is not the default")
	}
}

func TestMatch(t *testing.T) {
	p := PortInfo{Name: "/dev/ttyACM1", IsUSB: true, VID: "0C2E", PID: "0B61", Serial: "19045B"}
	for _, tc := range []struct {
		m    Match
		want bool
	}{
		{Match{VID: "0c2e", PID: "0b61"}, true},
		{Match{VID: "0x0C2E", PID: "B61"}, true},
		{Match{VID: "0c2e", PID: "0b61", Serial: "19045B"}, true},
		{Match{VID: "0c2e", PID: "0b61", Serial: "other"}, false},
		{Match{VID: "0c2e", PID: "0b62"}, false},
		{Match{}, false},
	} {
		if got := tc.m.Matches(p); got != tc.want {
			t.Errorf("%+v.Matches = %v", tc.m, got)
		}
	}
	if (Match{VID: "0c2e", PID: "0b61"}).Matches(PortInfo{Name: "/dev/ttyS0"}) {
		t.Error("a non-USB port matched")
	}
	if p.Match() != (Match{VID: "0C2E", PID: "0B61", Serial: "19045B"}) || p.Match().String() != "0C2E:0B61/19045B" {
		t.Errorf("PortInfo.Match = %+v", p.Match())
	}
}

func TestConfigValidate(t *testing.T) {
	ok := Config{Name: "a", Match: scanner}
	if err := ok.withDefaults().validate(); err != nil {
		t.Fatal(err)
	}
	if c := ok.withDefaults(); c.Baud != 9600 || c.DataBits != 8 || c.IdleGap != 80*ms || c.MinLen != 4 || c.MaxLen != 128 {
		t.Errorf("defaults %+v", c)
	}
	for field, c := range map[string]Config{
		"Name":     {Match: scanner},
		"Match":    {Name: "a"},
		"Baud":     {Name: "a", Port: "COM1", Baud: -1},
		"DataBits": {Name: "a", Port: "COM1", DataBits: 9},
		"Parity":   {Name: "a", Port: "COM1", Parity: 7},
		"StopBits": {Name: "a", Port: "COM1", StopBits: 7},
		"Framing":  {Name: "a", Port: "COM1", Framing: Framing{MinLen: 9, MaxLen: 8}},
	} {
		var ce *ConfigError
		if err := c.withDefaults().validate(); !errors.As(err, &ce) || ce.Field != field {
			t.Errorf("%s: got %v", field, err)
		}
	}
	for _, m := range []Match{{VID: "0c2e"}, {VID: "xyz", PID: "1"}, {VID: "12345", PID: "1"}} {
		if err := (Config{Name: "a", Match: m}).withDefaults().validate(); err == nil {
			t.Errorf("Match %+v accepted", m)
		}
	}
	if _, err := Start(t.Context(), ok, Options{}); err == nil {
		t.Error("Start without OnScan accepted")
	}
}

func TestLineMode(t *testing.T) {
	m := Config{Name: "a", Port: "COM1", Baud: 115200, DataBits: 7, Parity: ParityEven, StopBits: StopBits2}.mode()
	if *m != (serial.Mode{BaudRate: 115200, DataBits: 7, Parity: serial.EvenParity, StopBits: serial.TwoStopBits}) {
		t.Errorf("mode %+v", *m)
	}
	for p, want := range map[Parity]serial.Parity{ParityNone: serial.NoParity, ParityOdd: serial.OddParity, ParityMark: serial.MarkParity, ParitySpace: serial.SpaceParity} {
		if p.serial() != want {
			t.Errorf("parity %d → %v", p, p.serial())
		}
	}
	if StopBits1.serial() != serial.OneStopBit || StopBits1Half.serial() != serial.OnePointFiveStopBits {
		t.Error("stop bits")
	}
}

func TestFromDetails(t *testing.T) {
	got := fromDetails([]*enumerator.PortDetails{
		{Name: "/dev/ttyS0"},
		{}, // go.bug.st's entry for a tty without sysfs details
		nil,
		{Name: "/dev/ttyACM0", IsUSB: true, VID: "0c2e", PID: "0b61", SerialNumber: "19045B", Product: "Xenon 1900", Manufacturer: "Honeywell"},
	})
	want := []PortInfo{
		{Name: "/dev/ttyACM0", IsUSB: true, VID: "0C2E", PID: "0B61", Serial: "19045B", Product: "Xenon 1900", Manufacturer: "Honeywell"},
		{Name: "/dev/ttyS0"},
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("fromDetails = %+v", got)
	}
}

// The real enumerator runs on this machine (the list may be empty).
func TestSystemPorts(t *testing.T) {
	ps, err := Ports()
	if err != nil {
		t.Skipf("no port enumeration here: %v", err)
	}
	for _, p := range ps {
		if p.Name == "" {
			t.Errorf("nameless port %+v", p)
		}
	}
	if _, err := (System{}).Ports(); err != nil {
		t.Errorf("System{}.Ports: %v", err)
	}
}

func TestStatusSame(t *testing.T) {
	a := Status{State: Disconnected, Port: "p", Err: errors.New("x")}
	if !a.same(Status{State: Disconnected, Port: "p", Err: errors.New("x")}) || a.same(Status{State: Disconnected, Port: "p"}) {
		t.Error("same compares state, port and error text")
	}
}
