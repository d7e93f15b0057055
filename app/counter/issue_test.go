package counter

import (
	"errors"
	"testing"

	"smartpoint/app/errs"
)

func asErr(err error, target **errs.Error) bool { return errors.As(err, target) }

// stock accepts parcels for one recipient and returns their tracks.
func (e *env) stock(phone string, cod []int64, first int) []string {
	e.t.Helper()
	var rows, tracks []string
	for i, c := range cod {
		tr := s10(first+i, "KG")
		tracks = append(tracks, tr)
		rows = append(rows, tr+";Жылдыз;"+phone+";S;"+itoa(c/100)+";12345678*4321")
	}
	e.importCSV("kgpost", manifestCSV(rows...))
	for _, tr := range tracks {
		if _, err := e.s.Accept(e.ctx, e.owner, 0, tr, AcceptOptions{}); err != nil {
			e.t.Fatal(err)
		}
	}
	return tracks
}

func itoa(v int64) string {
	if v == 0 {
		return "0"
	}
	s := ""
	for ; v > 0; v /= 10 {
		s = string(rune('0'+v%10)) + s
	}
	return s
}

func TestIssuePartWithRefusalAndCash(t *testing.T) {
	e := newEnv(t)
	tr := e.stock("+996555000111", []int64{150000, 0, 30000}, 10)
	look := must[IssueLookup](t)(e.s.FindForIssue(e.ctx, e.owner, "12345678*4321"))
	if look.By != "pickup_code" || len(look.Parcels) != 3 || look.Due != 180000 || look.MaskedPhone == "+996555000111" {
		t.Fatalf("lookup %+v", look)
	}
	req := IssueRequest{Items: []IssueItem{
		{ParcelID: look.Parcels[0].ID, Scanned: tr[0]},
		{ParcelID: look.Parcels[1].ID, Scanned: tr[1]},
		{ParcelID: look.Parcels[2].ID, Refuse: "size"},
	}, Paid: 150000, PayMethod: PayCash}
	h := must[HandoverResult](t)(e.s.Issue(e.ctx, e.owner, req))
	if len(h.Issued) != 2 || len(h.Refused) != 1 || h.Due != 150000 || h.Number != "H-2026-000001" {
		t.Fatalf("handover %+v", h)
	}
	if h.Issued[0].Status != StatusIssued || h.Issued[0].Cell != "" {
		t.Fatalf("issued parcel %+v", h.Issued[0])
	}
	if r := h.Refused[0]; r.Status != StatusToReturn || r.Cell == "" || r.ReturnReason != "refused:size" {
		t.Fatalf("refused parcel %+v", r)
	}
	// the third parcel is no longer offered for issue
	if _, err := e.s.FindForIssue(e.ctx, e.owner, tr[2]); !errs.Has(err, ErrToReturn) {
		t.Fatalf("lookup of refused parcel: %v", err)
	}
}

func TestIssueRequiresScanConfirmation(t *testing.T) {
	e := newEnv(t)
	tr := e.stock("+996555000222", []int64{0, 0}, 20)
	look := must[IssueLookup](t)(e.s.FindForIssue(e.ctx, e.owner, "+996 555 000 222"))
	_, err := e.s.Issue(e.ctx, e.owner, IssueRequest{Items: []IssueItem{{ParcelID: look.Parcels[0].ID, Scanned: tr[1]}}})
	if !errs.Has(err, ErrNotConfirmed) {
		t.Fatalf("wrong scan: %v", err)
	}
	if p := must[Parcel](t)(e.s.Parcel(e.ctx, look.Parcels[0].ID)); p.Status != StatusStored {
		t.Fatal("a refused issue changed the parcel")
	}
	// a plain clerk cannot skip the scan; a manager can, and it is recorded
	c := e.clerk("Эрмек", RoleClerk)
	e.s.CloseShift(e.ctx, e.owner)
	must[Shift](t)(e.s.OpenShift(e.ctx, c))
	_, err = e.s.Issue(e.ctx, c, IssueRequest{ManualConfirm: true, Items: []IssueItem{{ParcelID: look.Parcels[0].ID}}})
	if !errs.Has(err, ErrForbidden) {
		t.Fatalf("clerk manual confirm: %v", err)
	}
}

func TestIssueCashMustMatch(t *testing.T) {
	e := newEnv(t)
	tr := e.stock("+996555000333", []int64{99900}, 30)
	look := must[IssueLookup](t)(e.s.FindForIssue(e.ctx, e.owner, tr[0]))
	item := []IssueItem{{ParcelID: look.Parcels[0].ID, Scanned: tr[0]}}
	if _, err := e.s.Issue(e.ctx, e.owner, IssueRequest{Items: item, Paid: 90000, PayMethod: PayCash}); !errs.Has(err, ErrCODMismatch) {
		t.Fatalf("short payment: %v", err)
	}
	if _, err := e.s.Issue(e.ctx, e.owner, IssueRequest{Items: item, Paid: 99900}); !errs.Has(err, ErrInvalid) {
		t.Fatalf("no pay method: %v", err)
	}
	h := must[HandoverResult](t)(e.s.Issue(e.ctx, e.owner, IssueRequest{Items: item, Paid: 99900, PayMethod: PayCard}))
	if h.Paid != 99900 || h.PayMethod != PayCard {
		t.Fatalf("handover %+v", h)
	}
	_, err := e.s.Issue(e.ctx, e.owner, IssueRequest{Items: item, Paid: 99900, PayMethod: PayCard})
	if !errs.Has(err, ErrIssued) {
		t.Fatalf("issue twice: %v", err)
	}
}

func TestIssueRejectsMixingRecipientsAndBadReasons(t *testing.T) {
	e := newEnv(t)
	a := e.stock("+996555000444", []int64{0}, 40)
	b := e.stock("+996555000555", []int64{0}, 50)
	pa := must[IssueLookup](t)(e.s.FindForIssue(e.ctx, e.owner, a[0])).Parcels[0]
	pb := must[IssueLookup](t)(e.s.FindForIssue(e.ctx, e.owner, b[0])).Parcels[0]
	_, err := e.s.Issue(e.ctx, e.owner, IssueRequest{Items: []IssueItem{{ParcelID: pa.ID, Scanned: a[0]}, {ParcelID: pb.ID, Scanned: b[0]}}})
	if !errs.Has(err, ErrNotThisOne) {
		t.Fatalf("two recipients in one handover: %v", err)
	}
	_, err = e.s.Issue(e.ctx, e.owner, IssueRequest{Items: []IssueItem{{ParcelID: pa.ID, Refuse: "other"}}})
	if !errs.Has(err, ErrRefuseReason) {
		t.Fatalf("'other' without a note: %v", err)
	}
	if _, err := e.s.Issue(e.ctx, e.owner, IssueRequest{}); !errs.Has(err, ErrIssueEmpty) {
		t.Fatalf("empty: %v", err)
	}
}

func TestFindForIssueShowsOtherParcelsOfTheCustomer(t *testing.T) {
	e := newEnv(t)
	tr := e.stock("+996555000666", []int64{0, 0}, 60)
	look := must[IssueLookup](t)(e.s.FindForIssue(e.ctx, e.owner, tr[0]))
	if look.By != "track" || len(look.Parcels) != 1 || len(look.Others) != 1 || look.Others[0].Track != tr[1] {
		t.Fatalf("lookup %+v", look)
	}
	if _, err := e.s.FindForIssue(e.ctx, e.owner, s10(7777, "KG")); !errs.Has(err, ErrNotFound) {
		t.Fatalf("unknown track: %v", err)
	}
}

func TestFindForIssueByPhoneTypedLocally(t *testing.T) {
	e := newEnv(t)
	e.stock("+996555111222", []int64{0}, 70)
	for _, q := range []string{"0555111222", "0555 111 222", "+996 (555) 111-222"} {
		look, err := e.s.FindForIssue(e.ctx, e.owner, q)
		if err != nil || look.By != SearchPhone || len(look.Parcels) != 1 {
			t.Errorf("%q: %+v %v", q, look, err)
		}
	}
	if _, err := e.s.FindForIssue(e.ctx, e.owner, "CELL-A-1-01"); !errs.Has(err, ErrWrongKind) {
		t.Errorf("a cell is not a customer: %v", err)
	}
}
