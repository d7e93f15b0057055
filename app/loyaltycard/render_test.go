package loyaltycard

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"
	"testing"

	"smartpoint/app/errs"
)

func TestCardSizeAndCorners(t *testing.T) {
	d := testDesign()
	for _, c := range []struct {
		scale float64
		w, h  int
	}{{0, 1080, 680}, {1, 1080, 680}, {0.4, 432, 272}, {2, 2160, 1360}} {
		img := mustRender(t, d, CardState{Scale: c.scale})
		if b := img.Bounds(); b.Dx() != c.w || b.Dy() != c.h {
			t.Errorf("scale %v: card is %v, want %dx%d", c.scale, b.Size(), c.w, c.h)
		}
		if a := img.RGBAAt(0, 0).A; a != 0 {
			t.Errorf("scale %v: corner alpha %d, want transparent (rounded card)", c.scale, a)
		}
		if got := img.RGBAAt(c.w/2, c.h-3); got != colourOf(t, d.Background) {
			t.Errorf("scale %v: bottom edge is %v, want the background", c.scale, got)
		}
	}
	b, err := RenderPNG(d, CardState{Scale: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if img, err := png.Decode(bytes.NewReader(b)); err != nil || img.Bounds().Dx() != 540 {
		t.Fatalf("RenderPNG: %v", err)
	}
}

// A customer with 3 of 8 stamps sees 3 stamps in the accent colour and 5
// empty ones, for every stamp shape.
func TestStampsShowFilledAndEmpty(t *testing.T) {
	for _, icon := range Icons {
		for _, c := range []struct{ stamps, want int }{{3, 3}, {0, 0}, {8, 8}, {11, 8}} {
			d := testDesign()
			d.StampIcon = icon
			st := CardState{Stamps: c.stamps, QRText: "SPC1:L:TEST"}
			g := mustLayout(t, d, st)
			img := mustRender(t, d, st)
			if len(g.Stamps) != 8 || g.Filled != c.want {
				t.Fatalf("%s %d stamps: %d cells, %d filled", icon, c.stamps, len(g.Stamps), g.Filled)
			}
			accent := colourOf(t, d.Accent)
			filled := 0
			for i, r := range g.Stamps {
				n := countColour(img, r, accent)
				area := r.Dx() * r.Dy()
				switch {
				case n > area/4:
					filled++
					if i >= c.want {
						t.Errorf("%s %d stamps: cell %d is filled", icon, c.stamps, i)
					}
				case n == 0:
					if i < c.want {
						t.Errorf("%s %d stamps: cell %d is empty", icon, c.stamps, i)
					}
					// An empty stamp still shows its shape, muted.
					if bg := countColour(img, r, colourOf(t, d.Background)); bg > area*9/10 {
						t.Errorf("%s: empty cell %d shows nothing", icon, i)
					}
				default:
					t.Errorf("%s: cell %d has %d accent pixels of %d: neither filled nor empty", icon, i, n, area)
				}
			}
			if filled != c.want {
				t.Errorf("%s with %d stamps: %d filled shapes, want %d", icon, c.stamps, filled, c.want)
			}
			if want := fmt.Sprintf("%d / 8", c.want); len(g.Count.Lines) != 1 || g.Count.Lines[0] != want {
				t.Errorf("%s with %d stamps: count reads %q, want %q", icon, c.stamps, g.Count.Lines, want)
			}
		}
	}
}

func TestStampGridFitsEveryCount(t *testing.T) {
	d := testDesign()
	for n := MinStamps; n <= MaxStamps; n++ {
		d.Stamps = n
		g := mustLayout(t, d, CardState{Stamps: n / 2})
		if len(g.Stamps) != n {
			t.Fatalf("%d stamps: %d cells", n, len(g.Stamps))
		}
		for i, r := range g.Stamps {
			if r.Dx() < 40 || r.Dx() != r.Dy() {
				t.Errorf("%d stamps: cell %d is %v, want a square of ≥ 40 px", n, i, r)
			}
			if r.Overlaps(g.QR) || r.Overlaps(g.Title.Area) || r.Overlaps(g.Reward.Area) || !r.In(image.Rectangle{Max: g.Size}) {
				t.Errorf("%d stamps: cell %d %v overlaps other parts", n, i, r)
			}
			for _, o := range g.Stamps[:i] {
				if r.Overlaps(o) {
					t.Errorf("%d stamps: cells %v and %v overlap", n, o, r)
				}
			}
		}
	}
}

func TestCustomStampImage(t *testing.T) {
	red := color.RGBA{R: 0xe0, G: 0x10, B: 0x10, A: 0xff}
	d := testDesign()
	d.StampIcon = IconCustom
	d.StampImage = pngOf(t, 40, 40, red)
	st := CardState{Stamps: 2}
	g := mustLayout(t, d, st)
	img := mustRender(t, d, st)
	for i, r := range g.Stamps {
		n := countColour(img, r.Inset(4), red)
		if i < 2 && n < (r.Dx()-8)*(r.Dy()-8)/2 {
			t.Errorf("filled custom stamp %d: %d red pixels", i, n)
		}
		if i >= 2 {
			if n != 0 {
				t.Errorf("empty custom stamp %d shows %d full-strength pixels", i, n)
			}
			mid := img.RGBAAt((r.Min.X+r.Max.X)/2, (r.Min.Y+r.Max.Y)/2)
			if mid == colourOf(t, d.Background) {
				t.Errorf("empty custom stamp %d is invisible", i)
			}
		}
	}
}

func TestLogoIsDrawnLeftOfTitle(t *testing.T) {
	green := color.RGBA{G: 0xc0, A: 0xff}
	d := testDesign()
	d.Logo = pngOf(t, 200, 100, green) // wide: must keep its proportions
	g := mustLayout(t, d, CardState{})
	img := mustRender(t, d, CardState{})
	if g.Logo.Empty() || g.Title.Area.Min.X < g.Logo.Max.X {
		t.Fatalf("logo %v, title %v", g.Logo, g.Title.Area)
	}
	if g.Logo.Dx() != 2*g.Logo.Dy() {
		t.Errorf("logo drawn at %v: not 2:1, stretched", g.Logo)
	}
	if n, want := countColour(img, g.Logo.Inset(2), green), g.Logo.Inset(2).Dx()*g.Logo.Inset(2).Dy(); n != want {
		t.Errorf("logo shows %d green pixels, want %d", n, want)
	}
	if n := countColour(img, image.Rect(g.Logo.Min.X, g.Logo.Max.Y+2, g.Logo.Max.X, g.Logo.Max.Y+20), green); n != 0 {
		t.Errorf("logo spills below its %v: %d green pixels", g.Logo, n)
	}
	if without := mustLayout(t, testDesign(), CardState{}); !without.Logo.Empty() || without.Title.Area.Min.X >= g.Title.Area.Min.X {
		t.Errorf("without a logo the title should start at the edge: %v", without.Title.Area)
	}
}

// Long texts shrink, wrap and finally get cut with "…"; nothing leaves
// its place, and nothing leaves the card.
func TestLongTextsStayInside(t *testing.T) {
	d := testDesign()
	d.Title = strings.Repeat("Ш", MaxTitle)
	d.Subtitle = strings.Repeat("Пункт выдачи ", 10)[:MaxSubtitle]
	d.Reward = strings.Repeat("Бесплатная упаковка и доставка ", 4)[:MaxReward]
	d.Terms = strings.Repeat("Условия: штамп за каждое получение посылки, не более одного в день. ", 6)[:MaxTerms]
	st := CardState{Stamps: 3, CustomerName: strings.Repeat("Жылдызкан ", 10), QRText: "SPC1:L:TEST"}
	// Cut strings at rune boundaries for the texts above.
	d.Subtitle, d.Reward, d.Terms = runes(d.Subtitle, MaxSubtitle), runes(d.Reward, MaxReward), runes(d.Terms, MaxTerms)
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, scale := range []float64{1, 0.4, MinScale, MaxScale} {
		st.Scale = scale
		g := mustLayout(t, d, st)
		card := image.Rectangle{Max: g.Size}
		for name, b := range map[string]TextBox{"title": g.Title, "subtitle": g.Subtitle, "reward": g.Reward,
			"terms": g.Terms, "customer": g.Customer, "count": g.Count} {
			if !b.Area.In(card) {
				t.Errorf("scale %v %s: area %v outside the card %v", scale, name, b.Area, card)
			}
			if b.Ink.Empty() {
				t.Errorf("scale %v %s: nothing drawn", scale, name)
			}
			if !b.Ink.In(b.Area) {
				t.Errorf("scale %v %s: ink %v overflows its area %v (lines %q)", scale, name, b.Ink, b.Area, b.Lines)
			}
			if b.Ink.Overlaps(g.QR) {
				t.Errorf("scale %v %s: text over the QR code", scale, name)
			}
		}
		if scale == 1 {
			if g.Title.Size >= 52 {
				t.Errorf("a 40-letter title did not shrink: %v px", g.Title.Size)
			}
			if len(g.Reward.Lines) < 2 {
				t.Errorf("a long reward did not wrap: %q", g.Reward.Lines)
			}
			if last := g.Customer.Lines[len(g.Customer.Lines)-1]; !strings.HasSuffix(last, "…") {
				t.Errorf("an over-long name is not cut with …: %q", g.Customer.Lines)
			}
		}
	}
}

func runes(s string, n int) string {
	r := []rune(s)
	return string(r[:min(n, len(r))])
}

// A word longer than a line (a URL, a long surname) is broken, not
// drawn past the edge.
func TestLongWordIsBroken(t *testing.T) {
	d := testDesign()
	d.Reward = strings.Repeat("Ж", MaxReward)
	g := mustLayout(t, d, CardState{})
	if len(g.Reward.Lines) < 2 || !g.Reward.Ink.In(g.Reward.Area) {
		t.Errorf("long word: lines %q, ink %v in %v", g.Reward.Lines, g.Reward.Ink, g.Reward.Area)
	}
}

// Editing the reward repaints only the reward: the stamps, the code and
// the other texts stay pixel for pixel the same.
func TestRewardChangesOnlyItsArea(t *testing.T) {
	short := testDesign()
	long := testDesign()
	long.Reward = runes(strings.Repeat("Каждая девятая посылка выдаётся с подарком от пункта ", 3), MaxReward)
	st := CardState{Stamps: 5, CustomerName: "Đorđe Čolić", QRText: mustQR(t, testKeys(1), testCardID)}
	a, b := mustRender(t, short, st), mustRender(t, long, st)
	g := mustLayout(t, long, st)
	outside := 0
	full := a.Bounds()
	for y := full.Min.Y; y < full.Max.Y; y++ {
		for x := full.Min.X; x < full.Max.X; x++ {
			if !image.Pt(x, y).In(g.Reward.Area) && a.RGBAAt(x, y) != b.RGBAAt(x, y) {
				outside++
			}
		}
	}
	if outside != 0 {
		t.Errorf("a longer reward changed %d pixels outside the reward area", outside)
	}
	if differs(a, b, g.Reward.Area) == 0 {
		t.Error("the reward text did not change on the card")
	}
}

func TestCustomerNameIsCleaned(t *testing.T) {
	d := testDesign()
	g := mustLayout(t, d, CardState{CustomerName: "  Айгүл\t🌸  Бекова\u200b "})
	if got := strings.Join(g.Customer.Lines, " "); got != "Айгүл Бекова" {
		t.Errorf("name drawn as %q", got)
	}
	if g := mustLayout(t, d, CardState{CustomerName: "🌸🌸"}); len(g.Customer.Lines) != 0 || !g.Customer.Ink.Empty() {
		t.Errorf("a name without drawable letters drew %q", g.Customer.Lines)
	}
}

func TestRenderRejectsBadState(t *testing.T) {
	d := testDesign()
	for _, c := range []struct {
		st    CardState
		field string
	}{
		{CardState{Stamps: -1}, "stamps"},
		{CardState{Scale: 0.1}, "scale"},
		{CardState{Scale: 3.5}, "scale"},
		{CardState{Scale: -1}, "scale"},
		{CardState{Scale: math.NaN()}, "scale"},
		{CardState{Scale: math.Inf(1)}, "scale"},
		{CardState{QRText: strings.Repeat("A", MaxQRText+1)}, "qr_text"},
	} {
		img, err := Render(d, c.st)
		if img != nil {
			t.Errorf("%+v: got an image", c.st)
		}
		wantCode(t, err, ErrBadState, c.field)
		_, err = RenderPNG(d, c.st)
		wantCode(t, err, ErrBadState, c.field)
	}
}

// The editor's live preview and the counter may draw cards at the same
// time; the shared font must not be a data race (run with -race).
func TestRenderConcurrently(t *testing.T) {
	d := testDesign()
	want := mustRender(t, d, CardState{Stamps: 2, Scale: 0.4})
	errc := make(chan error, 4)
	imgs := make(chan *image.RGBA, 4)
	for range 4 {
		go func() {
			img, err := Render(d, CardState{Stamps: 2, Scale: 0.4})
			errc <- err
			imgs <- img
		}()
	}
	for range 4 {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
		if img := <-imgs; differs(img, want, want.Bounds()) != 0 {
			t.Error("the same card drew differently")
		}
	}
}

// A points card shows its balance in large accent type where a stamp card
// has its stamps, no stamps and no "n / N" count; an over-long balance
// text is refused.
func TestPointsCardShowsBalanceInsteadOfStamps(t *testing.T) {
	d := testDesign()
	st := CardState{Points: "1 250 баллов", Stamps: 5, QRText: "SPC1:L:TEST"}
	g := mustLayout(t, d, st)
	if len(g.Stamps) != 0 || g.Filled != 0 {
		t.Fatalf("a points card draws %d stamp cells", len(g.Stamps))
	}
	if len(g.Points.Lines) != 1 || g.Points.Lines[0] != "1 250 баллов" {
		t.Fatalf("points box reads %q", g.Points.Lines)
	}
	if len(g.Count.Lines) != 0 {
		t.Fatalf("a points card shows a stamp count %q", g.Count.Lines)
	}
	img := mustRender(t, d, st)
	if n := countColour(img, g.Points.Ink, colourOf(t, d.Accent)); n == 0 {
		t.Fatal("the balance is not drawn in the accent colour")
	}
	st.Points = strings.Repeat("9", MaxPoints+1)
	if _, err := Render(d, st); !errs.Has(err, ErrBadState) {
		t.Fatalf("an over-long balance gave %v, want ErrBadState", err)
	}
}
