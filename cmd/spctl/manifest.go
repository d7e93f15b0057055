package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/app/manifest"
)

// rowProblem is one manifest row error in --json output.
type rowProblem struct {
	Line    int    `json:"line"`
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Value   string `json:"value,omitempty"`
}

// cmdImport loads a partner's manifest of expected parcels. A file with
// row errors changes nothing unless --skip-bad-rows; Ctrl-C mid-way
// changes nothing either.
func (c *cli) cmdImport(args []string) error {
	fs := c.flags("import-manifest")
	var partner, format string
	var skip bool
	fs.StringVar(&partner, "partner", "", "")
	fs.BoolVar(&skip, "skip-bad-rows", false, "")
	fs.StringVar(&format, "format", "", "")
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	file, err := oneArg(pos, "FILE")
	if err != nil {
		return err
	}
	if partner == "" {
		return usage("cli.err.missing_flags", "Flags", "--partner")
	}
	if format != "" {
		if err := choice("format", format, string(manifest.FormatCSV), string(manifest.FormatJSON)); err != nil {
			return err
		}
	}
	svc, sess, err := c.login()
	if err != nil {
		return err
	}
	r, closeFile, err := c.openInput(file)
	if err != nil {
		return err
	}
	defer closeFile()
	opt := counter.ImportOptions{Partner: partner, Filename: filepath.Base(file), Format: manifest.Format(format), SkipBadRows: skip}
	if c.progress {
		opt.Progress = func(rows int) {
			fmt.Fprintf(c.stderr, "\r%s", c.p.T("cli.import.progress", "Rows", rows))
		}
	}
	res, err := svc.ImportManifest(c.ctx, sess, r, opt)
	if c.progress && res.Rows+res.Bad >= 1000 {
		fmt.Fprintln(c.stderr)
	}
	problems := c.rowProblems(res)
	if err != nil {
		if errs.Has(err, counter.ErrManifestRows) && !c.json {
			c.printRowErrors(c.stderr, res, problems)
		}
		if len(problems) > 0 {
			return withDetails{err, map[string]any{"rows": problems, "bad": res.Bad}}
		}
		return err
	}
	out := struct {
		counter.ImportResult
		Errors []rowProblem `json:"errors"`
	}{res, problems}
	c.result(out, func(w io.Writer) {
		c.line(w, "cli.import.manifest", "Number", res.Number, "Partner", res.Partner, "Format", res.Format, "Encoding", res.Encoding)
		if res.AlreadyImported {
			c.line(w, "cli.import.already_imported")
			return
		}
		c.line(w, "cli.import.rows", "Count", res.Rows)
		c.line(w, "cli.import.saved", "Count", res.Saved)
		if res.AlreadyAccepted > 0 {
			c.line(w, "cli.import.already_accepted", "Count", res.AlreadyAccepted)
		}
		if res.Bad > 0 {
			c.line(w, "cli.import.skipped", "Count", res.Bad)
			c.printRowErrors(w, res, problems)
		}
	})
	return nil
}

// openInput opens FILE, or stdin for "-".
func (c *cli) openInput(file string) (io.Reader, func(), error) {
	if file == "-" {
		return c.in, func() {}, nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, nil, refused("file.unreadable", "cli.err.read_file", err, "Path", file)
	}
	return f, func() { f.Close() }, nil
}

func (c *cli) rowProblems(res counter.ImportResult) []rowProblem {
	out := make([]rowProblem, 0, len(res.Errors))
	for _, e := range res.Errors {
		out = append(out, rowProblem{Line: e.Line, Field: e.Field, Code: string(e.Code), Message: c.p.Err(e.Err()), Value: e.Value})
	}
	return out
}

// printRowErrors lists "line N: message" for each bad row reported.
func (c *cli) printRowErrors(w io.Writer, res counter.ImportResult, problems []rowProblem) {
	for _, p := range problems {
		c.line(w, "cli.import.row_error", "Line", p.Line, "Message", p.Message)
	}
	if more := res.Bad - len(problems); more > 0 {
		c.line(w, "cli.import.more_errors", "Count", more)
	}
}
