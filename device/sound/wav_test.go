package sound

import (
	"encoding/binary"
	"math"
	"testing"
	"time"
)

// pcm is a parsed WAV.
type pcm struct {
	rate    int
	samples []int16
}

// parseWAV checks the RIFF/WAVE header of a 16-bit mono PCM file and
// returns its samples.
func parseWAV(t *testing.T, b []byte) pcm {
	t.Helper()
	le := binary.LittleEndian
	switch {
	case len(b) < 44:
		t.Fatalf("WAV of %d bytes is shorter than its header", len(b))
	case string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE":
		t.Fatalf("not RIFF/WAVE: %q %q", b[0:4], b[8:12])
	case int(le.Uint32(b[4:8])) != len(b)-8:
		t.Fatalf("RIFF size %d, file has %d bytes after it", le.Uint32(b[4:8]), len(b)-8)
	case string(b[12:16]) != "fmt " || le.Uint32(b[16:20]) != 16:
		t.Fatalf("fmt chunk %q of size %d", b[12:16], le.Uint32(b[16:20]))
	case string(b[36:40]) != "data" || int(le.Uint32(b[40:44])) != len(b)-44:
		t.Fatalf("data chunk %q of size %d, %d bytes follow", b[36:40], le.Uint32(b[40:44]), len(b)-44)
	}
	format, channels, rate := le.Uint16(b[20:22]), le.Uint16(b[22:24]), le.Uint32(b[24:28])
	byteRate, align, bits := le.Uint32(b[28:32]), le.Uint16(b[32:34]), le.Uint16(b[34:36])
	if format != 1 || channels != 1 || bits != 16 || rate != SampleRate || byteRate != 2*rate || align != 2 {
		t.Fatalf("format %d, %d channels, %d bits, %d Hz, %d B/s, align %d; want 16-bit mono PCM at %d Hz",
			format, channels, bits, rate, byteRate, align, SampleRate)
	}
	data := b[44:]
	if len(data)%2 != 0 {
		t.Fatalf("odd data size %d", len(data))
	}
	s := make([]int16, len(data)/2)
	for i := range s {
		s[i] = int16(le.Uint16(data[2*i:]))
	}
	return pcm{rate: int(rate), samples: s}
}

func (p pcm) duration() time.Duration {
	return time.Duration(len(p.samples)) * time.Second / time.Duration(p.rate)
}

// beeps splits the sound at silences of at least 20 ms.
func (p pcm) beeps() [][]int16 {
	minGap := p.rate / 50
	var out [][]int16
	start, zeros := -1, 0
	for i, v := range p.samples {
		if v != 0 {
			if start < 0 {
				start = i
			}
			zeros = 0
			continue
		}
		zeros++
		if start >= 0 && zeros == minGap {
			out = append(out, p.samples[start:i-minGap+1])
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, p.samples[start:len(p.samples)-zeros])
	}
	return out
}

// pitch estimates the dominant frequency of a beep from its zero crossings.
func pitch(s []int16, rate int) float64 {
	crossings, sign := 0, 0
	for _, v := range s {
		sg := 0
		switch {
		case v > 0:
			sg = 1
		case v < 0:
			sg = -1
		}
		if sg != 0 && sign != 0 && sg != sign {
			crossings++
		}
		if sg != 0 {
			sign = sg
		}
	}
	return float64(crossings) / 2 / (float64(len(s)) / float64(rate))
}

func TestTonesSoundAsDesigned(t *testing.T) {
	tests := []struct {
		tone  Tone
		dur   time.Duration
		beeps []float64 // pitch of each beep, Hz
	}{
		{Success, 120 * time.Millisecond, []float64{1000}},
		{Warning, 280 * time.Millisecond, []float64{600, 600}},
		{Error, 400 * time.Millisecond, []float64{300}},
	}
	for _, tc := range tests {
		t.Run(tc.tone.String(), func(t *testing.T) {
			p := parseWAV(t, WAV(tc.tone))
			if d := p.duration(); d < tc.dur-time.Millisecond || d > tc.dur+time.Millisecond {
				t.Errorf("lasts %v, want %v", d, tc.dur)
			}
			beeps := p.beeps()
			if len(beeps) != len(tc.beeps) {
				t.Fatalf("%d beeps, want %d", len(beeps), len(tc.beeps))
			}
			for i, b := range beeps {
				if f := pitch(b, p.rate); math.Abs(f-tc.beeps[i]) > tc.beeps[i]*0.03 {
					t.Errorf("beep %d at %.0f Hz, want %.0f Hz", i, f, tc.beeps[i])
				}
			}
		})
	}
}

// The clerk tells the tones apart by pitch, number of beeps and length.
func TestTonesAreDistinguishable(t *testing.T) {
	type signature struct {
		beeps int
		pitch int // Hz, rounded to 50
		dur   time.Duration
	}
	seen := map[signature]Tone{}
	var prev time.Duration
	for tone := range numTones {
		p := parseWAV(t, WAV(tone))
		beeps := p.beeps()
		sig := signature{len(beeps), int(math.Round(pitch(beeps[0], p.rate)/50) * 50), p.duration()}
		if other, dup := seen[sig]; dup {
			t.Errorf("%v sounds like %v: %+v", tone, other, sig)
		}
		seen[sig] = tone
		if p.duration() <= prev {
			t.Errorf("%v (%v) is not longer than the milder tone (%v)", tone, p.duration(), prev)
		}
		prev = p.duration()
		if pitch(beeps[0], p.rate) >= 700 && tone != Success {
			t.Errorf("%v is as high as the success beep", tone)
		}
	}
}

// Each beep fades in and out, so the speaker does not click, and nothing
// clips.
func TestBeepsFadeAndDoNotClip(t *testing.T) {
	for tone := range numTones {
		p := parseWAV(t, WAV(tone))
		if p.samples[0] != 0 || p.samples[len(p.samples)-1] != 0 {
			t.Errorf("%v starts at %d and ends at %d, want silence", tone, p.samples[0], p.samples[len(p.samples)-1])
		}
		const limit = math.MaxInt16 / 10
		for i, b := range p.beeps() {
			if abs(b[0]) > limit || abs(b[len(b)-1]) > limit {
				t.Errorf("%v beep %d jumps in at %d or out at %d", tone, i, b[0], b[len(b)-1])
			}
		}
		for _, v := range p.samples {
			if abs(v) > math.MaxInt16*9/10 {
				t.Fatalf("%v peaks at %d, near clipping", tone, v)
			}
		}
	}
}

func abs(v int16) int16 {
	if v < 0 {
		return -v
	}
	return v
}

func TestUnknownToneHasNoSound(t *testing.T) {
	if b := WAV(Tone(7)); b != nil {
		t.Errorf("WAV(Tone(7)) = %d bytes, want nil", len(b))
	}
	if b := WAV(-1); b != nil {
		t.Errorf("WAV(-1) = %d bytes, want nil", len(b))
	}
}

func TestToneString(t *testing.T) {
	for tone, want := range map[Tone]string{Success: "success", Warning: "warning", Error: "error", 9: "Tone(9)"} {
		if got := tone.String(); got != want {
			t.Errorf("Tone(%d).String() = %q, want %q", int(tone), got, want)
		}
	}
}
