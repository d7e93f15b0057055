package sound

import (
	"slices"
	"testing"
	"testing/synctest"
)

// gated is a backend that records each tone and then plays until released.
type gated struct {
	rec     Recorder
	release chan struct{}
}

func newGated() (*gated, *queue) {
	g := &gated{release: make(chan struct{})}
	return g, &queue{play: func(t Tone) { g.rec.Play(t); <-g.release }}
}

func (g *gated) want(t *testing.T, want ...Tone) {
	t.Helper()
	synctest.Wait()
	if got := g.rec.Tones(); !slices.Equal(got, want) {
		t.Fatalf("played %v, want %v", got, want)
	}
}

// Scans come faster than beeps: tones play one at a time, the error is not
// lost behind a success, and a burst does not pile up beeps.
func TestQueuePlaysOneAtATimeMostSevereNext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g, q := newGated()
		q.Play(Success)
		g.want(t, Success)

		q.Play(Warning) // while the success beep plays
		q.Play(Error)
		q.Play(Success)
		g.want(t, Success)

		g.release <- struct{}{}
		g.want(t, Success, Error)
		g.release <- struct{}{}
		g.want(t, Success, Error)

		q.Play(Warning) // idle again: plays at once
		g.want(t, Success, Error, Warning)
		g.release <- struct{}{}
	})
}

func TestQueueIgnoresUnknownTones(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g, q := newGated()
		q.Play(Tone(-1))
		q.Play(numTones)
		g.want(t)
	})
}

// A backend that panics costs one sound, not the app or later sounds.
func TestQueueSurvivesPanickingBackend(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var rec Recorder
		q := &queue{play: func(t Tone) {
			if t == Error {
				panic("driver exploded")
			}
			rec.Play(t)
		}}
		q.Play(Error)
		synctest.Wait()
		q.Play(Success)
		synctest.Wait()
		if got := rec.Tones(); !slices.Equal(got, []Tone{Success}) {
			t.Fatalf("played %v after a panic, want [success]", got)
		}
	})
}
