package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"

	"github.com/mattn/go-isatty"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/app/i18n"
	"smartpoint/app/store"
)

// cli is one spctl run: its streams, environment, global options and the
// lazily opened core.
type cli struct {
	ctx    context.Context
	in     *bufio.Reader
	stdout io.Writer
	stderr io.Writer
	env    func(string) string
	log    *slog.Logger
	p      i18n.Printer

	// Global options.
	json   bool
	dbFlag string
	clerk  string
	pin    string

	// interactive: stdin is a terminal, so missing values may be asked
	// for. progress: stderr is a terminal, so progress lines are shown.
	interactive bool
	progress    bool

	db     *store.DB
	svc    *counter.Service
	dbPath string
}

func newCLI(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer, env func(string) string) *cli {
	if env == nil {
		env = func(string) string { return "" }
	}
	return &cli{
		ctx: ctx, in: bufio.NewReader(stdin), stdout: stdout, stderr: stderr, env: env,
		log:         newLogger(stderr, env),
		p:           i18n.Printer{L: langFromEnv(env)},
		interactive: isTerminal(stdin),
		progress:    isTerminal(stderr),
	}
}

// newLogger logs to stderr at warn level; SMARTPOINT_LOG=debug|info|error
// changes the level. PINs are never logged: nothing passes them here.
func newLogger(w io.Writer, env func(string) string) *slog.Logger {
	level := slog.LevelWarn
	switch strings.ToLower(env("SMARTPOINT_LOG")) {
	case "debug":
		level = slog.LevelDebug
	case "info":
		level = slog.LevelInfo
	case "error":
		level = slog.LevelError
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// langFromEnv is SMARTPOINT_LANG, else the OS locale.
func langFromEnv(env func(string) string) i18n.Lang {
	if v := env("SMARTPOINT_LANG"); v != "" {
		if l, ok := i18n.Parse(v); ok {
			return l
		}
	}
	return i18n.FromEnv()
}

// isTerminal reports whether f is an interactive terminal (a character
// device check alone would take /dev/null, CI's stdin, for one).
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	if !ok || file == nil {
		return false
	}
	fd := file.Fd()
	return isatty.IsTerminal(fd) || isatty.IsCygwinTerminal(fd)
}

// close releases the database, if it was opened.
func (c *cli) close() {
	if c.db != nil {
		if err := c.db.Close(); err != nil {
			c.log.Warn("close database", "err", err)
		}
		c.db, c.svc = nil, nil
	}
}

// resolveDB is --db, else $SMARTPOINT_DB, else the OS default.
func (c *cli) resolveDB() (string, error) {
	flag := c.dbFlag
	if flag == "" {
		flag = c.env(store.EnvDB)
	}
	p, err := store.ResolvePath(flag)
	if err != nil {
		return "", dbError{err}
	}
	return p, nil
}

// openDB opens the store only (backup, restore, doctor).
func (c *cli) openDB() (*store.DB, error) {
	if c.db != nil {
		return c.db, nil
	}
	path, err := c.resolveDB()
	if err != nil {
		return nil, err
	}
	c.dbPath = path
	c.log.Debug("opening database", "path", path)
	db, err := store.Open(c.ctx, path, store.Options{})
	if err != nil {
		return nil, dbError{err}
	}
	c.db = db
	return db, nil
}

// service opens the core. needSetup refuses a point that was never set up,
// with the hint to run `spctl init`.
func (c *cli) service(needSetup bool) (*counter.Service, error) {
	if c.svc == nil {
		db, err := c.openDB()
		if err != nil {
			return nil, err
		}
		svc, err := counter.New(c.ctx, db, counter.Options{})
		if err != nil {
			return nil, dbError{err}
		}
		c.svc = svc
	}
	if needSetup {
		done, err := c.svc.IsSetUp(c.ctx)
		if err != nil {
			return nil, dbError{err}
		}
		if !done {
			return nil, errs.New(counter.ErrSetupMissing)
		}
	}
	return c.svc, nil
}

// login opens the core and logs the clerk in: --clerk/--pin, else
// $SMARTPOINT_CLERK/$SMARTPOINT_PIN, else (on a terminal) a plain prompt.
// The PIN prompt echoes: the standard library cannot turn echo off, so
// scripts and shared screens should use the environment variable.
func (c *cli) login() (*counter.Service, *counter.Session, error) {
	svc, err := c.service(true)
	if err != nil {
		return nil, nil, err
	}
	name := firstNonEmpty(c.clerk, c.env("SMARTPOINT_CLERK"))
	if name == "" && c.interactive {
		name, err = c.ask("cli.ask.clerk", "")
		if err != nil {
			return nil, nil, err
		}
	}
	if name == "" {
		return nil, nil, usage("cli.err.need_clerk")
	}
	pin := firstNonEmpty(c.pin, c.env("SMARTPOINT_PIN"))
	if pin == "" && c.interactive {
		fmt.Fprintln(c.stderr, c.p.T("cli.ask.pin_visible"))
		pin, err = c.ask("cli.ask.session_pin", "")
		if err != nil {
			return nil, nil, err
		}
	}
	if pin == "" {
		return nil, nil, usage("cli.err.need_pin")
	}
	sess, err := svc.Login(c.ctx, name, pin)
	if err != nil {
		return nil, nil, err
	}
	c.log.Debug("logged in", "clerk", sess.Name(), "role", sess.Role(), "shift", sess.ShiftID())
	return svc, sess, nil
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// ask prompts on stderr (stdout stays clean for results) and reads one
// line; an empty answer takes def. End of input is an error so a script
// piping too little input does not loop.
func (c *cli) ask(key, def string) (string, error) {
	q := c.p.T(key)
	if def != "" {
		q += " [" + def + "]"
	}
	fmt.Fprint(c.stderr, q+": ")
	line, err := c.readLine()
	if err != nil && (line == "" || !errors.Is(err, io.EOF)) {
		if c.ctx.Err() != nil {
			return "", c.ctx.Err()
		}
		return "", refused("input.closed", "cli.err.input_closed", err)
	}
	if v := strings.TrimSpace(line); v != "" {
		return v, nil
	}
	return def, nil
}

// readLine reads a line of input, giving up when Ctrl-C cancels the run
// (a read from a terminal cannot itself be interrupted).
func (c *cli) readLine() (string, error) {
	type answer struct {
		line string
		err  error
	}
	ch := make(chan answer, 1)
	go func() {
		line, err := c.in.ReadString('\n')
		ch <- answer{line, err}
	}()
	select {
	case a := <-ch:
		return a.line, a.err
	case <-c.ctx.Done():
		fmt.Fprintln(c.stderr)
		return "", c.ctx.Err()
	}
}

// confirm asks a yes/no question; only an explicit yes counts.
func (c *cli) confirm(key string, kv ...any) bool {
	fmt.Fprint(c.stderr, c.p.T(key, kv...)+" ")
	line, _ := c.readLine()
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes", "д", "да", "о", "ооба", "ooba", "da", "j", "ja":
		return true
	}
	return false
}

// flags makes a command's flag set. --json and --db are accepted after
// the command too, where scripts tend to put them.
func (c *cli) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.BoolVar(&c.json, "json", c.json, "")
	fs.StringVar(&c.dbFlag, "db", c.dbFlag, "")
	return fs
}

// parse parses flags and positional arguments in any order ("scan CODE
// --mode accept" works as well as "scan --mode accept CODE"); everything
// after "--" is positional.
func (c *cli) parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos, tail []string
	for i, a := range args {
		if a == "--" {
			args, tail = args[:i], args[i+1:]
			break
		}
	}
	for {
		if err := fs.Parse(args); err != nil {
			return nil, flagError(err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	return append(pos, tail...), nil
}

// flagError translates the flag package's English errors.
func flagError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return errHelp
	}
	msg := err.Error()
	after := func(prefix string) (string, bool) {
		rest, ok := strings.CutPrefix(msg, prefix)
		return strings.TrimLeft(rest, "-"), ok
	}
	if f, ok := after("flag provided but not defined: "); ok {
		return usage("cli.err.unknown_flag", "Flag", "--"+f)
	}
	if f, ok := after("flag needs an argument: "); ok {
		return usage("cli.err.flag_needs_value", "Flag", "--"+f)
	}
	// invalid value "x" for flag -n: parse error / invalid boolean value …
	if i := strings.Index(msg, " for flag -"); i >= 0 {
		f, _, _ := strings.Cut(strings.TrimLeft(msg[i+len(" for flag -"):], "-"), ":")
		value := ""
		if q := strings.Index(msg, `"`); q >= 0 && q < i {
			value = strings.Trim(msg[q:i], `"`)
		}
		return usage("cli.err.flag_bad_value", "Flag", "--"+f, "Value", value)
	}
	return usage("cli.err.flag_syntax", "Detail", msg)
}

// subcommand splits "report shift --id 3" into "shift" and its flags;
// -h anywhere shows the command's help.
func subcommand(args []string, choices ...string) (string, []string, error) {
	if len(args) == 0 {
		return "", nil, usage("cli.err.missing_subcommand", "Choices", strings.Join(choices, ", "))
	}
	switch args[0] {
	case "-h", "-help", "--help":
		return "", nil, errHelp
	}
	if !slices.Contains(choices, args[0]) {
		return "", nil, usage("cli.err.unknown_subcommand", "Value", args[0], "Choices", strings.Join(choices, ", "))
	}
	return args[0], args[1:], nil
}

// noArgs refuses positional arguments a command does not take.
func noArgs(pos []string) error {
	if len(pos) > 0 {
		return usage("cli.err.extra_args", "Args", strings.Join(pos, " "))
	}
	return nil
}

// oneArg takes exactly one positional argument named name in the help.
func oneArg(pos []string, name string) (string, error) {
	switch len(pos) {
	case 0:
		return "", usage("cli.err.missing_arg", "Name", name)
	case 1:
		return pos[0], nil
	}
	return "", usage("cli.err.extra_args", "Args", strings.Join(pos[1:], " "))
}

// choice checks a flag value against the allowed ones.
func choice(flagName, value string, allowed ...string) error {
	for _, a := range allowed {
		if value == a {
			return nil
		}
	}
	return usage("cli.err.bad_choice", "Flag", "--"+flagName, "Value", value, "Choices", strings.Join(allowed, ", "))
}
