package protocol

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// The spec must not drift from the Go types: a field renamed, added or
// dropped in protocol.go, a new error code, path or limit fails here
// until openapi.yaml says the same.

func loadSpec(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal(Spec, &doc); err != nil {
		t.Fatalf("openapi.yaml is not YAML: %v", err)
	}
	return doc
}

// at walks a parsed YAML document by keys.
func at(t *testing.T, v any, keys ...string) any {
	t.Helper()
	for i, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("spec: %s is not a mapping", strings.Join(keys[:i], "."))
		}
		if v, ok = m[k]; !ok {
			t.Fatalf("spec: no %s", strings.Join(keys[:i+1], "."))
		}
	}
	return v
}

func mapping(t *testing.T, v any, keys ...string) map[string]any {
	t.Helper()
	m, ok := at(t, v, keys...).(map[string]any)
	if !ok {
		t.Fatalf("spec: %s is not a mapping", strings.Join(keys, "."))
	}
	return m
}

func strs(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		out = append(out, toString(x))
	}
	sort.Strings(out)
	return out
}

func toString(x any) string {
	switch x := x.(type) {
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	}
	return ""
}

// consts reads the constant declarations of protocol.go,
// integrations.go and owner.go: name → Go source of the value (a string
// constant's value unquoted).
func consts(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, file := range []string{"protocol.go", "integrations.go", "owner.go"} {
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		constsOf(f, out)
	}
	return out
}

func constsOf(f *ast.File, out map[string]string) {
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					out[n.Name], _ = strconv.Unquote(lit.Value)
				} else {
					out[n.Name] = "?"
				}
			}
		}
	}
}

// valuesWithPrefix are the string constants whose names start so.
func valuesWithPrefix(c map[string]string, prefix string) []string {
	var out []string
	for n, v := range c {
		if strings.HasPrefix(n, prefix) {
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}

// bodies are the JSON bodies, by schema name; requests are what clients
// send (strictly decoded: additionalProperties false).
var bodies = map[string]struct {
	typ     reflect.Type
	request bool
}{
	"RegisterRequest": {reflect.TypeFor[RegisterRequest](), true},
	"Tokens":          {reflect.TypeFor[Tokens](), false},
	"RefreshRequest":  {reflect.TypeFor[RefreshRequest](), true},
	"HelloRequest":    {reflect.TypeFor[HelloRequest](), true},
	"HelloResponse":   {reflect.TypeFor[HelloResponse](), false},
	"Event":           {reflect.TypeFor[Event](), true},
	"PushRequest":     {reflect.TypeFor[PushRequest](), true},
	"EventResult":     {reflect.TypeFor[EventResult](), false},
	"PushResponse":    {reflect.TypeFor[PushResponse](), false},
	"Change":          {reflect.TypeFor[Change](), false},
	"PullResponse":    {reflect.TypeFor[PullResponse](), false},
	"Error":           {reflect.TypeFor[Error](), false},
}

type jsonField struct {
	name      string
	omitempty bool
	typ       reflect.Type
}

func jsonFields(typ reflect.Type) []jsonField {
	var out []jsonField
	for f := range typ.Fields() {
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, jsonField{name, slices.Contains(strings.Split(opts, ","), "omitempty"), f.Type})
	}
	return out
}

func TestSpecIsOpenAPI31(t *testing.T) {
	doc := loadSpec(t)
	if v := toString(at(t, doc, "openapi")); !strings.HasPrefix(v, "3.1.") {
		t.Errorf("openapi: %q, want 3.1.x", v)
	}
	if v := toString(at(t, doc, "info", "version")); v != strconv.Itoa(Version) {
		t.Errorf("info.version %q, protocol.Version %d", v, Version)
	}
	if at(t, doc, "components", "securitySchemes", "bearer", "scheme") != "bearer" {
		t.Error("the bearer security scheme is missing")
	}
}

func TestSpecPathsAreTheProtocolsPaths(t *testing.T) {
	doc := loadSpec(t)
	var want []string
	for n, v := range consts(t) {
		if strings.HasPrefix(n, "Path") {
			want = append(want, v)
		}
	}
	sort.Strings(want)
	got := slices.Sorted(maps.Keys(mapping(t, doc, "paths")))
	if !slices.Equal(got, want) {
		t.Errorf("spec paths %q\nprotocol.Path* %q", got, want)
	}
}

func TestSpecSchemasMatchTheGoTypes(t *testing.T) {
	doc := loadSpec(t)
	schemas := mapping(t, doc, "components", "schemas")
	if got, want := slices.Sorted(maps.Keys(bodies)), structTypes(t, "protocol.go"); !slices.Equal(got, want) {
		t.Fatalf("a struct type of protocol.go has no schema in this test (add it to bodies and the spec): types %q, bodies %q", want, got)
	}
	for name, b := range bodies {
		t.Run(name, func(t *testing.T) {
			s := mapping(t, schemas, name)
			props := mapping(t, s, "properties")
			fields := jsonFields(b.typ)
			var names, mandatory []string
			for _, f := range fields {
				names = append(names, f.name)
				if !f.omitempty {
					mandatory = append(mandatory, f.name)
				}
				p, ok := props[f.name].(map[string]any)
				if !ok {
					continue // reported below
				}
				checkType(t, schemas, f, p)
			}
			sort.Strings(names)
			sort.Strings(mandatory)
			if got := slices.Sorted(maps.Keys(props)); !slices.Equal(got, names) {
				t.Errorf("properties %q, JSON fields %q", got, names)
			}
			required := strs(s["required"])
			if b.request {
				if s["additionalProperties"] != false {
					t.Error("a request body must say additionalProperties: false (the decoder refuses unknown fields)")
				}
				for _, r := range required {
					if !slices.Contains(names, r) {
						t.Errorf("required %q is no field", r)
					}
				}
			} else if !slices.Equal(required, mandatory) {
				// The server always sends the fields without omitempty.
				t.Errorf("required %q, fields without omitempty %q", required, mandatory)
			}
		})
	}
}

// checkType compares a property's schema with its Go field.
func checkType(t *testing.T, schemas map[string]any, f jsonField, p map[string]any) {
	t.Helper()
	resolve := func(p map[string]any) (map[string]any, string) {
		ref, _ := p["$ref"].(string)
		if ref == "" {
			return p, ""
		}
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		s, ok := schemas[name].(map[string]any)
		if !ok {
			t.Errorf("%s: $ref %s does not resolve", f.name, ref)
			return map[string]any{}, name
		}
		return s, name
	}
	s, _ := resolve(p)
	typ := f.typ
	switch {
	case typ == reflect.TypeFor[json.RawMessage]():
		if _, ok := s["type"]; ok {
			t.Errorf("%s: any JSON value, has a type", f.name)
		}
	case typ == reflect.TypeFor[time.Time]():
		if s["type"] != "string" || s["format"] != "date-time" {
			t.Errorf("%s: want string date-time, got %v", f.name, p)
		}
	case typ.Kind() == reflect.String:
		if s["type"] != "string" {
			t.Errorf("%s: want string, got %v", f.name, p)
		}
	case typ.Kind() == reflect.Int || typ.Kind() == reflect.Int64:
		if s["type"] != "integer" {
			t.Errorf("%s: want integer, got %v", f.name, p)
		}
	case typ.Kind() == reflect.Bool:
		if s["type"] != "boolean" {
			t.Errorf("%s: want boolean, got %v", f.name, p)
		}
	case typ.Kind() == reflect.Map:
		if s["type"] != "object" {
			t.Errorf("%s: want object, got %v", f.name, p)
		}
	case typ.Kind() == reflect.Slice:
		if s["type"] != "array" {
			t.Errorf("%s: want array, got %v", f.name, p)
			return
		}
		items, _ := s["items"].(map[string]any)
		is, ref := resolve(items)
		switch el := typ.Elem(); el.Kind() {
		case reflect.Struct:
			if ref != el.Name() {
				t.Errorf("%s: items are %s, want $ref %s", f.name, ref, el.Name())
			}
		case reflect.String:
			if is["type"] != "string" {
				t.Errorf("%s: items want string, got %v", f.name, items)
			}
		}
	default:
		t.Errorf("%s: Go type %s: teach checkType", f.name, typ)
	}
}

func TestSpecEnumsAreTheProtocolsCodes(t *testing.T) {
	doc := loadSpec(t)
	c := consts(t)
	schemas := mapping(t, doc, "components", "schemas")
	for _, tc := range []struct {
		prefix string
		path   []string
	}{
		{"Err", []string{"Error", "properties", "code", "enum"}},
		{"Status", []string{"EventResult", "properties", "status", "enum"}},
		{"Reject", []string{"EventResult", "properties", "code", "enum"}},
		{"Warn", []string{"EventResult", "properties", "warnings", "items", "enum"}},
		{"Stream", []string{"Stream", "enum"}},
	} {
		want := valuesWithPrefix(c, tc.prefix)
		if got := strs(at(t, schemas, tc.path...)); !slices.Equal(got, want) {
			t.Errorf("%s: spec %q, protocol.%s* %q", strings.Join(tc.path, "."), got, tc.prefix, want)
		}
	}
	// Every error code has its HTTP status in the table the server follows.
	table := mapping(t, doc, "x-error-status")
	if got, want := slices.Sorted(maps.Keys(table)), valuesWithPrefix(c, "Err"); !slices.Equal(got, want) {
		t.Errorf("x-error-status codes %q, protocol.Err* %q", got, want)
	}
	for code, st := range table {
		if n, ok := st.(int); !ok || n < 400 || n > 599 {
			t.Errorf("x-error-status.%s: %v is no error status", code, st)
		}
	}
}

func TestSpecLimitsAreTheProtocolsLimits(t *testing.T) {
	doc := loadSpec(t)
	limits := map[string]struct {
		key   string
		value int
	}{
		"MaxBodyBytes":    {"max_body_bytes", MaxBodyBytes},
		"MaxBatchEvents":  {"max_batch_events", MaxBatchEvents},
		"MaxPullLimit":    {"max_pull_limit", MaxPullLimit},
		"DefaultPull":     {"default_pull", DefaultPull},
		"MaxEventPayload": {"max_event_payload", MaxEventPayload},
		"MaxIDLength":     {"max_id_length", MaxIDLength},
		"MaxKindLength":   {"max_kind_length", MaxKindLength},
		"MaxEntityLength": {"max_entity_length", MaxEntityLength},
	}
	for n := range consts(t) {
		if _, ok := limits[n]; !ok && (strings.HasPrefix(n, "Max") || strings.HasPrefix(n, "Default")) {
			t.Errorf("limit %s is not in x-limits (add it here and to the spec)", n)
		}
	}
	x := mapping(t, doc, "x-limits")
	if len(x) != len(limits) {
		t.Errorf("x-limits has %d entries, protocol %d", len(x), len(limits))
	}
	for name, l := range limits {
		if x[l.key] != l.value {
			t.Errorf("x-limits.%s = %v, protocol.%s = %d", l.key, x[l.key], name, l.value)
		}
	}
	s := mapping(t, doc, "components", "schemas")
	pull := at(t, doc, "paths", PathPull, "get", "parameters").([]any)
	var limit map[string]any
	for _, p := range pull {
		if pm := p.(map[string]any); pm["name"] == "limit" {
			limit = pm["schema"].(map[string]any)
		}
	}
	for _, c := range []struct {
		what string
		got  any
		want int
	}{
		{"PushRequest.events.maxItems", at(t, s, "PushRequest", "properties", "events", "maxItems"), MaxBatchEvents},
		{"ID.maxLength", at(t, s, "ID", "maxLength"), MaxIDLength},
		{"Event.kind.maxLength", at(t, s, "Event", "properties", "kind", "maxLength"), MaxKindLength},
		{"Event.entity.maxLength", at(t, s, "Event", "properties", "entity", "maxLength"), MaxEntityLength},
		{"pull limit maximum", limit["maximum"], MaxPullLimit},
		{"pull limit default", limit["default"], DefaultPull},
	} {
		if c.got != c.want {
			t.Errorf("%s = %v, protocol says %d", c.what, c.got, c.want)
		}
	}
	info := toString(at(t, doc, "info", "description"))
	for _, want := range []string{strconv.Itoa(MaxBodyBytes), strconv.Itoa(MaxBatchEvents)} {
		if !strings.Contains(info, want) {
			t.Errorf("info.description does not state the limit %s", want)
		}
	}
}

func TestSpecRefsResolve(t *testing.T) {
	doc := loadSpec(t)
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				parts := strings.Split(strings.TrimPrefix(ref, "#/"), "/")
				if !strings.HasPrefix(ref, "#/") {
					t.Errorf("%s: external $ref %s", path, ref)
				} else if m, ok := doc[parts[0]].(map[string]any); !ok || lookup(m, parts[1:]) == nil {
					t.Errorf("%s: $ref %s does not resolve", path, ref)
				}
			}
			for k, x := range v {
				walk(path+"."+k, x)
			}
		case []any:
			for i, x := range v {
				walk(path+"["+strconv.Itoa(i)+"]", x)
			}
		}
	}
	walk("", doc)
}

func lookup(m map[string]any, keys []string) any {
	var v any = m
	for _, k := range keys {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[k]
	}
	return v
}
