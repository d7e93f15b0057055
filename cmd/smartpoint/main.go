// Command smartpoint is the counter application: it opens the point's
// database, starts the window and wires the devices. All logic lives in
// app (the core) and ui (the screens); this file only connects them.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"

	"smartpoint/app/buildinfo"
	"smartpoint/app/counter"
	"smartpoint/app/i18n"
	"smartpoint/app/inbox"
	"smartpoint/app/store"
	"smartpoint/assets/icon"
	"smartpoint/cmd/internal/cloud"
	"smartpoint/device/sound"
	"smartpoint/sync/client"
	"smartpoint/ui"
)

// Set at build time: go build -ldflags "-X main.version=1.2.0 -X main.commit=… -X main.date=…".
var (
	version = "dev"
	commit  = "unknown"
	date    = "unknown"
)

const appID = "kg.smartpoint.counter"

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

type options struct {
	db           string
	showVersion  bool
	benchStartup bool // print start-up time and memory once the window is painted, then quit
	benchBare    bool // the same for an empty Fyne window: the platform's baseline
	tracePaint   bool // log scan-to-painted times
}

func run(args []string, stdout, stderr io.Writer) int {
	p := i18n.Printer{L: i18n.FromEnv()}
	var o options
	fs := flag.NewFlagSet("smartpoint", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, p.T("app.usage"))
		fs.PrintDefaults()
	}
	fs.StringVar(&o.db, "db", "", p.T("app.flag.db"))
	fs.BoolVar(&o.showVersion, "version", false, p.T("app.flag.version"))
	fs.BoolVar(&o.benchStartup, "bench-startup", false, p.T("app.flag.bench_startup"))
	fs.BoolVar(&o.benchBare, "bench-bare", false, p.T("app.flag.bench_bare"))
	fs.BoolVar(&o.tracePaint, "trace-paint", os.Getenv("SMARTPOINT_TRACE_PAINT") != "", p.T("app.flag.trace_paint"))
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if o.showVersion {
		bi := buildinfo.Get(version, commit, date)
		fmt.Fprintln(stdout, p.T("cli.version", "Program", "smartpoint", "Version", bi.Version, "Commit", bi.Commit, "Date", bi.Date))
		return 0
	}
	if o.benchBare {
		return bareWindow(p, stdout)
	}
	log := newLogger(stderr)
	slog.SetDefault(log)
	glw := watchGL(p.L, stderr) // no OpenGL (RDP, VM, old driver): a message with the remedy, not a silent exit

	start := time.Now()
	ctx := context.Background()
	path, err := store.ResolvePath(o.db)
	if err != nil {
		return fatalWindow(p, p.Err(err))
	}
	// The integrity check runs in the background once the window is up:
	// on a big file it takes seconds, and the counter must not wait.
	db, err := store.Open(ctx, path, store.Options{SkipIntegrityCheck: true})
	if err != nil {
		log.Error("open database", "path", path, "err", err)
		return fatalWindow(p, p.T("app.db_failed", "Path", path, "Error", p.Err(err)))
	}
	defer db.Close()
	svc, err := counter.New(ctx, db, counter.Options{})
	if err != nil {
		log.Error("start counter", "err", err)
		return fatalWindow(p, p.Err(err))
	}
	lang := p.L
	if pt, err := svc.PointProfile(ctx); err == nil {
		if l, ok := i18n.Parse(pt.Language); ok {
			lang = l
		}
	}
	// Fyne's own dialogs follow LANGUAGE on Linux; make them match the point.
	os.Setenv("LANGUAGE", string(lang))
	glw.setLang(lang)

	a := fyneapp.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("smartpoint.png", icon.PNG))
	dev := startDevices(ctx, db, svc, log)
	defer dev.stop()
	loy, stopLoyalty := startLoyalty(ctx, svc, log)
	defer stopLoyalty()
	// The cloud sync runs in the background (it waits for a registration
	// in Settings → Cloud); closing the window stops it, boundedly.
	cloudSync, stopSync := cloud.Start(ctx, svc, log, client.Options{AppVersion: version, Apply: inbox.New(svc, loy, log).Hook})
	defer stopSync()
	deps := ui.Deps{Svc: svc, Lang: lang, Sound: sound.New(), DBPath: path, Log: log, Hardware: dev.hub, Queue: dev.queue,
		Loyalty: loy, Cloud: cloudSync}
	if o.tracePaint {
		deps.OnPainted = func(raw string, d time.Duration) {
			log.Info("scan painted", "ms", float64(d.Microseconds())/1000, "at_unix_ns", time.Now().UnixNano())
		}
	}
	u := ui.New(a, deps)
	dev.attach(u)
	if o.benchStartup {
		a.Lifecycle().SetOnStarted(func() { go reportStartup(start, stdout, a) })
	} else {
		a.Lifecycle().SetOnStarted(func() {
			go func() { fyne.DoAndWait(func() {}); releaseStartupGarbage() }()
		})
	}
	log.Info("counter window starting", "db", path, "lang", lang, "setup_ms", time.Since(start).Milliseconds())
	u.ShowAndRun()
	return 0
}

func newLogger(w io.Writer) *slog.Logger {
	level := slog.LevelInfo
	switch strings.ToLower(os.Getenv("SMARTPOINT_LOG")) {
	case "debug":
		level = slog.LevelDebug
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// bareWindow measures an empty window the way --bench-startup measures
// the counter: what Fyne and the OpenGL driver cost before our code.
func bareWindow(p i18n.Printer, stdout io.Writer) int {
	start := time.Now()
	a := fyneapp.NewWithID(appID + ".bare")
	w := a.NewWindow(p.T("app.title"))
	w.SetContent(widget.NewLabel(p.T("app.title")))
	w.Resize(fyne.NewSize(1280, 720))
	a.Lifecycle().SetOnStarted(func() { go reportStartup(start, stdout, a) })
	w.ShowAndRun()
	return 0
}

// fatalWindow explains, in a window, why the counter cannot start; an
// installer sees it rather than a silent exit.
func fatalWindow(p i18n.Printer, msg string) int {
	a := fyneapp.NewWithID(appID)
	w := a.NewWindow(p.T("app.title"))
	l := widget.NewLabel(msg)
	l.Wrapping = fyne.TextWrapWord
	w.SetContent(l)
	w.Resize(fyne.NewSize(640, 240))
	w.ShowAndRun()
	return 1
}
