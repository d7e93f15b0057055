package core

import (
	"encoding/base64"
	"math"
	"testing"
)

func TestCursorRoundTrip(t *testing.T) {
	for _, c := range []struct {
		epoch string
		seq   int64
	}{{"ABCDEFGHIJKLMNOPQRSTUVWXYZ", 0}, {"E", 1}, {NewID(), math.MaxInt64}, {"a:b", 7}} {
		s := EncodeCursor(c.epoch, c.seq)
		e, seq, err := DecodeCursor(s)
		if err != nil || e != c.epoch || seq != c.seq {
			t.Errorf("DecodeCursor(EncodeCursor(%q, %d)) = %q, %d, %v", c.epoch, c.seq, e, seq, err)
		}
	}
}

func TestCursorRefusesWhatItDidNotMake(t *testing.T) {
	b := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	for _, s := range []string{
		"", "!!!", "abc", "=", b("E"), b(":5"), b("E:"), b("E:-1"), b("E:+1"), b("E:01"), b("E: 1"),
		b("E:99999999999999999999"), b("E x:1"), b("E\x00:1"), b("E:12") + "=", base64.URLEncoding.EncodeToString([]byte("E:12")),
		string(make([]byte, 300)),
	} {
		if e, seq, err := DecodeCursor(s); err == nil {
			t.Errorf("DecodeCursor(%q) = %q, %d; want an error", s, e, seq)
		}
	}
}

// FuzzDecodeCursor: any string either fails to decode or is exactly the
// cursor EncodeCursor makes of what it decodes to; nothing panics.
func FuzzDecodeCursor(f *testing.F) {
	f.Add(EncodeCursor("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 42))
	f.Add(EncodeCursor("E", 0))
	f.Add("RTox")
	f.Add("not a cursor")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		epoch, seq, err := DecodeCursor(s)
		if err != nil {
			return
		}
		if seq < 0 || epoch == "" {
			t.Fatalf("DecodeCursor(%q) = %q, %d", s, epoch, seq)
		}
		if again := EncodeCursor(epoch, seq); again != s {
			t.Fatalf("DecodeCursor(%q) = %q, %d, which encodes as %q", s, epoch, seq, again)
		}
	})
}
