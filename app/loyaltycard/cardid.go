package loyaltycard

import (
	"encoding/hex"
	"unicode"
	"unicode/utf8"

	"smartpoint/app/errs"
)

// MaxCardID is the longest card id (in bytes) QRText accepts: with the
// signature it keeps the payload within the scanner's 256 characters.
const MaxCardID = 64

// How the card id is packed into the signed bytes. A canonical UUID (the
// ledger's usual id) takes 16 bytes instead of 36, which keeps the code
// one QR version smaller; any other id is carried as its UTF-8 bytes.
const (
	formUUID byte = 1
	formText byte = 2
)

// packID is the id as it is signed: a form byte, then the id.
func packID(id string) ([]byte, error) {
	if u, ok := parseUUID(id); ok {
		return append([]byte{formUUID}, u...), nil
	}
	if !validID(id) {
		return nil, errs.New(ErrBadCardID, "Max", MaxCardID)
	}
	return append([]byte{formText}, id...), nil
}

// unpackID reverses packID; ok is false for anything packID cannot make.
func unpackID(b []byte) (string, bool) {
	if len(b) < 2 {
		return "", false
	}
	switch b[0] {
	case formUUID:
		if len(b) != 17 {
			return "", false
		}
		return formatUUID(b[1:]), true
	case formText:
		id := string(b[1:])
		if !validID(id) {
			return "", false
		}
		if _, isUUID := parseUUID(id); isUUID {
			return "", false // packID would have used formUUID: one id, one code
		}
		return id, true
	}
	return "", false // a form from a newer version
}

// validID: 1…MaxCardID bytes of UTF-8 without spaces or control
// characters, so an id reads the same in logs, CSV and the ledger.
func validID(id string) bool {
	if id == "" || len(id) > MaxCardID || !utf8.ValidString(id) {
		return false
	}
	for _, r := range id {
		if !unicode.IsGraphic(r) || unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// parseUUID accepts only the canonical lower-case 8-4-4-4-12 form, so
// that unpacking gives back exactly the id that was packed.
func parseUUID(s string) ([]byte, bool) {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return nil, false
	}
	digits := s[:8] + s[9:13] + s[14:18] + s[19:23] + s[24:]
	for i := 0; i < len(digits); i++ {
		if c := digits[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return nil, false
		}
	}
	b, err := hex.DecodeString(digits)
	return b, err == nil
}

func formatUUID(b []byte) string {
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
