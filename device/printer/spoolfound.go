package printer

// spoolerFound turns spooler printers into Found entries, marking the
// default one.
func spoolerFound(list []spoolPrinter, defaultName string) []Found {
	out := make([]Found, 0, len(list))
	for _, p := range list {
		name := p.Name
		if p.Server != "" {
			name += " (" + p.Server + ")"
		}
		out = append(out, Found{
			Name:      name,
			Transport: TransportConfig{Kind: TransportWindows, Address: p.Name},
			Default:   p.Name == defaultName,
		})
	}
	return out
}
