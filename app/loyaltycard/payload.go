package loyaltycard

import (
	"crypto/ed25519"
	"encoding/base32"
	"strings"

	"smartpoint/app/errs"
)

// QRPrefix starts every loyalty card code; the counter's scan classifier
// reads it as a loyalty card (scan.KindLoyaltyCard) in any letter case.
const QRPrefix = "SPC1:L:"

// maxPayload mirrors the scan classifier's limit for our own codes'
// payloads (scan.maxOwnPayload); a longer code would be "unknown" there.
const maxPayload = 256

// payloadText is base32 (RFC 4648 alphabet, upper case, no padding). Upper
// case digits and letters are QR's dense alphanumeric mode, so the code
// has fewer, larger modules than base64 would give; and a code typed by a
// scanner with Caps Lock on still reads, because case does not matter.
var payloadText = base32.StdEncoding.WithPadding(base32.NoPadding)

// QRText is the code for a card: QRPrefix + base32(form, id, signature),
// where the Ed25519 signature (all 64 bytes) covers QRPrefix, form and id.
// For a UUID card id the text is 137 characters. Ed25519 signatures are
// deterministic: one id and key always give the same code.
func QRText(priv ed25519.PrivateKey, cardID string) (string, error) {
	if len(priv) != ed25519.PrivateKeySize {
		return "", errs.New(ErrBadKey, "Which", "private")
	}
	body, err := packID(cardID)
	if err != nil {
		return "", err
	}
	sig := ed25519.Sign(priv, signedMessage(body))
	return QRPrefix + payloadText.EncodeToString(append(body, sig...)), nil
}

// signedMessage prefixes the packed id with QRPrefix, so a signature made
// for a card can never be passed off as one for another kind of code
// signed with the same key.
func signedMessage(body []byte) []byte {
	return append([]byte(QRPrefix), body...)
}

// Verify checks a scanned code against the point's public key and returns
// the card id. Errors: ErrBadKey (pub is not a key), ErrNotOurs (not a
// loyalty card code), ErrMalformed (damaged, or from a newer app version),
// ErrForged (altered, forged, or signed by another point's key).
//
// Letter case and surrounding spaces are ignored, as the scanner may add
// them; every other change to the text is rejected: the payload must be
// exactly what QRText would produce.
func Verify(pub ed25519.PublicKey, qrText string) (string, error) {
	if len(pub) != ed25519.PublicKeySize {
		return "", errs.New(ErrBadKey, "Which", "public")
	}
	s := strings.TrimSpace(qrText)
	if len(s) < len(QRPrefix) || !strings.EqualFold(s[:len(QRPrefix)], QRPrefix) {
		return "", errs.New(ErrNotOurs)
	}
	payload := upperASCII(s[len(QRPrefix):])
	if payload == "" || len(payload) > maxPayload {
		return "", errs.New(ErrMalformed)
	}
	raw, err := payloadText.DecodeString(payload)
	if err != nil {
		return "", errs.Wrap(err, ErrMalformed)
	}
	// The decoder skips newlines and ignores the spare bits of the last
	// character; re-encoding catches both, so no second spelling of a
	// valid code exists.
	if payloadText.EncodeToString(raw) != payload || len(raw) <= ed25519.SignatureSize {
		return "", errs.New(ErrMalformed)
	}
	body, sig := raw[:len(raw)-ed25519.SignatureSize], raw[len(raw)-ed25519.SignatureSize:]
	id, ok := unpackID(body)
	if !ok {
		return "", errs.New(ErrMalformed)
	}
	if !ed25519.Verify(pub, signedMessage(body), sig) {
		return "", errs.New(ErrForged)
	}
	return id, nil
}

// upperASCII upper-cases ASCII letters only: any other byte stays and
// then fails decoding.
func upperASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
