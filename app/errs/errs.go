// Package errs defines the typed domain error every layer returns to the
// user: a stable code that is also the translation key, plus named arguments.
// The UI and the CLI render it in the clerk's language through package i18n.
package errs

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Code is a stable error identifier. It doubles as the translation key
// ("err." + code) and as the machine-readable code in spctl's JSON output.
type Code string

var (
	mu       sync.Mutex
	registry = map[Code]bool{}
)

// Register declares a code so that tests can check every code has a
// translation in every language. Call it from package-level var blocks.
func Register(code string) Code {
	mu.Lock()
	defer mu.Unlock()
	c := Code(code)
	if registry[c] {
		panic("errs: code registered twice: " + code)
	}
	registry[c] = true
	return c
}

// Codes lists every registered code, sorted.
func Codes() []Code {
	mu.Lock()
	defer mu.Unlock()
	out := slices.Collect(maps.Keys(registry))
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Key is the translation key of a code.
func (c Code) Key() string { return "err." + string(c) }

// Error is a domain error a user can act on.
type Error struct {
	Code Code
	// Args are the named values the translated message refers to
	// ({{.Track}}, {{.At}}…). Values are strings, ints or time.Time.
	Args map[string]any
	// Err is an optional underlying cause, kept for logs.
	Err error
}

// New builds an Error from a code and alternating name/value pairs.
func New(code Code, kv ...any) *Error {
	e := &Error{Code: code, Args: map[string]any{}}
	for i := 0; i+1 < len(kv); i += 2 {
		name, _ := kv[i].(string)
		e.Args[name] = kv[i+1]
	}
	return e
}

// Wrap is New with an underlying cause.
func Wrap(err error, code Code, kv ...any) *Error {
	e := New(code, kv...)
	e.Err = err
	return e
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.Code))
	keys := slices.Sorted(maps.Keys(e.Args))
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%v", k, e.Args[k])
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Is matches another *Error by code, so errors.Is(err, errs.New(code)) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// CodeOf returns the code of the first *Error in err's chain, or "".
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// Has reports whether err carries the given code.
func Has(err error, code Code) bool { return CodeOf(err) == code }
