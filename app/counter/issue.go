package counter

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"smartpoint/app/errs"
)

// RefuseReasons are the reasons a customer may refuse a parcel at the
// counter; "other" needs a note.
var RefuseReasons = []string{"changed_mind", "damaged", "wrong_item", "not_as_described", "size", "late", "other"}

// Payment methods for cash on delivery.
const (
	PayCash = "cash"
	PayCard = "card"
)

// IssueLookup is a customer's parcels found at the counter.
type IssueLookup struct {
	Query       string   `json:"query"`
	By          string   `json:"by"` // pickup_code, phone, track, order
	Recipient   string   `json:"recipient"`
	MaskedPhone string   `json:"masked_phone"`
	Parcels     []Parcel `json:"parcels"` // what the query found, on the shelves
	Others      []Parcel `json:"others"`  // the same recipient's other parcels on the shelves
	Due         int64    `json:"due"`     // cash on delivery of Parcels
}

// FindForIssue finds the parcels a customer came for, by pickup code,
// phone, track or order number (typed or scanned). It is Search narrowed to
// what identifies one customer, plus the customer's other parcels.
func (s *Service) FindForIssue(ctx context.Context, sess *Session, query string) (IssueLookup, error) {
	if err := sess.onShift(); err != nil {
		return IssueLookup{}, err
	}
	found, err := s.Search(ctx, sess, query, searchLimitMax)
	if err != nil {
		return IssueLookup{}, err
	}
	out := IssueLookup{Query: found.Query, By: found.By}
	switch found.By {
	case SearchTrack, SearchPickupCode, SearchOrder, SearchPhone:
	case SearchNone:
		return out, errs.New(ErrNotFound, "Code", found.Query)
	default: // a cell, a box, a name or 4 digits may mean several customers
		return out, errs.New(ErrWrongKind, "Code", found.Query, "Kind", found.By)
	}
	for _, p := range found.Parcels {
		if p.Status == StatusStored {
			out.Parcels = append(out.Parcels, p)
			out.Due += p.CODAmount
		}
	}
	// The checklist in the order the parcels arrived, as on the shelves.
	slices.SortStableFunc(out.Parcels, func(a, b Parcel) int {
		return cmp.Or(a.AcceptedAt.Compare(b.AcceptedAt), cmp.Compare(a.ID, b.ID))
	})
	if len(out.Parcels) == 0 {
		// Explain the most relevant one: issued yesterday, returned, not arrived…
		return out, s.stateError(found.Parcels[0])
	}
	first := out.Parcels[0]
	out.Recipient, out.MaskedPhone = first.RecipientName, first.MaskedPhone()
	if first.RecipientKey != "" {
		others, err := queryParcels(ctx, s.db.R, `WHERE p.recipient_key = ? AND p.status IN ('stored','to_return') ORDER BY p.accepted_at`, first.RecipientKey)
		if err != nil {
			return out, err
		}
		for _, o := range others {
			// the status term above matches the partial index parcels_onhand
			if o.Status == StatusStored && !slices.ContainsFunc(out.Parcels, func(p Parcel) bool { return p.ID == o.ID }) {
				out.Others = append(out.Others, o)
			}
		}
	}
	return out, nil
}

// ConfirmScan checks that a scanned code is one of the parcels being
// issued and returns it: the clerk confirms each parcel physically.
func (s *Service) ConfirmScan(parcels []Parcel, raw string) (Parcel, error) {
	res := s.Classify(raw)
	for _, p := range parcels {
		if p.Track == res.Code {
			return p, nil
		}
	}
	return Parcel{}, errs.New(ErrNotThisOne, "Track", res.Code)
}

// IssueItem is one parcel of a handover: issued (confirmed by its
// scanned code) or refused with a reason.
type IssueItem struct {
	ParcelID   int64  `json:"parcel_id"`
	Scanned    string `json:"scanned,omitempty"`
	Refuse     string `json:"refuse,omitempty"`
	RefuseNote string `json:"refuse_note,omitempty"`
}

// IssueRequest is one customer's handover.
type IssueRequest struct {
	Items     []IssueItem `json:"items"`
	Paid      int64       `json:"paid"`       // cash on delivery taken, minor units
	PayMethod string      `json:"pay_method"` // cash or card, when anything is due
	// ManualConfirm lets a manager issue a parcel whose label cannot be
	// scanned; it is recorded in the event.
	ManualConfirm bool `json:"manual_confirm,omitempty"`
}

// HandoverResult is the committed handover, for the receipt.
type HandoverResult struct {
	Number    string   `json:"number"`
	Issued    []Parcel `json:"issued"`
	Refused   []Parcel `json:"refused"`
	Due       int64    `json:"due"`
	Paid      int64    `json:"paid"`
	PayMethod string   `json:"pay_method,omitempty"`
}

// Issue commits a handover: the issued parcels leave their cells, refused
// ones wait for return, the cash is recorded. All or nothing.
func (s *Service) Issue(ctx context.Context, sess *Session, req IssueRequest) (HandoverResult, error) {
	if err := sess.onShift(); err != nil {
		return HandoverResult{}, err
	}
	if len(req.Items) == 0 {
		return HandoverResult{}, errs.New(ErrIssueEmpty)
	}
	if req.ManualConfirm {
		if err := sess.require(RoleManager); err != nil {
			return HandoverResult{}, err
		}
	}
	var out HandoverResult
	err := s.tx(ctx, sess, func(t *txn) error {
		parcels, err := t.issueParcels(ctx, req)
		if err != nil {
			return err
		}
		for i, it := range req.Items {
			if it.Refuse == "" {
				out.Issued = append(out.Issued, parcels[i])
				out.Due += parcels[i].CODAmount
			} else {
				out.Refused = append(out.Refused, parcels[i])
			}
		}
		if err := checkPayment(out.Due, req); err != nil {
			return err
		}
		out.Paid, out.PayMethod = req.Paid, req.PayMethod
		if out.Due == 0 {
			out.PayMethod = ""
		}
		return t.commitHandover(ctx, req, parcels, &out)
	})
	if err != nil {
		return HandoverResult{}, fmt.Errorf("issue: %w", err)
	}
	return out, nil
}

// issueParcels loads and validates every parcel of the request.
func (t *txn) issueParcels(ctx context.Context, req IssueRequest) ([]Parcel, error) {
	parcels := make([]Parcel, len(req.Items))
	seen := map[int64]bool{}
	for i, it := range req.Items {
		p, err := t.parcel(ctx, it.ParcelID)
		if err != nil {
			return nil, err
		}
		if seen[p.ID] {
			return nil, errs.New(ErrInvalid, "Field", "parcel", "Value", p.Track)
		}
		seen[p.ID] = true
		if p.Status != StatusStored {
			return nil, t.s.stateError(p)
		}
		if i > 0 && (p.RecipientKey == "" || p.RecipientKey != parcels[0].RecipientKey) {
			return nil, errs.New(ErrNotThisOne, "Track", p.Track)
		}
		if it.Refuse != "" {
			if !slices.Contains(RefuseReasons, it.Refuse) || (it.Refuse == "other" && strings.TrimSpace(it.RefuseNote) == "") {
				return nil, errs.New(ErrRefuseReason, "Reason", it.Refuse)
			}
		} else if !req.ManualConfirm && t.s.Classify(it.Scanned).Code != p.Track {
			return nil, errs.New(ErrNotConfirmed, "Track", p.Track)
		}
		parcels[i] = p
	}
	return parcels, nil
}

func checkPayment(due int64, req IssueRequest) error {
	if req.Paid != due {
		return errs.New(ErrCODMismatch, "Due", due, "Paid", req.Paid)
	}
	if due > 0 && req.PayMethod != PayCash && req.PayMethod != PayCard {
		return errs.New(ErrInvalid, "Field", "pay_method", "Value", req.PayMethod)
	}
	return nil
}

func (t *txn) commitHandover(ctx context.Context, req IssueRequest, parcels []Parcel, out *HandoverResult) error {
	seq, err := t.nextNumber("handover")
	if err != nil {
		return err
	}
	out.Number = fmt.Sprintf("H-%d-%06d", t.now.In(t.s.loc).Year(), seq)
	res, err := t.Exec(`INSERT INTO handovers(number,recipient,issued,refused,cash_due,cash_paid,pay_method,at,clerk_id,shift_id)
		VALUES(?,?,?,?,?,?,?,?,?,?)`, out.Number, parcels[0].RecipientKey, len(out.Issued), len(out.Refused), out.Due, out.Paid,
		out.PayMethod, t.nowMs(), t.sess.clerkID, t.sess.shiftID)
	if err != nil {
		return fmt.Errorf("handover: %w", err)
	}
	hid, _ := res.LastInsertId()
	for i, it := range req.Items {
		p := parcels[i]
		if it.Refuse == "" {
			err = t.issueOne(p, hid, out, req.ManualConfirm)
		} else {
			err = t.refuseOne(p, hid, out, it)
		}
		if err != nil {
			return err
		}
	}
	for i := range out.Issued {
		if out.Issued[i], err = t.parcel(ctx, out.Issued[i].ID); err != nil {
			return err
		}
	}
	for i := range out.Refused {
		if out.Refused[i], err = t.parcel(ctx, out.Refused[i].ID); err != nil {
			return err
		}
	}
	return t.emit(EvHandover, "handover:"+out.Number, map[string]any{
		"number": out.Number, "issued": len(out.Issued), "refused": len(out.Refused),
		"due": out.Due, "paid": out.Paid, "pay_method": out.PayMethod})
}

func (t *txn) issueOne(p Parcel, handoverID int64, out *HandoverResult, manual bool) error {
	if _, err := t.Exec(`UPDATE parcels SET status='issued', cell_id=NULL, issued_at=?, handover_id=?, updated_at=? WHERE id=?`,
		t.nowMs(), handoverID, t.nowMs(), p.ID); err != nil {
		return fmt.Errorf("issue %s: %w", p.Track, err)
	}
	if err := t.vacate(p.CellID); err != nil {
		return err
	}
	return t.emit(EvParcelIssued, p.Entity(), map[string]any{
		"partner": p.Partner, "track": p.Track, "handover": out.Number, "cod": p.CODAmount,
		"pay_method": out.PayMethod, "cell": p.Cell, "manual_confirm": manual})
}

func (t *txn) refuseOne(p Parcel, handoverID int64, out *HandoverResult, it IssueItem) error {
	if _, err := t.Exec(`UPDATE parcels SET status='to_return', return_reason=?, return_note=?, handover_id=?, updated_at=? WHERE id=?`,
		"refused:"+it.Refuse, it.RefuseNote, handoverID, t.nowMs(), p.ID); err != nil {
		return fmt.Errorf("refuse %s: %w", p.Track, err)
	}
	return t.emit(EvParcelRefused, p.Entity(), map[string]any{
		"partner": p.Partner, "track": p.Track, "reason": it.Refuse, "note": it.RefuseNote, "handover": out.Number, "cell": p.Cell})
}
