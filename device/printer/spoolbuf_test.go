package printer

import (
	"encoding/binary"
	"testing"
	"unicode/utf16"
)

func TestDatatypeFor(t *testing.T) {
	for attrs, want := range map[uint32]string{0: "RAW", 0x1: "RAW", 0x2: "XPS_PASS", 0x3: "XPS_PASS", 0x4 | 0x8: "RAW", 0x2 | 0x400: "XPS_PASS"} {
		if got := datatypeFor(attrs); got != want {
			t.Errorf("datatypeFor(%#x) = %s, want %s", attrs, got, want)
		}
	}
}

// The offsets match the Windows SDK's DRIVER_INFO_8W: 168 on 64-bit.
func TestDriverInfo8Attributes(t *testing.T) {
	for ptr, off := range map[int]int{8: 168, 4: 96} {
		if got := driverInfo8AttrOffset(ptr); got != off {
			t.Errorf("%d-byte pointers: offset %d, want %d", ptr, got, off)
		}
		buf := make([]byte, off+40)
		binary.LittleEndian.PutUint32(buf[off:], 0x2|0x1)
		if a, err := driverInfo8Attributes(buf, ptr); err != nil || a != 0x3 {
			t.Errorf("%d-byte pointers: attributes %#x, %v", ptr, a, err)
		}
		if _, err := driverInfo8Attributes(buf[:off+2], ptr); err == nil {
			t.Errorf("%d-byte pointers: short buffer accepted", ptr)
		}
	}
}

// printerInfo4Buffer lays out PRINTER_INFO_4W records the way
// EnumPrintersW does: records first, then the strings, with pointers as
// addresses relative to base.
func printerInfo4Buffer(base uint64, ptrSize int, ps []spoolPrinter) []byte {
	size := align(2*ptrSize+4, ptrSize)
	buf := make([]byte, size*len(ps))
	putPtr := func(off int, v uint64) {
		if ptrSize == 4 {
			binary.LittleEndian.PutUint32(buf[off:], uint32(v))
		} else {
			binary.LittleEndian.PutUint64(buf[off:], v)
		}
	}
	addString := func(s string) uint64 {
		if s == "" {
			return 0
		}
		at := base + uint64(len(buf))
		for _, u := range utf16.Encode([]rune(s)) {
			buf = binary.LittleEndian.AppendUint16(buf, u)
		}
		buf = binary.LittleEndian.AppendUint16(buf, 0)
		return at
	}
	for i, p := range ps {
		rec := i * size
		putPtr(rec, addString(p.Name))
		putPtr(rec+ptrSize, addString(p.Server))
		binary.LittleEndian.PutUint32(buf[rec+2*ptrSize:], p.Attributes)
	}
	return buf
}

func TestParsePrinterInfo4(t *testing.T) {
	want := []spoolPrinter{
		{Name: "XP-80C", Attributes: 0x40},
		{Name: "Чековый принтер 🧾", Attributes: 0x840},
		{Name: `\\srv\ZDesigner GK420d`, Server: `\\srv`, Attributes: 0x10},
	}
	for _, ptr := range []int{4, 8} {
		const base = 0x7ff0_1000
		buf := printerInfo4Buffer(base, ptr, want)
		got, err := parsePrinterInfo4(buf, base, len(want), ptr)
		if err != nil {
			t.Fatalf("%d-byte pointers: %v", ptr, err)
		}
		if len(got) != len(want) {
			t.Fatalf("%d-byte pointers: %+v", ptr, got)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%d-byte pointers: record %d = %+v, want %+v", ptr, i, got[i], want[i])
			}
		}
		if _, err := parsePrinterInfo4(buf, base+4096, len(want), ptr); err == nil {
			t.Errorf("%d-byte pointers: pointers outside the buffer accepted", ptr)
		}
		if _, err := parsePrinterInfo4(buf[:10], base, len(want), ptr); err == nil {
			t.Errorf("%d-byte pointers: records past the end accepted", ptr)
		}
	}
}

func TestUTF16z(t *testing.T) {
	b := []byte{'A', 0, 0x1F, 0x04, 0, 0, 'x', 0}
	if s, err := utf16z(b); err != nil || s != "AП" {
		t.Errorf("utf16z = %q, %v", s, err)
	}
	if _, err := utf16z(b[:4]); err == nil {
		t.Error("an unterminated string was accepted")
	}
}

func TestSpoolerFound(t *testing.T) {
	got := spoolerFound([]spoolPrinter{{Name: "XP-80C"}, {Name: `\\srv\Labels`, Server: `\\srv`}}, "XP-80C")
	if len(got) != 2 || !got[0].Default || got[1].Default ||
		got[0].Transport != (TransportConfig{Kind: TransportWindows, Address: "XP-80C"}) || got[1].Name != `\\srv\Labels (\\srv)` {
		t.Errorf("spoolerFound = %+v", got)
	}
}
