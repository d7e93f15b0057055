package loyaltycard

import (
	"crypto/ed25519"
	"encoding/base32"
	"strings"
	"testing"

	"smartpoint/app/errs"
	"smartpoint/app/scan"
)

const base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

func TestQRTextFormat(t *testing.T) {
	k := testKeys(1)
	s := mustQR(t, k, testCardID)
	if !strings.HasPrefix(s, "SPC1:L:") {
		t.Fatalf("code %q lacks the loyalty prefix", s)
	}
	// 1 form byte + 16 UUID bytes + 64 signature bytes = 81 bytes → 130 base32 characters.
	if len(s) != 137 {
		t.Errorf("code is %d characters, want 137: %s", len(s), s)
	}
	for _, c := range s[len(QRPrefix):] {
		if !strings.ContainsRune(base32Alphabet, c) {
			t.Fatalf("payload has %q: not upper-case base32 (QR alphanumeric mode)", c)
		}
	}
	if again := mustQR(t, k, testCardID); again != s {
		t.Errorf("same card, same key, different codes:\n%s\n%s", s, again)
	}
	if other := mustQR(t, k, "3f2a9c1e-7b44-4d0a-9e1f-52c6b8a0d418"); other == s {
		t.Error("two cards got the same code")
	}
}

// The counter's scanner must route our code to the loyalty card lookup.
func TestClassifierReadsQRText(t *testing.T) {
	c, err := scan.NewClassifier(nil)
	if err != nil {
		t.Fatal(err)
	}
	k := testKeys(1)
	for _, id := range []string{testCardID, "C-000001", strings.Repeat("x", MaxCardID), strings.Repeat("ж", MaxCardID/2)} {
		code := mustQR(t, k, id)
		res := c.Classify(code + "\r\n") // as a keyboard-wedge scanner types it
		if res.Kind != scan.KindLoyaltyCard {
			t.Fatalf("id %q: classified as %v, want a loyalty card (code %d chars)", id, res.Kind, len(code))
		}
		if res.Value != code[len(QRPrefix):] {
			t.Errorf("id %q: classifier payload %q, want %q", id, res.Value, code[len(QRPrefix):])
		}
		got, err := Verify(k.Public, res.Code)
		if err != nil || got != id {
			t.Errorf("id %q: Verify(classified code) = %q, %v", id, got, err)
		}
	}
}

func TestVerifyRoundTrip(t *testing.T) {
	k := testKeys(1)
	for _, id := range []string{
		testCardID,
		"3F2A9C1E-7B44-4D0A-9E1F-52C6B8A0D417", // not canonical: carried as text, returned as given
		"42", "card_00017", "Ђ-ћ-ж-ң", strings.Repeat("9", MaxCardID),
	} {
		code := mustQR(t, k, id)
		got, err := Verify(k.Public, code)
		if err != nil || got != id {
			t.Errorf("Verify(QRText(%q)) = %q, %v", id, got, err)
		}
	}
}

// Scanners in keyboard mode may flip letter case (Caps Lock) and add
// line ends; the card must still read.
func TestVerifyIgnoresCaseAndSpaces(t *testing.T) {
	k := testKeys(1)
	code := mustQR(t, k, testCardID)
	for _, variant := range []string{strings.ToLower(code), " " + code + "\r\n", "spc1:l:" + code[len(QRPrefix):]} {
		if got, err := Verify(k.Public, variant); err != nil || got != testCardID {
			t.Errorf("Verify(%q) = %q, %v", variant, got, err)
		}
	}
}

// A clerk scanning an altered code must never see it accepted: changing
// any one character, anywhere, is rejected.
func TestTamperedCodeRejected(t *testing.T) {
	k := testKeys(1)
	code := mustQR(t, k, testCardID)
	forged := 0
	for i := len(QRPrefix); i < len(code); i++ {
		for _, c := range []byte{'A', 'Q', '7'} {
			if code[i] == c {
				continue
			}
			bad := code[:i] + string(c) + code[i+1:]
			id, err := Verify(k.Public, bad)
			if err == nil {
				t.Fatalf("changed character %d to %c: accepted as card %q", i, c, id)
			}
			if code := errs.CodeOf(err); code != ErrForged && code != ErrMalformed {
				t.Fatalf("changed character %d: error %v, want forged or malformed", i, err)
			}
			if errs.Has(err, ErrForged) {
				forged++
			}
		}
	}
	if forged == 0 {
		t.Error("no change was reported as a failed signature")
	}
}

// Changing the card id inside a well-formed payload (the attack: "next
// customer's card") fails the signature, not the parsing.
func TestAlteredCardIDIsForged(t *testing.T) {
	k := testKeys(1)
	raw, err := payloadText.DecodeString(mustQR(t, k, testCardID)[len(QRPrefix):])
	if err != nil {
		t.Fatal(err)
	}
	raw[16]++ // last byte of the UUID
	_, err = Verify(k.Public, QRPrefix+payloadText.EncodeToString(raw))
	wantCode(t, err, ErrForged, "")
}

func TestOtherPointsKeyRejected(t *testing.T) {
	ours, theirs := testKeys(1), testKeys(2)
	code := mustQR(t, theirs, testCardID)
	_, err := Verify(ours.Public, code)
	wantCode(t, err, ErrForged, "")
}

// A signature lifted from another card does not make a new card valid.
func TestSignatureFromAnotherCardRejected(t *testing.T) {
	k := testKeys(1)
	a, _ := payloadText.DecodeString(mustQR(t, k, testCardID)[len(QRPrefix):])
	b, _ := payloadText.DecodeString(mustQR(t, k, "3f2a9c1e-7b44-4d0a-9e1f-52c6b8a0d418")[len(QRPrefix):])
	mixed := append(append([]byte{}, b[:17]...), a[17:]...)
	_, err := Verify(k.Public, QRPrefix+payloadText.EncodeToString(mixed))
	wantCode(t, err, ErrForged, "")
}

func TestVerifyNotOurs(t *testing.T) {
	k := testKeys(1)
	code := mustQR(t, k, testCardID)
	for _, s := range []string{"", "SPC1:L", "SPC1:C:" + code[len(QRPrefix):], "CELL-A101", "RU123456789CN", "4601234567893"} {
		_, err := Verify(k.Public, s)
		wantCode(t, err, ErrNotOurs, "")
	}
}

func TestVerifyMalformed(t *testing.T) {
	k := testKeys(1)
	code := mustQR(t, k, testCardID)
	payload := code[len(QRPrefix):]
	sign := func(body []byte) string {
		sig := ed25519.Sign(k.Private, signedMessage(body))
		return QRPrefix + payloadText.EncodeToString(append(body, sig...))
	}
	cases := map[string]string{
		"prefix only":     QRPrefix,
		"truncated":       code[:len(code)-5],
		"one extra char":  code + "A",
		"newline inside":  QRPrefix + payload[:40] + "\n" + payload[40:],
		"not base32":      QRPrefix + strings.Replace(payload, payload[3:4], "1", 1),
		"cyrillic":        QRPrefix + "АВС" + payload[3:],
		"signature only":  QRPrefix + payloadText.EncodeToString(make([]byte, 64)),
		"too long":        QRPrefix + strings.Repeat("A", 264),
		"newer form byte": sign([]byte{9, 'x'}),
		"uuid as text":    sign(append([]byte{formText}, testCardID...)),
		"short uuid":      sign([]byte{formUUID, 1, 2, 3}),
		"space in id":     sign(append([]byte{formText}, "a b"...)),
	}
	// The last base32 character of 81 bytes carries 2 spare bits; a code
	// with them set decodes to the same bytes but is not what we issue.
	last := strings.IndexByte(base32Alphabet, payload[len(payload)-1])
	cases["spare bits set"] = code[:len(code)-1] + string(base32Alphabet[last|1])
	if last&1 == 1 {
		cases["spare bits set"] = code[:len(code)-1] + string(base32Alphabet[last&^1])
	}
	for name, s := range cases {
		id, err := Verify(k.Public, s)
		if err == nil {
			t.Errorf("%s: accepted as card %q", name, id)
			continue
		}
		if !errs.Has(err, ErrMalformed) {
			t.Errorf("%s: error %v, want malformed", name, err)
		}
	}
	if _, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(cases["spare bits set"][len(QRPrefix):]); err != nil {
		t.Fatalf("the spare-bits case should decode in plain base32: %v", err)
	}
}

func TestQRTextBadInput(t *testing.T) {
	k := testKeys(1)
	for _, id := range []string{"", " ", "a b", "tab\tid", "nl\n", strings.Repeat("x", MaxCardID+1), "bad\xffutf8"} {
		_, err := QRText(k.Private, id)
		wantCode(t, err, ErrBadCardID, "")
	}
	for _, priv := range []ed25519.PrivateKey{nil, k.Private[:32], append(append(ed25519.PrivateKey{}, k.Private...), 0)} {
		_, err := QRText(priv, testCardID)
		wantCode(t, err, ErrBadKey, "")
	}
	code := mustQR(t, k, testCardID)
	for _, pub := range []ed25519.PublicKey{nil, k.Public[:31], append(append(ed25519.PublicKey{}, k.Public...), 0)} {
		_, err := Verify(pub, code)
		wantCode(t, err, ErrBadKey, "")
	}
}

func TestKeysMarshalRoundTrip(t *testing.T) {
	k, err := GenerateKeys()
	if err != nil {
		t.Fatal(err)
	}
	k2, err := GenerateKeys()
	if err != nil {
		t.Fatal(err)
	}
	if k.Public.Equal(k2.Public) {
		t.Fatal("two generated key pairs are equal")
	}
	privText, err := k.MarshalPrivate()
	if err != nil {
		t.Fatal(err)
	}
	pubText, err := MarshalPublic(k.Public)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParsePrivate(privText)
	if err != nil {
		t.Fatal(err)
	}
	if !back.Private.Equal(k.Private) || !back.Public.Equal(k.Public) {
		t.Fatal("private key text does not round-trip")
	}
	pub, err := ParsePublic(pubText)
	if err != nil || !pub.Equal(k.Public) {
		t.Fatalf("public key text does not round-trip: %v", err)
	}
	// A code made after restoring the key checks with the shared public key.
	if id, err := Verify(pub, mustQR(t, back, testCardID)); err != nil || id != testCardID {
		t.Errorf("Verify after restore = %q, %v", id, err)
	}
	if strings.Contains(pubText, privText[len(privateLabel):]) {
		t.Error("public key text contains the private seed")
	}

	for _, s := range []string{"", pubText, privText[:len(privText)-2], privText + "AA", "ed25519-seed:!!!"} {
		_, err := ParsePrivate(s)
		wantCode(t, err, ErrBadKey, "")
	}
	for _, s := range []string{"", privText, pubText[:len(pubText)-2]} {
		_, err := ParsePublic(s)
		wantCode(t, err, ErrBadKey, "")
	}
	if _, err := (Keys{}).MarshalPrivate(); !errs.Has(err, ErrBadKey) {
		t.Errorf("MarshalPrivate of no key: %v", err)
	}
	if _, err := MarshalPublic(nil); !errs.Has(err, ErrBadKey) {
		t.Errorf("MarshalPublic(nil): %v", err)
	}
}
