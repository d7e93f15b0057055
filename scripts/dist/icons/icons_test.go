package main

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

const (
	svgFile = "../../../assets/icon/smartpoint.svg"
	pngDir  = "../../../assets/icon/png"
)

// The committed PNGs are what the SVG renders to today: someone who edits
// the SVG must run `make icons`. A small per-channel tolerance lets a
// Fyne upgrade change anti-aliasing without failing the build.
func TestPNGsMatchSVG(t *testing.T) {
	svg, err := os.ReadFile(svgFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range Sizes {
		want, err := render(svg, n)
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(filepath.Join(pngDir, pngName(n)))
		if err != nil {
			t.Fatalf("%v (run make icons)", err)
		}
		got, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", pngName(n), err)
		}
		if b := got.Bounds(); b.Dx() != n || b.Dy() != n {
			t.Errorf("%s is %dx%d, want %dx%d", pngName(n), b.Dx(), b.Dy(), n, n)
			continue
		}
		if d := meanDiff(got, want); d > 2 {
			t.Errorf("%s differs from the SVG by %.1f/255 per channel on average: run make icons", pngName(n), d)
		}
	}
}

// The committed .ico holds exactly the committed PNGs at icoSizes.
func TestICOMatchesPNGs(t *testing.T) {
	pngs := map[int][]byte{}
	for _, n := range icoSizes {
		b, err := os.ReadFile(filepath.Join(pngDir, pngName(n)))
		if err != nil {
			t.Fatal(err)
		}
		pngs[n] = b
	}
	want, err := encodeICO(pngs)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../../assets/icon/smartpoint.ico")
	if err != nil {
		t.Fatalf("%v (run make icons)", err)
	}
	if !bytes.Equal(got, want) {
		t.Error("assets/icon/smartpoint.ico is not built from the PNGs: run make icons")
	}
	delete(pngs, 48)
	if _, err := encodeICO(pngs); err == nil {
		t.Error("a missing size must be an error")
	}
}

func TestICOHeader(t *testing.T) {
	pngs := map[int][]byte{}
	for _, n := range icoSizes {
		pngs[n] = []byte{byte(n)}
	}
	ico, err := encodeICO(pngs)
	if err != nil {
		t.Fatal(err)
	}
	if ico[2] != 1 || int(ico[4]) != len(icoSizes) {
		t.Fatalf("header % x", ico[:6])
	}
	last := 6 + 16*(len(icoSizes)-1)
	if ico[last] != 0 || ico[last+1] != 0 {
		t.Errorf("256 px must be stored as 0×0, got %d×%d", ico[last], ico[last+1])
	}
	if len(ico) != 6+16*len(icoSizes)+len(icoSizes) {
		t.Errorf("size %d", len(ico))
	}
}

func TestIconCorners(t *testing.T) {
	svg, err := os.ReadFile(svgFile)
	if err != nil {
		t.Fatal(err)
	}
	img, err := render(svg, 64)
	if err != nil {
		t.Fatal(err)
	}
	// A rounded tile with a margin: transparent corners, an opaque centre.
	if a := img.NRGBAAt(0, 0).A; a != 0 {
		t.Errorf("corner alpha %d, want transparent", a)
	}
	if a := img.NRGBAAt(32, 32).A; a != 255 {
		t.Errorf("centre alpha %d, want opaque", a)
	}
}

func TestRenderRejectsEmpty(t *testing.T) {
	if _, err := render([]byte(`<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"></svg>`), 16); err == nil {
		t.Error("an SVG that draws nothing must be an error")
	}
	if _, err := render([]byte("not svg"), 16); err == nil {
		t.Error("garbage must be an error")
	}
}

func TestEncodeDeterministic(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 4, 4))
	a, _ := encodePNG(img)
	b, _ := encodePNG(img)
	if !bytes.Equal(a, b) {
		t.Error("the same image must encode to the same bytes (no churn in git)")
	}
}

func meanDiff(a, b image.Image) float64 {
	var sum, n float64
	r := a.Bounds()
	for y := 0; y < r.Dy(); y++ {
		for x := 0; x < r.Dx(); x++ {
			r1, g1, b1, a1 := a.At(r.Min.X+x, r.Min.Y+y).RGBA()
			r2, g2, b2, a2 := b.At(b.Bounds().Min.X+x, b.Bounds().Min.Y+y).RGBA()
			for _, p := range [][2]uint32{{r1, r2}, {g1, g2}, {b1, b2}, {a1, a2}} {
				d := float64(p[0]>>8) - float64(p[1]>>8)
				if d < 0 {
					d = -d
				}
				sum += d
				n++
			}
		}
	}
	return sum / n
}
