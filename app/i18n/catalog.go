package i18n

import (
	"errors"
	"maps"
	"slices"
	"sync"

	"smartpoint/app/errs"
	"smartpoint/assets"
)

// InternalKey is the generic message shown for errors that carry no
// domain code.
const InternalKey = "err.internal"

// Catalog holds all languages. It is immutable after Load, so it is safe
// for concurrent use.
type Catalog struct {
	langs map[Lang]map[string]*message
}

// Default returns the catalog of the embedded translation files, loaded
// once. It panics only if those files are broken, which the package tests
// rule out.
func Default() *Catalog { return defaultCatalog() }

var defaultCatalog = sync.OnceValue(func() *Catalog {
	c, err := Load(assets.FS, "i18n")
	if err != nil {
		panic(err)
	}
	return c
})

// lookup finds key in l, then in RU, and reports which language had it so
// plural rules match the text actually used.
func (c *Catalog) lookup(l Lang, key string) (*message, Lang) {
	if m := c.langs[l][key]; m != nil {
		return m, l
	}
	if m := c.langs[RU][key]; m != nil {
		return m, RU
	}
	return nil, ""
}

// T translates key into l with the named args. A missing key yields the
// key itself so the gap is visible; missing args render as "".
// time.Time args are formatted with TimeLayout in local time.
func (c *Catalog) T(l Lang, key string, args map[string]any) string {
	m, _ := c.lookup(l, key)
	if m == nil {
		return key
	}
	return render(m.forms["other"], key, args)
}

// N translates a plural key for count n; args also get "Count" = n.
// A plain (non-plural) key is used as is.
func (c *Catalog) N(l Lang, key string, n int, args map[string]any) string {
	m, ml := c.lookup(l, key)
	if m == nil {
		return key
	}
	t := m.forms[pluralForm(ml, n)]
	if t == nil {
		t = m.forms["other"]
	}
	a := make(map[string]any, len(args)+1)
	maps.Copy(a, args)
	a["Count"] = n
	return render(t, key, a)
}

func render(t *text, key string, args map[string]any) string {
	if s, ok := t.render(args); ok {
		return s
	}
	return key
}

// Err renders err for the user. Only *errs.Error is shown in detail; any
// other error becomes the generic InternalKey message because raw Go
// errors may contain paths or SQL (the caller logs the raw error).
// A nil error gives "".
func (c *Catalog) Err(l Lang, err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*errs.Error](err); ok && e != nil {
		return c.T(l, e.Code.Key(), e.Args)
	}
	return c.T(l, InternalKey, nil)
}

// Keys lists the keys defined in l's own file (no fallback), sorted.
func (c *Catalog) Keys(l Lang) []string {
	return slices.Sorted(maps.Keys(c.langs[l]))
}

// Has reports whether l's own file defines key (no fallback to RU).
func (c *Catalog) Has(l Lang, key string) bool {
	return c.langs[l][key] != nil
}
