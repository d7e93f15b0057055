package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"smartpoint/app/scan"
	"strings"
	"testing"

	"smartpoint/app/i18n"
)

// point is a set-up point in a temporary directory with an owner whose
// login is in the environment, as a script would run spctl.
type point struct {
	t   *testing.T
	dir string
	db  string
	env map[string]string
}

const (
	ownerName = "Айгуль"
	ownerPIN  = "4821"
)

// res is one finished spctl run.
type res struct {
	code           int
	stdout, stderr string
}

func (r res) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// spctl runs the CLI end to end with the given environment and stdin.
func spctl(t *testing.T, env map[string]string, stdin string, args ...string) res {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb, func(k string) string { return env[k] })
	return res{code: code, stdout: out.String(), stderr: errb.String()}
}

// newDir gives a fresh database path and a Russian-speaking environment.
func newDir(t *testing.T) *point {
	dir := t.TempDir()
	return &point{t: t, dir: dir, db: filepath.Join(dir, "counter.db"), env: map[string]string{
		"SMARTPOINT_LANG": "ru", "SMARTPOINT_CLERK": ownerName, "SMARTPOINT_PIN": ownerPIN,
	}}
}

// newPoint sets a point up in Kyrgyzstan with 2 racks × 2 shelves × 5 cells.
func newPoint(t *testing.T) *point {
	p := newDir(t)
	r := p.run("init", "--name", "ПВЗ Ала-Тоо", "--country", "KG", "--owner", ownerName, "--pin", ownerPIN,
		"--racks", "A-B", "--shelves", "2", "--cells", "5")
	if r.code != 0 {
		t.Fatalf("init: %v", r)
	}
	return p
}

// run runs spctl on the point's database.
func (p *point) run(args ...string) res {
	p.t.Helper()
	return spctl(p.t, p.env, "", append([]string{"--db", p.db}, args...)...)
}

// ok runs spctl and fails the test unless it exits 0.
func (p *point) ok(args ...string) res {
	p.t.Helper()
	r := p.run(args...)
	if r.code != 0 {
		p.t.Fatalf("spctl %s: %v", strings.Join(args, " "), r)
	}
	return r
}

// reply is a decoded --json answer.
type reply struct {
	OK     bool            `json:"ok"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    string         `json:"code"`
		Message string         `json:"message"`
		Args    map[string]any `json:"args"`
		Hint    string         `json:"hint"`
		Details map[string]any `json:"details"`
	} `json:"error"`
}

// decode parses stdout as the single JSON object spctl --json prints.
func decode(t *testing.T, r res) reply {
	t.Helper()
	var out reply
	dec := json.NewDecoder(strings.NewReader(r.stdout))
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%v", err, r)
	}
	if dec.More() {
		t.Fatalf("stdout holds more than one JSON value:\n%v", r)
	}
	return out
}

// into decodes the result of a successful --json answer.
func into[T any](t *testing.T, r res) T {
	t.Helper()
	rep := decode(t, r)
	if !rep.OK {
		t.Fatalf("not ok: %v", r)
	}
	var v T
	if err := json.Unmarshal(rep.Result, &v); err != nil {
		t.Fatalf("result: %v\n%v", err, r)
	}
	return v
}

// ru renders a key as the Russian user sees it.
func ru(key string, kv ...any) string { return i18n.Printer{L: i18n.RU}.T(key, kv...) }

// s10 makes valid kgpost (UPU S10, …KG) tracks.
func s10(serial int) string { return scan.S10("RA", serial, "KG") }

// writeFile writes a test input file into the point's directory.
func (p *point) writeFile(name, content string) string {
	p.t.Helper()
	path := filepath.Join(p.dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		p.t.Fatal(err)
	}
	return path
}

// manifest writes a kgpost CSV of n parcels; parcel i's phone is
// 0555 123 45i (+996555123450+i).
func (p *point) manifest(n int) string {
	var b strings.Builder
	b.WriteString("Трек;Получатель;Телефон;Размер;К оплате;Код выдачи\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%s;Иванов Иван %d;0555 123 45%d;M;%d;\n", s10(i), i, i, 150*i)
	}
	return p.writeFile("manifest.csv", b.String())
}
