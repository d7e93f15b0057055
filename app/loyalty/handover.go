package loyalty

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
)

// HandoverKeyPrefix makes the idempotency key of a pickup: the handover
// number is unique at the point, so a pickup earns once however often its
// accrual is retried, replayed or caught up.
const HandoverKeyPrefix = "handover:"

// handover is a committed pickup as the counter stored it.
type handover struct {
	id        int64
	number    string
	recipient string // the recipient key: E.164 phone when the parcels had one
	issued    int
	at        int64
	clerk     int64
	shift     int64
}

const handoverColumns = `id, number, recipient, issued, at, clerk_id, shift_id FROM handovers`

func scanHandover(row interface{ Scan(...any) error }) (handover, error) {
	var h handover
	err := row.Scan(&h.id, &h.number, &h.recipient, &h.issued, &h.at, &h.clerk, &h.shift)
	return h, err
}

// AccrueForHandover stamps the card of the customer a committed handover
// was for, if they are a member: the counter calls it right after Issue.
// ok is false when there is nothing to stamp (no parcel issued, recipient
// not enrolled, no programme). The handover is read back from the
// database, not taken from res, and the accrual is attributed to the
// handover's clerk and shift.
func (s *Service) AccrueForHandover(ctx context.Context, sess *counter.Session, res counter.HandoverResult) (Result, bool, error) {
	if err := sess.Require(counter.RoleClerk); err != nil {
		return Result{}, false, err
	}
	var out Result
	var ok bool
	err := s.write(ctx, sess, func(w *writer) error {
		h, err := scanHandover(w.tx.QueryRow(`SELECT `+handoverColumns+` WHERE number = ?`, res.Number))
		if errors.Is(err, sql.ErrNoRows) {
			return invalid("handover", res.Number)
		}
		if err != nil {
			return fmt.Errorf("handover %s: %w", res.Number, err)
		}
		out, ok, err = w.accrueHandover(h)
		return err
	})
	if err != nil {
		return Result{}, false, fmt.Errorf("accrue handover %s: %w", res.Number, err)
	}
	return out, ok, nil
}

// accrueHandover accrues one handover, if its recipient is a member with
// an active card and the pickup was not before their enrolment.
func (w *writer) accrueHandover(h handover) (Result, bool, error) {
	if h.issued == 0 || !strings.HasPrefix(h.recipient, "+") {
		return Result{}, false, nil
	}
	p, err := loadProgramme(w.ctx, w.q(), 0)
	if errs.Has(err, ErrNoProgramme) {
		return Result{}, false, nil
	}
	if err != nil {
		return Result{}, false, err
	}
	cust, ok, err := customerByPhone(w.ctx, w.q(), h.recipient)
	if err != nil || !ok || h.at < cust.createdAt-EnrolGrace.Milliseconds() {
		return Result{}, false, err
	}
	card, ok, err := w.customerCard(cust.id, p.rowID)
	if err != nil || !ok {
		return Result{}, false, err
	}
	w.clerk, w.shift = h.clerk, h.shift
	r, err := w.accrue(card, p, HandoverKeyPrefix+h.number, Visit{Parcels: h.issued, At: msTime(h.at)}, h.number)
	return r, err == nil, err
}

// CatchUpResult says what CatchUp did.
type CatchUpResult struct {
	Checked int `json:"checked"` // handovers of members without an accrual
	Accrued int `json:"accrued"` // of them, now accrued
	Skipped int `json:"skipped"` // refused by a domain rule (e.g. the key was used by another customer)
}

// catchUpKey is the loyalty_state row holding the last handover id
// CatchUp has looked at.
const catchUpKey = "catchup.handover"

// CatchUp accrues every handover of an enrolled customer (since their
// enrolment) that has no accrual yet: a crash between the commit
// and its accrual loses nothing. It is idempotent (keys), runs as the
// system, and remembers how far it has read, so each run only reads
// handovers committed since the previous one. A handover whose recipient
// was not a member is looked at again only while they could still enrol in
// time for it (EnrolGrace); after that it can never earn.
func (s *Service) CatchUp(ctx context.Context) (CatchUpResult, error) {
	var out CatchUpResult
	var mark int64
	var raw string
	err := s.r().QueryRowContext(ctx, `SELECT coalesce((SELECT value FROM loyalty_state WHERE key = ?), '0')`, catchUpKey).Scan(&raw)
	if err != nil {
		return out, fmt.Errorf("catch up: %w", err)
	}
	if mark, err = strconv.ParseInt(raw, 10, 64); err != nil {
		return out, fmt.Errorf("catch up: damaged mark %q: %w", raw, err)
	}
	// Read outside the writer (a first run may scan every handover); ids
	// are given in commit order by the single writer, so nothing committed
	// later can have an id at or below top.
	var top, settled int64
	if err := s.r().QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM handovers`).Scan(&top); err != nil {
		return out, fmt.Errorf("catch up: %w", err)
	}
	// The mark stops before handovers recent enough for their recipient
	// to enrol still within the grace (walking back from the newest).
	err = s.r().QueryRowContext(ctx, `SELECT coalesce((SELECT id FROM handovers WHERE id <= ? AND at < ? ORDER BY id DESC LIMIT 1), 0)`,
		top, s.svc.Now().Add(-EnrolGrace).UnixMilli()).Scan(&settled)
	if err != nil {
		return out, fmt.Errorf("catch up: %w", err)
	}
	rows, err := s.r().QueryContext(ctx, `SELECT `+handoverColumns+` h WHERE h.id > ? AND h.id <= ? AND h.issued > 0
		AND h.recipient IN (SELECT phone FROM loyalty_customers WHERE phone IS NOT NULL)
		AND NOT EXISTS (SELECT 1 FROM loyalty_movements m WHERE m.idem_key = ? || h.number)
		ORDER BY h.id`, mark, top, HandoverKeyPrefix)
	if err != nil {
		return out, fmt.Errorf("catch up: %w", err)
	}
	var todo []handover
	for rows.Next() {
		h, err := scanHandover(rows)
		if err != nil {
			rows.Close()
			return out, fmt.Errorf("catch up: %w", err)
		}
		todo = append(todo, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("catch up: %w", err)
	}
	for _, h := range todo {
		out.Checked++
		err := s.write(ctx, nil, func(w *writer) error {
			_, ok, err := w.accrueHandover(h)
			if ok {
				out.Accrued++
			}
			if err != nil || h.id > settled {
				return err
			}
			return w.setState(catchUpKey, strconv.FormatInt(h.id, 10))
		})
		if errs.CodeOf(err) != "" {
			// A rule refused this one; it must not block the ones after it.
			out.Skipped++
			continue
		}
		if err != nil {
			return out, fmt.Errorf("catch up %s: %w", h.number, err)
		}
	}
	if settled > mark {
		if err := s.write(ctx, nil, func(w *writer) error {
			return w.setState(catchUpKey, strconv.FormatInt(settled, 10))
		}); err != nil {
			return out, fmt.Errorf("catch up: %w", err)
		}
	}
	return out, nil
}

func (w *writer) setState(key, value string) error {
	if _, err := w.tx.Exec(`INSERT INTO loyalty_state(key, value) VALUES(?, ?)
		ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value); err != nil {
		return fmt.Errorf("loyalty state %s: %w", key, err)
	}
	return nil
}
