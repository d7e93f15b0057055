package slips

import (
	"strconv"

	"smartpoint/app/counter"
	"smartpoint/app/scan"
	"smartpoint/device/escpos"
	"smartpoint/device/receipt"
)

const centre = escpos.AlignCenter

// IssueReceipt is the customer's receipt for a handover: what was issued
// and refused, the cash or card payment taken.
func IssueReceipt(c Context, r counter.HandoverResult) receipt.Doc {
	d := receipt.New()
	c.head(d, c.P.T("slip.issue.title", "Number", r.Number))
	d.Bold(c.P.N("slip.issue.issued", len(r.Issued)))
	for _, p := range r.Issued {
		parcelLine(c, d, p)
	}
	if len(r.Refused) > 0 {
		d.Feed(1)
		d.Bold(c.P.N("slip.issue.refused", len(r.Refused)))
		for _, p := range r.Refused {
			d.Pair(p.Track, c.P.T("refuse."+refuseReason(p.ReturnReason)))
		}
	}
	if r.Due > 0 || r.Paid > 0 {
		d.Rule()
		d.PairDots(c.P.T("slip.issue.due"), c.money(r.Due))
		if r.Paid > 0 {
			d.Total(c.P.T("slip.issue.paid", "Method", c.P.T("cli.pay."+r.PayMethod)), c.money(r.Paid))
		}
	}
	d.Feed(1)
	d.Center(c.P.T("slip.issue.thanks"))
	if r.PayMethod == counter.PayCash && r.Paid > 0 {
		d.Drawer() // opens only where a drawer is wired to the printer
	}
	c.foot(d)
	return *d
}

func parcelLine(c Context, d *receipt.Doc, p counter.Parcel) {
	d.Pair(p.Track, p.Partner)
	if p.CODAmount > 0 {
		d.PairDots("  "+c.P.T("slip.cod"), c.money(p.CODAmount))
	}
}

// refuseReason is the reason code of "refused:<reason>".
func refuseReason(r string) string {
	if len(r) > len("refused:") && r[:len("refused:")] == "refused:" {
		return r[len("refused:"):]
	}
	return "other"
}

// AcceptAct is the acceptance act of a finished delivery: what came, what
// the manifest promised and did not come, what came unannounced or
// damaged; signed by the courier and the clerk.
func AcceptAct(c Context, dis counter.Discrepancies, partner, manifest string) receipt.Doc {
	del := dis.Delivery
	d := receipt.New()
	c.head(d, c.P.T("slip.accept.title", "Number", del.ID))
	d.Pair(c.P.T("slip.partner"), partner)
	if manifest != "" {
		d.Pair(c.P.T("slip.manifest"), manifest)
	}
	if del.Courier != "" {
		d.Pair(c.P.T("slip.courier"), del.Courier)
	}
	d.Rule()
	if del.ManifestID != 0 {
		d.PairDots(c.P.T("slip.accept.expected"), strconv.Itoa(del.Expected))
	}
	d.PairDots(c.P.T("slip.accept.scanned"), strconv.Itoa(del.Scanned))
	list := func(key string, ps []counter.Parcel) {
		d.PairDots(c.P.T(key), strconv.Itoa(len(ps)))
		for _, p := range ps {
			d.Text("  " + p.Track)
		}
	}
	list("slip.accept.missing", dis.Missing)
	list("slip.accept.unexpected", dis.Unexpected)
	list("slip.accept.damaged", dis.Damaged)
	signatures(c, d)
	c.foot(d)
	return *d
}

// ReturnSlip is the handover of return boxes to a partner's courier.
func ReturnSlip(c Context, act counter.ReturnAct, partner string) receipt.Doc {
	d := receipt.New()
	c.head(d, c.P.T("slip.return.title", "Number", act.Number))
	d.Pair(c.P.T("slip.partner"), partner)
	d.Pair(c.P.T("slip.courier"), act.Courier)
	for _, b := range act.Boxes {
		d.Code128(scan.ReturnBoxCode(b))
	}
	d.PairDots(c.P.T("slip.return.parcels"), strconv.Itoa(len(act.Parcels)))
	for i, p := range act.Parcels {
		d.Text(strconv.Itoa(i+1) + ". " + p.Track)
	}
	signatures(c, d)
	c.foot(d)
	return *d
}

// ShiftReport is the shift (or day) report on paper: the same rows as on
// screen and in `spctl report`.
func ShiftReport(c Context, r counter.Report) receipt.Doc {
	d := receipt.New()
	if r.Kind == counter.ReportShift {
		c.head(d, c.P.T("slip.shift.title", "ID", r.ShiftID))
		d.Pair(c.P.T("slip.shift.clerk"), r.Clerk)
		d.Pair(c.P.T("slip.shift.from"), c.when(r.From))
		d.Pair(c.P.T("slip.shift.to"), c.when(r.To))
	} else {
		c.head(d, c.P.T("slip.day.title", "Date", r.Date))
	}
	d.Rule()
	for _, row := range r.Rows(c.Point.Currency) {
		label := c.P.T(row.Key)
		if row.Part {
			label = "  " + label
		}
		d.PairDots(label, row.Value)
	}
	c.foot(d)
	return *d
}

// CellLabel is a cell's label on receipt paper (when there is no label
// printer): the cell huge, and its barcode for inventory scans.
func CellLabel(c Context, cell counter.Cell) receipt.Doc {
	d := receipt.New()
	d.Styled(receipt.Text{Text: cell.Label, Align: centre, Bold: true, Size: 3})
	d.Code128(scan.CellCode(cell.Label))
	d.Center(c.P.T("slip.cell.hint"))
	d.Cut()
	return *d
}

func signatures(c Context, d *receipt.Doc) {
	d.Feed(1)
	d.Text(c.P.T("slip.sign_courier"))
	d.Feed(1)
	d.Text(c.P.T("slip.sign_clerk"))
}

// BoxLabel is a return box's label on receipt paper: the box number huge
// and as a barcode (scanning it selects the box), the partner, the count.
func BoxLabel(c Context, code, partner string, parcels int) receipt.Doc {
	d := receipt.New()
	d.Styled(receipt.Text{Text: code, Align: centre, Bold: true, Size: 2})
	d.Code128(code)
	d.Styled(receipt.Text{Text: partner, Align: centre, Bold: true})
	d.Center(c.P.N("slip.box.parcels", parcels) + " · " + c.when(c.At))
	d.Cut()
	return *d
}
