package i18n

// Printer binds a catalog to one language for code that renders many
// strings. A nil C means Default().
type Printer struct {
	C *Catalog
	L Lang
}

func (p Printer) cat() *Catalog {
	if p.C == nil {
		return Default()
	}
	return p.C
}

// T translates key; kv are alternating name, value pairs as in errs.New.
func (p Printer) T(key string, kv ...any) string {
	return p.cat().T(p.L, key, Args(kv...))
}

// N translates a plural key for count n (see Catalog.N).
func (p Printer) N(key string, n int, kv ...any) string {
	return p.cat().N(p.L, key, n, Args(kv...))
}

// Has reports whether key has a text in the printer's language (or the
// fallback): for data whose keys are open-ended, like event details.
func (p Printer) Has(key string) bool {
	return p.cat().Has(p.L, key)
}

// Err renders an error for the user (see Catalog.Err).
func (p Printer) Err(err error) string {
	return p.cat().Err(p.L, err)
}

// Args builds an argument map from alternating name, value pairs. Pairs
// with a non-string name and a trailing odd value are ignored.
func Args(kv ...any) map[string]any {
	if len(kv) < 2 {
		return nil
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		if name, ok := kv[i].(string); ok {
			m[name] = kv[i+1]
		}
	}
	return m
}
