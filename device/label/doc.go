// Package label builds the byte streams thermal label printers print: TSPL
// (Xprinter XP-365B/XP-420B, TSC and most Chinese label printers) and ZPL
// (Zebra). A [Builder] turns one document, a shelf [Cell] label or a
// [ReturnBox] label, into a complete job for the printer's language; the
// app sends the bytes unchanged through a device/printer transport.
//
// Why printer languages and not images: a label printer renders its own
// fonts and barcodes at full resolution, so a CODE128 produced by the
// firmware has exact bar widths (a scaled bitmap smears them and scanners
// fail), and a job is a few hundred bytes instead of tens of kilobytes over
// a 9600-baud link.
//
// Layout is computed here in printer dots (dots = mm × dpi / 25.4) from the
// label [Spec], the same way for both languages: the cell name in type as
// large as the label allows, a CODE128 barcode with its human-readable line
// below, and for return boxes the partner, parcel count and date.
//
// Text and code pages: TSPL's built-in bitmap fonts ("1".."5") hold ASCII
// only. Sending Cyrillic bytes to them prints garbage, and the TrueType and
// code-page options differ between TSC and the clones, so TSPL text goes
// through [Translit] (Cyrillic, Serbian and accented Latin to plain Latin:
// "Озон" prints as "Ozon"). ZPL switches the printer to UTF-8 with ^CI28
// and uses the scalable font ^A0, so names print as typed on Zebra
// printers whose font 0 has the glyphs.
//
// Barcode data is never transliterated: what a scanner reads back must be
// what the app stored, so data outside a conservative ASCII set is an
// error ([ErrBarcodeData]) rather than silently altered.
package label
