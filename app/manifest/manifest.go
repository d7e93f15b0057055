// Package manifest reads the list of parcels a partner or a courier says it
// is delivering to the point. It streams CSV (Excel exports in any of the
// encodings seen in RU/KG/KZ/RS) or JSON, validates each row and hands valid
// rows to a callback. It never touches the database: the importer wraps a
// Parse call in one transaction and rolls back on a file-level error.
package manifest

import (
	"errors"
	"io"
	"strconv"

	"smartpoint/app/errs"
)

// Format is the manifest file format.
type Format string

const (
	FormatAuto Format = ""
	FormatCSV  Format = "csv"
	FormatJSON Format = "json"
)

// Row is one expected parcel. Amounts are in minor units (kopecks/tyiyn/para).
type Row struct {
	Line           int    // 1-based line where the CSV record starts (header = 1), or 1-based JSON element index
	Track          string // required: trimmed, inner spaces removed, letters upper-cased
	OrderNo        string
	PickupCode     string
	RecipientName  string
	RecipientPhone string // as written; the caller normalises
	Size           string // "S", "M", "L", "XL" or ""
	CODAmount      int64  // cash on delivery to collect, minor units
	Currency       string // 3-letter code if given, else ""
	WeightGrams    int    // 0 when not given
	Note           string
}

// Header is manifest-level data. Only JSON carries it; for CSV it is zero.
// It is complete only when Parse returns (JSON keys may follow the parcels).
type Header struct {
	ManifestNo, Partner, Courier string
}

// RowError is one row-level problem, reported to the clerk next to the line number.
type RowError struct {
	Line  int
	Field string    // "track", "order", "pickup_code", "name", "phone", "size", "cod", "currency", "weight", "note" or "row"
	Code  errs.Code // one of the ErrRow… codes
	Value string    // offending value, truncated to 64 runes
	Ref   int       // duplicate_track: the line of the first occurrence; otherwise 0
}

// Err renders the row error as a domain error for the UI's translator.
// Args: Line, Field, Value; plus Ref for duplicates and Limit for too_long.
func (e RowError) Err() *errs.Error {
	out := errs.New(e.Code, "Line", e.Line, "Field", e.Field, "Value", e.Value)
	switch e.Code {
	case ErrRowDuplicateTrack:
		out.Args["Ref"] = e.Ref
	case ErrRowTooLong:
		out.Args["Limit"] = limitOf(e.Field)
	}
	return out
}

func (e RowError) Error() string {
	return "line " + strconv.Itoa(e.Line) + ": " + e.Err().Error()
}

// Options tune Parse. The zero value is ready to use.
type Options struct {
	Format       Format
	MaxRowErrors int   // stop collecting (but keep counting) after this many; 0 → 1000
	MaxBytes     int64 // refuse larger files with ErrTooBig; 0 → 512 MiB
}

const (
	defaultMaxRowErrors = 1000
	defaultMaxBytes     = 512 << 20
)

func (o Options) withDefaults() Options {
	if o.MaxRowErrors <= 0 {
		o.MaxRowErrors = defaultMaxRowErrors
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = defaultMaxBytes
	}
	return o
}

// Summary describes a parsed manifest.
type Summary struct {
	Format   Format
	Encoding string // "utf-8", "utf-8-bom", "windows-1251", "utf-16le", "utf-16be"
	Header   Header
	Rows     int        // rows handed to the callback (valid rows)
	Bad      int        // rows with errors (not handed to the callback)
	Errors   []RowError // the first MaxRowErrors of them, in file order
	SHA256   string     // hex SHA-256 of the raw input bytes read
}

// Parse reads the whole input, calling fn for every valid row in order. A
// row with an error is recorded in Summary.Errors and NOT passed to fn; the
// second occurrence of a track is such an error (duplicate_track).
//
// File-level problems (empty file, binary garbage, no track column,
// malformed or truncated JSON, file too big) return a non-nil *errs.Error
// and the caller must discard everything it got. If fn returns an error,
// Parse stops and returns it wrapped. A header without rows (or an empty
// parcels array) is a valid, empty manifest.
func Parse(r io.Reader, opt Options, fn func(Row) error) (Summary, error) {
	opt = opt.withDefaults()
	var sum Summary
	in := newInput(r, opt.MaxBytes)
	err := parse(in, opt, &sum, fn)
	sum.SHA256 = in.hash()
	return sum, err
}

func parse(in *input, opt Options, sum *Summary, fn func(Row) error) error {
	switch opt.Format {
	case FormatAuto, FormatCSV, FormatJSON:
	default:
		return errs.New(ErrUnknownFormat, "Format", string(opt.Format))
	}
	text, err := in.open()
	sum.Encoding = in.encoding
	if err != nil {
		return err
	}
	sum.Format = opt.Format
	if sum.Format == FormatAuto {
		sum.Format = in.format
	}
	s := newSink(sum, opt.MaxRowErrors, fn)
	if sum.Format == FormatJSON {
		err = parseJSON(text, in.guard, s)
	} else {
		err = parseCSV(text, in.sample, in.guard, s)
	}
	var le *lineError
	if errors.As(err, &le) {
		return in.fileErr(le, 0)
	}
	if err != nil {
		return err
	}
	// The parsers stop at the end of the text, which is the end of the
	// file; draining is a cheap guarantee that the hash covers every byte.
	return in.drain()
}
