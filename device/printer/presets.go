package printer

import (
	"slices"

	"smartpoint/device/escpos"
	"smartpoint/device/label"
)

// Preset is a printer model with settings that work out of the box. The
// settings UI offers them by Name; a Config remembers the ID.
type Preset struct {
	ID      string // stable: stored in settings, never renamed
	Name    string // model as printed on the case
	Kind    Kind
	Receipt escpos.Profile // Kind receipt
	Label   LabelProfile   // Kind label
}

// Receipt profiles. Epson TM-T20 heads are 203 dpi, 72 mm printable:
// 576 dots, 48 columns of font A. The TM-T88 (IV..VI) is 180 dpi: 512
// dots, 42 columns. Clones are 203 dpi: 384 dots on 58 mm paper (32
// columns), 576 on 80 mm. Cheap 58 mm clones often have no GS ( k, so
// their QR codes are rasterised here.
var (
	epson80 = escpos.Profile{Family: escpos.FamilyEpson, Columns: 48, Dots: 576, CodePage: escpos.CP866, QR: escpos.QRNative, Cutter: true}
	tmT88   = escpos.Profile{Family: escpos.FamilyEpson, Columns: 42, Dots: 512, CodePage: escpos.CP866, QR: escpos.QRNative, Cutter: true}
	clone58 = escpos.Profile{Family: escpos.FamilyClone, Columns: 32, Dots: 384, CodePage: escpos.CP866, QR: escpos.QRRaster}
	clone80 = escpos.Profile{Family: escpos.FamilyClone, Columns: 48, Dots: 576, CodePage: escpos.CP866, QR: escpos.QRNative, Cutter: true}
)

// Label stock a model usually runs: 58×40 mm on 2-inch-class printers,
// 100×150 mm shipping labels on 4-inch ones; the clerk changes it to
// what is loaded.
var (
	tspl58x40   = LabelProfile{Lang: label.LangTSPL, Spec: label.Spec{WidthMM: 58, HeightMM: 40, DPI: 203, GapMM: 2}}
	tspl100x150 = LabelProfile{Lang: label.LangTSPL, Spec: label.Spec{WidthMM: 100, HeightMM: 150, DPI: 203, GapMM: 3}}
	zpl100x150  = LabelProfile{Lang: label.LangZPL, Spec: label.Spec{WidthMM: 100, HeightMM: 150, DPI: 203, GapMM: 3}}
)

var presets = []Preset{
	{ID: "epson-tm-t20", Name: "Epson TM-T20", Kind: KindReceipt, Receipt: epson80},
	{ID: "epson-tm-t20ii", Name: "Epson TM-T20II", Kind: KindReceipt, Receipt: epson80},
	{ID: "epson-tm-t88", Name: "Epson TM-T88", Kind: KindReceipt, Receipt: tmT88},
	{ID: "xprinter-xp-58", Name: "Xprinter XP-58", Kind: KindReceipt, Receipt: clone58},
	{ID: "generic-pos-58", Name: "POS-58 (generic 58 mm)", Kind: KindReceipt, Receipt: clone58},
	{ID: "xprinter-xp-80", Name: "Xprinter XP-80", Kind: KindReceipt, Receipt: clone80},
	{ID: "generic-pos-80", Name: "POS-80 (generic 80 mm)", Kind: KindReceipt, Receipt: clone80},
	{ID: "rongta-rp326", Name: "Rongta RP326", Kind: KindReceipt, Receipt: clone80},
	{ID: "atol-shtrih-80", Name: "АТОЛ / Штрих-М (80 mm)", Kind: KindReceipt, Receipt: clone80},
	{ID: "xprinter-xp-365b", Name: "Xprinter XP-365B", Kind: KindLabel, Label: tspl58x40},
	{ID: "xprinter-xp-420b", Name: "Xprinter XP-420B", Kind: KindLabel, Label: tspl100x150},
	{ID: "tsc-te200", Name: "TSC TE200", Kind: KindLabel, Label: tspl100x150},
	{ID: "zebra-gk420d", Name: "Zebra GK420d", Kind: KindLabel, Label: zpl100x150},
	{ID: "zebra-zd220", Name: "Zebra ZD220", Kind: KindLabel, Label: zpl100x150},
}

// Presets lists the known models, receipt printers first. The slice is a
// copy; changing it changes nothing here.
func Presets() []Preset { return slices.Clone(presets) }

// PresetByID finds a preset by its stable ID.
func PresetByID(id string) (Preset, bool) {
	i := slices.IndexFunc(presets, func(p Preset) bool { return p.ID == id })
	if i < 0 {
		return Preset{}, false
	}
	return presets[i], true
}

// Config is a printer of this model reached through t.
func (p Preset) Config(id, name string, t TransportConfig) Config {
	c := Config{ID: id, Name: name, Kind: p.Kind, Preset: p.ID, Transport: t}
	if p.Kind == KindLabel {
		c.Label = p.Label
	} else {
		c.Receipt = p.Receipt
	}
	return c
}
