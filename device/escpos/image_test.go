package escpos

import (
	"image"
	"image/color"
	"image/draw"
	"testing"
)

func filled(w, h int, c color.Color) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), &image.Uniform{C: c}, image.Point{}, draw.Src)
	return img
}

func TestImageCentredAndExact(t *testing.T) {
	img := filled(120, 40, color.White)
	draw.Draw(img, image.Rect(10, 10, 110, 30), &image.Uniform{C: color.Black}, image.Point{}, draw.Src)
	lines := replayed(t, New(epson58).Init().Image(img).Bytes(), epson58)
	if len(lines) != 1 || lines[0].Kind != LineImage {
		t.Fatalf("printed %+v, want one image", lines)
	}
	r := lines[0].Image
	if r.Height != 40 || r.BlackDots() != 100*20 {
		t.Errorf("image is %d rows with %d black dots, want 40 rows and 2000", r.Height, r.BlackDots())
	}
	left := (384 - 120) / 2
	if !r.Black(left+10, 10) || r.Black(left+9, 10) || !r.Black(left+109, 29) || r.Black(left+110, 29) {
		t.Error("the black box is not where a centred 120-dot image puts it")
	}
}

func TestImageScaledToPaper(t *testing.T) {
	r := RasterFromImage(filled(1000, 100, color.Black), 384)
	if r.Width != 384 || r.Height != 38 || r.BlackDots() != 384*38 {
		t.Errorf("1000x100 black on 58 mm: %dx%d with %d black dots", r.Width, r.Height, r.BlackDots())
	}
	if r := RasterFromImage(filled(50, 50, color.Transparent), 384); r.BlackDots() != 0 {
		t.Errorf("a transparent logo printed %d black dots", r.BlackDots())
	}
	grey := RasterFromImage(filled(100, 100, color.Gray{Y: 128}), 384)
	if n := grey.BlackDots(); n < 4000 || n > 6000 {
		t.Errorf("50%% grey dithered to %d of 10000 black dots", n)
	}
	if r := RasterFromImage(nil, 384); !r.Empty() {
		t.Error("a nil image is not empty")
	}
}

// A tall image goes in bands so a cheap printer's buffer does not
// overflow, and comes out as one image.
func TestImageBands(t *testing.T) {
	b := New(clone80).Init().Image(filled(200, 600, color.Black))
	ops, err := Decode(b.Bytes(), clone80)
	if err != nil {
		t.Fatal(err)
	}
	var bands []int
	for _, op := range ops {
		if op.Kind == OpRaster {
			bands = append(bands, op.Raster.Height)
		}
	}
	if len(bands) != 3 || bands[0] != 256 || bands[1] != 256 || bands[2] != 88 {
		t.Errorf("bands = %v, want [256 256 88]", bands)
	}
	lines := Replay(ops)
	if len(lines) != 1 || lines[0].Image.Height != 600 || lines[0].Image.BlackDots() != 200*600 {
		t.Errorf("replayed %+v, want one 600-row image", lines)
	}
}
