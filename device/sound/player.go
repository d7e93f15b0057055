package sound

// Player plays feedback tones. Play returns at once (the sound plays in
// the background), never panics, and ignores unknown tones.
type Player interface {
	Play(Tone)
}

// Silent returns a Player that plays nothing, for a "sound off" setting.
func Silent() Player { return silent{} }

type silent struct{}

func (silent) Play(Tone) {}
