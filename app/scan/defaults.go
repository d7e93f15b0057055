package scan

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"smartpoint/app/errs"
)

// PartnerDef is one partner of the partner file (assets/partners/defaults.json).
type PartnerDef struct {
	Code        string   `json:"code"`
	Name        string   `json:"name"`      // brand name, shown as is
	Countries   []string `json:"countries"` // KG, KZ, RU, RS
	StorageDays int      `json:"storage_days"`
	ReturnDays  int      `json:"return_days"`
	ReturnRules string   `json:"return_rules"`
	Rules       []Rule   `json:"rules"`
}

// LoadDefaults parses the partner file, a JSON array of PartnerDef, and
// validates it: unique non-empty codes, storage_days ≥ 1, return_days ≥ 0,
// and rules that compile. Unknown fields are an error, so a misspelt
// "storage_days" cannot silently become 0.
func LoadDefaults(data []byte) ([]PartnerDef, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var defs []PartnerDef
	if err := dec.Decode(&defs); err != nil {
		return nil, errs.Wrap(err, ErrDefaultsJSON)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errs.Wrap(errors.New("data after the partner array"), ErrDefaultsJSON)
	}
	seen := map[string]bool{}
	for i, d := range defs {
		switch {
		case d.Code == "" || d.Code != strings.TrimSpace(d.Code):
			return nil, errs.New(ErrPartnerCode, "Index", i+1, "Partner", d.Code)
		case seen[d.Code]:
			return nil, errs.New(ErrPartnerDuplicate, "Partner", d.Code)
		case d.StorageDays < 1 || d.ReturnDays < 0:
			return nil, errs.New(ErrPartnerDays, "Partner", d.Code)
		}
		seen[d.Code] = true
	}
	if _, err := NewClassifier(RulesOf(defs)); err != nil {
		return nil, err
	}
	return defs, nil
}

// RulesOf extracts the recognition rules of partners for NewClassifier.
func RulesOf(defs []PartnerDef) []PartnerRules {
	out := make([]PartnerRules, len(defs))
	for i, d := range defs {
		out[i] = PartnerRules{Partner: d.Code, Rules: d.Rules}
	}
	return out
}
