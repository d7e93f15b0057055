package benchdata

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// writer streams the plan into the file through one raw connection with
// bulk-load settings: no journal, no fsync, no foreign key checks (the plan
// is consistent by construction; the test and the final store.Open check
// it), secondary indexes dropped and rebuilt once at the end.
type writer struct {
	ctx      context.Context
	conn     *sql.Conn
	p        *plan
	ids      ids
	progress func(done, total int)
	done     int
	total    int
	buf      []byte
}

// ids are the database ids of what Setup created.
type ids struct {
	partners   [len(partnerMix)]int64
	clerks     []int64 // parallel to plan.clerks
	clerkNames []string
}

const bulkDSN = "?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)&_pragma=foreign_keys(0)" +
	"&_pragma=cache_size(-524288)&_pragma=temp_store(MEMORY)&_pragma=locking_mode(EXCLUSIVE)"

const batchRows = 200_000 // rows per transaction

func writePlan(ctx context.Context, path string, p *plan, id ids, progress func(done, total int)) error {
	db, err := sql.Open("sqlite", "file:"+path+bulkDSN)
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var mode string
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "off" {
		return fmt.Errorf("bulk load: journal_mode %q: %v", mode, err)
	}
	w := &writer{ctx: ctx, conn: conn, p: p, ids: id, progress: progress, total: len(p.parcels) + len(p.events)}
	indexes, err := w.dropIndexes()
	if err != nil {
		return err
	}
	steps := []func() error{w.shifts, w.manifests, w.deliveries, w.returns, w.handovers, w.parcels, w.events}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	for _, ddl := range indexes {
		if _, err := conn.ExecContext(ctx, ddl); err != nil {
			return fmt.Errorf("rebuild index: %w", err)
		}
	}
	return w.finish()
}

// dropIndexes removes the secondary indexes of the two big tables and
// returns their DDL, exactly as the migration created them.
func (w *writer) dropIndexes() ([]string, error) {
	rows, err := w.conn.QueryContext(w.ctx, `SELECT name, sql FROM sqlite_master
		WHERE type='index' AND tbl_name IN ('parcels','events') AND sql IS NOT NULL ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var names, ddl []string
	for rows.Next() {
		var n, s string
		if err := rows.Scan(&n, &s); err != nil {
			rows.Close()
			return nil, err
		}
		names, ddl = append(names, n), append(ddl, s)
	}
	rows.Close()
	for _, n := range names {
		if _, err := w.conn.ExecContext(w.ctx, `DROP INDEX "`+n+`"`); err != nil {
			return nil, fmt.Errorf("drop index %s: %w", n, err)
		}
	}
	return ddl, rows.Err()
}

// rowsPerInsert rows go in one multi-row INSERT: fewer statement
// executions is most of what makes a bulk load fast through database/sql.
const rowsPerInsert = 32

// bulk inserts n rows with query (an INSERT … VALUES(…) of one row) in
// transactions of batchRows.
func (w *writer) bulk(table, query string, n int, counts bool, row func(i int) []any) error {
	at := strings.LastIndex(query, "VALUES")
	tuple := strings.TrimSpace(query[at+len("VALUES"):])
	multi := query[:at+len("VALUES")] + strings.Repeat(tuple+",", rowsPerInsert-1) + tuple
	var args []any
	for from := 0; from < n; from += batchRows {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		tx, err := w.conn.BeginTx(w.ctx, nil)
		if err != nil {
			return err
		}
		one, err := tx.PrepareContext(w.ctx, query)
		if err != nil {
			tx.Rollback()
			return fmt.Errorf("%s: %w", table, err)
		}
		many, err := tx.PrepareContext(w.ctx, multi)
		if err != nil {
			tx.Rollback()
			return fmt.Errorf("%s: %w", table, err)
		}
		to := min(n, from+batchRows)
		for i := from; i < to; {
			stmt, k := many, rowsPerInsert
			if to-i < rowsPerInsert {
				stmt, k = one, 1
			}
			args = args[:0]
			for j := range k {
				args = append(args, row(i+j)...)
			}
			if _, err := stmt.Exec(args...); err != nil {
				tx.Rollback()
				return fmt.Errorf("%s rows %d-%d: %w", table, i, i+k-1, err)
			}
			i += k
			if counts {
				w.done += k
				if w.progress != nil && w.done/50_000 != (w.done-k)/50_000 {
					w.progress(w.done, w.total)
				}
			}
		}
		one.Close()
		many.Close()
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("%s: %w", table, err)
		}
	}
	return nil
}

func nullID(i int32) any {
	if i < 0 {
		return nil
	}
	return int64(i) + 1
}

func nullMs(ms int64) any {
	if ms == 0 {
		return nil
	}
	return ms
}

// shiftOf is the shift (index) an event at ms belongs to.
func (w *writer) shiftOf(ms int64) int {
	return min(max(0, w.p.dayOf(ms)), len(w.p.shifts)-1)
}

func (w *writer) shifts() error {
	return w.bulk("shifts", `INSERT INTO shifts(id,clerk_id,opened_at,closed_at) VALUES(?,?,?,?)`, len(w.p.shifts), false,
		func(i int) []any {
			s := w.p.shifts[i]
			return []any{i + 1, w.ids.clerks[s.clerk], s.opened, nullMs(s.closed)}
		})
}

func (w *writer) manifestNumber(m pmanifest) string {
	return "M-" + strings.ToUpper(partnerMix[m.partner].code) + "-" + time.UnixMilli(w.p.dayStart(m.day)).UTC().Format("20060102")
}

func manifestSHA(number string) string {
	sum := sha256.Sum256([]byte(number))
	return hex.EncodeToString(sum[:])
}

func (w *writer) manifests() error {
	return w.bulk("manifests", `INSERT INTO manifests(id,partner_id,number,sha256,filename,rows,imported_at,clerk_id) VALUES(?,?,?,?,?,?,?,?)`,
		len(w.p.manifests), false, func(i int) []any {
			m := w.p.manifests[i]
			n := w.manifestNumber(m)
			return []any{i + 1, w.ids.partners[m.partner], n, manifestSHA(n), strings.ToLower(n) + ".csv", m.rows, m.at,
				w.ids.clerks[w.p.shifts[w.shiftOf(m.at)].clerk]}
		})
}

func (w *writer) deliveries() error {
	return w.bulk("deliveries", `INSERT INTO deliveries(id,partner_id,manifest_id,courier,opened_at,closed_at,clerk_id,shift_id) VALUES(?,?,?,?,?,?,?,?)`,
		len(w.p.deliveries), false, func(i int) []any {
			d := w.p.deliveries[i]
			sh := w.shiftOf(d.opened)
			return []any{i + 1, w.ids.partners[d.partner], nullID(d.manifest), couriers[d.partner], d.opened, d.closed,
				w.ids.clerks[w.p.shifts[sh].clerk], sh + 1}
		})
}

// returns writes the acts and their boxes: one box per act, same index.
func (w *writer) returns() error {
	err := w.bulk("return_acts", `INSERT INTO return_acts(id,number,partner_id,courier,parcels,created_at,clerk_id,shift_id) VALUES(?,?,?,?,?,?,?,?)`,
		len(w.p.acts), false, func(i int) []any {
			a := w.p.acts[i]
			sh := w.shiftOf(a.at)
			return []any{i + 1, a.number, w.ids.partners[a.partner], couriers[a.partner], len(a.parcels), a.at,
				w.ids.clerks[w.p.shifts[sh].clerk], sh + 1}
		})
	if err != nil {
		return err
	}
	return w.bulk("return_boxes", `INSERT INTO return_boxes(id,number,partner_id,status,created_at,act_id) VALUES(?,?,?,'handed',?,?)`,
		len(w.p.acts), false, func(i int) []any {
			a := w.p.acts[i]
			return []any{i + 1, a.box, w.ids.partners[a.partner], a.opened, i + 1}
		})
}

func (w *writer) recipientKey(pp *pparcel) string {
	if pp.customer < 0 {
		return ""
	}
	return phone(int(pp.customer))
}

func (w *writer) handovers() error {
	return w.bulk("handovers", `INSERT INTO handovers(id,number,recipient,issued,refused,cash_due,cash_paid,pay_method,at,clerk_id,shift_id)
		VALUES(?,?,?,?,?,?,?,?,?,?,?)`, len(w.p.handovers), false, func(i int) []any {
		h := w.p.handovers[i]
		o := w.p.orders[h.order]
		sh := w.shiftOf(h.at)
		return []any{i + 1, h.number, w.recipientKey(&w.p.parcels[o.first]), h.issued, h.refused, h.due, h.due, h.payMethod, h.at,
			w.ids.clerks[w.p.shifts[sh].clerk], sh + 1}
	})
}

const insertParcel = `INSERT INTO parcels(id,partner_id,track,order_no,pickup_code,recipient_name,recipient_phone,recipient_key,name_norm,
	size,cod_amount,currency,weight_grams,manifest_id,status,cell_id,unexpected,damaged,damage_note,delivery_id,
	accepted_at,deadline_at,issued_at,handover_id,return_reason,return_box_id,return_act_id,updated_at)
	VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`

const damageNote = "помята коробка"

func (w *writer) parcels() error {
	args := make([]any, 28)
	return w.bulk("parcels", insertParcel, len(w.p.parcels), true, func(i int) []any {
		pp := &w.p.parcels[i]
		var nm, ph, norm, order, pickup, currency, note, reason string
		if pp.customer >= 0 {
			nm, ph = name(int(pp.customer)), phone(int(pp.customer))
			norm = strings.ToLower(nm)
			order = orderNo(int(pp.partner), int(pp.order), int(pp.item))
			if pp.partner == pOzon {
				pickup = pickupCode(int(pp.order))
			}
		}
		if pp.cod > 0 {
			currency = "KGS"
		}
		if pp.damaged {
			note = damageNote
		}
		var cell, handover, box, issued any
		switch pp.status {
		case stStored, stToReturn:
			cell = w.p.cells[pp.cell].id
		case stIssued:
			issued = pp.visit
		}
		if pp.handover >= 0 {
			handover = int64(pp.handover) + 1
		}
		if pp.act >= 0 {
			box = int64(pp.act) + 1
		}
		switch {
		case pp.refused >= 0:
			reason = "refused:" + refuseReasons[pp.refused]
		case pp.status == stToReturn || pp.status == stReturned:
			reason = "expired"
		}
		updated := pp.final
		if pp.status == stExpected {
			updated = w.p.manifests[pp.manifest].at
		}
		copy(args, []any{i + 1, w.ids.partners[pp.partner], track(int(pp.partner), int(pp.serial)), order, pickup, nm, ph, ph, norm,
			sizeNames[pp.size], pp.cod, currency, pp.weight, nullID(pp.manifest), statusNames[pp.status], cell,
			pp.unexpected, pp.damaged, note, nullID(pp.delivery), nullMs(pp.accepted), nullMs(pp.deadline), issued, handover,
			reason, box, box, updated})
		return args
	})
}

func (w *writer) events() error {
	g := uuidGen{rnd: w.p.rnd}
	args := make([]any, 7)
	return w.bulk("events", `INSERT INTO events(id,kind,entity,clerk_id,shift_id,at,payload) VALUES(?,?,?,?,?,?,?)`,
		len(w.p.events), true, func(i int) []any {
			e := w.p.events[i]
			sh := w.shiftOf(e.at)
			entity, payload := w.payload(e)
			args[0], args[1], args[2] = g.next(e.at), evNames[e.kind], entity
			args[3], args[4], args[5], args[6] = w.ids.clerks[w.p.shifts[sh].clerk], sh+1, e.at, payload
			return args
		})
}

// payload renders an event the way the service that would have written it
// does; see accept.go, issue.go and returns.go for the live shapes.
func (w *writer) payload(e pevent) (entity, payload string) {
	p := w.p
	o := newObj(w.buf)
	defer func() { w.buf = o.b }()
	switch e.kind {
	case evShiftOpened:
		return "shift:" + strconv.Itoa(int(e.ref)+1), o.str("clerk", w.ids.clerkNames[p.shifts[e.ref].clerk]).String()
	case evShiftClosed:
		return "shift:" + strconv.Itoa(int(e.ref)+1), o.str("by", w.ids.clerkNames[p.shifts[e.ref].clerk]).String()
	case evManifest:
		m := p.manifests[e.ref]
		n := w.manifestNumber(m)
		code := partnerMix[m.partner].code
		o.num("already_accepted", 0).num("bad", 0).str("filename", strings.ToLower(n)+".csv").str("number", n)
		o.str("partner", code).num("rows", int64(m.rows)).num("saved", int64(m.rows)).str("sha256", manifestSHA(n))
		return "manifest:" + code + ":" + n, o.String()
	case evDeliveryOpened:
		d := p.deliveries[e.ref]
		o.str("courier", couriers[d.partner]).num("manifest_id", int64(d.manifest)+1).str("partner", partnerMix[d.partner].code)
		return "delivery:" + strconv.Itoa(int(e.ref)+1), o.String()
	case evDeliveryClosed:
		d := p.deliveries[e.ref]
		o.num("damaged", int64(d.damaged)).num("expected", int64(d.expected)).num("missing", int64(d.missing))
		o.num("scanned", int64(d.scanned)).num("unexpected", int64(d.unexpected))
		return "delivery:" + strconv.Itoa(int(e.ref)+1), o.String()
	case evHandover:
		h := p.handovers[e.ref]
		o.num("due", h.due).num("issued", int64(h.issued)).str("number", h.number).num("paid", h.due)
		o.str("pay_method", h.payMethod).num("refused", int64(h.refused))
		return "handover:" + h.number, o.String()
	case evBoxOpened:
		a := p.acts[e.ref]
		o.str("number", a.box).str("partner", partnerMix[a.partner].code)
		return "return_box:" + a.box, o.String()
	case evReturnHanded:
		a := p.acts[e.ref]
		o.str("act", a.number).strs("boxes", a.box).str("courier", couriers[a.partner]).num("parcels", int64(len(a.parcels)))
		o.str("partner", partnerMix[a.partner].code)
		return "return_act:" + a.number, o.String()
	}
	pp := &p.parcels[e.ref]
	code := partnerMix[pp.partner].code
	tr := track(int(pp.partner), int(pp.serial))
	cell := p.cells[pp.cell].label
	switch e.kind {
	case evAccepted:
		note := ""
		if pp.damaged {
			note = damageNote
		}
		o.str("cell", cell).str("damage_note", note).flag("damaged", pp.damaged).num("deadline", pp.deadline)
		o.num("delivery", int64(pp.delivery)+1).str("partner", code).str("size", sizeNames[pp.size]).str("track", tr)
		o.flag("unexpected", pp.unexpected)
	case evIssued:
		h := p.handovers[pp.handover]
		o.str("cell", cell).num("cod", int64(pp.cod)).str("handover", h.number).flag("manual_confirm", false)
		o.str("partner", code).str("pay_method", h.payMethod).str("track", tr)
	case evRefused:
		h := p.handovers[pp.handover]
		o.str("cell", cell).str("handover", h.number).str("note", "").str("partner", code)
		o.str("reason", refuseReasons[pp.refused]).str("track", tr)
	case evExpired:
		o.str("cell", cell).num("deadline", pp.deadline).str("partner", code).str("track", tr)
	case evBoxed:
		o.str("box", p.acts[pp.act].box).str("cell", cell).str("partner", code).str("track", tr)
	case evReturned:
		a := p.acts[pp.act]
		o.str("act", a.number).str("box", a.box).str("partner", code).str("track", tr)
	}
	return parcelEntity(code, tr), o.String()
}

func parcelEntity(partner, track string) string { return "parcel:" + partner + ":" + track }

// finish makes the derived state agree with the rows: cell occupancy,
// document counters, and marks the file as generated.
func (w *writer) finish() error {
	p := w.p
	stmts := []struct {
		q    string
		args []any
	}{
		{`UPDATE cells SET occupied = (SELECT count(*) FROM parcels p WHERE p.cell_id = cells.id)`, nil},
		{`INSERT INTO counters(name,value) VALUES('handover',?),('return_act',?),('return_box',?)
			ON CONFLICT(name) DO UPDATE SET value=excluded.value`, []any{len(p.handovers), len(p.acts), len(p.acts)}},
		{`INSERT INTO meta(key,value) VALUES('bench.now',?) ON CONFLICT(key) DO UPDATE SET value=excluded.value`,
			[]any{strconv.FormatInt(p.now, 10)}},
	}
	for _, s := range stmts {
		if _, err := w.conn.ExecContext(w.ctx, s.q, s.args...); err != nil {
			return fmt.Errorf("finish: %w", err)
		}
	}
	return nil
}
