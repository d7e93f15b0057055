package escpos

// Drawer kick pulse: on for t1×2 ms, off for t2×2 ms. 50 ms on is what
// drawer solenoids expect; the long off time stops a double kick.
const (
	drawerOn  = 0x19
	drawerOff = 0xfa
)

// Cut feeds the last printed line past the cutter (Profile.FeedCut lines)
// and cuts, fully or leaving a hinge (partial). Without a cutter it only
// feeds, so the clerk can tear the receipt off above the head.
func (b *Builder) Cut(partial bool) *Builder { return b.PrintLines(CutLines(b.p, partial)) }

// CutNow cuts without feeding first: GS V 65 0 is a full cut and GS V 66 0
// a partial one (Epson function B; the last byte is extra feed, not the
// cut type).
// It sends nothing when the profile has no cutter.
func (b *Builder) CutNow(partial bool) *Builder {
	if !b.p.Cutter {
		return b
	}
	b.lineStart()
	m := byte(65)
	if partial {
		m = 66
	}
	return b.cmd(gs, 'V', m, 0)
}

// Drawer kicks the cash drawer on connector pin 2 (ESC p 0) or pin 5
// (ESC p 1); any other pin means 2. It sends nothing when the profile has
// no drawer wired, so a test print never pops the till.
func (b *Builder) Drawer(pin int) *Builder {
	for _, l := range DrawerLines(b.p, pin) {
		m := byte(0)
		if l.Pin == 5 {
			m = 1
		}
		b.cmd(esc, 'p', m, drawerOn, drawerOff)
	}
	return b
}
