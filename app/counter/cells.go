package counter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"smartpoint/app/errs"
)

// Cell is a storage place on a rack shelf.
type Cell struct {
	ID       int64  `json:"id"`
	Label    string `json:"label"`
	Rack     string `json:"rack"`
	Shelf    int    `json:"shelf"`
	Pos      int    `json:"pos"`
	Size     string `json:"size"`
	Capacity int    `json:"capacity"`
	Occupied int    `json:"occupied"`
	Active   bool   `json:"active"`
}

// Sizes in ascending order; a parcel fits a cell of its size or larger.
var Sizes = []string{"S", "M", "L", "XL"}

func sizeRank(size string) int {
	for i, s := range Sizes {
		if s == size {
			return i
		}
	}
	return 0 // unknown size: any cell
}

// Layout describes racks of identical shelves, e.g. racks A–D, 5 shelves,
// 10 cells each. Lower shelves can hold bigger sizes.
type Layout struct {
	Racks    string `json:"racks"`    // "A-D" or "A,B,C,K"
	Shelves  int    `json:"shelves"`  // per rack
	Cells    int    `json:"cells"`    // per shelf
	Size     string `json:"size"`     // default size: S, M, L, XL
	Capacity int    `json:"capacity"` // parcels per cell
	// ShelfSizes optionally sets the size per shelf, bottom (1) first.
	ShelfSizes []string `json:"shelf_sizes,omitempty"`
}

type cellSpec struct {
	label, rack, size string
	shelf, pos        int
}

func (l Layout) racks() ([]string, error) {
	r := strings.ToUpper(strings.ReplaceAll(l.Racks, " ", ""))
	if a, b, ok := strings.Cut(r, "-"); ok && len([]rune(a)) == 1 && len([]rune(b)) == 1 {
		from, to := []rune(a)[0], []rune(b)[0]
		if from > to || to-from > 25 {
			return nil, errs.New(ErrLayout, "Detail", l.Racks)
		}
		var out []string
		for c := from; c <= to; c++ {
			out = append(out, string(c))
		}
		return out, nil
	}
	var out []string
	for _, part := range strings.Split(r, ",") {
		if part == "" || len(part) > 4 || strings.ContainsAny(part, "-") {
			return nil, errs.New(ErrLayout, "Detail", l.Racks)
		}
		out = append(out, part)
	}
	return out, nil
}

func (l Layout) labels() ([]cellSpec, error) {
	racks, err := l.racks()
	if err != nil {
		return nil, err
	}
	if l.Shelves < 1 || l.Shelves > 20 || l.Cells < 1 || l.Cells > 99 || l.Capacity < 0 || l.Capacity > 50 {
		return nil, errs.New(ErrLayout, "Detail", fmt.Sprintf("%d×%d", l.Shelves, l.Cells))
	}
	if l.Size == "" {
		l.Size = "M"
	}
	if sizeRank(l.Size) == 0 && l.Size != "S" {
		return nil, errs.New(ErrLayout, "Detail", l.Size)
	}
	var out []cellSpec
	for _, rack := range racks {
		for shelf := 1; shelf <= l.Shelves; shelf++ {
			size := l.Size
			if shelf <= len(l.ShelfSizes) && l.ShelfSizes[shelf-1] != "" {
				size = strings.ToUpper(l.ShelfSizes[shelf-1])
				if sizeRank(size) == 0 && size != "S" {
					return nil, errs.New(ErrLayout, "Detail", size)
				}
			}
			for pos := 1; pos <= l.Cells; pos++ {
				out = append(out, cellSpec{label: fmt.Sprintf("%s-%d-%02d", rack, shelf, pos), rack: rack, shelf: shelf, pos: pos, size: size})
			}
		}
	}
	return out, nil
}

// GenerateCells creates the cells of a layout. Existing labels are left as
// they are, so running it again (or extending a layout) is safe.
func (s *Service) GenerateCells(ctx context.Context, sess *Session, l Layout) (int, error) {
	if err := sess.require(RoleManager); err != nil {
		return 0, err
	}
	specs, err := l.labels()
	if err != nil {
		return 0, err
	}
	if l.Capacity == 0 {
		l.Capacity = 3
	}
	created := 0
	err = s.tx(ctx, sess, func(t *txn) error {
		for _, c := range specs {
			res, err := t.Exec(`INSERT INTO cells(label,rack,shelf,pos,size,capacity) VALUES(?,?,?,?,?,?) ON CONFLICT(label) DO NOTHING`,
				c.label, c.rack, c.shelf, c.pos, c.size, l.Capacity)
			if err != nil {
				return fmt.Errorf("cell %s: %w", c.label, err)
			}
			n, _ := res.RowsAffected()
			created += int(n)
		}
		return t.emit(EvCellsCreated, "cells", map[string]any{"layout": l, "created": created})
	})
	return created, err
}

// Cells lists all cells in label order.
func (s *Service) Cells(ctx context.Context) ([]Cell, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT id,label,rack,shelf,pos,size,capacity,occupied,active FROM cells ORDER BY rack,shelf,pos,label`)
	if err != nil {
		return nil, fmt.Errorf("cells: %w", err)
	}
	defer rows.Close()
	var out []Cell
	for rows.Next() {
		var c Cell
		if err := rows.Scan(&c.ID, &c.Label, &c.Rack, &c.Shelf, &c.Pos, &c.Size, &c.Capacity, &c.Occupied, &c.Active); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SaveCell changes a cell's size, capacity or active flag (manager).
// A cell cannot be shrunk below what it holds now.
func (s *Service) SaveCell(ctx context.Context, sess *Session, label, size string, capacity int, active bool) error {
	if err := sess.require(RoleManager); err != nil {
		return err
	}
	size = strings.ToUpper(size)
	if sizeRank(size) == 0 && size != "S" {
		return errs.New(ErrInvalid, "Field", "size", "Value", size)
	}
	return s.tx(ctx, sess, func(t *txn) error {
		c, err := t.cellByLabel(label)
		if err != nil {
			return err
		}
		if capacity < max(c.Occupied, 1) {
			return errs.New(ErrCellFull, "Cell", c.Label, "Capacity", c.Occupied)
		}
		if _, err := t.Exec(`UPDATE cells SET size=?, capacity=?, active=? WHERE id=?`, size, capacity, active, c.ID); err != nil {
			return err
		}
		return t.emit(EvCellSaved, "cell:"+c.Label, map[string]any{"size": size, "capacity": capacity, "active": active})
	})
}

func (t *txn) cellByLabel(label string) (Cell, error) {
	var c Cell
	label = strings.ToUpper(strings.TrimSpace(label))
	err := t.QueryRow(`SELECT id,label,rack,shelf,pos,size,capacity,occupied,active FROM cells WHERE label=?`, label).
		Scan(&c.ID, &c.Label, &c.Rack, &c.Shelf, &c.Pos, &c.Size, &c.Capacity, &c.Occupied, &c.Active)
	if err != nil {
		return c, errs.New(ErrCellUnknown, "Cell", label)
	}
	return c, nil
}

// pickCell chooses where a parcel goes: the cell already holding the same
// recipient's parcels if it has room, else the smallest fitting size, the
// emptiest cell first (so each customer tends to get a cell of their own).
func (t *txn) pickCell(recipientKey, size string) (Cell, error) {
	var c Cell
	if recipientKey != "" {
		err := t.QueryRow(`SELECT c.id,c.label,c.size,c.capacity,c.occupied FROM parcels p JOIN cells c ON c.id=p.cell_id
			WHERE p.recipient_key=? AND p.status IN ('stored','to_return') AND c.active=1 AND c.occupied < c.capacity
			LIMIT 1`, recipientKey).Scan(&c.ID, &c.Label, &c.Size, &c.Capacity, &c.Occupied)
		if err == nil && sizeRank(c.Size) >= sizeRank(size) {
			return c, nil
		}
	}
	for _, sz := range Sizes[sizeRank(size):] {
		err := t.QueryRow(`SELECT id,label,size,capacity,occupied FROM cells
			WHERE active=1 AND size=? AND occupied < capacity
			ORDER BY occupied, rack, shelf, pos LIMIT 1`, sz).Scan(&c.ID, &c.Label, &c.Size, &c.Capacity, &c.Occupied)
		if err == nil {
			return c, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return c, fmt.Errorf("pick cell: %w", err)
		}
	}
	return c, errs.New(ErrNoFreeCell, "Size", size)
}

// occupy and vacate keep cells.occupied equal to the parcels in the cell.
func (t *txn) occupy(cellID int64) error {
	_, err := t.Exec(`UPDATE cells SET occupied = occupied + 1 WHERE id=?`, cellID)
	return err
}

func (t *txn) vacate(cellID int64) error {
	_, err := t.Exec(`UPDATE cells SET occupied = occupied - 1 WHERE id=?`, cellID)
	return err
}
