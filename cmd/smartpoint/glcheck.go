package main

// The start-up check for the classic counter-PC failure: the window
// cannot open because the graphics driver offers no OpenGL 2.1 (Remote
// Desktop, a virtual machine without 3D, the standard Windows display
// driver) or, on Linux, because there is no display. Fyne only logs it
// ("Fyne error: window creation error / Cause: APIUnavailable: WGL: The
// driver does not appear to support OpenGL") and quits, or crashes a
// moment later; a GUI build has no console, so the clerk saw nothing at
// all. The check watches what Fyne and GLFW log while the window opens
// and, on such a line, shows a message with the remedy in the point's
// language (a native message box on Windows, since there is no OpenGL
// for a Fyne window) and exits with exitNoWindow.
//
// Watching the log rather than probing OpenGL ahead is deliberate: it
// reacts to exactly what GLFW decided, so it can never refuse to start
// on a PC where the window would have opened.

import (
	"bytes"
	"io"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"smartpoint/app/i18n"
)

// exitNoWindow is the exit code when the window cannot open.
const exitNoWindow = 3

// glProblem is why the window cannot open.
type glProblem int

const (
	glOK        glProblem = iota
	glNoOpenGL            // no usable OpenGL 2.1 (driver, RDP, VM)
	glNoDisplay           // no display to open a window on (Linux)
)

// fyneGLReasons are the reasons Fyne logs when the window or its OpenGL
// context fails; the "Cause:" line after them says why.
var fyneGLReasons = []string{"window creation error", "failed to initialise glfw", "failed to initialise opengl"}

// classifyCause tells from the cause of a failure Fyne logged what went
// wrong. Unknown causes are glOK: the caller decides.
func classifyCause(cause string) glProblem {
	s := strings.ToLower(cause)
	switch {
	case strings.Contains(s, "display environment variable is missing"),
		strings.Contains(s, "failed to open display"),
		strings.Contains(s, "failed to connect to display"),
		strings.Contains(s, "wayland: failed to connect"):
		return glNoDisplay
	case strings.Contains(s, "does not appear to support opengl"),
		strings.Contains(s, "apiunavailable"),
		strings.Contains(s, "versionunavailable"),
		strings.Contains(s, "formatunavailable"),
		strings.Contains(s, "opengl"),
		strings.Contains(s, "wgl:"),
		strings.Contains(s, "glx:"),
		strings.Contains(s, "egl:"):
		return glNoOpenGL
	}
	return glOK
}

// classifyLine looks at a log line that follows no Fyne error: GLFW logs
// some failures itself (go-gl logs a PlatformError and carries on, and
// the window is then missing). Only lines that are plainly about the
// OpenGL context count; other platform errors (the clipboard, say) do
// not stop the counter.
func classifyLine(line string) glProblem {
	s := strings.ToLower(line)
	switch {
	case strings.Contains(s, "does not appear to support opengl"),
		strings.Contains(s, "apiunavailable:"),
		strings.Contains(s, "versionunavailable:"):
		return glNoOpenGL
	case strings.Contains(s, "platformerror:"):
		if p := classifyCause(s); p != glOK {
			return p
		}
	}
	return glOK
}

// glWatch is the standard logger's output while the counter runs (Fyne
// and GLFW log through package log): it passes every line on and calls
// fail, once, for a line that means the window cannot open.
type glWatch struct {
	next io.Writer
	fail func(p glProblem, cause string)

	mu      sync.Mutex
	pending string // a Fyne OpenGL failure whose "Cause:" line is next
	fired   bool
	buf     []byte // a line not yet complete
}

func (w *glWatch) Write(b []byte) (int, error) {
	if w.next != nil {
		_, _ = w.next.Write(b) // a GUI build on Windows has no stderr: ignore
	}
	w.mu.Lock()
	w.buf = append(w.buf, b...)
	var lines []string
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		lines = append(lines, string(w.buf[:i]))
		w.buf = w.buf[i+1:]
	}
	var problem glProblem
	var cause string
	for _, l := range lines {
		if p, c := w.line(l); p != glOK && !w.fired {
			w.fired, problem, cause = true, p, c
		}
	}
	w.mu.Unlock()
	if problem != glOK && w.fail != nil {
		w.fail(problem, cause)
	}
	return len(b), nil
}

// line reads one log line (the caller holds mu).
func (w *glWatch) line(l string) (glProblem, string) {
	lower := strings.ToLower(l)
	if i := strings.Index(lower, "fyne error:"); i >= 0 {
		reason := strings.TrimSpace(l[i+len("fyne error:"):])
		w.pending = ""
		for _, r := range fyneGLReasons {
			if strings.Contains(strings.ToLower(reason), r) {
				w.pending = reason
			}
		}
		return glOK, ""
	}
	if w.pending != "" {
		reason := w.pending
		w.pending = ""
		cause := reason
		if i := strings.Index(lower, "cause:"); i >= 0 {
			cause = strings.TrimSpace(l[i+len("cause:"):])
		}
		if p := classifyCause(cause); p != glOK {
			return p, cause
		}
		// The window or the OpenGL context failed for a reason we do not
		// know: the graphics driver is still the place to look.
		return glNoOpenGL, cause
	}
	if p := classifyLine(l); p != glOK {
		return p, strings.TrimSpace(l)
	}
	return glOK, ""
}

// glMessage is the message box's title and text for the problem, in l,
// with the remedy for goos. exeDir is where the program is installed
// (where a software opengl32.dll would go); guide is the installer's
// guide.
func glMessage(p i18n.Printer, goos string, problem glProblem, cause, exeDir, guide string) (title, text string) {
	key := "glcheck.no_opengl_linux"
	switch {
	case problem == glNoDisplay:
		key = "glcheck.no_display"
	case goos == "windows":
		key = "glcheck.no_opengl_windows"
	}
	text = p.T(key, "Dir", exeDir, "Guide", guide)
	if cause != "" {
		text += "\n\n" + p.T("glcheck.cause", "Cause", cause)
	}
	return p.T("glcheck.title"), text
}

// guidePath is where the installers put docs/INSTALL.md: next to the
// program on Windows, the package's doc directory on Linux.
func guidePath(goos, exeDir string) string {
	if goos == "windows" {
		return filepath.Join(exeDir, "INSTALL.md")
	}
	return "/usr/share/doc/smartpoint/INSTALL.md"
}

// glWatcher is the running counter's watch; setLang switches its
// language once the point's profile is read.
type glWatcher struct {
	mu   sync.Mutex
	lang i18n.Lang
}

func (g *glWatcher) setLang(l i18n.Lang) {
	g.mu.Lock()
	g.lang = l
	g.mu.Unlock()
}

// watchGL installs the watch on the standard logger (after slog.SetDefault,
// so lines still reach the structured log). On a failure it shows the
// message (showGLProblem: a message box on Windows, stderr elsewhere) and
// ends the process: Fyne would otherwise quit silently or crash.
func watchGL(l i18n.Lang, stderr io.Writer) *glWatcher {
	g := &glWatcher{lang: l}
	exeDir := "."
	if exe, err := os.Executable(); err == nil {
		exeDir = filepath.Dir(exe)
	}
	w := &glWatch{next: log.Writer(), fail: func(problem glProblem, cause string) {
		g.mu.Lock()
		lang := g.lang
		g.mu.Unlock()
		title, text := glMessage(i18n.Printer{L: lang}, runtime.GOOS, problem, cause, exeDir, guidePath(runtime.GOOS, exeDir))
		showGLProblem(stderr, title, text)
		os.Exit(exitNoWindow)
	}}
	log.SetOutput(w)
	return g
}
