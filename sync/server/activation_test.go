package server

import (
	"testing"

	"smartpoint/app/auth"
)

// A registration runs argon2id for the one pending code whose lookup tag
// matches, not for every pending code: with 50 codes pending, the right
// code costs one check and a wrong one none. A hash stored before the tag
// existed is still checked.
func TestActivationLookupTag(t *testing.T) {
	var codes, stored []string
	for range 50 {
		code := NormalizeCode(newActivationCode())
		hash, err := auth.Hash(code, auth.Fast)
		if err != nil {
			t.Fatal(err)
		}
		codes, stored = append(codes, code), append(stored, codeLookup(code)+hash)
	}
	legacy, err := auth.Hash("LEGACYCODE12", auth.Fast)
	if err != nil {
		t.Fatal(err)
	}
	stored = append(stored, legacy)
	checks := 0
	verify := func(code, phc string) bool {
		checks++
		ok, err := auth.Verify(code, phc)
		return ok && err == nil
	}
	find := func(code string) int {
		checks = 0
		for i, h := range stored {
			if matchActivation(code, h, verify) {
				return i
			}
		}
		return -1
	}
	if i := find(codes[37]); i != 37 || checks != 1 {
		t.Fatalf("the 38th code matched #%d after %d argon2 checks, want #37 after 1", i, checks)
	}
	if i := find(NormalizeCode("ZZZZ-ZZZZ-ZZZZ")); i != -1 || checks != 1 { // only the untagged legacy hash is checked
		t.Fatalf("a wrong code matched #%d after %d checks", i, checks)
	}
	if i := find("LEGACYCODE12"); i != len(stored)-1 {
		t.Fatalf("the legacy code matched #%d", i)
	}
	tampered := codeLookup(codes[3])[:10] + "0000000000|" + stored[3][len(codeLookup(codes[3])):]
	if matchActivation(codes[3], tampered, verify) {
		t.Fatal("a hash with another tag matched")
	}
}
