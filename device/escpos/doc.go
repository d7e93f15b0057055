// Package escpos encodes print jobs for ESC/POS receipt printers and
// decodes them back, in pure Go with no I/O.
//
// Why our own encoder: the counter prints Russian, Kyrgyz and Serbian text
// on cheap 58 mm and 80 mm printers (Epson TM and the Xprinter, POS-58,
// Zjiang, Rongta family of clones), and the details that make those print
// correctly are exactly the ones generic encoders get wrong:
//
//   - Code pages. Text is sent as single bytes in the table selected with
//     ESC t n, and n differs by firmware: WPC1251 is 46 on Epson but 73 on
//     most clones, and some clones number their tables differently again.
//     [CodePageNumber] holds the known numbers; [WithCodePageNumber]
//     overrides them for one odd printer.
//
//   - Pre-mapping. The strict charmap encoders refuse a rune the table
//     lacks, and one "₽" must not lose a whole receipt. [Premap] rewrites
//     text into what the page can print before it is laid out: "₽" becomes
//     "руб.", typographic quotes and dashes become ASCII, Kyrgyz ң ө ү become
//     н о у on Cyrillic pages, Cyrillic is transliterated on Latin pages and
//     Serbian Latin on Cyrillic ones; only what is left becomes "?". Layout
//     counts runes of the pre-mapped text, so a line that fits on screen
//     fits on paper.
//
//   - QR codes. Epson and the better clones print QR natively (GS ( k); many
//     58 mm clones ignore it silently. [QRRaster] renders the symbol here
//     and sends it as a raster image (GS v 0), which every printer prints.
//
//   - Layout. [Layout] wraps and aligns text in runes for 32 or 48 columns.
//     The receipt package lays out both the printed bytes and the on-screen
//     preview through it, as [Line] values, so the clerk sees what prints.
//
// [Decode] parses a byte stream back into operations and [Replay] turns
// them into printed lines: tests assert on what would come out of the
// printer, and the UI can preview a raw job. The escpostest subpackage
// decodes raster QR images for tests, keeping the QR reader out of the
// production binary.
package escpos
