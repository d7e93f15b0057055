package receipt

import "smartpoint/device/escpos"

// Render is the ESC/POS job for doc on printer p: init and code page,
// then the lines Lines lays out, with a cut only where the doc has one.
// opts adjust the printer (escpos.WithCodePageNumber for an odd clone).
func Render(doc Doc, p escpos.Profile, opts ...escpos.Option) []byte {
	return escpos.New(p, opts...).Init().PrintLines(Lines(doc, p)).Bytes()
}

// PlainText is the preview as monospaced text, aligned as it prints.
func PlainText(doc Doc, p escpos.Profile) string {
	return escpos.PlainText(Lines(doc, p), p.TextColumns())
}
