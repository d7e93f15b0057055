package main

import (
	"net/http"
	"strings"
	"testing"

	"smartpoint/app/errs"
	"smartpoint/sync/client"
	"smartpoint/sync/client/clienttest"
	"smartpoint/sync/protocol"
)

// spctl sync end to end against the sync client's test server on
// loopback: register, a round, the status, failures.
func TestSyncEndToEnd(t *testing.T) {
	srv := clienttest.New(nil)
	defer srv.Close()
	p := newPoint(t)

	// Before registration: a clear refusal, exit 1.
	r := p.run("sync")
	if r.code != exitRefused || !strings.Contains(r.stderr, ru(errs.Code(client.ErrNotRegistered).Key())) {
		t.Fatalf("unregistered sync:\n%v", r)
	}
	if r := p.ok("sync", "status"); !strings.Contains(r.stdout, ru("cli.sync.not_registered")) {
		t.Fatalf("unregistered status:\n%v", r)
	}

	// Wrong command lines.
	if r := p.run("sync", "register", "--url", srv.URL); r.code != exitUsage || !strings.Contains(r.stderr, "--code") {
		t.Fatalf("register without a code:\n%v", r)
	}
	if r := p.run("sync", "push"); r.code != exitUsage {
		t.Fatalf("unknown subcommand:\n%v", r)
	}
	if r := p.run("sync", "register", "--url", srv.URL, "--code", "NOPE"); r.code != exitRefused ||
		!strings.Contains(r.stderr, ru(errs.Code(client.ErrActivationInvalid).Key())) {
		t.Fatalf("a wrong code:\n%v", r)
	}

	pointID, code := srv.AddPoint("owner-1", "ПВЗ Ала-Тоо")
	r = p.ok("sync", "register", "--url", srv.URL+"/", "--code", code, "--name", "Касса 1")
	if !strings.Contains(r.stdout, ru("cli.sync.registered", "Point", "ПВЗ Ала-Тоо", "ID", pointID, "URL", srv.URL)) {
		t.Fatalf("register:\n%v", r)
	}
	srv.Publish(pointID, "manifest.published", "manifest:wb:1", map[string]int{"rows": 2})

	// One round: the set-up's events go up, the manifest comes down.
	out := into[syncResult](t, p.ok("sync", "--json"))
	if out.Pushed == 0 || out.Round.Applied != out.Pushed || out.Round.Pulled != 1 || !out.Status.Online ||
		out.Status.Waiting != 0 || out.Status.Error != nil {
		t.Fatalf("round: %+v", out)
	}
	if got := len(srv.Applied()); got != out.Pushed {
		t.Fatalf("the server applied %d events, spctl says %d", got, out.Pushed)
	}

	// Work at the counter (a login and the shift: two events), then a
	// round in text.
	p.ok("shift", "open")
	r = p.ok("sync")
	if !strings.Contains(r.stdout, ru("cli.sync.round", "Pushed", 2, "Applied", 2, "Duplicates", 0, "Rejected", 0, "Pulled", 0)) ||
		!strings.Contains(r.stdout, ru("cli.sync.waiting", "Waiting", 0, "Rejected", 0)) {
		t.Fatalf("text round:\n%v", r)
	}

	// A failing round: exit 1, the reason translated, nothing lost.
	p.ok("shift", "close")
	srv.FailNext(protocol.PathHello, 10, http.StatusServiceUnavailable, "")
	r = p.run("sync")
	if r.code != exitRefused || !strings.Contains(r.stderr, ru(errs.Code(client.ErrServer).Key(), "Status", 503)) ||
		!strings.Contains(r.stdout, ru("cli.sync.waiting", "Waiting", 2, "Rejected", 0)) ||
		!strings.Contains(r.stdout, strings.TrimSuffix(ru("cli.sync.offline", "Last", "\x00"), "\x00")) {
		t.Fatalf("failing round:\n%v", r)
	}
	r = p.run("--json", "sync")
	rep := decode(t, r)
	if r.code != exitRefused || rep.OK || rep.Error.Code != string(client.ErrServer) || rep.Error.Details["round"] == nil {
		t.Fatalf("failing round in JSON:\n%v", r)
	}
	srv.ClearFaults()
	p.ok("sync")

	st := into[syncStatusResult](t, p.ok("sync", "status", "--json"))
	if !st.Status.Registered || st.Status.PointID != pointID || st.Status.Waiting != 0 || st.Problems == nil {
		t.Fatalf("status: %+v", st)
	}
	// The tokens never reach the output.
	stdout := p.ok("sync", "status", "--json").stdout + p.ok("sync", "status").stdout
	if strings.Contains(stdout, "at.") || strings.Contains(stdout, "rt.") || strings.Contains(stdout, "token") {
		t.Fatalf("status shows a token:\n%s", stdout)
	}
}

// Refused events are listed by spctl sync status.
func TestSyncStatusListsProblems(t *testing.T) {
	srv := clienttest.New(nil)
	defer srv.Close()
	srv.SetReject(func(e protocol.Event) (string, string) {
		if e.Kind == "shift.opened" {
			return "shift_unknown", "the cloud knows no such shift"
		}
		return "", ""
	})
	p := newPoint(t)
	_, code := srv.AddPoint("o", "ПВЗ")
	p.ok("sync", "register", "--url", srv.URL, "--code", code)
	p.ok("shift", "open")
	out := into[syncResult](t, p.ok("sync", "--json"))
	if out.Round.Rejected != 1 || out.Status.Rejected != 1 {
		t.Fatalf("round %+v", out)
	}
	r := p.ok("sync", "status")
	for _, want := range []string{ru("cli.sync.problems"), "shift_unknown", "the cloud knows no such shift", "shift.opened"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("status lacks %q:\n%v", want, r)
		}
	}
}
