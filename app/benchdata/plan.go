package benchdata

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// The plan is the whole fabricated history, built in memory first so the
// writer can stream it in id and time order.

const (
	dayMs    = int64(24 * 60 * 60 * 1000)
	minuteMs = int64(60 * 1000)
	hourMs   = 60 * minuteMs
)

type status uint8

const (
	stExpected status = iota
	stStored
	stIssued
	stToReturn
	stReturned
)

var statusNames = [...]string{"expected", "stored", "issued", "to_return", "returned"}

var sizeNames = [...]string{"S", "M", "L", "XL", ""}

const sizeNone = 4 // unexpected parcels: the clerk did not pick a size

var refuseReasons = []string{"changed_mind", "damaged", "wrong_item", "not_as_described", "size", "late"}

// pparcel is one planned parcel; times are Unix ms, 0 when not reached.
type pparcel struct {
	accepted, deadline, visit, ready, final int64
	order, customer, serial                 int32 // customer -1: unexpected, no recipient
	delivery, manifest, handover, act       int32 // -1: none
	cell                                    int32 // index into cells: the shelf it is (or was) on
	cod, weight                             int32
	day                                     int16
	item, partner, size                     uint8
	status                                  status
	refused                                 int8 // index into refuseReasons, -1: not refused
	damaged, unexpected, onHand             bool
}

type porder struct {
	customer        int32
	first           int32 // index of the first parcel
	n               uint8
	partner         uint8
	day             int16
	expected        bool
	lastAccepted    int64
	handover        int32
	visit           int64
	issued, refused int32
}

type pmanifest struct {
	partner, day, rows int
	at                 int64
}

type pdelivery struct {
	partner, day                                    int
	manifest                                        int32
	opened, closed                                  int64
	scanned, expected, missing, unexpected, damaged int
}

type phandover struct {
	order           int32
	at              int64
	issued, refused int
	due             int64
	payMethod       string
	number          string
}

type pact struct {
	partner, day int
	opened, at   int64
	parcels      []int32
	box, number  string
}

type pshift struct {
	clerk          int
	opened, closed int64 // closed 0: still open
}

// event kinds of the plan, mapped to the counter's names by evNames.
type evKind uint8

const (
	evShiftOpened evKind = iota
	evShiftClosed
	evManifest
	evDeliveryOpened
	evDeliveryClosed
	evAccepted
	evIssued
	evRefused
	evHandover
	evExpired
	evBoxOpened
	evBoxed
	evReturned
	evReturnHanded
)

var evNames = [...]string{
	evShiftOpened: "shift.opened", evShiftClosed: "shift.closed", evManifest: "manifest.imported",
	evDeliveryOpened: "delivery.opened", evDeliveryClosed: "delivery.closed", evAccepted: "parcel.accepted",
	evIssued: "parcel.issued", evRefused: "parcel.refused", evHandover: "handover.completed",
	evExpired: "parcel.expired", evBoxOpened: "return_box.opened", evBoxed: "parcel.boxed",
	evReturned: "parcel.returned", evReturnHanded: "return.handed",
}

type pevent struct {
	at   int64
	n    int32 // creation order: breaks ties so a handover follows its parcels
	ref  int32 // parcel, shift, manifest, delivery, handover or act index
	kind evKind
}

// cellInfo is a cell created by Setup.
type cellInfo struct {
	id       int64
	label    string
	rank     int
	capacity int
	occupied int
}

type plan struct {
	rnd         *rand.Rand
	days        int
	start, now  int64 // start: midnight UTC of the first day
	storageDays [len(partnerMix)]int
	clerks      []int64 // shift rotation; the last one is the owner
	cells       []cellInfo
	cellsByRank [4][]int32
	customers   int

	parcels    []pparcel
	orders     []porder
	manifests  []pmanifest
	deliveries []pdelivery
	handovers  []phandover
	acts       []pact
	shifts     []pshift
	events     []pevent
	serials    [len(partnerMix)]int32
}

func (p *plan) dayStart(d int) int64 { return p.start + int64(d)*dayMs }

func (p *plan) dayOf(ms int64) int { return int((ms - p.start) / dayMs) }

func (p *plan) emit(at int64, kind evKind, ref int32) {
	p.events = append(p.events, pevent{at: at, n: int32(len(p.events)), ref: ref, kind: kind})
}

// build fabricates the history: orders day by day, then what became of
// them, then the log of events sorted by time.
func (p *plan) build(total, onHand int) error {
	p.customers = max(10, total*15/100)
	for d := range p.days {
		p.buildDay(d, total*(d+1)/p.days-total*d/p.days)
	}
	if err := p.pickOnHand(onHand); err != nil {
		return err
	}
	p.decideOutcomes()
	p.numberHandovers()
	p.groupReturns()
	p.emitShifts()
	slices.SortFunc(p.events, func(a, b pevent) int {
		return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.n, b.n))
	})
	return nil
}

func (p *plan) pickPartner() int {
	u := p.rnd.Float64()
	for i, m := range partnerMix {
		if u < m.share {
			return i
		}
		u -= m.share
	}
	return 0
}

// pickCustomer favours regulars: a tenth of the customers place about a
// third of the orders, so a phone often finds several parcels.
func (p *plan) pickCustomer() int32 {
	if p.rnd.Float64() < 0.3 {
		return int32(p.rnd.IntN(max(1, p.customers/10)))
	}
	return int32(p.rnd.IntN(p.customers))
}

// pickOrderSize: most orders are one parcel, some come in two or three.
func (p *plan) pickOrderSize() uint8 {
	switch u := p.rnd.Float64(); {
	case u < 0.60:
		return 1
	case u < 0.85:
		return 2
	}
	return 3
}

func (p *plan) pickSize() uint8 {
	switch u := p.rnd.Float64(); {
	case u < 0.35:
		return 0
	case u < 0.75:
		return 1
	case u < 0.95:
		return 2
	}
	return 3
}

// buildDay creates one day's orders, manifests and deliveries and the
// acceptance of every parcel that arrived.
func (p *plan) buildDay(d, quota int) {
	var byPartner [len(partnerMix)][]int32
	expectedP := 0.0
	if recent := min(14, p.days); d >= p.days-recent {
		expectedP = min(0.9, 0.01*float64(p.days)/float64(recent))
	}
	var orders []porder
	for quota > 0 {
		o := porder{partner: uint8(p.pickPartner()), day: int16(d), handover: -1, customer: -1, n: 1}
		if p.rnd.Float64() >= 0.005 { // else an unannounced parcel: no manifest row, no recipient
			o.customer = p.pickCustomer()
			o.n = p.pickOrderSize()
		}
		o.n = uint8(min(int(o.n), quota))
		o.expected = o.customer >= 0 && p.rnd.Float64() < expectedP
		quota -= int(o.n)
		orders = append(orders, o)
	}
	for _, o := range orders {
		byPartner[o.partner] = append(byPartner[o.partner], int32(len(p.orders)))
		p.orders = append(p.orders, o)
	}
	for partner, ids := range byPartner {
		if len(ids) > 0 {
			p.buildDelivery(d, partner, ids)
		}
	}
}

func (p *plan) buildDelivery(d, partner int, orderIDs []int32) {
	day := p.dayStart(d)
	del := pdelivery{partner: partner, day: d, manifest: -1,
		opened: day + 9*hourMs + 30*minuteMs + int64(partner)*75*minuteMs}
	delID := int32(len(p.deliveries))
	manifestRows := 0
	for _, oi := range orderIDs {
		if p.orders[oi].customer >= 0 {
			manifestRows += int(p.orders[oi].n)
		}
	}
	if manifestRows > 0 {
		del.manifest = int32(len(p.manifests))
		p.manifests = append(p.manifests, pmanifest{partner: partner, day: d, rows: manifestRows,
			at: day + 8*hourMs + 50*minuteMs + int64(partner)*2*minuteMs})
		p.emit(p.manifests[del.manifest].at, evManifest, del.manifest)
		del.expected = manifestRows
	}
	p.emit(del.opened, evDeliveryOpened, delID)
	at := del.opened + 30_000
	for _, oi := range orderIDs {
		o := &p.orders[oi]
		o.first = int32(len(p.parcels))
		for item := range int(o.n) {
			pp := pparcel{order: oi, customer: o.customer, partner: uint8(partner), day: int16(d), item: uint8(item),
				serial: p.serials[partner], delivery: -1, manifest: -1, handover: -1, act: -1, refused: -1,
				size: p.pickSize(), unexpected: o.customer < 0}
			p.serials[partner]++
			if pp.unexpected {
				pp.size = sizeNone
			} else {
				pp.manifest = del.manifest
				pp.weight = int32(sizeWeight(p.rnd, pp.size))
				pp.cod = p.pickCOD(partner)
			}
			pp.cell = p.historyCell(pp.size)
			if o.expected {
				pp.status = stExpected
				del.missing++
			} else {
				at += 3000 + p.rnd.Int64N(1500)
				pp.accepted, pp.delivery, pp.status = at, delID, stIssued
				pp.deadline = at + int64(p.storageDays[partner])*dayMs
				pp.damaged = p.rnd.Float64() < 0.002
				o.lastAccepted = at
				del.scanned++
				if pp.damaged {
					del.damaged++
				}
				if pp.unexpected {
					del.unexpected++
				}
				p.emit(at, evAccepted, int32(len(p.parcels)))
			}
			p.parcels = append(p.parcels, pp)
		}
	}
	del.closed = at + 2*minuteMs
	p.emit(del.closed, evDeliveryClosed, delID)
	p.deliveries = append(p.deliveries, del)
}

func sizeWeight(r *rand.Rand, size uint8) int {
	lo := [...]int{100, 500, 2000, 8000}
	hi := [...]int{1000, 3000, 10000, 25000}
	return lo[size] + r.IntN(hi[size]-lo[size])
}

// pickCOD: marketplaces are prepaid; couriers and post carry some cash on
// delivery (KGS, in tyiyn).
func (p *plan) pickCOD(partner int) int32 {
	share := 0.0
	switch partner {
	case pCDEK:
		share = 0.3
	case pKGPost:
		share = 0.1
	}
	if p.rnd.Float64() >= share {
		return 0
	}
	return int32(500+p.rnd.IntN(145)*100) * 100
}

// historyCell is a plausible shelf for a parcel that has left already.
func (p *plan) historyCell(size uint8) int32 {
	rank := 0
	if size != sizeNone {
		rank = int(size)
	}
	for r := rank; r < 4; r++ {
		if list := p.cellsByRank[r]; len(list) > 0 {
			return list[p.rnd.IntN(len(list))]
		}
	}
	return int32(p.rnd.IntN(len(p.cells)))
}

// pickOnHand chooses the parcels still on the shelves: whole recent orders,
// sampled with weights that fall with age (most customers come within a
// couple of days), then shelved the way pickCell would have.
func (p *plan) pickOnHand(want int) error {
	type cand struct {
		order int32
		key   float64
	}
	var cands []cand
	window, count := 30, 0
	for oi := len(p.orders) - 1; oi >= 0; oi-- {
		o := p.orders[oi]
		age := p.days - int(o.day)
		if age > window && count >= 3*want {
			break
		}
		if o.expected {
			continue
		}
		w := math.Exp(-float64(age)/2) + 0.01
		cands = append(cands, cand{int32(oi), p.rnd.ExpFloat64() / w})
		count += int(o.n)
	}
	if count < want {
		return fmt.Errorf("on hand %d: only %d parcels arrived", want, count)
	}
	slices.SortFunc(cands, func(a, b cand) int { return cmp.Compare(a.key, b.key) })
	got := 0
	var chosen []int32
	for _, c := range cands {
		if got == want {
			break
		}
		o := p.orders[c.order]
		for i := range int(o.n) {
			if got < want {
				p.parcels[int(o.first)+i].onHand = true
				chosen = append(chosen, o.first+int32(i))
				got++
			}
		}
	}
	slices.Sort(chosen) // parcel index order is acceptance order
	return p.shelve(chosen)
}

// shelve mirrors pickCell: the recipient's cell if it has room and fits,
// else the smallest fitting size, the emptiest cell, in label order.
func (p *plan) shelve(parcels []int32) error {
	byCustomer := map[int32][]int32{}
	for _, pi := range parcels {
		pp := &p.parcels[pi]
		need := 0
		if pp.size != sizeNone {
			need = int(pp.size)
		}
		cell := int32(-1)
		if pp.customer >= 0 {
			for _, c := range byCustomer[pp.customer] {
				if ci := p.cells[c]; ci.occupied < ci.capacity {
					if ci.rank >= need {
						cell = c
					}
					break
				}
			}
		}
		if cell < 0 {
			for i, c := range p.cells {
				if c.rank < need || c.occupied >= c.capacity {
					continue
				}
				if cell < 0 || c.rank < p.cells[cell].rank || c.rank == p.cells[cell].rank && c.occupied < p.cells[cell].occupied {
					cell = int32(i)
				}
			}
		}
		if cell < 0 {
			return fmt.Errorf("no free cell for on-hand parcel %d of size %s: add cells or lower OnHand", pi, sizeNames[pp.size])
		}
		p.cells[cell].occupied++
		pp.cell = cell
		if pp.customer >= 0 && !slices.Contains(byCustomer[pp.customer], cell) {
			byCustomer[pp.customer] = append(byCustomer[pp.customer], cell)
		}
	}
	return nil
}

// decideOutcomes settles every arrived parcel: on the shelf (maybe
// expired), issued at the customer's visit, refused there, or expired and
// sent back. A return that could not have finished by now is an issue.
func (p *plan) decideOutcomes() {
	lastDay := p.days - 1
	for oi := range p.orders {
		o := &p.orders[oi]
		if o.expected {
			continue
		}
		visitDay := p.visitDay(o)
		for i := range int(o.n) {
			pp := &p.parcels[int(o.first)+i]
			deadlineDay := p.dayOf(pp.deadline)
			switch {
			case pp.onHand:
				pp.status, pp.final = stStored, pp.accepted
				if deadlineDay+1 <= lastDay {
					pp.status, pp.ready = stToReturn, p.dayStart(deadlineDay+1)+9*hourMs+5*minuteMs+p.rnd.Int64N(10*minuteMs)
					pp.final = pp.ready
					p.emit(pp.ready, evExpired, int32(o.first)+int32(i))
				}
				continue
			case p.rnd.Float64() >= 0.05:
			case p.rnd.Float64() < 0.3 && visitDay+1 <= lastDay:
				pp.refused = int8(p.rnd.IntN(len(refuseReasons)))
				o.refused++
				continue
			case deadlineDay+2 <= lastDay:
				pp.status = stReturned
				pp.ready = p.dayStart(deadlineDay+1) + 9*hourMs + 5*minuteMs + p.rnd.Int64N(10*minuteMs)
				p.emit(pp.ready, evExpired, int32(o.first)+int32(i))
				continue
			}
			o.issued++
		}
		if o.issued+o.refused > 0 {
			p.planVisit(int32(oi), visitDay)
		}
	}
}

// visitDay is when the customer comes: usually within two days, always
// before the storage deadline and before today.
func (p *plan) visitDay(o *porder) int {
	limit := min(p.storageDays[o.partner]-1, p.days-1-int(o.day))
	var dwell int
	switch u := p.rnd.Float64(); {
	case u < 0.25:
		dwell = 0
	case u < 0.55:
		dwell = 1
	case u < 0.73:
		dwell = 2
	case u < 0.83:
		dwell = 3
	case u < 0.90:
		dwell = 4
	default:
		dwell = 5 + p.rnd.IntN(max(1, p.storageDays[o.partner]-5))
	}
	return int(o.day) + max(0, min(dwell, limit))
}

func (p *plan) planVisit(oi int32, day int) {
	o := &p.orders[oi]
	lo := p.dayStart(day) + 10*hourMs
	if day == int(o.day) {
		lo = max(lo, o.lastAccepted+10*minuteMs)
	}
	hi := p.dayStart(day) + 20*hourMs + 45*minuteMs
	o.visit = lo + p.rnd.Int64N(max(1, hi-lo))
	o.handover = int32(len(p.handovers))
	h := phandover{order: oi, at: o.visit, issued: int(o.issued), refused: int(o.refused)}
	for i := range int(o.n) {
		pp := &p.parcels[int(o.first)+i]
		switch {
		case pp.onHand || pp.status == stReturned && pp.refused < 0:
		case pp.refused >= 0:
			pp.status, pp.visit, pp.ready, pp.handover = stReturned, o.visit, o.visit, o.handover
		default:
			pp.status, pp.visit, pp.final, pp.handover = stIssued, o.visit, o.visit, o.handover
			h.due += int64(pp.cod)
		}
	}
	if h.due > 0 {
		h.payMethod = [...]string{"cash", "card"}[p.rnd.IntN(2)]
	}
	p.handovers = append(p.handovers, h)
}

// numberHandovers gives handovers their ids and numbers in time order and
// emits each visit: issued and refused parcels, then the handover.
func (p *plan) numberHandovers() {
	order := make([]int32, len(p.handovers))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(p.handovers[a].at, p.handovers[b].at) })
	sorted := make([]phandover, len(order))
	for seq, old := range order {
		h := p.handovers[old]
		year := yearOf(h.at)
		h.number = fmt.Sprintf("H-%d-%06d", year, seq+1)
		sorted[seq] = h
		p.orders[h.order].handover = int32(seq)
	}
	p.handovers = sorted
	for hi, h := range p.handovers {
		o := &p.orders[h.order]
		for i := range int(o.n) {
			pi := int(o.first) + i
			pp := &p.parcels[pi]
			if pp.visit != h.at {
				continue
			}
			pp.handover = int32(hi)
			if pp.refused >= 0 {
				p.emit(h.at, evRefused, int32(pi))
			} else {
				p.emit(h.at, evIssued, int32(pi))
			}
		}
		p.emit(h.at, evHandover, int32(hi))
	}
}

// groupReturns packs parcels ready to go back into one box and act per
// partner and day: the courier takes them when bringing the next delivery.
func (p *plan) groupReturns() {
	type key struct{ day, partner int }
	groups := map[key][]int32{}
	for pi := range p.parcels {
		pp := &p.parcels[pi]
		if pp.status != stReturned {
			continue
		}
		day := min(p.days-1, p.dayOf(pp.ready)+1+p.rnd.IntN(2))
		k := key{day, int(pp.partner)}
		groups[k] = append(groups[k], int32(pi))
	}
	keys := make([]key, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int { return cmp.Or(cmp.Compare(a.day, b.day), cmp.Compare(a.partner, b.partner)) })
	for seq, k := range keys {
		opened := p.dayStart(k.day) + 9*hourMs + 20*minuteMs + int64(k.partner)*75*minuteMs
		a := pact{partner: k.partner, day: k.day, opened: opened, parcels: groups[k],
			box: fmt.Sprintf("%06d", seq+1), number: fmt.Sprintf("R-%d-%06d", yearOf(opened), seq+1)}
		ai := int32(len(p.acts))
		p.emit(opened, evBoxOpened, ai)
		at := opened
		for _, pi := range a.parcels {
			at += 3000
			p.emit(at, evBoxed, pi)
		}
		a.at = at + 2*minuteMs
		for _, pi := range a.parcels {
			pp := &p.parcels[pi]
			pp.act, pp.final = ai, a.at
			p.emit(a.at, evReturned, pi)
		}
		p.emit(a.at, evReturnHanded, ai)
		p.acts = append(p.acts, a)
	}
}

// emitShifts opens and closes one shift a day, clerks in rotation, and
// leaves the owner's shift of today open.
func (p *plan) emitShifts() {
	for d := range p.days {
		sh := pshift{clerk: d % len(p.clerks), opened: p.dayStart(d) + 8*hourMs + 45*minuteMs, closed: p.dayStart(d) + 21*hourMs}
		p.emit(sh.opened, evShiftOpened, int32(d))
		p.emit(sh.closed, evShiftClosed, int32(d))
		p.shifts = append(p.shifts, sh)
	}
	today := pshift{clerk: len(p.clerks) - 1, opened: max(p.now-hourMs, p.dayStart(p.days))}
	p.emit(today.opened, evShiftOpened, int32(len(p.shifts)))
	p.shifts = append(p.shifts, today)
}

func yearOf(ms int64) int {
	// Proleptic Gregorian from days since the epoch (UTC), without time.Time
	// allocations in the hot loop.
	days := ms / dayMs
	z := days + 719468
	era := z / 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	if mp >= 10 {
		y++
	}
	return int(y)
}
