// Package hardware wires the counter's device packages (device/serialscan,
// device/printer, device/label) to the window and the print queue. Only
// cmd/smartpoint uses it: the window (package ui) sees plain types through
// ui.Hardware and ui.Printers and never touches a driver, so the screens
// stay testable without ports, and a driver that hangs cannot freeze them.
//
// A [Hub] owns this PC's devices:
//
//   - serial scanners run under one serialscan.Manager; each code goes to
//     the window through Options.OnScan, as the keyboard-wedge scans do;
//   - printers get one transport each (printer.Open: nothing is dialled
//     until a job goes out); the Hub is the print queue's
//     printing.Sender and checks an ESC/POS printer's status before each
//     job, so "out of paper" keeps the job waiting instead of losing it;
//   - a status poller asks the two-way ESC/POS printers how they are
//     every Options.StatusEvery, so the status bar shows a printer out of
//     paper before the clerk prints;
//   - every change ends in one list of ui.DeviceState (scanners, then
//     printers, in set-up order, with the jobs waiting per printer) handed
//     to Options.OnStates.
//
// # Where the set-up lives
//
// The set-up is stored through counter.Service (DeviceSettings,
// SaveDeviceSettings) as the JSON [Config]. Devices belong to a PC, not
// to the point: the row is local to this database, not an event and not
// synced, and saving it needs a manager's or the owner's session, which
// the service checks. A stored set-up that cannot be read is logged and
// the counter starts without devices rather than not at all.
//
// # Wiring
//
// The print queue needs its Sender when it is made, the Hub needs the
// queue, and both report to the window made after them. cmd/smartpoint
// closes the circle with closures, which run only once Start has:
//
//	var hub *hardware.Hub
//	var u *ui.UI
//	queue := printing.New(db, hardware.SendFunc(func(ctx context.Context, p string, b []byte) error {
//		return hub.Send(ctx, p, b)
//	}), printing.Options{Log: log, OnChange: func() { hub.Refresh() }})
//	hub = hardware.New(svc, queue, hardware.Options{Log: log,
//		OnScan:   func(s ui.DeviceScan) { u.Scan(s) },
//		OnStates: func(s []ui.DeviceState) { u.SetDevices(s) }})
//	u = ui.New(a, ui.Deps{ /* … */ Queue: queue, Hardware: hub})
//	_ = hub.Start(ctx)   // devices first: the queue's first jobs find their printers
//	_ = queue.Start(qctx)
//	u.ShowAndRun()
//	stopQueue(); queue.Wait(); hub.Stop()
//
// # Concurrency
//
// Each printer has its own lock, so a printer that takes its time never
// holds up another one's job. Applying a new set-up builds the new
// printers first and then retires the old ones; a job caught on a retired
// printer is sent again on its replacement (a receipt printed twice is
// better than one lost). Callbacks are called from the Hub's goroutines;
// the window's Scan and SetDevices are safe from any goroutine.
package hardware
