package auth

import (
	"strings"
	"testing"
)

func TestHashVerify(t *testing.T) {
	h, err := Hash("4821", Fast)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("unexpected PHC string %q", h)
	}
	if strings.Contains(h, "4821") {
		t.Fatal("hash contains the PIN in clear")
	}
	if ok, err := Verify("4821", h); !ok || err != nil {
		t.Fatalf("right PIN rejected: %v %v", ok, err)
	}
	if ok, _ := Verify("4822", h); ok {
		t.Fatal("wrong PIN accepted")
	}
	h2, _ := Hash("4821", Fast)
	if h2 == h {
		t.Fatal("two hashes of the same PIN are equal: salt not random")
	}
}

func TestVerifyRejectsMalformed(t *testing.T) {
	for _, bad := range []string{"", "4821", "$argon2i$v=19$m=64,t=1,p=1$c2FsdA$a2V5", "$argon2id$v=19$m=x$c2FsdA$a2V5", "$argon2id$v=19$m=64,t=1,p=1$!!$a2V5"} {
		if ok, err := Verify("4821", bad); ok || err == nil {
			t.Errorf("Verify(%q) = %v, %v; want false, error", bad, ok, err)
		}
	}
}
