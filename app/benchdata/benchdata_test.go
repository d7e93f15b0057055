package benchdata

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"smartpoint/app/auth"
	"smartpoint/app/clock"
	"smartpoint/app/counter"
	"smartpoint/app/scan"
	"smartpoint/app/store"
)

var testNow = time.Date(2026, 11, 20, 15, 30, 0, 0, time.UTC)

func generateSmall(t *testing.T, seed int64) (string, Stats) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bench.db")
	st, err := Generate(context.Background(), path, Options{Parcels: 5000, OnHand: 300, Seed: seed, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	return path, st
}

func TestGenerateKeepsTheCoreInvariants(t *testing.T) {
	ctx := context.Background()
	path, st := generateSmall(t, 1)
	if st.Parcels != 5000 || st.OnHand != 300 || st.Events < 10000 {
		t.Fatalf("stats %+v", st)
	}
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	checks := []struct {
		name, query string
		want        int64
	}{
		{"integrity", `SELECT count(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'`, 0},
		{"foreign keys", `SELECT count(*) FROM pragma_foreign_key_check`, 0},
		{"cells.occupied == parcels in the cell", `SELECT count(*) FROM cells c
			WHERE c.occupied <> (SELECT count(*) FROM parcels p WHERE p.cell_id = c.id) OR c.occupied > c.capacity`, 0},
		{"on hand parcels in fitting cells", `SELECT count(*) FROM parcels p JOIN cells c ON c.id = p.cell_id
			WHERE instr('SMLXL', p.size) > instr('SMLXL', c.size) AND p.size <> ''`, 0},
		{"arrived parcels have parcel.accepted", `SELECT count(*) FROM parcels p JOIN partners pa ON pa.id = p.partner_id
			WHERE p.status <> 'expected' AND NOT EXISTS (SELECT 1 FROM events e
			  WHERE e.entity = 'parcel:' || pa.code || ':' || p.track AND e.kind = 'parcel.accepted' AND e.at = p.accepted_at)`, 0},
		{"expected parcels have no events", `SELECT count(*) FROM parcels p JOIN partners pa ON pa.id = p.partner_id
			WHERE p.status = 'expected' AND EXISTS (SELECT 1 FROM events e WHERE e.entity = 'parcel:' || pa.code || ':' || p.track)`, 0},
		{"issued parcels have parcel.issued in their handover", `SELECT count(*) FROM parcels p JOIN partners pa ON pa.id = p.partner_id
			JOIN handovers h ON h.id = p.handover_id
			WHERE p.status = 'issued' AND NOT EXISTS (SELECT 1 FROM events e WHERE e.entity = 'parcel:' || pa.code || ':' || p.track
			  AND e.kind = 'parcel.issued' AND e.at = p.issued_at AND json_extract(e.payload, '$.handover') = h.number)`, 0},
		{"issued parcels have a handover", `SELECT count(*) FROM parcels WHERE status = 'issued' AND (handover_id IS NULL OR issued_at IS NULL)`, 0},
		{"handover counts", `WITH got AS (SELECT handover_id AS id, sum(status = 'issued') AS issued,
			  sum(return_reason LIKE 'refused:%') AS refused, sum(CASE WHEN status = 'issued' THEN cod_amount ELSE 0 END) AS due
			  FROM parcels WHERE handover_id IS NOT NULL GROUP BY handover_id)
			SELECT count(*) FROM handovers h LEFT JOIN got g ON g.id = h.id
			WHERE h.issued <> coalesce(g.issued, 0) OR h.refused <> coalesce(g.refused, 0) OR h.cash_due <> coalesce(g.due, 0)`, 0},
		{"returned parcels have an act", `SELECT count(*) FROM parcels WHERE status = 'returned' AND (return_act_id IS NULL OR return_reason = '')`, 0},
		{"act counts", `WITH got AS (SELECT return_act_id AS id, count(*) AS n FROM parcels WHERE return_act_id IS NOT NULL GROUP BY 1)
			SELECT count(*) FROM return_acts a LEFT JOIN got g ON g.id = a.id WHERE a.parcels <> coalesce(g.n, 0)`, 0},
		{"events in time order", `SELECT count(*) FROM events a JOIN events b ON b.seq = a.seq + 1 WHERE b.at < a.at OR b.id <= a.id`, 0},
		{"payloads are JSON", `SELECT count(*) FROM events WHERE NOT json_valid(payload)`, 0},
		{"events in a shift", `SELECT count(*) FROM events e WHERE e.shift_id IS NOT NULL AND NOT EXISTS
			(SELECT 1 FROM shifts s WHERE s.id = e.shift_id AND e.at >= s.opened_at AND e.at <= coalesce(s.closed_at, e.at))`, 0},
		{"one open shift", `SELECT count(*) FROM shifts WHERE closed_at IS NULL`, 1},
		{"handover counter", `SELECT (SELECT value FROM counters WHERE name = 'handover') - (SELECT count(*) FROM handovers)`, 0},
	}
	for _, c := range checks {
		var got int64
		if err := db.R.QueryRowContext(ctx, c.query).Scan(&got); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got != c.want {
			t.Errorf("%s: got %d, want %d", c.name, got, c.want)
		}
	}
	checkStatusMix(t, db)
	checkTracksClassify(t, db)
	useAsCounter(t, db)
}

func checkStatusMix(t *testing.T, db *store.DB) {
	rows, err := db.R.Query(`SELECT status, count(*) FROM parcels GROUP BY status`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	mix := map[string]float64{}
	for rows.Next() {
		var s string
		var n float64
		if err := rows.Scan(&s, &n); err != nil {
			t.Fatal(err)
		}
		mix[s] = n / 5000
	}
	if mix["issued"] < 0.80 || mix["returned"] < 0.03 || mix["returned"] > 0.07 || mix["expected"] < 0.005 || mix["expected"] > 0.02 {
		t.Errorf("status mix %v", mix)
	}
}

// checkTracksClassify: every generated code is recognised as its
// partner's by the default rules, as a scanner would see it.
func checkTracksClassify(t *testing.T, db *store.DB) {
	s, err := counter.New(context.Background(), db, counter.Options{PINParams: auth.Fast})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.R.Query(`SELECT pa.code, p.track, p.pickup_code, p.order_no, p.recipient_phone FROM parcels p
		JOIN partners pa ON pa.id = p.partner_id WHERE p.id % 7 = 0`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var partner, track, pickup, order, phone string
		if err := rows.Scan(&partner, &track, &pickup, &order, &phone); err != nil {
			t.Fatal(err)
		}
		if r := s.Classify(track); r.Kind != scan.KindParcel || r.Partner != partner || r.Code != track {
			t.Fatalf("%s track %s classified as %s %v", partner, track, r.Kind, r.Candidates)
		}
		if r := s.Classify(pickup); pickup != "" && (r.Kind != scan.KindPickupCode || r.Partner != partner) {
			t.Fatalf("%s pickup code %s classified as %s %v", partner, pickup, r.Kind, r.Candidates)
		}
		if r := s.Classify(order); order != "" && (r.Kind != scan.KindOrder || !slices.Contains(r.Candidates, partner)) {
			t.Fatalf("%s order %s classified as %s %v", partner, order, r.Kind, r.Candidates)
		}
		if r := s.Classify(phone); phone != "" && (r.Kind != scan.KindPhone || r.Value != phone) {
			t.Fatalf("phone %s classified as %s %q", phone, r.Kind, r.Value)
		}
	}
}

// useAsCounter opens the service on the file and works a shift on it: the
// owner logs in and joins today's shift, finds a customer by phone and by
// pickup code, issues a parcel and accepts a new one.
func useAsCounter(t *testing.T, db *store.DB) {
	ctx := context.Background()
	s, err := counter.New(ctx, db, counter.Options{Clock: clock.NewFake(testNow.Add(time.Minute)), Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := s.Login(ctx, OwnerName, PIN)
	if err != nil {
		t.Fatal(err)
	}
	if sess.ShiftID() == 0 {
		t.Fatal("owner did not join today's open shift")
	}
	var phone, pickup string
	if err := db.R.QueryRow(`SELECT recipient_phone FROM parcels WHERE status = 'stored' AND recipient_phone <> ''
		GROUP BY recipient_phone ORDER BY count(*) DESC LIMIT 1`).Scan(&phone); err != nil {
		t.Fatal(err)
	}
	if err := db.R.QueryRow(`SELECT pickup_code FROM parcels WHERE status = 'stored' AND pickup_code <> '' LIMIT 1`).Scan(&pickup); err != nil {
		t.Fatal(err)
	}
	byPickup, err := s.FindForIssue(ctx, sess, pickup)
	if err != nil || byPickup.By != "pickup_code" || len(byPickup.Parcels) == 0 {
		t.Fatalf("find %s: %+v %v", pickup, byPickup, err)
	}
	searched, err := s.Search(ctx, sess, phone, 50)
	if err != nil || searched.By != counter.SearchPhone || len(searched.Parcels) < 2 {
		t.Fatalf("search %s: by %s, %d parcels, %v", phone, searched.By, len(searched.Parcels), err)
	}
	found, err := s.FindForIssue(ctx, sess, phone)
	if err != nil || found.By != "phone" || len(found.Parcels) == 0 {
		t.Fatalf("find %s: %+v %v", phone, found, err)
	}
	p := found.Parcels[0]
	if _, err := s.Issue(ctx, sess, counter.IssueRequest{Items: []counter.IssueItem{{ParcelID: p.ID, Scanned: p.Track}},
		Paid: p.CODAmount, PayMethod: counter.PayCash}); err != nil {
		t.Fatalf("issue %s: %v", p.Track, err)
	}
	res, err := s.Accept(ctx, sess, 0, "RA123456785KG", counter.AcceptOptions{})
	if err != nil || res.Outcome != counter.OutcomeUnexpected || res.Cell == "" {
		t.Fatalf("accept: %+v %v", res, err)
	}
	var bad int
	db.R.QueryRow(`SELECT count(*) FROM cells c WHERE c.occupied <> (SELECT count(*) FROM parcels p WHERE p.cell_id = c.id)`).Scan(&bad)
	if bad != 0 {
		t.Fatalf("%d cells out of step after issue and accept", bad)
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, _ := generateSmall(t, 7)
	b, _ := generateSmall(t, 7)
	if ha, hb := contentHash(t, a), contentHash(t, b); ha != hb {
		t.Fatalf("same seed, different data: %s vs %s", ha, hb)
	}
}

func contentHash(t *testing.T, path string) string {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var h string
	err = db.QueryRow(`SELECT (SELECT count(*) || ':' || sum(length(track) * id + cell_id * 7 + coalesce(handover_id, 0)) FROM parcels)
		|| '/' || (SELECT count(*) || ':' || sum(length(payload) * seq) || ':' || max(id) FROM events WHERE kind NOT LIKE 'clerk.%' AND kind <> 'point.setup')`).Scan(&h)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestGenerateRefusesExistingFile(t *testing.T) {
	path, _ := generateSmall(t, 1)
	if _, err := Generate(context.Background(), path, Options{Parcels: 5000}); err == nil {
		t.Fatal("overwrote an existing database")
	}
}

func TestCodesMatchTheirRules(t *testing.T) {
	seen := map[string]bool{}
	for p := range partnerMix {
		for serial := range 2000 {
			tr := track(p, serial)
			if seen[tr] {
				t.Fatalf("duplicate track %s", tr)
			}
			seen[tr] = true
		}
	}
	for c := range 5000 {
		ph := phone(c)
		if e, ok := scan.NormalizePhone(ph, "KG"); !ok || e != ph || seen[ph] {
			t.Fatalf("phone %s: %s %v", ph, e, ok)
		}
		seen[ph] = true
	}
	if y := yearOf(time.Date(2028, 2, 29, 23, 0, 0, 0, time.UTC).UnixMilli()); y != 2028 {
		t.Fatalf("yearOf: %d", y)
	}
	if y := yearOf(time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC).UnixMilli()); y != 2026 {
		t.Fatalf("yearOf: %d", y)
	}
}

// TestPayloadsAreWhatEncodingJSONWrites: the services emit map payloads
// through encoding/json; fabricated ones must be byte-identical.
func TestPayloadsAreWhatEncodingJSONWrites(t *testing.T) {
	for _, s := range []string{"", "A-1-01", "помята коробка", `quo"te\back`, "tab\tnl\n<&>", "\u2028x\x01", "bad\xffutf8"} {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	}
	o := newObj(nil)
	o.str("act", "R-2026-000001").strs("boxes", "000001").str("courier", "Почта").num("parcels", 3).flag("x", false)
	want, _ := json.Marshal(map[string]any{"act": "R-2026-000001", "boxes": []string{"000001"}, "courier": "Почта", "parcels": 3, "x": false})
	if got := o.String(); got != string(want) {
		t.Errorf("got %s, want %s", got, want)
	}
}
