package counter

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"smartpoint/app/errs"
)

// Shift is one clerk's working period at the counter.
type Shift struct {
	ID       int64     `json:"id"`
	ClerkID  int64     `json:"clerk_id"`
	Clerk    string    `json:"clerk"`
	OpenedAt time.Time `json:"opened_at"`
	ClosedAt time.Time `json:"closed_at,omitzero"`
}

// OpenShift starts the clerk's shift. One shift is open at a point at a
// time: the previous clerk closes theirs (or a manager closes it).
func (s *Service) OpenShift(ctx context.Context, sess *Session) (Shift, error) {
	if err := sess.require(RoleClerk); err != nil {
		return Shift{}, err
	}
	var sh Shift
	err := s.tx(ctx, sess, func(t *txn) error {
		var openID, openBy int64
		var since int64
		var by string
		err := t.QueryRow(`SELECT s.id, s.clerk_id, s.opened_at, c.name FROM shifts s JOIN clerks c ON c.id=s.clerk_id WHERE s.closed_at IS NULL`).
			Scan(&openID, &openBy, &since, &by)
		if err == nil {
			if openBy == sess.clerkID {
				sh = Shift{ID: openID, ClerkID: openBy, Clerk: by, OpenedAt: time.UnixMilli(since)}
				return nil // already open: joining it is what the clerk meant
			}
			return errs.New(ErrShiftOpen, "Clerk", by, "Since", time.UnixMilli(since).In(s.loc))
		}
		if err != sql.ErrNoRows {
			return err
		}
		res, err := t.Exec(`INSERT INTO shifts(clerk_id, opened_at) VALUES(?,?)`, sess.clerkID, t.nowMs())
		if err != nil {
			return fmt.Errorf("open shift: %w", err)
		}
		sh = Shift{ClerkID: sess.clerkID, Clerk: sess.name, OpenedAt: t.now}
		sh.ID, _ = res.LastInsertId()
		t.sess = &Session{clerkID: sess.clerkID, name: sess.name, role: sess.role, shiftID: sh.ID}
		return t.emit(EvShiftOpened, fmt.Sprintf("shift:%d", sh.ID), map[string]any{"clerk": sess.name})
	})
	if err != nil {
		return Shift{}, err
	}
	sess.shiftID = sh.ID
	return sh, nil
}

// CloseShift ends the session's shift and returns its report.
func (s *Service) CloseShift(ctx context.Context, sess *Session) (Report, error) {
	if err := sess.onShift(); err != nil {
		return Report{}, err
	}
	id := sess.shiftID
	if err := s.closeShift(ctx, sess, id); err != nil {
		return Report{}, err
	}
	sess.shiftID = 0
	return s.ShiftReport(ctx, sess, id)
}

// ForceCloseShift lets a manager close someone else's forgotten shift.
func (s *Service) ForceCloseShift(ctx context.Context, sess *Session, shiftID int64) error {
	if err := sess.require(RoleManager); err != nil {
		return err
	}
	return s.closeShift(ctx, sess, shiftID)
}

func (s *Service) closeShift(ctx context.Context, sess *Session, id int64) error {
	return s.tx(ctx, sess, func(t *txn) error {
		res, err := t.Exec(`UPDATE shifts SET closed_at=? WHERE id=? AND closed_at IS NULL`, t.nowMs(), id)
		if err != nil {
			return fmt.Errorf("close shift %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.New(ErrShiftUnknown, "ID", id)
		}
		return t.emit(EvShiftClosed, fmt.Sprintf("shift:%d", id), map[string]any{"by": sess.name})
	})
}

// OpenShiftNow returns the point's open shift, if any.
func (s *Service) OpenShiftNow(ctx context.Context) (Shift, bool, error) {
	var sh Shift
	var opened int64
	err := s.db.R.QueryRowContext(ctx, `SELECT s.id, s.clerk_id, c.name, s.opened_at FROM shifts s JOIN clerks c ON c.id=s.clerk_id WHERE s.closed_at IS NULL`).
		Scan(&sh.ID, &sh.ClerkID, &sh.Clerk, &opened)
	if err == sql.ErrNoRows {
		return sh, false, nil
	}
	if err != nil {
		return sh, false, err
	}
	sh.OpenedAt = time.UnixMilli(opened)
	return sh, true, nil
}
