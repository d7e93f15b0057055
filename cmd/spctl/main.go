// Command spctl is SmartPoint's admin CLI for installers, owners and
// scripts: set-up, manifests, scans, reports, shifts, staff, cells,
// backups and health checks on the same core as the desktop app.
//
//	spctl [global flags] <command> [flags] [args]
//
// Every message comes from assets/i18n; `spctl help` lists the commands,
// the environment variables and the exit codes.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"smartpoint/app/buildinfo"
	"strings"
	"syscall"

	"smartpoint/app/i18n"
)

// Set at build time: go build -ldflags "-X main.version=1.2.0 -X main.commit=… -X main.date=…".
var (
	version = "dev"
	commit  = "unknown"
	date    = "unknown"
)

func main() {
	// Ctrl-C cancels long work (import, backup); it then changes nothing.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C ends the process at once
	}()
	slog.SetDefault(newLogger(os.Stderr, os.Getenv))
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// run is the whole program with its streams and environment injected, so
// tests drive it end to end. It returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, env func(string) string) int {
	c := newCLI(ctx, stdin, stdout, stderr, env)
	defer c.close()
	return c.main(args)
}

// command is one top-level command; run gets the arguments after its name.
type command struct {
	name string
	run  func(c *cli, args []string) error
}

// commands lists the top-level commands (a function: help refers back to it).
func commands() []command {
	return []command{
		{"init", (*cli).cmdInit},
		{"import-manifest", (*cli).cmdImport},
		{"scan", (*cli).cmdScan},
		{"issue", (*cli).cmdIssue},
		{"parcels", (*cli).cmdParcels},
		{"report", (*cli).cmdReport},
		{"shift", (*cli).cmdShift},
		{"clerk", (*cli).cmdClerk},
		{"partners", (*cli).cmdPartners},
		{"cells", (*cli).cmdCells},
		{"backup", (*cli).cmdBackup},
		{"restore", (*cli).cmdRestore},
		{"doctor", (*cli).cmdDoctor},
		{"sync", (*cli).cmdSync},
		{"demo", (*cli).cmdDemo},
		{"bench-data", (*cli).cmdBenchData},
		{"help", (*cli).cmdHelp},
	}
}

func lookup(name string) (command, bool) {
	all := commands()
	i := slices.IndexFunc(all, func(c command) bool { return c.name == name })
	if i < 0 {
		return command{}, false
	}
	return all[i], true
}

// main parses the global flags and dispatches to the command.
func (c *cli) main(args []string) int {
	// Known before parsing, so even a bad command line answers in JSON.
	c.json = slices.Contains(args, "--json") || slices.Contains(args, "-json")
	fs := flag.NewFlagSet("spctl", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	var lang string
	var showVersion bool
	fs.StringVar(&c.dbFlag, "db", "", "")
	fs.StringVar(&lang, "lang", "", "")
	fs.BoolVar(&c.json, "json", c.json, "")
	fs.StringVar(&c.clerk, "clerk", "", "")
	fs.StringVar(&c.pin, "pin", "", "")
	fs.BoolVar(&showVersion, "version", false, "")
	if err := fs.Parse(args); err != nil {
		if err := flagError(err); errors.Is(err, errHelp) {
			c.help("")
			return exitOK
		} else {
			return c.fail(err)
		}
	}
	if lang != "" {
		l, ok := i18n.Parse(lang)
		if !ok {
			return c.fail(usage("cli.err.bad_lang", "Value", lang))
		}
		c.p.L = l
	}
	if showVersion {
		c.version()
		return exitOK
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return c.fail(usage("cli.err.no_command"))
	}
	cmd, ok := lookup(rest[0])
	if !ok {
		return c.fail(usage("cli.err.unknown_command", "Command", rest[0]))
	}
	err := cmd.run(c, rest[1:])
	if errors.Is(err, errHelp) {
		c.help(cmd.name)
		return exitOK
	}
	if err != nil {
		return c.fail(err)
	}
	return exitOK
}

// helpKey is the translation key of a command's help ("" = overview).
func helpKey(name string) string {
	if name == "" {
		return "cli.help.main"
	}
	return "cli.help." + strings.ReplaceAll(name, "-", "_")
}

// help prints the overview or one command's help.
func (c *cli) help(name string) {
	text := c.p.T(helpKey(name))
	c.result(map[string]string{"command": name, "text": text}, func(w io.Writer) {
		fmt.Fprintln(w, text)
	})
}

func (c *cli) cmdHelp(args []string) error {
	fs := c.flags("help")
	pos, err := c.parse(fs, args)
	if err != nil {
		return err
	}
	switch len(pos) {
	case 0:
		c.help("")
		return nil
	case 1:
		if _, ok := lookup(pos[0]); !ok {
			return usage("cli.err.unknown_command", "Command", pos[0])
		}
		c.help(pos[0])
		return nil
	}
	return usage("cli.err.extra_args", "Args", pos[1])
}

func (c *cli) version() {
	bi := buildinfo.Get(version, commit, date)
	c.result(bi, func(w io.Writer) {
		c.line(w, "cli.version", "Program", "spctl", "Version", bi.Version, "Commit", bi.Commit, "Date", bi.Date)
	})
}
