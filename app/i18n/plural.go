package i18n

// CLDR plural form names, in CLDR order (also the order the files use).
var pluralForms = []string{"zero", "one", "two", "few", "many", "other"}

// pluralForm returns the CLDR cardinal form of integer n in language l.
// Only integers are counted here (CLDR v=0), which is why "other" is never
// chosen for ru; files still carry it because go-i18n falls back to it.
func pluralForm(l Lang, n int) string {
	if n < 0 {
		n = -n
	}
	switch l {
	case RU, SR:
		i10, i100 := n%10, n%100
		switch {
		case i10 == 1 && i100 != 11:
			return "one"
		case i10 >= 2 && i10 <= 4 && (i100 < 12 || i100 > 14):
			return "few"
		case l == RU:
			return "many"
		}
		return "other"
	case KY, EN:
		if n == 1 {
			return "one"
		}
	}
	return "other"
}

// requiredForms are the forms a plural entry must define in language l:
// every form pluralForm can pick, plus "other".
func requiredForms(l Lang) []string {
	switch l {
	case RU:
		return []string{"one", "few", "many", "other"}
	case SR:
		return []string{"one", "few", "other"}
	}
	return []string{"one", "other"}
}
