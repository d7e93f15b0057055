package escpos

import "fmt"

// Align is the ESC a justification of a line.
type Align byte

const (
	AlignLeft   Align = 0
	AlignCenter Align = 1
	AlignRight  Align = 2
)

var alignNames = [...]string{"left", "center", "right"}

func (a Align) String() string {
	if int(a) < len(alignNames) {
		return alignNames[a]
	}
	return fmt.Sprintf("align(%d)", byte(a))
}

// MarshalText writes "left", "center" or "right", so stored jobs read well.
func (a Align) MarshalText() ([]byte, error) {
	if int(a) >= len(alignNames) {
		return nil, fmt.Errorf("escpos: invalid align %d", byte(a))
	}
	return []byte(alignNames[a]), nil
}

// UnmarshalText reads what MarshalText wrote, "centre" too.
func (a *Align) UnmarshalText(b []byte) error {
	switch string(b) {
	case "left", "":
		*a = AlignLeft
	case "center", "centre":
		*a = AlignCenter
	case "right":
		*a = AlignRight
	default:
		return fmt.Errorf("escpos: unknown align %q", b)
	}
	return nil
}

// Style is how a line of text prints. Width and Height are the character
// multipliers 1..8; 0 reads as 1, so the zero Style is the printer's
// default after ESC @.
type Style struct {
	Align     Align `json:"align,omitempty"`
	Bold      bool  `json:"bold,omitempty"`
	Underline bool  `json:"underline,omitempty"`
	Width     int   `json:"width,omitempty"`
	Height    int   `json:"height,omitempty"`
}

// Normal is s with the multipliers in 1..8.
func (s Style) Normal() Style {
	s.Width, s.Height = clampSize(s.Width), clampSize(s.Height)
	return s
}

func clampSize(n int) int { return min(max(n, 1), 8) }

// sizeByte is the GS ! argument: width-1 in the high nibble, height-1 low.
func sizeByte(w, h int) byte { return byte(clampSize(w)-1)<<4 | byte(clampSize(h)-1) }

// Align sets the justification (ESC a n). Barcodes and native QR codes
// follow it too.
func (b *Builder) Align(a Align) *Builder {
	if a > AlignRight {
		a = AlignLeft
	}
	b.st.Align = a
	return b.cmd(esc, 'a', byte(a))
}

// Bold turns emphasis on or off (ESC E n).
func (b *Builder) Bold(on bool) *Builder {
	b.st.Bold = on
	return b.cmd(esc, 'E', flag(on))
}

// Underline turns a 1-dot underline on or off (ESC - n).
func (b *Builder) Underline(on bool) *Builder {
	b.st.Underline = on
	return b.cmd(esc, '-', flag(on))
}

// Size sets the character width and height multipliers, 1..8 (GS ! n).
// Width 2 halves the characters per line.
func (b *Builder) Size(w, h int) *Builder {
	b.st.Width, b.st.Height = clampSize(w), clampSize(h)
	return b.cmd(gs, '!', sizeByte(w, h))
}

// Style switches to s, sending only the commands for what changes.
func (b *Builder) Style(s Style) *Builder {
	s = s.Normal()
	cur := b.st.Normal()
	if s.Align != cur.Align {
		b.Align(s.Align)
	}
	if s.Bold != cur.Bold {
		b.Bold(s.Bold)
	}
	if s.Underline != cur.Underline {
		b.Underline(s.Underline)
	}
	if s.Width != cur.Width || s.Height != cur.Height {
		b.Size(s.Width, s.Height)
	}
	return b
}

// CurrentStyle is the style the builder has set.
func (b *Builder) CurrentStyle() Style { return b.st.Normal() }

func flag(on bool) byte {
	if on {
		return 1
	}
	return 0
}
