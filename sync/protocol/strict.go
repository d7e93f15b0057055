package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// encoding/json matches field names without regard to case and lets a
// repeated key win silently; the protocol names fields exactly, once. So
// before decoding, every object's keys are checked against the exact
// names of the type at that place, and repeats are refused. The content
// of raw fields (an event's payload, a change's data) is the sender's own
// JSON and is not looked into.

// fieldSet is what one struct allows: its exact JSON names, the type of
// each field's value, and which of them are raw JSON.
type fieldSet struct {
	names map[string]reflect.Type
}

var (
	fieldSetsMu sync.Mutex
	fieldSets   = map[reflect.Type]*fieldSet{}
	rawType     = reflect.TypeFor[json.RawMessage]()
)

func fieldsOf(t reflect.Type) *fieldSet {
	fieldSetsMu.Lock()
	defer fieldSetsMu.Unlock()
	if fs, ok := fieldSets[t]; ok {
		return fs
	}
	fs := &fieldSet{names: map[string]reflect.Type{}}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fs.names[name] = f.Type
	}
	fieldSets[t] = fs
	return fs
}

// checkKeys walks body as a value of type t.
func checkKeys(body []byte, t reflect.Type) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	return walk(dec, t, "")
}

func walk(dec *json.Decoder, t reflect.Type, path string) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return nil // a scalar: its type is encoding/json's business
	}
	switch {
	case t == rawType || t == nil:
		return skip(dec, delim)
	case delim == '[':
		var elem reflect.Type
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			elem = t.Elem()
		}
		for i := 0; dec.More(); i++ {
			if err := walk(dec, elem, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		_, err := dec.Token()
		return err
	case t.Kind() == reflect.Map:
		seen := map[string]bool{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return err
			}
			key, _ := k.(string)
			if seen[key] {
				return fmt.Errorf("%s: key %q repeated", path, key)
			}
			seen[key] = true
			if err := walk(dec, t.Elem(), path+"."+key); err != nil {
				return err
			}
		}
		_, err := dec.Token()
		return err
	case t.Kind() == reflect.Struct:
		fs := fieldsOf(t)
		seen := map[string]bool{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return err
			}
			key, _ := k.(string)
			ft, known := fs.names[key]
			if !known {
				return fmt.Errorf("%s: unknown field %q", strings.TrimPrefix(path, "."), key)
			}
			if seen[key] {
				return fmt.Errorf("%s: key %q repeated", strings.TrimPrefix(path, "."), key)
			}
			seen[key] = true
			if err := walk(dec, ft, path+"."+key); err != nil {
				return err
			}
		}
		_, err := dec.Token()
		return err
	default:
		return skip(dec, delim)
	}
}

// skip reads past the rest of an object or array whose opening delim
// was read.
func skip(dec *json.Decoder, open json.Delim) error {
	if open != '{' && open != '[' {
		return nil
	}
	depth := 1
	for depth > 0 {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				depth++
			default:
				depth--
			}
		}
	}
	return nil
}
