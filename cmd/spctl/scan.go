package main

import (
	"errors"
	"io"
	"smartpoint/app/money"
	"strconv"
	"strings"

	"smartpoint/app/counter"
)

// Scan modes: what the counter screen would do with a scan.
var scanModes = []string{"classify", "accept", "issue-lookup", "search", "move", "timeline"}

// cmdScan processes one scan as the counter would and always answers in
// JSON: it is the scripting and testing door to the scan pipeline.
func (c *cli) cmdScan(args []string) error {
	wasJSON := c.json
	c.json = true
	fs := c.flags("scan")
	var mode, note, size, partner, to string
	var delivery int64
	var damaged bool
	var limit int
	fs.StringVar(&mode, "mode", "classify", "")
	fs.Int64Var(&delivery, "delivery", 0, "")
	fs.BoolVar(&damaged, "damaged", false, "")
	fs.StringVar(&note, "note", "", "")
	fs.StringVar(&size, "size", "", "")
	fs.StringVar(&partner, "partner", "", "")
	fs.StringVar(&to, "to", "", "")
	fs.IntVar(&limit, "limit", 50, "")
	pos, err := c.parse(fs, args)
	c.json = true
	if errors.Is(err, errHelp) {
		c.json = wasJSON // help is for people
	}
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usage("cli.err.missing_arg", "Name", "CODE")
	}
	raw := strings.Join(pos, " ")
	if err := choice("mode", mode, scanModes...); err != nil {
		return err
	}
	if size != "" {
		if err := choice("size", strings.ToUpper(size), counter.Sizes...); err != nil {
			return err
		}
	}
	if mode == "move" && to == "" {
		return usage("cli.err.missing_flags", "Flags", "--to")
	}
	if mode == "classify" {
		svc, err := c.service(false)
		if err != nil {
			return err
		}
		c.result(svc.Classify(raw), nil)
		return nil
	}
	svc, sess, err := c.login()
	if err != nil {
		return err
	}
	var out any
	switch mode {
	case "accept":
		res, err := svc.Accept(c.ctx, sess, delivery, raw, counter.AcceptOptions{Damaged: damaged || note != "", DamageNote: note, Size: size, Partner: partner})
		if err != nil {
			return err
		}
		res.Parcel = maskParcel(res.Parcel)
		out = res
	case "issue-lookup":
		l, err := svc.FindForIssue(c.ctx, sess, raw)
		if err != nil {
			return err
		}
		l.Parcels, l.Others = counter.MaskParcels(l.Parcels), counter.MaskParcels(l.Others)
		out = l
	case "search":
		r, err := svc.Search(c.ctx, sess, raw, limit)
		if err != nil {
			return err
		}
		r.Parcels = counter.MaskParcels(r.Parcels)
		out = r
	case "move":
		p, err := svc.MoveParcel(c.ctx, sess, raw, to)
		if err != nil {
			return err
		}
		out = maskParcel(p)
	case "timeline":
		tl, err := svc.Timeline(c.ctx, sess, raw)
		if err != nil {
			return err
		}
		tl.Parcel = maskParcel(tl.Parcel)
		out = tl
	}
	c.result(out, nil)
	return nil
}

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, " ") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// cmdIssue commits one customer's handover: the parcels given (each
// confirmed by its scanned code, in the same order) and those refused.
func (c *cli) cmdIssue(args []string) error {
	fs := c.flags("issue")
	var parcels, scanned, paid, pay string
	var refusals listFlag
	fs.StringVar(&parcels, "parcel", "", "")
	fs.StringVar(&scanned, "scanned", "", "")
	fs.Var(&refusals, "refuse", "")
	fs.StringVar(&paid, "paid", "", "")
	fs.StringVar(&pay, "pay", "", "")
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	if err := noArgs(pos); err != nil {
		return err
	}
	req, err := issueRequest(splitList(parcels), splitList(scanned), refusals, paid, pay)
	if err != nil {
		return err
	}
	svc, sess, err := c.login()
	if err != nil {
		return err
	}
	res, err := svc.Issue(c.ctx, sess, req)
	if err != nil {
		return err
	}
	res.Issued, res.Refused = counter.MaskParcels(res.Issued), counter.MaskParcels(res.Refused)
	currency := c.currency(svc)
	c.result(res, func(w io.Writer) {
		c.line(w, "cli.issue.done", "Number", res.Number, "Issued", len(res.Issued), "Refused", len(res.Refused))
		if res.Due > 0 {
			c.line(w, "cli.issue.paid", "Amount", money.Format(res.Paid, currency), "Method", c.p.T("cli.pay."+res.PayMethod))
		}
	})
	return nil
}

func issueRequest(ids, scanned, refusals []string, paid, pay string) (counter.IssueRequest, error) {
	var req counter.IssueRequest
	if len(ids) == 0 && len(refusals) == 0 {
		return req, usage("cli.err.missing_flags", "Flags", "--parcel")
	}
	if len(scanned) != len(ids) {
		return req, usage("cli.err.scanned_count", "Parcels", len(ids), "Scanned", len(scanned))
	}
	for i, s := range ids {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return req, usage("cli.err.flag_bad_value", "Flag", "--parcel", "Value", s)
		}
		req.Items = append(req.Items, counter.IssueItem{ParcelID: id, Scanned: scanned[i]})
	}
	for _, r := range refusals {
		parts := strings.SplitN(r, ":", 3)
		id, err := strconv.ParseInt(parts[0], 10, 64)
		if len(parts) < 2 || err != nil || id <= 0 || parts[1] == "" {
			return req, usage("cli.err.bad_refuse", "Value", r)
		}
		item := counter.IssueItem{ParcelID: id, Refuse: parts[1]}
		if len(parts) == 3 {
			item.RefuseNote = parts[2]
		}
		req.Items = append(req.Items, item)
	}
	if paid != "" {
		v, ok := money.Parse(paid)
		if !ok {
			return req, usage("cli.err.bad_amount", "Value", paid)
		}
		req.Paid = v
	}
	if pay != "" {
		if err := choice("pay", pay, counter.PayCash, counter.PayCard); err != nil {
			return req, err
		}
		req.PayMethod = pay
	}
	return req, nil
}

// currency is the point's currency code, for money columns.
func (c *cli) currency(svc *counter.Service) string {
	p, err := svc.PointProfile(c.ctx)
	if err != nil {
		c.log.Warn("point profile", "err", err)
		return ""
	}
	return p.Currency
}

// cmdParcels searches parcels, or lists those on the shelves when no
// query is given. Phones are masked.
func (c *cli) cmdParcels(args []string) error {
	fs := c.flags("parcels")
	var limit int
	fs.IntVar(&limit, "limit", 50, "")
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	if limit <= 0 {
		return usage("cli.err.flag_bad_value", "Flag", "--limit", "Value", strconv.Itoa(limit))
	}
	svc, sess, err := c.login()
	if err != nil {
		return err
	}
	query := strings.Join(pos, " ")
	var res counter.SearchResult
	if query == "" {
		res, err = c.onHand(svc, sess, limit)
	} else {
		res, err = svc.Search(c.ctx, sess, query, limit)
	}
	if err != nil {
		return err
	}
	res.Parcels = counter.MaskParcels(res.Parcels)
	if res.Parcels == nil {
		res.Parcels = []counter.Parcel{}
	}
	c.result(res, func(w io.Writer) {
		if len(res.Parcels) == 0 {
			c.line(w, "cli.parcels.none")
			return
		}
		t := c.table(w, "cli.col.track", "cli.col.partner", "cli.col.status", "cli.col.cell", "cli.col.phone", "cli.col.accepted")
		for _, p := range res.Parcels {
			t.row(p.Track, p.Partner, c.p.T("status."+string(p.Status)), p.Cell, p.RecipientPhone, when(p.AcceptedAt))
		}
		t.flush()
		c.line(w, "cli.parcels.count", "Count", len(res.Parcels))
	})
	return nil
}

// onHand lists the parcels on the shelves, cell by cell, through the
// core's search by cell label (the core has no "list on hand" call yet).
func (c *cli) onHand(svc *counter.Service, sess *counter.Session, limit int) (counter.SearchResult, error) {
	out := counter.SearchResult{By: "on_hand"}
	cells, err := svc.Cells(c.ctx)
	if err != nil {
		return out, err
	}
	for _, cell := range cells {
		if cell.Occupied == 0 {
			continue
		}
		if len(out.Parcels) >= limit {
			break
		}
		r, err := svc.Search(c.ctx, sess, "CELL-"+cell.Label, limit-len(out.Parcels))
		if err != nil {
			return out, err
		}
		out.Parcels = append(out.Parcels, r.Parcels...)
	}
	return out, nil
}
