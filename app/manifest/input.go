package manifest

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"

	"smartpoint/app/errs"
)

const (
	// sniffSize is how much of the file decides its encoding and format.
	sniffSize = 64 << 10
	// maxRecordBytes bounds one CSV record or JSON element. Real rows are a
	// few hundred bytes; this only trips on unclosed quotes and garbage,
	// and it keeps memory bounded whatever the file holds.
	maxRecordBytes = 1 << 20
)

var (
	errTooBig        = errors.New("manifest: input exceeds MaxBytes")
	errRecordTooLong = errors.New("manifest: record too long")
)

// input is the reading stack: size limit → hash → encoding sniffing →
// decoding → record guard → buffered text for the parsers.
type input struct {
	limit    *sizeLimit
	sha      hash.Hash
	raw      *bufio.Reader // raw bytes, hashed as they are read
	guard    *recordGuard
	encoding string
	format   Format
	sample   []byte // start of the decoded text, valid until the first read
}

func newInput(r io.Reader, maxBytes int64) *input {
	in := &input{limit: &sizeLimit{r: r, left: maxBytes, max: maxBytes}, sha: sha256.New()}
	in.raw = bufio.NewReaderSize(io.TeeReader(in.limit, in.sha), sniffSize)
	return in
}

// open detects the encoding and the format and returns the decoded text.
func (in *input) open() (*bufio.Reader, error) {
	head, err := in.raw.Peek(sniffSize)
	if err != nil && err != io.EOF {
		return nil, in.fileErr(err, 1)
	}
	atEOF := err == io.EOF
	enc, bom := detectEncoding(head, atEOF)
	in.encoding = enc
	_, _ = in.raw.Discard(bom) // Peek guaranteed the bytes are buffered
	in.guard = &recordGuard{r: decoder(in.raw, enc)}
	text := bufio.NewReaderSize(in.guard, sniffSize)

	sample, err := text.Peek(sniffSize)
	if err != nil && err != io.EOF {
		return nil, in.fileErr(err, 1)
	}
	// A second BOM inside the text (UTF-8 BOM re-encoded to UTF-16) would
	// break JSON and the first CSV column name.
	if len(sample) >= 3 && string(sample[:3]) == "\uFEFF" {
		_, _ = text.Discard(3)
		sample = sample[3:]
	}
	start := firstNonSpace(sample)
	if start < 0 {
		return nil, errs.New(ErrEmpty)
	}
	if looksBinary(sample) {
		return nil, errs.New(ErrBinary, "Line", 1)
	}
	in.format = FormatCSV
	if c := sample[start]; c == '[' || c == '{' {
		in.format = FormatJSON
	}
	in.sample = sample
	return text, nil
}

// drain reads whatever the parser left, so the hash covers the whole file.
func (in *input) drain() error {
	if _, err := io.Copy(io.Discard, in.raw); err != nil {
		return in.fileErr(err, 0)
	}
	return nil
}

func (in *input) hash() string { return hex.EncodeToString(in.sha.Sum(nil)) }

// lineError is a read error seen by a parser on a given line (or JSON
// element); Parse turns it into a file-level domain error.
type lineError struct {
	line int
	err  error
}

func (e *lineError) Error() string { return e.err.Error() }
func (e *lineError) Unwrap() error { return e.err }

// fileErr turns a read error into the file-level domain error.
func (in *input) fileErr(err error, line int) error {
	var de *errs.Error
	var le *lineError
	switch {
	case errors.As(err, &le):
		return in.fileErr(le.err, le.line)
	case errors.As(err, &de):
		return de
	case errors.Is(err, errTooBig):
		return errs.New(ErrTooBig, "Limit", in.limit.max)
	case errors.Is(err, errRecordTooLong):
		return errs.New(ErrRecordTooLong, "Line", line, "Limit", maxRecordBytes)
	default:
		return errs.Wrap(err, ErrRead, "Detail", err.Error())
	}
}

// firstNonSpace is the index of the first byte that is not ASCII
// whitespace, or -1.
func firstNonSpace(b []byte) int {
	for i, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n', '\f', '\v':
		default:
			return i
		}
	}
	return -1
}

// looksBinary reports whether decoded text is really an image, an archive
// or similar: text files never hold NUL and hardly any other C0 controls.
func looksBinary(b []byte) bool {
	ctrl := 0
	for _, c := range b {
		switch {
		case c == 0:
			return true
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1a:
			// 0x1a is the DOS end-of-file mark old exporters append.
			ctrl++
		}
	}
	return ctrl >= 4 && ctrl*50 > len(b)
}

// sizeLimit fails once more than max bytes arrived, so an oversized file is
// refused after reading at most max+1 bytes of it.
type sizeLimit struct {
	r         io.Reader
	left, max int64
}

func (l *sizeLimit) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, errTooBig
	}
	if int64(len(p))-1 > l.left { // not len(p) > left+1: left may be MaxInt64
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return 0, errTooBig
	}
	return n, err
}

// recordGuard fails a read once the parser has pulled more than
// maxRecordBytes since the last record boundary (mark).
type recordGuard struct {
	r       io.Reader
	n, last int64
}

func (g *recordGuard) Read(p []byte) (int, error) {
	if g.n-g.last > maxRecordBytes {
		return 0, errRecordTooLong
	}
	n, err := g.r.Read(p)
	g.n += int64(n)
	return n, err
}

func (g *recordGuard) mark() { g.last = g.n }
