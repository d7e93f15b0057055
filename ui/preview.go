package ui

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	qrcode "github.com/skip2/go-qrcode"

	"smartpoint/device/escpos"
	"smartpoint/device/receipt"
)

// previewTextSize is a printed character on screen: a 58 mm line of 32
// characters is about 330 px wide.
const previewTextSize = 15

// paperView draws a document as the printer lays it out — the same lines
// receipt.Render prints — black on white whatever the theme: it is paper.
func (u *UI) paperView(doc receipt.Doc, p escpos.Profile) fyne.CanvasObject {
	l := p.Layout()
	box := container.NewVBox()
	text := func(s string, st escpos.Style) {
		t := canvas.NewText(s, color.Black)
		t.TextStyle = fyne.TextStyle{Monospace: true, Bold: st.Bold}
		t.TextSize = previewTextSize * float32(max(1, st.Height))
		box.Add(t)
	}
	for _, ln := range receipt.Lines(doc, p) {
		st := ln.Style.Normal()
		switch ln.Kind {
		case escpos.LineText:
			// Double-width text takes two columns a character: pad it as
			// the printer positions it.
			text(l.Align(ln.Text, st.Align, st.Width), st)
		case escpos.LineBarcode:
			if ln.Barcode != nil {
				text(l.Align("||| "+ln.Barcode.Data+" |||", escpos.AlignCenter, 1), escpos.Style{Bold: true})
			}
		case escpos.LineQR:
			if ln.QR != nil {
				if q, err := qrcode.New(ln.QR.Data, qrcode.Medium); err == nil {
					img := canvas.NewImageFromImage(q.Image(160))
					img.FillMode = canvas.ImageFillOriginal
					box.Add(container.NewCenter(img))
				}
			}
		case escpos.LineImage:
			if ln.Image != nil {
				img := canvas.NewImageFromImage(ln.Image)
				img.FillMode = canvas.ImageFillOriginal
				img.ScaleMode = canvas.ImageScalePixels
				box.Add(container.NewCenter(img))
			}
		case escpos.LineCut:
			key := "print.cut"
			if ln.Tear {
				key = "print.tear"
			}
			text(l.Align(strings.Repeat("- ", 3)+u.T(key)+strings.Repeat(" -", 3), escpos.AlignCenter, 1), escpos.Style{})
		case escpos.LineDrawer:
			text(l.Align(u.T("print.drawer"), escpos.AlignCenter, 1), escpos.Style{})
		}
	}
	return container.NewStack(canvas.NewRectangle(color.White), container.NewPadded(box))
}
