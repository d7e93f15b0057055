package printer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"smartpoint/device/escpos"
)

// A usblp device is a character device file; a pty slave stands in for
// it on the same code path.

func TestUSBWriteDeliversJob(t *testing.T) {
	p := openPty(t)
	want := job(100 << 10)
	got := readN(p.Master, len(want))
	if err := (&USB{Path: p.SlavePath}).Write(context.Background(), want); err != nil {
		t.Fatal(err)
	}
	checkBytes(t, recvBytes(t, got), want)
}

func TestUSBStatus(t *testing.T) {
	p := openPty(t)
	answerStatus(t, p.Master, map[byte][]byte{1: {stOK}, 2: {stPaperStop}, 4: {stPaperOut}}, 3)
	st, err := (&USB{Path: p.SlavePath}).Status(context.Background())
	if want := (escpos.Status{PaperOut: true}); err != nil || st != want {
		t.Fatalf("Status() = %+v, %v; want %+v", st, err, want)
	}
}

// A printer that never answers (unidirectional, or busy) is ErrNoStatus
// after the timeout: the read is polled, not blocking.
func TestUSBStatusNoAnswer(t *testing.T) {
	p := openPty(t)
	answerStatus(t, p.Master, nil, 1)
	start := time.Now()
	_, err := (&USB{Path: p.SlavePath, StatusTimeout: 100 * time.Millisecond}).Status(context.Background())
	if !errors.Is(err, ErrNoStatus) || time.Since(start) > 2*time.Second {
		t.Fatalf("Status() err %v after %v, want ErrNoStatus", err, time.Since(start))
	}
}

func TestUSBCancelStopsStalledWrite(t *testing.T) {
	p := openPty(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res := make(chan error, 1)
	go func() { res <- (&USB{Path: p.SlavePath}).Write(ctx, make([]byte, 4<<20)) }()
	waitReadable(t, p.Master)
	cancel()
	if err := wait(t, res, "Write after cancel"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Write() err %v, want context.Canceled", err)
	}
}

func TestUSBWriteTimeout(t *testing.T) {
	p := openPty(t)
	res := make(chan error, 1)
	go func() {
		res <- (&USB{Path: p.SlavePath, WriteTimeout: 200 * time.Millisecond}).Write(context.Background(), make([]byte, 4<<20))
	}()
	if err := wait(t, res, "Write past WriteTimeout"); !errors.Is(err, ErrTimeout) {
		t.Fatalf("Write() err %v, want ErrTimeout", err)
	}
}

// A plain file takes jobs (write-only use) and has no status.
func TestUSBPlainFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lp0")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	u := &USB{Path: path}
	if err := u.Write(context.Background(), []byte("label job")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "label job" {
		t.Fatalf("file holds %q", b)
	}
	if _, err := u.Status(context.Background()); !errors.Is(err, ErrNoStatus) {
		t.Fatalf("Status() err %v, want ErrNoStatus", err)
	}
}

// A device the user may write but not read (a udev rule with mode 0220)
// is opened write-only: jobs print, status is ErrNoStatus.
func TestUSBWriteOnlyDevice(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads any file: the write-only fallback cannot be exercised")
	}
	path := filepath.Join(t.TempDir(), "lp0")
	if err := os.WriteFile(path, nil, 0o200); err != nil {
		t.Fatal(err)
	}
	u := &USB{Path: path}
	if err := u.Write(context.Background(), []byte("job")); err != nil {
		t.Fatal(err)
	}
	if _, err := u.Status(context.Background()); !errors.Is(err, ErrNoStatus) {
		t.Fatalf("Status() err %v, want ErrNoStatus", err)
	}
}

func TestUSBMissingDeviceIsOffline(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lp7")
	start := time.Now()
	err := (&USB{Path: path}).Write(context.Background(), []byte("x"))
	if !errors.Is(err, ErrOffline) || time.Since(start) > time.Second {
		t.Fatalf("Write() err %v, want ErrOffline at once", err)
	}
	if _, err := (&USB{Path: path}).Status(context.Background()); !errors.Is(err, ErrOffline) {
		t.Fatalf("Status() err %v, want ErrOffline", err)
	}
}
