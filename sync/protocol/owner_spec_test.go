package protocol

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// owner.go's types against the spec, as integrations_spec_test.go does
// the integrations': a field renamed, added or dropped, a value the
// counter takes or a subscription status changed fails here until
// openapi.yaml says the same. (Its paths are checked by spec_test.go.)

var ownerBodies = map[string]specBody{
	"PointSettings":    {reflect.TypeFor[PointSettings](), true},
	"SettingsRequest":  {reflect.TypeFor[SettingsRequest](), true},
	"SettingsResponse": {reflect.TypeFor[SettingsResponse](), false},
	"SettingsPushed":   {reflect.TypeFor[SettingsPushed](), false},
	"Subscription":     {reflect.TypeFor[Subscription](), false},
	"ExceptionData":    {reflect.TypeFor[ExceptionData](), false},
	"OverdrawnDetail":  {reflect.TypeFor[OverdrawnDetail](), false},
}

func TestOwnerSchemasMatchTheGoTypes(t *testing.T) {
	checkSchemas(t, "owner.go", ownerBodies)
}

func TestOwnerEnumsAndLimits(t *testing.T) {
	doc := loadSpec(t)
	c := consts(t)
	schemas := mapping(t, doc, "components", "schemas")
	for _, tc := range []struct {
		what      string
		got, want []string
	}{
		{"Subscription.status", strs(at(t, schemas, "Subscription", "properties", "status", "enum")), valuesWithPrefix(c, "Subscription")},
		{"Subscription.status (the list)", strs(at(t, schemas, "Subscription", "properties", "status", "enum")), slices.Sorted(slices.Values(SubscriptionStatuses))},
		{"PointSettings.theme", strs(at(t, schemas, "PointSettings", "properties", "theme", "enum")), slices.Sorted(slices.Values(SettingThemes))},
		{"PointSettings.receipt_print", strs(at(t, schemas, "PointSettings", "properties", "receipt_print", "enum")), slices.Sorted(slices.Values(SettingReceiptModes))},
	} {
		if !slices.Equal(tc.got, tc.want) {
			t.Errorf("%s: spec %q, protocol %q", tc.what, tc.got, tc.want)
		}
	}
	kinds := strs(at(t, schemas, "ExceptionData", "properties", "kind", "enum"))
	for _, w := range valuesWithPrefix(c, "Warn") {
		if !slices.Contains(kinds, w) {
			t.Errorf("ExceptionData.kind: no %q (every warning raises an exception of its name)", w)
		}
	}
	for _, l := range []struct {
		what string
		got  any
		want int
	}{
		{"PointSettings.idle_lock_minutes.maximum", at(t, schemas, "PointSettings", "properties", "idle_lock_minutes", "maximum"), IdleLockMinutesLimit},
		{"Subscription.plan.maxLength", at(t, schemas, "Subscription", "properties", "plan", "maxLength"), MaxIDLength},
	} {
		if l.got != l.want {
			t.Errorf("%s = %v, protocol says %d", l.what, l.got, l.want)
		}
	}
	// The kinds of the point stream's changes are named where a client
	// looks for them.
	desc := toString(at(t, schemas, "Change", "properties", "kind", "description"))
	for _, k := range []string{KindSettingsPushed, KindSubscriptionChanged, KindExceptionRaised} {
		if !strings.Contains(desc, k) {
			t.Errorf("Change.kind's description does not name %s", k)
		}
	}
	for path, methods := range map[string][]string{PathOwnerPointSettings: {"get", "put"}, PathOwnerSubscription: {"get"}} {
		for _, m := range methods {
			sec := at(t, doc, "paths", path, m, "security").([]any)
			if len(sec) != 1 || sec[0].(map[string]any)["ownerKey"] == nil {
				t.Errorf("%s %s: security %v, want the owner's key", m, path, sec)
			}
		}
	}
}
