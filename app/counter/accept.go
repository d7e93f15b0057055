package counter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"smartpoint/app/errs"
	"smartpoint/app/scan"
)

// Delivery is one acceptance session: a courier's drop, usually against
// one partner's manifest.
type Delivery struct {
	ID         int64     `json:"id"`
	Partner    string    `json:"partner,omitempty"`
	ManifestID int64     `json:"manifest_id,omitempty"`
	Courier    string    `json:"courier,omitempty"`
	OpenedAt   time.Time `json:"opened_at"`
	ClosedAt   time.Time `json:"closed_at,omitzero"`
	Expected   int       `json:"expected"` // parcels of the manifest
	Scanned    int       `json:"scanned"`  // parcels accepted in this delivery
}

// Outcome is how a scan at acceptance went; the UI gives each its colour
// and sound.
type Outcome string

const (
	OutcomeOK         Outcome = "ok"
	OutcomeUnexpected Outcome = "unexpected" // not in any manifest: accepted and flagged
	OutcomeDuplicate  Outcome = "duplicate"  // already accepted: nothing changed
	OutcomeDamaged    Outcome = "damaged"    // accepted with a damage note
)

// AcceptOptions qualify one acceptance scan.
type AcceptOptions struct {
	Damaged    bool
	DamageNote string
	Size       string // S/M/L/XL when the clerk overrides the manifest
	// Partner is the clerk's explicit choice for a parcel whose code no
	// rule recognises or several partners' rules match.
	Partner string
}

// AcceptResult is what the clerk sees after a scan, committed.
type AcceptResult struct {
	Outcome  Outcome     `json:"outcome"`
	Parcel   Parcel      `json:"parcel"`
	Cell     string      `json:"cell"`
	Scan     scan.Result `json:"scan"`
	Delivery Delivery    `json:"delivery"`
}

// OpenDelivery starts acceptance of a courier's drop. partner and manifest
// are optional; with a manifest the screen shows expected vs scanned.
func (s *Service) OpenDelivery(ctx context.Context, sess *Session, partner string, manifestID int64, courier string) (Delivery, error) {
	if err := sess.onShift(); err != nil {
		return Delivery{}, err
	}
	var d Delivery
	err := s.tx(ctx, sess, func(t *txn) error {
		var err error
		d, err = t.openDelivery(ctx, partner, manifestID, courier)
		return err
	})
	return d, err
}

func (t *txn) openDelivery(ctx context.Context, partner string, manifestID int64, courier string) (Delivery, error) {
	var partnerID any
	if partner == "" && manifestID != 0 {
		var pid int64
		if err := t.QueryRow(`SELECT partner_id FROM manifests WHERE id=?`, manifestID).Scan(&pid); err != nil {
			return Delivery{}, errs.New(ErrDelivery, "ID", manifestID)
		}
		partner = t.s.partnerByID(pid).Code
	}
	if partner != "" {
		p, ok := t.s.partnerByCode(partner)
		if !ok {
			return Delivery{}, errs.New(ErrPartner, "Partner", partner)
		}
		partnerID = p.ID
	}
	var manifest any
	if manifestID != 0 {
		manifest = manifestID
	}
	res, err := t.Exec(`INSERT INTO deliveries(partner_id,manifest_id,courier,opened_at,clerk_id,shift_id) VALUES(?,?,?,?,?,?)`,
		partnerID, manifest, strings.TrimSpace(courier), t.nowMs(), t.sess.clerkID, t.sess.shiftID)
	if err != nil {
		return Delivery{}, fmt.Errorf("open delivery: %w", err)
	}
	id, _ := res.LastInsertId()
	if err := t.emit(EvDeliveryOpened, fmt.Sprintf("delivery:%d", id), map[string]any{"partner": partner, "manifest_id": manifestID, "courier": courier}); err != nil {
		return Delivery{}, err
	}
	return t.delivery(ctx, id)
}

func (t *txn) delivery(ctx context.Context, id int64) (Delivery, error) {
	return loadDelivery(ctx, t.Tx, t.s, id, true)
}

type rowQueryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// loadDelivery reads a delivery; withCounts adds its progress (two counts,
// skipped where the caller only needs to know the delivery is open).
func loadDelivery(ctx context.Context, q rowQueryer, s *Service, id int64, withCounts bool) (Delivery, error) {
	var d Delivery
	var partnerID, manifestID, closed sql.NullInt64
	var opened int64
	err := q.QueryRowContext(ctx, `SELECT id,partner_id,manifest_id,courier,opened_at,closed_at FROM deliveries WHERE id=?`, id).
		Scan(&d.ID, &partnerID, &manifestID, &d.Courier, &opened, &closed)
	if errors.Is(err, sql.ErrNoRows) {
		return d, errs.New(ErrDelivery, "ID", id)
	}
	if err != nil {
		return d, fmt.Errorf("delivery %d: %w", id, err)
	}
	d.OpenedAt, d.ClosedAt, d.ManifestID = time.UnixMilli(opened), fromMs(closed), manifestID.Int64
	if partnerID.Valid {
		d.Partner = s.partnerByID(partnerID.Int64).Code
	}
	if !withCounts {
		return d, nil
	}
	if d.ManifestID != 0 {
		q.QueryRowContext(ctx, `SELECT count(*) FROM parcels WHERE manifest_id=?`, d.ManifestID).Scan(&d.Expected)
	}
	q.QueryRowContext(ctx, `SELECT count(*) FROM parcels WHERE delivery_id=?`, id).Scan(&d.Scanned)
	return d, nil
}

// Delivery reads a delivery with its progress.
func (s *Service) Delivery(ctx context.Context, id int64) (Delivery, error) {
	return loadDelivery(ctx, s.db.R, s, id, true)
}

// currentDelivery is the shift's latest open delivery, opened on demand so
// a clerk can just start scanning.
func (t *txn) currentDelivery(ctx context.Context) (Delivery, error) {
	var id int64
	err := t.QueryRow(`SELECT id FROM deliveries WHERE shift_id=? AND closed_at IS NULL ORDER BY id DESC LIMIT 1`, t.sess.shiftID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return t.openDelivery(ctx, "", 0, "")
	}
	if err != nil {
		return Delivery{}, err
	}
	return loadDelivery(ctx, t.Tx, t.s, id, false)
}

// Accept processes one acceptance scan and commits it before returning:
// an acknowledged scan survives a power cut.
func (s *Service) Accept(ctx context.Context, sess *Session, deliveryID int64, raw string, opt AcceptOptions) (AcceptResult, error) {
	if err := sess.onShift(); err != nil {
		return AcceptResult{}, err
	}
	res := s.Classify(raw)
	if res.Kind == scan.KindUnknown && res.Code == "" {
		return AcceptResult{}, errs.New(ErrUnknownCode, "Code", res.Raw)
	}
	switch res.Kind {
	case scan.KindCell, scan.KindReturnBox, scan.KindCustomerQR, scan.KindLoyaltyCard, scan.KindPhone, scan.KindPickupCode:
		return AcceptResult{}, errs.New(ErrWrongKind, "Code", res.Code, "Kind", string(res.Kind))
	}
	if opt.Size != "" {
		opt.Size = strings.ToUpper(opt.Size)
		if sizeRank(opt.Size) == 0 && opt.Size != "S" {
			return AcceptResult{}, errs.New(ErrInvalid, "Field", "size", "Value", opt.Size)
		}
	}
	out := AcceptResult{Scan: res}
	err := s.tx(ctx, sess, func(t *txn) error {
		d, err := t.deliveryFor(ctx, deliveryID)
		if err != nil {
			return err
		}
		p, err := t.resolveParcel(ctx, res, d.Partner)
		switch {
		case errs.Has(err, ErrNotFound):
			p, err = t.acceptUnexpected(ctx, d, res, opt)
			out.Outcome = OutcomeUnexpected
		case err != nil:
			return err
		case p.Status == StatusExpected:
			p, err = t.acceptExpected(ctx, d, p, opt)
			out.Outcome = OutcomeOK
		case p.Status == StatusStored || p.Status == StatusToReturn:
			out.Outcome = OutcomeDuplicate
			err = t.emit(EvParcelDuplicate, p.Entity(), map[string]any{"delivery": d.ID, "cell": p.Cell})
		default:
			return t.s.stateError(p)
		}
		if err != nil {
			return err
		}
		if out.Outcome != OutcomeDuplicate && opt.Damaged {
			out.Outcome = OutcomeDamaged
		}
		out.Parcel, out.Cell = p, p.Cell
		out.Delivery, err = t.delivery(ctx, d.ID)
		return err
	})
	if err != nil {
		return AcceptResult{}, fmt.Errorf("accept %s: %w", res.Code, err)
	}
	return out, nil
}

func (t *txn) deliveryFor(ctx context.Context, id int64) (Delivery, error) {
	if id == 0 {
		return t.currentDelivery(ctx)
	}
	d, err := loadDelivery(ctx, t.Tx, t.s, id, false)
	if err != nil {
		return d, err
	}
	if !d.ClosedAt.IsZero() {
		return d, errs.New(ErrDeliveryDone, "ID", id)
	}
	return d, nil
}

func (t *txn) acceptExpected(ctx context.Context, d Delivery, p Parcel, opt AcceptOptions) (Parcel, error) {
	size := p.Size
	if opt.Size != "" {
		size = opt.Size
	}
	cell, err := t.pickCell(p.RecipientKey, size)
	if err != nil {
		return p, err
	}
	partner, _ := t.s.partnerByCode(p.Partner)
	deadline := t.now.AddDate(0, 0, partner.StorageDays)
	_, err = t.Exec(`UPDATE parcels SET status='stored', cell_id=?, size=?, damaged=?, damage_note=?, delivery_id=?, accepted_at=?,
		deadline_at=?, updated_at=? WHERE id=?`, cell.ID, size, opt.Damaged, opt.DamageNote, d.ID, t.nowMs(), deadline.UnixMilli(), t.nowMs(), p.ID)
	if err != nil {
		return p, fmt.Errorf("store parcel: %w", err)
	}
	if err := t.occupy(cell.ID); err != nil {
		return p, err
	}
	if err := t.emitAccepted(p.Partner, p.Track, d, cell.Label, size, opt, false, deadline); err != nil {
		return p, err
	}
	return t.parcel(ctx, p.ID)
}

func (t *txn) acceptUnexpected(ctx context.Context, d Delivery, res scan.Result, opt AcceptOptions) (Parcel, error) {
	partner, err := t.partnerForUnknown(d, res, opt)
	if err != nil {
		return Parcel{}, err
	}
	size := opt.Size
	cell, err := t.pickCell("", size)
	if err != nil {
		return Parcel{}, err
	}
	deadline := t.now.AddDate(0, 0, partner.StorageDays)
	r, err := t.Exec(`INSERT INTO parcels(partner_id,track,size,status,cell_id,unexpected,damaged,damage_note,delivery_id,accepted_at,deadline_at,updated_at)
		VALUES(?,?,?,'stored',?,1,?,?,?,?,?,?)`, partner.ID, res.Code, size, cell.ID, opt.Damaged, opt.DamageNote, d.ID, t.nowMs(), deadline.UnixMilli(), t.nowMs())
	if err != nil {
		return Parcel{}, fmt.Errorf("insert unexpected parcel: %w", err)
	}
	id, _ := r.LastInsertId()
	if err := t.occupy(cell.ID); err != nil {
		return Parcel{}, err
	}
	if err := t.emitAccepted(partner.Code, res.Code, d, cell.Label, size, opt, true, deadline); err != nil {
		return Parcel{}, err
	}
	return t.parcel(ctx, id)
}

// partnerForUnknown decides whose parcel an unannounced code is — only
// from facts: a single matching rule, the delivery's partner among the
// matches, or the clerk's explicit choice. Never a guess.
func (t *txn) partnerForUnknown(d Delivery, res scan.Result, opt AcceptOptions) (Partner, error) {
	choose := func(code string) (Partner, error) {
		p, ok := t.s.partnerByCode(code)
		if !ok {
			return p, errs.New(ErrPartner, "Partner", code)
		}
		return p, nil
	}
	if opt.Partner != "" {
		return choose(opt.Partner)
	}
	if res.Kind == scan.KindUnknown || res.Kind == scan.KindMarking {
		return Partner{}, errs.New(ErrUnknownCode, "Code", res.Code)
	}
	if res.Partner != "" {
		return choose(res.Partner)
	}
	for _, c := range res.Candidates {
		if c == d.Partner {
			return choose(c)
		}
	}
	return Partner{}, errs.New(ErrAmbiguous, "Code", res.Code, "Partners", strings.Join(res.Candidates, ", "))
}

func (t *txn) emitAccepted(partner, track string, d Delivery, cell, size string, opt AcceptOptions, unexpected bool, deadline time.Time) error {
	return t.emit(EvParcelAccepted, parcelEntity(partner, track), map[string]any{
		"partner": partner, "track": track, "delivery": d.ID, "cell": cell, "size": size,
		"damaged": opt.Damaged, "damage_note": opt.DamageNote, "unexpected": unexpected, "deadline": deadline.UnixMilli(),
	})
}

// Discrepancies is the end-of-delivery list a clerk signs with the courier.
type Discrepancies struct {
	Delivery   Delivery `json:"delivery"`
	Missing    []Parcel `json:"missing"`    // expected by the manifest, not scanned
	Unexpected []Parcel `json:"unexpected"` // scanned, not in the manifest
	Damaged    []Parcel `json:"damaged"`
}

// CloseDelivery finishes acceptance and returns the discrepancy list.
func (s *Service) CloseDelivery(ctx context.Context, sess *Session, id int64) (Discrepancies, error) {
	if err := sess.onShift(); err != nil {
		return Discrepancies{}, err
	}
	var out Discrepancies
	err := s.tx(ctx, sess, func(t *txn) error {
		if id == 0 {
			// The shift's current delivery; closing "nothing" is an error, not an empty act.
			if err := t.QueryRow(`SELECT id FROM deliveries WHERE shift_id=? AND closed_at IS NULL ORDER BY id DESC LIMIT 1`,
				t.sess.shiftID).Scan(&id); err != nil {
				return errs.New(ErrDelivery, "ID", 0)
			}
		}
		d, err := t.deliveryFor(ctx, id)
		if err != nil {
			return err
		}
		if _, err := t.Exec(`UPDATE deliveries SET closed_at=? WHERE id=?`, t.nowMs(), d.ID); err != nil {
			return err
		}
		if d.ManifestID != 0 {
			if out.Missing, err = queryParcels(ctx, t.Tx, `WHERE p.manifest_id=? AND p.status='expected' ORDER BY p.track`, d.ManifestID); err != nil {
				return err
			}
		}
		if out.Unexpected, err = queryParcels(ctx, t.Tx, `WHERE p.delivery_id=? AND p.unexpected=1 ORDER BY p.track`, d.ID); err != nil {
			return err
		}
		if out.Damaged, err = queryParcels(ctx, t.Tx, `WHERE p.delivery_id=? AND p.damaged=1 ORDER BY p.track`, d.ID); err != nil {
			return err
		}
		if out.Delivery, err = t.delivery(ctx, d.ID); err != nil {
			return err
		}
		return t.emit(EvDeliveryClosed, fmt.Sprintf("delivery:%d", d.ID), map[string]any{
			"scanned": out.Delivery.Scanned, "expected": out.Delivery.Expected,
			"missing": len(out.Missing), "unexpected": len(out.Unexpected), "damaged": len(out.Damaged)})
	})
	return out, err
}
