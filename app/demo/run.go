package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"smartpoint/app/clock"
	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/app/i18n"
	"smartpoint/app/loyalty"
)

// runner writes a plan through the past service.
type runner struct {
	ctx   context.Context
	svc   *counter.Service // the point's own service: the final counts are read as of now
	owner *counter.Session
	past  *counter.Service // the same database on the demo's clock
	sess  *counter.Session // the owner on past
	clk   *clock.Fake
	loc   *time.Location
	today time.Time // the point's midnight
	last  time.Time // the clock never runs backwards
	plan  *plan
	point counter.Point
	lang  i18n.Lang

	loy          *loyalty.Service // on past
	newProgramme bool             // the point has no loyalty programme: the demo sets one up

	sum       Summary
	parcelIDs map[*parcel]int64
	handed    map[*visit]string // handover numbers
	cards     map[int]string    // members' card codes, by customer
	waiting   map[int]int       // members' rewards waiting after their last stamp or reward
}

// step is one service call at one moment of the demo's past.
type step struct {
	at   time.Time
	what string
	do   func() error
}

// at is day's (relative to today) wall time h:m:s at the point.
func (r *runner) at(day, h, m, s int) time.Time {
	y, mo, d := r.today.Date()
	return time.Date(y, mo, d+day, h, m, s, 0, r.loc)
}

// set moves the demo's clock to t, or a second on when steps crowd.
func (r *runner) set(t time.Time) {
	if !t.After(r.last) {
		t = r.last.Add(time.Second)
	}
	r.last = t
	r.clk.Set(t)
}

// delivery is one courier's drop being accepted.
type delivery struct {
	partner  *partnerPlan
	day      int
	parcels  []*parcel // the manifest's rows (missing ones included)
	manifest int64
	id       int64
}

// box is a return box being packed.
type box struct {
	partner *partnerPlan
	parcels []*parcel
	label   string
	number  string
}

// schedule lays the plan out as steps in time order: each day a shift,
// the morning's deliveries, the customers, and on some days the returns.
func (r *runner) schedule() []step {
	p := r.plan
	r.parcelIDs = map[*parcel]int64{}
	r.handed, r.cards, r.waiting = map[*visit]string{}, map[int]string{}, map[int]int{}
	var steps []step
	add := func(at time.Time, what string, do func() error) { steps = append(steps, step{at, what, do}) }

	arrivals := map[int]map[*partnerPlan][]*parcel{}
	var expected []*parcel
	var unexpected *parcel
	returned := &box{partner: p.returnPartner}
	open := &box{partner: p.boxPartner}
	for _, x := range p.parcels {
		switch {
		case x.unexpected:
			unexpected = x
			continue
		case x.fate == fateExpected:
			expected = append(expected, x)
			continue
		case x.fate == fateReturned:
			returned.parcels = append(returned.parcels, x)
		case x.fate == fateBoxed:
			open.parcels = append(open.parcels, x)
		}
		if arrivals[x.arrive] == nil {
			arrivals[x.arrive] = map[*partnerPlan][]*parcel{}
		}
		arrivals[x.arrive][x.partner] = append(arrivals[x.arrive][x.partner], x)
	}
	visits := map[int][]*visit{}
	for _, v := range p.visits {
		visits[v.day] = append(visits[v.day], v)
	}

	if r.newProgramme {
		add(r.at(-historyDays, 8, 55, 0), "loyalty programme", r.saveProgramme)
	}
	for d := -historyDays; d <= lastDay; d++ {
		add(r.at(d, 9, 0, 0), "shift", r.openShift)
		if d == expireDay {
			add(r.at(d, 9, 5, 0), "expiry", r.expire)
		}
		t := r.at(d, 9, 10, 0)
		for _, pp := range p.partners {
			del := &delivery{partner: pp, day: d, parcels: arrivals[d][pp]}
			extra := unexpected != nil && unexpected.partner == pp && unexpected.arrive == d
			if len(del.parcels) == 0 && !extra {
				continue
			}
			if len(del.parcels) > 0 {
				add(t, "manifest "+pp.code, func() error { return r.importManifest(del, d) })
				t = t.Add(2 * time.Minute)
			}
			add(t, "delivery "+pp.code, func() error { return r.openDelivery(del) })
			for _, x := range del.parcels {
				if x.fate == fateMissing {
					continue
				}
				t = t.Add(time.Duration(25+p.rnd.IntN(60)) * time.Second)
				add(t, "acceptance of "+x.track, func() error { return r.accept(del, x) })
			}
			if extra {
				t = t.Add(90 * time.Second)
				add(t, "acceptance of "+unexpected.track, func() error { return r.accept(del, unexpected) })
			}
			t = t.Add(3 * time.Minute)
			add(t, "delivery close", func() error { return r.closeDelivery(del) })
			t = t.Add(5 * time.Minute)
		}
		start, end := r.at(d, 11, 0, 0), r.at(d, 16, 45, 0)
		if t.After(start) {
			start = t
		}
		today := visits[d]
		gap := end.Sub(start) / time.Duration(len(today)+1)
		for i, v := range today {
			jitter := time.Duration(p.rnd.IntN(120)) * time.Second
			at := start.Add(time.Duration(i+1)*gap + jitter)
			add(at, "handover", func() error { return r.serve(v) })
			r.scheduleLoyalty(add, v, at)
		}
		if d == returnDay && len(returned.parcels) > 0 {
			r.pack(add, returned, d, 17)
			add(r.at(d, 17, 40, 0), "return act", func() error { return r.handOver(returned) })
		}
		if d == lastDay {
			if len(open.parcels) > 0 {
				r.pack(add, open, d, 18)
			}
			t := r.at(d, 19, 0, 0)
			for _, pp := range p.partners {
				var rows []*parcel
				for _, x := range expected {
					if x.partner == pp {
						rows = append(rows, x)
					}
				}
				if len(rows) > 0 {
					del := &delivery{partner: pp, day: d + 1, parcels: rows}
					add(t, "manifest "+pp.code, func() error { return r.importManifest(del, d+1) })
					t = t.Add(3 * time.Minute)
				}
			}
		}
		add(r.at(d, 20, 0, 0), "shift close", r.closeShift)
	}
	return steps
}

// pack adds the steps of opening b at hour and packing its parcels.
func (r *runner) pack(add func(time.Time, string, func() error), b *box, day, hour int) {
	add(r.at(day, hour, 0, 0), "return box "+b.partner.code, func() error { return r.openBox(b) })
	t := r.at(day, hour, 2, 0)
	for _, x := range b.parcels {
		t = t.Add(40 * time.Second)
		add(t, "packing of "+x.track, func() error { return r.addToBox(b, x) })
	}
}

func (r *runner) openShift() error {
	if _, err := r.past.OpenShift(r.ctx, r.sess); err != nil {
		return err
	}
	r.sum.Shifts++
	return nil
}

func (r *runner) closeShift() error {
	_, err := r.past.CloseShift(r.ctx, r.sess)
	return err
}

// cleanUp closes the demo's shift if a step failed mid-day, so the point
// is not left with a shift open in the past.
func (r *runner) cleanUp(ctx context.Context) {
	if r.sess.ShiftID() != 0 {
		_, _ = r.past.CloseShift(context.WithoutCancel(ctx), r.sess)
	}
}

func (r *runner) expire() error {
	_, err := r.past.ExpireOverdue(r.ctx, r.sess)
	return err
}

// manifestRow is one parcel of a demo manifest, in the JSON shape the
// importer reads.
type manifestRow struct {
	Track    string `json:"track"`
	Order    string `json:"order_no,omitempty"`
	Pickup   string `json:"pickup_code,omitempty"`
	Name     string `json:"recipient_name"`
	Phone    string `json:"recipient_phone"`
	Size     string `json:"size,omitempty"`
	COD      int64  `json:"cod_minor,omitempty"`
	Currency string `json:"currency,omitempty"`
}

// importManifest imports the manifest of del, dated for day's delivery.
func (r *runner) importManifest(del *delivery, day int) error {
	number := strings.ToUpper(del.partner.code) + "-" + r.at(day, 0, 0, 0).Format("20060102")
	doc := struct {
		Manifest string        `json:"manifest"`
		Partner  string        `json:"partner"`
		Courier  string        `json:"courier"`
		Parcels  []manifestRow `json:"parcels"`
	}{Manifest: number, Partner: del.partner.code, Courier: r.courier(del.partner)}
	for _, x := range del.parcels {
		c := r.plan.customers[x.cust]
		row := manifestRow{Track: x.track, Order: x.order, Pickup: x.pickup, Name: c.name, Phone: c.phone, Size: x.size}
		if x.cod > 0 {
			row.COD, row.Currency = x.cod, r.point.Currency
		}
		doc.Parcels = append(doc.Parcels, row)
	}
	body, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	res, err := r.past.ImportManifest(r.ctx, r.sess, bytes.NewReader(body), counter.ImportOptions{
		Partner: del.partner.code, Filename: strings.ToLower(number) + ".json"})
	if err != nil {
		return err
	}
	if res.Saved != len(del.parcels) {
		return fmt.Errorf("manifest %s saved %d of %d parcels", number, res.Saved, len(del.parcels))
	}
	del.manifest = res.ManifestID
	r.sum.Manifests++
	return nil
}

// courier is the name of the partner's courier at this point.
func (r *runner) courier(pp *partnerPlan) string {
	i := slices.Index(r.plan.partners, pp)
	return r.plan.k.couriers[i%len(r.plan.k.couriers)]
}

func (r *runner) openDelivery(del *delivery) error {
	d, err := r.past.OpenDelivery(r.ctx, r.sess, del.partner.code, del.manifest, r.courier(del.partner))
	if err != nil {
		return err
	}
	del.id = d.ID
	r.sum.Deliveries++
	return nil
}

// accept scans x in. When its size class is full, the clerk puts it in
// any cell with room, as at a real counter.
func (r *runner) accept(del *delivery, x *parcel) error {
	var opt counter.AcceptOptions
	if x.damaged {
		opt.Damaged, opt.DamageNote = true, i18n.Printer{L: r.lang}.T("demo.note.damaged")
	}
	res, err := r.past.Accept(r.ctx, r.sess, del.id, x.track, opt)
	if errs.Has(err, counter.ErrNoFreeCell) && len(r.plan.sizes) > 0 {
		opt.Size = r.plan.sizes[0]
		res, err = r.past.Accept(r.ctx, r.sess, del.id, x.track, opt)
	}
	if err != nil {
		return err
	}
	want := counter.OutcomeOK
	switch {
	case x.damaged:
		want = counter.OutcomeDamaged
	case x.unexpected:
		want = counter.OutcomeUnexpected
	}
	if res.Outcome != want {
		return fmt.Errorf("accepted %s as %s, planned %s", x.track, res.Outcome, want)
	}
	r.parcelIDs[x] = res.Parcel.ID
	return nil
}

func (r *runner) closeDelivery(del *delivery) error {
	_, err := r.past.CloseDelivery(r.ctx, r.sess, del.id)
	return err
}

// serve is one customer at the counter: found by phone or pickup code,
// each parcel scanned or refused, what is due paid.
func (r *runner) serve(v *visit) error {
	query := r.plan.customers[v.cust].phone
	if v.byPickup {
		query = v.parcels[0].pickup
	}
	look, err := r.past.FindForIssue(r.ctx, r.sess, query)
	if err != nil {
		return err
	}
	var req counter.IssueRequest
	for _, x := range v.parcels {
		id := r.parcelIDs[x]
		if !slices.ContainsFunc(append(look.Parcels, look.Others...), func(p counter.Parcel) bool { return p.ID == id }) {
			return fmt.Errorf("looking up %s did not find %s", query, x.track)
		}
		if x.fate == fateIssued {
			req.Items = append(req.Items, counter.IssueItem{ParcelID: id, Scanned: x.track})
			req.Paid += x.cod
		} else {
			req.Items = append(req.Items, counter.IssueItem{ParcelID: id, Refuse: x.reason})
		}
	}
	if req.Paid > 0 {
		req.PayMethod = v.method
	}
	res, err := r.past.Issue(r.ctx, r.sess, req)
	if err != nil {
		return err
	}
	r.handed[v] = res.Number
	r.sum.Issued += len(res.Issued)
	r.sum.Refused += len(res.Refused)
	r.sum.Handovers++
	return nil
}

func (r *runner) openBox(b *box) error {
	made, err := r.past.OpenReturnBox(r.ctx, r.sess, b.partner.code)
	if err != nil {
		return err
	}
	b.label, b.number = made.Label(), made.Number
	return nil
}

func (r *runner) addToBox(b *box, x *parcel) error {
	_, err := r.past.AddToReturnBox(r.ctx, r.sess, b.label, x.track)
	return err
}

func (r *runner) handOver(b *box) error {
	act, err := r.past.HandOverReturns(r.ctx, r.sess, []string{b.number}, r.courier(b.partner))
	if err != nil {
		return err
	}
	r.sum.Returned += len(act.Parcels)
	return nil
}

// summary counts the point as its own service sees it now.
func (r *runner) summary(ctx context.Context) (Summary, error) {
	s := r.sum
	count := func(f counter.StockFilter) (int, error) { return r.svc.StockCount(ctx, r.owner, f) }
	var err error
	for _, c := range []struct {
		dst *int
		f   counter.StockFilter
	}{
		{&s.Stored, counter.StockFilter{Status: counter.StatusStored}},
		{&s.ToReturn, counter.StockFilter{Status: counter.StatusToReturn}},
		{&s.Boxed, counter.StockFilter{Status: counter.StatusBoxed}},
		{&s.Overdue, counter.StockFilter{Overdue: true}},
	} {
		if *c.dst, err = count(c.f); err != nil {
			return s, err
		}
	}
	s.OnShelf = s.Stored + s.ToReturn
	customers := map[int]bool{}
	used := map[string]bool{}
	for _, x := range r.plan.parcels {
		s.Parcels++
		switch {
		case x.fate == fateExpected || x.fate == fateMissing:
			s.Expected++
		case x.damaged:
			s.Damaged++
		case x.unexpected:
			s.Unexpected++
		}
		if x.cust >= 0 {
			customers[x.cust] = true
		}
		used[x.partner.code] = true
	}
	s.Customers = len(customers)
	for _, pp := range r.plan.partners {
		if used[pp.code] {
			s.Partners = append(s.Partners, pp.code)
		}
	}
	s.From, s.To = r.at(-historyDays, 0, 0, 0), r.at(lastDay, 0, 0, 0)
	return s, r.loyaltySummary(ctx, &s)
}
