package hardware

import (
	"fmt"

	"smartpoint/device/label"
	"smartpoint/device/printer"
	"smartpoint/ui"
)

// Target is the printer a kind of document goes to: cell labels to the
// first label-role printer, else to the receipt printer; everything else
// to the first receipt-role printer. The test print names its printer
// (TargetByID) instead.
func (h *Hub) Target(kind string) (ui.Target, bool) {
	cfg := h.config()
	if kind == ui.DocCellLabel || kind == ui.DocBoxLabel {
		if p, ok := firstWithRole(cfg, ui.RoleLabel); ok {
			return target(p), true
		}
	}
	if p, ok := firstWithRole(cfg, ui.RoleReceipt); ok {
		return target(p), true
	}
	return ui.Target{}, false
}

// TargetByID is a configured printer by id (the test print).
func (h *Hub) TargetByID(id string) (ui.Target, bool) {
	p, ok := h.config().printerByID(id)
	if !ok {
		return ui.Target{}, false
	}
	return target(p), true
}

// CellLabel renders a shelf cell's label in t's language (TSPL or ZPL) on
// its loaded label stock.
func (h *Hub) CellLabel(t ui.Target, cell, code string) ([]byte, error) {
	return h.label(t, "cell label "+cell, func(b label.Builder) ([]byte, error) {
		return b.Cell(label.Cell{Name: cell, Code: code})
	})
}

// BoxLabel renders a return box's label: its number big and as a barcode,
// the partner, the parcels in it and the date.
func (h *Hub) BoxLabel(t ui.Target, box ui.BoxLabel) ([]byte, error) {
	return h.label(t, "box label "+box.Code, func(b label.Builder) ([]byte, error) {
		return b.ReturnBox(label.ReturnBox{Number: box.Code, Partner: box.Partner, Parcels: box.Parcels,
			ParcelsCaption: box.Caption, Date: box.Date})
	})
}

// label renders one label on label printer t.
func (h *Hub) label(t ui.Target, what string, build func(label.Builder) ([]byte, error)) ([]byte, error) {
	p, ok := h.config().printerByID(t.ID)
	if !ok {
		return nil, fmt.Errorf("%s: printer %q is not in the device set-up", what, t.ID)
	}
	if p.Kind != printer.KindLabel {
		return nil, fmt.Errorf("%s: %s is not a label printer", what, p.Name)
	}
	b, err := p.Label.Builder()
	if err != nil {
		return nil, fmt.Errorf("%s on %s: %w", what, p.Name, err)
	}
	data, err := build(b)
	if err != nil {
		return nil, fmt.Errorf("%s on %s: %w", what, p.Name, err)
	}
	return data, nil
}

func firstWithRole(c Config, role string) (PrinterConfig, bool) {
	for _, p := range c.Printers {
		if p.Role == role {
			return p, true
		}
	}
	return PrinterConfig{}, false
}

func target(p PrinterConfig) ui.Target {
	t := ui.Target{ID: p.ID, Name: p.Name, Label: p.Kind == printer.KindLabel}
	if !t.Label {
		t.Profile = p.Receipt
	}
	return t
}
