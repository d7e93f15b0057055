package receipt_test

import (
	"image"
	"image/color"
	"testing"

	"smartpoint/device/escpos"
	"smartpoint/device/receipt"
)

var (
	// a 58 mm Epson with the Cyrillic DOS table, native QR and a drawer
	epson58 = escpos.Profile{Family: escpos.FamilyEpson, Columns: 32, Dots: 384, CodePage: escpos.CP866,
		QR: escpos.QRNative, Cutter: true, Drawer: true}
	// an 80 mm Xprinter-style clone with Windows-1251 and QR as an image
	clone80 = escpos.Profile{Family: escpos.FamilyClone, Columns: 48, Dots: 576, CodePage: escpos.WPC1251,
		QR: escpos.QRRaster, Cutter: true}
	// a POS-58 without a cutter
	clone58 = escpos.Profile{Family: escpos.FamilyClone, Columns: 32, Dots: 384, CodePage: escpos.CP866,
		QR: escpos.QRRaster}
	// a Serbian point's Epson with the Latin 2 DOS table
	serbian58 = escpos.Profile{Family: escpos.FamilyEpson, Columns: 32, Dots: 384, CodePage: escpos.CP852,
		QR: escpos.QRNative, Cutter: true}
)

const (
	track   = "RU123456789CN"
	payload = "https://smartpoint.kg/t/RU123456789CN?name=Иванова"
)

// logo is a small black-on-white "SP" box.
func logo() image.Image {
	img := image.NewGray(image.Rect(0, 0, 96, 32))
	for y := range 32 {
		for x := range 96 {
			c := color.Gray{Y: 0xff}
			if y < 3 || y > 28 || x < 3 || x > 92 || (x > 20 && x < 40 && y > 10 && y < 22) || (x > 56 && x < 76 && y > 10 && y < 22) {
				c = color.Gray{}
			}
			img.SetGray(x, y, c)
		}
	}
	return img
}

// typical is a pickup receipt as the counter prints it.
func typical() receipt.Doc {
	right := escpos.AlignRight
	d := receipt.New().
		Image(logo()).
		Title("SmartPoint").
		Center("Пункт выдачи заказов №17").
		Center("г. Бишкек, ул. Көчө, 77").
		Rule().
		Pair("Заказ", track).
		Pair("Получатель", "Иванова Айгүл").
		Pair("Выдан", "05.03.2025 14:32").
		Rule().
		Header(receipt.Cell{Text: "Товар"}, receipt.Cell{Text: "Кол", Width: 3, Align: right}, receipt.Cell{Text: "Сумма", Width: 10, Align: right}).
		Row(receipt.Cell{Text: "Кроссовки «Бегун» — размер 42"}, receipt.Cell{Text: "1", Width: 3, Align: right}, receipt.Cell{Text: "2 990,00", Width: 10, Align: right}).
		Row(receipt.Cell{Text: "Доставка"}, receipt.Cell{Text: "1", Width: 3, Align: right}, receipt.Cell{Text: "1 500,00", Width: 10, Align: right}).
		DoubleRule().
		PairDots("Наложенный платёж", "1\u00a0500,00 сом").
		Total("ИТОГО", "4\u00a0490,00 ₽").
		Feed(1).
		Text("Срок хранения — 7 дней. Спасибо, что выбираете «SmartPoint»… Вопросы: +996 555 000 000").
		Code128(track).
		QR(payload).
		Center("Оцените нас: ★★★★★").
		Drawer().
		Cut()
	return *d
}

// printed decodes a job into the lines it puts on paper.
func printed(t *testing.T, job []byte, p escpos.Profile) []escpos.Line {
	t.Helper()
	ops, err := escpos.Decode(job, p)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	return escpos.Replay(ops)
}

func texts(lines []escpos.Line) []string {
	var out []string
	for _, l := range lines {
		if l.Kind == escpos.LineText {
			out = append(out, l.Text)
		}
	}
	return out
}
