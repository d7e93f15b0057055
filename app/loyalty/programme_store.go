package loyalty

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
)

// programme is a stored programme with its row id.
type programme struct {
	Programme
	rowID int64
}

// loadProgramme reads a programme by row id (0: the active one).
func loadProgramme(ctx context.Context, q queryer, rowID int64) (programme, error) {
	var p programme
	var config string
	query := `SELECT id, uuid, config FROM loyalty_programmes WHERE active = 1`
	args := []any{}
	if rowID != 0 {
		query, args = `SELECT id, uuid, config FROM loyalty_programmes WHERE id = ?`, []any{rowID}
	}
	err := q.QueryRowContext(ctx, query, args...).Scan(&p.rowID, &p.ID, &config)
	if errors.Is(err, sql.ErrNoRows) {
		return p, errs.New(ErrNoProgramme)
	}
	if err != nil {
		return p, fmt.Errorf("programme: %w", err)
	}
	id := p.ID
	if err := json.Unmarshal([]byte(config), &p.Programme); err != nil {
		return p, fmt.Errorf("programme %s: damaged config: %w", id, err)
	}
	p.ID = id
	p.normalise()
	return p, nil
}

// Programme is the point's active programme (ErrNoProgramme before the
// owner has set one up).
func (s *Service) Programme(ctx context.Context) (Programme, error) {
	p, err := loadProgramme(ctx, s.r(), 0)
	return p.Programme, err
}

// SaveProgramme creates the point's programme or changes its rules
// (manager or owner). Rules change for what comes next: stamps already
// earned keep their expiry. A stamp card cannot become a points card (or
// back) once cards exist, since balances would change meaning.
func (s *Service) SaveProgramme(ctx context.Context, sess *counter.Session, p Programme) (Programme, error) {
	if err := sess.Require(counter.RoleManager); err != nil {
		return Programme{}, err
	}
	p.normalise()
	if err := p.validate(); err != nil {
		return Programme{}, err
	}
	err := s.write(ctx, sess, func(w *writer) error {
		cur, err := loadProgramme(ctx, w.q(), 0)
		switch {
		case errs.Has(err, ErrNoProgramme):
			if p.ID != "" {
				return invalid("id", p.ID)
			}
			return w.insertProgramme(&p)
		case err != nil:
			return err
		case p.ID != "" && p.ID != cur.ID:
			return invalid("id", p.ID)
		}
		if p.Kind != cur.Kind {
			var cards bool
			if err := w.tx.QueryRow(`SELECT EXISTS (SELECT 1 FROM loyalty_cards WHERE programme_id = ?)`, cur.rowID).Scan(&cards); err != nil {
				return fmt.Errorf("programme cards: %w", err)
			}
			if cards {
				return errs.New(ErrKindFixed, "Kind", string(cur.Kind))
			}
		}
		p.ID = cur.ID
		if _, err := w.tx.Exec(`UPDATE loyalty_programmes SET name = ?, kind = ?, config = ?, updated_at = ? WHERE id = ?`,
			p.Name, p.Kind, configJSON(p), w.nowMs(), cur.rowID); err != nil {
			return fmt.Errorf("update programme: %w", err)
		}
		return w.emit(EvProgrammeSaved, programmeEntity(p.ID), map[string]any{"programme": p, "before": cur.Programme})
	})
	if err != nil {
		return Programme{}, fmt.Errorf("save programme: %w", err)
	}
	return p, nil
}

func (w *writer) insertProgramme(p *Programme) error {
	p.ID = w.s.ids.New()
	if _, err := w.tx.Exec(`INSERT INTO loyalty_programmes(uuid, name, kind, config, active, created_at, updated_at)
		VALUES(?, ?, ?, ?, 1, ?, ?)`, p.ID, p.Name, p.Kind, configJSON(*p), w.nowMs(), w.nowMs()); err != nil {
		return fmt.Errorf("insert programme: %w", err)
	}
	return w.emit(EvProgrammeSaved, programmeEntity(p.ID), map[string]any{"programme": p})
}

// configJSON is the stored rules (the id lives in its own column).
func configJSON(p Programme) string {
	p.ID = ""
	return mustJSON(p)
}
