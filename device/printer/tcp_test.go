package printer

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"smartpoint/device/escpos"
)

func TestTCPWriteDeliversJob(t *testing.T) {
	fp := newFakePrinter(t, nil, false)
	tr := &TCP{Addr: fp.addr()}
	want := job(300 << 10)
	if err := tr.Write(context.Background(), want); err != nil {
		t.Fatal(err)
	}
	checkBytes(t, fp.nextConn(t), want)
	// One connection per job: a second job arrives on a new connection.
	if err := tr.Write(context.Background(), []byte("second")); err != nil {
		t.Fatal(err)
	}
	checkBytes(t, fp.nextConn(t), []byte("second"))
}

func TestTCPStatus(t *testing.T) {
	tests := []struct {
		name    string
		answers map[byte][]byte
		want    escpos.Status
	}{
		{"ready", map[byte][]byte{1: {stOK}, 2: {stOK}, 4: {stOK}}, escpos.Status{}},
		{"cover open, paper low", map[byte][]byte{1: {stOK}, 2: {stCoverOpen}, 4: {stPaperLow}}, escpos.Status{CoverOpen: true, PaperLow: true}},
		{"paper out", map[byte][]byte{1: {stOffline}, 2: {stPaperStop}, 4: {stPaperOut}}, escpos.Status{Offline: true, PaperOut: true}},
		// An XON and a stray byte before the answer are skipped.
		{"noise first", map[byte][]byte{1: {0x11, 0xFF, stOK}, 2: {stOK}, 4: {stOK}}, escpos.Status{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fp := newFakePrinter(t, tt.answers, false)
			got, err := (&TCP{Addr: fp.addr()}).Status(context.Background())
			if err != nil || got != tt.want {
				t.Fatalf("Status() = %+v, %v; want %+v", got, err, tt.want)
			}
			if q := fp.nextConn(t); string(q) != "\x10\x04\x01\x10\x04\x02\x10\x04\x04" {
				t.Errorf("queries sent % x, want DLE EOT 1, 2, 4", q)
			}
		})
	}
}

// A printer that never answers DLE EOT gives ErrNoStatus after the short
// status timeout, not a hang; so does one that hangs up.
func TestTCPStatusNoAnswer(t *testing.T) {
	fp := newFakePrinter(t, map[byte][]byte{1: {stOK}}, false) // answers only DLE EOT 1
	start := time.Now()
	_, err := (&TCP{Addr: fp.addr(), StatusTimeout: 100 * time.Millisecond}).Status(context.Background())
	if !errors.Is(err, ErrNoStatus) || time.Since(start) > 2*time.Second {
		t.Fatalf("Status() err %v after %v; want ErrNoStatus within the timeout", err, time.Since(start))
	}
	if !strings.Contains(err.Error(), fp.addr()) {
		t.Errorf("error %q does not name the printer", err)
	}
}

func TestTCPRefusedIsOffline(t *testing.T) {
	addr := closedAddr(t)
	start := time.Now()
	err := (&TCP{Addr: addr}).Write(context.Background(), []byte("x"))
	if !errors.Is(err, ErrOffline) || time.Since(start) > 2*time.Second {
		t.Fatalf("Write() err %v after %v; want ErrOffline at once", err, time.Since(start))
	}
	var pe *Error
	if !errors.As(err, &pe) || pe.Device != "tcp "+addr || pe.Op != "dial" {
		t.Errorf("error %#v, want an *Error for dial to %s", err, addr)
	}
	if _, err := (&TCP{Addr: addr}).Status(context.Background()); !errors.Is(err, ErrOffline) {
		t.Errorf("Status() err %v, want ErrOffline", err)
	}
}

// bigJob does not fit the loopback socket buffers, so writing it to a
// printer that stopped reading blocks.
const bigJob = 64 << 20

func TestTCPCancelStopsStalledWrite(t *testing.T) {
	fp := newFakePrinter(t, nil, true)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res := make(chan error, 1)
	go func() { res <- (&TCP{Addr: fp.addr()}).Write(ctx, make([]byte, bigJob)) }()
	fp.waitAccepted(t)
	cancel()
	err := wait(t, res, "Write after cancel")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Write() err %v, want context.Canceled", err)
	}
}

func TestTCPDeadlineIsTimeout(t *testing.T) {
	fp := newFakePrinter(t, nil, true)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	res := make(chan error, 1)
	go func() { res <- (&TCP{Addr: fp.addr()}).Write(ctx, make([]byte, bigJob)) }()
	if err := wait(t, res, "Write past its deadline"); !errorsIsAll(err, ErrTimeout, context.DeadlineExceeded) {
		t.Fatalf("Write() err %v, want ErrTimeout", err)
	}
	// WriteTimeout bounds a job whose ctx has no deadline.
	go func() {
		res <- (&TCP{Addr: fp.addr(), WriteTimeout: 200 * time.Millisecond}).Write(context.Background(), make([]byte, bigJob))
	}()
	if err := wait(t, res, "Write past WriteTimeout"); !errors.Is(err, ErrTimeout) {
		t.Fatalf("Write() err %v, want ErrTimeout", err)
	}
}

// Print checks the status first: out of paper, the job is not sent.
func TestPrintChecksStatus(t *testing.T) {
	fp := newFakePrinter(t, map[byte][]byte{1: {stOK}, 2: {stPaperStop}, 4: {stPaperOut}}, false)
	tr := &TCP{Addr: fp.addr()}
	err := Print(context.Background(), tr, []byte("receipt"))
	if !errors.Is(err, ErrPaperOut) || !strings.Contains(err.Error(), fp.addr()) {
		t.Fatalf("Print() err %v, want ErrPaperOut naming the printer", err)
	}
	if q := fp.nextConn(t); strings.Contains(string(q), "receipt") {
		t.Fatal("the job was sent to a printer without paper")
	}
	select {
	case b := <-fp.conns:
		t.Fatalf("a second connection sent %q", b)
	default:
	}

	ok := newFakePrinter(t, map[byte][]byte{1: {stOK}, 2: {stOK}, 4: {stPaperLow}}, false)
	if err := Print(context.Background(), &TCP{Addr: ok.addr()}, []byte("receipt")); err != nil {
		t.Fatalf("Print() to a ready printer with paper low: %v", err)
	}
	checkBytes(t, jobConn(t, ok), []byte("receipt"))
}

// A printer that does not answer status still gets the job.
func TestPrintWithoutStatus(t *testing.T) {
	fp := newFakePrinter(t, nil, false)
	tr := &TCP{Addr: fp.addr(), StatusTimeout: 50 * time.Millisecond}
	if err := Print(context.Background(), tr, []byte("receipt")); err != nil {
		t.Fatal(err)
	}
	checkBytes(t, jobConn(t, fp), []byte("receipt"))
}

func TestTCPDefaultPort(t *testing.T) {
	for in, want := range map[string]string{
		"192.168.1.50":      "192.168.1.50:9100",
		"192.168.1.50:9101": "192.168.1.50:9101",
		"printer.local":     "printer.local:9100",
		"fe80::1":           "[fe80::1]:9100",
		"[fe80::1]":         "[fe80::1]:9100",
		"[fe80::1]:9100":    "[fe80::1]:9100",
	} {
		if got := (&TCP{Addr: in}).addr(); got != want {
			t.Errorf("addr(%q) = %q, want %q", in, got, want)
		}
	}
}

// jobConn is what the job connection sent, of a status connection and a
// job connection that may finish in either order.
func jobConn(t *testing.T, fp *fakePrinter) []byte {
	t.Helper()
	a, b := fp.nextConn(t), fp.nextConn(t)
	if strings.HasPrefix(string(a), "\x10\x04\x01") {
		return b
	}
	return a
}
