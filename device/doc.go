// Package device talks to the hardware on a counter: serial and
// keyboard-wedge scanners, ESC/POS receipt and TSPL/ZPL label printers.
// It imports no Fyne and no app package; the app uses it through small
// interfaces. The drivers arrive with the devices issue.
package device
