package main

import (
	"io"

	"golang.org/x/sys/windows"
)

// showGLProblem shows a native message box: with no OpenGL there is no
// Fyne window to show it in, and a GUI build has no console.
func showGLProblem(stderr io.Writer, title, text string) {
	_, _ = io.WriteString(stderr, title+"\n"+text+"\n")
	t, err1 := windows.UTF16PtrFromString(text)
	c, err2 := windows.UTF16PtrFromString(title)
	if err1 != nil || err2 != nil { // a NUL in the text: nothing better to show
		return
	}
	_, _ = windows.MessageBox(0, t, c, windows.MB_OK|windows.MB_ICONERROR|windows.MB_SETFOREGROUND|windows.MB_TOPMOST)
}
