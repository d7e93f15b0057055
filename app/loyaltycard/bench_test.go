package loyaltycard

import (
	"strings"
	"testing"
)

// The editor redraws the preview on every keystroke: it must stay well
// under a frame budget of ~50 ms even with every text at its limit.
func BenchmarkRenderPreview(b *testing.B) {
	d := testDesign()
	d.Reward = strings.Repeat("Ж", MaxReward) // one unbreakable word: the slowest wrap
	d.Terms = strings.Repeat("условия ", MaxTerms/8)
	st := CardState{Stamps: 3, CustomerName: "Айгүл Бекова", Scale: 0.4}
	for b.Loop() {
		if _, err := Render(d, st); err != nil {
			b.Fatal(err)
		}
	}
}

// A full-size card as sent to the customer, PNG-encoded.
func BenchmarkRenderPNG(b *testing.B) {
	k := testKeys(1)
	code, err := QRText(k.Private, testCardID)
	if err != nil {
		b.Fatal(err)
	}
	d := testDesign()
	st := CardState{Stamps: 3, CustomerName: "Айгүл Бекова", QRText: code}
	for b.Loop() {
		if _, err := RenderPNG(d, st); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	k := testKeys(1)
	code, err := QRText(k.Private, testCardID)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Verify(k.Public, code); err != nil {
			b.Fatal(err)
		}
	}
}
