package sound

import (
	"encoding/binary"
	"math"
	"time"
)

// SampleRate is the sample rate of the WAVs, in Hz (16-bit mono PCM).
const SampleRate = 22050

const (
	amplitude = 0.5                  // of full scale; the buzz peaks a little lower
	fade      = 5 * time.Millisecond // fade-in and -out of each beep, against clicks
)

// beep is one burst of tone followed by silence.
type beep struct {
	freq float64 // Hz
	dur  time.Duration
	gap  time.Duration // silence after it
	buzz bool          // add odd harmonics: harsher, and louder on small speakers
}

var patterns = [numTones][]beep{
	Success: {{freq: 1000, dur: 120 * time.Millisecond}},
	Warning: {{freq: 600, dur: 100 * time.Millisecond, gap: 80 * time.Millisecond}, {freq: 600, dur: 100 * time.Millisecond}},
	Error:   {{freq: 300, dur: 400 * time.Millisecond, buzz: true}},
}

// WAV returns tone t as a 16-bit mono PCM WAV file at SampleRate, or nil
// for an unknown tone. Each call returns a new slice.
func WAV(t Tone) []byte {
	if !t.valid() {
		return nil
	}
	return encodeWAV(synth(patterns[t]))
}

// synth renders the beeps as samples.
func synth(beeps []beep) []int16 {
	var out []int16
	fadeN := float64(samples(fade))
	for _, b := range beeps {
		n := samples(b.dur)
		step := 2 * math.Pi * b.freq / SampleRate
		for i := range n {
			x := step * float64(i)
			v := math.Sin(x)
			if b.buzz {
				// The first terms of a square wave: still one zero crossing
				// per half period, so the pitch stays at freq.
				v = (v + math.Sin(3*x)/3 + math.Sin(5*x)/5) / 1.2
			}
			env := min(1, float64(i)/fadeN, float64(n-1-i)/fadeN)
			out = append(out, int16(math.Round(amplitude*math.MaxInt16*v*env)))
		}
		out = append(out, make([]int16, samples(b.gap))...)
	}
	return out
}

// samples is the number of samples in d.
func samples(d time.Duration) int {
	return int(d * SampleRate / time.Second)
}

// encodeWAV wraps samples in a canonical 44-byte RIFF/WAVE header.
func encodeWAV(s []int16) []byte {
	const channels, bits = 1, 16
	dataLen := uint32(2 * len(s))
	le := binary.LittleEndian
	b := make([]byte, 0, 44+dataLen)
	b = append(b, "RIFF"...)
	b = le.AppendUint32(b, 36+dataLen)
	b = append(b, "WAVEfmt "...)
	b = le.AppendUint32(b, 16) // fmt chunk size
	b = le.AppendUint16(b, 1)  // PCM
	b = le.AppendUint16(b, channels)
	b = le.AppendUint32(b, SampleRate)
	b = le.AppendUint32(b, SampleRate*channels*bits/8) // byte rate
	b = le.AppendUint16(b, channels*bits/8)            // block align
	b = le.AppendUint16(b, bits)
	b = append(b, "data"...)
	b = le.AppendUint32(b, dataLen)
	for _, v := range s {
		b = le.AppendUint16(b, uint16(v))
	}
	return b
}
