package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"smartpoint/sync/protocol"
	"smartpoint/sync/server"
)

// runJSON runs a command with --json and decodes its result.
func runJSON(t *testing.T, db string, out any, args ...string) {
	t.Helper()
	code, stdout, stderr := runCLI(t, db, append(args, "--json")...)
	if code != exitOK || json.Unmarshal([]byte(stdout), out) != nil {
		t.Fatalf("%q: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
	}
}

// TestAnOwnersIntegrationsEndToEnd is the administrator's path: a
// partner, a CRM key, an owner token and a webhook from the command line,
// then the running server takes each, and the webhook worker delivers.
func TestAnOwnersIntegrationsEndToEnd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cloud.db")
	var owner ownerResult
	runJSON(t, db, &owner, "owner", "add", "Ivanov")
	var point pointResult
	runJSON(t, db, &point, "point", "add", "--owner", owner.OwnerID, "Lenina 1")
	var partner partnerResult
	runJSON(t, db, &partner, "partner", "add", "--owner", owner.OwnerID, "CDEK", "CDEK", "Express")
	if partner.Code != "cdek" || partner.Name != "CDEK Express" || !strings.HasPrefix(partner.Key, partner.KeyID+".") {
		t.Fatalf("partner add: %+v", partner)
	}
	var crm, ownerTok keyResult
	runJSON(t, db, &crm, "apikey", "add", "--owner", owner.OwnerID, "Till 1")
	runJSON(t, db, &ownerTok, "owner", "token", "--owner", owner.OwnerID)
	if crm.Kind != "crm" || ownerTok.Kind != "owner" || crm.Key == "" || ownerTok.Key == "" {
		t.Fatalf("keys: %+v %+v", crm, ownerTok)
	}
	got := make(chan protocol.WebhookEvent, 10)
	var secret atomic.Value // set once the webhook exists
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := server.VerifyWebhook(secret.Load().(string), r.Header.Get(protocol.SignatureHeader), body, time.Now(), time.Minute); err != nil {
			t.Errorf("delivery: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var ev protocol.WebhookEvent
		_ = json.Unmarshal(body, &ev)
		got <- ev
	}))
	defer receiver.Close()
	var hook webhookResult
	runJSON(t, db, &hook, "webhook", "add", "--owner", owner.OwnerID, receiver.URL+"/hook")
	secret.Store(hook.Secret)
	if !strings.HasPrefix(hook.Secret, "whsec_") || hook.URL != receiver.URL+"/hook" {
		t.Fatalf("webhook add: %+v", hook)
	}
	// A key revoked before it was ever used is refused by the server.
	revoked := keyResult{}
	runJSON(t, db, &revoked, "apikey", "add", "--owner", owner.OwnerID, "Old till")
	if code, _, stderr := runCLI(t, db, "apikey", "revoke", revoked.KeyID); code != exitOK {
		t.Fatalf("apikey revoke: %d %s", code, stderr)
	}

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
	call := func(method, path, token string, headers map[string]string, body any, out any) int {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, base+path, rd)
		req.Header.Set("Authorization", "Bearer "+token)
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if out != nil && resp.StatusCode == http.StatusOK {
			if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
				t.Fatal(err)
			}
		}
		return resp.StatusCode
	}

	var toks protocol.Tokens
	reg := protocol.RegisterRequest{Protocol: protocol.Version, ActivationCode: point.ActivationCode, DeviceID: "counter-1"}
	if status := call(http.MethodPost, protocol.PathRegister, "", nil, reg, &toks); status != http.StatusOK {
		t.Fatalf("register: %d", status)
	}
	m := protocol.ManifestRequest{PointID: point.PointID, ManifestID: "M-1", Version: 1,
		Parcels: []protocol.ManifestParcel{{Track: "CD123", RecipientName: "Anna", COD: 5000}}}
	var mres protocol.ManifestResponse
	if status := call(http.MethodPost, protocol.PathPartnerManifests, partner.Key, map[string]string{protocol.IdempotencyKeyHeader: "m1-v1"}, m, &mres); status != http.StatusOK || mres.Parcels != 1 {
		t.Fatalf("manifest: %d %+v", status, mres)
	}
	var page protocol.PullResponse
	if status := call(http.MethodGet, protocol.PathPull+"?stream=point", toks.AccessToken, nil, nil, &page); status != http.StatusOK ||
		len(page.Changes) != 1 || page.Changes[0].Kind != "manifest.published" {
		t.Fatalf("the point's pull: %d %+v", status, page)
	}
	push := protocol.PushRequest{Protocol: protocol.Version, DeviceID: "counter-1", Incarnation: "i1", Events: []protocol.Event{{
		ID: "ev-1", ClientSeq: 1, Kind: "parcel.accepted", Entity: "parcel:cdek:CD123", OccurredAt: time.Now().UTC(),
		Payload: json.RawMessage(`{"partner":"cdek","track":"CD123","cell":"A-1"}`)}}}
	if status := call(http.MethodPost, protocol.PathPush, toks.AccessToken, nil, push, nil); status != http.StatusOK {
		t.Fatalf("push: %d", status)
	}
	// The worker beside the server delivers it.
	select {
	case ev := <-got:
		if ev.ID != "ev-1" || ev.Type != "parcel.accepted" {
			t.Fatalf("delivered %+v", ev)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("no delivery: %s", logs.String())
	}
	var d protocol.Dashboard
	if status := call(http.MethodGet, protocol.PathOwnerDashboard, ownerTok.Key, nil, nil, &d); status != http.StatusOK ||
		len(d.Points) != 1 || d.Totals.ParcelsAccepted != 1 || d.Totals.StockOnHand != 1 {
		t.Fatalf("dashboard: %d %+v", status, d)
	}
	if status := call(http.MethodGet, "/v1/crm/cards/NOCARD", crm.Key, nil, nil, nil); status != http.StatusNotFound {
		t.Fatalf("CRM card: %d, want 404", status)
	}
	if status := call(http.MethodGet, "/v1/crm/cards/NOCARD", revoked.Key, nil, nil, nil); status != http.StatusUnauthorized {
		t.Fatalf("a revoked key: %d, want 401", status)
	}

	cancel()
	select {
	case code := <-exited:
		if code != exitOK {
			t.Fatalf("serve exited %d: %s", code, logs.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
	for _, s := range []string{partner.Key, crm.Key, ownerTok.Key, hook.Secret, strings.SplitN(partner.Key, ".", 2)[1]} {
		if strings.Contains(logs.String(), s) {
			t.Errorf("the server log shows a secret %q", s)
		}
	}
}

func TestIntegrationCommandMistakes(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cloud.db")
	var owner ownerResult
	runJSON(t, db, &owner, "owner", "add", "O")
	for _, args := range [][]string{
		{"partner"},
		{"partner", "add", "cdek", "CDEK"}, // no --owner
		{"partner", "add", "--owner", owner.OwnerID, "cdek"},        // no name
		{"partner", "add", "--owner", owner.OwnerID, "c-d", "CDEK"}, // bad code
		{"apikey", "add", "--owner", owner.OwnerID},
		{"apikey", "revoke"},
		{"webhook", "add", "--owner", owner.OwnerID, "ftp://x.example/"},
		{"webhook", "add", "--owner", owner.OwnerID},
		{"webhook", "list"},
		{"owner", "token"},
	} {
		code, _, stderr := runCLI(t, db, args...)
		if code != exitUsage || !strings.Contains(stderr, "smartpoint-cloud help") {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr)
		}
	}
	for _, args := range [][]string{
		{"partner", "add", "--owner", "NOPE", "cdek", "CDEK"},
		{"apikey", "add", "--owner", "NOPE", "till"},
		{"owner", "token", "--owner", "NOPE"},
		{"webhook", "add", "--owner", "NOPE", "https://crm.example/hook"},
		{"apikey", "revoke", "nokey"},
	} {
		code, out, stderr := runCLI(t, db, args...)
		if code != exitFail || out != "" || !strings.Contains(stderr, "no ") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, out, stderr)
		}
	}
	runCLI(t, db, "partner", "add", "--owner", owner.OwnerID, "cdek", "CDEK")
	if code, _, stderr := runCLI(t, db, "partner", "add", "--owner", owner.OwnerID, "cdek", "Again"); code != exitFail || !strings.Contains(stderr, "already") {
		t.Errorf("the same code twice: %d %q", code, stderr)
	}
}
