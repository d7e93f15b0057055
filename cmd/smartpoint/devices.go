package main

import (
	"context"
	"log/slog"
	"sync/atomic"

	"smartpoint/app/counter"
	"smartpoint/app/printing"
	"smartpoint/app/store"
	"smartpoint/cmd/internal/hardware"
	"smartpoint/ui"
)

// devices is the counter's hardware and print queue, started before the
// window and stopped after it.
type devices struct {
	hub    *hardware.Hub
	queue  *printing.Queue
	window atomic.Pointer[ui.UI] // set once the window exists: scans and states go there
	cancel context.CancelFunc
}

// startDevices opens the print queue and the device hub. The queue sends
// through the hub and the hub counts the queue's waiting jobs, so each is
// built knowing the other. A device that fails never stops the counter:
// it is logged and shown in the status bar.
func startDevices(ctx context.Context, db *store.DB, svc *counter.Service, log *slog.Logger) *devices {
	ctx, cancel := context.WithCancel(ctx)
	d := &devices{cancel: cancel}
	d.queue = printing.New(db, sender{d}, printing.Options{Log: log, OnChange: func() {
		if d.hub != nil {
			d.hub.Refresh()
		}
	}})
	d.hub = hardware.New(svc, d.queue, hardware.Options{Log: log,
		OnScan: func(s ui.DeviceScan) {
			if w := d.window.Load(); w != nil {
				w.Scan(s)
			}
		},
		OnStates: func(st []ui.DeviceState) {
			if w := d.window.Load(); w != nil {
				w.SetDevices(st)
			}
		}})
	if err := d.hub.Start(ctx); err != nil {
		log.Error("devices not started", "err", err)
	}
	if err := d.queue.Start(ctx); err != nil {
		log.Error("print queue not started", "err", err)
	}
	return d
}

// attach sends scans and device states to the window from now on.
func (d *devices) attach(u *ui.UI) {
	d.window.Store(u)
	d.hub.Refresh()
}

// stop ends the queue's workers and the device services, and waits for
// them: no job is left half-recorded.
func (d *devices) stop() {
	d.cancel()
	d.queue.Wait()
	d.hub.Stop()
}

// sender hands the queue's jobs to the hub.
type sender struct{ d *devices }

func (s sender) Send(ctx context.Context, printer string, data []byte) error {
	return s.d.hub.Send(ctx, printer, data)
}
