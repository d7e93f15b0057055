package slips

import (
	"strings"
	"testing"

	"smartpoint/app/i18n"
	"smartpoint/app/loyalty"
	"smartpoint/app/loyaltycard"
	"smartpoint/device/escpos"
	"smartpoint/device/escpos/escpostest"
)

func memberCard() loyalty.Card {
	return loyalty.Card{ID: "0b5e6b8e-5a1c-4a55-9d0e-2f5f7c1b9a10", Code: "7K3M9QX2HDT", Name: "Жылдыз", MaskedPhone: "+996 *** ** 01 11",
		Kind: loyalty.KindStamp, PerReward: 6, Balance: 3, ToNextReward: 3, RewardText: "Бесплатная упаковка"}
}

// The card slip carries the signed QR (native on an Epson, raster on a
// 58 mm clone), the code a clerk can type, and the stamps in characters
// every code page has.
func TestCardSlipQRAndStamps(t *testing.T) {
	keys, err := loyaltycard.GenerateKeys()
	if err != nil {
		t.Fatal(err)
	}
	card := memberCard()
	qr, err := loyaltycard.QRText(keys.Private, card.ID)
	if err != nil {
		t.Fatal(err)
	}
	d := loyaltycard.DefaultDesign("ПВЗ «Ала-Тоо»", i18n.RU)
	d.Stamps = 6
	for _, p := range []struct {
		name string
		prof escpos.Profile
	}{{"tm80", tm80}, {"pos58", pos58}} {
		prof := p.prof
		lines := printed(t, CardSlip(ctx(), card, qr, d), prof)
		qrs := escpostest.QRTexts(lines)
		if len(qrs) != 1 || qrs[0] != qr {
			t.Fatalf("%s: QR payloads %q, want the signed card code", p.name, qrs)
		}
		id, err := loyaltycard.Verify(keys.Public, qrs[0])
		if err != nil || id != card.ID {
			t.Fatalf("%s: printed QR verifies to %q, %v", p.name, id, err)
		}
		out := text(lines, prof)
		for _, want := range []string{"7K3M-9QX2-HDT", "3 из 6", "Жылдыз", "Бесплатная упаковка", "До подарка: 3"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: card slip lacks %q:\n%s", p.name, want, out)
			}
		}
		if !strings.Contains(out, loyaltycard.StampsLineASCII(d, 3)) {
			t.Errorf("%s: card slip lacks the stamps line %q:\n%s", p.name, loyaltycard.StampsLineASCII(d, 3), out)
		}
		if strings.Contains(out, "?") {
			t.Errorf("%s: a character the printer lacks came out as '?':\n%s", p.name, out)
		}
		if p.name == "tm80" && cuts(lines) != 1 {
			t.Errorf("%s: %d cuts, want 1", p.name, cuts(lines))
		}
	}
}

// The reward slip says what was handed out and what is left.
func TestRewardSlip(t *testing.T) {
	card := memberCard()
	card.Balance, card.ToNextReward = 0, 6
	r := loyalty.Redemption{Card: card.Code, Amount: 6, Reward: "Бесплатная упаковка"}
	d := loyaltycard.DefaultDesign("ПВЗ", i18n.RU)
	out := text(printed(t, RewardSlip(ctx(), card, r, d), pos58), pos58)
	for _, want := range []string{"Подарок выдан", "Бесплатная упаковка", "7K3M-9QX2-HDT", "0 из 6"} {
		if !strings.Contains(out, want) {
			t.Errorf("reward slip lacks %q:\n%s", want, out)
		}
	}
}
