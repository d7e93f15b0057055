// Package serialscan reads barcode scanners that talk over a serial port:
// RS-232, or USB in "COM / virtual COM port (VCP / USB-CDC)" mode, which
// shows up as /dev/ttyACM0 on Linux and COMn on Windows.
//
// # Why COM mode
//
// A scanner in keyboard (HID wedge) mode types its code through the
// operating system's keyboard layout into whatever window has focus. That
// turns "ABC123" into "ФИС123" while the Russian layout is active, loses a
// scan when a dialog has focus, and cannot type GS (0x1D), the separator
// inside GS1 DataMatrix marking codes (Честный знак). In COM mode the code
// arrives byte for byte on a port only this package reads, whatever the
// focus and layout. The wedge decoder (device/wedge) stays for scanners
// that cannot be switched; both produce the same scan for the app (see
// [Scan.Result]), so the router treats them alike.
//
// # Frames
//
// A serial stream has no message boundaries, so the [Decoder] cuts it into
// frames on the scanner's terminator ([Suffix]: CR, LF, CRLF) or, for a
// scanner programmed without one, on an idle gap. It is pure: bytes and
// their arrival time go in, frames come out; no clock, no I/O, so tests and
// the fuzzer drive it with explicit timestamps. A frame that is not a clean
// code (line noise at plug-in, a wrong baud rate's garbage, a code cut by
// an unplug, a code that stalled before its suffix) is rejected with a
// [Reason] for the log and never delivered: a wrong scan marks the wrong
// parcel, a missing one only makes the clerk scan again. GS is the one
// control character kept, because GS1 codes legitimately contain it; the
// app's classifier (app/scan) splits the element strings on it.
//
// # Finding the scanner
//
// Port names are not stable: a replug can turn ttyACM0 into ttyACM1, and
// Windows hands out COM numbers per USB socket. A scanner is therefore
// configured by its USB vendor and product IDs ([Match], plus its serial
// number when two identical scanners are attached) and looked up again
// after every disconnect. A fixed port name ([Config.Port]) is for real
// RS-232 ports, which have no USB IDs.
//
// # Supervision
//
// [Start] runs one goroutine per scanner that connects, reads, and on any
// error closes the port, drops the partial frame, reports [Disconnected],
// backs off (250 ms doubling to 5 s, with jitter, so an absent scanner
// costs nothing) and looks again. While connected it re-enumerates every
// 2 s and closes the port itself when the device left the list: some
// Windows drivers let a read hang forever after an unplug instead of
// failing. Status changes go to a callback for the status bar. A [Manager]
// runs several scanners and merges their scans into one channel.
//
// Timers come from an injectable [Clock], so tests step backoff and
// re-enumeration without sleeping; reads and idle gaps use the real tty.
package serialscan
