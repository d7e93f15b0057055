package inbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"smartpoint/app/counter"
)

// Exception is a conflict the cloud raised about this point's parcels or
// cards: shown to the managers until one marks it seen.
type Exception struct {
	ID       string          `json:"id"`
	Kind     string          `json:"kind"`   // location_conflict, double_issue, overdrawn, manifest_changed
	Entity   string          `json:"entity"` // parcel:<partner>:<track>, card:<uuid>
	Detail   json.RawMessage `json:"detail"`
	RaisedAt time.Time       `json:"raised_at"`
	Seen     bool            `json:"seen"`
}

// Exceptions lists the exceptions, newest first: the open ones only, or
// all; at most limit (0: 100).
func Exceptions(ctx context.Context, svc *counter.Service, openOnly bool, limit int) ([]Exception, error) {
	if limit <= 0 {
		limit = 100
	}
	where := ``
	if openOnly {
		where = `WHERE seen_at IS NULL`
	}
	rows, err := svc.DB().R.QueryContext(ctx, `SELECT id, kind, entity, detail, raised_at, seen_at IS NOT NULL
		FROM cloud_exceptions `+where+` ORDER BY raised_at DESC, id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("exceptions: %w", err)
	}
	defer rows.Close()
	var out []Exception
	for rows.Next() {
		var x Exception
		var detail string
		var at int64
		if err := rows.Scan(&x.ID, &x.Kind, &x.Entity, &detail, &at, &x.Seen); err != nil {
			return nil, fmt.Errorf("exceptions: %w", err)
		}
		x.Detail, x.RaisedAt = json.RawMessage(detail), time.UnixMilli(at)
		out = append(out, x)
	}
	return out, rows.Err()
}

// MarkSeen records that a manager looked into an exception (managers and
// the owner only).
func MarkSeen(ctx context.Context, svc *counter.Service, sess *counter.Session, id string) error {
	if err := sess.Require(counter.RoleManager); err != nil {
		return err
	}
	return svc.Extend(ctx, sess, func(tx counter.Tx) error {
		_, err := tx.Exec(`UPDATE cloud_exceptions SET seen_at = ?, seen_by = ? WHERE id = ? AND seen_at IS NULL`,
			tx.Now().UnixMilli(), sess.ClerkID(), id)
		return err
	})
}

// CurrentSubscription is the owner's plan as last sent; false before the
// cloud sent one.
func CurrentSubscription(ctx context.Context, svc *counter.Service) (Subscription, bool, error) {
	var raw string
	err := svc.DB().R.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, subscriptionKey).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return Subscription{}, false, nil
	}
	if err != nil {
		return Subscription{}, false, fmt.Errorf("subscription: %w", err)
	}
	var s Subscription
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		return Subscription{}, false, fmt.Errorf("subscription: %w", err)
	}
	return s, true, nil
}

// Failed is a pulled change that could not be applied.
type Failed struct {
	Stream string    `json:"stream"`
	Seq    int64     `json:"seq"`
	Kind   string    `json:"kind"`
	Entity string    `json:"entity"`
	Error  string    `json:"error"`
	At     time.Time `json:"at"`
}

// FailedChanges lists the changes set aside, newest first, at most limit
// (0: 100).
func FailedChanges(ctx context.Context, svc *counter.Service, limit int) ([]Failed, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := svc.DB().R.QueryContext(ctx, `SELECT stream, seq, kind, entity, error, failed_at FROM sync_inbox_failed
		ORDER BY failed_at DESC, stream, seq DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("failed changes: %w", err)
	}
	defer rows.Close()
	var out []Failed
	for rows.Next() {
		var f Failed
		var at int64
		if err := rows.Scan(&f.Stream, &f.Seq, &f.Kind, &f.Entity, &f.Error, &at); err != nil {
			return nil, fmt.Errorf("failed changes: %w", err)
		}
		f.At = time.UnixMilli(at)
		out = append(out, f)
	}
	return out, rows.Err()
}

// Summary is what the status bar shows of the applied changes.
type Summary struct {
	OpenExceptions int
	SetAside       int // changes that could not be applied
	Held           int // changes waiting in the inbox (a loyalty programme to be set up)
	Subscription   Subscription
	HasPlan        bool // the cloud sent a plan
}

// Summarise reads the Summary (three small counts and one row).
func Summarise(ctx context.Context, svc *counter.Service) (Summary, error) {
	var s Summary
	err := svc.DB().R.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM cloud_exceptions WHERE seen_at IS NULL),
		(SELECT count(*) FROM sync_inbox_failed), (SELECT count(*) FROM sync_inbox WHERE applied_at IS NULL)`).Scan(&s.OpenExceptions, &s.SetAside, &s.Held)
	if err != nil {
		return s, fmt.Errorf("cloud summary: %w", err)
	}
	s.Subscription, s.HasPlan, err = CurrentSubscription(ctx, svc)
	return s, err
}
