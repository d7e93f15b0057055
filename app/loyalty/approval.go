package loyalty

import (
	"context"
	"fmt"
	"time"

	"smartpoint/app/auth"
	"smartpoint/app/counter"
	"smartpoint/app/errs"
)

// approve decides who confirms a redemption of amount. Up to the
// programme's PINAbove the clerk's own session is enough (0 is returned:
// no separate approver). Above it a manager or owner must confirm: their
// own session does, else a manager types their PIN at the clerk's counter.
//
// The PIN alone says which manager it is: every active manager's and
// owner's hash is checked without side effects, and only the one that
// matches is then logged in (counter.Login: their lockout, their audit
// entry). Logging in each manager in turn would count a wrong PIN against
// every manager whose PIN it is not. Wrong PINs are logged against the
// clerk asking (loyalty.approval_failed); after counter.MaxPINFailures of
// them within counter.LockoutFor the clerk must wait, so the PIN cannot be
// guessed at the counter.
func (s *Service) approve(ctx context.Context, sess *counter.Session, p programme, amount int, card cardRow, pin string) (int64, error) {
	if p.PINAbove == 0 || amount <= p.PINAbove {
		return 0, nil
	}
	if sess.Require(counter.RoleManager) == nil {
		return sess.ClerkID(), nil
	}
	if pin == "" {
		return 0, errs.New(ErrPINRequired, "Amount", amount, "Limit", p.PINAbove)
	}
	failures, last, err := s.approvalFailures(ctx, sess.ClerkID())
	if err != nil {
		return 0, err
	}
	if failures >= counter.MaxPINFailures {
		return 0, errs.New(ErrApprovalLocked, "Until", last.Add(counter.LockoutFor).In(s.svc.Location()))
	}
	name, found, err := s.managerByPIN(ctx, pin)
	if err != nil {
		return 0, err
	}
	if !found {
		if err := s.write(ctx, sess, func(w *writer) error {
			return w.emit(EvApprovalFailed, fmt.Sprintf("clerk:%d", sess.ClerkID()),
				map[string]any{"card": card.uuid, "amount": amount})
		}); err != nil {
			return 0, err
		}
		return 0, errs.New(ErrPINWrong, "Left", max(counter.MaxPINFailures-failures-1, 0))
	}
	mgr, err := s.svc.Login(ctx, name, pin)
	if err != nil {
		return 0, err // locked or disabled since: the counter's own error
	}
	if err := mgr.Require(counter.RoleManager); err != nil {
		return 0, err
	}
	return mgr.ClerkID(), nil
}

// approvalFailures counts a clerk's wrong manager PINs within the lockout
// window, and when the last one was.
func (s *Service) approvalFailures(ctx context.Context, clerkID int64) (int, time.Time, error) {
	var n int
	var last int64
	since := s.svc.Now().Add(-counter.LockoutFor).UnixMilli()
	err := s.r().QueryRowContext(ctx, `SELECT count(*), coalesce(max(at), 0) FROM events
		WHERE entity = ? AND kind = ? AND at > ?`, fmt.Sprintf("clerk:%d", clerkID), EvApprovalFailed, since).Scan(&n, &last)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("approval failures: %w", err)
	}
	return n, time.UnixMilli(last), nil
}

// managerByPIN is the name of the active manager or owner whose PIN this
// is (the first by id if two share it).
func (s *Service) managerByPIN(ctx context.Context, pin string) (string, bool, error) {
	rows, err := s.r().QueryContext(ctx, `SELECT name, pin_hash FROM clerks
		WHERE role IN ('manager', 'owner') AND active = 1 ORDER BY id`)
	if err != nil {
		return "", false, fmt.Errorf("managers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, hash string
		if err := rows.Scan(&name, &hash); err != nil {
			return "", false, fmt.Errorf("managers: %w", err)
		}
		ok, err := auth.Verify(pin, hash)
		if err != nil {
			return "", false, fmt.Errorf("manager %s: %w", name, err)
		}
		if ok {
			return name, true, nil
		}
	}
	return "", false, rows.Err()
}
