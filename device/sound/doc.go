// Package sound gives the counter distinct feedback sounds: a short high
// beep for success, two medium beeps for a warning and a low buzz for an
// error, so the clerk hears the result of a scan without looking.
//
// Fyne has no audio API, so the sounds are synthesised here as small WAVs
// and played by the platform: on Windows through winmm's PlaySoundW, on
// Linux by running the first of paplay, pw-play or aplay found on PATH.
// Play never waits for the sound: tones are played one at a time on a
// goroutine, and a failing or missing player only means silence.
package sound
