package money

import "testing"

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		minor int64
		cur   string
		want  string
	}{{123450, "KGS", "1234.50 KGS"}, {5, "", "0.05"}, {-250, "RUB", "-2.50 RUB"}} {
		if got := Format(c.minor, c.cur); got != c.want {
			t.Errorf("Format(%d, %q) = %q, want %q", c.minor, c.cur, got, c.want)
		}
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]int64{"150": 15000, "150.5": 15050, "150,50": 15050, " 0.07 ": 7, ".5": 50} {
		if got, ok := Parse(in); !ok || got != want {
			t.Errorf("Parse(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "-5", "1.234", "12a", "1e3", "."} {
		if got, ok := Parse(in); ok {
			t.Errorf("Parse(%q) = %d, accepted", in, got)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("150,50")
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := Parse(s)
		if !ok {
			return
		}
		if v < 0 {
			t.Fatalf("Parse(%q) = %d: negative", s, v)
		}
		if back, ok := Parse(Format(v, "")); !ok || back != v {
			t.Fatalf("round trip %q → %d → %q → %d", s, v, Format(v, ""), back)
		}
	})
}
