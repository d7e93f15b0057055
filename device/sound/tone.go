package sound

import "strconv"

// Tone is a kind of feedback sound. A higher Tone is more severe.
type Tone int

const (
	// Success is one short high beep (1 kHz, 120 ms).
	Success Tone = iota
	// Warning is two medium beeps (600 Hz, 100 ms each, 80 ms apart).
	Warning
	// Error is a long low buzz (300 Hz, 400 ms).
	Error
	numTones
)

// String names the tone for logs.
func (t Tone) String() string {
	switch t {
	case Success:
		return "success"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "Tone(" + strconv.Itoa(int(t)) + ")"
}

func (t Tone) valid() bool { return t >= 0 && t < numTones }
