package loyaltycard

import "strings"

// StampsLine is the card's progress as text for slips and messages:
// "●●●○○○○○" for 3 of 8. Stamps beyond the card show as a full line.
func StampsLine(d Design, stamps int) string {
	return progress(d, stamps, "●", "○")
}

// StampsLineASCII is StampsLine for receipt printers: their code pages
// (CP866, WPC1251, CP852, WPC1250) have neither ● nor ○, so it is
// "***ooooo". At most 20 characters, it fits the narrowest slip.
func StampsLineASCII(d Design, stamps int) string {
	return progress(d, stamps, "*", "o")
}

func progress(d Design, stamps int, full, empty string) string {
	n := min(max(d.Stamps, 0), MaxStamps)
	k := min(max(stamps, 0), n)
	return strings.Repeat(full, k) + strings.Repeat(empty, n-k)
}
