//go:build !windows

package sound

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// fakeBin is a PATH directory of fake player scripts that append their
// name and arguments to a log.
type fakeBin struct {
	dir, log string
}

func newFakeBin(t *testing.T) *fakeBin {
	t.Helper()
	b := &fakeBin{dir: t.TempDir()}
	b.log = filepath.Join(b.dir, "calls.log")
	t.Setenv("PATH", b.dir)
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	return b
}

// add writes a player script that logs its call and then runs body.
func (b *fakeBin) add(t *testing.T, name, body string) {
	t.Helper()
	script := "#!/bin/sh\nprintf '" + name + " %s\\n' \"$*\" >> '" + b.log + "'\n" + body + "\n"
	if err := os.WriteFile(filepath.Join(b.dir, name), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
}

func (b *fakeBin) calls(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(b.log)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

type playResult struct {
	tone Tone
	err  error
}

// newPlayer calls New and hooks the result of every tone.
func newPlayer(t *testing.T) (*execPlayer, <-chan playResult) {
	t.Helper()
	p, ok := New().(*execPlayer)
	if !ok {
		t.Fatal("New() did not pick a command-line player")
	}
	done := make(chan playResult, 8)
	p.played = func(tone Tone, err error) { done <- playResult{tone, err} }
	return p, done
}

func waitPlayed(t *testing.T, done <-chan playResult) playResult {
	t.Helper()
	select {
	case r := <-done:
		return r
	case <-time.After(10 * time.Second): // a failsafe, not synchronisation
		t.Fatal("the player never finished")
		return playResult{}
	}
}

func soundFile(tone Tone) string {
	return filepath.Join(os.Getenv("XDG_CACHE_HOME"), "smartpoint", "sounds", tone.String()+".wav")
}

func TestNewPlaysWithAplayOnPath(t *testing.T) {
	bin := newFakeBin(t)
	bin.add(t, "aplay", "")
	p, done := newPlayer(t)

	p.Play(Warning)
	if r := waitPlayed(t, done); r.tone != Warning || r.err != nil {
		t.Fatalf("played %v, err %v; want warning, no error", r.tone, r.err)
	}
	want := []string{"aplay -q " + soundFile(Warning)}
	if got := bin.calls(t); !slices.Equal(got, want) {
		t.Fatalf("calls %q, want %q", got, want)
	}
	if b, err := os.ReadFile(soundFile(Warning)); err != nil || !bytes.Equal(b, WAV(Warning)) {
		t.Fatalf("the played file is not the warning WAV (err %v)", err)
	}
}

func TestNewPrefersPaplay(t *testing.T) {
	bin := newFakeBin(t)
	bin.add(t, "aplay", "")
	bin.add(t, "pw-play", "")
	bin.add(t, "paplay", "")
	p, done := newPlayer(t)

	p.Play(Success)
	waitPlayed(t, done)
	if got, want := bin.calls(t), []string{"paplay " + soundFile(Success)}; !slices.Equal(got, want) {
		t.Fatalf("calls %q, want %q", got, want)
	}
}

// paplay is installed but no sound server runs: the beep still sounds,
// through aplay, and paplay is not tried again.
func TestFailingPlayerFallsBackToTheNext(t *testing.T) {
	bin := newFakeBin(t)
	bin.add(t, "paplay", "echo 'Connection failure: Connection refused' >&2; exit 1")
	bin.add(t, "aplay", "")
	p, done := newPlayer(t)

	p.Play(Error)
	if r := waitPlayed(t, done); r.err != nil {
		t.Fatalf("error tone failed: %v", r.err)
	}
	p.Play(Success)
	waitPlayed(t, done)
	want := []string{
		"paplay " + soundFile(Error),
		"aplay -q " + soundFile(Error),
		"aplay -q " + soundFile(Success),
	}
	if got := bin.calls(t); !slices.Equal(got, want) {
		t.Fatalf("calls %q, want %q", got, want)
	}
}

// With no working player the app just stays silent, and tries again on the
// next sound (the device may be free by then).
func TestFailingLastPlayerIsHarmless(t *testing.T) {
	bin := newFakeBin(t)
	bin.add(t, "aplay", "echo 'aplay: main:831: audio open error: Device or resource busy' >&2; exit 1")
	p, done := newPlayer(t)

	p.Play(Error)
	r := waitPlayed(t, done)
	if r.err == nil || !strings.Contains(r.err.Error(), "Device or resource busy") {
		t.Fatalf("err = %v, want aplay's complaint", r.err)
	}
	p.Play(Success)
	waitPlayed(t, done)
	if n := len(bin.calls(t)); n != 2 {
		t.Fatalf("aplay called %d times, want 2", n)
	}
}

// A player that hangs is killed, and later sounds play again.
func TestHangingPlayerIsKilled(t *testing.T) {
	bin := newFakeBin(t)
	marker := filepath.Join(bin.dir, "hung-once")
	bin.add(t, "aplay", "[ -e '"+marker+"' ] && exit 0; : > '"+marker+"'; exec /bin/sleep 60")
	p, done := newPlayer(t)
	p.timeout = 200 * time.Millisecond

	p.Play(Error)
	if r := waitPlayed(t, done); r.err == nil {
		t.Fatal("a hanging player reported success")
	}
	p.Play(Success)
	if r := waitPlayed(t, done); r.err != nil {
		t.Fatalf("after the hang: %v", r.err)
	}
}

func TestNoPlayerMeansSilence(t *testing.T) {
	newFakeBin(t) // PATH has no player
	if p, ok := New().(silent); !ok {
		t.Fatalf("New() = %T, want the silent player", p)
	}
}

func TestUnwritableCacheMeansSilence(t *testing.T) {
	bin := newFakeBin(t)
	bin.add(t, "aplay", "")
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_CACHE_HOME", notDir)
	if p, ok := New().(silent); !ok {
		t.Fatalf("New() = %T, want the silent player", p)
	}
}
