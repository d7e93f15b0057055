package loyalty

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"smartpoint/app/counter"
	"smartpoint/app/scan"
)

// EvDataExported is logged after every CSV export (entity "point"):
//
//	loyalty.data_exported {what: customers|movements, rows, complete, full_phones?, segment?, from?, to?}
//
// complete is false when writing stopped part way (rows says how many went
// out).
const EvDataExported = "loyalty.data_exported"

// What an export held.
const (
	ExportedCustomers = "customers"
	ExportedMovements = "movements"
)

// CSVOptions tune ExportCustomersCSV.
type CSVOptions struct {
	// FullPhones writes phones unmasked (E.164); only the owner may.
	FullPhones bool `json:"full_phones"`
	// Segment, when set, exports only the members of that segment (a
	// name of SegmentNames, close_to_reward included).
	Segment string `json:"segment,omitempty"`
}

// CustomerCSVColumns is the header of ExportCustomersCSV: stable ids,
// never translated. id is the customer's id, card the active card's code,
// phone masked (or E.164), then enrolment, consent and last visit times,
// the live balance, rewards available, what the next reward lacks,
// lifetime earnings, and the segment with its recency (days), frequency,
// monetary and close-to-reward flag (true/false) as SegmentMember has
// them.
var CustomerCSVColumns = []string{"id", "card", "phone", "name", "enrolled_at", "consent_at", "last_visit_at",
	"balance", "rewards_available", "to_next_reward", "lifetime", "segment", "recency_days", "frequency", "monetary",
	"close_to_reward"}

// MovementCSVColumns is the header of ExportMovementsCSV.
var MovementCSVColumns = []string{"id", "at", "card", "customer", "kind", "amount", "remaining", "expires_at", "key",
	"visit_at", "parcels", "clerk", "approved_by", "shift_id", "reason", "ref"}

// csvTime is how exports write times: the point's local time, which
// spreadsheets read as a date.
const csvTime = "2006-01-02 15:04:05"

// utf8BOM starts every export, so that Excel reads it as UTF-8 (Cyrillic
// names) rather than the Windows code page.
const utf8BOM = "\ufeff"

// ExportCustomersCSV writes every active member (neither anonymised nor
// merged; with opt.Segment, that segment's members) as CSV (RFC 4180, CRLF,
// UTF-8 with a BOM) to w, oldest member first, and returns how many rows
// it wrote. Columns are CustomerCSVColumns; times are the point's local
// time; the segment columns are as Segments computes them with the default
// options. Phones are masked unless opt.FullPhones, which only the owner
// may ask for. Text a spreadsheet would run as a formula (starting with =,
// +, -, @, a tab or CR: every phone, since it starts with +) is written
// with a leading apostrophe. Manager or owner; the export is logged
// (EvDataExported). Rows are streamed as they are read.
func (s *Service) ExportCustomersCSV(ctx context.Context, sess *counter.Session, w io.Writer, opt CSVOptions) (int, error) {
	if err := sess.Require(counter.RoleManager); err != nil {
		return 0, err
	}
	if opt.FullPhones {
		if err := sess.Require(counter.RoleOwner); err != nil {
			return 0, err
		}
	}
	if opt.Segment != "" && !slices.Contains(SegmentNames, opt.Segment) {
		return 0, invalid("segment", opt.Segment)
	}
	var segOpt SegmentOptions
	if err := segOpt.normalise(); err != nil {
		return 0, err
	}
	now := s.svc.Now()
	set, err := s.segmentSet(ctx, now, segOpt, true)
	if err != nil {
		return 0, fmt.Errorf("export customers: %w", err)
	}
	byCustomer := map[int64]*rfm{}
	for i := range set.members {
		byCustomer[set.members[i].id] = &set.members[i]
	}
	n, err := s.writeCustomersCSV(ctx, w, now, set, byCustomer, opt)
	return n, s.logExport(ctx, sess, n, err, dataExported{What: ExportedCustomers, FullPhones: opt.FullPhones, Segment: opt.Segment})
}

func (s *Service) writeCustomersCSV(ctx context.Context, w io.Writer, now time.Time, set *segmentSet, byCustomer map[int64]*rfm,
	opt CSVOptions) (int, error) {
	rows, err := s.r().QueryContext(ctx, `SELECT u.id, u.uuid, coalesce(u.phone, ''), u.name, u.created_at, u.consent_at,
		u.last_visit_at, coalesce(c.code, '')
		FROM loyalty_customers u
		LEFT JOIN loyalty_cards c ON c.customer_id = u.id AND c.status = 'active'
			AND c.programme_id = (SELECT id FROM loyalty_programmes WHERE active = 1)
		WHERE u.anonymised_at IS NULL AND u.merged_into IS NULL ORDER BY u.id`)
	if err != nil {
		return 0, fmt.Errorf("export customers: %w", err)
	}
	defer rows.Close()
	cw, err := startCSV(w, CustomerCSVColumns)
	if err != nil {
		return 0, err
	}
	loc := s.svc.Location()
	n := 0
	record := make([]string, len(CustomerCSVColumns))
	for rows.Next() {
		var id, created, consent int64
		var uuid, phone, name, code string
		var visit sql.NullInt64
		if err := rows.Scan(&id, &uuid, &phone, &name, &created, &consent, &visit, &code); err != nil {
			return n, fmt.Errorf("export customers: %w", err)
		}
		m := byCustomer[id]
		if opt.Segment != "" && (m == nil || !m.in(opt.Segment)) {
			continue
		}
		if phone != "" && !opt.FullPhones {
			phone = scan.MaskPhone(phone)
		}
		record = append(record[:0], uuid, code, csvText(phone), csvText(name), csvStamp(created, loc), csvStamp(consent, loc),
			csvStamp(visit.Int64, loc))
		if m == nil { // enrolled after the figures were read
			record = append(record, "", "", "", "", "", "", "", "", "")
		} else {
			rewards := 0
			if p := set.programme; p != nil && p.PerReward > 0 {
				rewards = max(m.balance, 0) / p.PerReward
			}
			record = append(record, strconv.Itoa(m.balance), strconv.Itoa(rewards), strconv.Itoa(set.toNextReward(m.balance)),
				strconv.Itoa(m.lifetime), segmentIDs[m.seg], strconv.FormatInt(max(now.UnixMilli()-m.last, 0)/dayMs, 10),
				strconv.Itoa(m.visits), strconv.Itoa(m.earned), strconv.FormatBool(m.close))
		}
		if err := cw.Write(record); err != nil {
			return n, fmt.Errorf("export customers: %w", err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("export customers: %w", err)
	}
	return n, endCSV(cw)
}

// ExportMovementsCSV writes the ledger rows recorded in [from, to) as CSV
// (as ExportCustomersCSV: RFC 4180, UTF-8 with a BOM, local times) in the
// order they were written, and returns how many. Columns are
// MovementCSVColumns: the movement's id, when it was recorded, the card's
// code and the customer's id (no phone or name), kind, signed amount, what
// is left of a lot and when it expires, the accrual's key, visit and
// parcels, the clerk and approving manager by name, the shift, reason and
// ref. Manager or owner; logged (EvDataExported).
func (s *Service) ExportMovementsCSV(ctx context.Context, sess *counter.Session, w io.Writer, from, to time.Time) (int, error) {
	if err := sess.Require(counter.RoleManager); err != nil {
		return 0, err
	}
	if !to.After(from) {
		return 0, invalid("to", to.In(s.svc.Location()).Format(time.DateTime))
	}
	n, err := s.writeMovementsCSV(ctx, w, from, to)
	loc := s.svc.Location()
	return n, s.logExport(ctx, sess, n, err, dataExported{What: ExportedMovements, From: from.In(loc), To: to.In(loc)})
}

func (s *Service) writeMovementsCSV(ctx context.Context, w io.Writer, from, to time.Time) (int, error) {
	// One snapshot: the cards and clerks named, then the ledger. Names are
	// looked up in memory (one row per card, not per movement): joining
	// them row by row reads the cards and customers at random, ten times
	// slower than the ledger itself.
	tx, err := s.r().BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return 0, fmt.Errorf("export movements: %w", err)
	}
	defer tx.Rollback()
	type cardRef struct{ code, customer string }
	cards := map[int64]cardRef{}
	clerks := map[int64]string{}
	if err := eachRow(ctx, tx, `SELECT c.id, c.code, u.uuid FROM loyalty_cards c JOIN loyalty_customers u ON u.id = c.customer_id`,
		func(rows *sql.Rows) error {
			var id int64
			var c cardRef
			err := rows.Scan(&id, &c.code, &c.customer)
			cards[id] = c
			return err
		}); err != nil {
		return 0, fmt.Errorf("export movements: %w", err)
	}
	if err := eachRow(ctx, tx, `SELECT id, name FROM clerks`, func(rows *sql.Rows) error {
		var id int64
		var name string
		err := rows.Scan(&id, &name)
		clerks[id] = name
		return err
	}); err != nil {
		return 0, fmt.Errorf("export movements: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT uuid, at, card_id, kind, amount, remaining, expires_at, coalesce(idem_key, ''),
		visit_at, coalesce(parcels, 0), coalesce(clerk_id, 0), coalesce(approved_by, 0), coalesce(shift_id, 0), reason, ref
		FROM loyalty_movements WHERE at >= ? AND at < ? ORDER BY id`, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("export movements: %w", err)
	}
	defer rows.Close()
	cw, err := startCSV(w, MovementCSVColumns)
	if err != nil {
		return 0, err
	}
	loc := s.svc.Location()
	n := 0
	record := make([]string, len(MovementCSVColumns))
	for rows.Next() {
		var id, kind, key, reason, ref string
		var at, card, amount, parcels, clerk, approver, shift int64
		var remaining, expires, visit sql.NullInt64
		if err := rows.Scan(&id, &at, &card, &kind, &amount, &remaining, &expires, &key, &visit, &parcels,
			&clerk, &approver, &shift, &reason, &ref); err != nil {
			return n, fmt.Errorf("export movements: %w", err)
		}
		left := ""
		if remaining.Valid {
			left = strconv.FormatInt(remaining.Int64, 10)
		}
		c := cards[card]
		record = append(record[:0], id, csvStamp(at, loc), c.code, c.customer, kind, strconv.FormatInt(amount, 10), left,
			csvStamp(expires.Int64, loc), csvText(key), csvStamp(visit.Int64, loc), intOrEmpty(parcels), csvText(clerks[clerk]),
			csvText(clerks[approver]), intOrEmpty(shift), csvText(reason), csvText(ref))
		if err := cw.Write(record); err != nil {
			return n, fmt.Errorf("export movements: %w", err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("export movements: %w", err)
	}
	return n, endCSV(cw)
}

// eachRow runs a query and calls fn on every row.
func eachRow(ctx context.Context, q queryer, query string, fn func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// dataExported is the payload of EvDataExported.
type dataExported struct {
	What       string    `json:"what"`
	Rows       int       `json:"rows"`
	Complete   bool      `json:"complete"`
	FullPhones bool      `json:"full_phones,omitempty"`
	Segment    string    `json:"segment,omitempty"`
	From       time.Time `json:"from,omitzero"`
	To         time.Time `json:"to,omitzero"`
}

// logExport records an export once anything may have gone out: when it
// succeeded, or failed after writing rows. It returns the export's error,
// or the log's.
func (s *Service) logExport(ctx context.Context, sess *counter.Session, rows int, exportErr error, ev dataExported) error {
	if exportErr != nil && rows == 0 {
		return exportErr
	}
	ev.Rows, ev.Complete = rows, exportErr == nil
	err := s.write(ctx, sess, func(w *writer) error { return w.emit(EvDataExported, "point", ev) })
	if err != nil {
		err = fmt.Errorf("export %s: %w", ev.What, err)
	}
	return cmp.Or(exportErr, err)
}

// startCSV writes the BOM and the header.
func startCSV(w io.Writer, header []string) (*csv.Writer, error) {
	if _, err := io.WriteString(w, utf8BOM); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(header); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return cw, nil
}

func endCSV(cw *csv.Writer) error {
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// csvText keeps a spreadsheet from running a cell as a formula (OWASP,
// CSV injection): text starting with = + - @, a tab or CR gets a leading
// apostrophe.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// csvStamp is a time in ms as local time; 0 is empty.
func csvStamp(ms int64, loc *time.Location) string {
	if ms == 0 {
		return ""
	}
	return time.UnixMilli(ms).In(loc).Format(csvTime)
}

func intOrEmpty(v int64) string {
	if v == 0 {
		return ""
	}
	return strconv.FormatInt(v, 10)
}
