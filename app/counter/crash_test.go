package counter

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"smartpoint/app/auth"
	"smartpoint/app/clock"
	"smartpoint/app/store"
)

// The crash test: a child process accepting parcels is killed with SIGKILL
// at random moments. After each kill the database must pass
// integrity_check, every scan the child reported as committed must be
// there exactly once, and the event log must match the state tables.
//
// The child is this test binary re-executed with SP_CRASH_CHILD=1; it
// prints "OK <track>" after each Accept returned, so a reported scan is
// one the clerk saw acknowledged. Set SP_CRASH_SEED to replay a run's
// choices (the kill timing itself depends on the machine).

const (
	crashOwner    = "Айгуль"
	crashPIN      = "4821"
	crashExpected = 1500 // manifest parcels imported before the first round
)

func TestCrashDuringAcceptance(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL test: Unix only")
	}
	if os.Getenv("SP_CRASH_CHILD") != "" {
		t.Skip("inside the crash child")
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("SP_CRASH_SEED"); v != "" {
		var err error
		if seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			t.Fatalf("SP_CRASH_SEED: %v", err)
		}
	}
	t.Logf("seed %d (rerun with SP_CRASH_SEED=%d)", seed, seed)
	rounds := 50
	if testing.Short() {
		rounds = 10
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	crashSetup(t, path)

	rng := rand.New(rand.NewPCG(seed, 0))
	reported := map[string]int{} // track → round it was reported in
	unacked := 0                 // committed, killed before it could say so
	for round := range rounds {
		lines := crashRound(t, path, seed+uint64(round)+1, rng)
		for _, track := range lines {
			if prev, dup := reported[track]; dup {
				t.Fatalf("round %d: child reported %s again (first in round %d)", round, track, prev)
			}
			reported[track] = round
		}
		db, err := store.Open(context.Background(), path, store.Options{})
		if err != nil {
			t.Fatalf("round %d: reopen after kill: %v", round, err)
		}
		checkDB(t, db)
		onHand := checkReported(t, db, reported)
		unacked = onHand - len(reported)
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d rounds: %d acknowledged scans survived, %d more committed unacknowledged", rounds, len(reported), unacked)
}

// crashSetup makes the point: many roomy cells, an open shift and a
// manifest of expected parcels with a few recipients sharing phones.
func crashSetup(t *testing.T, path string) {
	ctx := context.Background()
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := New(ctx, db, Options{Clock: clock.NewFake(testStart), PINParams: auth.Fast, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	owner, err := s.Setup(ctx, SetupRequest{
		Point:     Point{Name: "ПВЗ Краш", Country: "KG"},
		OwnerName: crashOwner, OwnerPIN: crashPIN,
		Layout: &Layout{Racks: "A-J", Shelves: 5, Cells: 10, Size: "M", Capacity: 5, ShelfSizes: []string{"L"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.OpenShift(ctx, owner); err != nil {
		t.Fatal(err)
	}
	var csv strings.Builder
	csv.WriteString("track,name,phone,cod\n")
	for i := 1; i <= crashExpected; i++ {
		fmt.Fprintf(&csv, "%s,Получатель %d,+996700%06d,%d\n", s10(i, "KG"), i%400, i%400, i%3*100)
	}
	if _, err := s.ImportManifest(ctx, owner, strings.NewReader(csv.String()), ImportOptions{Partner: "kgpost", Filename: "crash.csv"}); err != nil {
		t.Fatal(err)
	}
}

// crashRound runs one child, kills it after a random number of
// acknowledged scans, and returns every scan it acknowledged — including
// those printed between the decision to kill and the kill itself.
func crashRound(t *testing.T, path string, seed uint64, rng *rand.Rand) []string {
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "SP_CRASH_CHILD=1", "SP_CRASH_DB="+path, "SP_CRASH_SEED="+strconv.FormatUint(seed, 10))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(out)
	var tracks []string
	readLine := func() bool {
		line, err := r.ReadString('\n')
		if err != nil {
			return false // EOF, or a line cut by the kill: not acknowledged
		}
		if track, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "OK "); ok {
			tracks = append(tracks, track)
		}
		return true
	}
	want := rng.IntN(41)
	alive := true
	for alive && len(tracks) < want {
		alive = readLine()
	}
	if alive && rng.IntN(2) == 0 {
		// Kill timing only, so the kill lands inside a transaction as well
		// as between them; results are never synchronised by sleeping.
		time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
	}
	_ = cmd.Process.Kill()
	for readLine() {
	}
	_ = cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != -1 {
		t.Fatalf("crash child exited by itself (code %d) after %d scans:\n%s", code, len(tracks), stderr.String())
	}
	return tracks
}

// checkReported asserts every acknowledged scan is stored exactly once,
// with exactly one parcel.accepted event, and returns how many parcels are
// on hand.
func checkReported(t *testing.T, db *store.DB, reported map[string]int) int {
	t.Helper()
	rows, err := db.R.Query(`SELECT p.track, p.status,
		(SELECT count(*) FROM events e WHERE e.kind='parcel.accepted' AND e.entity='parcel:'||pa.code||':'||p.track)
		FROM parcels p JOIN partners pa ON pa.id=p.partner_id WHERE p.status <> 'expected'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type found struct {
		rows, stored, accepted int
	}
	have := map[string]*found{}
	for rows.Next() {
		var track, status string
		var accepted int
		if err := rows.Scan(&track, &status, &accepted); err != nil {
			t.Fatal(err)
		}
		f := have[track]
		if f == nil {
			f = &found{}
			have[track] = f
		}
		f.rows++
		f.accepted += accepted
		if status == string(StatusStored) {
			f.stored++
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for track, round := range reported {
		f := have[track]
		if f == nil || f.rows != 1 || f.stored != 1 || f.accepted != 1 {
			t.Fatalf("scan %s acknowledged in round %d: found %+v, want one stored parcel with one parcel.accepted", track, round, f)
		}
	}
	return len(have)
}

// TestCrashChild is the process the crash test kills. It accepts parcels
// until it dies; run alone it skips.
func TestCrashChild(t *testing.T) {
	if os.Getenv("SP_CRASH_CHILD") != "1" {
		t.Skip("run by TestCrashDuringAcceptance")
	}
	if err := crashChild(); err != nil {
		fmt.Fprintln(os.Stderr, "crash child:", err)
		os.Exit(2)
	}
	os.Exit(3) // never reached: the parent kills us first
}

func crashChild() error {
	ctx := context.Background()
	seed, err := strconv.ParseUint(os.Getenv("SP_CRASH_SEED"), 10, 64)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	db, err := store.Open(ctx, os.Getenv("SP_CRASH_DB"), store.Options{})
	if err != nil {
		return err
	}
	// The fake clock goes on from the last event, so the log stays in order.
	var last int64
	if err := db.R.QueryRow(`SELECT coalesce(max(at),0) FROM events`).Scan(&last); err != nil {
		return err
	}
	c := clock.NewFake(time.UnixMilli(last).Add(time.Minute))
	s, err := New(ctx, db, Options{Clock: c, PINParams: auth.Fast, Location: time.UTC})
	if err != nil {
		return err
	}
	sess, err := s.Login(ctx, crashOwner, crashPIN)
	if err != nil {
		return err
	}
	if sess.ShiftID() == 0 {
		if _, err := s.OpenShift(ctx, sess); err != nil {
			return err
		}
	}
	expected, err := crashExpectedTracks(ctx, db)
	if err != nil {
		return err
	}
	rng.Shuffle(len(expected), func(i, j int) { expected[i], expected[j] = expected[j], expected[i] })
	for range 100000 {
		track, err := crashNextTrack(ctx, db, rng, &expected)
		if err != nil {
			return err
		}
		res, err := s.Accept(ctx, sess, 0, track, AcceptOptions{Damaged: rng.IntN(10) == 0})
		if err != nil {
			return err
		}
		if res.Outcome == OutcomeDuplicate {
			return errors.New("fresh track " + track + " accepted as a duplicate")
		}
		if _, err := os.Stdout.Write([]byte("OK " + track + "\n")); err != nil {
			return err
		}
		c.Advance(time.Second)
		if rng.IntN(15) == 0 {
			// Another kind of transaction for the kill to land in.
			if _, err := s.CloseDelivery(ctx, sess, 0); err != nil {
				return err
			}
		}
	}
	return errors.New("never killed")
}

func crashExpectedTracks(ctx context.Context, db *store.DB) ([]string, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT track FROM parcels WHERE status='expected' ORDER BY track`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var tr string
		if err := rows.Scan(&tr); err != nil {
			return nil, err
		}
		out = append(out, tr)
	}
	return out, rows.Err()
}

// crashNextTrack picks a track never scanned before: half from the
// manifest, half unexpected kgpost parcels (their S10 rule names the
// partner).
func crashNextTrack(ctx context.Context, db *store.DB, rng *rand.Rand, expected *[]string) (string, error) {
	if len(*expected) > 0 && rng.IntN(2) == 0 {
		tr := (*expected)[0]
		*expected = (*expected)[1:]
		return tr, nil
	}
	for {
		tr := s10(10_000_000+rng.IntN(89_999_999), "KG")
		var n int
		if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM parcels WHERE track=?`, tr).Scan(&n); err != nil {
			return "", err
		}
		if n == 0 {
			return tr, nil
		}
	}
}
