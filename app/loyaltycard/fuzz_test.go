package loyaltycard

import (
	"strings"
	"testing"

	"smartpoint/app/errs"
)

// FuzzVerify: Verify never panics, always answers with one of its codes,
// and accepts only the exact code QRText issues for the id it returns:
// random or mutated input never passes as a card.
func FuzzVerify(f *testing.F) {
	k := testKeys(1)
	for _, id := range []string{testCardID, "C-1", strings.Repeat("z", MaxCardID)} {
		code, err := QRText(k.Private, id)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(code)
		f.Add(code[:len(code)-1])
		f.Add(strings.ToLower(code))
	}
	f.Add("")
	f.Add("SPC1:L:")
	f.Add("SPC1:L:AAAA")
	f.Add("spc1:l:\n\x00\xff")
	f.Fuzz(func(t *testing.T, s string) {
		id, err := Verify(k.Public, s)
		if err != nil {
			switch errs.CodeOf(err) {
			case ErrNotOurs, ErrMalformed, ErrForged:
			default:
				t.Fatalf("Verify(%q): unexpected error %v", s, err)
			}
			if id != "" {
				t.Fatalf("Verify(%q) failed but returned id %q", s, id)
			}
			return
		}
		want, err := QRText(k.Private, id)
		if err != nil {
			t.Fatalf("Verify(%q) accepted id %q that QRText refuses: %v", s, id, err)
		}
		if !strings.EqualFold(strings.TrimSpace(s), want) {
			t.Fatalf("Verify accepted %q as card %q, but the card's code is %q", s, id, want)
		}
	})
}

// FuzzRewardText: any reward the editor accepts fits its place on the
// card, and layout never panics on what Validate lets through.
func FuzzRewardText(f *testing.F) {
	for _, s := range []string{"Подарок", strings.Repeat("Ж", MaxReward), "a\n\n\nb\nc\nd\ne", "Šabac  ң\u00a0ө ү", "— … «»"} {
		f.Add(s, 0.5)
	}
	f.Fuzz(func(t *testing.T, reward string, scale float64) {
		d := testDesign()
		d.Reward = reward
		if d.Validate() != nil {
			return
		}
		g, err := Layout(d, CardState{Scale: scale})
		if err != nil {
			if !errs.Has(err, ErrBadState) {
				t.Fatalf("Layout: %v", err)
			}
			return
		}
		if !g.Reward.Ink.Empty() && !g.Reward.Ink.In(g.Reward.Area) {
			t.Fatalf("reward %q at scale %v: ink %v outside %v (lines %q)", reward, scale, g.Reward.Ink, g.Reward.Area, g.Reward.Lines)
		}
	})
}

// FuzzRender: whatever the editor and the ledger pass, Render answers
// with a card or a typed error, never a panic, and every text it draws
// stays in its place.
func FuzzRender(f *testing.F) {
	d := testDesign()
	f.Add(d.Title, d.Subtitle, d.Reward, d.Terms, "Айгүл", d.Background, d.Foreground, d.Accent, "star", 8, 3, 0.3, "SPC1:L:X")
	f.Add("", "", "", "", "", "#000000", "#FFFFFF", "#FFFF00", "custom", 1, -1, 0.0, "")
	f.Fuzz(func(t *testing.T, title, subtitle, reward, terms, name, bg, fg, accent, icon string, stamps, filled int, scale float64, qr string) {
		d := Design{Title: title, Subtitle: subtitle, Reward: reward, Terms: terms, Background: bg, Foreground: fg,
			Accent: accent, StampIcon: Icon(icon), Stamps: stamps}
		st := CardState{Stamps: filled, CustomerName: name, Scale: scale, QRText: qr}
		if scale > 1 {
			st.Scale = 1 // keep runs fast; size does not change the logic
		}
		g, err := Layout(d, st)
		if err != nil {
			if errs.CodeOf(err) == "" {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		for _, b := range []TextBox{g.Title, g.Subtitle, g.Reward, g.Terms, g.Customer, g.Count} {
			if !b.Ink.Empty() && !b.Ink.In(b.Area) {
				t.Fatalf("ink %v outside %v (lines %q)", b.Ink, b.Area, b.Lines)
			}
		}
		if _, err := Render(d, st); err != nil {
			t.Fatalf("Layout passed but Render failed: %v", err)
		}
	})
}
