package main

import (
	"bytes"
	"fmt"
	"image"
	"image/png"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/test"
)

// Sizes are the square PNG sizes generated from the SVG: the freedesktop
// hicolor sizes (16…512) and those Windows puts in an .ico (16…256).
var Sizes = []int{16, 22, 24, 32, 48, 64, 128, 256, 512}

// render rasterizes the SVG at n×n pixels on a transparent background with
// Fyne's own SVG renderer (oksvg), the one the window icon goes through.
func render(svg []byte, n int) (*image.NRGBA, error) {
	if n <= 0 {
		return nil, fmt.Errorf("icon size %d", n)
	}
	test.NewApp() // the software painter needs an app (its cache, its theme)
	img := canvas.NewImageFromResource(fyne.NewStaticResource("icon.svg", svg))
	img.FillMode = canvas.ImageFillStretch
	img.ScaleMode = canvas.ImageScaleSmooth
	c := software.NewTransparentCanvas()
	c.SetPadded(false)
	c.SetScale(1)
	c.SetContent(img)
	c.Resize(fyne.NewSize(float32(n), float32(n)))
	got := c.Capture()
	if b := got.Bounds(); b.Dx() != n || b.Dy() != n {
		return nil, fmt.Errorf("rendered %dx%d, want %dx%d", b.Dx(), b.Dy(), n, n)
	}
	out := image.NewNRGBA(image.Rect(0, 0, n, n))
	opaque := 0
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			out.Set(x, y, got.At(got.Bounds().Min.X+x, got.Bounds().Min.Y+y))
			if out.NRGBAAt(x, y).A > 0 {
				opaque++
			}
		}
	}
	if opaque == 0 {
		return nil, fmt.Errorf("the SVG rendered to nothing at %dx%d (not valid SVG, or only features the renderer lacks)", n, n)
	}
	return out, nil
}

// encodePNG writes img as a PNG with the best compression, deterministically.
func encodePNG(img image.Image) ([]byte, error) {
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
