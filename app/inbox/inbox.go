// Package inbox applies what the counter pulled from the cloud (the
// sync_inbox table the sync client fills) to the counter's own tables:
// loyalty from the owner's other points, exceptions the cloud raised,
// partners' manifests, the owner's settings and the subscription.
//
// Changes are applied in each stream's order, in batches, each change
// inside a savepoint of the batch's transaction and marked applied in it:
// a change is applied exactly once, and a crash between two batches
// resumes where it stopped. Applied changes stay in the inbox as the record
// of what the cloud sent for Options.Keep, then are pruned. A change that cannot be applied (broken data,
// a partner this point does not serve) is set aside in sync_inbox_failed
// with the reason, for the sync problems list, and the stream goes on. A
// loyalty change that arrives before this point has a programme waits in
// the inbox (with the changes after it) until there is one.
//
// The kinds are the sync protocol's (sync/protocol); this package cannot
// import it (the core knows no transport), and a test in cmd/internal/cloud
// checks the names are the same.
package inbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/app/loyalty"
)

// Change kinds on the streams (sync/protocol).
const (
	KindManifestPublished   = "manifest.published"
	KindManifestWithdrawn   = "manifest.withdrawn"
	KindExceptionRaised     = "exception.raised"
	KindSettingsPushed      = "settings.pushed"
	KindSubscriptionChanged = "subscription.changed"
	loyaltyPrefix           = "loyalty."
)

// batchSize is how many changes one transaction applies: large enough
// that 50,000 changes take seconds, small enough that the counter's own
// writes never wait long behind one.
const batchSize = 200

// DefaultKeep is how long applied changes stay in the inbox.
const DefaultKeep = 30 * 24 * time.Hour

// Applier applies the inbox. Safe for one goroutine at a time (the sync
// service calls it after each round).
type Applier struct {
	svc     *counter.Service
	loyalty *loyalty.Service
	log     *slog.Logger
	keep    time.Duration
}

// New makes an applier; applied changes are kept DefaultKeep.
func New(svc *counter.Service, l *loyalty.Service, log *slog.Logger) *Applier {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Applier{svc: svc, loyalty: l, log: log, keep: DefaultKeep}
}

// KeepApplied sets how long applied changes stay (negative: for ever, as
// the sync simulation checks what every point was sent).
func (a *Applier) KeepApplied(d time.Duration) *Applier {
	a.keep = d
	return a
}

// Hook is the sync client's Apply option (client.Options.Apply): an
// applier whose result only the log sees (the window reads the outcome
// from the database).
func (a *Applier) Hook(ctx context.Context) error {
	_, err := a.Apply(ctx)
	return err
}

// Result is what one Apply did.
type Result struct {
	Applied         int  `json:"applied"`          // changes entered
	Ignored         int  `json:"ignored"`          // kinds this point has nothing to do with, or seen before
	Failed          int  `json:"failed"`           // set aside in the problems list
	Waiting         int  `json:"waiting"`          // loyalty changes held until a programme is set up
	Deferred        int  `json:"deferred"`         // changes about a card not heard of yet, tried again later
	SettingsChanged bool `json:"settings_changed"` // the owner's settings were applied: the window re-reads them
	Exceptions      int  `json:"exceptions"`       // new exceptions
}

// add takes in another pass's result (its deferred changes are the ones
// still deferred; waiting the same).
func (r *Result) add(o Result) {
	r.Applied += o.Applied
	r.Ignored += o.Ignored
	r.Failed += o.Failed
	r.Exceptions += o.Exceptions
	r.SettingsChanged = r.SettingsChanged || o.SettingsChanged
	r.Deferred, r.Waiting = o.Deferred, o.Waiting
}

// change is one inbox row.
type change struct {
	stream, kind, entity, origin string
	seq                          int64
	at                           time.Time
	data                         []byte
}

// errWait holds a stream's changes in the inbox until later; errDefer
// holds one change (the stream goes on); errRollback undoes a change that
// turned out to be one seen before.
var (
	errWait     = errors.New("inbox: wait")
	errDefer    = errors.New("inbox: later")
	errRollback = errors.New("inbox: seen before")
)

// maxPasses bounds the passes of one Apply: a pass that applied something
// and deferred something goes again (a card arrived after its stamps).
const maxPasses = 4

// Apply applies everything the inbox holds, stream by stream.
func (a *Applier) Apply(ctx context.Context) (Result, error) {
	var res Result
	streams, err := a.streams(ctx)
	if err != nil {
		return res, err
	}
	for pass := 0; pass < maxPasses; pass++ {
		var r Result
		for _, stream := range streams {
			if err := a.applyStream(ctx, stream, &r); err != nil {
				return res, fmt.Errorf("apply %s stream: %w", stream, err)
			}
		}
		res.add(r)
		if r.Applied == 0 || r.Deferred == 0 {
			break
		}
	}
	if err := a.prune(ctx); err != nil {
		return res, err
	}
	if res.Applied+res.Failed > 0 {
		a.log.Info("cloud changes applied", "applied", res.Applied, "ignored", res.Ignored, "failed", res.Failed,
			"waiting", res.Waiting, "exceptions", res.Exceptions)
	}
	return res, nil
}

func (a *Applier) streams(ctx context.Context) ([]string, error) {
	rows, err := a.svc.DB().R.QueryContext(ctx, `SELECT DISTINCT stream FROM sync_inbox WHERE applied_at IS NULL ORDER BY stream`)
	if err != nil {
		return nil, fmt.Errorf("inbox: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("inbox: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// applyStream applies one stream's changes in batches until none is left
// or one has to wait.
func (a *Applier) applyStream(ctx context.Context, stream string, res *Result) error {
	after := int64(-1 << 62)
	for {
		batch, err := a.next(ctx, stream, after)
		if err != nil || len(batch) == 0 {
			return err
		}
		waited := false
		var r Result
		err = a.svc.Extend(ctx, nil, func(tx counter.Tx) error {
			r = Result{}
			for _, ch := range batch {
				err := a.applyOne(ctx, tx, ch, &r)
				if errors.Is(err, errWait) {
					waited = true
					var n int
					if err := tx.QueryRow(`SELECT count(*) FROM sync_inbox WHERE stream = ? AND seq >= ? AND applied_at IS NULL`,
						stream, ch.seq).Scan(&n); err != nil {
						return err
					}
					r.Waiting = n
					return nil
				}
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		res.Applied += r.Applied
		res.Ignored += r.Ignored
		res.Failed += r.Failed
		res.Waiting += r.Waiting
		res.Deferred += r.Deferred
		res.Exceptions += r.Exceptions
		res.SettingsChanged = res.SettingsChanged || r.SettingsChanged
		if waited {
			return nil
		}
		after = batch[len(batch)-1].seq
	}
}

func (a *Applier) next(ctx context.Context, stream string, after int64) ([]change, error) {
	rows, err := a.svc.DB().R.QueryContext(ctx, `SELECT seq, kind, entity, origin, at, data FROM sync_inbox
		WHERE stream = ? AND seq > ? AND applied_at IS NULL ORDER BY seq LIMIT ?`, stream, after, batchSize)
	if err != nil {
		return nil, fmt.Errorf("inbox: %w", err)
	}
	defer rows.Close()
	var out []change
	for rows.Next() {
		ch := change{stream: stream}
		var at int64
		var data string
		if err := rows.Scan(&ch.seq, &ch.kind, &ch.entity, &ch.origin, &at, &data); err != nil {
			return nil, fmt.Errorf("inbox: %w", err)
		}
		ch.at, ch.data = time.UnixMilli(at), []byte(data)
		out = append(out, ch)
	}
	return out, rows.Err()
}

// applyOne applies a change in a savepoint: entered and taken off the
// inbox, set aside with its reason, or left for later (errWait). Other
// errors (the database) end the batch.
func (a *Applier) applyOne(ctx context.Context, tx counter.Tx, ch change, res *Result) error {
	if _, err := tx.Exec(`SAVEPOINT inbox_change`); err != nil {
		return err
	}
	outcome, err := a.enter(ctx, tx, ch)
	switch {
	case err == nil:
		if _, err := tx.Exec(`RELEASE inbox_change`); err != nil {
			return err
		}
		switch outcome {
		case entered:
			res.Applied++
		case exceptionNew:
			res.Applied++
			res.Exceptions++
		case settingsNew:
			res.Applied++
			res.SettingsChanged = true
		default:
			res.Ignored++
		}
	case errors.Is(err, errWait):
		return errors.Join(err, undo(tx))
	case errors.Is(err, errDefer):
		res.Deferred++
		return undo(tx) // stays pending: the next pass tries it again
	case errors.Is(err, errRollback): // seen before: undo what checking it wrote
		if err := undo(tx); err != nil {
			return err
		}
		res.Ignored++
	case isDataError(err):
		if err := undo(tx); err != nil {
			return err
		}
		a.log.Warn("cloud change set aside", "stream", ch.stream, "seq", ch.seq, "kind", ch.kind, "err", err)
		if _, err := tx.Exec(`INSERT INTO sync_inbox_failed(stream, seq, kind, entity, origin, data, error, failed_at)
			VALUES(?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(stream, seq) DO UPDATE SET kind = excluded.kind, entity = excluded.entity,
			origin = excluded.origin, data = excluded.data, error = excluded.error, failed_at = excluded.failed_at`,
			ch.stream, ch.seq, ch.kind, ch.entity, ch.origin, string(ch.data), failureText(err), tx.Now().UnixMilli()); err != nil {
			return err
		}
		res.Failed++
	default:
		return err
	}
	_, err = tx.Exec(`UPDATE sync_inbox SET applied_at = ? WHERE stream = ? AND seq = ?`, tx.Now().UnixMilli(), ch.stream, ch.seq)
	return err
}

// prune deletes the changes applied longer ago than the applier keeps them.
func (a *Applier) prune(ctx context.Context) error {
	if a.keep < 0 {
		return nil
	}
	before := a.svc.Now().Add(-a.keep).UnixMilli()
	if _, err := a.svc.DB().W.ExecContext(ctx, `DELETE FROM sync_inbox WHERE applied_at IS NOT NULL AND applied_at < ?`, before); err != nil {
		return fmt.Errorf("prune the inbox: %w", err)
	}
	return nil
}

// undo rolls the change's savepoint back.
func undo(tx counter.Tx) error {
	if _, err := tx.Exec(`ROLLBACK TO inbox_change`); err != nil {
		return err
	}
	_, err := tx.Exec(`RELEASE inbox_change`)
	return err
}

// outcome of entering one change.
type outcome int

const (
	ignored outcome = iota
	entered
	exceptionNew
	settingsNew
)

// enter dispatches a change by kind.
func (a *Applier) enter(ctx context.Context, tx counter.Tx, ch change) (outcome, error) {
	switch {
	case strings.HasPrefix(ch.kind, loyaltyPrefix):
		if a.loyalty == nil {
			return ignored, nil
		}
		// The owner's stream carries another point's event in an envelope:
		// its id, when it happened, and its payload as that point logged it.
		var ev struct {
			OccurredAt time.Time       `json:"occurred_at"`
			Payload    json.RawMessage `json:"payload"`
		}
		if err := json.Unmarshal(ch.data, &ev); err != nil || len(ev.Payload) == 0 {
			return ignored, badData("loyalty change without its event: %v", err)
		}
		if ev.OccurredAt.IsZero() {
			ev.OccurredAt = ch.at
		}
		err := a.loyalty.ApplyRemote(ctx, tx, loyalty.Remote{Kind: ch.kind, Origin: ch.origin, At: ev.OccurredAt, Data: ev.Payload})
		if errs.Has(err, loyalty.ErrNoProgramme) {
			return ignored, errWait
		}
		if errors.Is(err, loyalty.ErrRemoteCard) {
			return ignored, errDefer
		}
		return entered, err
	case ch.kind == KindExceptionRaised:
		return a.exception(tx, ch)
	case ch.kind == KindManifestPublished:
		return a.manifest(ctx, tx, ch)
	case ch.kind == KindManifestWithdrawn:
		return a.withdrawn(tx, ch)
	case ch.kind == KindSettingsPushed:
		return a.settings(tx, ch)
	case ch.kind == KindSubscriptionChanged:
		return a.subscription(tx, ch)
	}
	// Kinds of later servers: nothing to do here.
	return ignored, nil
}

// dataError is a change that cannot be applied as it is.
type dataError struct{ err error }

func (e dataError) Error() string { return e.err.Error() }
func (e dataError) Unwrap() error { return e.err }

func badData(format string, args ...any) error { return dataError{fmt.Errorf(format, args...)} }

// isDataError: the change's own fault (set aside), not the database's.
func isDataError(err error) bool {
	var d dataError
	var e *errs.Error
	return errors.As(err, &d) || errors.Is(err, loyalty.ErrRemoteData) || errors.As(err, &e)
}

// failureText is the reason kept with a set-aside change: the typed
// error's code and arguments (the problems list translates it), else the
// message.
func failureText(err error) string {
	var e *errs.Error
	if errors.As(err, &e) {
		return e.Error()
	}
	return err.Error()
}
