package loyalty

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/app/loyaltycard"
)

// The customer's card image carries a QR that the counter reads back to
// the same card; the key is made once and survives a restart.
func TestCardImageQRRecognisedAtCounter(t *testing.T) {
	e := newEnv(t)
	e.programme(stampCard())
	card := e.enrol("+996 555 123 456")
	e.accrue(card.Code, "handover:1")
	e.accrue(card.Code, "handover:2")
	card = mustV[Card](t)(e.l.FindCard(e.ctx, card.Code))

	pic, err := e.l.CardImage(e.ctx, card, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(pic))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("no QR on the card image: %v", err)
	}
	got, err := e.l.Recognise(e.ctx, res.GetText())
	if err != nil {
		t.Fatalf("the card's own QR is refused: %v", err)
	}
	if got.Code != card.Code || got.Balance != 2 {
		t.Fatalf("QR found %s with %d stamps, want %s with 2", got.Code, got.Balance, card.Code)
	}

	// A second service on the same database (the app restarted) signs with
	// the same key: old cards keep working.
	again := New(e.svc, Options{})
	if _, err := again.Recognise(e.ctx, res.GetText()); err != nil {
		t.Fatalf("after a restart the card is refused: %v", err)
	}
	var keys int
	if err := e.db.R.QueryRow(`SELECT count(*) FROM events WHERE kind = ?`, EvCardKeyCreated).Scan(&keys); err != nil {
		t.Fatal(err)
	}
	if keys != 1 {
		t.Fatalf("the signing key was created %d times, want once", keys)
	}
}

// A card QR altered by one character, or signed by another point, is
// refused as forged; the phone and the printed code still find the card.
func TestRecogniseRejectsForgedQR(t *testing.T) {
	e := newEnv(t)
	e.programme(stampCard())
	card := e.enrol("+996 555 123 456")
	qr := mustV[string](t)(e.l.CardQR(e.ctx, card))

	i := len(qr) - 3
	swap := byte('A')
	if qr[i] == 'A' {
		swap = 'B'
	}
	tampered := qr[:i] + string(swap) + qr[i+1:]
	if _, err := e.l.Recognise(e.ctx, tampered); !IsForgedCard(err) {
		t.Fatalf("a tampered QR gave %v, want a forged-card error", err)
	}

	other := mustV[loyaltycard.Keys](t)(loyaltycard.GenerateKeys())
	foreign := mustV[string](t)(loyaltycard.QRText(other.Private, card.ID))
	if _, err := e.l.Recognise(e.ctx, foreign); !errs.Has(err, loyaltycard.ErrForged) {
		t.Fatalf("another point's QR gave %v, want ErrForged", err)
	}

	for _, typed := range []string{card.Code, FormatCode(card.Code), "0555 123 456", strings.ToLower(qr)} {
		got, err := e.l.Recognise(e.ctx, typed)
		if err != nil || got.Code != card.Code {
			t.Errorf("Recognise(%q) = %s, %v; want card %s", typed, got.Code, err, card.Code)
		}
	}
}

// The owner's design is kept; the stamp count follows the programme; a
// clerk may not change the look and an unreadable design changes nothing.
func TestCardDesignSavedByManagerOnly(t *testing.T) {
	e := newEnv(t)
	p := stampCard()
	p.PerReward = 6
	e.programme(p)
	d := mustV[loyaltycard.Design](t)(e.l.CardDesign(e.ctx))
	if d.Stamps != 6 || d.Subtitle == "" {
		t.Fatalf("default design: %d stamps, subtitle %q; want the programme's 6 and the point's name", d.Stamps, d.Subtitle)
	}

	d.Title = "Кофе-карта"
	d.Background = "#101010"
	if err := e.l.SaveCardDesign(e.ctx, e.owner, d); err != nil {
		t.Fatal(err)
	}
	clerk := e.staff("Бека", counter.RoleClerk)
	d2 := d
	d2.Title = "Взлом"
	if err := e.l.SaveCardDesign(e.ctx, clerk, d2); !errs.Has(err, counter.ErrForbidden) {
		t.Fatalf("a clerk saving the design: %v, want ErrForbidden", err)
	}
	bad := d
	bad.Foreground = "#111111" // unreadable on #101010
	if err := e.l.SaveCardDesign(e.ctx, e.owner, bad); err == nil {
		t.Fatal("an unreadable design was saved")
	}
	got := mustV[loyaltycard.Design](t)(e.l.CardDesign(e.ctx))
	if got.Title != "Кофе-карта" || got.Foreground != d.Foreground {
		t.Fatalf("stored design is %q/%s, want the owner's", got.Title, got.Foreground)
	}
}
