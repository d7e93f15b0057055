package label

import (
	"bytes"
	"fmt"
	"time"
)

// Builder turns a document into one print job in a printer language.
type Builder interface {
	Lang() Lang
	// Cell is the label stuck on a shelf cell.
	Cell(c Cell) ([]byte, error)
	// ReturnBox is the label on a box of parcels going back to a partner.
	ReturnBox(b ReturnBox) ([]byte, error)
}

// Cell is a shelf cell label: the name huge, so the clerk reads it from
// across the room, and its code as a barcode for the scanner.
type Cell struct {
	Name   string // "A-1-07", printed big
	Code   string // barcode data; "CELL-"+Name (what the counter reads as that cell) when empty
	Copies int    // labels to print; 0 means 1
}

// ReturnBox is a return-box label.
type ReturnBox struct {
	Number         string    // "RBOX-000002": printed big and as the barcode
	Partner        string    // "Озон": transliterated on TSPL
	Parcels        int       // parcels in the box
	ParcelsCaption string    // the word before the count, localised by the app; "Parcels" when empty
	Date           time.Time // printed as 02.01.2006; omitted when zero
	Copies         int       // labels to print; 0 means 1
}

// maxCopies bounds a typo such as 1000 labels for one box.
const maxCopies = 999

// New returns the builder for lang.
func New(lang Lang, spec Spec) (Builder, error) {
	switch lang {
	case LangTSPL:
		return TSPL(spec), nil
	case LangZPL:
		return ZPL(spec), nil
	}
	return nil, fmt.Errorf("%w: unknown language %q", ErrSpec, lang)
}

// renderer is one printer language: it draws the language-neutral layout.
type renderer interface {
	begin(w *bytes.Buffer, s Spec, widthDots, heightDots int)
	text(w *bytes.Buffer, t textEl) error
	barcode(w *bytes.Buffer, b barEl) error
	end(w *bytes.Buffer, copies int)
}

func buildCell(r renderer, s Spec, c Cell) ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	els, err := cellLayout(s, c)
	if err != nil {
		return nil, err
	}
	return render(r, s, els, c.Copies)
}

func buildReturnBox(r renderer, s Spec, b ReturnBox) ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	els, err := returnBoxLayout(s, b)
	if err != nil {
		return nil, err
	}
	return render(r, s, els, b.Copies)
}

// render lets r draw the laid-out elements in order, between the job's
// header and its print command.
func render(r renderer, s Spec, els []element, copies int) ([]byte, error) {
	n, err := copiesOf(copies)
	if err != nil {
		return nil, err
	}
	var w bytes.Buffer
	r.begin(&w, s, s.Dots(s.WidthMM), s.Dots(s.HeightMM))
	for _, e := range els {
		switch e := e.(type) {
		case textEl:
			err = r.text(&w, e)
		case barEl:
			err = r.barcode(&w, e)
		}
		if err != nil {
			return nil, err
		}
	}
	r.end(&w, n)
	return w.Bytes(), nil
}

func copiesOf(n int) (int, error) {
	switch {
	case n == 0:
		return 1, nil
	case n < 0 || n > maxCopies:
		return 0, fmt.Errorf("%w: %d copies, want 1..%d", ErrDocument, n, maxCopies)
	}
	return n, nil
}
