package escpos

// Defaults for a profile someone saved half-filled: a typical 58 mm printer.
const (
	defaultColumns = 32
	defaultDots    = 384
	dotsPerColumn  = 12 // font A is 12 dots wide
	defaultFeedCut = 4
)

// TextColumns is how many font A characters fit a line: Columns, or what
// Dots holds, or 32.
func (p Profile) TextColumns() int {
	switch {
	case p.Columns > 0:
		return p.Columns
	case p.Dots >= dotsPerColumn:
		return p.Dots / dotsPerColumn
	}
	return defaultColumns
}

// PrintDots is the printable width in dots: Dots, or what Columns takes,
// or 384.
func (p Profile) PrintDots() int {
	switch {
	case p.Dots > 0:
		return p.Dots
	case p.Columns > 0:
		return p.Columns * dotsPerColumn
	}
	return defaultDots
}

// Page is the code page text is encoded in. An unknown or empty CodePage
// is read as CP866, the Cyrillic table every clone has, so a mistyped
// setting prints Russian rather than nothing.
func (p Profile) Page() CodePage {
	if p.CodePage.known() {
		return p.CodePage
	}
	return CP866
}

// CutFeed is how many lines are fed before a cut: FeedCut, 0 meaning 4.
func (p Profile) CutFeed() int {
	switch {
	case p.FeedCut <= 0:
		return defaultFeedCut
	case p.FeedCut > 255:
		return 255
	}
	return p.FeedCut
}

// Layout is the text geometry of this printer.
func (p Profile) Layout() Layout {
	return Layout{Columns: p.TextColumns(), CodePage: p.Page()}
}
