package main

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
)

func TestVersionPrintsBuildInfo(t *testing.T) {
	t.Setenv("LANGUAGE", "en")
	version, commit, date = "1.2.3", "abc1234", "2026-11-22T00:00:00Z"
	var out, errb bytes.Buffer
	if code := run([]string{"--version"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
	for _, want := range []string{"smartpoint 1.2.3", "abc1234", "2026-11-22"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("--version printed %q, lacks %q", out.String(), want)
		}
	}
}

func TestUnknownFlagIsAUsageError(t *testing.T) {
	t.Setenv("LANGUAGE", "ru")
	var out, errb bytes.Buffer
	if code := run([]string{"--no-such-flag"}, &out, &errb); code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	// The usage lists the flags in the clerk's language.
	if !strings.Contains(errb.String(), "Использование: smartpoint") || !strings.Contains(errb.String(), "файл базы данных") {
		t.Errorf("usage text %q", errb.String())
	}
}

func TestMemoryReadsProc(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc is Linux only")
	}
	rss, hwm := memory()
	if rss <= 0 || hwm < rss {
		t.Fatalf("rss %d kB, peak %d kB", rss, hwm)
	}
}
