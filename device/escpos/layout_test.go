package escpos

import (
	"strings"
	"testing"
	"unicode/utf8"
)

var (
	narrow = Layout{Columns: 32, CodePage: CP866}   // 58 mm
	wide   = Layout{Columns: 48, CodePage: WPC1251} // 80 mm
)

func checkWidth(t *testing.T, lines []string, width int) {
	t.Helper()
	for _, l := range lines {
		if n := utf8.RuneCountInString(l); n > width {
			t.Errorf("line %q is %d characters, the paper has %d", l, n, width)
		}
	}
}

func TestWrap(t *testing.T) {
	text := "Срок хранения посылки — 7 дней, после чего она вернётся отправителю. Спасибо, что выбрали SmartPoint!"
	for _, tt := range []struct {
		l     Layout
		w     int
		width int
	}{{narrow, 1, 32}, {wide, 1, 48}, {narrow, 2, 16}, {wide, 3, 16}} {
		lines := tt.l.Wrap(text, tt.w)
		checkWidth(t, lines, tt.width)
		if len(lines) < 2 {
			t.Errorf("%d columns: %q was not wrapped", tt.width, text)
		}
		got := strings.Join(strings.Fields(strings.Join(lines, " ")), " ")
		want := strings.Join(strings.Fields(tt.l.Premap(text)), " ")
		if got != want {
			t.Errorf("%d columns: words changed:\n got %q\nwant %q", tt.width, got, want)
		}
	}
}

func TestWrapDetails(t *testing.T) {
	tests := []struct {
		name string
		in   string
		cols int
		want []string
	}{
		{"empty is one blank line", "", 10, []string{""}},
		{"newlines kept", "а\n\nб", 10, []string{"а", "", "б"}},
		{"no-break space holds a sum together", "Итого 1\u00a0500,00 сом", 12, []string{"Итого", "1 500,00 сом"}},
		{"long word cut", "RU1234567890123CN", 8, []string{"RU123456", "7890123C", "N"}},
		{"indent kept", "  -- пункт", 10, []string{"  -- пункт"}},
		{"break drops spaces", "один   два", 5, []string{"один", "два"}},
		{"rouble counted after mapping", "1 ₽ 2 ₽", 7, []string{"1 руб.", "2 руб."}},
		{"no line starts with a dash", "Кроссовки — размер 42", 12, []string{"Кроссовки -", "размер 42"}},
	}
	for _, tt := range tests {
		got := Layout{Columns: tt.cols, CodePage: CP866}.Wrap(tt.in, 1)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%s: Wrap(%q, %d) = %q, want %q", tt.name, tt.in, tt.cols, got, tt.want)
		}
	}
}

func TestPair(t *testing.T) {
	got := narrow.Pair("Наложенный платёж", "1 500,00 сом", '.', 1)
	if len(got) != 1 {
		t.Fatalf("Pair = %q, want one line", got)
	}
	if want := "Наложенный платёж . 1 500,00 сом"; got[0] != want {
		t.Errorf("Pair = %q, want %q", got[0], want)
	}
	got = wide.Pair("Наложенный платёж", "1 500,00 сом", '.', 1)
	if want := "Наложенный платёж " + strings.Repeat(".", 17) + " 1 500,00 сом"; len(got) != 1 || got[0] != want {
		t.Errorf("80 mm: Pair = %q, want %q", got, want)
	}

	got = narrow.Pair("Получатель посылки по доверенности", "4 490,00 ₽", ' ', 1)
	if len(got) != 1 || !strings.HasSuffix(got[0], " 4 490,00 руб.") || !strings.Contains(got[0], "...") {
		t.Errorf("long label: Pair = %q: want the label cut with ... and the value whole", got)
	}
	checkWidth(t, got, 32)

	got = narrow.Pair("Итого", "1 500", ' ', 2) // double width: 16 columns
	if len(got) != 1 || utf8.RuneCountInString(got[0]) != 16 {
		t.Errorf("double width: Pair = %q, want 16 characters", got)
	}

	got = narrow.Pair("Трек", "https://smartpoint.kg/t/RU123456789CN", ' ', 1)
	if len(got) != 2 || got[0] != "Трек" {
		t.Errorf("long value: Pair = %q, want the label then the value on its own line", got)
	}
	checkWidth(t, got, 32)
}

func TestRow(t *testing.T) {
	cols := []Column{{}, {Width: 3, Align: AlignRight}, {Width: 10, Align: AlignRight}}
	got := narrow.Row(cols, []string{"Кроссовки «Бегун», размер 42", "1", "2 990,00"}, 1)
	checkWidth(t, got, 32)
	want := []string{
		"Кроссовки           1   2 990,00",
		`"Бегун", размер`,
		"42",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Row =\n%q\nwant the name wrapped in its column and the numbers right-aligned:\n%q", got, want)
	}

	half := wide.Row([]Column{{Fraction: 0.5}, {Fraction: 0.5, Align: AlignRight}}, []string{"Слева", "Справа"}, 1)
	if len(half) != 1 || utf8.RuneCountInString(half[0]) != 48 || !strings.HasSuffix(half[0], "Справа") {
		t.Errorf("fractions: Row = %q", half)
	}

	many := narrow.Row(nil, strings.Fields("a b c d e f g h i j k l m n o p q r s t u v w x y z"), 1)
	checkWidth(t, many, 32)
}

func TestRuleAndTruncate(t *testing.T) {
	if got := narrow.Rule('=', 1); got != strings.Repeat("=", 32) {
		t.Errorf("Rule = %q", got)
	}
	if got := wide.Rule('─', 2); got != strings.Repeat("-", 24) {
		t.Errorf("Rule('─') on 1251 = %q, want 24 dashes", got)
	}
	if got := narrow.Truncate("Очень длинное название пункта выдачи", 1); got != "Очень длинное название пункта..." {
		t.Errorf("Truncate = %q", got)
	}
	if got := narrow.Align("ИТОГО", AlignCenter, 2); got != strings.Repeat(" ", 11)+"ИТОГО"+strings.Repeat(" ", 16) {
		t.Errorf("Align = %q", got)
	}
}

// Whatever the text, no laid-out line is wider than the paper.
func FuzzLayout(f *testing.F) {
	f.Add("Наложенный платёж", "1\u00a0500,00 ₽", uint8(32), uint8(1))
	f.Add("Đorđe — «Šabac»…", "x", uint8(48), uint8(2))
	f.Add("", "https://smartpoint.kg/t/RU123456789CN", uint8(10), uint8(3))
	f.Fuzz(func(t *testing.T, a, b string, cols, size uint8) {
		l := Layout{Columns: int(cols%64) + 1, CodePage: []CodePage{CP866, WPC1251, CP852, WPC1250}[size%4]}
		w := int(size%3) + 1
		width := l.Cols(w)
		var lines []string
		lines = append(lines, l.Wrap(a, w)...)
		lines = append(lines, l.Pair(a, b, '.', w)...)
		lines = append(lines, l.Row([]Column{{}, {Width: 4, Align: AlignRight}, {Fraction: 0.3}}, []string{a, b, a}, w)...)
		lines = append(lines, l.Truncate(b, w), l.Rule('=', w))
		for _, line := range lines {
			if RuneWidth(line) > width {
				t.Fatalf("%q is %d characters, the line has %d", line, RuneWidth(line), width)
			}
			if strings.ContainsRune(line, '\n') {
				t.Fatalf("%q holds a newline", line)
			}
		}
	})
}
