package printer

import (
	"context"
	"errors"
	"fmt"

	"smartpoint/device/escpos"
)

// Transport carries raw job bytes to one printer. A job is sent whole by
// one Write; the bytes are passed through untouched (ESC/POS, TSPL, ZPL).
// Implementations are safe for use by one print worker at a time; the app
// runs one worker per printer.
type Transport interface {
	// Write sends one whole job. It returns when the bytes are handed to
	// the device or the OS (not when paper comes out), or with an *Error
	// when ctx is cancelled or its deadline passes first.
	Write(ctx context.Context, job []byte) error
	// Status asks an ESC/POS printer for its state with DLE EOT 1, 2 and
	// 4. One-way links return an error wrapping ErrNoStatus.
	Status(ctx context.Context) (escpos.Status, error)
	// Close releases the device. A closed Transport may not be reused.
	Close() error
}

// CheckReady asks t for its status and returns nil when a job would
// print, ErrPaperOut, ErrCoverOpen, ErrOffline or ErrNotReady (wrapped,
// with the device) when it would not. A link without status (ErrNoStatus)
// counts as ready: there is nothing better to do than to try.
func CheckReady(ctx context.Context, t Transport) error {
	st, err := t.Status(ctx)
	if errors.Is(err, ErrNoStatus) {
		return nil
	}
	if err != nil {
		return err
	}
	if kind := statusKind(st); kind != nil {
		return fail("status", fmt.Sprint(t), kind, nil)
	}
	return nil
}

// statusKind is the error a status means, nil when the printer is ready.
// Paper and cover come first: they are what the clerk can fix.
func statusKind(st escpos.Status) error {
	switch {
	case st.PaperOut:
		return ErrPaperOut
	case st.CoverOpen:
		return ErrCoverOpen
	case st.Offline:
		return ErrOffline
	case st.Error:
		return ErrNotReady
	}
	return nil
}

// Print checks the printer's status where the link has one, then sends
// the job. This is what a print worker calls for each queued job.
func Print(ctx context.Context, t Transport, job []byte) error {
	if err := CheckReady(ctx, t); err != nil {
		return err
	}
	return t.Write(ctx, job)
}
