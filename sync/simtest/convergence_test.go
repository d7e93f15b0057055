package simtest

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"smartpoint/app/clock"
	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/app/loyalty"
	"smartpoint/sync/client"
	"smartpoint/sync/protocol"
	"smartpoint/sync/server"
)

// TestConvergence is research §3 row 12: one owner, a few points each on
// its own counter database with a sync client, one reference server
// behind the fault middleware. Random steps — point operations (manifests,
// acceptance, sometimes of the same parcel at two points, issue, loyalty
// enrolment, stamps and rewards), sync rounds and faults (an answer lost
// after the server committed, 5xx/429 bursts, doubled requests, a counter
// database restored from an earlier backup, a copy of one used briefly by
// a second client, the server's epoch rotated) — then the faults stop and
// rounds run until nothing is waiting and nothing new comes; then world.check.
//
// The run is replayed with SP_SIM_SEED (the seed is logged; event and
// server ids are random, the steps and their outcomes are not).
func TestConvergence(t *testing.T) {
	seed := seedFrom(t, "SP_SIM_SEED")
	steps, points := 700, 4
	if testing.Short() {
		steps, points = 200, 3
	}
	if v := os.Getenv("SP_SIM_STEPS"); v != "" { // a longer soak
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("SP_SIM_STEPS: %q", v)
		}
		steps = n
	}
	s := newSim(t, seed, points)
	start := time.Now()
	for i := range steps {
		s.step(i)
	}
	s.quiesce()
	w := &world{cloud: s.cloud, points: s.points, ever: s.ever, lost: s.lost}
	if bad := w.check(); len(bad) > 0 {
		s.fail("%d invariants broken after quiescing:\n  %s", len(bad), problemList(bad))
	}
	var total int
	for _, p := range s.points {
		total += len(p.events())
	}
	if traceAll {
		t.Logf("trace:\n  %s", strings.Join(s.trace, "\n  "))
	}
	t.Logf("%d steps, %d points, %d events in %v; %s", steps, points, total, time.Since(start).Round(time.Millisecond), s.statLine())
	t.Logf("checked: %s", w.coverLine())
	t.Logf("time by step: %s", s.spentLine())
}

type sim struct {
	t      *testing.T
	ctx    context.Context
	seed   uint64
	rng    *rand.Rand
	dir    string
	cloud  *cloud
	points []*point
	cfgs   map[*point]pointConfig

	serial, phone, key, file, copies int
	shared                           map[string]bool // tracks imported at two points: never issued
	snaps                            map[*point][]string
	serverSnaps                      []string
	ever, lost                       map[string]map[string]bool

	trace []string
	stats map[string]int
	spent map[string]time.Duration
	kind  string
}

func newSim(t *testing.T, seed uint64, n int) *sim {
	s := &sim{
		t: t, ctx: context.Background(), seed: seed, rng: rand.New(rand.NewPCG(seed, 12)),
		dir: t.TempDir(), cfgs: map[*point]pointConfig{}, serial: 10_000_000, phone: 100_000,
		shared: map[string]bool{}, snaps: map[*point][]string{},
		ever: map[string]map[string]bool{}, lost: map[string]map[string]bool{}, stats: map[string]int{}, spent: map[string]time.Duration{},
	}
	// Tokens are never renewed here: a renewal followed by a restore of
	// either side locks a point out (TestBugCounterRestoredFromBackup…,
	// TestBugServerRestoredFromBackup…), which would end every long run.
	s.cloud = newCloud(t, func(o *server.Options) { o.AccessTTL = 10 * 365 * 24 * time.Hour })
	for i := range n {
		name := string(rune('A' + i))
		cfg := pointConfig{URL: s.cloud.URL, Synchronous: "NORMAL", Retries: -1,
			PushBatch: []int{7, 50, 500}[s.rng.IntN(3)], PullLimit: []int{3, 25, 500}[s.rng.IntN(3)]}
		if s.rng.IntN(2) == 0 {
			cfg.Retries = 2 // resty retries at once inside the round
		}
		p := newPoint(t, s.cloud, name, filepath.Join(s.dir, name+".db"), cfg)
		s.cfgs[p] = cfg
		s.ever[p.id], s.lost[p.id] = map[string]bool{}, map[string]bool{}
		s.points = append(s.points, p)
		s.logf("point %s = %s (push %d, pull %d, retries %d)", name, p.id, cfg.PushBatch, cfg.PullLimit, cfg.Retries)
	}
	return s
}

func (s *sim) logf(format string, args ...any) {
	s.trace = append(s.trace, fmt.Sprintf(format, args...))
}

// fail ends the test with the seed, the last steps and the clients' logs.
func (s *sim) fail(format string, args ...any) {
	s.t.Helper()
	tail := s.trace
	if len(tail) > 80 {
		tail = tail[len(tail)-80:]
	}
	var logs strings.Builder
	for _, p := range s.points {
		fmt.Fprintf(&logs, "--- client log of %s (last lines)\n%s", p.name, p.log.tail(25))
	}
	s.t.Fatalf("seed %d (replay with SP_SIM_SEED=%d): %s\n--- last steps:\n  %s\n%s",
		s.seed, s.seed, fmt.Sprintf(format, args...), strings.Join(tail, "\n  "), logs.String())
}

func (s *sim) statLine() string {
	var parts []string
	for _, k := range []string{"op", "round", "fault", "snapshot", "restore", "copy", "epoch", "server backup", "server restore",
		"double-accept", "rotated", "resets"} {
		parts = append(parts, fmt.Sprintf("%s %d", k, s.stats[k]))
	}
	return strings.Join(parts, ", ")
}

func (s *sim) spentLine() string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(s.spent)) {
		parts = append(parts, fmt.Sprintf("%s %v", k, s.spent[k].Round(time.Millisecond)))
	}
	return strings.Join(parts, ", ")
}

func (s *sim) pick() *point { return s.points[s.rng.IntN(len(s.points))] }

// step runs one random step.
func (s *sim) step(i int) {
	t0 := time.Now()
	defer func() { s.spent[s.kind] += time.Since(t0) }()
	s.cloud.clock.Advance(time.Second)
	switch r := s.rng.IntN(1000); {
	case r < 520:
		s.kind = "op"
		p := s.pick()
		s.op(p, p.name)
	case r < 740:
		s.kind = "round"
		s.round(s.pick(), "")
	case r < 900:
		s.kind = "fault"
		p := s.pick()
		s.faultRound(p, p.name)
	case r < 950:
		s.kind = "snapshot"
		s.snapshot(s.pick())
	case r < 965:
		s.kind = "restore"
		s.restore(s.pick())
	case r < 977:
		s.kind = "copy"
		s.copyEpisode(s.pick())
	case r < 985:
		s.kind = "server backup"
		s.serverBackup()
	case r < 990:
		s.kind = "server restore"
		s.serverRestore()
	default:
		s.kind = "epoch"
		e, err := s.cloud.store().RotateEpoch(s.ctx)
		if err != nil {
			s.fail("rotate the epoch: %v", err)
		}
		s.stats["epoch"]++
		s.logf("%d: the server's epoch rotated to %s", i, e)
	}
}

// op is one thing a clerk does at p (a point, or a copy of one).
func (s *sim) op(p *point, who string) {
	s.stats["op"]++
	p.clock.Advance(time.Duration(1+s.rng.IntN(15)) * time.Minute)
	var err error
	var what string
	switch r := s.rng.IntN(100); {
	case r < 12:
		what, err = s.importManifest(p)
	case r < 47:
		expected := p.parcels(counter.StatusExpected)
		if len(expected) == 0 {
			what, err = s.importManifest(p)
			break
		}
		var shared []parcel
		for _, x := range expected {
			if s.shared[x.Track] {
				shared = append(shared, x)
			}
		}
		x := expected[s.rng.IntN(len(expected))]
		if len(shared) > 0 && s.rng.IntN(2) == 0 { // the partner's mistake shows up soon
			x = shared[s.rng.IntN(len(shared))]
		}
		what, err = "accept "+x.Track, p.accept(x.Track)
	case r < 59:
		var stored []parcel
		for _, x := range p.parcels(counter.StatusStored) {
			if !s.shared[x.Track] {
				stored = append(stored, x)
			}
		}
		if len(stored) == 0 {
			what = "issue: nothing to issue"
			break
		}
		x := stored[s.rng.IntN(len(stored))]
		what, err = "issue "+x.Track, p.issue(x.ID, x.Track)
	case r < 66:
		s.phone++
		phone := fmt.Sprintf("+996555%06d", s.phone)
		_, err = p.loy.Enrol(p.ctx, p.sess, phone, "", true)
		what = "enrol " + phone
	default:
		cards := p.cards()
		if len(cards) == 0 {
			s.phone++
			phone := fmt.Sprintf("+996555%06d", s.phone)
			_, err = p.loy.Enrol(p.ctx, p.sess, phone, "", true)
			what = "enrol " + phone
			break
		}
		c := cards[s.rng.IntN(len(cards))]
		if r >= 92 && p.card(c.Code).RewardsAvailable > 0 {
			_, err = p.loy.Redeem(p.ctx, p.sess, c.Code, "")
			what = "redeem " + c.Code
			break
		}
		s.key++
		_, err = p.loy.Accrue(p.ctx, p.sess, c.Code, fmt.Sprintf("visit:%d", s.key), loyalty.Visit{Parcels: 1})
		what = "accrue " + c.Code
	}
	s.logf("%s: %s", who, what)
	if err != nil {
		s.fail("%s: %s: %v", who, what, err)
	}
}

// importManifest imports a few new parcels at p; sometimes some of them
// are also announced to another point (a partner's mistake), so both
// may accept the same parcel.
func (s *sim) importManifest(p *point) (string, error) {
	var tracks []string
	for range 2 + s.rng.IntN(5) {
		s.serial++
		tracks = append(tracks, track(s.serial))
	}
	var others []*point
	for _, q := range s.points {
		if q.id != p.id {
			others = append(others, q)
		}
	}
	what := fmt.Sprintf("import %d parcels", len(tracks))
	if len(others) > 0 && s.rng.IntN(3) == 0 {
		q := others[s.rng.IntN(len(others))]
		var both []string
		for range 1 + s.rng.IntN(2) {
			s.serial++
			tr := track(s.serial)
			both = append(both, tr)
			s.shared[tr] = true
		}
		s.file++
		q.clock.Advance(time.Minute)
		if err := q.importManifest(fmt.Sprintf("m%d.csv", s.file), both); err != nil {
			return what, fmt.Errorf("%s: %w", q.name, err)
		}
		tracks = append(tracks, both...)
		s.stats["double-accept"] += len(both)
		what += fmt.Sprintf(", %v also at %s", both, q.name)
	}
	s.file++
	return what, p.importManifest(fmt.Sprintf("m%d.csv", s.file), tracks)
}

// round runs a sync round that must go through (no fault is on).
func (s *sim) round(p *point, who string) client.RoundResult {
	s.t.Helper()
	if who == "" {
		who = p.name
	}
	s.stats["round"]++
	res, err := p.cl.Round(s.ctx)
	s.logf("%s: round %s", who, roundLine(res, err))
	if err != nil {
		s.fail("%s: a round without faults failed: %v", who, err)
	}
	s.count(res)
	return res
}

func (s *sim) count(res client.RoundResult) {
	if res.Rotated {
		s.stats["rotated"]++
	}
	s.stats["resets"] += len(res.Resets)
}

func roundLine(res client.RoundResult, err error) string {
	line := fmt.Sprintf("applied %d dup %d rejected %d batches %d pulled %d waiting %d", res.Applied, res.Duplicates,
		res.Rejected, res.Batches, res.Pulled, res.Waiting)
	if res.Rotated {
		line += " ROTATED"
	}
	if len(res.Resets) > 0 {
		line += fmt.Sprintf(" resets %v", res.Resets)
	}
	if err != nil {
		line += " ERR " + err.Error()
	}
	return line
}

var paths = []string{protocol.PathHello, protocol.PathPush, protocol.PathPull}

// faultRound switches a fault on, runs a round of a random point, and
// switches it off. The round may fail, but only as the fault explains
// (offline, server error, busy); a doubled request must not even fail.
func (s *sim) faultRound(p *point, who string) {
	s.stats["fault"]++
	f := s.cloud.faults
	var what string
	allowed := []errs.Code{client.ErrOffline, client.ErrServer, client.ErrBusy}
	switch s.rng.IntN(4) {
	case 0, 1:
		path := paths[s.rng.IntN(len(paths))]
		f.DropAfterCommit(path, 1+s.rng.IntN(2))
		what = "answer lost after commit on " + path
	case 2:
		path := ""
		if s.rng.IntN(2) == 0 {
			path = paths[s.rng.IntN(len(paths))]
		}
		status := []int{500, 502, 503, 429}[s.rng.IntN(4)]
		ra := []string{"", "1", "30"}[s.rng.IntN(3)]
		n := 1 + s.rng.IntN(4)
		f.FailNext(path, n, status, ra)
		what = fmt.Sprintf("%d × %d (Retry-After %q) on %q", n, status, ra, path)
	default:
		path := []string{protocol.PathPush, protocol.PathPull}[s.rng.IntN(2)]
		f.Double(path, 1+s.rng.IntN(2))
		what = "doubled requests on " + path
		allowed = nil
	}
	res, err := p.cl.Round(s.ctx)
	f.ClearFaults()
	s.logf("%s: fault %s: round %s", who, what, roundLine(res, err))
	s.count(res)
	if err == nil {
		return
	}
	for _, code := range allowed {
		if errs.Has(err, code) {
			return
		}
	}
	s.fail("%s: under %s the round failed with %v", who, what, err)
}

// snapshot is a backup of the counter database, as the app makes it.
func (s *sim) snapshot(p *point) {
	s.stats["snapshot"]++
	s.copies++
	dst := filepath.Join(s.dir, fmt.Sprintf("%s-backup-%d.db", p.name, s.copies))
	if err := p.db.Backup(s.ctx, dst, nil); err != nil {
		s.fail("%s: backup: %v", p.name, err)
	}
	s.snaps[p] = append(s.snaps[p], dst)
	s.logf("%s: backup %s (%d events)", p.name, filepath.Base(dst), len(p.events()))
}

// restore puts one of p's backups back over its database (spctl restore):
// what was made since is gone from the point; the client must notice.
func (s *sim) restore(p *point) {
	if len(s.snaps[p]) == 0 {
		s.snapshot(p)
		return
	}
	s.stats["restore"]++
	// Mostly the latest backup, sometimes an older one.
	snaps := s.snaps[p]
	src := snaps[len(snaps)-1]
	if len(snaps) > 1 && s.rng.IntN(3) == 0 {
		src = snaps[s.rng.IntN(len(snaps)-1)]
	}
	before := s.remember(p, p.id)
	if _, err := p.db.Restore(s.ctx, src, p.clock.Now(), nil); err != nil {
		s.fail("%s: restore %s: %v", p.name, src, err)
	}
	after := map[string]bool{}
	for _, e := range p.events() {
		after[e.ID] = true
	}
	lost := 0
	for id := range before {
		if !after[id] {
			s.lost[p.id][id] = true
			lost++
		}
	}
	s.logf("%s: restored %s: %d events gone from the point", p.name, filepath.Base(src), lost)
}

// remember adds what p's database holds now to the point's past.
func (s *sim) remember(p *point, pointID string) map[string]bool {
	ids := map[string]bool{}
	for _, e := range p.events() {
		ids[e.ID] = true
		s.ever[pointID][e.ID] = true
	}
	return ids
}

// copyEpisode copies p's database to a second PC whose client syncs as
// the same point for a while, then drains and is thrown away.
func (s *sim) copyEpisode(p *point) {
	s.stats["copy"]++
	s.copies++
	path := filepath.Join(s.dir, fmt.Sprintf("%s-copy-%d.db", p.name, s.copies))
	if err := p.db.Backup(s.ctx, path, nil); err != nil {
		s.fail("%s: copy: %v", p.name, err)
	}
	who := p.name + "'"
	c := openPoint(s.t, who, path, clock.NewFake(p.clock.Now()), s.cfgs[p])
	c.id = p.id
	c.login()
	s.logf("%s: database copied to a second PC %s", p.name, who)
	for range 1 + s.rng.IntN(6) {
		switch s.rng.IntN(6) {
		case 0:
			s.op(c, who)
		case 1:
			s.op(p, p.name)
		case 2:
			s.round(c, who)
		case 3:
			s.round(p, p.name)
		case 4:
			s.faultRound(c, who)
		default:
			s.faultRound(p, p.name)
		}
	}
	for i := 0; ; i++ {
		if res := s.round(c, who); res.Waiting == 0 {
			break
		}
		if i == 5 {
			s.fail("%s: the copy cannot send its events", who)
		}
	}
	s.remember(c, p.id)
	c.close()
	s.logf("%s: the copy is thrown away", who)
}

// serverBackup copies the server's database while it runs.
func (s *sim) serverBackup() {
	s.stats["server backup"]++
	s.copies++
	dst := filepath.Join(s.dir, fmt.Sprintf("cloud-backup-%d.db", s.copies))
	s.cloud.backup(dst)
	s.serverSnaps = append(s.serverSnaps, dst)
	s.logf("server: backup %s (%d events)", filepath.Base(dst), len(s.cloud.events()))
}

// serverRestore puts one of the server's backups back with a new epoch
// (the runbook). What the points no longer hold themselves (a restore or
// a thrown-away copy took it) and the backup lacks is gone for good.
func (s *sim) serverRestore() {
	if len(s.serverSnaps) == 0 {
		s.serverBackup()
		return
	}
	s.stats["server restore"]++
	src := s.serverSnaps[len(s.serverSnaps)-1]
	if len(s.serverSnaps) > 1 && s.rng.IntN(3) == 0 {
		src = s.serverSnaps[s.rng.IntN(len(s.serverSnaps)-1)]
	}
	for _, p := range s.points {
		here := map[string]bool{}
		for _, e := range p.events() {
			here[e.ID] = true
		}
		for id := range s.ever[p.id] {
			if !here[id] {
				s.lost[p.id][id] = true
			}
		}
	}
	epoch := s.cloud.restore(src)
	s.logf("server: restored %s, epoch %s (%d events)", filepath.Base(src), epoch, len(s.cloud.events()))
}

// quiesce stops the faults and runs rounds until every client has
// nothing waiting and a whole pass pulls nothing new.
func (s *sim) quiesce() {
	s.cloud.faults.ClearFaults()
	s.logf("--- quiesce")
	for pass := range 12 {
		calm := true
		for _, p := range s.points {
			res := s.round(p, "")
			if res.Waiting != 0 || res.Pulled != 0 || res.Pushed() != 0 || res.Rotated || len(res.Resets) > 0 {
				calm = false
			}
		}
		if calm {
			s.logf("quiet after %d passes", pass+1)
			return
		}
	}
	s.fail("the points do not settle after 12 passes of rounds")
}

// traceAll (SP_SIM_TRACE=1) logs every step of a passing run too.
var traceAll = os.Getenv("SP_SIM_TRACE") != ""
