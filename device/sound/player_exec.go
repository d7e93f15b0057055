//go:build !windows

package sound

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"time"
)

// command is a command-line WAV player; the file name is appended to args.
type command struct {
	name string
	args []string
}

// commands are the players tried, best first: PulseAudio (also served by
// PipeWire), PipeWire, bare ALSA, and macOS for developers.
var commands = []command{
	{name: "paplay"},
	{name: "pw-play"},
	{name: "aplay", args: []string{"-q"}},
	{name: "afplay"},
}

// playTimeout is how long a player may run before it is killed: a player
// that hangs (waiting for a stuck sound server) must not silence the app.
const playTimeout = 5 * time.Second

// execPlayer plays the WAV files it wrote once by running a player command.
type execPlayer struct {
	q     queue
	cmds  []command // found on PATH, best first; a failing one is dropped
	files [numTones]string
	// timeout is playTimeout; tests shorten it.
	timeout time.Duration
	// played, when set (tests), is called after each tone with the result.
	played func(Tone, error)
}

// New returns the best Player on this machine: the first of paplay,
// pw-play and aplay found on PATH, or Silent when there is none or the
// sound files cannot be written to the user cache directory.
func New() Player {
	p, err := newExecPlayer(soundDir())
	if err != nil {
		slog.Debug("sound: no player, sounds are off", "err", err)
		return Silent()
	}
	return p
}

// newExecPlayer looks the players up on PATH and writes the WAVs to dir.
func newExecPlayer(dir string) (*execPlayer, error) {
	p := &execPlayer{timeout: playTimeout}
	for _, c := range commands {
		if path, err := exec.LookPath(c.name); err == nil {
			p.cmds = append(p.cmds, command{name: path, args: c.args})
		}
	}
	if len(p.cmds) == 0 {
		return nil, errors.New("none of paplay, pw-play, aplay on PATH")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sound directory: %w", err)
	}
	for t := range numTones {
		file := filepath.Join(dir, t.String()+".wav")
		if err := writeFileAtomic(file, WAV(t)); err != nil {
			return nil, fmt.Errorf("write %s sound: %w", t, err)
		}
		p.files[t] = file
	}
	p.q.play = p.play
	return p, nil
}

// Play plays t in the background.
func (p *execPlayer) Play(t Tone) { p.q.Play(t) }

// play runs on the queue's goroutine, one tone at a time.
func (p *execPlayer) play(t Tone) {
	err := p.run(p.files[t])
	if err != nil {
		slog.Debug("sound: cannot play", "tone", t, "err", err)
	}
	if p.played != nil {
		p.played(t, err)
	}
}

// run plays file with the best player that works. A player that fails is
// dropped for good (paplay without a running sound server) unless it is
// the last one, which may work again once the device is free.
func (p *execPlayer) run(file string) error {
	for {
		c := p.cmds[0]
		err := c.run(file, p.timeout)
		if err == nil || len(p.cmds) == 1 {
			return err
		}
		slog.Debug("sound: player failed, trying the next", "player", c.name, "err", err)
		p.cmds = p.cmds[1:]
	}
}

func (c command) run(file string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.name, slices.Concat(c.args, []string{file})...)
	cmd.WaitDelay = time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w: %s", filepath.Base(c.name), err, bytes.TrimSpace(out[:min(len(out), 200)]))
	}
	return nil
}

// soundDir is where the WAVs are written: the user cache directory, or
// the temp directory when there is none.
func soundDir() string {
	if dir, err := os.UserCacheDir(); err == nil {
		return filepath.Join(dir, "smartpoint", "sounds")
	}
	return filepath.Join(os.TempDir(), "smartpoint-sounds-"+strconv.Itoa(os.Getuid()))
}

// writeFileAtomic writes b to name through a temporary file, so another
// instance of the app never plays a half-written sound.
func writeFileAtomic(name string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".sound-*")
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), name)
	}
	if err != nil {
		_ = os.Remove(f.Name())
	}
	return err
}
