package sound

import (
	"log/slog"
	"sync"
)

// queue plays tones one at a time on a goroutine that runs only while
// there is something to play, so Play costs the caller a mutex and at most
// a goroutine start. While a tone plays, one more waits: the most severe
// asked for, so an error is never lost behind a success and a burst of
// scans does not pile up a minute of beeps.
type queue struct {
	play func(Tone) // blocks until the tone has played or failed

	mu      sync.Mutex
	busy    bool
	next    Tone
	waiting bool
}

// Play queues t.
func (q *queue) Play(t Tone) {
	if !t.valid() {
		return
	}
	q.mu.Lock()
	if q.busy {
		if !q.waiting || t > q.next {
			q.next, q.waiting = t, true
		}
		q.mu.Unlock()
		return
	}
	q.busy = true
	q.mu.Unlock()
	go q.loop(t)
}

func (q *queue) loop(t Tone) {
	for {
		q.playSafely(t)
		q.mu.Lock()
		if !q.waiting {
			q.busy = false
			q.mu.Unlock()
			return
		}
		t, q.waiting = q.next, false
		q.mu.Unlock()
	}
}

// playSafely plays t; a panic in a backend costs a sound, not the app.
func (q *queue) playSafely(t Tone) {
	defer func() {
		if r := recover(); r != nil {
			slog.Warn("sound: player panicked", "tone", t, "panic", r)
		}
	}()
	q.play(t)
}
