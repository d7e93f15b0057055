// Package printer delivers print jobs to receipt and label printers and
// finds them: transports (file, network, serial, Linux USB, Windows
// spooler), discovery, and printer settings with presets for common
// models.
//
// # Raw printing
//
// Jobs are bytes in the printer's own language (ESC/POS from
// device/escpos, TSPL or ZPL from device/label) and reach the printer
// unchanged: no driver renders pages, no CUPS filter or GDI rasterises
// text. A thermal printer's built-in fonts, barcodes and cutter commands
// are faster and sharper than any bitmap, a job is a few kilobytes, and
// the same bytes print the same way whether the printer hangs on USB, a
// COM port or the network.
//
// # Code pages per family
//
// Raw text is one byte per character in the printer's code page, so the
// settings carry an [escpos.Profile] per printer: the firmware family
// (Epson and the Chinese clones number the same code page differently
// in ESC t), CP866 for Cyrillic on every preset because every clone has
// it, the paper width, and whether QR codes are native (GS ( k) or must
// be sent as a raster image (cheap 58 mm units). Label printers have no
// ESC/POS code pages: see device/label for transliteration (TSPL) and
// UTF-8 (ZPL).
//
// # Why VID:PID
//
// Linux numbers usblp devices in plug order and serial adapters likewise
// (/dev/usb/lp0, /dev/ttyUSB0), Windows hands out COM numbers per USB
// port: after a replug the same printer can be lp1 or COM7. A
// [TransportConfig] can therefore carry a [Match] (USB vendor and product
// ID, plus the serial number that tells identical printers apart), and
// [Open] looks the device up by it at every connect; [Resolve] and
// [Host.Locate] report where it is now. The IDs come from sysfs
// (/sys/class/usbmisc/lpN/device/..) and from go.bug.st/serial's
// enumerator.
//
// # Why XPS_PASS
//
// On Windows a printer is reached through the spooler with a RAW job
// (OpenPrinter, StartDocPrinter, WritePrinter). Printers installed with
// a v4 (XPS) driver run every job through an XPS filter pipeline that
// discards a RAW job without an error: the job "prints" and nothing comes
// out. The [Spooler] transport reads the driver's attributes and sends
// such jobs as XPS_PASS, which that pipeline passes through untouched.
// The spooler gives no read-back, so Windows printers have no status.
//
// # Status and errors
//
// Where the link is two-way (network, serial, usblp) [Transport.Status]
// asks an ESC/POS printer DLE EOT 1, 2 and 4; [Print] checks it before
// each job so the clerk hears "out of paper" instead of losing a receipt.
// A printer that does not answer, and every one-way link, reports
// [ErrNoStatus], which Print treats as "go ahead". Every failure is an
// [*Error] naming the device and wrapping one kind the UI can explain:
// [ErrOffline], [ErrPermission], [ErrTimeout], [ErrPaperOut],
// [ErrCoverOpen], [ErrNotReady], [ErrConfig], or context.Canceled.
//
// Jobs are not queued here: the app keeps them in its outbox and runs one
// print worker per printer, which calls Print and retries later on
// ErrOffline.
package printer
