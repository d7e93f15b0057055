package escpos

// Family is a printer firmware family: the ESC t code-page numbers and a
// few commands differ between Epson and the common clones.
type Family string

const (
	FamilyEpson Family = "epson" // Epson TM series and faithful compatibles
	FamilyClone Family = "clone" // Xprinter, POS-58/POS-80, Zjiang, Rongta and other clones
)

// CodePage is the character table the printer prints text with.
type CodePage string

const (
	CP866   CodePage = "cp866"   // Cyrillic (DOS)
	WPC1251 CodePage = "wpc1251" // Cyrillic (Windows)
	CP852   CodePage = "cp852"   // Latin 2 (DOS): Serbian Latin
	WPC1250 CodePage = "wpc1250" // Latin 2 (Windows): Serbian Latin
)

// QRMode is how a QR code is printed: the printer's own GS ( k, or an
// image rendered here (cheap 58 mm units often lack GS ( k).
type QRMode string

const (
	QRNative QRMode = "native"
	QRRaster QRMode = "raster"
)

// Profile is what the encoder needs to know about one printer.
type Profile struct {
	Family   Family   `json:"family"`
	Columns  int      `json:"columns"`    // characters per line in font A: 32 on 58 mm paper, 48 on 80 mm
	Dots     int      `json:"dots"`       // printable width in dots: 384 on 58 mm, 576 on 80 mm
	CodePage CodePage `json:"code_page"`  // the table text is encoded in
	QR       QRMode   `json:"qr"`         // native or raster
	Cutter   bool     `json:"cutter"`     // has an auto-cutter
	Drawer   bool     `json:"drawer"`     // a cash drawer is wired to it
	FeedCut  int      `json:"feed_lines"` // lines fed before a cut (cutter above the head); 0 means 4
}
