package protocol

import (
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// The integrations' types (integrations.go) against the spec, as
// spec_test.go does the sync protocol's: a field renamed, added or
// dropped, a webhook type or a limit changed fails here until
// openapi.yaml says the same. (Their paths and error codes are checked
// by spec_test.go, which reads both files' constants.)

var integrationBodies = map[string]specBody{
	"ManifestRequest":      {reflect.TypeFor[ManifestRequest](), true},
	"ManifestParcel":       {reflect.TypeFor[ManifestParcel](), true},
	"ManifestResponse":     {reflect.TypeFor[ManifestResponse](), false},
	"ManifestData":         {reflect.TypeFor[ManifestData](), false},
	"CardResponse":         {reflect.TypeFor[CardResponse](), false},
	"CardMovementRequest":  {reflect.TypeFor[CardMovementRequest](), true},
	"CardMovementResponse": {reflect.TypeFor[CardMovementResponse](), false},
	"WebhookEvent":         {reflect.TypeFor[WebhookEvent](), false},
	"WebhookParcel":        {reflect.TypeFor[WebhookParcel](), false},
	"Delivery":             {reflect.TypeFor[Delivery](), false},
	"DeliveriesResponse":   {reflect.TypeFor[DeliveriesResponse](), false},
	"Figures":              {reflect.TypeFor[Figures](), false},
	"DashboardPoint":       {reflect.TypeFor[DashboardPoint](), false},
	"Dashboard":            {reflect.TypeFor[Dashboard](), false},
}

// flatFields are a type's JSON fields with embedded structs' fields in
// place (as encoding/json writes them); omitzero counts as omitempty.
func flatFields(typ reflect.Type) []jsonField {
	var out []jsonField
	for f := range typ.Fields() {
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, flatFields(f.Type)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		o := strings.Split(opts, ",")
		out = append(out, jsonField{name, slices.Contains(o, "omitempty") || slices.Contains(o, "omitzero"), f.Type})
	}
	return out
}

// schemaParts are a schema's properties and required names, merging the
// parts of an allOf.
func schemaParts(t *testing.T, schemas, s map[string]any) (props map[string]any, required []string, s0 map[string]any) {
	t.Helper()
	if ref, ok := s["$ref"].(string); ok {
		return schemaParts(t, schemas, mapping(t, schemas, strings.TrimPrefix(ref, "#/components/schemas/")))
	}
	props = map[string]any{}
	if all, ok := s["allOf"].([]any); ok {
		for _, part := range all {
			p, r, _ := schemaParts(t, schemas, part.(map[string]any))
			maps.Copy(props, p)
			required = append(required, r...)
		}
		sort.Strings(required)
		return props, required, s
	}
	if p, ok := s["properties"].(map[string]any); ok {
		props = p
	}
	return props, strs(s["required"]), s
}

func TestIntegrationSchemasMatchTheGoTypes(t *testing.T) {
	checkSchemas(t, "integrations.go", integrationBodies)
}

// specBody is a Go type with its schema of the same name; request bodies
// must refuse properties they do not name.
type specBody struct {
	typ     reflect.Type
	request bool
}

// checkSchemas checks that every struct type file declares has a schema
// in openapi.yaml with its JSON fields, their types, what is required
// (responses: the fields without omitempty) and, for request bodies,
// additionalProperties: false.
func checkSchemas(t *testing.T, file string, bodies map[string]specBody) {
	doc := loadSpec(t)
	schemas := mapping(t, doc, "components", "schemas")
	if got, want := slices.Sorted(maps.Keys(bodies)), structTypes(t, file); !slices.Equal(got, want) {
		t.Fatalf("a struct type of %s has no schema in this test: types %q, here %q", file, want, got)
	}
	for name, b := range bodies {
		t.Run(name, func(t *testing.T) {
			props, required, s := schemaParts(t, schemas, mapping(t, schemas, name))
			var names, mandatory []string
			for _, f := range flatFields(b.typ) {
				names = append(names, f.name)
				if !f.omitempty {
					mandatory = append(mandatory, f.name)
				}
				p, ok := props[f.name].(map[string]any)
				if !ok {
					continue // reported below
				}
				for f.typ.Kind() == reflect.Pointer { // a field present or not: its value's type
					f.typ = f.typ.Elem()
				}
				if f.typ.Kind() == reflect.Struct && f.typ != reflect.TypeFor[time.Time]() {
					if ref, _ := p["$ref"].(string); ref != "#/components/schemas/"+f.typ.Name() {
						t.Errorf("%s: want $ref %s, got %v", f.name, f.typ.Name(), p)
					}
					continue
				}
				checkType(t, schemas, f, p)
			}
			sort.Strings(names)
			sort.Strings(mandatory)
			if got := slices.Sorted(maps.Keys(props)); !slices.Equal(got, names) {
				t.Errorf("properties %q, JSON fields %q", got, names)
			}
			if b.request {
				if s["additionalProperties"] != false {
					t.Error("a request body must say additionalProperties: false")
				}
				for _, r := range required {
					if !slices.Contains(names, r) {
						t.Errorf("required %q is no field", r)
					}
				}
			} else if !slices.Equal(required, mandatory) {
				t.Errorf("required %q, fields without omitempty %q", required, mandatory)
			}
		})
	}
}

// structTypes are the struct types a file of this package declares.
func structTypes(t *testing.T, file string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.TYPE {
			for _, s := range g.Specs {
				if ts := s.(*ast.TypeSpec); isStruct(ts) {
					out = append(out, ts.Name.Name)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

func isStruct(ts *ast.TypeSpec) bool {
	_, ok := ts.Type.(*ast.StructType)
	return ok
}

func TestIntegrationEnumsAndLimits(t *testing.T) {
	doc := loadSpec(t)
	c := consts(t)
	schemas := mapping(t, doc, "components", "schemas")
	for _, tc := range []struct {
		prefix string
		path   []string
	}{
		{"Webhook", []string{"WebhookEvent", "properties", "type", "enum"}},
		{"Delivery", []string{"Delivery", "properties", "status", "enum"}},
		{"Movement", []string{"CardMovementResponse", "properties", "kind", "enum"}},
	} {
		want := valuesWithPrefix(c, tc.prefix)
		if got := strs(at(t, schemas, tc.path...)); !slices.Equal(got, want) {
			t.Errorf("%s: spec %q, protocol.%s* %q", strings.Join(tc.path, "."), got, tc.prefix, want)
		}
	}
	status := at(t, doc, "paths", PathOwnerDeliveries, "get", "parameters").([]any)[0].(map[string]any)
	if got, want := strs(at(t, status, "schema", "enum")), valuesWithPrefix(c, "Delivery"); !slices.Equal(got, want) {
		t.Errorf("deliveries ?status= enum %q, want %q", got, want)
	}
	for _, l := range []struct {
		what string
		got  any
		want int
	}{
		{"ManifestRequest.parcels.maxItems", at(t, schemas, "ManifestRequest", "properties", "parcels", "maxItems"), ManifestParcelsLimit},
		{"CardMovementRequest.amount.maximum", at(t, schemas, "CardMovementRequest", "properties", "amount", "maximum"), CardAmountLimit},
		{"ManifestParcel.cod.maximum", at(t, schemas, "ManifestParcel", "properties", "cod", "maximum"), CODLimit},
	} {
		if l.got != l.want {
			t.Errorf("%s = %v, protocol says %d", l.what, l.got, l.want)
		}
	}
	if got := at(t, doc, "webhooks", "event", "post", "parameters").([]any)[0].(map[string]any)["name"]; got != SignatureHeader {
		t.Errorf("the webhook's signature header %v, protocol says %s", got, SignatureHeader)
	}
	if got := at(t, doc, "paths", PathPartnerManifests, "post", "parameters").([]any)[0].(map[string]any)["name"]; got != IdempotencyKeyHeader {
		t.Errorf("the manifest's key header %v, protocol says %s", got, IdempotencyKeyHeader)
	}
}
