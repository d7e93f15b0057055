package loyalty

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/app/scan"
)

// customerRow is a customer as actions need it.
type customerRow struct {
	id         int64
	uuid       string
	phone      string // "" once anonymised
	name       string
	createdAt  int64
	anonymised bool
	mergedInto int64
	lastVisit  int64
}

const customerColumns = `id, uuid, coalesce(phone, ''), name, created_at, anonymised_at IS NOT NULL, coalesce(merged_into, 0),
	coalesce(last_visit_at, 0) FROM loyalty_customers`

func scanCustomer(row interface{ Scan(...any) error }) (customerRow, error) {
	var c customerRow
	err := row.Scan(&c.id, &c.uuid, &c.phone, &c.name, &c.createdAt, &c.anonymised, &c.mergedInto, &c.lastVisit)
	return c, err
}

func (c customerRow) active() bool { return !c.anonymised && c.mergedInto == 0 }

// customerByUUID reads a customer by public id.
func customerByUUID(ctx context.Context, q queryer, id string) (customerRow, error) {
	c, err := scanCustomer(q.QueryRowContext(ctx, `SELECT `+customerColumns+` WHERE uuid = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, errs.New(ErrCustomerUnknown, "ID", id)
	}
	if err != nil {
		return c, fmt.Errorf("customer %s: %w", id, err)
	}
	return c, nil
}

// customerByPhone finds who a phone belongs to now: its active customer,
// else the customer a duplicate with that phone was merged into. ok is
// false when nobody (active) has it.
func customerByPhone(ctx context.Context, q queryer, e164 string) (customerRow, bool, error) {
	c, err := scanCustomer(q.QueryRowContext(ctx, `SELECT `+customerColumns+` WHERE phone = ?
		ORDER BY (anonymised_at IS NULL AND merged_into IS NULL) DESC, id DESC LIMIT 1`, e164))
	if errors.Is(err, sql.ErrNoRows) {
		return c, false, nil
	}
	if err != nil {
		return c, false, fmt.Errorf("customer by phone: %w", err)
	}
	for hops := 0; c.mergedInto != 0; hops++ {
		if hops == 16 {
			return c, false, fmt.Errorf("customer %s: merge chain too long", c.uuid)
		}
		if c, err = scanCustomer(q.QueryRowContext(ctx, `SELECT `+customerColumns+` WHERE id = ?`, c.mergedInto)); err != nil {
			return c, false, fmt.Errorf("merged customer: %w", err)
		}
	}
	return c, c.active(), nil
}

// normalisePhone reads a phone the way the counter does for the point's
// country (E.164), or refuses it.
func (s *Service) normalisePhone(ctx context.Context, raw string) (string, error) {
	point, err := s.svc.PointProfile(ctx)
	if err != nil {
		return "", fmt.Errorf("point profile: %w", err)
	}
	e164, ok := scan.NormalizePhone(raw, point.Country)
	if !ok {
		return "", errs.New(ErrBadPhone, "Phone", raw)
	}
	return e164, nil
}

func cleanCustomerName(name string) (string, error) {
	name = strings.Join(strings.Fields(name), " ")
	if len([]rune(name)) > maxNameLen {
		return "", invalid("name", name)
	}
	return name, nil
}

// Enrol makes a customer a member: their phone (normalised for the
// point's country), an optional name, and their consent, recorded with its
// time and the clerk who asked. Any clerk may enrol; without consent
// nothing is stored. A phone that already has a member gives
// ErrCustomerExists with that member's card (Args Card, Customer), so the
// counter can offer it instead.
func (s *Service) Enrol(ctx context.Context, sess *counter.Session, phone, name string, consent bool) (Card, error) {
	if err := sess.Require(counter.RoleClerk); err != nil {
		return Card{}, err
	}
	if !consent {
		return Card{}, errs.New(ErrConsentRequired)
	}
	e164, err := s.normalisePhone(ctx, phone)
	if err != nil {
		return Card{}, err
	}
	if name, err = cleanCustomerName(name); err != nil {
		return Card{}, err
	}
	var out Card
	err = s.write(ctx, sess, func(w *writer) error {
		p, err := loadProgramme(ctx, w.q(), 0)
		if err != nil {
			return err
		}
		if err := w.refuseExisting(e164, p); err != nil {
			return err
		}
		cust := customerRow{uuid: w.s.ids.New(), phone: e164, name: name, createdAt: w.nowMs()}
		res, err := w.tx.Exec(`INSERT INTO loyalty_customers(uuid, phone, name, name_norm, consent_at, consent_clerk_id, created_at)
			VALUES(?, ?, ?, ?, ?, ?, ?)`, cust.uuid, e164, name, strings.ToLower(name), w.nowMs(), nullInt(w.clerk), w.nowMs())
		if err != nil {
			return fmt.Errorf("insert customer: %w", err)
		}
		if cust.id, err = res.LastInsertId(); err != nil {
			return err
		}
		if err := w.emit(EvCustomerCreated, customerEntity(cust.uuid), customerCreated{Customer: cust.uuid,
			MaskedPhone: scan.MaskPhone(e164), ConsentAt: w.now, ConsentBy: w.clerk}); err != nil {
			return err
		}
		card, err := w.issueCard(cust, p, "enrol", cardRow{})
		if err != nil {
			return err
		}
		out, err = cardView(ctx, w.q(), card.id, w.now)
		return err
	})
	if err != nil {
		return Card{}, fmt.Errorf("enrol %s: %w", scan.MaskPhone(e164), err)
	}
	return out, nil
}

// refuseExisting gives ErrCustomerExists when the phone has an active
// member (merged duplicates count: their phone leads to the survivor).
func (w *writer) refuseExisting(e164 string, p programme) error {
	cust, ok, err := customerByPhone(w.ctx, w.q(), e164)
	if err != nil || !ok {
		return err
	}
	e := errs.New(ErrCustomerExists, "Customer", cust.uuid, "Phone", scan.MaskPhone(e164), "Card", "")
	if card, found, err := w.customerCard(cust.id, p.rowID); err != nil {
		return err
	} else if found {
		e.Args["Card"] = FormatCode(card.code)
	}
	return e
}
