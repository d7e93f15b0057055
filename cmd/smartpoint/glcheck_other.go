//go:build !windows

package main

import "io"

// showGLProblem prints the message: on Linux the counter is started from
// the desktop menu (the session's journal keeps stderr) or a terminal,
// and with no display there is nowhere else to show it.
func showGLProblem(stderr io.Writer, title, text string) {
	_, _ = io.WriteString(stderr, title+"\n\n"+text+"\n")
}
