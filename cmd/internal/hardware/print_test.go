package hardware

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"smartpoint/app/printing"
	"smartpoint/ui"
)

// receiptSetup is one network receipt printer.
func receiptSetup(addr string) ui.HardwareSetup {
	return ui.HardwareSetup{Printers: []ui.PrinterSetup{{
		ID: "receipt-1", Name: "Чеки", Preset: "xprinter-xp-80", Role: ui.RoleReceipt, Transport: "tcp", Address: addr,
	}}}
}

// A job queued for the receipt printer reaches it byte for byte, and the
// status bar says the printer is ready with nothing waiting.
func TestQueuedJobPrintsOnNetworkPrinter(t *testing.T) {
	e := newEnv(t, nil)
	p := newFakeESCPOS(t)
	e.apply(receiptSetup(p.addr()))
	e.waitState("Чеки", ui.DeviceReady, 0)

	job := "\x1b@Чек №1\nИтого 350 сом\n\x1dV\x00"
	e.enqueue("receipt-1", job)
	if got := recvJob(t, p); string(got) != job {
		t.Fatalf("printer got %q, want %q", got, job)
	}
	e.waitState("Чеки", ui.DeviceReady, 0)
	select {
	case extra := <-p.jobs:
		t.Fatalf("printer got a second job %q", extra)
	default:
	}
}

// Out of paper: the job is not sent and waits, the status bar says so;
// the clerk loads paper and presses retry: it prints.
func TestPaperOutKeepsJobUntilRetry(t *testing.T) {
	e := newEnv(t, nil)
	p := newFakeESCPOS(t)
	p.answer(4, stPaperEnd)
	e.apply(receiptSetup(p.addr()))
	e.waitState("Чеки", ui.DevicePaperOut, 0)

	j := e.enqueue("receipt-1", "\x1b@Чек №2\n")
	e.states.wait(t, "the job tried and waiting", func(states []ui.DeviceState) bool {
		d, _ := find(states, "Чеки")
		got, err := e.queue.Job(e.ctx, j.ID)
		return err == nil && got.Attempts >= 1 && got.State == printing.StateQueued &&
			d.State == ui.DevicePaperOut && d.Waiting == 1
	})
	got, _ := e.queue.Job(e.ctx, j.ID)
	if !strings.Contains(got.LastError, "paper") {
		t.Errorf("job's last error %q does not say paper", got.LastError)
	}
	select {
	case b := <-p.jobs:
		t.Fatalf("printer out of paper was sent %q", b)
	default:
	}

	p.answer(4, stOK)
	e.queue.RetryNow("receipt-1")
	if b := recvJob(t, p); string(b) != "\x1b@Чек №2\n" {
		t.Fatalf("after paper: printer got %q", b)
	}
	e.waitState("Чеки", ui.DeviceReady, 0)
}

// A receipt that waited for paper when the app was closed prints when it
// is opened again with paper in.
func TestWaitingJobPrintsAfterRestart(t *testing.T) {
	e := newEnv(t, nil)
	p := newFakeESCPOS(t)
	p.answer(4, stPaperEnd)
	e.apply(receiptSetup(p.addr()))
	j := e.enqueue("receipt-1", "\x1b@Чек №4\n")
	e.states.wait(t, "the job tried", func(states []ui.DeviceState) bool {
		got, err := e.queue.Job(e.ctx, j.ID)
		return err == nil && got.Attempts >= 1 && got.State == printing.StateQueued
	})
	p.answer(4, stOK)
	e.restart()
	if b := recvJob(t, p); string(b) != "\x1b@Чек №4\n" {
		t.Fatalf("after restart: printer got %q", b)
	}
	e.waitState("Чеки", ui.DeviceReady, 0)
}

// The poller notices paper running out between jobs, before anyone
// prints, and notices it back.
func TestStatusPollShowsPaperOut(t *testing.T) {
	e := newEnv(t, nil)
	p := newFakeESCPOS(t)
	e.apply(receiptSetup(p.addr()))
	e.waitState("Чеки", ui.DeviceReady, 0)
	p.answer(4, stPaperEnd)
	e.pollNow()
	e.waitState("Чеки", ui.DevicePaperOut, 0)
	p.answer(4, stOK)
	e.pollNow()
	e.waitState("Чеки", ui.DeviceReady, 0)
}

// A printer that is switched off is offline; its job waits.
func TestUnreachablePrinterIsOffline(t *testing.T) {
	e := newEnv(t, nil)
	p := newFakeESCPOS(t)
	addr := p.addr()
	p.close() // nothing listens there any more
	e.apply(receiptSetup(addr))
	e.waitState("Чеки", ui.DeviceOffline, 0)
	e.enqueue("receipt-1", "\x1b@Чек №3\n")
	e.waitState("Чеки", ui.DeviceOffline, 1)
}

// A job for a printer no longer in the set-up waits instead of vanishing.
func TestJobForUnknownPrinterWaits(t *testing.T) {
	e := newEnv(t, nil)
	p := newFakeESCPOS(t)
	e.apply(receiptSetup(p.addr()))
	j := e.enqueue("gone-1", "\x1b@old\n")
	e.states.wait(t, "the job tried", func([]ui.DeviceState) bool {
		got, err := e.queue.Job(e.ctx, j.ID)
		return err == nil && got.Attempts >= 1 && got.State == printing.StateQueued
	})
	got, _ := e.queue.Job(e.ctx, j.ID)
	if !strings.Contains(got.LastError, "gone-1") {
		t.Errorf("last error %q does not name the printer", got.LastError)
	}
}

// A printer that jammed in the middle of a job does not hold up another
// printer's jobs.
func TestJammedPrinterDoesNotBlockAnother(t *testing.T) {
	e := newEnv(t, nil)
	free, jammed := newFakeESCPOS(t), newFakeESCPOS(t)
	jammed.hangOnJob()
	e.apply(ui.HardwareSetup{Printers: []ui.PrinterSetup{
		{ID: "receipt-1", Name: "Чеки", Preset: "xprinter-xp-80", Role: ui.RoleReceipt, Transport: "tcp", Address: free.addr()},
		{ID: "receipt-2", Name: "Завис", Preset: "xprinter-xp-80", Role: ui.RoleReceipt, Transport: "tcp", Address: jammed.addr()},
	}})
	sent := make(chan error, 1)
	go func() { sent <- e.hub.Send(e.ctx, "receipt-2", bigJob) }()
	waitHung(t, jammed)
	if err := e.hub.Send(e.ctx, "receipt-1", []byte("\x1b@free\n")); err != nil {
		t.Fatalf("Send to the free printer: %v", err)
	}
	if b := recvJob(t, free); string(b) != "\x1b@free\n" {
		t.Fatalf("free printer got %q", b)
	}
	select {
	case err := <-sent:
		t.Fatalf("the jammed printer's job ended: %v", err)
	default:
	}
	e.hub.Stop() // the app closes: the jammed job is abandoned, not printed
	select {
	case err := <-sent:
		if err == nil {
			t.Fatal("a job the printer never took reported printed")
		}
	case <-time.After(guard):
		t.Fatal("Stop did not abandon the jammed job")
	}
}

// A new set-up applied while a job is on its way to the old printer: the
// job goes out again on the new one, whole.
func TestApplyDuringJobSendsItOnNewPrinter(t *testing.T) {
	e := newEnv(t, nil)
	jammed, moved := newFakeESCPOS(t), newFakeESCPOS(t)
	jammed.hangOnJob()
	e.apply(receiptSetup(jammed.addr()))
	sent := make(chan error, 1)
	go func() { sent <- e.hub.Send(e.ctx, "receipt-1", bigJob) }()
	waitHung(t, jammed)
	e.apply(receiptSetup(moved.addr()))
	select {
	case err := <-sent:
		if err != nil {
			t.Fatalf("Send across the new set-up: %v", err)
		}
	case <-time.After(guard):
		t.Fatal("the job stayed on the old printer")
	}
	if b := recvJob(t, moved); !bytes.Equal(b, bigJob) {
		t.Fatalf("new printer got %d bytes, want the whole %d", len(b), len(bigJob))
	}
}

// bigJob is more than the kernel buffers between two sockets hold, so a
// printer that stops reading blocks its sender.
var bigJob = bytes.Repeat([]byte("0123456789abcdef"), 2<<20)

func waitHung(t *testing.T, p *fakeESCPOS) {
	t.Helper()
	select {
	case <-p.hung:
	case <-time.After(guard):
		t.Fatal("the job never reached the printer")
	}
}

func recvJob(t *testing.T, p *fakeESCPOS) []byte {
	t.Helper()
	select {
	case b := <-p.jobs:
		return b
	case <-time.After(guard):
		t.Fatal("the printer received nothing")
		return nil
	}
}

// pollNow fires the status poller's ticker once.
func (e *env) pollNow() {
	e.t.Helper()
	select {
	case e.tick <- time.Now():
	case <-time.After(guard):
		e.t.Fatal("the status poller is not waiting for its tick")
	}
}
