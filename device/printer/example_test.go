package printer_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"smartpoint/device/label"
	"smartpoint/device/printer"
)

// The app's wiring: a stored Config (from a preset) becomes a Transport,
// a job is built for the printer's language and printed.
func Example() {
	dir, _ := os.MkdirTemp("", "printer-example")
	defer os.RemoveAll(dir)

	preset, _ := printer.PresetByID("xprinter-xp-365b")
	cfg := preset.Config("labels-1", "Shelf labels", printer.TransportConfig{
		Kind:    printer.TransportFile, // on the counter: TransportUSB with a Match, or TransportTCP
		Address: filepath.Join(dir, "labels.prn"),
	})
	if err := cfg.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	tr, err := printer.Open(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer tr.Close()

	b, _ := cfg.Label.Builder()
	job, _ := b.Cell(label.Cell{Name: "A-1-07"})

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	switch err := printer.Print(ctx, tr, job); {
	case errors.Is(err, printer.ErrPaperOut):
		fmt.Println("load paper")
	case errors.Is(err, printer.ErrOffline):
		fmt.Println("printer is off; the job stays in the outbox")
	case err != nil:
		fmt.Println(err)
	default:
		out, _ := os.ReadFile(cfg.Transport.Address)
		first, _, _ := strings.Cut(string(out), "\r\n")
		fmt.Println(first)
	}
	// Output: SIZE 58 mm,40 mm
}
