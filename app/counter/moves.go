package counter

import (
	"context"
	"fmt"

	"smartpoint/app/errs"
	"smartpoint/app/scan"
)

// MoveParcel puts a parcel on the shelves into another cell. cell is a
// label ("A-1-02") or a scanned CELL- code.
func (s *Service) MoveParcel(ctx context.Context, sess *Session, raw, cell string) (Parcel, error) {
	if err := sess.onShift(); err != nil {
		return Parcel{}, err
	}
	res := s.Classify(raw)
	label := s.cellLabelOf(cell)
	var out Parcel
	err := s.tx(ctx, sess, func(t *txn) error {
		p, err := t.resolveParcel(ctx, res, "")
		if err != nil {
			return err
		}
		if p.Status != StatusStored && p.Status != StatusToReturn {
			return t.s.stateError(p)
		}
		target, err := t.cellByLabel(label)
		if err != nil {
			return err
		}
		switch {
		case !target.Active:
			return errs.New(ErrCellInactive, "Cell", target.Label)
		case target.ID == p.CellID:
			return errs.New(ErrSameCell, "Track", p.Track, "Cell", target.Label)
		case target.Occupied >= target.Capacity:
			return errs.New(ErrCellFull, "Cell", target.Label, "Capacity", target.Capacity)
		}
		if err := t.moveParcel(p, target, nil); err != nil {
			return err
		}
		out, err = t.parcel(ctx, p.ID)
		return err
	})
	if err != nil {
		return Parcel{}, fmt.Errorf("move %s to %s: %w", res.Code, label, err)
	}
	return out, nil
}

// cellLabelOf reads a cell reference: a scanned CELL- code or a label.
func (s *Service) cellLabelOf(cell string) string {
	if res := s.Classify(cell); res.Kind == scan.KindCell {
		return res.Value
	}
	return cell // cellByLabel normalises case and spaces
}

// moveParcel changes a shelved parcel's cell, keeping both cells'
// occupancy, and logs parcel.moved; extra adds to its payload (e.g. the
// inventory that found it there). Callers check the target.
func (t *txn) moveParcel(p Parcel, target Cell, extra map[string]any) error {
	if _, err := t.Exec(`UPDATE parcels SET cell_id=?, updated_at=? WHERE id=?`, target.ID, t.nowMs(), p.ID); err != nil {
		return fmt.Errorf("move %s: %w", p.Track, err)
	}
	if err := t.vacate(p.CellID); err != nil {
		return err
	}
	if err := t.occupy(target.ID); err != nil {
		return err
	}
	payload := map[string]any{"partner": p.Partner, "track": p.Track, "from": p.Cell, "to": target.Label}
	for k, v := range extra {
		payload[k] = v
	}
	return t.emit(EvParcelMoved, p.Entity(), payload)
}
