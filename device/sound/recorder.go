package sound

import (
	"slices"
	"sync"
)

// Recorder is a fake Player for UI tests; the real players need a sound
// card, which test machines lack. It records the tones played, in order,
// and is safe for concurrent use. The zero value is ready to use.
type Recorder struct {
	mu    sync.Mutex
	tones []Tone
}

// Play records t.
func (r *Recorder) Play(t Tone) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tones = append(r.tones, t)
}

// Tones returns a copy of the tones played so far.
func (r *Recorder) Tones() []Tone {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.tones)
}
