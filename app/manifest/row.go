package manifest

import (
	"fmt"
	"strings"
	"unicode"

	"smartpoint/app/errs"
)

// Value limits in runes.
const (
	maxTrackLen = 64
	maxValueLen = 256
	maxErrValue = 64
)

func limitOf(fieldName string) int {
	if fieldName == fieldNames[fTrack] {
		return maxTrackLen
	}
	return maxValueLen
}

// codMode says how the cod value is written.
type codMode uint8

const (
	codText       codMode = iota // "1 234,50 ₽" as in a spreadsheet
	codJSONNumber                // a JSON number in major units
	codMinor                     // an integer count of minor units
)

// rawRow is one record as the CSV or JSON reader found it, before
// validation. Both formats funnel through it so the rules are the same.
type rawRow struct {
	line     int
	val      [numFields]string
	wrong    [numFields]bool // JSON: a value of a type that cannot hold this field
	cod      codMode
	weight   weightUnit // unit of a bare weight number
	currency string     // currency of the amount column, from its header
	extra    string     // CSV: cells beyond the header's columns that hold data
	quotes   bool       // CSV: a quoted cell swallowed line breaks and delimiters
	binaryOK bool       // JSON: NUL comes from a legal \u0000 escape, not garbage
}

// sink validates rows, tracks duplicates and fills the Summary.
type sink struct {
	sum     *Summary
	maxErrs int
	fn      func(Row) error
	seen    map[string]int // track → line of first occurrence
	errs    []RowError     // scratch for the current row
}

func newSink(sum *Summary, maxErrs int, fn func(Row) error) *sink {
	return &sink{sum: sum, maxErrs: maxErrs, fn: fn, seen: make(map[string]int, 1024)}
}

// add validates one record and passes it on. It returns a file-level
// error or the callback's error; row problems only go to the Summary.
func (s *sink) add(r *rawRow) error {
	s.errs = s.errs[:0]
	row, err := s.build(r)
	if err != nil {
		return err
	}
	if len(s.errs) > 0 {
		s.record()
		return nil
	}
	s.sum.Rows++
	if err := s.fn(row); err != nil {
		return fmt.Errorf("manifest: line %d: %w", r.line, err)
	}
	return nil
}

// record counts a bad row and keeps its errors while there is room.
func (s *sink) record() {
	s.sum.Bad++
	for _, e := range s.errs {
		if len(s.sum.Errors) < s.maxErrs {
			s.sum.Errors = append(s.sum.Errors, e)
		}
	}
}

// build checks every value, recording problems in s.errs.
func (s *sink) build(r *rawRow) (Row, error) {
	row := Row{Line: r.line}
	var v [numFields]string
	trackOK := true
	for f := range numFields {
		val, fl := clean(r.val[f])
		if fl&flagNUL != 0 && !r.binaryOK {
			return row, errs.New(ErrBinary, "Line", r.line)
		}
		v[f] = unexcel(val)
		switch {
		case fl&flagBadText != 0:
			s.fail(r.line, f, ErrRowBadEncoding, v[f])
		case r.wrong[f]:
			s.fail(r.line, f, ErrRowBadValue, v[f])
		default:
			continue
		}
		// One problem per cell: a value already reported is not parsed.
		if f == fTrack {
			trackOK = false
		} else {
			v[f] = ""
		}
	}
	if r.quotes {
		s.failRow(r.line, ErrRowBadQuotes, v[fTrack])
	}
	if r.extra != "" {
		s.failRow(r.line, ErrRowExtraFields, r.extra)
	}

	row.Track = normTrack(unapostrophe(v[fTrack]))
	if trackOK {
		row.Track = s.track(r.line, row.Track)
	}
	row.OrderNo = s.text(r.line, fOrder, unapostrophe(v[fOrder]))
	row.PickupCode = s.text(r.line, fPickup, unapostrophe(v[fPickup]))
	row.RecipientName = s.text(r.line, fName, v[fName])
	row.RecipientPhone = s.text(r.line, fPhone, v[fPhone])
	if isExcelScientific(row.RecipientPhone) {
		s.fail(r.line, fPhone, ErrRowBadPhone, row.RecipientPhone)
	}
	row.Note = s.text(r.line, fNote, v[fNote])

	var ok bool
	if row.Size, ok = parseSize(v[fSize]); !ok {
		s.fail(r.line, fSize, ErrRowBadSize, v[fSize])
	}
	if row.WeightGrams, ok = parseWeight(v[fWeight], r.weight); !ok {
		s.fail(r.line, fWeight, ErrRowBadWeight, v[fWeight])
	}
	row.CODAmount, row.Currency = s.money(r, v[fCOD], v[fCurrency])
	return row, nil
}

// track validates the track and remembers it for duplicate detection.
func (s *sink) track(line int, t string) string {
	switch {
	case t == "":
		s.fail(line, fTrack, ErrRowNoTrack, "")
		return ""
	case longerThan(t, maxTrackLen):
		s.fail(line, fTrack, ErrRowTooLong, t)
		return t
	case isExcelScientific(t) || !hasLetterOrDigit(t):
		s.fail(line, fTrack, ErrRowBadTrack, t)
		return t
	}
	// Remember tracks of bad rows too: fixing row 5 must not reveal a
	// duplicate on row 9 only on the second import attempt.
	if first, dup := s.seen[t]; dup {
		s.errs = append(s.errs, RowError{Line: line, Field: fieldNames[fTrack], Code: ErrRowDuplicateTrack,
			Value: t, Ref: first})
		return t
	}
	s.seen[strings.Clone(t)] = line // do not pin the whole record in memory
	return t
}

// hasLetterOrDigit rejects tracks like "-" or "—": Excel shows an empty
// cell that way in some formats, and it is no barcode.
func hasLetterOrDigit(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

// text checks the length of a free-text value.
func (s *sink) text(line int, f field, v string) string {
	if longerThan(v, maxValueLen) {
		s.fail(line, f, ErrRowTooLong, v)
	}
	return v
}

// money reads the amount and settles its currency: the currency column,
// the currency written next to the amount and the amount column's header
// must not contradict each other.
func (s *sink) money(r *rawRow, cod, cur string) (int64, string) {
	var amount int64
	var written string
	ok := true
	switch r.cod {
	case codJSONNumber:
		amount, ok = parseJSONAmount(cod)
	case codMinor:
		amount, ok = parseMinorAmount(cod)
	default:
		amount, written, ok = parseAmount(cod)
	}
	if !ok {
		s.fail(r.line, fCOD, ErrRowBadAmount, cod)
	}
	if cur == "" {
		if written == "" && cod != "" {
			written = r.currency
		}
		return amount, written
	}
	code, ok := parseCurrency(cur)
	switch {
	case !ok:
		s.fail(r.line, fCurrency, ErrRowBadCurrency, cur)
	case written != "" && written != code:
		s.fail(r.line, fCurrency, ErrRowBadCurrency, cod+" / "+cur)
	}
	return amount, code
}

func (s *sink) fail(line int, f field, code errs.Code, value string) {
	s.errs = append(s.errs, RowError{Line: line, Field: fieldNames[f], Code: code, Value: truncate(value, maxErrValue)})
}

func (s *sink) failRow(line int, code errs.Code, value string) {
	s.errs = append(s.errs, RowError{Line: line, Field: fieldRow, Code: code, Value: truncate(value, maxErrValue)})
}
