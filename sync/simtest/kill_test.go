package simtest

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
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"smartpoint/app/auth"
	"smartpoint/app/clock"
	"smartpoint/app/counter"
	"smartpoint/app/store"
	"smartpoint/sync/client"
	"smartpoint/sync/protocol"
)

// TestClientKilledMidPush is research §3 row 9: a counter process whose
// client pushes a long offline backlog (while the clerk goes on accepting
// parcels) is killed with SIGKILL at random moments — sometimes right
// after the server committed a batch whose answer the client never
// reads. After every kill the database passes integrity_check and every
// scan the clerk saw acknowledged is there once with its event; at the
// end a normal client on the same file drains the queue, and the server
// holds every event of the file exactly once.
//
// The child is this test binary run again with SP_SIM_KILL_CHILD=1.
// SP_SIM_KILL_SEED replays the choices (the kill timing itself depends on
// the machine).
func TestClientKilledMidPush(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL test: Unix only")
	}
	if os.Getenv("SP_SIM_KILL_CHILD") != "" {
		t.Skip("inside the child")
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv("SP_SIM_KILL_SEED"); v != "" {
		var err error
		if seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			t.Fatalf("SP_SIM_KILL_SEED: %v", err)
		}
	}
	t.Logf("seed %d (replay with SP_SIM_KILL_SEED=%d)", seed, seed)
	rounds, backlog := 10, 6000
	if testing.Short() {
		rounds, backlog = 5, 2000
	}
	rng := rand.New(rand.NewPCG(seed, 9))
	ctx := context.Background()
	cl := newCloud(t)
	path := filepath.Join(t.TempDir(), "counter.db")

	// The point: set up, registered, a manifest of parcels for the clerk
	// in the child to accept, and days of events never sent.
	p := newPoint(t, cl, "A", path, pointConfig{URL: cl.URL})
	var expected []string
	for i := range 800 {
		expected = append(expected, track(20_000_000+i))
	}
	if err := p.importManifest("kill.csv", expected); err != nil {
		t.Fatal(err)
	}
	for done := 0; done < backlog; done += 500 {
		if err := p.svc.Extend(ctx, p.sess, func(x counter.Tx) error {
			for i := done; i < min(done+500, backlog); i++ {
				if err := x.Emit(counter.EvParcelAccepted, parcelEntity(track(30_000_000+i)),
					map[string]any{"track": track(30_000_000 + i), "cell": "A-1-1", "note": "offline for days"}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	pointID := p.id
	p.close()

	acked := map[string]int{} // track → the child that reported it accepted
	var kills []string
	for round := range rounds {
		t0 := time.Now()
		how, tracks := killRound(t, cl, path, seed+uint64(round)+1, rng)
		kills = append(kills, fmt.Sprintf("%s, %d on the server (%v)", how, len(cl.events()), time.Since(t0).Round(time.Millisecond)))
		for _, tr := range tracks {
			if prev, dup := acked[tr]; dup {
				t.Fatalf("child %d: the clerk saw %s accepted again (first by child %d)", round, tr, prev)
			}
			acked[tr] = round
		}
		checkAfterKill(t, path, acked)
	}
	t.Logf("kills: %s", strings.Join(kills, "; "))

	// A normal client on the same file: the queue is not wedged.
	p = openPoint(t, "A", path, clock.NewFake(lastEventTime(t, path).Add(time.Minute)), pointConfig{URL: cl.URL})
	p.id = pointID
	var res client.RoundResult
	t0 := time.Now()
	defer func() { t.Logf("final drain: %+v in %v", res, time.Since(t0)) }()
	for i := 0; ; i++ {
		var err error
		if res, err = p.cl.Round(ctx); err != nil {
			t.Fatalf("a round after the kills: %v\n%s", err, p.log)
		}
		if res.Waiting == 0 && res.Pushed() == 0 {
			break
		}
		if i == 10 {
			t.Fatalf("the queue does not drain after the kills: %+v\n%s", res, p.log)
		}
	}
	if top, acked := maxSeq(t, p), p.syncState("last_acked"); strconv.FormatInt(top, 10) != acked {
		t.Fatalf("the counter holds events up to #%d, the server acknowledged up to #%s", top, acked)
	}
	w := &world{cloud: cl, points: []*point{p}}
	if bad := w.check(); len(bad) > 0 {
		t.Fatalf("after %d kills (seed %d):\n  %s", rounds, seed, problemList(bad))
	}
	t.Logf("%d kills; %d events on the server, %d scans acknowledged to the clerk; checked: %s",
		rounds, len(cl.events()), len(acked), w.coverLine())
}

// killRound runs one child and kills it: either from the server, right
// after the child's k-th push committed (its answer never arrives), or
// after the child reported k steps, a moment later. It returns how and
// the scans the child acknowledged.
func killRound(t *testing.T, cl *cloud, path string, seed uint64, rng *rand.Rand) (string, []string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestClientKillChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "SP_SIM_KILL_CHILD=1", "SP_SIM_KILL_DB="+path, "SP_SIM_KILL_URL="+cl.URL,
		"SP_SIM_KILL_SEED="+strconv.FormatUint(seed, 10))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	var killed atomic.Bool
	kill := func() {
		once.Do(func() {
			killed.Store(true)
			_ = cmd.Process.Kill()
		})
	}
	var how string
	fromServer := rng.IntN(2) == 0
	k := 1 + rng.IntN(12)
	if fromServer {
		how = fmt.Sprintf("server: after push %d committed", k)
		cl.faults.After(protocol.PathPush, -1, func(n int) {
			if n == k {
				kill()
			}
		})
		defer cl.faults.ClearFaults()
	} else {
		k = 1 + rng.IntN(25)
		how = fmt.Sprintf("after %d status changes", k)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(out)
	var tracks []string
	steps, rounds := 0, 0 // status moves (batches acknowledged), rounds ended
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			break // EOF, or a line cut by the kill: not acknowledged
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case strings.HasPrefix(line, "A "):
			tracks = append(tracks, strings.TrimPrefix(line, "A "))
		case strings.HasPrefix(line, "S "):
			steps++
		case strings.HasPrefix(line, "R "):
			rounds++
		}
		if killed.Load() {
			continue // read what it said before dying
		}
		if !fromServer && steps >= k {
			if rng.IntN(2) == 0 {
				// Kill timing only (inside a transaction or between two);
				// nothing is synchronised by it.
				time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
			}
			kill()
		}
		if rounds > 3 {
			how += " (no more to push: killed idle)"
			kill()
		}
	}
	_ = cmd.Wait()
	if !killed.Load() || cmd.ProcessState.ExitCode() != -1 {
		t.Fatalf("the child ended by itself (code %d):\n%s", cmd.ProcessState.ExitCode(), stderr.String())
	}
	return how, tracks
}

// checkAfterKill: the database is sound and every scan the clerk saw
// acknowledged is stored once, with exactly one parcel.accepted event.
func checkAfterKill(t *testing.T, path string, acked map[string]int) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatalf("open after the kill: %v", err)
	}
	defer db.Close()
	var integrity string
	if err := db.R.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		t.Fatalf("integrity_check after the kill: %q %v", integrity, err)
	}
	for tr, child := range acked {
		var status string
		var events int
		err := db.R.QueryRowContext(ctx, `SELECT p.status,
				(SELECT count(*) FROM events e WHERE e.kind = ? AND e.entity = ?)
			FROM parcels p WHERE p.track = ?`, counter.EvParcelAccepted, parcelEntity(tr), tr).Scan(&status, &events)
		if err != nil || status != string(counter.StatusStored) || events != 1 {
			t.Fatalf("scan %s acknowledged by child %d: status %q with %d parcel.accepted events (%v); want stored, one event",
				tr, child, status, events, err)
		}
	}
}

func maxSeq(t *testing.T, p *point) int64 {
	t.Helper()
	var n int64
	if err := p.db.R.QueryRowContext(p.ctx, `SELECT coalesce(max(seq), 0) FROM events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// lastEventTime is when the database's last event happened: a process
// opening it again goes on from there, so the log stays in order.
func lastEventTime(t testing.TB, path string) time.Time {
	t.Helper()
	db, err := store.Open(context.Background(), path, store.Options{SkipIntegrityCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ms int64
	if err := db.R.QueryRow(`SELECT coalesce(max(at), 0) FROM events`).Scan(&ms); err != nil {
		t.Fatal(err)
	}
	return time.UnixMilli(ms).UTC()
}

// TestClientKillChild is the process TestClientKilledMidPush kills: a
// counter whose client runs rounds in a loop (small batches, so a kill
// lands mid-push) while the clerk accepts parcels. It prints "A <track>"
// when an acceptance returned, "S <waiting>" when the client's status
// moved (a batch acknowledged), "R …" after each round. Run alone it skips.
func TestClientKillChild(t *testing.T) {
	if os.Getenv("SP_SIM_KILL_CHILD") != "1" {
		t.Skip("run by TestClientKilledMidPush")
	}
	if err := killChild(); err != nil {
		fmt.Fprintln(os.Stderr, "kill child:", err)
		os.Exit(2)
	}
	os.Exit(3) // never reached: the parent kills us first
}

func killChild() error {
	ctx := context.Background()
	seed, err := strconv.ParseUint(os.Getenv("SP_SIM_KILL_SEED"), 10, 64)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	path := os.Getenv("SP_SIM_KILL_DB")
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		return err
	}
	var last int64
	if err := db.R.QueryRow(`SELECT coalesce(max(at), 0) FROM events`).Scan(&last); err != nil {
		return err
	}
	c := clock.NewFake(time.UnixMilli(last).Add(time.Minute))
	svc, err := counter.New(ctx, db, counter.Options{Clock: c, PINParams: auth.Fast, Location: time.UTC})
	if err != nil {
		return err
	}
	sess, err := svc.Login(ctx, ownerName, ownerPIN)
	if err != nil {
		return err
	}
	var mu sync.Mutex // stdout lines whole
	say := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		_, _ = fmt.Fprintf(os.Stdout, format+"\n", args...)
	}
	cfg := pointConfig{URL: os.Getenv("SP_SIM_KILL_URL"), Retries: -1, PushBatch: 20 + rng.IntN(100), PullLimit: 50}
	cl := client.New(svc, clientOptions(c, cfg, newRing(1)))
	status, unsubscribe := cl.Subscribe()
	defer unsubscribe()
	go func() {
		for st := range status {
			say("S %d", st.Waiting)
		}
	}()

	// The clerk: a few acceptances while the backlog goes out.
	var expected []string
	rows, err := db.R.QueryContext(ctx, `SELECT track FROM parcels WHERE status = 'expected' ORDER BY track`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var tr string
		if err := rows.Scan(&tr); err != nil {
			return err
		}
		expected = append(expected, tr)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	rng.Shuffle(len(expected), func(i, j int) { expected[i], expected[j] = expected[j], expected[i] })
	clerk := make(chan error, 1)
	go func() {
		for _, tr := range expected[:min(len(expected), 5+rng.IntN(30))] {
			res, err := svc.Accept(ctx, sess, 0, tr, counter.AcceptOptions{})
			if err != nil {
				clerk <- err
				return
			}
			if res.Outcome != counter.OutcomeOK {
				clerk <- fmt.Errorf("accept %s: %s", tr, res.Outcome)
				return
			}
			say("A %s", tr)
			c.Advance(time.Second)
		}
	}()
	for range 10000 {
		select {
		case err := <-clerk:
			return err
		default:
		}
		res, err := cl.Round(ctx)
		if err != nil {
			say("R error %v", err)
			continue
		}
		say("R applied %d dup %d waiting %d", res.Applied, res.Duplicates, res.Waiting)
	}
	return errors.New("never killed")
}
