package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"smartpoint/sync/protocol"
)

// runCLI runs the program with args on the database at db.
func runCLI(t *testing.T, db string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := func(k string) string {
		if k == envDB {
			return db
		}
		return ""
	}
	code = run(context.Background(), args, &out, &errb, env)
	return code, out.String(), errb.String()
}

func TestVersionPrintsVersionCommitAndDate(t *testing.T) {
	code, out, _ := runCLI(t, "", "--version")
	if code != exitOK || !regexp.MustCompile(`^smartpoint-cloud \S+ \(commit \S+, built \S+\)\n$`).MatchString(out) {
		t.Fatalf("--version: %d %q", code, out)
	}
	code, out, _ = runCLI(t, "", "version", "--json")
	var v map[string]string
	if code != exitOK || json.Unmarshal([]byte(out), &v) != nil || v["version"] == "" || v["commit"] == "" || v["date"] == "" {
		t.Fatalf("version --json: %d %q", code, out)
	}
}

func TestCommandLineMistakesExit2WithAHint(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cloud.db")
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"owner"},
		{"owner", "add"},
		{"point", "add", "Lenina 1"},
		{"point", "code"},
		{"serve", "--addr"},
		{"serve", "extra"},
		{"epoch", "rotate", "now"},
	} {
		code, _, stderr := runCLI(t, db, args...)
		if code != exitUsage || !strings.Contains(stderr, "smartpoint-cloud help") {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr)
		}
	}
	if code, out, _ := runCLI(t, db, "help"); code != exitOK || !strings.Contains(out, "point add --owner ID NAME") {
		t.Errorf("help: %d %q", code, out)
	}
}

func TestPointOfAnUnknownOwnerIsRefused(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cloud.db")
	code, out, stderr := runCLI(t, db, "point", "add", "--owner", "NOPE", "Lenina 1")
	if code != exitFail || out != "" || !strings.Contains(stderr, `no owner "NOPE"`) {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}

// addrWriter is serve's stderr: it hands over the address from the
// "serving" log line.
type addrWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	addr chan string
	sent bool
}

var servingLine = regexp.MustCompile(`msg=serving addr=(\S+)`)

func (w *addrWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if m := servingLine.FindStringSubmatch(w.buf.String()); m != nil && !w.sent {
		w.sent = true
		w.addr <- m[1]
	}
	return len(p), nil
}

func (w *addrWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// TestInstallerSetsUpAPointAndTheCounterRegisters is the installer's
// path: add an owner and a point, serve, register the counter with the
// printed code (once), restore a backup and rotate the epoch.
func TestInstallerSetsUpAPointAndTheCounterRegisters(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cloud.db")
	code, out, stderr := runCLI(t, db, "owner", "add", "--json", "Ivanov", "IP")
	var owner ownerResult
	if code != exitOK || json.Unmarshal([]byte(out), &owner) != nil || owner.OwnerID == "" || owner.Name != "Ivanov IP" {
		t.Fatalf("owner add: %d %q %q", code, out, stderr)
	}
	code, out, stderr = runCLI(t, db, "point", "add", "Lenina 1", "--owner", owner.OwnerID)
	m := regexp.MustCompile(`(?m)^Point "Lenina 1": (\S+)\nActivation code: (\S{4}-\S{4}-\S{4})\n`).FindStringSubmatch(out)
	if code != exitOK || m == nil {
		t.Fatalf("point add: %d %q %q", code, out, stderr)
	}
	pointID, activation := m[1], m[2]

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &addrWriter{addr: make(chan string, 1)}
	exited := make(chan int, 1)
	go func() {
		env := func(k string) string {
			if k == envDB {
				return db
			}
			return ""
		}
		exited <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, &bytes.Buffer{}, logs, env)
	}()
	var base string
	select {
	case addr := <-logs.addr:
		base = "http://" + addr
	case code := <-exited:
		t.Fatalf("serve exited %d: %s", code, logs.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("serve did not start: %s", logs.String())
	}

	register := func(device string) (int, protocol.Tokens) {
		body, _ := json.Marshal(protocol.RegisterRequest{Protocol: protocol.Version, ActivationCode: activation, DeviceID: device})
		resp, err := http.Post(base+protocol.PathRegister, "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var toks protocol.Tokens
		_ = json.NewDecoder(resp.Body).Decode(&toks)
		return resp.StatusCode, toks
	}
	status, toks := register("counter-1")
	if status != http.StatusOK || toks.PointID != pointID || toks.OwnerID != owner.OwnerID {
		t.Fatalf("register: %d %+v", status, toks)
	}
	if status, _ := register("counter-2"); status != http.StatusForbidden {
		t.Fatalf("second use of the code: %d, want 403", status)
	}
	hello := func() protocol.HelloResponse {
		body, _ := json.Marshal(protocol.HelloRequest{Protocol: protocol.Version, DeviceID: "counter-1", Incarnation: "i1"})
		req, _ := http.NewRequest(http.MethodPost, base+protocol.PathHello, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+toks.AccessToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var h protocol.HelloResponse
		if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&h) != nil {
			t.Fatalf("hello: %d", resp.StatusCode)
		}
		return h
	}
	before := hello().Epoch

	code, out, stderr = runCLI(t, db, "epoch", "rotate", "--json")
	var rotated epochResult
	if code != exitOK || json.Unmarshal([]byte(out), &rotated) != nil || rotated.Epoch == "" || rotated.Epoch == before {
		t.Fatalf("epoch rotate: %d %q %q (was %q)", code, out, stderr, before)
	}
	if after := hello().Epoch; after != rotated.Epoch {
		t.Errorf("hello after the rotation says epoch %q, want %q", after, rotated.Epoch)
	}

	// A new code for the same point (the PC was replaced) registers it again.
	code, out, _ = runCLI(t, db, "point", "code", "--json", pointID)
	var again pointResult
	if code != exitOK || json.Unmarshal([]byte(out), &again) != nil || again.PointID != pointID || again.ActivationCode == activation {
		t.Fatalf("point code: %d %q", code, out)
	}
	activation = again.ActivationCode
	if status, toks := register("counter-new"); status != http.StatusOK || toks.PointID != pointID {
		t.Fatalf("register with the new code: %d %+v", status, toks)
	}

	cancel() // SIGTERM
	select {
	case code := <-exited:
		if code != exitOK {
			t.Fatalf("serve exited %d after SIGTERM: %s", code, logs.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
	for _, secret := range []string{activation, toks.AccessToken, toks.RefreshToken} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the server log shows a secret: %s", logs.String())
		}
	}
}

func TestDefaultDatabasePath(t *testing.T) {
	home := func() (string, error) { return "/home/ivan", nil }
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tc := range []struct {
		goos string
		env  map[string]string
		want string
	}{
		{"linux", map[string]string{"STATE_DIRECTORY": "/var/lib/smartpoint-cloud"}, "/var/lib/smartpoint-cloud/cloud.db"},
		{"linux", map[string]string{"STATE_DIRECTORY": "/var/lib/a:/var/lib/b"}, "/var/lib/a/cloud.db"},
		{"linux", map[string]string{"XDG_DATA_HOME": "/data"}, "/data/smartpoint-cloud/cloud.db"},
		{"linux", map[string]string{"XDG_DATA_HOME": "relative"}, "/home/ivan/.local/share/smartpoint-cloud/cloud.db"},
		{"linux", nil, "/home/ivan/.local/share/smartpoint-cloud/cloud.db"},
		{"darwin", nil, "/home/ivan/Library/Application Support/SmartPoint/cloud.db"},
	} {
		got, err := defaultPath(tc.goos, env(tc.env), home)
		if err != nil || got != filepath.FromSlash(tc.want) {
			t.Errorf("%s %v: %q %v, want %q", tc.goos, tc.env, got, err, tc.want)
		}
	}
}

func TestPostgresPasswordIsNeverShown(t *testing.T) {
	got := redact("postgres://cloud:s3cret@db.local:5432/smartpoint?sslmode=require")
	if strings.Contains(got, "s3cret") || !strings.Contains(got, "db.local") {
		t.Errorf("redacted %q", got)
	}
	if got := redact("/var/lib/smartpoint-cloud/cloud.db"); got != "/var/lib/smartpoint-cloud/cloud.db" {
		t.Errorf("a file path changed: %q", got)
	}
}
