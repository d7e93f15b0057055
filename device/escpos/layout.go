package escpos

import (
	"strings"
	"unicode/utf8"
)

// Layout is the text geometry of one printer: how many font A characters
// fit a line and which code page they print in. Every layout function
// pre-maps its text first and counts runes of the result, so the lengths
// are the printed lengths; the strings it returns print as they are.
// The receipt package lays out both the printed job and the preview here.
type Layout struct {
	Columns  int      // characters per line at normal width
	CodePage CodePage // the page the text will be encoded in
}

// Cols is the line width in characters for text of width multiplier w:
// double-width text fits half as many.
func (l Layout) Cols(w int) int {
	cols := l.Columns
	if cols <= 0 {
		cols = defaultColumns
	}
	if w > 1 {
		cols /= w
	}
	return max(cols, 1)
}

// Premap is Premap for the layout's page.
func (l Layout) Premap(s string) string { return Premap(l.CodePage, s) }

// text pre-maps s keeping no-break spaces for the wrapper, and binds a
// dash to the word before it: a line never starts with "- размер 42".
func (l Layout) text(s string) []rune {
	r := []rune(premap(l.CodePage, s, true))
	for i := 0; i+1 < len(r); i++ {
		if r[i] == ' ' && isDash(r[i+1]) && (i+2 == len(r) || r[i+2] == ' ') {
			r[i] = nbsp
		}
	}
	return r
}

func isDash(r rune) bool { return r == '-' || r == '—' || r == '–' }

// Wrap breaks s into lines of at most Cols(w) characters. It breaks at
// spaces (not at no-break spaces), keeps the text's newlines, drops the
// spaces a break falls on and cuts a word longer than a line. An empty s
// is one empty line.
func (l Layout) Wrap(s string, w int) []string {
	width := l.Cols(w)
	var lines []string
	for _, para := range strings.Split(string(l.text(s)), "\n") {
		for _, line := range wrapRunes([]rune(para), width) {
			lines = append(lines, finish(line))
		}
	}
	return lines
}

// wrapRunes wraps one paragraph greedily.
func wrapRunes(para []rune, width int) [][]rune {
	var lines [][]rune
	var line []rune
	for i := 0; i < len(para); {
		// a run of spaces, then a word
		j := i
		for j < len(para) && para[j] == ' ' {
			j++
		}
		k := j
		for k < len(para) && para[k] != ' ' {
			k++
		}
		spaces, word := para[i:j], para[j:k]
		i = k
		switch {
		case len(line)+len(spaces)+len(word) <= width:
			line = append(line, spaces...)
			line = append(line, word...)
			continue
		case len(line) > 0:
			lines = append(lines, line)
		case len(word) > 0 && len(spaces) < width:
			// a leading indent that fits, with the word cut after it
			word = append(append([]rune{}, spaces...), word...)
		}
		line = nil
		for len(word) > width {
			lines = append(lines, word[:width])
			word = word[width:]
		}
		line = append(line, word...)
	}
	if len(line) > 0 || len(lines) == 0 {
		lines = append(lines, line)
	}
	for i, ln := range lines {
		lines[i] = trimRight(ln)
	}
	return lines
}

// Pair lays out a label and a value on one line of Cols(w) characters,
// the value flush right, with leader (e.g. '.') or spaces between:
// "Наложенный платёж ..... 1 500,00 сом". The value is never wrapped or
// cut while the line has room for it and four characters of label; the
// label is cut with "..." instead. A value longer than that goes on its
// own line under the label.
func (l Layout) Pair(left, right string, leader rune, w int) []string {
	width := l.Cols(w)
	lr := oneLine(l.text(left))
	rr := trimRight(trimLeft(oneLine(l.text(right))))
	lr = trimRight(lr)
	if leader == 0 {
		leader = ' '
	}
	if lr2 := []rune(premap(l.CodePage, string(leader), false)); len(lr2) == 1 {
		leader = lr2[0]
	} else {
		leader = ' '
	}
	const minLabel = 4
	room := width - len(rr) - 1 // label characters that fit
	if room < minLabel && len(lr) > room {
		var lines []string
		if len(lr) > 0 {
			lines = append(lines, finish(truncate(lr, width)))
		}
		value := truncate(rr, width)
		return append(lines, finish(pad(value, width, AlignRight)))
	}
	if len(lr) > room {
		lr = truncate(lr, room)
	}
	gap := width - len(lr) - len(rr)
	fill := []rune(strings.Repeat(" ", gap))
	if leader != ' ' && gap >= 3 && len(lr) > 0 {
		for i := 1; i < gap-1; i++ {
			fill[i] = leader
		}
	}
	line := append(append(append([]rune{}, lr...), fill...), rr...)
	return []string{finish(line)}
}

// Rule is a full line of ch ('-' or '='), at width multiplier w.
func (l Layout) Rule(ch rune, w int) string {
	r := []rune(premap(l.CodePage, string(ch), false))
	if len(r) != 1 || r[0] == ' ' || r[0] == '\n' {
		r = []rune{'-'}
	}
	return strings.Repeat(string(r[0]), l.Cols(w))
}

// Truncate cuts s to Cols(w) characters, ending in "..." when it cuts.
func (l Layout) Truncate(s string, w int) string {
	return finish(truncate(trimRight(oneLine(l.text(s))), l.Cols(w)))
}

// Align places a laid-out line of width multiplier w on a plain-text line
// of Columns characters where the printer's ESC a would put it. The text
// is not stretched: "ИТОГО" in double width is padded as the ten columns
// it covers on paper.
func (l Layout) Align(line string, a Align, w int) string {
	w = max(w, 1)
	cols := l.Cols(1)
	n := utf8.RuneCountInString(line)
	gap := cols - n*w
	left := 0
	switch {
	case gap <= 0:
	case a == AlignCenter:
		left = gap / 2
	case a == AlignRight:
		left = gap
	}
	return strings.Repeat(" ", left) + line + strings.Repeat(" ", max(cols-left-n, 0))
}

// truncate cuts r to n runes, the last three being "..." when it cuts.
func truncate(r []rune, n int) []rune {
	if len(r) <= n {
		return r
	}
	if n <= 3 {
		return r[:max(n, 0)]
	}
	cut := trimRight(r[:n-3])
	return append(append([]rune{}, cut...), '.', '.', '.')
}

// pad places r in a field of n runes.
func pad(r []rune, n int, a Align) []rune {
	gap := n - len(r)
	if gap <= 0 {
		return r
	}
	left := 0
	switch a {
	case AlignCenter:
		left = gap / 2
	case AlignRight:
		left = gap
	}
	out := []rune(strings.Repeat(" ", left))
	out = append(out, r...)
	return append(out, []rune(strings.Repeat(" ", gap-left))...)
}

// oneLine joins lines with spaces: a pair or a cell is one line of text.
func oneLine(r []rune) []rune {
	out := make([]rune, len(r))
	for i, c := range r {
		if c == '\n' {
			c = ' '
		}
		out[i] = c
	}
	return out
}

func trimRight(r []rune) []rune {
	for len(r) > 0 && (r[len(r)-1] == ' ' || r[len(r)-1] == nbsp) {
		r = r[:len(r)-1]
	}
	return r
}

func trimLeft(r []rune) []rune {
	for len(r) > 0 && (r[0] == ' ' || r[0] == nbsp) {
		r = r[1:]
	}
	return r
}

// finish turns a laid-out line into printable text: no-break spaces have
// done their job and print as spaces.
func finish(r []rune) string {
	return strings.ReplaceAll(string(r), string(nbsp), " ")
}

// RuneWidth is the printed width of a laid-out line in characters.
func RuneWidth(s string) int { return utf8.RuneCountInString(s) }
