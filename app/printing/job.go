package printing

import (
	"time"

	"smartpoint/app/errs"
)

// State is where a job is in the queue.
type State string

const (
	StateQueued    State = "queued"    // waiting for its printer
	StatePrinting  State = "printing"  // being sent now
	StateDone      State = "done"      // the printer took it
	StateCancelled State = "cancelled" // the clerk gave up on it
)

// Job is one document for one printer.
type Job struct {
	ID        int64     `json:"id"`
	Printer   string    `json:"printer"` // printer config id
	Kind      string    `json:"kind"`    // receipt, accept_act, return_slip, cell_label, box_label, shift_report, test
	Title     string    `json:"title"`   // what the clerk sees in the queue
	Data      []byte    `json:"-"`       // the bytes for the printer
	Doc       []byte    `json:"-"`       // the layout for the preview, opaque here
	State     State     `json:"state"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error,omitempty"`
	Clerk     string    `json:"clerk,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	PrintedAt time.Time `json:"printed_at,omitzero"`
	ReprintOf int64     `json:"reprint_of,omitempty"`
}

// Error codes (translation keys err.<code>).
var (
	ErrEmpty      = errs.Register("print.empty")       // -
	ErrNoPrinter  = errs.Register("print.no_printer")  // -
	ErrJobUnknown = errs.Register("print.job_unknown") // ID
	ErrJobDone    = errs.Register("print.job_done")    // ID
)
