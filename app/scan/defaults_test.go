package scan

import (
	"os"
	"slices"
	"strings"
	"testing"

	"smartpoint/app/errs"
)

func TestDefaultsFile(t *testing.T) {
	data, err := os.ReadFile(defaultsPath)
	if err != nil {
		t.Fatal(err)
	}
	defs, err := LoadDefaults(data)
	if err != nil {
		t.Fatal(err)
	}
	required := []string{"wb", "ozon", "yandex", "cdek", "boxberry", "russianpost", "kazpost", "kgpost",
		"cainiao", "postars", "dexpress", "aks", "bex", "cityexpress", "dhl"}
	byCode := map[string]PartnerDef{}
	for _, d := range defs {
		byCode[d.Code] = d
		if d.Name == "" || d.ReturnRules == "" || len(d.Rules) == 0 || len(d.Countries) == 0 {
			t.Errorf("partner %q: name, return rules, rules and countries are required", d.Code)
		}
		for _, cc := range d.Countries {
			if !slices.Contains([]string{"KG", "KZ", "RU", "RS"}, cc) {
				t.Errorf("partner %q: country %q is not one we serve", d.Code, cc)
			}
		}
		for _, r := range d.Rules {
			if r.Note == "" {
				t.Errorf("partner %q: rule %q has no note for the owner", d.Code, r.Pattern)
			}
		}
	}
	for _, code := range required {
		if _, ok := byCode[code]; !ok {
			t.Errorf("partner %q missing from the defaults", code)
		}
	}
	if got := byCode["ozon"].Rules; !slices.ContainsFunc(got, func(r Rule) bool {
		return r.Kind == KindPickupCode && r.Pattern == `\d{8}\*\d{4}`
	}) {
		t.Errorf("ozon pickup code rule missing: %+v", got)
	}
}

func TestLoadDefaultsRejects(t *testing.T) {
	const ok = `{"code":"x","name":"X","countries":["RU"],"storage_days":7,"return_days":1,"return_rules":"r","rules":[{"kind":"parcel","pattern":"X\\d+"}]}`
	for _, tc := range []struct {
		name, json string
		code       errs.Code
	}{
		{"object, not array", `{}`, ErrDefaultsJSON},
		{"broken JSON", `[` + ok, ErrDefaultsJSON},
		{"trailing data", `[` + ok + `] []`, ErrDefaultsJSON},
		{"misspelt field", `[` + strings.Replace(ok, "storage_days", "storagedays", 1) + `]`, ErrDefaultsJSON},
		{"empty code", `[` + strings.Replace(ok, `"code":"x"`, `"code":""`, 1) + `]`, ErrPartnerCode},
		{"padded code", `[` + strings.Replace(ok, `"code":"x"`, `"code":"x "`, 1) + `]`, ErrPartnerCode},
		{"duplicate code", `[` + ok + `,` + ok + `]`, ErrPartnerDuplicate},
		{"no storage days", `[` + strings.Replace(ok, `"storage_days":7`, `"storage_days":0`, 1) + `]`, ErrPartnerDays},
		{"negative return days", `[` + strings.Replace(ok, `"return_days":1`, `"return_days":-1`, 1) + `]`, ErrPartnerDays},
		{"bad pattern", `[` + strings.Replace(ok, `X\\d+`, `X(`, 1) + `]`, ErrRulePattern},
		{"bad checksum", `[` + strings.Replace(ok, `"pattern"`, `"checksum":"crc","pattern"`, 1) + `]`, ErrRuleChecksum},
		{"bad kind", `[` + strings.Replace(ok, `"kind":"parcel"`, `"kind":"cell"`, 1) + `]`, ErrRuleKind},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defs, err := LoadDefaults([]byte(tc.json))
			if !errs.Has(err, tc.code) || defs != nil {
				t.Errorf("LoadDefaults = %v, %v; want code %s", defs, err, tc.code)
			}
		})
	}
	defs, err := LoadDefaults([]byte(`[` + ok + `]`))
	if err != nil || len(defs) != 1 || defs[0].StorageDays != 7 || defs[0].Rules[0].Pattern != `X\d+` {
		t.Errorf("LoadDefaults(valid) = %+v, %v", defs, err)
	}
}
