package i18n

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
)

// Load reads dir/<lang>.json and dir/<group>/<lang>.json for every
// language in All and every sub-directory (one group of keys per screen or
// concern, so people adding keys to different groups never edit the same
// file). Every group must have every language's file; a key may live in
// only one file. Errors name the file and, where possible, the line and key.
func Load(fsys fs.FS, dir string) (*Catalog, error) {
	dirs, err := groupDirs(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("i18n: %w", err)
	}
	c := &Catalog{langs: make(map[Lang]map[string]*message, len(All))}
	for _, l := range All {
		all := map[string]*message{}
		from := map[string]string{}
		for _, d := range dirs {
			name := path.Join(d, string(l)+".json")
			msgs, err := loadFile(fsys, l, name)
			if err != nil {
				return nil, err
			}
			for k, m := range msgs {
				if prev, dup := from[k]; dup {
					return nil, fmt.Errorf("i18n: key %q is in both %s and %s", k, prev, name)
				}
				all[k], from[k] = m, name
			}
		}
		c.langs[l] = all
	}
	return c, nil
}

// groupDirs lists dir and its immediate sub-directories, sorted.
func groupDirs(fsys fs.FS, dir string) ([]string, error) {
	ents, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	dirs := []string{dir}
	for _, e := range ents {
		if e.IsDir() {
			dirs = append(dirs, path.Join(dir, e.Name()))
		}
	}
	slices.Sort(dirs[1:])
	return dirs, nil
}

func loadFile(fsys fs.FS, l Lang, name string) (map[string]*message, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("i18n: %w", err)
	}
	msgs, err := parseFile(l, data)
	if err != nil {
		return nil, fmt.Errorf("i18n: %s: %w", name, err)
	}
	return msgs, nil
}

// parseFile decodes one language file token by token: encoding/json would
// silently keep the last of two duplicate keys, a real risk when several
// people add keys to the same file.
func parseFile(l Lang, data []byte) (map[string]*message, error) {
	p := &fileParser{dec: json.NewDecoder(bytes.NewReader(data)), data: data}
	msgs, err := p.file(l)
	if err != nil {
		return nil, p.locate(err)
	}
	return msgs, nil
}

type fileParser struct {
	dec  *json.Decoder
	data []byte
}

func (p *fileParser) file(l Lang) (map[string]*message, error) {
	if err := p.delim('{', "the file must be a JSON object"); err != nil {
		return nil, err
	}
	msgs := map[string]*message{}
	for p.dec.More() {
		key, err := p.key()
		if err != nil {
			return nil, err
		}
		if msgs[key] != nil {
			return nil, fmt.Errorf("duplicate key %q", key)
		}
		m, err := p.message(l, key)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", key, err)
		}
		msgs[key] = m
	}
	if err := p.delim('}', "unterminated object"); err != nil {
		return nil, err
	}
	if _, err := p.dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the top-level object")
	}
	return msgs, nil
}

// message reads a string or a {"one": ..., "other": ...} plural object.
func (p *fileParser) message(l Lang, key string) (*message, error) {
	tok, err := p.dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok := tok.(type) {
	case string:
		t, err := p.text(key, tok)
		if err != nil {
			return nil, err
		}
		return &message{forms: map[string]*text{"other": t}}, nil
	case json.Delim:
		if tok == '{' {
			return p.plural(l, key)
		}
	}
	return nil, errors.New("value must be a string or an object of plural forms")
}

func (p *fileParser) plural(l Lang, key string) (*message, error) {
	m := &message{plural: true, forms: map[string]*text{}}
	for p.dec.More() {
		form, err := p.key()
		if err != nil {
			return nil, err
		}
		if !slices.Contains(pluralForms, form) {
			return nil, fmt.Errorf("unknown plural form %q (want one of %v)", form, pluralForms)
		}
		if m.forms[form] != nil {
			return nil, fmt.Errorf("duplicate plural form %q", form)
		}
		tok, err := p.dec.Token()
		if err != nil {
			return nil, err
		}
		s, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("plural form %q must be a string", form)
		}
		if m.forms[form], err = p.text(key, s); err != nil {
			return nil, fmt.Errorf("plural form %q: %w", form, err)
		}
	}
	if err := p.delim('}', "unterminated plural object"); err != nil {
		return nil, err
	}
	for _, f := range requiredForms(l) {
		if m.forms[f] == nil {
			return nil, fmt.Errorf("plural form %q is required for %s (need %v)", f, l, requiredForms(l))
		}
	}
	return m, nil
}

func (p *fileParser) text(key, s string) (*text, error) {
	if s == "" {
		return nil, errors.New("empty text")
	}
	return newText(key, s)
}

func (p *fileParser) key() (string, error) {
	tok, err := p.dec.Token()
	if err != nil {
		return "", err
	}
	s, ok := tok.(string)
	if !ok {
		return "", errors.New("expected a key")
	}
	return s, nil
}

func (p *fileParser) delim(want json.Delim, msg string) error {
	tok, err := p.dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return errors.New(msg)
	}
	return nil
}

// locate prefixes err with the line it refers to.
func (p *fileParser) locate(err error) error {
	off := p.dec.InputOffset()
	if se, ok := errors.AsType[*json.SyntaxError](err); ok {
		off = se.Offset
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return errors.New("unexpected end of file")
	}
	line := 1 + bytes.Count(p.data[:min(int(off), len(p.data))], []byte("\n"))
	return fmt.Errorf("line %d: %w", line, err)
}
