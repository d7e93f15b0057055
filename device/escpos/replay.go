package escpos

// Replay lays decoded operations out as the printer would put them on
// paper: text lines with the style they start in, blank lines for
// feeds, barcodes, QR codes (native ones from their stored payload),
// images (the bands of one image joined), cuts and drawer kicks. It is
// the raw-job preview and what tests compare with a receipt's preview.
func Replay(ops []Op) []Line {
	r := &replayer{}
	r.reset()
	for _, op := range ops {
		r.op(op)
	}
	r.flush(false)
	return r.lines
}

type replayer struct {
	lines []Line
	st    Style
	buf   []rune
	start Style // style when the buffered line began

	bc       Barcode // height, module and HRI set so far
	qr       QR      // module and level set so far, Data the stored payload
	lastBand bool    // the last line is an image that may continue
}

// reset is the state after ESC @ (Epson defaults).
func (r *replayer) reset() {
	r.st = Style{}.Normal()
	r.buf = nil
	r.bc = Barcode{Height: 162, Module: 3}
	r.qr = QR{Module: 3, Level: QRLevelL}
}

func (r *replayer) add(l Line) {
	r.lines = append(r.lines, l)
	r.lastBand = false
}

// flush prints the buffered line; blank adds an empty line when there is
// none (LF on an empty buffer still feeds).
func (r *replayer) flush(blank bool) {
	if len(r.buf) == 0 {
		if blank {
			r.add(TextLine("", r.st))
		}
		return
	}
	r.add(TextLine(string(r.buf), r.start))
	r.buf = nil
}

func (r *replayer) op(op Op) {
	switch op.Kind {
	case OpText:
		if len(r.buf) == 0 {
			r.start = r.st
		}
		r.buf = append(r.buf, []rune(op.Text)...)
	case OpLF:
		r.flush(true)
	case OpFeed:
		if len(r.buf) > 0 {
			r.flush(false)
			op.N--
		}
		for range op.N {
			r.flush(true)
		}
	case OpFeedDots:
		r.flush(false)
	case OpInit:
		r.reset()
	case OpAlign:
		r.st.Align = Align(op.N)
	case OpBold:
		r.st.Bold = op.N != 0
	case OpUnderline:
		r.st.Underline = op.N != 0
	case OpSize:
		r.st.Width, r.st.Height = op.N>>4&7+1, op.N&7+1
	case OpPrintMode:
		r.st.Bold, r.st.Underline = op.N&0x08 != 0, op.N&0x80 != 0
		r.st.Width, r.st.Height = 1+op.N>>5&1, 1+op.N>>4&1
	case OpBarcodeHeight:
		r.bc.Height = op.N
	case OpBarcodeWidth:
		r.bc.Module = op.N
	case OpBarcodeHRI:
		r.bc.HRI = HRI(op.N)
	case OpBarcode:
		r.flush(false)
		bc := r.bc
		bc.Symbology, bc.Data = op.Symbology, op.Text
		r.add(Line{Kind: LineBarcode, Style: Style{Align: r.st.Align}.Normal(), Barcode: &bc})
	case OpQRModule:
		r.qr.Module = op.N
	case OpQRLevel:
		r.qr.Level = op.Level
	case OpQRStore:
		r.qr.Data = op.Text
	case OpQRPrint:
		r.flush(false)
		if r.qr.Data != "" {
			q := r.qr
			r.add(Line{Kind: LineQR, Style: Style{Align: r.st.Align}.Normal(), QR: &q})
		}
	case OpRaster:
		r.raster(op.Raster)
	case OpCut:
		r.flush(false)
		r.add(Line{Kind: LineCut, Partial: op.Partial})
	case OpDrawer:
		r.add(Line{Kind: LineDrawer, Pin: op.N})
	}
}

// raster adds an image, or joins it to the previous one when that was a
// full band of the same width: the builder splits tall images into bands
// of BandRows, so a shorter band is always an image's last.
func (r *replayer) raster(img *Raster) {
	r.flush(false)
	if img.Empty() {
		return
	}
	if n := len(r.lines); r.lastBand && n > 0 {
		prev := r.lines[n-1].Image
		if prev.Width == img.Width && prev.Height%BandRows == 0 {
			prev.Bits = append(prev.Bits, img.Bits...)
			prev.Height += img.Height
			r.lastBand = img.Height == BandRows
			return
		}
	}
	cp := *img
	cp.Bits = append([]byte(nil), img.Bits...)
	r.add(Line{Kind: LineImage, Style: Style{Align: r.st.Align}.Normal(), Image: &cp})
	r.lastBand = img.Height == BandRows
}
