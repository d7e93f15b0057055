package counter

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"smartpoint/app/errs"
	"smartpoint/app/scan"
)

// Status is where a parcel is in its life at the point.
type Status string

const (
	StatusExpected Status = "expected"  // announced by a manifest, not yet here
	StatusStored   Status = "stored"    // on a shelf, waiting for the customer
	StatusIssued   Status = "issued"    // handed to the customer
	StatusToReturn Status = "to_return" // refused or overdue, still on a shelf
	StatusBoxed    Status = "boxed"     // packed in a return box
	StatusReturned Status = "returned"  // handed back to the courier with an act
)

// Parcel is one shipment as the counter sees it.
type Parcel struct {
	ID             int64     `json:"id"`
	Partner        string    `json:"partner"`
	Track          string    `json:"track"`
	OrderNo        string    `json:"order_no,omitempty"`
	PickupCode     string    `json:"pickup_code,omitempty"`
	RecipientName  string    `json:"recipient_name,omitempty"`
	RecipientPhone string    `json:"recipient_phone,omitempty"`
	RecipientKey   string    `json:"-"`
	Size           string    `json:"size,omitempty"`
	CODAmount      int64     `json:"cod_amount,omitempty"`
	Currency       string    `json:"currency,omitempty"`
	Status         Status    `json:"status"`
	Cell           string    `json:"cell,omitempty"`
	CellID         int64     `json:"-"`
	Unexpected     bool      `json:"unexpected,omitempty"`
	Damaged        bool      `json:"damaged,omitempty"`
	DamageNote     string    `json:"damage_note,omitempty"`
	ManifestID     int64     `json:"manifest_id,omitempty"`
	DeliveryID     int64     `json:"delivery_id,omitempty"`
	AcceptedAt     time.Time `json:"accepted_at,omitzero"`
	DeadlineAt     time.Time `json:"deadline_at,omitzero"`
	IssuedAt       time.Time `json:"issued_at,omitzero"`
	Handover       string    `json:"handover,omitempty"`
	ReturnReason   string    `json:"return_reason,omitempty"`
	ReturnBox      string    `json:"return_box,omitempty"`
	ReturnAct      string    `json:"return_act,omitempty"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// Entity is the parcel's key in the event log, the same at every point.
func (p Parcel) Entity() string { return parcelEntity(p.Partner, p.Track) }

// MaskedPhone hides all but the last digits: the phone is personal data.
func (p Parcel) MaskedPhone() string { return scan.MaskPhone(p.RecipientPhone) }

// Overdue reports whether a stored parcel is past its storage deadline.
func (p Parcel) Overdue(now time.Time) bool {
	return p.Status == StatusStored && !p.DeadlineAt.IsZero() && now.After(p.DeadlineAt)
}

// parcelSelect is the one SELECT every parcel read uses.
const parcelSelect = `SELECT p.id, pa.code, p.track, p.order_no, p.pickup_code, p.recipient_name, p.recipient_phone, p.recipient_key,
	p.size, p.cod_amount, p.currency, p.status, coalesce(c.label,''), coalesce(p.cell_id,0), p.unexpected, p.damaged, p.damage_note,
	coalesce(p.manifest_id,0), coalesce(p.delivery_id,0), p.accepted_at, p.deadline_at, p.issued_at, coalesce(h.number,''),
	p.return_reason, coalesce(b.number,''), coalesce(a.number,''), p.updated_at
	FROM parcels p
	JOIN partners pa ON pa.id = p.partner_id
	LEFT JOIN cells c ON c.id = p.cell_id
	LEFT JOIN handovers h ON h.id = p.handover_id
	LEFT JOIN return_boxes b ON b.id = p.return_box_id
	LEFT JOIN return_acts a ON a.id = p.return_act_id `

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func queryParcels(ctx context.Context, q queryer, where string, args ...any) ([]Parcel, error) {
	rows, err := q.QueryContext(ctx, parcelSelect+where, args...)
	if err != nil {
		return nil, fmt.Errorf("parcels: %w", err)
	}
	defer rows.Close()
	var out []Parcel
	for rows.Next() {
		var p Parcel
		var accepted, deadline, issued sql.NullInt64
		var updated int64
		if err := rows.Scan(&p.ID, &p.Partner, &p.Track, &p.OrderNo, &p.PickupCode, &p.RecipientName, &p.RecipientPhone, &p.RecipientKey,
			&p.Size, &p.CODAmount, &p.Currency, &p.Status, &p.Cell, &p.CellID, &p.Unexpected, &p.Damaged, &p.DamageNote,
			&p.ManifestID, &p.DeliveryID, &accepted, &deadline, &issued, &p.Handover,
			&p.ReturnReason, &p.ReturnBox, &p.ReturnAct, &updated); err != nil {
			return nil, err
		}
		p.AcceptedAt, p.DeadlineAt, p.IssuedAt = fromMs(accepted), fromMs(deadline), fromMs(issued)
		p.UpdatedAt = time.UnixMilli(updated)
		out = append(out, p)
	}
	return out, rows.Err()
}

// Parcel loads one parcel by id.
func (s *Service) Parcel(ctx context.Context, id int64) (Parcel, error) {
	ps, err := queryParcels(ctx, s.db.R, `WHERE p.id = ?`, id)
	if err != nil {
		return Parcel{}, err
	}
	if len(ps) == 0 {
		return Parcel{}, errs.New(ErrNotFound, "Code", fmt.Sprint(id))
	}
	return ps[0], nil
}

func (t *txn) parcel(ctx context.Context, id int64) (Parcel, error) {
	ps, err := queryParcels(ctx, t.Tx, `WHERE p.id = ?`, id)
	if err != nil {
		return Parcel{}, err
	}
	if len(ps) == 0 {
		return Parcel{}, errs.New(ErrNotFound, "Code", fmt.Sprint(id))
	}
	return ps[0], nil
}

// resolveParcel finds the one parcel a scanned parcel code means. The scan
// must be a parcel code; an exact track match wins over rule guessing, and
// a track two partners share is resolved by the recognised partner or by
// prefer (the partner of the current delivery or box).
func (t *txn) resolveParcel(ctx context.Context, res scan.Result, prefer string) (Parcel, error) {
	switch res.Kind {
	case scan.KindParcel, scan.KindUnknown, scan.KindOrder, scan.KindMarking:
	default:
		return Parcel{}, errs.New(ErrWrongKind, "Code", res.Code, "Kind", string(res.Kind))
	}
	found, err := queryParcels(ctx, t.Tx, `WHERE p.track = ?`, res.Code)
	if err != nil {
		return Parcel{}, err
	}
	if len(found) == 0 {
		// A code typed through a Russian layout that no rule recognises
		// may still be a manifest's track: an exact match is a fact, not a guess.
		if mapped, changed := scan.FromRussianLayout(res.Code); changed {
			mapped = strings.ToUpper(mapped)
			if found, err = queryParcels(ctx, t.Tx, `WHERE p.track = ?`, mapped); err != nil {
				return Parcel{}, err
			}
			if len(found) > 0 {
				res.Code, res.LayoutFixed = mapped, true
			}
		}
	}
	return pickOne(found, res, prefer)
}

func pickOne(found []Parcel, res scan.Result, prefer string) (Parcel, error) {
	switch len(found) {
	case 0:
		return Parcel{}, errs.New(ErrNotFound, "Code", res.Code)
	case 1:
		return found[0], nil
	}
	for _, want := range []string{res.Partner, prefer} {
		if want == "" {
			continue
		}
		for _, p := range found {
			if p.Partner == want {
				return p, nil
			}
		}
	}
	var names []string
	for _, p := range found {
		names = append(names, p.Partner)
	}
	return Parcel{}, errs.New(ErrAmbiguous, "Code", res.Code, "Partners", strings.Join(names, ", "))
}

// stateError explains why a parcel in its current state cannot take part
// in an action: what happened to it and when.
func (s *Service) stateError(p Parcel) error {
	switch p.Status {
	case StatusIssued:
		return errs.New(ErrIssued, "Track", p.Track, "At", p.IssuedAt.In(s.loc), "Handover", p.Handover)
	case StatusReturned:
		return errs.New(ErrReturned, "Track", p.Track, "At", p.UpdatedAt.In(s.loc), "Act", p.ReturnAct)
	case StatusBoxed:
		return errs.New(ErrBoxed, "Track", p.Track, "Box", p.ReturnBox)
	case StatusExpected:
		return errs.New(ErrNotArrived, "Track", p.Track)
	case StatusToReturn:
		return errs.New(ErrToReturn, "Track", p.Track, "Reason", p.ReturnReason, "Cell", p.Cell)
	}
	return errs.New(ErrNotOnHand, "Track", p.Track, "Cell", p.Cell)
}

// recipientKey groups one customer's parcels: the phone if known, else the
// name; parcels without either are not grouped.
func recipientKey(phone, name string) string {
	if phone != "" {
		return phone
	}
	return strings.ToLower(strings.Join(strings.Fields(name), " "))
}
