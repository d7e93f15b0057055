package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
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

// checkKeys walks body as a value of type t. A well-formed body (nearly
// all of them) is walked by scanning its bytes; json.Decoder's Token,
// which walk uses, cost several times the decoding itself (a push's 500
// events). A malformed one goes through walk, for its error.
func checkKeys(body []byte, t reflect.Type) error {
	if json.Valid(body) {
		s := keyScanner{b: body}
		return s.value(t, nil)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	return walk(dec, t, "")
}

// keyScanner walks valid JSON (json.Valid said so) as walk does: the same
// checks, the same errors.
type keyScanner struct {
	b []byte
	i int
}

// keyPath is where a value is, built into walk's path only for an error.
type keyPath struct {
	up    *keyPath
	key   string
	index int // -1 for a key
}

func (p *keyPath) String() string {
	if p == nil {
		return ""
	}
	if p.index >= 0 {
		return fmt.Sprintf("%s[%d]", p.up, p.index)
	}
	return p.up.String() + "." + p.key
}

func (s *keyScanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// str reads a string at s.i and returns its value.
func (s *keyScanner) str() string {
	start := s.i
	s.i++ // "
	escaped := false
	for s.b[s.i] != '"' {
		switch c := s.b[s.i]; {
		case c == '\\':
			escaped = true
			s.i++
		case c >= utf8.RuneSelf:
			escaped = true // decoded as encoding/json does (invalid UTF-8 becomes U+FFFD)
		}
		s.i++
	}
	s.i++
	raw := s.b[start:s.i]
	if !escaped {
		return string(raw[1 : len(raw)-1])
	}
	var v string
	_ = json.Unmarshal(raw, &v) // valid JSON: cannot fail
	return v
}

// skip reads past the value at s.i.
func (s *keyScanner) skip() {
	depth := 0
	for {
		s.ws()
		switch c := s.b[s.i]; c {
		case '{', '[':
			depth++
			s.i++
		case '}', ']':
			depth--
			s.i++
		case '"':
			s.str()
		case ',', ':':
			s.i++
			continue
		default: // a number, true, false, null
			for s.i < len(s.b) && !strings.ContainsRune(" \t\n\r,]}", rune(s.b[s.i])) {
				s.i++
			}
		}
		if depth == 0 {
			return
		}
	}
}

// value checks the value at s.i as a t.
func (s *keyScanner) value(t reflect.Type, path *keyPath) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	s.ws()
	c := s.b[s.i]
	switch {
	case c != '{' && c != '[', t == rawType || t == nil:
		s.skip()
		return nil
	case c == '[':
		var elem reflect.Type
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			elem = t.Elem()
		}
		s.i++
		for n := 0; ; n++ {
			s.ws()
			if s.b[s.i] == ']' {
				s.i++
				return nil
			}
			if s.b[s.i] == ',' {
				s.i++
			}
			if err := s.value(elem, &keyPath{up: path, index: n}); err != nil {
				return err
			}
		}
	case t.Kind() == reflect.Map, t.Kind() == reflect.Struct:
		var fs *fieldSet
		if t.Kind() == reflect.Struct {
			fs = fieldsOf(t)
		}
		var seen keySet
		s.i++
		for {
			s.ws()
			if s.b[s.i] == '}' {
				s.i++
				return nil
			}
			if s.b[s.i] == ',' {
				s.i++
				s.ws()
			}
			key := s.str()
			s.ws()
			s.i++ // :
			at := &keyPath{up: path, key: key, index: -1}
			vt := t.Elem
			if fs != nil {
				ft, known := fs.names[key]
				if !known {
					return fmt.Errorf("%s: unknown field %q", strings.TrimPrefix(path.String(), "."), key)
				}
				vt = func() reflect.Type { return ft }
			}
			if seen.add(key) {
				if fs != nil {
					return fmt.Errorf("%s: key %q repeated", strings.TrimPrefix(path.String(), "."), key)
				}
				return fmt.Errorf("%s: key %q repeated", path, key)
			}
			if err := s.value(vt(), at); err != nil {
				return err
			}
		}
	default:
		s.skip()
		return nil
	}
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

// keySet is the keys of one object so far: a short list (most objects
// have a handful), a map past that (a body may hold a huge one).
type keySet struct {
	list []string
	set  map[string]bool
}

// add adds key and says whether it was there already.
func (k *keySet) add(key string) bool {
	if k.set != nil {
		if k.set[key] {
			return true
		}
		k.set[key] = true
		return false
	}
	if slices.Contains(k.list, key) {
		return true
	}
	k.list = append(k.list, key)
	if len(k.list) > 16 {
		k.set = make(map[string]bool, 2*len(k.list))
		for _, x := range k.list {
			k.set[x] = true
		}
	}
	return false
}
