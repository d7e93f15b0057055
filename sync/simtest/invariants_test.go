package simtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"smartpoint/app/counter"
	"smartpoint/app/inbox"
	"smartpoint/app/loyalty"
	"smartpoint/sync/client"
	"smartpoint/sync/protocol"
)

// world is what the invariants look at: the cloud, the points as they
// are now, and what the test knows of their past.
type world struct {
	cloud  *cloud
	points []*point
	// ever: per point id, every event id one of its databases ever held
	// (copies and states before a restore included). lost: the ids a
	// restore took out of the point's database. Both nil: the point's
	// database never went back in time and had no copy.
	ever, lost map[string]map[string]bool
	// cover counts what check looked at, for the log.
	cover map[string]int
}

// Data of the changes the server makes (sync/server/store/internal/core),
// as far as a point reads them.
type eventData struct {
	EventID string `json:"event_id"`
}

type exceptionData struct {
	ID     string   `json:"id"`
	Kind   string   `json:"kind"`
	Entity string   `json:"entity"`
	Points []string `json:"points"`
}

// movementSign is how a loyalty event moves a card's balance; kinds not
// listed move nothing. The simulation makes no other movements.
var movementSign = map[string]int{
	loyalty.EvStampEarned:    +1,
	loyalty.EvPointsEarned:   +1,
	loyalty.EvRewardRedeemed: -1,
}

var unexpectedMovement = []string{loyalty.EvAdjusted, loyalty.EvReversed, loyalty.EvExpired, loyalty.EvTransferred}

// check returns every broken invariant, each a sentence a point or owner
// would recognise; empty when all hold.
func (w *world) check() []string {
	var bad []string
	w.cover = map[string]int{}
	add := func(format string, args ...any) { bad = append(bad, fmt.Sprintf(format, args...)) }
	names := map[string]string{}
	for _, p := range w.points {
		names[p.id] = p.name
	}
	name := func(id string) string {
		if n, ok := names[id]; ok {
			return n
		}
		return "?" + id
	}

	// 1. The server holds each event once: no refusals, and the applied
	// ones took the owner's server seqs 1..n without a gap or a repeat
	// (an event applied twice would hold two).
	evs := w.cloud.events()
	w.cover["server events"] = len(evs)
	byID := map[string]serverEvent{}
	byPoint := map[string][]serverEvent{}
	var seqs []int64
	for _, e := range evs {
		if _, dup := byID[e.ID]; dup {
			add("the server holds event %s twice", e.ID)
		}
		byID[e.ID] = e
		byPoint[e.Point] = append(byPoint[e.Point], e)
		if e.Status != protocol.StatusApplied {
			add("point %s: event %s (%s %s) was refused by the server: %s %s", name(e.Point), e.ID, e.Kind, e.Entity, e.Status, e.Code)
			continue
		}
		seqs = append(seqs, e.ServerSeq)
		if _, known := names[e.Point]; !known {
			add("the server holds event %s of an unknown point %s", e.ID, e.Point)
		}
	}
	slices.Sort(seqs)
	for i, s := range seqs {
		if s != int64(i+1) {
			add("the server's seqs are not 1..%d: position %d holds %d (an event applied twice, or lost)", len(seqs), i, s)
			break
		}
	}

	// 2. Every event of every point is on the server, as it was made;
	// the server holds nothing a point's databases never had, and lacks
	// only what a restore took away before it was sent.
	local := map[string]map[string]counter.Event{}
	for _, p := range w.points {
		mine := map[string]counter.Event{}
		for _, e := range p.events() {
			mine[e.ID] = e
			s, ok := byID[e.ID]
			switch {
			case !ok:
				add("point %s: event #%d %s (%s %s) is not on the server", p.name, e.Seq, e.ID, e.Kind, e.Entity)
			case s.Point != p.id:
				add("point %s: event %s is on the server as point %s's", p.name, e.ID, name(s.Point))
			case s.Kind != e.Kind || s.Entity != e.Entity || compact(s.Payload) != compact(string(e.Payload)):
				add("point %s: event %s differs on the server: local %s %s %s, server %s %s %s", p.name, e.ID,
					e.Kind, e.Entity, compact(string(e.Payload)), s.Kind, s.Entity, compact(s.Payload))
			}
		}
		local[p.id] = mine
		ever := w.ever[p.id]
		for _, s := range byPoint[p.id] {
			if _, ok := mine[s.ID]; !ok && !ever[s.ID] {
				add("point %s: the server holds event %s (%s %s) that no database of the point ever had", p.name, s.ID, s.Kind, s.Entity)
			}
		}
		for id := range ever {
			if _, here := mine[id]; here {
				continue
			}
			if _, there := byID[id]; !there && !w.lost[p.id][id] {
				add("point %s: event %s of a copy of its database never reached the server", p.name, id)
			}
		}
		if probs, err := p.cl.Problems(p.ctx, 100); err != nil || len(probs) > 0 {
			add("point %s: sync problems %+v %v", p.name, probs, err)
		}
		if st := p.cl.Status(); st.Waiting != 0 || st.LastError != nil {
			add("point %s: status shows %d waiting, error %v", p.name, st.Waiting, st.LastError)
		}
	}

	// 3. Each point's inbox is exactly what the server's streams hold
	// for it: the same seqs, in order, none skipped or doubled.
	inboxes := map[string]map[string][]client.Inbox{}
	for _, p := range w.points {
		inboxes[p.id] = map[string][]client.Inbox{}
		for _, stream := range []string{protocol.StreamPoint, protocol.StreamOwner} {
			in := p.inbox(stream)
			inboxes[p.id][stream] = in
			w.cover["inbox changes"] += len(in)
			if d := diffStream(in, w.cloud.stream(p.id, stream)); d != "" {
				add("point %s, %s stream: %s", p.name, stream, d)
			}
		}
	}

	// 4. Every loyalty change reaches every point once, the one it came
	// from included (a restored point gets its own back).
	seen := map[string]map[string]int{} // point → event id → times in its owner inbox
	for _, p := range w.points {
		seen[p.id] = map[string]int{}
		for _, in := range inboxes[p.id][protocol.StreamOwner] {
			var d eventData
			if err := json.Unmarshal(in.Data, &d); err != nil || d.EventID == "" {
				add("point %s: owner change #%d (%s) names no event: %s", p.name, in.Seq, in.Kind, in.Data)
				continue
			}
			seen[p.id][d.EventID]++
		}
	}
	for _, e := range evs {
		if e.Status != protocol.StatusApplied || !strings.HasPrefix(e.Kind, "loyalty.") {
			continue
		}
		w.cover["loyalty changes"]++
		for _, p := range w.points {
			n := seen[p.id][e.ID]
			if n != 1 {
				add("point %s got %s %s of point %s %d times, want once", p.name, e.Kind, e.ID, name(e.Point), n)
			}
		}
	}

	// 5. A parcel accepted at two points is a location conflict the
	// owner sees and both points get; no other exception is raised but
	// overdrawn cards (7).
	acceptedAt := map[string]map[string]bool{}
	for _, e := range evs {
		if e.Status == protocol.StatusApplied && e.Kind == counter.EvParcelAccepted {
			if acceptedAt[e.Entity] == nil {
				acceptedAt[e.Entity] = map[string]bool{}
			}
			acceptedAt[e.Entity][e.Point] = true
		}
	}
	flagged := map[string]map[string]bool{}
	for _, x := range w.cloud.exceptions() {
		if x.Kind == protocol.WarnOverdrawn {
			continue // 7.
		}
		if x.Kind != protocol.WarnLocationConflict {
			add("unexpected %s exception on %s (points %v)", x.Kind, x.Entity, x.Points)
			continue
		}
		if len(acceptedAt[x.Entity]) < 2 {
			add("location conflict on %s, which only %v accepted", x.Entity, pointNames(acceptedAt[x.Entity], name))
		}
		if flagged[x.Entity] == nil {
			flagged[x.Entity] = map[string]bool{}
		}
		for _, pid := range x.Points {
			flagged[x.Entity][pid] = true
			if !acceptedAt[x.Entity][pid] {
				add("location conflict on %s names point %s, which never accepted it", x.Entity, name(pid))
			}
		}
	}
	gotException := map[string]map[string]bool{} // point → entity
	for _, p := range w.points {
		gotException[p.id] = map[string]bool{}
		for _, in := range inboxes[p.id][protocol.StreamPoint] {
			if in.Kind != "exception.raised" {
				continue
			}
			var d exceptionData
			if err := json.Unmarshal(in.Data, &d); err != nil {
				add("point %s: exception change #%d does not decode: %v", p.name, in.Seq, err)
				continue
			}
			if d.Kind == protocol.WarnLocationConflict && slices.Contains(d.Points, p.id) {
				gotException[p.id][in.Entity] = true
			}
		}
	}
	for _, entity := range slices.Sorted(maps.Keys(acceptedAt)) {
		at := acceptedAt[entity]
		if len(at) < 2 {
			continue
		}
		w.cover["parcels at two points"]++
		for _, pid := range slices.Sorted(maps.Keys(at)) {
			if !flagged[entity][pid] {
				add("%s was accepted at %v but the owner's exceptions do not name %s", entity, pointNames(at, name), name(pid))
			}
			if _, ours := names[pid]; ours && !gotException[pid][entity] {
				add("%s was accepted at %v but point %s has no location conflict for it in its inbox", entity, pointNames(at, name), name(pid))
			}
		}
	}

	// 6. Every point applied everything it pulled, and holds every card of
	// the owner's points with the movements the server holds for it: those
	// of the other points, and its own that it still has (the cloud never
	// sends a point its own back). A movement the server no longer holds is
	// one the cloud lost in a restore while the point that made it had lost
	// it too (its own restore): the other points keep what they applied.
	// A card's balance is the sum of the movements it holds plus the
	// deficits of other points' spends that found the stamps gone.
	cardEvents := map[string][]serverEvent{}
	for _, e := range evs {
		if strings.HasPrefix(e.Entity, "card:") && e.Status == protocol.StatusApplied {
			if slices.Contains(unexpectedMovement, e.Kind) {
				add("point %s: card %s has a %s the simulation never makes", name(e.Point), e.Entity, e.Kind)
			}
			cardEvents[e.Entity] = append(cardEvents[e.Entity], e)
		}
	}
	for _, p := range w.points {
		// A change stays pending only while its card is unknown here, which
		// lasts when the cloud lost the card's issue and no point still has
		// it to push again (a restored cloud and a copy thrown away).
		sum, err := inbox.Summarise(p.ctx, p.svc)
		if err != nil {
			add("point %s: %v", p.name, err)
		}
		if sum.SetAside != 0 {
			failed, _ := inbox.FailedChanges(p.ctx, p.svc, 3)
			add("point %s: %d pulled changes set aside, such as %+v", p.name, sum.SetAside, failed)
		}
		pending := 0
		for _, stream := range []string{protocol.StreamPoint, protocol.StreamOwner} {
			for _, in := range inboxes[p.id][stream] {
				if p.applied(stream, in.Seq) {
					continue
				}
				pending++
				if list := cardEvents[in.Entity]; len(list) > 0 && list[0].Kind == loyalty.EvCardIssued {
					add("point %s: %s %s is not applied, though the cloud holds the card's issue (by %s)", p.name, in.Kind, in.Entity, name(list[0].Point))
				} else {
					w.cover["changes about a card the cloud lost"]++
				}
			}
		}
		if pending != sum.Held {
			add("point %s: %d changes pending, the summary says %d", p.name, pending, sum.Held)
		}
		known := map[string]bool{}
		for _, c := range p.cards() {
			known["card:"+c.UUID] = true
			held, total, deficit := p.movements(c.UUID)
			for _, e := range cardEvents["card:"+c.UUID] {
				var m struct{ Movement string }
				if movementSign[e.Kind] == 0 || json.Unmarshal([]byte(e.Payload), &m) != nil || m.Movement == "" {
					continue
				}
				_, has := held[m.Movement]
				switch {
				case !has:
					add("point %s: card %s lacks %s %s of point %s", p.name, c.Code, e.Kind, m.Movement, name(e.Point))
				case has:
					w.cover["movements applied or made"]++
				}
				delete(held, m.Movement)
			}
			for uuid, origin := range held {
				switch {
				case origin == "":
					// Its own movement the server lost with the event: 1 (the
					// point still has the event) reports it.
				case len(w.lost[origin]) > 0:
					w.cover["movements the cloud and their point lost"]++
				default:
					add("point %s: card %s holds movement %s of point %s that the cloud never had", p.name, c.Code, uuid, name(origin))
				}
			}
			if bal := p.card(c.Code).Balance; bal != total+deficit {
				add("point %s: card %s shows %d, its movements add up to %d and deficits to %d", p.name, c.Code, bal, total, deficit)
			} else if deficit > 0 {
				w.cover["card balances with a deficit"]++
			} else {
				w.cover["card balances"]++
			}
		}
		for entity, list := range cardEvents {
			if !known[entity] && list[0].Kind == loyalty.EvCardIssued && list[0].Point != p.id {
				add("point %s does not know card %s of point %s", p.name, entity, name(list[0].Point))
			}
		}
	}

	// 7. A card the points' movements took below zero on the server (the
	// same stamps redeemed at two points offline, or again after a
	// restore) is one overdrawn exception per drop, which the owner sees
	// and each point it names gets.
	type drop struct{ entity, event string }
	var wantDrops, gotDrops []drop
	balance, below := map[string]int{}, map[string]bool{}
	for _, e := range evs { // in server_seq order: the order the server applied them
		sign := movementSign[e.Kind]
		if e.Status != protocol.StatusApplied || sign == 0 || !strings.HasPrefix(e.Entity, "card:") {
			continue
		}
		var m struct{ Amount int }
		_ = json.Unmarshal([]byte(e.Payload), &m) // a missing amount is reported by 6
		balance[e.Entity] += sign * m.Amount
		switch {
		case balance[e.Entity] >= 0:
			below[e.Entity] = false
		case !below[e.Entity]:
			below[e.Entity] = true
			wantDrops = append(wantDrops, drop{e.Entity, e.ID})
		}
	}
	overdrawnAt := map[string]map[string]bool{} // point → exception id
	for _, p := range w.points {
		overdrawnAt[p.id] = map[string]bool{}
		for _, in := range inboxes[p.id][protocol.StreamPoint] {
			var d exceptionData
			if in.Kind == "exception.raised" && json.Unmarshal(in.Data, &d) == nil && d.Kind == protocol.WarnOverdrawn {
				overdrawnAt[p.id][d.ID] = true
			}
		}
	}
	for _, x := range w.cloud.exceptions() {
		if x.Kind != protocol.WarnOverdrawn {
			continue
		}
		var d protocol.OverdrawnDetail
		if err := json.Unmarshal(x.Detail, &d); err != nil {
			add("overdrawn exception %s: detail %s: %v", x.ID, x.Detail, err)
		}
		gotDrops = append(gotDrops, drop{x.Entity, d.Event})
		for _, pid := range x.Points {
			if !overdrawnAt[pid][x.ID] {
				add("overdrawn exception on %s names point %s, which did not get it", x.Entity, name(pid))
			}
		}
		w.cover["overdrawn cards"]++
	}
	byDrop := func(a, b drop) int { return strings.Compare(a.entity+" "+a.event, b.entity+" "+b.event) }
	slices.SortFunc(wantDrops, byDrop)
	slices.SortFunc(gotDrops, byDrop)
	if !slices.Equal(gotDrops, wantDrops) {
		add("overdrawn exceptions (card, event) %v; the server's movements went below zero at %v", gotDrops, wantDrops)
	}
	return bad
}

// coverLine says what check looked at.
func (w *world) coverLine() string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(w.cover)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, w.cover[k]))
	}
	return strings.Join(parts, ", ")
}

// problemList is broken invariants for a failure message: the first 40.
func problemList(bad []string) string {
	if len(bad) > 40 {
		bad = append(bad[:40:40], fmt.Sprintf("… and %d more", len(bad)-40))
	}
	return strings.Join(bad, "\n  ")
}

func pointNames(set map[string]bool, name func(string) string) []string {
	var out []string
	for id := range set {
		out = append(out, name(id))
	}
	sort.Strings(out)
	return out
}

// compact is JSON without insignificant space (the wire may re-encode).
func compact(s string) string {
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		return s
	}
	return b.String()
}

// diffStream compares a point's inbox with the server's stream; "" when
// they are the same.
func diffStream(inbox []client.Inbox, server []protocol.Change) string {
	line := func(seq int64, kind, entity, origin string, data []byte) string {
		return fmt.Sprintf("#%d %s %s from %q %s", seq, kind, entity, origin, compact(string(data)))
	}
	var diffs []string
	have := map[int64]bool{}
	for _, in := range inbox {
		have[in.Seq] = true
	}
	want := map[int64]bool{}
	var missing, extra []int64
	for _, c := range server {
		want[c.Seq] = true
		if !have[c.Seq] {
			missing = append(missing, c.Seq)
		}
	}
	for _, in := range inbox {
		if !want[in.Seq] {
			extra = append(extra, in.Seq)
		}
	}
	for i := 0; i < min(len(inbox), len(server)); i++ {
		a, b := inbox[i], server[i]
		la := line(a.Seq, a.Kind, a.Entity, a.Origin, a.Data)
		lb := line(b.Seq, b.Kind, b.Entity, b.Origin, b.Data)
		if la != lb {
			diffs = append(diffs, fmt.Sprintf("first difference at position %d: inbox %s, server %s", i, la, lb))
			break
		}
	}
	if len(inbox) != len(server) || len(missing) > 0 || len(extra) > 0 {
		diffs = append(diffs, fmt.Sprintf("inbox holds %d changes, the server %d; missing seqs %v, extra seqs %v",
			len(inbox), len(server), short(missing), short(extra)))
	}
	return strings.Join(diffs, "; ")
}

func short(s []int64) []int64 {
	if len(s) > 20 {
		return s[:20]
	}
	return s
}
