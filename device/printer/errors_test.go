package printer

import (
	"context"
	"errors"
	"io/fs"
	"syscall"
	"testing"
	"time"

	"smartpoint/device/escpos"
)

func TestErrorWrapsKindAndCause(t *testing.T) {
	cause := syscall.ECONNREFUSED
	err := fail("dial", "tcp 10.0.0.5:9100", ErrOffline, cause)
	if !errors.Is(err, ErrOffline) || !errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, ErrTimeout) {
		t.Errorf("errors.Is through %v", err)
	}
	if got, want := err.Error(), "printer tcp 10.0.0.5:9100: dial: printer offline: "+cause.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got := fail("status", "file x", ErrNoStatus, nil).Error(); got != "printer file x: status: printer status not available" {
		t.Errorf("Error() without cause = %q", got)
	}
}

func TestClassify(t *testing.T) {
	bg := context.Background()
	cancelled, cancel := context.WithCancel(bg)
	cancel()
	expired, cancel2 := context.WithDeadline(bg, time.Now().Add(-time.Second))
	defer cancel2()
	tests := []struct {
		name string
		ctx  context.Context
		err  error
		want error
	}{
		{"refused", bg, syscall.ECONNREFUSED, ErrOffline},
		{"io error (unplugged)", bg, syscall.EIO, ErrOffline},
		{"permission", bg, fs.ErrPermission, ErrPermission},
		{"eacces", bg, syscall.EACCES, ErrPermission},
		{"deadline", bg, context.DeadlineExceeded, ErrTimeout},
		{"cancelled ctx wins", cancelled, syscall.EIO, context.Canceled},
		{"expired ctx", expired, syscall.EIO, ErrTimeout},
	}
	for _, tt := range tests {
		if got := classify(tt.ctx, "write", "dev", tt.err); !errors.Is(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	if classify(bg, "write", "dev", nil) != nil {
		t.Error("classify(nil) is not nil")
	}
	inner := fail("open", "usb /dev/usb/lp0", ErrPermission, syscall.EACCES)
	if got := classify(bg, "write", "other", inner); got != inner {
		t.Errorf("an *Error is kept as is, got %v", got)
	}
}

// fixedStatus is a Transport reporting a fixed status.
type fixedStatus struct {
	st  escpos.Status
	err error
}

func (f fixedStatus) Write(context.Context, []byte) error { return nil }
func (f fixedStatus) Status(context.Context) (escpos.Status, error) {
	return f.st, f.err
}
func (f fixedStatus) Close() error   { return nil }
func (f fixedStatus) String() string { return "test printer" }

func TestCheckReady(t *testing.T) {
	tests := []struct {
		tr   fixedStatus
		want error
	}{
		{fixedStatus{}, nil},
		{fixedStatus{st: escpos.Status{PaperLow: true}}, nil},
		{fixedStatus{err: fail("status", "x", ErrNoStatus, nil)}, nil},
		{fixedStatus{st: escpos.Status{PaperOut: true, CoverOpen: true}}, ErrPaperOut},
		{fixedStatus{st: escpos.Status{CoverOpen: true}}, ErrCoverOpen},
		{fixedStatus{st: escpos.Status{Offline: true}}, ErrOffline},
		{fixedStatus{st: escpos.Status{Error: true}}, ErrNotReady},
		{fixedStatus{err: fail("status", "x", ErrOffline, nil)}, ErrOffline},
	}
	for _, tt := range tests {
		err := CheckReady(context.Background(), tt.tr)
		if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("status %+v / %v: CheckReady() = %v, want %v", tt.tr.st, tt.tr.err, err, tt.want)
		}
	}
}
