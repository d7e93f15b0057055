package counter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"smartpoint/app/errs"
	"smartpoint/app/scan"
)

// A stock-take: the clerk scans a cell's label, then every parcel found in
// it, cell after cell. Scanning changes no parcel: the inventory is a
// report of what the records say against what is on the shelves.

// InventoryStep is what the clerk sees after one inventory scan.
type InventoryStep struct {
	Cell   string  `json:"cell"`             // the current cell
	Code   string  `json:"code,omitempty"`   // the scanned parcel code
	Parcel *Parcel `json:"parcel,omitempty"` // nil for a cell scan or an unknown code
	Known  bool    `json:"known"`            // the code is a parcel we have a record of
	// Misplaced: the parcel is recorded in another cell.
	Misplaced bool `json:"misplaced"`
	// Extra: the parcel should not be on a shelf at all (issued, boxed,
	// returned, not yet accepted) or the code is unknown.
	Extra    bool `json:"extra"`
	Seen     int  `json:"seen"`     // items scanned in this cell so far
	Expected int  `json:"expected"` // parcels the records put in this cell
}

// MisplacedParcel is a parcel found in another cell than recorded.
type MisplacedParcel struct {
	Parcel  Parcel `json:"parcel"`
	FoundIn string `json:"found_in"`
}

// ExtraItem is something on a shelf that is not on hand by the records:
// an unknown code, or a parcel whose status says it left (Parcel.Status).
type ExtraItem struct {
	Code   string  `json:"code"`
	Cell   string  `json:"cell"`
	Parcel *Parcel `json:"parcel,omitempty"`
}

// InventoryReport is the result of a stock-take. Only scanned cells count
// for Missing: a partial inventory of one rack is a valid inventory.
type InventoryReport struct {
	ID        int64             `json:"id"`
	Cells     []string          `json:"cells"`
	Missing   []Parcel          `json:"missing"`
	Misplaced []MisplacedParcel `json:"misplaced"`
	Extra     []ExtraItem       `json:"extra"`
	Seen      int               `json:"seen"`
}

func inventoryEntity(id int64) string { return fmt.Sprintf("inventory:%d", id) }

// StartInventory opens a stock-take.
func (s *Service) StartInventory(ctx context.Context, sess *Session) (int64, error) {
	if err := sess.onShift(); err != nil {
		return 0, err
	}
	var id int64
	err := s.tx(ctx, sess, func(t *txn) error {
		res, err := t.Exec(`INSERT INTO inventories(started_at,clerk_id,shift_id) VALUES(?,?,?)`, t.nowMs(), sess.clerkID, sess.shiftID)
		if err != nil {
			return fmt.Errorf("insert inventory: %w", err)
		}
		id, _ = res.LastInsertId()
		return t.emit(EvInventoryStarted, inventoryEntity(id), map[string]any{})
	})
	if err != nil {
		return 0, fmt.Errorf("start inventory: %w", err)
	}
	return id, nil
}

// InventoryScan records one scan: a CELL- code makes that cell current;
// anything else is an item found in the current cell. Unknown codes are
// recorded as extra items, not refused: they are on the shelf.
func (s *Service) InventoryScan(ctx context.Context, sess *Session, invID int64, raw string) (InventoryStep, error) {
	if err := sess.onShift(); err != nil {
		return InventoryStep{}, err
	}
	res := s.Classify(raw)
	if res.Code == "" {
		return InventoryStep{}, errs.New(ErrUnknownCode, "Code", res.Raw)
	}
	var step InventoryStep
	err := s.tx(ctx, sess, func(t *txn) error {
		if err := t.openInventory(invID); err != nil {
			return err
		}
		var err error
		if res.Kind == scan.KindCell {
			step, err = t.inventoryCell(invID, res.Value)
		} else {
			step, err = t.inventoryItem(ctx, invID, res)
		}
		if err != nil {
			return err
		}
		return t.inventoryProgress(invID, &step)
	})
	if err != nil {
		return InventoryStep{}, fmt.Errorf("inventory %d scan %s: %w", invID, res.Code, err)
	}
	return step, nil
}

// openInventory fails unless the inventory exists and is not finished.
func (t *txn) openInventory(id int64) error {
	var finished sql.NullInt64
	err := t.QueryRow(`SELECT finished_at FROM inventories WHERE id=?`, id).Scan(&finished)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.New(ErrInventory, "ID", id)
	}
	if err != nil {
		return fmt.Errorf("inventory %d: %w", id, err)
	}
	if finished.Valid {
		return errs.New(ErrInventory, "ID", id, "Finished", time.UnixMilli(finished.Int64).In(t.s.loc))
	}
	return nil
}

func (t *txn) inventoryCell(invID int64, label string) (InventoryStep, error) {
	c, err := t.cellByLabel(label)
	if err != nil {
		return InventoryStep{}, err
	}
	if err := t.recordInventoryScan(invID, c.ID, nil, ""); err != nil {
		return InventoryStep{}, err
	}
	return InventoryStep{Cell: c.Label}, nil
}

// currentInventoryCell is the cell scanned last in the inventory: cell
// rows are the ones with neither a parcel nor a code.
func (t *txn) currentInventoryCell(invID int64) (Cell, error) {
	var c Cell
	err := t.QueryRow(`SELECT c.id, c.label FROM inventory_scans s JOIN cells c ON c.id = s.cell_id
		WHERE s.inventory_id=? AND s.parcel_id IS NULL AND s.code='' ORDER BY s.rowid DESC LIMIT 1`, invID).Scan(&c.ID, &c.Label)
	if errors.Is(err, sql.ErrNoRows) {
		return c, errs.New(ErrInvNoCell)
	}
	return c, err
}

func (t *txn) inventoryItem(ctx context.Context, invID int64, res scan.Result) (InventoryStep, error) {
	cell, err := t.currentInventoryCell(invID)
	if err != nil {
		return InventoryStep{}, err
	}
	step := InventoryStep{Cell: cell.Label, Code: res.Code}
	p, err := t.inventoryParcel(ctx, res, cell.ID)
	if errs.Has(err, ErrNotFound) {
		step.Extra = true
		return step, t.recordInventoryScan(invID, cell.ID, nil, res.Code)
	}
	if err != nil {
		return step, err
	}
	step.Parcel, step.Known = &p, true
	if p.Status == StatusStored || p.Status == StatusToReturn {
		step.Misplaced = p.CellID != cell.ID
	} else {
		step.Extra = true
	}
	return step, t.recordInventoryScan(invID, cell.ID, &p.ID, "")
}

// inventoryParcel resolves a scanned parcel code; a track two partners
// share is settled by the parcel recorded in this cell, then by the one
// on hand, before giving up as ambiguous.
func (t *txn) inventoryParcel(ctx context.Context, res scan.Result, cellID int64) (Parcel, error) {
	switch res.Kind {
	case scan.KindParcel, scan.KindUnknown, scan.KindOrder, scan.KindMarking:
	default:
		return Parcel{}, errs.New(ErrWrongKind, "Code", res.Code, "Kind", string(res.Kind))
	}
	found, err := queryParcels(ctx, t.Tx, `WHERE p.track = ? ORDER BY p.id`, res.Code)
	if err != nil {
		return Parcel{}, err
	}
	if len(found) > 1 {
		for _, keep := range []func(Parcel) bool{
			func(p Parcel) bool { return p.CellID == cellID },
			func(p Parcel) bool { return p.Status == StatusStored || p.Status == StatusToReturn },
		} {
			var narrowed []Parcel
			for _, p := range found {
				if keep(p) {
					narrowed = append(narrowed, p)
				}
			}
			if len(narrowed) == 1 {
				return narrowed[0], nil
			}
		}
	}
	return pickOne(found, res, "")
}

func (t *txn) recordInventoryScan(invID, cellID int64, parcelID *int64, code string) error {
	_, err := t.Exec(`INSERT INTO inventory_scans(inventory_id,cell_id,parcel_id,code,at) VALUES(?,?,?,?,?)`,
		invID, cellID, parcelID, code, t.nowMs())
	if err != nil {
		return fmt.Errorf("record inventory scan: %w", err)
	}
	return nil
}

// inventoryProgress fills the current cell's counters: distinct items
// scanned there and parcels the records put there.
func (t *txn) inventoryProgress(invID int64, step *InventoryStep) error {
	err := t.QueryRow(`SELECT count(DISTINCT coalesce('p' || s.parcel_id, 'c' || s.code))
		FROM inventory_scans s JOIN cells c ON c.id = s.cell_id
		WHERE s.inventory_id=? AND c.label=? AND (s.parcel_id IS NOT NULL OR s.code <> '')`, invID, step.Cell).Scan(&step.Seen)
	if err != nil {
		return fmt.Errorf("inventory progress: %w", err)
	}
	err = t.QueryRow(`SELECT count(*) FROM parcels p JOIN cells c ON c.id = p.cell_id
		WHERE c.label=? AND p.status IN ('stored','to_return')`, step.Cell).Scan(&step.Expected)
	if err != nil {
		return fmt.Errorf("inventory progress: %w", err)
	}
	return nil
}

// FinishInventory closes a stock-take and reports what differs.
func (s *Service) FinishInventory(ctx context.Context, sess *Session, invID int64) (InventoryReport, error) {
	if err := sess.onShift(); err != nil {
		return InventoryReport{}, err
	}
	var rep InventoryReport
	err := s.tx(ctx, sess, func(t *txn) error {
		if err := t.openInventory(invID); err != nil {
			return err
		}
		var err error
		if rep, err = t.inventoryReport(ctx, invID); err != nil {
			return err
		}
		if _, err := t.Exec(`UPDATE inventories SET finished_at=? WHERE id=?`, t.nowMs(), invID); err != nil {
			return fmt.Errorf("finish inventory: %w", err)
		}
		return t.emit(EvInventoryDone, inventoryEntity(invID), map[string]any{
			"cells": len(rep.Cells), "seen": rep.Seen, "missing": len(rep.Missing),
			"misplaced": len(rep.Misplaced), "extra": len(rep.Extra)})
	})
	if err != nil {
		return InventoryReport{}, fmt.Errorf("finish inventory %d: %w", invID, err)
	}
	return rep, nil
}

// inventoryReport compares the scans with the current records. A parcel
// scanned more than once counts where it was scanned last (the clerk may
// have put it back where it belongs and scanned it again).
func (t *txn) inventoryReport(ctx context.Context, invID int64) (InventoryReport, error) {
	rep := InventoryReport{ID: invID}
	var err error
	if rep.Cells, err = t.inventoryCells(invID); err != nil {
		return rep, err
	}
	sightings, err := t.inventorySightings(invID)
	if err != nil {
		return rep, err
	}
	seen, err := queryParcels(ctx, t.Tx, `WHERE p.id IN (SELECT parcel_id FROM inventory_scans WHERE inventory_id=?)`, invID)
	if err != nil {
		return rep, err
	}
	byID := map[int64]Parcel{}
	for _, p := range seen {
		byID[p.ID] = p
	}
	for _, s := range sightings {
		if s.parcelID == 0 {
			rep.Extra = append(rep.Extra, ExtraItem{Code: s.code, Cell: s.cell})
			continue
		}
		p := byID[s.parcelID]
		switch {
		case p.Status != StatusStored && p.Status != StatusToReturn:
			rep.Extra = append(rep.Extra, ExtraItem{Code: p.Track, Cell: s.cell, Parcel: &p})
		case p.Cell != s.cell:
			rep.Misplaced = append(rep.Misplaced, MisplacedParcel{Parcel: p, FoundIn: s.cell})
		}
	}
	rep.Seen = len(sightings)
	rep.Missing, err = queryParcels(ctx, t.Tx, `WHERE p.status IN ('stored','to_return')
		AND p.cell_id IN (SELECT cell_id FROM inventory_scans WHERE inventory_id=?)
		AND p.id NOT IN (SELECT parcel_id FROM inventory_scans WHERE inventory_id=? AND parcel_id IS NOT NULL)
		ORDER BY c.rack, c.shelf, c.pos, p.track`, invID, invID)
	return rep, err
}

func (t *txn) inventoryCells(invID int64) ([]string, error) {
	rows, err := t.Query(`SELECT c.label FROM cells c WHERE c.id IN (SELECT cell_id FROM inventory_scans WHERE inventory_id=?)
		ORDER BY c.rack, c.shelf, c.pos, c.label`, invID)
	if err != nil {
		return nil, fmt.Errorf("inventory cells: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var label string
		if err := rows.Scan(&label); err != nil {
			return nil, err
		}
		out = append(out, label)
	}
	return out, rows.Err()
}

// sighting is where one item was last scanned in an inventory.
type sighting struct {
	parcelID int64 // 0: an unknown code
	code     string
	cell     string
}

// inventorySightings lists each distinct item once, in the order first
// scanned, with the cell it was scanned in last.
func (t *txn) inventorySightings(invID int64) ([]sighting, error) {
	rows, err := t.Query(`SELECT coalesce(s.parcel_id,0), s.code, c.label FROM inventory_scans s JOIN cells c ON c.id = s.cell_id
		WHERE s.inventory_id=? AND (s.parcel_id IS NOT NULL OR s.code <> '') ORDER BY s.rowid`, invID)
	if err != nil {
		return nil, fmt.Errorf("inventory scans: %w", err)
	}
	defer rows.Close()
	var out []sighting
	index := map[string]int{}
	for rows.Next() {
		var s sighting
		if err := rows.Scan(&s.parcelID, &s.code, &s.cell); err != nil {
			return nil, err
		}
		key := "c" + s.code
		if s.parcelID != 0 {
			key = fmt.Sprint("p", s.parcelID)
		}
		if i, ok := index[key]; ok {
			out[i].cell = s.cell
			continue
		}
		index[key] = len(out)
		out = append(out, s)
	}
	return out, rows.Err()
}

// ApplyMisplaced records misplaced parcels of an inventory in the cells
// they were found in (manager) and returns how many it moved. Records are
// compared as they are now, so a parcel moved or issued since the scan is
// left alone. A cell that is inactive or full keeps its records: passes
// repeat while moves free room, and what cannot move stays misplaced for
// the clerk to sort out by hand.
func (s *Service) ApplyMisplaced(ctx context.Context, sess *Session, invID int64) (int, error) {
	if err := sess.require(RoleManager); err != nil {
		return 0, err
	}
	n := 0
	err := s.tx(ctx, sess, func(t *txn) error {
		var exists int
		t.QueryRow(`SELECT count(*) FROM inventories WHERE id=?`, invID).Scan(&exists)
		if exists == 0 {
			return errs.New(ErrInventory, "ID", invID)
		}
		rep, err := t.inventoryReport(ctx, invID)
		if err != nil {
			return err
		}
		pending := rep.Misplaced
		for moved := true; moved && len(pending) > 0; {
			moved = false
			var left []MisplacedParcel
			for _, m := range pending {
				ok, err := t.applyMisplaced(m, invID)
				if err != nil {
					return err
				}
				if !ok {
					left = append(left, m)
					continue
				}
				moved = true
				n++
			}
			pending = left
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("apply inventory %d: %w", invID, err)
	}
	return n, nil
}

// applyMisplaced moves one parcel where it was found if that cell takes it.
func (t *txn) applyMisplaced(m MisplacedParcel, invID int64) (bool, error) {
	target, err := t.cellByLabel(m.FoundIn)
	if err != nil {
		return false, err
	}
	if !target.Active || target.Occupied >= target.Capacity {
		return false, nil
	}
	return true, t.moveParcel(m.Parcel, target, map[string]any{"inventory": invID})
}
