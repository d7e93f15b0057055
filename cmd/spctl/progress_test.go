package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// bigManifest writes a kgpost CSV of n parcels without phones.
func (p *point) bigManifest(n int) string {
	var b strings.Builder
	b.WriteString("Трек;Получатель\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%s;Клиент %d\n", s10(i), i)
	}
	return p.writeFile("big.csv", b.String())
}

// onWrite is a stderr that calls fn the first time text containing want
// is written to it.
type onWrite struct {
	mu   sync.Mutex
	b    strings.Builder
	want string
	fn   func()
}

func (w *onWrite) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b.Write(p)
	if w.fn != nil && strings.Contains(w.b.String(), w.want) {
		w.fn()
		w.fn = nil
	}
	return len(p), nil
}

func (w *onWrite) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// runProgress runs spctl as if stderr were a terminal.
func (p *point) runProgress(ctx context.Context, stderr *onWrite, args ...string) (int, string) {
	var out strings.Builder
	c := newCLI(ctx, strings.NewReader(""), &out, stderr, func(k string) string { return p.env[k] })
	c.progress = true
	defer c.close()
	return c.main(append([]string{"--db", p.db}, args...)), out.String()
}

func TestProgressOnATerminal(t *testing.T) {
	p := newPoint(t)
	file := p.bigManifest(2500)
	errw := &onWrite{}
	code, out := p.runProgress(context.Background(), errw, "import-manifest", "--partner", "kgpost", file)
	if code != 0 || !strings.Contains(out, ru("cli.import.saved", "Count", 2500)) {
		t.Fatalf("import exit %d\n%s\n%s", code, out, errw.String())
	}
	for _, rows := range []int{1000, 2000} {
		if want := "\r" + ru("cli.import.progress", "Rows", rows); !strings.Contains(errw.String(), want) {
			t.Errorf("stderr lacks %q:\n%q", want, errw.String())
		}
	}
	errw = &onWrite{}
	if code, _ := p.runProgress(context.Background(), errw, "backup"); code != 0 ||
		!strings.Contains(errw.String(), ru("cli.backup.progress", "Percent", 100)) {
		t.Errorf("backup exit %d, stderr %q", code, errw.String())
	}
}

// Ctrl-C in the middle of an import changes nothing.
func TestCancelledImportChangesNothing(t *testing.T) {
	p := newPoint(t)
	file := p.bigManifest(3500)
	before := into[doctorResult](t, p.ok("--json", "doctor")).Parcels
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errw := &onWrite{want: ru("cli.import.progress", "Rows", 1000), fn: cancel}
	code, _ := p.runProgress(ctx, errw, "import-manifest", "--partner", "kgpost", file)
	if code != exitRefused {
		t.Fatalf("cancelled import: exit %d\n%s", code, errw.String())
	}
	if want := ru("err.store.cancelled"); !strings.Contains(errw.String(), want) {
		t.Errorf("stderr lacks %q:\n%s", want, errw.String())
	}
	if after := into[doctorResult](t, p.ok("--json", "doctor")).Parcels; after != before {
		t.Errorf("parcels %d → %d after a cancelled import", before, after)
	}
}

// On a terminal, restore asks before replacing the data.
func TestRestoreAsksOnATerminal(t *testing.T) {
	p := newPoint(t)
	backup := into[backupResult](t, p.ok("--json", "backup")).Path
	for _, c := range []struct {
		answer string
		code   int
	}{{"n\n", exitRefused}, {"\n", exitRefused}, {"да\n", exitOK}} {
		var out, errb strings.Builder
		cl := newCLI(context.Background(), strings.NewReader(c.answer), &out, &errb, func(k string) string { return p.env[k] })
		cl.interactive = true
		code := cl.main([]string{"--db", p.db, "restore", backup})
		cl.close()
		if code != c.code || !strings.Contains(errb.String(), ru("cli.restore.close_app")) {
			t.Errorf("answer %q: exit %d\n%s\n%s", c.answer, code, out.String(), errb.String())
		}
	}
}
