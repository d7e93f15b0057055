package escpos_test

import (
	"testing"

	"smartpoint/device/escpos"
	"smartpoint/device/escpos/escpostest"
)

// A raster QR scans back to exactly what was asked for, Cyrillic included,
// and is centred on the paper.
func TestQRRasterScans(t *testing.T) {
	data := "https://smartpoint.kg/t/RU123456789CN?name=Иванова"
	for _, p := range []escpos.Profile{
		{Family: escpos.FamilyClone, Columns: 32, Dots: 384, CodePage: escpos.CP866, QR: escpos.QRRaster},
		{Family: escpos.FamilyClone, Columns: 48, Dots: 576, CodePage: escpos.WPC1251, QR: escpos.QRRaster},
	} {
		job := escpos.New(p).Init().QR(escpos.QR{Data: data}).Bytes()
		ops, err := escpos.Decode(job, p)
		if err != nil {
			t.Fatal(err)
		}
		lines := escpos.Replay(ops)
		if len(lines) != 1 || lines[0].Kind != escpos.LineImage {
			t.Fatalf("%d dots: printed %+v, want one image", p.Dots, lines)
		}
		img := lines[0].Image
		got, err := escpostest.DecodeQR(img)
		if err != nil || got != data {
			t.Errorf("%d dots: scanned %q, %v; want %q", p.Dots, got, err, data)
		}
		left, right := -1, -1
		for x := 0; x < img.Width; x++ {
			for y := 0; y < img.Height; y++ {
				if img.Black(x, y) {
					if left < 0 {
						left = x
					}
					right = x
				}
			}
		}
		if margin := p.Dots - 1 - right; left < 0 || abs(left-margin) > 8 {
			t.Errorf("%d dots: QR spans %d..%d, not centred", p.Dots, left, right)
		}
		if got := escpostest.QRTexts(lines); len(got) != 1 || got[0] != data {
			t.Errorf("QRTexts = %q", got)
		}
	}
}

func abs(x int) int { return max(x, -x) }
