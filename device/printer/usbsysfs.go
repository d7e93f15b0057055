package printer

import (
	"cmp"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// usbPrinter is a usblp device as sysfs describes it.
type usbPrinter struct {
	Node         string // "lp0"
	Path         string // "/dev/usb/lp0"
	VID, PID     string // "0416", "5011"
	Serial       string
	Manufacturer string
	Product      string
}

var lpName = regexp.MustCompile(`^lp([0-9]+)$`)

// usbPrinters lists the usblp devices: /sys/class/usbmisc/lpN links to
// the USB interface, whose parent directory is the device with idVendor,
// idProduct, serial, manufacturer and product. No sysfs (not Linux, or
// usblp not loaded) is an empty list.
func (h Host) usbPrinters() ([]usbPrinter, error) {
	dir := filepath.Join(h.sysfsRoot(), "class", "usbmisc")
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []usbPrinter
	for _, e := range entries {
		if !lpName.MatchString(e.Name()) {
			continue // hiddevN and other usbmisc devices
		}
		// EvalSymlinks before "..": filepath.Join would drop "device/.."
		// lexically and read the class directory instead.
		iface, err := filepath.EvalSymlinks(filepath.Join(dir, e.Name(), "device"))
		if err != nil {
			continue // gone while listing
		}
		dev := filepath.Dir(iface)
		p := usbPrinter{
			Node:         e.Name(),
			Path:         filepath.Join(h.devRoot(), "usb", e.Name()),
			VID:          sysAttr(dev, "idVendor"),
			PID:          sysAttr(dev, "idProduct"),
			Serial:       sysAttr(dev, "serial"),
			Manufacturer: sysAttr(dev, "manufacturer"),
			Product:      sysAttr(dev, "product"),
		}
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b usbPrinter) int { return cmp.Compare(lpNumber(a.Node), lpNumber(b.Node)) })
	return out, nil
}

func sysAttr(dir, name string) string {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func lpNumber(node string) int {
	m := lpName.FindStringSubmatch(node)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(m[1])
	return n
}
