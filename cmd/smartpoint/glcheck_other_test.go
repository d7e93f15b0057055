//go:build !windows

package main

import (
	"bytes"
	"strings"
	"testing"
)

// Off Windows the message goes to stderr (on Windows it is a message box,
// which a test cannot press).
func TestShowGLProblemWritesStderr(t *testing.T) {
	var b bytes.Buffer
	showGLProblem(&b, "Title", "the remedy")
	if !strings.Contains(b.String(), "Title") || !strings.Contains(b.String(), "the remedy") {
		t.Errorf("stderr %q", b.String())
	}
}
