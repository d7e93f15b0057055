package loyaltycard

import (
	"testing"
	"unicode/utf8"
)

func TestStampsLine(t *testing.T) {
	d := testDesign() // 8 stamps
	for _, c := range []struct {
		stamps      int
		want, ascii string
	}{
		{3, "●●●○○○○○", "***ooooo"},
		{0, "○○○○○○○○", "oooooooo"},
		{8, "●●●●●●●●", "********"},
		{12, "●●●●●●●●", "********"}, // a reward not yet taken: full
		{-1, "○○○○○○○○", "oooooooo"},
	} {
		if got := StampsLine(d, c.stamps); got != c.want {
			t.Errorf("StampsLine(%d) = %q, want %q", c.stamps, got, c.want)
		}
		if got := StampsLineASCII(d, c.stamps); got != c.ascii {
			t.Errorf("StampsLineASCII(%d) = %q, want %q", c.stamps, got, c.ascii)
		}
	}
	d.Stamps = 500 // never valid; the line stays printable
	if n := utf8.RuneCountInString(StampsLine(d, 3)); n != MaxStamps {
		t.Errorf("an invalid design gives %d marks", n)
	}
}
