package manifest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"smartpoint/app/errs"
)

// jsonRow is one parcel object. Alternative keys for the same field are
// separate members; the first non-empty one wins. encoding/json matches
// keys case-insensitively.
type jsonRow struct {
	Track          flex `json:"track"`
	Barcode        flex `json:"barcode"`
	OrderNo        flex `json:"order_no"`
	Order          flex `json:"order"`
	PickupCode     flex `json:"pickup_code"`
	RecipientName  flex `json:"recipient_name"`
	Name           flex `json:"name"`
	RecipientPhone flex `json:"recipient_phone"`
	Phone          flex `json:"phone"`
	Size           flex `json:"size"`
	COD            flex `json:"cod"`
	CODMinor       flex `json:"cod_minor"`
	Currency       flex `json:"currency"`
	WeightGrams    flex `json:"weight_grams"`
	Weight         flex `json:"weight"`
	Note           flex `json:"note"`
}

// flexKind is the JSON type a flex value had.
type flexKind uint8

const (
	flexAbsent flexKind = iota // missing or null
	flexString
	flexNumber
	flexWrong // bool, object or array: nothing we can use
)

// flex accepts a string or a number (kept as its literal, so a numeric
// track keeps every digit) and never fails, so that one odd value becomes
// a row error instead of aborting the stream.
type flex struct {
	s    string
	kind flexKind
}

func (f *flex) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) == 0 || string(b) == "null":
		*f = flex{}
	case b[0] == '"':
		f.kind = flexString
		// Fast path: no escapes. Invalid UTF-8 is kept so that the row
		// reports bad_encoding instead of silently getting U+FFFD.
		inner := b[1 : len(b)-1]
		if bytes.IndexByte(inner, '\\') < 0 {
			f.s = string(inner)
			return nil
		}
		if !utf8.Valid(b) {
			f.s = strings.ToValidUTF8(string(inner), string(utf8.RuneError))
			return nil
		}
		if err := json.Unmarshal(b, &f.s); err != nil {
			*f = flex{s: string(b), kind: flexWrong}
		}
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
		*f = flex{s: string(b), kind: flexNumber}
	default:
		*f = flex{s: truncate(string(b), maxErrValue), kind: flexWrong}
	}
	return nil
}

// or returns the first of a, b that was given.
func or(a, b flex) flex {
	if a.kind == flexAbsent || (a.kind == flexString && strings.TrimSpace(a.s) == "") {
		return b
	}
	return a
}

// toRaw converts a parcel object to the common raw row.
func (j *jsonRow) toRaw(raw *rawRow, line int) {
	*raw = rawRow{line: line, binaryOK: true}
	set := func(f field, v flex) {
		raw.val[f] = v.s
		raw.wrong[f] = v.kind == flexWrong
	}
	set(fTrack, or(j.Track, j.Barcode))
	set(fOrder, or(j.OrderNo, j.Order))
	set(fPickup, j.PickupCode)
	set(fName, or(j.RecipientName, j.Name))
	set(fPhone, or(j.RecipientPhone, j.Phone))
	set(fSize, j.Size)
	set(fCurrency, j.Currency)
	set(fNote, j.Note)

	switch {
	case j.CODMinor.kind != flexAbsent:
		set(fCOD, j.CODMinor)
		raw.cod = codMinor
	case j.COD.kind == flexNumber:
		set(fCOD, j.COD)
		raw.cod = codJSONNumber
	default:
		set(fCOD, j.COD)
	}
	if j.WeightGrams.kind != flexAbsent {
		set(fWeight, j.WeightGrams)
		raw.weight = unitGram
	} else {
		set(fWeight, j.Weight)
	}
}

// jsonReader streams a JSON manifest element by element.
type jsonReader struct {
	dec   *json.Decoder
	guard *recordGuard
	sink  *sink
	index int // 1-based index of the current parcel element
	found bool
	jr    jsonRow
	raw   rawRow
}

// parseJSON reads a top-level array of parcels or an object with header
// fields and a parcels array. Anything after the top-level value, or a
// value cut short, is a file-level error: a truncated export must never
// look like a shorter manifest.
func parseJSON(text *bufio.Reader, g *recordGuard, s *sink) error {
	p := &jsonReader{dec: json.NewDecoder(text), guard: g, sink: s}
	tok, err := p.token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('['):
		p.found = true
		err = p.parcels()
	case json.Delim('{'):
		err = p.object()
	default:
		return p.syntax("expected an array or an object")
	}
	if err != nil {
		return err
	}
	if _, err := p.dec.Token(); err != io.EOF {
		if err != nil {
			return p.fail(err)
		}
		return p.syntax("unexpected data after the end of the manifest")
	}
	return nil
}

// object reads the top-level object: header fields and the parcels array.
func (p *jsonReader) object() error {
	h := &p.sink.sum.Header
	for p.dec.More() {
		tok, err := p.token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		switch strings.ToLower(key) {
		case "parcels", "items", "rows":
			if err := p.array(); err != nil {
				return err
			}
		case "manifest", "manifest_no", "number":
			err = p.headerValue(&h.ManifestNo)
		case "partner":
			err = p.headerValue(&h.Partner)
		case "courier":
			err = p.headerValue(&h.Courier)
		default:
			err = p.skip()
		}
		if err != nil {
			return err
		}
	}
	if _, err := p.token(); err != nil { // '}'
		return err
	}
	if !p.found {
		return errs.New(ErrNoParcels)
	}
	return nil
}

// array reads '[' parcels ']' as the value of a parcels key.
func (p *jsonReader) array() error {
	tok, err := p.token()
	if err != nil {
		return err
	}
	if tok != json.Delim('[') {
		return errs.New(ErrNoParcels)
	}
	p.found = true
	return p.parcels()
}

// parcels reads elements up to and including the closing ']'.
func (p *jsonReader) parcels() error {
	for p.dec.More() {
		p.index++
		p.guard.mark()
		p.jr = jsonRow{}
		err := p.dec.Decode(&p.jr)
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te):
			// A string or number where an object belongs: the decoder has
			// consumed it, so the stream goes on.
			p.sink.errs = append(p.sink.errs[:0], RowError{Line: p.index, Field: fieldRow, Code: ErrRowNotObject})
			p.sink.record()
			continue
		case err != nil:
			return p.fail(err)
		}
		p.jr.toRaw(&p.raw, p.index)
		if err := p.sink.add(&p.raw); err != nil {
			return err
		}
	}
	_, err := p.token() // ']'
	return err
}

// headerValue reads a string or number header field; anything else is
// ignored (a partner may send "courier": {…}), header data is informational.
func (p *jsonReader) headerValue(dst *string) error {
	var v flex
	p.guard.mark()
	if err := p.dec.Decode(&v); err != nil {
		return p.fail(err)
	}
	if *dst == "" && (v.kind == flexString || v.kind == flexNumber) {
		s, _ := clean(v.s)
		*dst = truncate(s, maxValueLen)
	}
	return nil
}

// skip consumes a value we do not use.
func (p *jsonReader) skip() error {
	var v json.RawMessage
	p.guard.mark()
	if err := p.dec.Decode(&v); err != nil {
		return p.fail(err)
	}
	return nil
}

// token is Decoder.Token where the end of input is always premature: the
// callers only ask for a token while a value is still open.
func (p *jsonReader) token() (json.Token, error) {
	tok, err := p.dec.Token()
	if err != nil {
		return nil, p.fail(err)
	}
	return tok, nil
}

// fail classifies a decoder error: bad or cut JSON, or a read error.
func (p *jsonReader) fail(err error) error {
	var se *json.SyntaxError
	switch {
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		return p.syntax("unexpected end of file: the manifest is cut short")
	case errors.As(err, &se):
		return p.syntax(se.Error())
	default:
		return &lineError{line: p.index, err: err}
	}
}

func (p *jsonReader) syntax(detail string) error {
	return errs.New(ErrBadJSON, "Line", p.index, "Offset", p.dec.InputOffset(), "Detail", detail)
}
