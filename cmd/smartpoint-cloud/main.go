// Command smartpoint-cloud is SmartPoint's reference cloud server: the
// sync API the counters of an owner's pickup points talk to, and the
// admin commands that set it up.
//
//	smartpoint-cloud serve [--addr 127.0.0.1:8080] [--db PATH | --db postgres://…]
//	smartpoint-cloud owner add NAME
//	smartpoint-cloud point add --owner ID NAME
//	smartpoint-cloud point code ID
//	smartpoint-cloud epoch rotate
//	smartpoint-cloud partner add | apikey add | apikey revoke | owner token | webhook add  (integrations.go)
//	smartpoint-cloud point settings | plan set | plan show  (owner_settings.go)
//	smartpoint-cloud --version
//
// The database is a SQLite file by default (see defaultDB) or
// PostgreSQL. Logs go to stderr (SMARTPOINT_LOG=debug|info|warn|error);
// the admin commands print their result on stdout (--json for scripts).
// The server is not translated: its messages are for installers, in
// English.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"smartpoint/app/auth"
	"smartpoint/app/buildinfo"
	"smartpoint/sync/server"
	"smartpoint/sync/server/store"
	"smartpoint/sync/server/store/pgstore"
	"smartpoint/sync/server/store/sqlitestore"
)

// Set at build time: go build -ldflags "-X main.version=1.2.0 -X main.commit=… -X main.date=…".
var (
	version = "dev"
	commit  = "unknown"
	date    = "unknown"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // the store or the server failed; the message says why
	exitUsage = 2 // wrong command line
)

// Environment variables.
const (
	envDB   = "SMARTPOINT_CLOUD_DB"   // the database, when --db is not given
	envAddr = "SMARTPOINT_CLOUD_ADDR" // serve's address, when --addr is not given
	envLog  = "SMARTPOINT_LOG"        // log level
)

const usageText = `smartpoint-cloud — SmartPoint's sync server for the counters of pickup points.

Usage:
  smartpoint-cloud serve [--addr 127.0.0.1:8080] [--db PATH | --db postgres://…]
        Serve the sync API until SIGTERM or Ctrl-C (then finish the requests
        under way). Flags: --drain-delay 0s, --shutdown-timeout 30s,
        --rate 20 --burst 40 (requests a second per token), --max-concurrent 128.
  smartpoint-cloud owner add NAME
        Add an owner (a business); prints its id.
  smartpoint-cloud point add --owner ID NAME
        Add a pickup point of the owner; prints its id and a one-time
        activation code, valid 7 days, to enter in the counter app.
  smartpoint-cloud point code ID
        A new activation code for a point: the code was lost or expired, or
        the counter PC was replaced (the old PC's pushes are refused after).
  smartpoint-cloud epoch rotate
        Run after restoring the database from a backup, before serving:
        the counters then send again what the backup lacks.
` + integrationsUsage + ownerSettingsUsage + `  smartpoint-cloud --version

Every command takes --db (default: $SMARTPOINT_CLOUD_DB, else
$STATE_DIRECTORY/cloud.db under systemd, else the user's data directory)
and --json (the result as JSON on stdout). Logs go to stderr; set
SMARTPOINT_LOG=debug|info|warn|error. Exit codes: 0 done, 1 failed, 2 wrong
command line.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second signal ends the process at once
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// cli is one run with its streams and environment injected, so tests
// drive it end to end.
type cli struct {
	ctx    context.Context
	stdout io.Writer
	stderr io.Writer
	env    func(string) string
	log    *slog.Logger
	json   bool
}

// usageError is a command-line mistake: exit 2 with the hint.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func run(ctx context.Context, args []string, stdout, stderr io.Writer, env func(string) string) int {
	c := &cli{ctx: ctx, stdout: stdout, stderr: stderr, env: env, log: newLogger(stderr, env)}
	err := c.main(args)
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usageText)
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "smartpoint-cloud: %s\nRun 'smartpoint-cloud help' for the commands.\n", ue.msg)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "smartpoint-cloud: %s\n", err)
		return exitFail
	}
}

func newLogger(w io.Writer, env func(string) string) *slog.Logger {
	level := slog.LevelInfo
	switch strings.ToLower(env(envLog)) {
	case "debug":
		level = slog.LevelDebug
	case "warn", "warning":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

func (c *cli) main(args []string) error {
	if len(args) == 0 {
		return usagef("no command")
	}
	switch args[0] {
	case "--version", "-version", "version":
		return c.version(args[1:])
	case "help", "-h", "-help", "--help":
		return flag.ErrHelp
	case "serve":
		return c.serve(args[1:])
	case "partner", "apikey", "webhook":
		return c.integrationCommand(args)
	case "owner":
		if len(args) >= 2 && args[1] == "token" {
			return c.ownerToken(args[2:])
		}
		if len(args) < 2 || args[1] != "add" {
			return usagef("owner: the commands are 'owner add NAME' and 'owner token --owner ID'")
		}
		return c.ownerAdd(args[2:])
	case "point":
		switch {
		case len(args) >= 2 && args[1] == "add":
			return c.pointAdd(args[2:])
		case len(args) >= 2 && args[1] == "code":
			return c.pointCode(args[2:])
		case len(args) >= 2 && args[1] == "settings":
			return c.pointSettings(args[2:]) // owner_settings.go
		}
		return usagef("point: the commands are 'point add --owner ID NAME', 'point code ID' and 'point settings --owner ID --point ID [KEY=VALUE …]'")
	case "plan":
		return c.planCommand(args) // owner_settings.go
	case "epoch":
		if len(args) < 2 || args[1] != "rotate" {
			return usagef("epoch: the command is 'epoch rotate'")
		}
		return c.epochRotate(args[2:])
	}
	return usagef("unknown command %q", args[0])
}

// flags is a command's flag set with the common --db and --json.
func (c *cli) flags(name string, db *string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(db, "db", "", "")
	fs.BoolVar(&c.json, "json", false, "")
	return fs
}

// parse parses flags wherever they stand among the arguments (so
// "point add NAME --owner ID" works too) and returns the rest.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usagef("%s: %v", fs.Name(), err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

func (c *cli) version(args []string) error {
	var db string
	fs := c.flags("version", &db)
	if rest, err := parse(fs, args); err != nil {
		return err
	} else if len(rest) > 0 {
		return usagef("version: unexpected %q", rest[0])
	}
	bi := buildinfo.Get(version, commit, date)
	return c.result(bi, fmt.Sprintf("smartpoint-cloud %s (commit %s, built %s)", bi.Version, bi.Commit, bi.Date))
}

// result prints a command's result: JSON with --json, else the text.
func (c *cli) result(v any, text string) error {
	if c.json {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	_, err := fmt.Fprintln(c.stdout, text)
	return err
}

// isPostgres tells a PostgreSQL connection string from a file path.
func isPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// redact hides a connection string's password for messages and logs.
func redact(db string) string {
	if !isPostgres(db) {
		return db
	}
	u, err := url.Parse(db)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

// openStore opens the database named by --db, $SMARTPOINT_CLOUD_DB or
// the default file.
func (c *cli) openStore(flagDB string) (store.Store, string, error) {
	db := flagDB
	if db == "" {
		db = c.env(envDB)
	}
	if db == "" {
		var err error
		if db, err = defaultDB(c.env); err != nil {
			return nil, "", err
		}
	}
	if isPostgres(db) {
		st, err := pgstore.Open(c.ctx, db)
		if err != nil {
			return nil, "", fmt.Errorf("open the PostgreSQL database %s: %w", redact(db), err)
		}
		return st, redact(db), nil
	}
	st, err := sqlitestore.Open(c.ctx, db)
	if err != nil {
		return nil, "", fmt.Errorf("open the database %s: %w", db, err)
	}
	return st, db, nil
}

func (c *cli) serve(args []string) error {
	var db string
	opt := server.Options{Logger: c.log}
	fs := c.flags("serve", &db)
	addr := fs.String("addr", "", "")
	fs.DurationVar(&opt.DrainDelay, "drain-delay", 0, "")
	fs.DurationVar(&opt.ShutdownTimeout, "shutdown-timeout", server.DefaultShutdownTimeout, "")
	fs.Float64Var(&opt.Rate, "rate", server.DefaultRate, "")
	fs.IntVar(&opt.Burst, "burst", server.DefaultBurst, "")
	fs.IntVar(&opt.MaxConcurrent, "max-concurrent", server.DefaultMaxConcurrent, "")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("serve: unexpected %q", rest[0])
	}
	if *addr == "" {
		*addr = c.env(envAddr)
	}
	if *addr == "" {
		*addr = "127.0.0.1:8080"
	}
	if opt.Rate <= 0 {
		opt.Rate = -1 // no limit
	}
	if opt.ShutdownTimeout <= 0 || opt.Burst <= 0 || opt.MaxConcurrent <= 0 || opt.DrainDelay < 0 {
		return usagef("serve: --shutdown-timeout, --burst and --max-concurrent must be positive, --drain-delay not negative")
	}
	st, name, err := c.openStore(db)
	if err != nil {
		return err
	}
	defer st.Close()
	epoch, err := st.Epoch(c.ctx)
	if err != nil {
		return fmt.Errorf("read the epoch: %w", err)
	}
	bi := buildinfo.Get(version, commit, date)
	c.log.Info("smartpoint-cloud starting", "version", bi.Version, "commit", bi.Commit, "db", name, "epoch", epoch)
	stopWebhooks := c.startWebhooks(c.ctx, st) // integrations.go
	defer stopWebhooks()
	return server.New(st, opt).Run(c.ctx, *addr)
}

// ownerResult is `owner add --json`.
type ownerResult struct {
	OwnerID string `json:"owner_id"`
	Name    string `json:"name"`
}

func (c *cli) ownerAdd(args []string) error {
	var db string
	fs := c.flags("owner add", &db)
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	name, err := oneName("owner add NAME", rest)
	if err != nil {
		return err
	}
	st, _, err := c.openStore(db)
	if err != nil {
		return err
	}
	defer st.Close()
	o, err := st.CreateOwner(c.ctx, name)
	if err != nil {
		return fmt.Errorf("add the owner: %w", err)
	}
	return c.result(ownerResult{o.ID, o.Name}, fmt.Sprintf(
		"Owner %q added: %s\nAdd its points with: smartpoint-cloud point add --owner %s NAME", o.Name, o.ID, o.ID))
}

// oneName is the one NAME argument (several words are joined).
func oneName(form string, rest []string) (string, error) {
	name := strings.TrimSpace(strings.Join(rest, " "))
	if name == "" {
		return "", usagef("the command is '%s'", form)
	}
	if len(name) > 200 {
		return "", usagef("the name is too long (at most 200 bytes)")
	}
	return name, nil
}

// pointResult is `point add --json`.
type pointResult struct {
	PointID        string    `json:"point_id"`
	OwnerID        string    `json:"owner_id"`
	Name           string    `json:"name"`
	ActivationCode string    `json:"activation_code"`
	ExpiresAt      time.Time `json:"expires_at"`
}

func (c *cli) pointAdd(args []string) error {
	var db string
	fs := c.flags("point add", &db)
	owner := fs.String("owner", "", "")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *owner == "" {
		return usagef("point add: --owner ID is required (the id 'owner add' printed)")
	}
	name, err := oneName("point add --owner ID NAME", rest)
	if err != nil {
		return err
	}
	st, _, err := c.openStore(db)
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := st.CreatePoint(c.ctx, *owner, name)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no owner %q in this database (add it with 'owner add NAME')", *owner)
	}
	if err != nil {
		return fmt.Errorf("add the point: %w", err)
	}
	return c.activation(st, p)
}

// pointCode gives an existing point a new activation code.
func (c *cli) pointCode(args []string) error {
	var db string
	fs := c.flags("point code", &db)
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("the command is 'point code ID' (the id 'point add' printed)")
	}
	st, _, err := c.openStore(db)
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := st.Point(c.ctx, rest[0])
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no point %q in this database", rest[0])
	}
	if err != nil {
		return fmt.Errorf("find the point: %w", err)
	}
	return c.activation(st, p)
}

// activation makes and prints a point's one-time activation code.
func (c *cli) activation(st store.Store, p store.Point) error {
	code, expires, err := server.IssueActivation(c.ctx, st, p.ID, server.DefaultActivationTTL, auth.Default, time.Now())
	if err != nil {
		return fmt.Errorf("make the activation code: %w", err)
	}
	expires = expires.UTC().Truncate(time.Second)
	return c.result(pointResult{p.ID, p.OwnerID, p.Name, code, expires}, fmt.Sprintf(
		"Point %q: %s\n"+
			"Activation code: %s\n"+
			"It registers one counter PC, once, until %s. Give it to the installer\n"+
			"of the point; it is not shown again ('point code %s' makes a new one).",
		p.Name, p.ID, code, expires.Format("2006-01-02 15:04 MST"), p.ID))
}

// epochResult is `epoch rotate --json`.
type epochResult struct {
	Epoch string `json:"epoch"`
}

func (c *cli) epochRotate(args []string) error {
	var db string
	fs := c.flags("epoch rotate", &db)
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("epoch rotate: unexpected %q", rest[0])
	}
	st, _, err := c.openStore(db)
	if err != nil {
		return err
	}
	defer st.Close()
	e, err := st.RotateEpoch(c.ctx)
	if err != nil {
		return fmt.Errorf("rotate the epoch: %w", err)
	}
	return c.result(epochResult{e}, fmt.Sprintf(
		"New epoch: %s\nAt their next sync the counters pull everything again and send what this backup lacks.", e))
}
