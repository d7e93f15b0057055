//go:build windows

package printer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/windows"

	"smartpoint/device/escpos"
)

var (
	winspool               = windows.NewLazySystemDLL("winspool.drv")
	procOpenPrinterW       = winspool.NewProc("OpenPrinterW")
	procClosePrinter       = winspool.NewProc("ClosePrinter")
	procStartDocPrinterW   = winspool.NewProc("StartDocPrinterW")
	procStartPagePrinter   = winspool.NewProc("StartPagePrinter")
	procWritePrinter       = winspool.NewProc("WritePrinter")
	procEndPagePrinter     = winspool.NewProc("EndPagePrinter")
	procEndDocPrinter      = winspool.NewProc("EndDocPrinter")
	procAbortPrinter       = winspool.NewProc("AbortPrinter")
	procGetPrinterDriverW  = winspool.NewProc("GetPrinterDriverW")
	procEnumPrintersW      = winspool.NewProc("EnumPrintersW")
	procGetDefaultPrinterW = winspool.NewProc("GetDefaultPrinterW")
)

// ptrSize is the size of a pointer in the winspool structures of this
// process.
const ptrSize = int(unsafe.Sizeof(uintptr(0)))

// spoolChunk bounds one WritePrinter call, so a cancel is seen between
// calls and a direct-to-port printer is not handed megabytes at once.
const spoolChunk = 64 << 10

// DefaultDocName is the job name shown in the Windows print queue.
const DefaultDocName = "SmartPoint"

// Spooler prints through the Windows print spooler as a raw job: the
// bytes reach the printer as they are, the driver renders nothing. This
// is how a USB receipt or label printer installed in Windows (vendor
// driver, or "Generic / Text Only" on a USB00x port) is used.
//
//   - Datatype RAW for ordinary (GDI, v3) drivers, "Generic / Text Only"
//     included: it passes RAW bytes unchanged.
//   - Datatype XPS_PASS for XPS (v4) drivers (GetPrinterDriverW level 8,
//     PRINTER_DRIVER_XPS): a v4 driver accepts a RAW job and silently
//     prints nothing, XPS_PASS makes its filter pipeline pass the bytes.
//   - No read-back: the spooler gives no byte-level channel from the
//     printer, so Status returns ErrNoStatus and the worker prints
//     blind. A printer that is off shows up as a job stuck in the queue,
//     not as an error here (unless the queue is set to print directly).
type Spooler struct {
	Printer string // the printer's name in Windows
	DocName string // job name in the queue; "": DefaultDocName
}

func (s *Spooler) String() string { return "windows printer " + s.Printer }

// openSpooler is the transport for a Windows printer name ("" uses the
// default printer at each job).
func openSpooler(name string) (Transport, error) { return &Spooler{Printer: name}, nil }

// Write spools the job. The winspool calls block (a network printer's
// server may take long to answer), so they run on their own goroutine;
// on cancel Write returns at once and the job is aborted at the next
// chunk boundary.
func (s *Spooler) Write(ctx context.Context, job []byte) error {
	if err := ctx.Err(); err != nil {
		return classify(ctx, "write", s.String(), err)
	}
	var abort atomic.Bool
	res := make(chan error, 1)
	go func() { res <- s.spool(job, &abort) }()
	select {
	case err := <-res:
		return err
	case <-ctx.Done():
		abort.Store(true)
		return classify(ctx, "write", s.String(), ctx.Err())
	}
}

// spool runs one raw job: OpenPrinter, StartDoc, StartPage, WritePrinter
// until all is written, EndPage, EndDoc, ClosePrinter.
func (s *Spooler) spool(job []byte, abort *atomic.Bool) error {
	name := s.Printer
	if name == "" {
		var err error
		if name, err = defaultPrinter(); err != nil || name == "" {
			return fail("open", s.String(), ErrOffline, errors.Join(errors.New("no default printer"), err))
		}
	}
	dev := "windows printer " + name
	pname, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return fail("open", dev, ErrConfig, err)
	}
	var h windows.Handle
	if r, _, e := procOpenPrinterW.Call(uintptr(unsafe.Pointer(pname)), uintptr(unsafe.Pointer(&h)), 0); r == 0 {
		return fail("open", dev, kindOf(e), e)
	}
	defer procClosePrinter.Call(uintptr(h))

	datatype := datatypeRAW
	if attrs, err := driverAttributes(h); err != nil {
		slog.Debug("printer: driver attributes unknown; sending RAW", "printer", name, "err", err)
	} else {
		datatype = datatypeFor(attrs)
	}
	di, err := newDocInfo1(cmp.Or(s.DocName, DefaultDocName), datatype)
	if err != nil {
		return fail("write", dev, ErrConfig, err)
	}
	if r, _, e := procStartDocPrinterW.Call(uintptr(h), 1, uintptr(unsafe.Pointer(di))); r == 0 {
		return fail("start job", dev, kindOf(e), e)
	}
	if r, _, e := procStartPagePrinter.Call(uintptr(h)); r == 0 {
		procAbortPrinter.Call(uintptr(h))
		return fail("start page", dev, kindOf(e), e)
	}
	for len(job) > 0 {
		if abort.Load() {
			procAbortPrinter.Call(uintptr(h))
			return fail("write", dev, context.Canceled, nil)
		}
		n := min(len(job), spoolChunk)
		var written uint32
		r, _, e := procWritePrinter.Call(uintptr(h), uintptr(unsafe.Pointer(&job[0])), uintptr(n), uintptr(unsafe.Pointer(&written)))
		if r == 0 || written == 0 {
			procAbortPrinter.Call(uintptr(h))
			return fail("write", dev, kindOf(e), e)
		}
		job = job[written:]
	}
	if r, _, e := procEndPagePrinter.Call(uintptr(h)); r == 0 {
		procAbortPrinter.Call(uintptr(h))
		return fail("end page", dev, kindOf(e), e)
	}
	if r, _, e := procEndDocPrinter.Call(uintptr(h)); r == 0 {
		return fail("end job", dev, kindOf(e), e)
	}
	return nil
}

// Status: the spooler has no byte-level read-back.
func (s *Spooler) Status(context.Context) (escpos.Status, error) {
	return escpos.Status{}, fail("status", s.String(), ErrNoStatus, errors.New("the Windows spooler does not pass printer answers back"))
}

func (s *Spooler) Close() error { return nil }

// docInfo1 is DOC_INFO_1W.
type docInfo1 struct {
	DocName    *uint16
	OutputFile *uint16 // nil: print to the printer's port, not a file
	Datatype   *uint16
}

func newDocInfo1(doc, datatype string) (*docInfo1, error) {
	d, err := windows.UTF16PtrFromString(doc)
	if err != nil {
		return nil, fmt.Errorf("document name: %w", err)
	}
	t, err := windows.UTF16PtrFromString(datatype)
	if err != nil {
		return nil, fmt.Errorf("datatype: %w", err)
	}
	return &docInfo1{DocName: d, Datatype: t}, nil
}

// driverAttributes asks GetPrinterDriverW level 8 for the driver's
// PrinterDriverAttributes.
func driverAttributes(h windows.Handle) (uint32, error) {
	var need uint32
	procGetPrinterDriverW.Call(uintptr(h), 0, 8, 0, 0, uintptr(unsafe.Pointer(&need)))
	if need == 0 {
		return 0, errors.New("GetPrinterDriverW level 8 returned no size")
	}
	buf := make([]byte, need)
	if r, _, e := procGetPrinterDriverW.Call(uintptr(h), 0, 8, uintptr(unsafe.Pointer(&buf[0])), uintptr(need), uintptr(unsafe.Pointer(&need))); r == 0 {
		return 0, fmt.Errorf("GetPrinterDriverW: %w", e)
	}
	return driverInfo8Attributes(buf, ptrSize)
}

// enumPrinters lists local and connected printers with EnumPrintersW
// level 4, which reads the registry and never waits on print servers.
func enumPrinters() ([]spoolPrinter, error) {
	flags := uintptr(printerEnumLocal | printerEnumConnections)
	var need, count uint32
	procEnumPrintersW.Call(flags, 0, 4, 0, 0, uintptr(unsafe.Pointer(&need)), uintptr(unsafe.Pointer(&count)))
	if need == 0 {
		return nil, nil
	}
	buf := make([]byte, need)
	r, _, e := procEnumPrintersW.Call(flags, 0, 4, uintptr(unsafe.Pointer(&buf[0])), uintptr(need), uintptr(unsafe.Pointer(&need)), uintptr(unsafe.Pointer(&count)))
	if r == 0 {
		return nil, fmt.Errorf("EnumPrintersW: %w", e)
	}
	// Go's heap does not move objects: the addresses the API wrote into
	// buf stay valid for parsing.
	return parsePrinterInfo4(buf, uintptr(unsafe.Pointer(&buf[0])), int(count), ptrSize)
}

// defaultPrinter is the user's default printer, "" when none is set.
func defaultPrinter() (string, error) {
	var n uint32
	procGetDefaultPrinterW.Call(0, uintptr(unsafe.Pointer(&n)))
	if n == 0 {
		return "", nil
	}
	buf := make([]uint16, n)
	if r, _, e := procGetDefaultPrinterW.Call(uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&n))); r == 0 {
		if errors.Is(e, windows.ERROR_FILE_NOT_FOUND) {
			return "", nil
		}
		return "", fmt.Errorf("GetDefaultPrinterW: %w", e)
	}
	return windows.UTF16ToString(buf), nil
}

// spoolerPrinters is the spooler's part of Discover.
func spoolerPrinters() ([]Found, error) {
	list, err := enumPrinters()
	if err != nil {
		return nil, err
	}
	def, err := defaultPrinter()
	if err != nil {
		slog.Debug("printer: no default printer", "err", err)
	}
	return spoolerFound(list, def), nil
}
