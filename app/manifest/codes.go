package manifest

import "smartpoint/app/errs"

// File-level problems: Parse returns one of these as *errs.Error and the
// caller must discard everything it received from the callback.
var (
	// ErrEmpty: the file holds nothing but whitespace.
	ErrEmpty = errs.Register("manifest.empty")
	// ErrTooBig: the file is larger than Options.MaxBytes. Args: Limit.
	ErrTooBig = errs.Register("manifest.too_big")
	// ErrBinary: the file is not text (an image, an archive, a damaged
	// export). Args: Line (where the garbage was seen; 1 for the start).
	ErrBinary = errs.Register("manifest.binary")
	// ErrNoTrackColumn: the CSV header has no column we recognise as the
	// track/barcode. Args: Columns (the header as read), Delimiter.
	ErrNoTrackColumn = errs.Register("manifest.no_track_column")
	// ErrBadJSON: the JSON is malformed or cut short. Args: Line (element
	// being read), Offset (byte offset in the decoded text), Detail.
	ErrBadJSON = errs.Register("manifest.bad_json")
	// ErrNoParcels: a JSON object without a "parcels"/"items"/"rows" array.
	ErrNoParcels = errs.Register("manifest.no_parcels")
	// ErrRecordTooLong: one CSV record or JSON element is larger than any
	// real parcel line could be (usually an unclosed quote). Args: Line, Limit.
	ErrRecordTooLong = errs.Register("manifest.record_too_long")
	// ErrRead: the file could not be read. Args: Detail.
	ErrRead = errs.Register("manifest.read_failed")
	// ErrUnknownFormat: Options.Format is not one of the Format constants.
	// Args: Format.
	ErrUnknownFormat = errs.Register("manifest.unknown_format")
)

// Row-level problems, reported in Summary.Errors. The row is not passed on.
var (
	// ErrRowNoTrack: the row has no track/barcode.
	ErrRowNoTrack = errs.Register("manifest.row.no_track")
	// ErrRowBadTrack: the track is no usable barcode: Excel turned it into
	// scientific notation ("1,23457E+12", the real digits are lost), or it
	// has no letter or digit at all ("-").
	ErrRowBadTrack = errs.Register("manifest.row.bad_track")
	// ErrRowTooLong: a value is longer than its limit (64 runes for the
	// track, 256 for the rest).
	ErrRowTooLong = errs.Register("manifest.row.too_long")
	// ErrRowBadAmount: the cash-on-delivery amount is not a valid amount.
	ErrRowBadAmount = errs.Register("manifest.row.bad_amount")
	// ErrRowBadCurrency: unknown currency, or it contradicts the one
	// written next to the amount.
	ErrRowBadCurrency = errs.Register("manifest.row.bad_currency")
	// ErrRowBadSize: a size that is neither a known word nor dimensions.
	ErrRowBadSize = errs.Register("manifest.row.bad_size")
	// ErrRowBadWeight: a weight that cannot be read (or is over a tonne).
	ErrRowBadWeight = errs.Register("manifest.row.bad_weight")
	// ErrRowBadPhone: the phone was mangled by Excel into scientific notation.
	ErrRowBadPhone = errs.Register("manifest.row.bad_phone")
	// ErrRowBadEncoding: the value holds bytes that are not valid text in
	// the file's encoding (a damaged or mixed-encoding file).
	ErrRowBadEncoding = errs.Register("manifest.row.bad_encoding")
	// ErrRowBadQuotes: an unclosed quote swallowed following lines; the
	// rows it swallowed are part of this error.
	ErrRowBadQuotes = errs.Register("manifest.row.bad_quotes")
	// ErrRowExtraFields: the row has more filled cells than the header has
	// columns (often an unquoted "1234,50" in a comma-separated file).
	ErrRowExtraFields = errs.Register("manifest.row.extra_fields")
	// ErrRowBadValue: a JSON value of the wrong type (object, array, bool).
	ErrRowBadValue = errs.Register("manifest.row.bad_value")
	// ErrRowNotObject: a JSON array element that is not an object.
	ErrRowNotObject = errs.Register("manifest.row.not_object")
	// ErrRowDuplicateTrack: the track already appeared earlier in the file
	// (RowError.Ref is the line of the first occurrence).
	ErrRowDuplicateTrack = errs.Register("manifest.row.duplicate_track")
)
