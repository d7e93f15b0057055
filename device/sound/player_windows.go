//go:build windows

package sound

import (
	"fmt"
	"log/slog"
	"sync"
	"unsafe"

	"golang.org/x/sys/windows"
)

// PlaySoundW flags (mmsystem.h).
const (
	sndSync      = 0x0000 // return when the sound has played
	sndNoDefault = 0x0002 // no default system sound if the WAV cannot play
	sndMemory    = 0x0004 // pszSound points to a WAV image in memory
)

var (
	winmm         = windows.NewLazySystemDLL("winmm.dll")
	procPlaySound = winmm.NewProc("PlaySoundW")

	// wavs holds the sounds for the life of the process: PlaySoundW reads
	// the WAV image from this memory while it plays.
	wavs = sync.OnceValue(func() (w [numTones][]byte) {
		for t := range numTones {
			w[t] = WAV(t)
		}
		return w
	})
)

// winPlayer plays through winmm.dll's PlaySoundW.
type winPlayer struct {
	q queue
}

// New returns a Player using winmm.dll's PlaySoundW, or Silent when
// winmm.dll is unavailable (some Windows Server installs).
func New() Player {
	if err := procPlaySound.Find(); err != nil {
		slog.Debug("sound: no PlaySoundW, sounds are off", "err", err)
		return Silent()
	}
	wavs()
	p := &winPlayer{}
	p.q.play = p.play
	return p
}

// Play plays t in the background.
func (p *winPlayer) Play(t Tone) { p.q.Play(t) }

// play runs on the queue's goroutine. It plays synchronously there rather
// than with SND_ASYNC: an asynchronous PlaySoundW cuts off the sound still
// playing, and the queue would lose an error beep behind a later success.
func (p *winPlayer) play(t Tone) {
	b := wavs()[t]
	ok, _, err := procPlaySound.Call(uintptr(unsafe.Pointer(&b[0])), 0, sndMemory|sndNoDefault|sndSync)
	if ok == 0 {
		slog.Debug("sound: cannot play", "tone", t, "err", fmt.Errorf("PlaySoundW: %w", err))
	}
}
