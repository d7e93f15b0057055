// Package cloud wires the counter's cloud sync (sync/client) to the
// window. Only cmd/smartpoint uses it: the window (package ui) sees the
// sync through ui.Cloud, plain types and typed errors, and never the
// network, so the screens stay testable and a hanging server cannot
// freeze them.
//
// An [Adapter] is that ui.Cloud over one *client.Client: it maps the
// client's status and refused events to the window's types and calls the
// window's callbacks from its own goroutine (the window moves them onto
// the UI thread with fyne.Do). [Start] builds the client on the counter's
// database, runs it in the background and returns the stop function
// main defers.
package cloud

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"smartpoint/app/counter"
	"smartpoint/app/errs"

	"smartpoint/sync/client"
	"smartpoint/ui"
)

// stopWait bounds how long closing the window waits for a running round.
const stopWait = 3 * time.Second

// Adapter is the window's view of one sync client.
type Adapter struct {
	c        *client.Client
	log      *slog.Logger
	deviceID string

	quit     chan struct{} // closed by Close: the subscriptions end
	quitOnce sync.Once
}

var _ ui.Cloud = (*Adapter)(nil)

// New adapts c, the client of svc's database.
func New(svc *counter.Service, c *client.Client, log *slog.Logger) *Adapter {
	if log == nil {
		log = slog.Default()
	}
	a := &Adapter{c: c, log: log, quit: make(chan struct{})}
	a.deviceID = deviceID(svc, log)
	return a
}

// deviceID is the database's id in the cloud (made once per database by
// migration 0005; it never changes, so it is read once). The client's
// Status does not carry it.
func deviceID(svc *counter.Service, log *slog.Logger) string {
	var id string
	err := svc.DB().R.QueryRowContext(context.Background(),
		`SELECT value FROM sync_state WHERE key = 'device_id'`).Scan(&id)
	if err != nil {
		log.Warn("sync: device id unreadable", "err", err)
	}
	return id
}

// Start builds the sync client of svc's database and runs it in the
// background: it does nothing until the point is registered (Settings →
// Cloud or spctl sync register), then syncs after every commit, every
// pull interval and, after a failure, when the backoff has passed. The
// server is the one stored at registration unless opt.BaseURL says
// otherwise. stop ends the rounds, waiting for a running one at most a
// few seconds (its transactions roll back; nothing is lost), and ends
// the window's subscriptions.
func Start(ctx context.Context, svc *counter.Service, log *slog.Logger, opt client.Options) (a *Adapter, stop func()) {
	if log == nil {
		log = slog.Default()
	}
	if opt.Logger == nil {
		opt.Logger = log
	}
	if opt.StopWait <= 0 {
		opt.StopWait = stopWait
	}
	c := client.New(svc, opt)
	a = New(svc, c, log)
	c.Start(ctx)
	return a, func() {
		if !c.Stop() {
			log.Warn("sync: stopped without waiting for the running round")
		}
		a.Close()
	}
}

// Client is the adapted client.
func (a *Adapter) Client() *client.Client { return a.c }

// Close ends every subscription.
func (a *Adapter) Close() { a.quitOnce.Do(func() { close(a.quit) }) }

// Status maps the client's status.
func (a *Adapter) Status() ui.CloudStatus {
	return status(a.c.Status(), a.deviceID)
}

func status(st client.Status, deviceID string) ui.CloudStatus {
	return ui.CloudStatus{
		Registered: st.Registered,
		PointID:    st.PointID,
		PointName:  st.PointName,
		DeviceID:   deviceID,
		ServerURL:  st.ServerURL,
		Online:     st.Online,
		Syncing:    st.Syncing,
		Waiting:    st.Waiting,
		Rejected:   st.Rejected,
		LastSync:   st.LastSync,
		LastError:  st.LastError,
		Unreachable: errs.Has(st.LastError, client.ErrOffline) || errs.Has(st.LastError, client.ErrServer) ||
			errs.Has(st.LastError, client.ErrBusy),
		NeedsCode: errs.Has(st.LastError, client.ErrUnauthorized),
		NextTry:   st.NextTry,
		ClockSkew: st.ClockSkew,
	}
}

// Subscribe calls fn from a goroutine of its own after each change of the
// status, and once at once; a slow fn sees the latest change only.
func (a *Adapter) Subscribe(fn func()) (unsubscribe func()) {
	ch, unsub := a.c.Subscribe()
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-ch:
				fn()
			case <-done:
				return
			case <-a.quit:
				return
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			unsub()
			close(done)
		})
	}
}

// Register registers the point (see client.Register); the error is typed.
func (a *Adapter) Register(ctx context.Context, sess *counter.Session, url, code, deviceName string) error {
	return a.c.RegisterAs(ctx, sess, url, code, deviceName)
}

// SyncNow asks the background loop for a round now.
func (a *Adapter) SyncNow() { a.c.Kick() }

// Problems lists the refused events, newest first; a database that
// cannot be read gives none (logged).
func (a *Adapter) Problems(limit int) []ui.CloudProblem {
	ps, err := a.c.Problems(context.Background(), limit)
	if err != nil {
		a.log.Warn("sync: problems unreadable", "err", err)
		return nil
	}
	out := make([]ui.CloudProblem, 0, len(ps))
	for _, p := range ps {
		out = append(out, ui.CloudProblem{At: p.At, Kind: p.Kind, Entity: p.Entity, Code: p.Code, Message: p.Message})
	}
	return out
}
