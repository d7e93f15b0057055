package loyaltycard

import (
	"bytes"
	"image"
	"image/png"

	"smartpoint/app/errs"
)

// decodePNG reads an owner-supplied image. The size is checked from the
// header before the pixels are decoded, so a tiny file claiming a huge
// picture cannot exhaust memory.
func decodePNG(field string, b []byte) (image.Image, error) {
	bad := func(err error) error {
		return errs.Wrap(err, ErrBadImage, "Field", field, "MaxKB", MaxImageBytes/1024, "MaxPx", MaxImagePixels)
	}
	if len(b) > MaxImageBytes {
		return nil, bad(nil)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, bad(err)
	}
	if cfg.Width < 1 || cfg.Height < 1 || cfg.Width > MaxImagePixels || cfg.Height > MaxImagePixels {
		return nil, bad(nil)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, bad(err)
	}
	return img, nil
}

// fitInside is the largest rectangle with src's aspect ratio centred in
// box: logos and custom stamps are never stretched.
func fitInside(src image.Rectangle, box image.Rectangle) image.Rectangle {
	sw, sh := src.Dx(), src.Dy()
	bw, bh := box.Dx(), box.Dy()
	if sw <= 0 || sh <= 0 || bw <= 0 || bh <= 0 {
		return image.Rectangle{}
	}
	w, h := bw, sh*bw/sw
	if h > bh {
		w, h = sw*bh/sh, bh
	}
	w, h = max(w, 1), max(h, 1)
	x := box.Min.X + (bw-w)/2
	y := box.Min.Y + (bh-h)/2
	return image.Rect(x, y, x+w, y+h)
}
