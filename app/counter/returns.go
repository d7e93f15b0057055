package counter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"smartpoint/app/errs"
	"smartpoint/app/scan"
)

// Return to sender: refused and overdue parcels wait on the shelves as
// to_return, are packed per partner into numbered return boxes, and the
// boxes are handed to the partner's courier under a return act.

// ReturnBox is a box of one partner's returns.
type ReturnBox struct {
	ID        int64     `json:"id"`
	Number    string    `json:"number"` // 000123, printed as RBOX-000123
	Partner   string    `json:"partner"`
	Status    string    `json:"status"` // open, handed
	Parcels   int       `json:"parcels"`
	CreatedAt time.Time `json:"created_at"`
	Act       string    `json:"act,omitempty"` // set once handed
}

// Box statuses.
const (
	BoxOpen   = "open"
	BoxHanded = "handed"
)

// Label is the code printed on the box.
func (b ReturnBox) Label() string { return scan.ReturnBoxCode(b.Number) }

// ReturnAct is the document the courier signs for the boxes taken away.
type ReturnAct struct {
	Number  string    `json:"number"` // R-2026-000001
	Partner string    `json:"partner"`
	Courier string    `json:"courier"`
	Boxes   []string  `json:"boxes"`
	Parcels []Parcel  `json:"parcels"`
	At      time.Time `json:"at"`
	Clerk   string    `json:"clerk"`
}

// returnsReader is what the read helpers need from *sql.DB and *sql.Tx.
type returnsReader interface {
	queryer
	rowQueryer
}

// ExpireOverdue turns every stored parcel past its storage deadline into
// a return. The parcels stay in their cells until they are boxed.
func (s *Service) ExpireOverdue(ctx context.Context, sess *Session) (int, error) {
	if err := sess.onShift(); err != nil {
		return 0, err
	}
	n := 0
	err := s.tx(ctx, sess, func(t *txn) error {
		overdue, err := queryParcels(ctx, t.Tx, `WHERE p.status='stored' AND p.deadline_at < ? AND p.status IN ('stored','to_return') ORDER BY p.deadline_at, p.id`, t.nowMs())
		if err != nil {
			return err
		}
		for _, p := range overdue {
			if err := t.expire(p); err != nil {
				return err
			}
		}
		n = len(overdue)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("expire overdue: %w", err)
	}
	return n, nil
}

// expire marks one overdue stored parcel to_return.
func (t *txn) expire(p Parcel) error {
	_, err := t.Exec(`UPDATE parcels SET status='to_return', return_reason='expired', updated_at=? WHERE id=?`, t.nowMs(), p.ID)
	if err != nil {
		return fmt.Errorf("expire %s: %w", p.Track, err)
	}
	return t.emit(EvParcelExpired, p.Entity(), map[string]any{
		"partner": p.Partner, "track": p.Track, "deadline": p.DeadlineAt.UnixMilli(), "cell": p.Cell})
}

// ReturnCandidates lists what should go back to a partner ("" = all):
// parcels already to_return and stored ones past their deadline, oldest
// first, with phones masked.
func (s *Service) ReturnCandidates(ctx context.Context, partner string) ([]Parcel, error) {
	partner = strings.ToLower(strings.TrimSpace(partner))
	ps, err := queryParcels(ctx, s.db.R, `WHERE p.status IN ('stored','to_return') AND (p.status='to_return' OR (p.status='stored' AND p.deadline_at < ?))
		AND (? = '' OR pa.code = ?) ORDER BY p.accepted_at, p.id`, ms(s.clock.Now()), partner, partner)
	if err != nil {
		return nil, fmt.Errorf("return candidates: %w", err)
	}
	return MaskParcels(ps), nil
}

// OpenReturnBox starts a new box for one partner's returns.
func (s *Service) OpenReturnBox(ctx context.Context, sess *Session, partner string) (ReturnBox, error) {
	if err := sess.onShift(); err != nil {
		return ReturnBox{}, err
	}
	pa, ok := s.partnerByCode(strings.ToLower(strings.TrimSpace(partner)))
	if !ok {
		return ReturnBox{}, errs.New(ErrPartner, "Partner", partner)
	}
	var box ReturnBox
	err := s.tx(ctx, sess, func(t *txn) error {
		n, err := t.nextNumber("return_box")
		if err != nil {
			return err
		}
		number := fmt.Sprintf("%06d", n)
		if _, err := t.Exec(`INSERT INTO return_boxes(number,partner_id,status,created_at) VALUES(?,?,'open',?)`,
			number, pa.ID, t.nowMs()); err != nil {
			return fmt.Errorf("insert box: %w", err)
		}
		if err := t.emit(EvReturnBoxOpened, boxEntity(number), map[string]any{"number": number, "partner": pa.Code}); err != nil {
			return err
		}
		box, err = t.returnBox(ctx, number)
		return err
	})
	if err != nil {
		return ReturnBox{}, fmt.Errorf("open return box for %s: %w", pa.Code, err)
	}
	return box, nil
}

func boxEntity(number string) string { return "return_box:" + number }

// AddToReturnBox packs a scanned parcel into an open box. An overdue
// stored parcel is expired on the way; the parcel leaves its cell.
func (s *Service) AddToReturnBox(ctx context.Context, sess *Session, box string, raw string) (Parcel, error) {
	return s.boxMove(ctx, sess, box, raw, "add %s to box %s", func(t *txn, b ReturnBox, p Parcel) error {
		if err := t.s.checkReturnable(p, t.now); err != nil {
			return err
		}
		if p.Partner != b.Partner {
			return errs.New(ErrBoxPartner, "Track", p.Track, "Partner", t.s.partnerName(p.Partner),
				"BoxPartner", t.s.partnerName(b.Partner), "Box", b.Number)
		}
		if p.Status == StatusStored {
			if err := t.expire(p); err != nil {
				return err
			}
		}
		if _, err := t.Exec(`UPDATE parcels SET status='boxed', cell_id=NULL, return_box_id=?, updated_at=? WHERE id=?`,
			b.ID, t.nowMs(), p.ID); err != nil {
			return fmt.Errorf("box parcel: %w", err)
		}
		if err := t.vacate(p.CellID); err != nil {
			return err
		}
		return t.emit(EvParcelBoxed, p.Entity(), map[string]any{
			"partner": p.Partner, "track": p.Track, "box": b.Number, "cell": p.Cell})
	})
}

// boxMove runs one parcel's move into or out of an open box in a
// transaction: the box and the scanned parcel are resolved, move changes
// them, and the parcel is returned as it is afterwards.
func (s *Service) boxMove(ctx context.Context, sess *Session, box, raw, what string,
	move func(t *txn, b ReturnBox, p Parcel) error) (Parcel, error) {
	if err := sess.onShift(); err != nil {
		return Parcel{}, err
	}
	res := s.Classify(raw)
	number := s.boxNumber(box)
	var out Parcel
	err := s.tx(ctx, sess, func(t *txn) error {
		b, err := t.openBox(ctx, number)
		if err != nil {
			return err
		}
		p, err := t.resolveParcel(ctx, res, b.Partner)
		if err != nil {
			return err
		}
		if err := move(t, b, p); err != nil {
			return err
		}
		out, err = t.parcel(ctx, p.ID)
		return err
	})
	if err != nil {
		return Parcel{}, fmt.Errorf(what+": %w", res.Code, number, err)
	}
	return out, nil
}

// checkReturnable explains why a parcel may not go into a return box:
// only to_return parcels and stored ones past their deadline may.
func (s *Service) checkReturnable(p Parcel, now time.Time) error {
	switch {
	case p.Status == StatusToReturn, p.Overdue(now):
		return nil
	case p.Status == StatusStored:
		return errs.New(ErrNotReturn, "Track", p.Track, "Deadline", p.DeadlineAt.In(s.loc), "Cell", p.Cell)
	}
	return s.stateError(p)
}

// partnerName is what a clerk calls the partner: its name, else its code.
func (s *Service) partnerName(code string) string {
	if p, ok := s.partnerByCode(code); ok && p.Name != "" {
		return p.Name
	}
	return code
}

// RemoveFromReturnBox undoes a mis-scan: the parcel goes back on a shelf
// as to_return (the cell is picked afresh, as at acceptance).
func (s *Service) RemoveFromReturnBox(ctx context.Context, sess *Session, box, raw string) (Parcel, error) {
	return s.boxMove(ctx, sess, box, raw, "remove %s from box %s", func(t *txn, b ReturnBox, p Parcel) error {
		if p.Status != StatusBoxed || p.ReturnBox != b.Number {
			return errs.New(ErrNotInBox, "Track", p.Track, "Box", b.Number)
		}
		cell, err := t.pickCell(p.RecipientKey, p.Size)
		if err != nil {
			return err
		}
		if _, err := t.Exec(`UPDATE parcels SET status='to_return', cell_id=?, return_box_id=NULL, updated_at=? WHERE id=?`,
			cell.ID, t.nowMs(), p.ID); err != nil {
			return fmt.Errorf("unbox parcel: %w", err)
		}
		if err := t.occupy(cell.ID); err != nil {
			return err
		}
		return t.emit(EvParcelUnboxed, p.Entity(), map[string]any{
			"partner": p.Partner, "track": p.Track, "box": b.Number, "cell": cell.Label})
	})
}

// boxNumber reads a box reference: a scanned RBOX- label, or its number
// typed with or without the leading zeros.
func (s *Service) boxNumber(box string) string {
	res := s.Classify(box)
	if res.Kind == scan.KindReturnBox {
		return res.Value
	}
	n := strings.TrimSpace(box)
	if n != "" && len(n) < 6 && strings.Trim(n, "0123456789") == "" {
		n = strings.Repeat("0", 6-len(n)) + n
	}
	return n
}

// openBox loads a box that may still change.
func (t *txn) openBox(ctx context.Context, number string) (ReturnBox, error) {
	b, err := t.returnBox(ctx, number)
	if err != nil {
		return b, err
	}
	if b.Status == BoxHanded {
		return b, errs.New(ErrBoxHanded, "Box", b.Number, "Act", b.Act)
	}
	return b, nil
}

func (t *txn) returnBox(ctx context.Context, number string) (ReturnBox, error) {
	return loadReturnBox(ctx, t.Tx, number)
}

const boxSelect = `SELECT b.id, b.number, pa.code, b.status,
	(SELECT count(*) FROM parcels p WHERE p.return_box_id = b.id), b.created_at, coalesce(a.number,'')
	FROM return_boxes b
	JOIN partners pa ON pa.id = b.partner_id
	LEFT JOIN return_acts a ON a.id = b.act_id `

func queryBoxes(ctx context.Context, q queryer, where string, args ...any) ([]ReturnBox, error) {
	rows, err := q.QueryContext(ctx, boxSelect+where, args...)
	if err != nil {
		return nil, fmt.Errorf("return boxes: %w", err)
	}
	defer rows.Close()
	var out []ReturnBox
	for rows.Next() {
		var b ReturnBox
		var created int64
		if err := rows.Scan(&b.ID, &b.Number, &b.Partner, &b.Status, &b.Parcels, &created, &b.Act); err != nil {
			return nil, err
		}
		b.CreatedAt = time.UnixMilli(created)
		out = append(out, b)
	}
	return out, rows.Err()
}

func loadReturnBox(ctx context.Context, q queryer, number string) (ReturnBox, error) {
	bs, err := queryBoxes(ctx, q, `WHERE b.number = ?`, number)
	if err != nil {
		return ReturnBox{}, err
	}
	if len(bs) == 0 {
		return ReturnBox{}, errs.New(ErrBoxUnknown, "Box", number)
	}
	return bs[0], nil
}

// ReturnBoxes lists boxes by status ("" = all), open ones first, newest
// first.
func (s *Service) ReturnBoxes(ctx context.Context, status string) ([]ReturnBox, error) {
	return queryBoxes(ctx, s.db.R, `WHERE (? = '' OR b.status = ?) ORDER BY b.status = 'handed', b.id DESC`, status, status)
}

// ReturnBoxParcels lists what a box holds (or held, once handed), in the
// order it was packed, with phones masked.
func (s *Service) ReturnBoxParcels(ctx context.Context, box string) ([]Parcel, error) {
	b, err := loadReturnBox(ctx, s.db.R, s.boxNumber(box))
	if err != nil {
		return nil, err
	}
	ps, err := queryParcels(ctx, s.db.R, `WHERE p.return_box_id = ? ORDER BY p.updated_at, p.id`, b.ID)
	return MaskParcels(ps), err
}

// HandOverReturns gives boxes of one partner to its courier under a new
// return act: all of them or none.
func (s *Service) HandOverReturns(ctx context.Context, sess *Session, boxes []string, courier string) (ReturnAct, error) {
	if err := sess.onShift(); err != nil {
		return ReturnAct{}, err
	}
	var numbers []string
	for _, b := range boxes {
		if n := s.boxNumber(b); n != "" && !slices.Contains(numbers, n) {
			numbers = append(numbers, n)
		}
	}
	if len(numbers) == 0 {
		return ReturnAct{}, errs.New(ErrInvalid, "Field", "boxes", "Value", "")
	}
	courier = strings.Join(strings.Fields(courier), " ")
	var act ReturnAct
	err := s.tx(ctx, sess, func(t *txn) error {
		bs, err := t.boxesToHand(ctx, numbers)
		if err != nil {
			return err
		}
		number, actID, err := t.insertReturnAct(bs, courier)
		if err != nil {
			return err
		}
		total := 0
		for _, b := range bs {
			n, err := t.handBox(ctx, b, number, actID)
			if err != nil {
				return err
			}
			total += n
		}
		if err := t.emit(EvReturnHanded, "return_act:"+number, map[string]any{
			"act": number, "partner": bs[0].Partner, "courier": courier, "boxes": numbers, "parcels": total}); err != nil {
			return err
		}
		act, err = loadReturnAct(ctx, t.Tx, number)
		return err
	})
	if err != nil {
		return ReturnAct{}, fmt.Errorf("hand over returns %s: %w", strings.Join(numbers, ", "), err)
	}
	return act, nil
}

// boxesToHand loads the boxes of a handover: open, not empty, and all of
// the same partner.
func (t *txn) boxesToHand(ctx context.Context, numbers []string) ([]ReturnBox, error) {
	var bs []ReturnBox
	for _, n := range numbers {
		b, err := t.openBox(ctx, n)
		if err != nil {
			return nil, err
		}
		if b.Parcels == 0 {
			return nil, errs.New(ErrBoxEmpty, "Box", b.Number)
		}
		if len(bs) > 0 && b.Partner != bs[0].Partner {
			return nil, errs.New(ErrBoxMixed, "Box", b.Number, "Partner", t.s.partnerName(b.Partner),
				"BoxPartner", t.s.partnerName(bs[0].Partner))
		}
		bs = append(bs, b)
	}
	return bs, nil
}

func (t *txn) insertReturnAct(bs []ReturnBox, courier string) (string, int64, error) {
	seq, err := t.nextNumber("return_act")
	if err != nil {
		return "", 0, err
	}
	number := fmt.Sprintf("R-%d-%06d", t.now.In(t.s.loc).Year(), seq)
	pa, _ := t.s.partnerByCode(bs[0].Partner)
	total := 0
	for _, b := range bs {
		total += b.Parcels
	}
	res, err := t.Exec(`INSERT INTO return_acts(number,partner_id,courier,parcels,created_at,clerk_id,shift_id) VALUES(?,?,?,?,?,?,?)`,
		number, pa.ID, courier, total, t.nowMs(), t.sess.clerkID, t.sess.shiftID)
	if err != nil {
		return "", 0, fmt.Errorf("insert act %s: %w", number, err)
	}
	id, _ := res.LastInsertId()
	return number, id, nil
}

// handBox marks a box and its parcels as handed over under the act.
func (t *txn) handBox(ctx context.Context, b ReturnBox, act string, actID int64) (int, error) {
	ps, err := queryParcels(ctx, t.Tx, `WHERE p.return_box_id = ? AND p.status = 'boxed' ORDER BY p.id`, b.ID)
	if err != nil {
		return 0, err
	}
	for _, p := range ps {
		if _, err := t.Exec(`UPDATE parcels SET status='returned', return_act_id=?, updated_at=? WHERE id=?`, actID, t.nowMs(), p.ID); err != nil {
			return 0, fmt.Errorf("return %s: %w", p.Track, err)
		}
		if err := t.emit(EvParcelReturned, p.Entity(), map[string]any{
			"partner": p.Partner, "track": p.Track, "act": act, "box": b.Number}); err != nil {
			return 0, err
		}
	}
	if _, err := t.Exec(`UPDATE return_boxes SET status='handed', act_id=? WHERE id=?`, actID, b.ID); err != nil {
		return 0, fmt.Errorf("hand box %s: %w", b.Number, err)
	}
	return len(ps), nil
}

// ReturnAct loads an act for reprinting.
func (s *Service) ReturnAct(ctx context.Context, number string) (ReturnAct, error) {
	return loadReturnAct(ctx, s.db.R, strings.ToUpper(strings.TrimSpace(number)))
}

func loadReturnAct(ctx context.Context, q returnsReader, number string) (ReturnAct, error) {
	act := ReturnAct{Number: number}
	var id, at int64
	err := q.QueryRowContext(ctx, `SELECT a.id, pa.code, a.courier, a.created_at, coalesce(c.name,'')
		FROM return_acts a JOIN partners pa ON pa.id = a.partner_id LEFT JOIN clerks c ON c.id = a.clerk_id
		WHERE a.number = ?`, number).Scan(&id, &act.Partner, &act.Courier, &at, &act.Clerk)
	if errors.Is(err, sql.ErrNoRows) {
		return act, errs.New(ErrActUnknown, "Act", number)
	}
	if err != nil {
		return act, fmt.Errorf("return act %s: %w", number, err)
	}
	act.At = time.UnixMilli(at)
	bs, err := queryBoxes(ctx, q, `WHERE b.act_id = ? ORDER BY b.number`, id)
	if err != nil {
		return act, err
	}
	for _, b := range bs {
		act.Boxes = append(act.Boxes, b.Number)
	}
	ps, err := queryParcels(ctx, q, `WHERE p.return_act_id = ? ORDER BY b.number, p.track`, id)
	act.Parcels = MaskParcels(ps) // the act goes to the courier: no customers' phones
	return act, err
}
