package simtest

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"smartpoint/app/errs"
	"smartpoint/sync/client"
	"smartpoint/sync/protocol"
)

// seedFrom reads a seed from env, else makes one, and logs it.
func seedFrom(t *testing.T, env string) uint64 {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv(env); v != "" {
		var err error
		if seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			t.Fatalf("%s: %v", env, err)
		}
	}
	t.Logf("seed %d (replay with %s=%d)", seed, env, seed)
	return seed
}

// work runs n random point operations; with sync, rounds in between and
// then until everything settled.
func (s *sim) work(n int, sync bool) {
	for range n {
		p := s.pick()
		s.op(p, p.name)
		if sync && s.rng.IntN(3) == 0 {
			s.round(s.pick(), "")
		}
	}
	if sync {
		s.quiesce()
	}
}

// TestServerRestoredFromBackup is research §3 row 7. The points work and
// sync; the server's database is backed up; they work and sync more,
// then work offline; the server is stopped, the backup put back and the
// epoch rotated (the README's runbook). At their next round the points
// find the new epoch: each pulls its streams again from the start and
// pushes again exactly what the backup lacks; in the end the server holds
// the union of all events, each once, and every invariant of the
// convergence test holds.
func TestServerRestoredFromBackup(t *testing.T) {
	seed := seedFrom(t, "SP_SIM_SEED")
	s := newSim(t, seed, 3)
	n := 60
	if testing.Short() {
		n = 30
	}
	s.work(n, true)

	backup := filepath.Join(s.dir, "cloud-backup.db")
	inBackup := map[string]bool{}
	for _, e := range s.cloud.events() {
		inBackup[e.ID] = true
	}
	s.cloud.backup(backup)
	s.logf("--- server backed up with %d events", len(inBackup))

	s.work(n, true)
	s.work(n/3, false) // made while the server is down: not sent yet
	s.cloud.stop()
	s.logf("--- server stopped")
	for _, p := range s.points {
		res, err := p.cl.Round(s.ctx)
		s.logf("%s: round %s", p.name, roundLine(res, err))
		if !errs.Has(err, client.ErrServer) {
			s.fail("%s: a round while the server is down: %v, want the server error", p.name, err)
		}
	}
	epoch := s.cloud.restore(backup)
	s.logf("--- server restored from the backup, epoch %s", epoch)
	if got := len(s.cloud.events()); got != len(inBackup) {
		s.fail("the restored server holds %d events, the backup %d", got, len(inBackup))
	}

	for _, p := range s.points {
		var missing int
		for _, e := range p.events() {
			if !inBackup[e.ID] {
				missing++
			}
		}
		res := s.round(p, "")
		if !slices.Contains(res.Resets, protocol.StreamPoint) || !slices.Contains(res.Resets, protocol.StreamOwner) {
			s.fail("%s: the first round after the restore reset %v, want both streams", p.name, res.Resets)
		}
		if res.Applied != missing || res.Rejected != 0 {
			s.fail("%s: the first round after the restore applied %d (rejected %d); the backup lacks %d of its events",
				p.name, res.Applied, res.Rejected, missing)
		}
		for _, stream := range []string{protocol.StreamPoint, protocol.StreamOwner} {
			if got := p.syncState("stream." + stream + ".epoch"); got != epoch {
				s.fail("%s: stream %s is at epoch %q, the server's is %q", p.name, stream, got, epoch)
			}
		}
	}
	s.quiesce()
	w := &world{cloud: s.cloud, points: s.points}
	if bad := w.check(); len(bad) > 0 {
		s.fail("%d invariants broken after the restore:\n  %s", len(bad), problemList(bad))
	}
	t.Logf("backup held %d events, the server now %d; checked: %s", len(inBackup), len(s.cloud.events()), w.coverLine())
}
