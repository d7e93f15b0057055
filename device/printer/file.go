package printer

import (
	"context"
	"os"

	"smartpoint/device/escpos"
)

// File writes jobs to a file: print preview, tests, and a printer shared
// as a file by some other means. It has no status.
type File struct {
	Path   string
	Append bool // add each job to the end; otherwise each job replaces the file
}

func (f *File) String() string { return "file " + f.Path }

func (f *File) Write(ctx context.Context, job []byte) error {
	if err := ctx.Err(); err != nil {
		return classify(ctx, "write", f.String(), err)
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if f.Append {
		flags = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	}
	out, err := os.OpenFile(f.Path, flags, 0o644)
	if err != nil {
		return classify(ctx, "open", f.String(), err)
	}
	if _, err := out.Write(job); err != nil {
		out.Close()
		return classify(ctx, "write", f.String(), err)
	}
	return classify(ctx, "write", f.String(), out.Close())
}

func (f *File) Status(context.Context) (escpos.Status, error) {
	return escpos.Status{}, fail("status", f.String(), ErrNoStatus, nil)
}

func (f *File) Close() error { return nil }
