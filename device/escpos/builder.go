package escpos

// Command bytes.
const (
	lf  = 0x0a
	esc = 0x1b
	fs  = 0x1c
	gs  = 0x1d
	dle = 0x10
)

// Builder appends ESC/POS commands for one printer to a buffer. Its
// methods never fail: text is pre-mapped to the code page, a barcode the
// printer cannot print comes out as its text, and the profile decides
// what a cut or a drawer kick means. Methods return the builder so calls
// chain.
type Builder struct {
	p           Profile
	cpNum       byte
	cancelKanji bool
	buf         []byte
	st          Style
	midLine     bool // text is waiting in the printer's line buffer
}

// Option adjusts a Builder for one printer.
type Option func(*Builder)

// WithCodePageNumber overrides the ESC t number for the profile's code
// page, for a printer whose self-test numbers its tables differently.
func WithCodePageNumber(n byte) Option { return func(b *Builder) { b.cpNum = n } }

// WithCancelKanji sends FS . after ESC @, which takes a clone out of its
// Chinese double-byte mode; otherwise bytes above 0x7F print as Chinese.
// It is on by default for clones and off for Epson.
func WithCancelKanji(on bool) Option { return func(b *Builder) { b.cancelKanji = on } }

// New starts an empty job for printer p. Call Init first.
func New(p Profile, opts ...Option) *Builder {
	b := &Builder{p: p, cancelKanji: p.Family == FamilyClone}
	b.cpNum, _ = CodePageNumber(p.Family, p.Page())
	for _, o := range opts {
		o(b)
	}
	return b
}

// Bytes is the job so far.
func (b *Builder) Bytes() []byte { return b.buf }

// Profile is the printer the job is for.
func (b *Builder) Profile() Profile { return b.p }

// Layout is the text geometry of the printer.
func (b *Builder) Layout() Layout { return b.p.Layout() }

// Init resets the printer (ESC @), cancels Kanji mode on clones (FS .) and
// selects the code page (ESC t n).
func (b *Builder) Init() *Builder {
	b.cmd(esc, '@')
	b.st, b.midLine = Style{}, false
	if b.cancelKanji {
		b.cmd(fs, '.')
	}
	return b.cmd(esc, 't', b.cpNum)
}

// Text prints s in the code page, pre-mapped (see Premap). A newline in s
// ends the line. Text is not wrapped; see Wrapped and Line.
func (b *Builder) Text(s string) *Builder {
	cp := b.p.Page()
	for _, r := range Premap(cp, s) {
		if r == '\n' {
			b.LF()
			continue
		}
		b.buf = append(b.buf, cp.encode(r))
		b.midLine = true
	}
	return b
}

// Line prints s and ends the line.
func (b *Builder) Line(s string) *Builder { return b.Text(s).LF() }

// LF ends the line (prints the line buffer and feeds one line).
func (b *Builder) LF() *Builder {
	b.midLine = false
	return b.cmd(lf)
}

// Feed prints the line buffer and feeds n lines (ESC d n), n up to 255.
func (b *Builder) Feed(n int) *Builder {
	b.midLine = false
	return b.cmd(esc, 'd', byte(min(max(n, 0), 255)))
}

// Wrapped prints s wrapped to the line width at the current character
// width.
func (b *Builder) Wrapped(s string) *Builder {
	for _, line := range b.Layout().Wrap(s, b.st.Normal().Width) {
		b.Line(line)
	}
	return b
}

// Pair prints a label and a right-aligned value on one line (see
// Layout.Pair) at the current character width.
func (b *Builder) Pair(left, right string) *Builder {
	for _, line := range b.Layout().Pair(left, right, ' ', b.st.Normal().Width) {
		b.Line(line)
	}
	return b
}

// lineStart ends a pending line: barcodes and images print only at the
// beginning of a line.
func (b *Builder) lineStart() {
	if b.midLine {
		b.LF()
	}
}

// withAlign runs f with the justification a, then restores it.
func (b *Builder) withAlign(a Align, f func()) {
	prev := b.st.Align
	if prev != a {
		b.Align(a)
	}
	f()
	if prev != a {
		b.Align(prev)
	}
}

func (b *Builder) cmd(bs ...byte) *Builder {
	b.buf = append(b.buf, bs...)
	return b
}
