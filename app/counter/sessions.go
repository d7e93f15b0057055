package counter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"smartpoint/app/errs"
)

// SessionFor gives a session on this service for the clerk of sess, read
// afresh from the database: the role the clerk has now and the shift they
// have open now, if any. It checks no PIN — sess is the proof, since only
// Login and Setup make sessions, and it grants nothing sess lacked — and
// it logs nothing. A disabled or deleted clerk gets ErrInactive or
// ErrUnknownClerk.
//
// It lets a second Service on the same database act for a clerk logged in
// on the first, e.g. one on a clock set in the past that app/demo uses to
// write a history. The new session is independent: opening or closing a
// shift with it leaves sess as it was.
func (s *Service) SessionFor(ctx context.Context, sess *Session) (*Session, error) {
	if sess == nil || sess.clerkID == 0 || !sess.role.Valid() {
		return nil, errs.New(ErrForbidden, "Need", string(RoleClerk))
	}
	out := &Session{clerkID: sess.clerkID}
	var active bool
	var shift sql.NullInt64
	err := s.db.R.QueryRowContext(ctx, `SELECT c.name, c.role, c.active,
		(SELECT id FROM shifts WHERE clerk_id = c.id AND closed_at IS NULL) FROM clerks c WHERE c.id = ?`, sess.clerkID).
		Scan(&out.name, &out.role, &active, &shift)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.New(ErrUnknownClerk, "Name", sess.name)
	}
	if err != nil {
		return nil, fmt.Errorf("session for %s: %w", sess.name, err)
	}
	if !active {
		return nil, errs.New(ErrInactive, "Name", out.name)
	}
	out.shiftID = shift.Int64
	return out, nil
}
