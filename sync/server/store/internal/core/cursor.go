package core

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
)

// maxCursorLen bounds what DecodeCursor looks at: a real cursor is an
// epoch (26 characters) and a decimal seq, well under it.
const maxCursorLen = 256

var errCursor = errors.New("cursor: not one of this server's")

// EncodeCursor makes the opaque cursor a client sends back: base64url
// (no padding) of "<epoch>:<seq>". The epoch in it is how a cursor from
// before a restore (or from another server) is recognised.
func EncodeCursor(epoch string, seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(epoch + ":" + strconv.FormatInt(seq, 10)))
}

// DecodeCursor reads a cursor made by EncodeCursor. It accepts only the
// exact form EncodeCursor writes (so DecodeCursor∘EncodeCursor is the
// identity): anything else is an error, which Pull turns into a reset.
func DecodeCursor(s string) (epoch string, seq int64, err error) {
	if s == "" || len(s) > maxCursorLen {
		return "", 0, errCursor
	}
	for i := 0; i < len(s); i++ {
		// The decoder skips \r and \n; a cursor has neither.
		if c := s[i]; !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return "", 0, errCursor
		}
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return "", 0, errCursor
	}
	text := string(raw)
	i := strings.LastIndexByte(text, ':')
	if i <= 0 {
		return "", 0, errCursor
	}
	epoch, num := text[:i], text[i+1:]
	for j := 0; j < len(epoch); j++ {
		if c := epoch[j]; c <= ' ' || c > '~' {
			return "", 0, errCursor
		}
	}
	seq, err = strconv.ParseInt(num, 10, 64)
	if err != nil || seq < 0 || strconv.FormatInt(seq, 10) != num {
		return "", 0, errCursor
	}
	return epoch, seq, nil
}
