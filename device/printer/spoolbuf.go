package printer

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf16"
)

// The winspool structures are read from the byte buffers the API fills,
// by offset, with the C layout rules spelled out here. A Go struct would
// do on amd64, but on 386 Go aligns 64-bit fields to 4 bytes and MSVC to
// 8, and parsing bytes can be tested on any system.

// Windows spooler constants.
const (
	printerDriverXPS       = 0x00000002 // DRIVER_INFO_8 PrinterDriverAttributes: an XPS (v4) driver
	printerEnumLocal       = 0x00000002
	printerEnumConnections = 0x00000004
	datatypeRAW            = "RAW"
	datatypeXPSPass        = "XPS_PASS"
)

// datatypeFor is the DOC_INFO_1 datatype for a driver: XPS_PASS for an
// XPS (v4) driver, which would otherwise drop RAW bytes and print
// nothing; RAW for GDI (v3) drivers, "Generic / Text Only" included.
func datatypeFor(driverAttributes uint32) string {
	if driverAttributes&printerDriverXPS != 0 {
		return datatypeXPSPass
	}
	return datatypeRAW
}

func align(off, to int) int { return (off + to - 1) / to * to }

// driverInfo8AttrOffset is where DRIVER_INFO_8W keeps
// dwPrinterDriverAttributes: after cVersion, ten string pointers
// (pName..pszzPreviousNames), a FILETIME, a DWORDLONG and eight more
// pointers (pszMfgName..pszInfPath). 168 on 64-bit, 96 on 32-bit.
func driverInfo8AttrOffset(ptrSize int) int {
	off := 4                               // cVersion
	off = align(off, ptrSize) + 10*ptrSize // pName .. pszzPreviousNames
	off = align(off, 4) + 8                // ftDriverDate
	off = align(off, 8) + 8                // dwlDriverVersion
	off = align(off, ptrSize) + 8*ptrSize  // pszMfgName .. pszInfPath
	return align(off, 4)                   // dwPrinterDriverAttributes
}

// driverInfo8Attributes reads dwPrinterDriverAttributes from a buffer
// GetPrinterDriverW level 8 filled.
func driverInfo8Attributes(buf []byte, ptrSize int) (uint32, error) {
	off := driverInfo8AttrOffset(ptrSize)
	if len(buf) < off+4 {
		return 0, fmt.Errorf("DRIVER_INFO_8 buffer of %d bytes, need %d", len(buf), off+4)
	}
	return binary.LittleEndian.Uint32(buf[off:]), nil
}

// spoolPrinter is one PRINTER_INFO_4W: name, server (empty for a local
// printer) and attributes.
type spoolPrinter struct {
	Name       string
	Server     string
	Attributes uint32
}

// parsePrinterInfo4 reads count PRINTER_INFO_4W records from buf, which
// the API filled at address base: records first, the strings they point
// to after them.
func parsePrinterInfo4(buf []byte, base uintptr, count, ptrSize int) ([]spoolPrinter, error) {
	size := align(2*ptrSize+4, ptrSize)
	if count < 0 || count*size > len(buf) {
		return nil, fmt.Errorf("%d PRINTER_INFO_4 records do not fit %d bytes", count, len(buf))
	}
	out := make([]spoolPrinter, 0, count)
	for i := range count {
		rec := buf[i*size:]
		name, err := utf16At(buf, base, readPtr(rec, 0, ptrSize))
		if err != nil {
			return nil, fmt.Errorf("printer %d name: %w", i, err)
		}
		server, err := utf16At(buf, base, readPtr(rec, ptrSize, ptrSize))
		if err != nil {
			return nil, fmt.Errorf("printer %d server: %w", i, err)
		}
		attrs := binary.LittleEndian.Uint32(rec[2*ptrSize:])
		out = append(out, spoolPrinter{Name: name, Server: server, Attributes: attrs})
	}
	return out, nil
}

func readPtr(b []byte, off, ptrSize int) uint64 {
	if ptrSize == 4 {
		return uint64(binary.LittleEndian.Uint32(b[off:]))
	}
	return binary.LittleEndian.Uint64(b[off:])
}

// utf16At reads the NUL-terminated UTF-16LE string at address ptr inside
// buf (which starts at base). A nil pointer is the empty string.
func utf16At(buf []byte, base uintptr, ptr uint64) (string, error) {
	if ptr == 0 {
		return "", nil
	}
	if ptr < uint64(base) || ptr-uint64(base) >= uint64(len(buf)) {
		return "", fmt.Errorf("string pointer %#x outside the buffer", ptr)
	}
	return utf16z(buf[ptr-uint64(base):])
}

// utf16z decodes a NUL-terminated UTF-16LE string from the start of b.
func utf16z(b []byte) (string, error) {
	var units []uint16
	for i := 0; i+1 < len(b); i += 2 {
		u := binary.LittleEndian.Uint16(b[i:])
		if u == 0 {
			return string(utf16.Decode(units)), nil
		}
		units = append(units, u)
	}
	return "", errors.New("string not terminated inside the buffer")
}
