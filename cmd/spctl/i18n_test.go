package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"smartpoint/app/counter"
	"smartpoint/app/i18n"
	"smartpoint/app/store"
)

// Every key spctl renders exists in every language's own file.
func TestEveryCLIKeyIsTranslated(t *testing.T) {
	keys := map[string]bool{}
	literal := regexp.MustCompile(`"((?:cli|status|doctor|common)\.[a-z0-9_.]*[a-z0-9_])"`)
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(src), -1) {
			keys[m[1]] = true
		}
	}
	if len(keys) < 100 {
		t.Fatalf("found only %d keys: is the scan broken?", len(keys))
	}
	// Keys built at run time.
	for _, c := range commands() {
		keys[helpKey(c.name)] = true
	}
	for _, r := range []counter.Role{counter.RoleClerk, counter.RoleManager, counter.RoleOwner} {
		keys["cli.role."+string(r)] = true
	}
	for _, s := range []counter.Status{counter.StatusExpected, counter.StatusStored, counter.StatusIssued,
		counter.StatusToReturn, counter.StatusBoxed, counter.StatusReturned} {
		keys["status."+string(s)] = true
	}
	for _, k := range (store.Health{Integrity: "bad", LatestVersion: 1, FreeBytes: 1}).Problems() {
		keys[k] = true
	}
	keys["cli.pay."+counter.PayCash], keys["cli.pay."+counter.PayCard] = true, true
	keys["cli.clerk.enabled"], keys["cli.clerk.disabled"] = true, true

	c := i18n.Default()
	for _, l := range i18n.All {
		for k := range keys {
			if !c.Has(l, k) {
				t.Errorf("%s.json lacks %q", l, k)
			}
		}
	}
}
