package printer

import (
	"context"
	"errors"
	"testing"
	"unsafe"

	"golang.org/x/sys/windows"
)

// These cover the pure parts of the spooler transport; the winspool calls
// themselves need a Windows machine with a printer installed.

func TestNewDocInfo1(t *testing.T) {
	for _, dt := range []string{datatypeRAW, datatypeXPSPass} {
		di, err := newDocInfo1("SmartPoint чек", dt)
		if err != nil {
			t.Fatal(err)
		}
		if got := windows.UTF16PtrToString(di.DocName); got != "SmartPoint чек" {
			t.Errorf("DocName %q", got)
		}
		if got := windows.UTF16PtrToString(di.Datatype); got != dt {
			t.Errorf("Datatype %q, want %q", got, dt)
		}
		if di.OutputFile != nil {
			t.Error("OutputFile set: the job would go to a file")
		}
	}
	if _, err := newDocInfo1("bad\x00name", datatypeRAW); err == nil {
		t.Error("a NUL in the document name was accepted")
	}
	if got := unsafe.Sizeof(docInfo1{}); got != uintptr(3*ptrSize) {
		t.Errorf("DOC_INFO_1W is %d bytes, want three pointers", got)
	}
}

// driverInfo8W mirrors DRIVER_INFO_8W. On 64-bit Windows Go lays it out
// as the SDK does, which cross-checks the hand-computed offset.
type driverInfo8W struct {
	CVersion                    uint32
	Strings1                    [10]*uint16
	FtDriverDate                windows.Filetime
	DwlDriverVersion            uint64
	Strings2                    [8]*uint16
	DwPrinterDriverAttributes   uint32
	PszzCoreDriverDependencies  *uint16
	FtMinInboxDriverVerDate     windows.Filetime
	DwlMinInboxDriverVerVersion uint64
}

func TestDriverInfo8OffsetMatchesSDK(t *testing.T) {
	if ptrSize != 8 {
		t.Skip("Go aligns uint64 to 4 bytes on 386, MSVC to 8: the mirror struct is only exact on 64-bit")
	}
	var d driverInfo8W
	if got, want := int(unsafe.Offsetof(d.DwPrinterDriverAttributes)), driverInfo8AttrOffset(ptrSize); got != want {
		t.Errorf("dwPrinterDriverAttributes at %d, computed %d", got, want)
	}
	if unsafe.Sizeof(d) != 200 {
		t.Errorf("DRIVER_INFO_8W is %d bytes, the SDK says 200", unsafe.Sizeof(d))
	}
}

// A buffer laid out by EnumPrintersW, at its real address in memory.
func TestParsePrinterInfo4Native(t *testing.T) {
	want := []spoolPrinter{{Name: "XP-80C", Attributes: 0x40}, {Name: "Этикетки", Server: `\\srv`, Attributes: 0x10}}
	buf := printerInfo4Buffer(0, ptrSize, want)
	// Rebase the pointers to where buf really is.
	base := uintptr(unsafe.Pointer(&buf[0]))
	rebased := printerInfo4Buffer(uint64(base), ptrSize, want)
	copy(buf, rebased)
	got, err := parsePrinterInfo4(buf, uintptr(unsafe.Pointer(&buf[0])), len(want), ptrSize)
	if err != nil || len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("parsePrinterInfo4 = %+v, %v", got, err)
	}
}

func TestUTF16MatchesWindows(t *testing.T) {
	for _, s := range []string{"", "Generic / Text Only", "Чековый принтер", "🧾 XP-58"} {
		u, err := windows.UTF16FromString(s)
		if err != nil {
			t.Fatal(err)
		}
		b := unsafe.Slice((*byte)(unsafe.Pointer(&u[0])), 2*len(u))
		if got, err := utf16z(b); err != nil || got != s {
			t.Errorf("utf16z(%q) = %q, %v", s, got, err)
		}
	}
}

func TestSpoolerHasNoStatus(t *testing.T) {
	tr, err := Open(Config{Kind: KindReceipt, Transport: TransportConfig{Kind: TransportWindows, Address: "XP-80C"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := tr.(*Spooler); !ok {
		t.Fatalf("Open() = %T, want *Spooler", tr)
	}
	if _, err := tr.Status(context.Background()); !errors.Is(err, ErrNoStatus) {
		t.Errorf("Status() = %v, want ErrNoStatus", err)
	}
}
