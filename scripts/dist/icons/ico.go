package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// icoSizes go into smartpoint.ico: what Windows shows from 16 px (title
// bars, small lists) to 256 px (large tiles). Each image is stored as a
// PNG, which Windows reads since Vista and makensis, wixl and go-winres
// all accept.
var icoSizes = []int{16, 24, 32, 48, 64, 128, 256}

// encodeICO builds a .ico file from PNG images keyed by size.
func encodeICO(pngs map[int][]byte) ([]byte, error) {
	var b bytes.Buffer
	le := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	le(uint16(0))             // reserved
	le(uint16(1))             // type: icon
	le(uint16(len(icoSizes))) // images
	offset := 6 + 16*len(icoSizes)
	for _, n := range icoSizes {
		data, ok := pngs[n]
		if !ok {
			return nil, fmt.Errorf("ico: no %dx%d image", n, n)
		}
		dim := uint8(n)
		if n >= 256 {
			dim = 0 // 0 means 256
		}
		b.WriteByte(dim) // width
		b.WriteByte(dim) // height
		b.WriteByte(0)   // palette colours
		b.WriteByte(0)   // reserved
		le(uint16(1))    // colour planes
		le(uint16(32))   // bits per pixel
		le(uint32(len(data)))
		le(uint32(offset))
		offset += len(data)
	}
	for _, n := range icoSizes {
		b.Write(pngs[n])
	}
	return b.Bytes(), nil
}
