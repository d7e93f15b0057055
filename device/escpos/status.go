package escpos

// Status is what a printer answered to the real-time status queries
// (DLE EOT n). The zero value is a printer that is online and ready.
type Status struct {
	Offline   bool `json:"offline"`
	CoverOpen bool `json:"cover_open"`
	PaperOut  bool `json:"paper_out"`
	PaperLow  bool `json:"paper_low"` // near end: still prints
	Error     bool `json:"error"`     // cutter jam, overheating or another error
}

// Ready reports whether a job sent now would print.
func (s Status) Ready() bool { return !s.Offline && !s.CoverOpen && !s.PaperOut && !s.Error }

// Status query numbers for StatusQuery.
const (
	StatusPrinter = 1 // printer: offline
	StatusOffline = 2 // offline cause: cover open, paper out stop, error
	StatusError   = 3 // error cause: cutter, unrecoverable, auto-recoverable
	StatusPaper   = 4 // roll paper sensor: near end, end
)

// StatusQuery is DLE EOT n.
func StatusQuery(n byte) []byte { return []byte{0x10, 0x04, n} }

// ParseStatus folds the answer b to query n into s. Answers have bit 4
// set and bits 0, 1 and 7 clear; anything else is line noise and is
// rejected (ok false) rather than read as a state.
func ParseStatus(s Status, n, b byte) (Status, bool) {
	if b&0x93 != 0x12 {
		return s, false
	}
	switch n {
	case StatusPrinter:
		s.Offline = b&0x08 != 0
	case StatusOffline:
		s.CoverOpen = b&0x04 != 0
		s.PaperOut = s.PaperOut || b&0x20 != 0
		s.Error = s.Error || b&0x40 != 0
	case StatusError:
		s.Error = s.Error || b&0x68 != 0
	case StatusPaper:
		s.PaperLow = b&0x0C != 0
		s.PaperOut = s.PaperOut || b&0x60 != 0
	default:
		return s, false
	}
	return s, true
}
