package wedge

// Kind says what an Enter (or a Suffix) was.
type Kind int

const (
	// Empty is an Enter with nothing typed since the previous one.
	Empty Kind = iota
	// Manual is an Enter pressed by a person; Text is everything typed
	// since the previous Enter.
	Manual
	// Scan ends a scanner burst; Text is the scanned code.
	Scan
	// Trailer is an Enter the scanner sent right after a scan had already
	// ended (e.g. a scanner programmed with Tab+Enter, or CR+LF). It is not
	// a person's Enter: the UI ignores it.
	Trailer
)

// String names the kind for logs.
func (k Kind) String() string {
	switch k {
	case Empty:
		return "empty"
	case Manual:
		return "manual"
	case Scan:
		return "scan"
	case Trailer:
		return "trailer"
	}
	return "unknown"
}

// Result is what the Decoder made of an Enter or a Suffix.
type Result struct {
	Kind Kind
	// Text is the scanned code with Prefix and Suffix stripped (Scan), or
	// everything typed since the previous Enter (Manual). Runes are kept as
	// typed, control characters such as GS (0x1D) included.
	Text string
	// Typed is how many runes passed to Rune belong to Text: for a Scan,
	// the burst including its Prefix and Suffix runes, which are the last
	// Typed runes of the field; for Manual, every rune since the previous
	// Enter. A UI entry that received the runes removes its last Typed
	// runes to get back what the person had typed before the scanner fired
	// (if it calls Rune before inserting the rune, the rune that completed
	// a Suffix scan is not in the field yet: remove Typed-1).
	Typed int
}
