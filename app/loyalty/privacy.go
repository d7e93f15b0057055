package loyalty

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"smartpoint/app/counter"
)

// ExportFormat names the layout of Export's document.
const ExportFormat = "smartpoint.loyalty.customer/1"

// Export is everything stored about one customer, as a JSON document for
// a data request (manager or owner): the full phone and name, consent,
// duplicates merged into them, every card, every movement and every event
// about the customer and their cards. The export itself is logged.
func (s *Service) Export(ctx context.Context, sess *counter.Session, id string) ([]byte, error) {
	if err := sess.Require(counter.RoleManager); err != nil {
		return nil, err
	}
	doc, err := s.exportDoc(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", id, err)
	}
	doc.ExportedAt, doc.ExportedBy = s.svc.Now(), sess.Name()
	body, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", id, err)
	}
	if err := s.write(ctx, sess, func(w *writer) error {
		return w.emit(EvCustomerExported, customerEntity(id), map[string]any{"customer": id})
	}); err != nil {
		return nil, fmt.Errorf("export %s: %w", id, err)
	}
	return body, nil
}

// ExportDoc is the document Export writes.
type ExportDoc struct {
	Format     string          `json:"format"`
	ExportedAt time.Time       `json:"exported_at"`
	ExportedBy string          `json:"exported_by"`
	Customer   PersonalData    `json:"customer"`
	Duplicates []PersonalData  `json:"duplicates"` // customers merged into this one
	Summary    Customer        `json:"summary"`
	Cards      []Card          `json:"cards"`
	Movements  []Movement      `json:"movements"`
	Events     []counter.Event `json:"events"`
}

// PersonalData is a customer row as stored, unmasked.
type PersonalData struct {
	ID           string    `json:"id"`
	Phone        string    `json:"phone,omitempty"`
	Name         string    `json:"name,omitempty"`
	ConsentAt    time.Time `json:"consent_at"`
	CreatedAt    time.Time `json:"created_at"`
	LastVisitAt  time.Time `json:"last_visit_at,omitzero"`
	AnonymisedAt time.Time `json:"anonymised_at,omitzero"`
	MergedAt     time.Time `json:"merged_at,omitzero"`
}

func (s *Service) exportDoc(ctx context.Context, id string) (ExportDoc, error) {
	doc := ExportDoc{Format: ExportFormat, Duplicates: []PersonalData{}, Events: []counter.Event{}}
	tx, err := s.r().BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return doc, err
	}
	defer tx.Rollback()
	detail, err := s.customerDetail(ctx, tx, id)
	if err != nil {
		return doc, err
	}
	doc.Summary, doc.Cards, doc.Movements = detail.Customer, detail.Cards, detail.Movements
	people, err := personalData(ctx, tx, `WHERE uuid = ?
		UNION ALL SELECT * FROM (`+personalSelect+` WHERE merged_into = (SELECT id FROM loyalty_customers WHERE uuid = ?) ORDER BY id)`, id, id)
	if err != nil {
		return doc, err
	}
	for _, p := range people {
		if p.ID == id {
			doc.Customer = p
		} else {
			doc.Duplicates = append(doc.Duplicates, p)
		}
	}
	entities := []string{customerEntity(id)}
	for _, d := range doc.Duplicates {
		entities = append(entities, customerEntity(d.ID))
	}
	for _, c := range doc.Cards {
		entities = append(entities, cardEntity(c.ID))
	}
	for _, e := range entities {
		evs, err := s.svc.EntityEvents(ctx, e)
		if err != nil {
			return doc, err
		}
		doc.Events = append(doc.Events, evs...)
	}
	return doc, nil
}

const personalSelect = `SELECT uuid, coalesce(phone, ''), name, consent_at, created_at, last_visit_at, anonymised_at, merged_at
	FROM loyalty_customers`

func personalData(ctx context.Context, q queryer, where string, args ...any) ([]PersonalData, error) {
	rows, err := q.QueryContext(ctx, personalSelect+` `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("personal data: %w", err)
	}
	defer rows.Close()
	var out []PersonalData
	for rows.Next() {
		var p PersonalData
		var consent, created int64
		var visit, anonymised, merged sql.NullInt64
		if err := rows.Scan(&p.ID, &p.Phone, &p.Name, &consent, &created, &visit, &anonymised, &merged); err != nil {
			return nil, fmt.Errorf("personal data: %w", err)
		}
		p.ConsentAt, p.CreatedAt = time.UnixMilli(consent), time.UnixMilli(created)
		p.LastVisitAt, p.AnonymisedAt, p.MergedAt = fromMs(visit), fromMs(anonymised), fromMs(merged)
		out = append(out, p)
	}
	return out, rows.Err()
}

// Why a customer was anonymised.
const (
	AnonymisedOnRequest = "request"
	AnonymisedInactive  = "inactive"
)

// Anonymise erases a customer on request (manager or owner): phone and
// name go (theirs and those of duplicates merged into them), their cards
// are revoked and what was left on them is written off. The movements
// stay, under an anonymous customer, so the programme's totals still add
// up; the event log never held the phone or name.
func (s *Service) Anonymise(ctx context.Context, sess *counter.Session, id string) error {
	if err := sess.Require(counter.RoleManager); err != nil {
		return err
	}
	err := s.write(ctx, sess, func(w *writer) error {
		cust, err := w.liveCustomer(id)
		if err != nil {
			return err
		}
		return w.anonymise(cust, AnonymisedOnRequest)
	})
	if err != nil {
		return fmt.Errorf("anonymise %s: %w", id, err)
	}
	return nil
}

func (w *writer) anonymise(cust customerRow, reason string) error {
	cards, err := w.activeCards(cust.id)
	if err != nil {
		return err
	}
	forfeit := 0
	for _, c := range cards {
		if _, err := w.expireDue(c); err != nil {
			return err
		}
		lots, err := w.liveLots(c.id)
		if err != nil {
			return err
		}
		total := 0
		for _, l := range lots {
			total += l.remaining
		}
		if total > 0 {
			if err := w.writeOff(c, lots, total, 0, RevokeAnonymised); err != nil {
				return err
			}
			forfeit += total
		}
		if err := w.revokeCard(c, RevokeAnonymised, cardRow{}); err != nil {
			return err
		}
	}
	// The person and the duplicates merged into them (their phones still
	// led here).
	for _, where := range []string{`id = ?`, `merged_into = ?`} {
		if _, err := w.tx.Exec(`UPDATE loyalty_customers SET phone = NULL, name = '', name_norm = '',
			anonymised_at = coalesce(anonymised_at, ?) WHERE `+where, w.nowMs(), cust.id); err != nil {
			return fmt.Errorf("anonymise: %w", err)
		}
	}
	return w.emit(EvCustomerAnonymised, customerEntity(cust.uuid), customerAnonymised{Customer: cust.uuid, Reason: reason, Forfeit: forfeit})
}

// AnonymiseInactive anonymises, as the system, every customer whose last
// visit (or enrolment, if they never came) is more than days ago; days ≤ 0
// means the programme's AnonymiseAfterDays (365 by default). It returns
// how many were anonymised.
func (s *Service) AnonymiseInactive(ctx context.Context, days int) (int, error) {
	if days <= 0 {
		days = DefaultAnonymiseDays
		p, err := loadProgramme(ctx, s.r(), 0)
		if err == nil {
			days = p.AnonymiseAfterDays
		}
	}
	cutoff := s.svc.Now().AddDate(0, 0, -days).UnixMilli()
	done := 0
	for {
		var batch int
		err := s.write(ctx, nil, func(w *writer) error {
			rows, err := w.tx.Query(`SELECT `+customerColumns+` WHERE anonymised_at IS NULL AND merged_into IS NULL
				AND coalesce(last_visit_at, created_at) < ? ORDER BY coalesce(last_visit_at, created_at), id LIMIT ?`,
				cutoff, s.opt.ExpireBatch)
			if err != nil {
				return fmt.Errorf("inactive customers: %w", err)
			}
			var list []customerRow
			for rows.Next() {
				c, err := scanCustomer(rows)
				if err != nil {
					rows.Close()
					return fmt.Errorf("inactive customers: %w", err)
				}
				list = append(list, c)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return fmt.Errorf("inactive customers: %w", err)
			}
			for _, c := range list {
				if err := w.anonymise(c, AnonymisedInactive); err != nil {
					return err
				}
			}
			batch = len(list)
			return nil
		})
		if err != nil {
			return done, fmt.Errorf("anonymise inactive: %w", err)
		}
		done += batch
		if batch < s.opt.ExpireBatch {
			return done, nil
		}
	}
}
