package sound

import (
	"slices"
	"sync"
	"testing"
)

func TestRecorderRecordsInOrder(t *testing.T) {
	var r Recorder
	var p Player = &r
	p.Play(Success)
	p.Play(Error)
	got := r.Tones()
	if !slices.Equal(got, []Tone{Success, Error}) {
		t.Fatalf("Tones() = %v, want [success error]", got)
	}
	got[0] = Warning // a copy: the caller cannot rewrite history
	if r.Tones()[0] != Success {
		t.Error("changing the result of Tones changed the recording")
	}
}

func TestRecorderConcurrentPlays(t *testing.T) {
	var r Recorder
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() { r.Play(Warning) })
	}
	wg.Wait()
	if n := len(r.Tones()); n != 50 {
		t.Fatalf("recorded %d of 50 tones", n)
	}
}
