package manifest

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"

	"smartpoint/app/errs"
)

// delimiters we try, in order of preference on a tie: Russian Excel uses
// ';', the rest of the world ',', "Unicode text" exports use tab.
var delimiters = []rune{';', ',', '\t', '|'}

// parseCSV reads the header, then every record, feeding the sink.
func parseCSV(text *bufio.Reader, sample []byte, g *recordGuard, s *sink) error {
	delim, sepLine := detectDelimiter(sample)
	cr := csv.NewReader(text)
	cr.Comma = delim
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true

	var cols *columnMap
	var raw rawRow
	line := 0
	for first := true; ; first = false {
		g.mark()
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// The failed record has no positions; it most likely starts
			// right after the previous one.
			return csvErr(err, line+1)
		}
		line, _ = cr.FieldPos(0)
		switch {
		case first && sepLine:
			continue // Excel's "sep=;" line names the delimiter
		case blankRecord(rec):
			continue // empty lines and Excel's trailing ";;;;" rows
		case cols == nil:
			m := mapColumns(rec)
			if !m.has[fTrack] {
				return noTrackColumn(rec, delim)
			}
			cols = &m
			continue
		}
		fillRaw(&raw, rec, cols, delim)
		raw.line = line
		if err := s.add(&raw); err != nil {
			return err
		}
	}
	if cols == nil {
		return noTrackColumn(nil, delim)
	}
	return nil
}

// csvErr keeps the line of a csv.Reader error; with LazyQuotes only read
// errors remain.
func csvErr(err error, line int) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		line = pe.StartLine
		err = pe.Err
	}
	return &lineError{line: line, err: err}
}

// fillRaw turns a record into a rawRow using the header's column map.
func fillRaw(raw *rawRow, rec []string, cols *columnMap, delim rune) {
	*raw = rawRow{weight: cols.weight, currency: cols.currency}
	var extra []string
	for i, v := range rec {
		if strings.IndexByte(v, '\n') >= 0 && swallowedLines(v, delim) {
			raw.quotes = true
		}
		if i >= len(cols.byIndex) {
			if v = clean1(v); v != "" {
				extra = append(extra, v)
			}
			continue
		}
		if f := cols.byIndex[i]; f >= 0 {
			raw.val[f] = v
		}
	}
	if extra != nil {
		raw.extra = strings.Join(extra, string(delim))
	}
}

// swallowedLines reports a cell that spans lines which themselves hold the
// delimiter: an unclosed quote ate the following rows. A legitimate
// multi-line note or address almost never contains the delimiter.
func swallowedLines(v string, delim rune) bool {
	_, rest, _ := strings.Cut(v, "\n")
	return strings.ContainsRune(rest, delim)
}

func blankRecord(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

func noTrackColumn(header []string, delim rune) error {
	names := make([]string, 0, len(header))
	for _, h := range header {
		if h = clean1(h); h != "" {
			names = append(names, truncate(h, maxErrValue))
		}
	}
	return errs.New(ErrNoTrackColumn, "Columns", strings.Join(names, ", "), "Delimiter", delimiterName(delim))
}

// delimiterName spells the delimiter so a clerk can see it.
func delimiterName(d rune) string {
	if d == '\t' {
		return "TAB"
	}
	return string(d)
}

// detectDelimiter picks the delimiter that splits the header line into the
// most columns, preferring one that splits the next lines into as many:
// "Трек;Сумма, руб.;Вес, кг, брутто" has more commas than semicolons, but
// only the semicolon splits the data rows the same way. Excel's "sep=;"
// first line decides outright.
func detectDelimiter(sample []byte) (delim rune, sepLine bool) {
	if d, ok := excelSepLine(headerLine(sample)); ok {
		return d, true
	}
	delim, best := delimiters[0], 0
	for _, d := range delimiters {
		cols, consistent := shape(sample, d)
		score := cols
		if consistent && cols > 1 {
			score += 1 << 20
		}
		if score > best {
			delim, best = d, score
		}
	}
	return delim, false
}

// shapeLines is how many data lines the delimiter detection looks at.
const shapeLines = 10

// shape splits the start of the file with d: the header's column count,
// and whether the following lines have the same count.
func shape(sample []byte, d rune) (cols int, consistent bool) {
	if len(sample) == sniffSize {
		// Leave out the last line: the sample cuts it off.
		if i := bytes.LastIndexByte(sample, '\n'); i > 0 {
			sample = sample[:i+1]
		}
	}
	r := csv.NewReader(bytes.NewReader(sample))
	r.Comma = d
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	consistent = true
	for n := 0; n <= shapeLines; {
		rec, err := r.Read()
		if err != nil {
			break
		}
		if blankRecord(rec) {
			continue
		}
		if n == 0 {
			cols = len(rec)
		} else if len(rec) != cols {
			consistent = false
		}
		n++
	}
	return cols, consistent
}

// excelSepLine recognises Excel's "sep=;" line.
func excelSepLine(line string) (rune, bool) {
	line = strings.TrimSuffix(line, "\r") // not TrimSpace: "sep=\t" is valid
	if len(line) != 5 || !strings.EqualFold(line[:4], "sep=") {
		return 0, false
	}
	for _, d := range delimiters {
		if rune(line[4]) == d {
			return d, true
		}
	}
	return 0, false
}

// headerLine is the first non-blank line of the sample.
func headerLine(sample []byte) string {
	for len(sample) > 0 {
		line := sample
		if i := bytes.IndexByte(sample, '\n'); i >= 0 {
			line, sample = sample[:i], sample[i+1:]
		} else {
			sample = nil
		}
		if len(bytes.TrimSpace(line)) > 0 {
			return string(line)
		}
	}
	return ""
}
