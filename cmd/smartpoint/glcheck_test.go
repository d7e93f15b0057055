package main

import (
	"bytes"
	"fmt"
	"log"
	"strings"
	"testing"

	"smartpoint/app/i18n"
)

// What Fyne 2.7 and go-gl/glfw print when the window cannot open, as they
// reach the standard logger (fyne.LogError: three log.Println calls).
var fyneWGL = []string{
	"Fyne error:  window creation error\n",
	"  Cause: APIUnavailable: WGL: The driver does not appear to support OpenGL\n",
	"  At: C:/fyne/internal/driver/glfw/window_desktop.go:760\n",
}

type firing struct {
	n       int
	problem glProblem
	cause   string
}

func newTestWatch() (*glWatch, *firing, *bytes.Buffer) {
	f := &firing{}
	var next bytes.Buffer
	return &glWatch{next: &next, fail: func(p glProblem, c string) { f.n++; f.problem, f.cause = p, c }}, f, &next
}

func TestGLWatchDetects(t *testing.T) {
	cases := []struct {
		name  string
		lines []string
		want  glProblem
		cause string
	}{
		{"WGL: RDP, VM, basic display driver", fyneWGL, glNoOpenGL, "APIUnavailable: WGL: The driver does not appear to support OpenGL"},
		{"old driver: no 2.1 context", []string{"Fyne error:  window creation error\n",
			"  Cause: VersionUnavailable: WGL: OpenGL 2.1 is not supported\n"}, glNoOpenGL, "VersionUnavailable: WGL: OpenGL 2.1 is not supported"},
		{"context but no functions", []string{"Fyne error:  failed to initialise OpenGL\n",
			"  Cause: glBlendFuncSeparate\n"}, glNoOpenGL, "glBlendFuncSeparate"},
		{"unknown cause after a window failure", []string{"Fyne error:  window creation error\n",
			"  Cause: something new\n"}, glNoOpenGL, "something new"},
		{"Linux without X", []string{"Fyne error:  failed to initialise GLFW\n",
			"  Cause: X11: The DISPLAY environment variable is missing\n"}, glNoDisplay, "X11: The DISPLAY environment variable is missing"},
		{"Linux GLX", []string{"Fyne error:  window creation error\n",
			"  Cause: APIUnavailable: GLX: No GLXFBConfigs returned\n"}, glNoOpenGL, "APIUnavailable: GLX: No GLXFBConfigs returned"},
		{"go-gl logs a platform error itself", []string{"2026/12/07 10:00:00 PlatformError: WGL: Failed to make context current\n"},
			glNoOpenGL, "2026/12/07 10:00:00 PlatformError: WGL: Failed to make context current"},
		{"with the standard log prefix", []string{"2026/12/07 10:00:00 Fyne error:  window creation error\n",
			"2026/12/07 10:00:00   Cause: APIUnavailable: WGL: The driver does not appear to support OpenGL\n"}, glNoOpenGL,
			"APIUnavailable: WGL: The driver does not appear to support OpenGL"},
		{"one write, several lines", []string{strings.Join(fyneWGL, "")}, glNoOpenGL,
			"APIUnavailable: WGL: The driver does not appear to support OpenGL"},
		{"a line split over writes", []string{"Fyne error:  window creation error\n  Cause: APIUnav", "ailable: WGL: The driver\n"},
			glNoOpenGL, "APIUnavailable: WGL: The driver"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w, f, next := newTestWatch()
			for _, l := range c.lines {
				if n, err := w.Write([]byte(l)); n != len(l) || err != nil {
					t.Fatalf("Write = %d, %v", n, err)
				}
			}
			if f.n != 1 || f.problem != c.want || f.cause != c.cause {
				t.Errorf("fired %d times, problem %d, cause %q; want once, %d, %q", f.n, f.problem, f.cause, c.want, c.cause)
			}
			if next.String() != strings.Join(c.lines, "") {
				t.Errorf("the log lost lines: %q", next.String())
			}
		})
	}
}

func TestGLWatchIgnoresOtherErrors(t *testing.T) {
	w, f, _ := newTestWatch()
	for _, l := range []string{
		"Fyne error:  Error parsing user locale C\n", "  Cause: language: tag is not well-formed\n", "  At: lang/locale.go:35\n",
		"Fyne error:  Failed to decode image for window icon\n", "  Cause: image: unknown format\n",
		"PlatformError: X11: Failed to convert selection to string\n",
		"PlatformError: Win32: Failed to open clipboard\n",
		"level=INFO msg=\"counter window starting\"\n",
		"a line about opengl in passing\n",
	} {
		fmt.Fprint(w, l)
	}
	if f.n != 0 {
		t.Errorf("fired on a harmless line: problem %d, cause %q", f.problem, f.cause)
	}
}

func TestGLWatchFiresOnce(t *testing.T) {
	w, f, _ := newTestWatch()
	for range 3 {
		for _, l := range fyneWGL {
			fmt.Fprint(w, l)
		}
	}
	fmt.Fprint(w, "PlatformError: WGL: Failed to make context current\n")
	if f.n != 1 {
		t.Errorf("fired %d times, want 1", f.n)
	}
}

// Through the standard logger, as Fyne calls it.
func TestGLWatchThroughLog(t *testing.T) {
	w, f, _ := newTestWatch()
	l := log.New(w, "", log.LstdFlags)
	l.Println("Fyne error: ", "window creation error")
	l.Println("  Cause:", "APIUnavailable: WGL: The driver does not appear to support OpenGL")
	if f.n != 1 || f.problem != glNoOpenGL {
		t.Errorf("fired %d times, problem %d", f.n, f.problem)
	}
}

func TestGLMessage(t *testing.T) {
	const dir, guide = `C:\Program Files\SmartPoint`, `C:\Program Files\SmartPoint\INSTALL.md`
	cause := "APIUnavailable: WGL: The driver does not appear to support OpenGL"
	for _, c := range []struct {
		lang  i18n.Lang
		title string
		want  []string // the remedy's landmarks
	}{
		{i18n.RU, "окно не открывается", []string{"OpenGL 2.1", "RDP", "драйвер видеокарты", "3D-ускорение", "opengl32.dll", "Mesa3D"}},
		{i18n.KY, "терезе ачылбай жатат", []string{"OpenGL 2.1", "RDP", "драйверин", "3D-ылдамдатууну", "opengl32.dll", "Mesa3D"}},
		{i18n.SR, "prozor se ne otvara", []string{"OpenGL 2.1", "RDP", "upravljački program", "3D ubrzanje", "opengl32.dll", "Mesa3D"}},
		{i18n.EN, "cannot open its window", []string{"OpenGL 2.1", "RDP", "graphics card's driver", "3D acceleration", "opengl32.dll", "Mesa3D"}},
	} {
		title, text := glMessage(i18n.Printer{L: c.lang}, "windows", glNoOpenGL, cause, dir, guide)
		if !strings.Contains(title, c.title) {
			t.Errorf("%s: title %q", c.lang, title)
		}
		for _, w := range append(c.want, dir, guide, cause) {
			if !strings.Contains(text, w) {
				t.Errorf("%s: the message lacks %q:\n%s", c.lang, w, text)
			}
		}
		if strings.Contains(text, "{{") || strings.Contains(text, "glcheck.") {
			t.Errorf("%s: untranslated or unfilled: %s", c.lang, text)
		}
	}
	// Linux: Mesa and glxinfo, not opengl32.dll; no display: not a driver problem.
	_, text := glMessage(i18n.Printer{L: i18n.RU}, "linux", glNoOpenGL, "GLX: No GLXFBConfigs returned", "/usr/bin", "/usr/share/doc/smartpoint/INSTALL.md")
	if !strings.Contains(text, "glxinfo") || !strings.Contains(text, "libgl1-mesa-dri") || strings.Contains(text, "opengl32.dll") {
		t.Errorf("linux remedy: %s", text)
	}
	_, text = glMessage(i18n.Printer{L: i18n.EN}, "linux", glNoDisplay, "", "/usr/bin", "/usr/share/doc/smartpoint/INSTALL.md")
	if !strings.Contains(text, "DISPLAY") || strings.Contains(text, "Technical cause") {
		t.Errorf("no display, no cause: %s", text)
	}
}

func TestGuidePath(t *testing.T) {
	if got := guidePath("windows", `C:\SmartPoint`); !strings.HasSuffix(got, "INSTALL.md") || !strings.HasPrefix(got, `C:\SmartPoint`) {
		t.Errorf("windows guide %q", got)
	}
	if got := guidePath("linux", "/usr/bin"); got != "/usr/share/doc/smartpoint/INSTALL.md" {
		t.Errorf("linux guide %q", got)
	}
}
