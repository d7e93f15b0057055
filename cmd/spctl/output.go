package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/app/i18n"
	"smartpoint/app/store"
)

// Exit codes scripts can rely on (documented in `spctl help`).
const (
	exitOK       = 0 // done
	exitRefused  = 1 // the core refused the action (a domain error): nothing changed
	exitUsage    = 2 // wrong command line
	exitInternal = 3 // internal or database error
	exitDoctor   = 4 // doctor found problems
)

// cliError is an error of the command line itself: its message is a
// translation key of ours, its code the machine-readable name in --json.
type cliError struct {
	exit  int
	code  string // e.g. "usage"
	key   string // translation key, "cli.err.…"
	args  map[string]any
	cause error
}

func (e *cliError) Error() string {
	if e.cause != nil {
		return e.code + ": " + e.key + ": " + e.cause.Error()
	}
	return e.code + ": " + e.key
}

func (e *cliError) Unwrap() error { return e.cause }

// usage is a command-line mistake: exit 2.
func usage(key string, kv ...any) error {
	return &cliError{exit: exitUsage, code: "usage", key: key, args: i18n.Args(kv...)}
}

// refused is an action the user or the input declined: exit 1.
func refused(code, key string, cause error, kv ...any) error {
	return &cliError{exit: exitRefused, code: code, key: key, args: i18n.Args(kv...), cause: cause}
}

// dbError marks a failure to open or use the database: exit 3 even when
// the cause is a typed store error, whose message is still shown.
type dbError struct{ err error }

func (e dbError) Error() string { return "database: " + e.err.Error() }
func (e dbError) Unwrap() error { return e.err }

// silentExit ends the run with a code after the command printed its own
// output (doctor with problems).
type silentExit int

func (e silentExit) Error() string { return fmt.Sprintf("exit %d", int(e)) }

// withDetails attaches machine-readable details (row errors of a
// manifest) to an error for the --json reply.
type withDetails struct {
	error
	details any
}

func (e withDetails) Unwrap() error { return e.error }

// errHelp asks for the help of the command being parsed.
var errHelp = errors.New("help requested")

// internalCodes are store failures that are not a refusal but a broken
// disk or file: they exit 3.
var internalCodes = map[errs.Code]bool{store.ErrOpen: true, store.ErrBackup: true}

// exitCode classifies err for the process exit status.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	if se, ok := errors.AsType[silentExit](err); ok {
		return int(se)
	}
	if ce, ok := errors.AsType[*cliError](err); ok {
		return ce.exit
	}
	if _, ok := errors.AsType[dbError](err); ok {
		return exitInternal
	}
	if e, ok := errors.AsType[*errs.Error](err); ok {
		if internalCodes[e.Code] {
			return exitInternal
		}
		return exitRefused
	}
	return exitInternal
}

// normalize turns a failure caused by Ctrl-C into the store's typed
// "cancelled, nothing changed" error. database/sql rolls a transaction
// back when its context ends, so the error that surfaces may be a later
// "transaction has already been rolled back" rather than context.Canceled;
// either way the one transaction of the action did not commit.
func (c *cli) normalize(err error) error {
	if errs.CodeOf(err) != "" {
		return err
	}
	if errors.Is(err, context.Canceled) || c.ctx.Err() != nil {
		return errs.Wrap(err, store.ErrCancelled)
	}
	return err
}

// envelope is the one JSON object every --json run prints.
type envelope struct {
	OK     bool       `json:"ok"`
	Result any        `json:"result,omitempty"`
	Error  *jsonError `json:"error,omitempty"`
}

// jsonError is the "error" member of a failed --json reply.
type jsonError struct {
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Args    map[string]any `json:"args,omitempty"`
	Hint    string         `json:"hint,omitempty"`
	Details any            `json:"details,omitempty"`
}

// describe renders err for people and scripts alike.
func (c *cli) describe(err error) jsonError {
	if ce, ok := errors.AsType[*cliError](err); ok {
		return jsonError{Code: ce.code, Message: c.p.T(ce.key, flatten(ce.args)...), Args: ce.args}
	}
	out := jsonError{Code: "internal", Message: c.p.Err(err)}
	if e, ok := errors.AsType[*errs.Error](err); ok {
		out.Code, out.Args = string(e.Code), e.Args
	}
	if errs.Has(err, counter.ErrNoShift) {
		out.Hint = c.p.T("cli.hint.shift_open")
	}
	if errs.Has(err, counter.ErrSetupMissing) {
		out.Hint = c.p.T("cli.hint.init")
	}
	return out
}

func flatten(m map[string]any) []any {
	kv := make([]any, 0, 2*len(m))
	for k, v := range m {
		kv = append(kv, k, v)
	}
	return kv
}

// fail reports err (translated) and returns the exit code. In --json mode
// the report is the one JSON object on stdout; otherwise it goes to stderr.
func (c *cli) fail(err error) int {
	var details any
	if wd, ok := errors.AsType[withDetails](err); ok {
		details = wd.details
	}
	err = c.normalize(err)
	code := exitCode(err)
	if _, ok := errors.AsType[silentExit](err); ok {
		return code
	}
	switch code {
	case exitInternal:
		c.log.Error("spctl failed", "err", err)
	default:
		c.log.Debug("refused", "err", err)
	}
	d := c.describe(err)
	d.Details = details
	if c.json {
		c.writeJSON(envelope{Error: &d})
		return code
	}
	fmt.Fprintln(c.stderr, d.Message)
	if d.Hint != "" {
		fmt.Fprintln(c.stderr, d.Hint)
	}
	if code == exitUsage {
		fmt.Fprintln(c.stderr, c.p.T("cli.hint.help"))
	}
	return code
}

// result prints a command's result: as {"ok":true,"result":v} with --json,
// else through text.
func (c *cli) result(v any, text func(w io.Writer)) {
	if c.json {
		c.writeJSON(envelope{OK: true, Result: v})
		return
	}
	if text != nil {
		text(c.stdout)
	}
}

func (c *cli) writeJSON(v any) {
	enc := json.NewEncoder(c.stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		c.log.Error("json output", "err", err)
	}
}

// line prints one translated line.
func (c *cli) line(w io.Writer, key string, kv ...any) {
	fmt.Fprintln(w, c.p.T(key, kv...))
}

// table writes aligned columns under translated headers.
type table struct {
	tw *tabwriter.Writer
}

func (c *cli) table(w io.Writer, headerKeys ...string) *table {
	t := &table{tw: tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)}
	heads := make([]string, len(headerKeys))
	for i, k := range headerKeys {
		heads[i] = c.p.T(k)
	}
	t.row(heads...)
	return t
}

func (t *table) row(cells ...string) {
	for i, s := range cells {
		cells[i] = strings.NewReplacer("\t", " ", "\n", " ").Replace(s)
	}
	fmt.Fprintln(t.tw, strings.Join(cells, "\t"))
}

func (t *table) flush() { _ = t.tw.Flush() }

// when formats a time for tables and messages; zero is empty.
func when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format(i18n.TimeLayout)
}

// yesNo translates a flag.
func (c *cli) yesNo(b bool) string {
	if b {
		return c.p.T("common.yes")
	}
	return c.p.T("common.no")
}

// bytesText shows a size in MB, or GB from 10 GB up.
func (c *cli) bytesText(n int64) string {
	const mb, gb = 1 << 20, 1 << 30
	if n >= 10*gb {
		return c.p.T("cli.unit.gb", "N", fmt.Sprintf("%.1f", float64(n)/gb))
	}
	return c.p.T("cli.unit.mb", "N", fmt.Sprintf("%.1f", float64(n)/mb))
}

// maskParcel hides the recipient's phone: spctl output ends up in
// terminals, logs and scripts, none of which need the full number.
func maskParcel(p counter.Parcel) counter.Parcel {
	p.RecipientPhone = p.MaskedPhone()
	return p
}
