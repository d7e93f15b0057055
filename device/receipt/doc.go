// Package receipt is the layout model every printed document is built
// from: a Doc of blocks (text, label–value pairs, table rows, rules,
// barcodes, QR codes, images, cut, drawer kick) that can be stored as
// JSON in the print queue, printed with Render and previewed with Lines.
//
// Why one model for both: the clerk must see on screen exactly what will
// come out of the printer. Lines lays the document out for a printer
// profile — wrapped and aligned in runes for 32 or 48 columns, with the
// characters the printer's code page lacks already replaced (see
// escpos.Premap) — and Render prints those very lines. There is no second
// layout to drift: if the preview shows "руб." and a label cut with
// "...", so does the paper.
//
// Barcodes and QR codes are resolved against the paper width in the same
// pass, so a code too wide to print previews as the text it will print
// as, and a QR code carries its raster when the printer prints QR codes
// as images.
package receipt
