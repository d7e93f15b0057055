package counter

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"smartpoint/app/errs"
	"smartpoint/app/scan"
	"smartpoint/assets"
)

// Partner is a marketplace or carrier the point works with. Recognition
// rules are data the owner can edit, not code paths.
type Partner struct {
	ID          int64       `json:"id"`
	Code        string      `json:"code"`
	Name        string      `json:"name"`
	Countries   []string    `json:"countries"`
	StorageDays int         `json:"storage_days"`
	ReturnDays  int         `json:"return_days"`
	ReturnRules string      `json:"return_rules"`
	Rules       []scan.Rule `json:"rules"`
	Active      bool        `json:"active"`
}

// DefaultPartners returns the partner set shipped with the app.
func DefaultPartners() ([]scan.PartnerDef, error) {
	data, err := assets.FS.ReadFile("partners/defaults.json")
	if err != nil {
		return nil, fmt.Errorf("default partners: %w", err)
	}
	return scan.LoadDefaults(data)
}

// Partners lists all partners, active first, by name.
func (s *Service) Partners(ctx context.Context) ([]Partner, error) {
	rows, err := s.db.R.QueryContext(ctx, `SELECT id,code,name,countries,storage_days,return_days,return_rules,rules,active
		FROM partners ORDER BY active DESC, name`)
	if err != nil {
		return nil, fmt.Errorf("partners: %w", err)
	}
	defer rows.Close()
	var out []Partner
	for rows.Next() {
		var p Partner
		var countries, rules string
		if err := rows.Scan(&p.ID, &p.Code, &p.Name, &countries, &p.StorageDays, &p.ReturnDays, &p.ReturnRules, &rules, &p.Active); err != nil {
			return nil, err
		}
		_ = json.Unmarshal([]byte(countries), &p.Countries)
		_ = json.Unmarshal([]byte(rules), &p.Rules)
		out = append(out, p)
	}
	return out, rows.Err()
}

// Partner finds one partner by code.
func (s *Service) Partner(ctx context.Context, code string) (Partner, error) {
	all, err := s.Partners(ctx)
	if err != nil {
		return Partner{}, err
	}
	for _, p := range all {
		if strings.EqualFold(p.Code, code) {
			return p, nil
		}
	}
	return Partner{}, errs.New(ErrPartner, "Partner", code)
}

var partnerCode = regexp.MustCompile(`^[a-z0-9_]{2,24}$`)

// SavePartner creates or updates a partner (manager or owner). Rules are
// compiled together with every other partner's before anything is saved,
// so a bad pattern never reaches the counter.
func (s *Service) SavePartner(ctx context.Context, sess *Session, p Partner) (Partner, error) {
	if err := sess.require(RoleManager); err != nil {
		return p, err
	}
	p.Code = strings.ToLower(strings.TrimSpace(p.Code))
	p.Name = strings.TrimSpace(p.Name)
	if !partnerCode.MatchString(p.Code) {
		return p, errs.New(ErrInvalid, "Field", "code", "Value", p.Code)
	}
	if p.Name == "" {
		return p, errs.New(ErrInvalid, "Field", "name", "Value", p.Name)
	}
	if p.StorageDays < 1 || p.StorageDays > 365 || p.ReturnDays < 0 || p.ReturnDays > 365 {
		return p, errs.New(ErrInvalid, "Field", "storage_days", "Value", fmt.Sprint(p.StorageDays))
	}
	if _, err := scan.NewClassifier([]scan.PartnerRules{{Partner: p.Code, Rules: p.Rules}}); err != nil {
		return p, errs.Wrap(err, ErrPartnerRules, "Partner", p.Code, "Detail", err.Error())
	}
	if p.Countries == nil {
		p.Countries = []string{}
	}
	if p.Rules == nil {
		p.Rules = []scan.Rule{}
	}
	countries, _ := json.Marshal(p.Countries)
	rules, _ := json.Marshal(p.Rules)
	err := s.tx(ctx, sess, func(t *txn) error {
		err := t.QueryRow(`INSERT INTO partners(code,name,countries,storage_days,return_days,return_rules,rules,active,updated_at)
			VALUES(?,?,?,?,?,?,?,?,?)
			ON CONFLICT(code) DO UPDATE SET name=excluded.name, countries=excluded.countries, storage_days=excluded.storage_days,
			  return_days=excluded.return_days, return_rules=excluded.return_rules, rules=excluded.rules, active=excluded.active,
			  updated_at=excluded.updated_at
			RETURNING id`, p.Code, p.Name, countries, p.StorageDays, p.ReturnDays, p.ReturnRules, rules, p.Active, t.nowMs()).Scan(&p.ID)
		if err != nil {
			return fmt.Errorf("save partner %s: %w", p.Code, err)
		}
		return t.emit(EvPartnerSaved, "partner:"+p.Code, p)
	})
	if err != nil {
		return p, err
	}
	return p, s.reloadClassifier(ctx)
}

func (t *txn) insertDefaultPartners(defs []scan.PartnerDef, enabled map[string]bool) error {
	for _, d := range defs {
		countries, _ := json.Marshal(d.Countries)
		rules, _ := json.Marshal(d.Rules)
		_, err := t.Exec(`INSERT INTO partners(code,name,countries,storage_days,return_days,return_rules,rules,active,updated_at)
			VALUES(?,?,?,?,?,?,?,?,?) ON CONFLICT(code) DO NOTHING`,
			d.Code, d.Name, countries, d.StorageDays, d.ReturnDays, d.ReturnRules, rules, enabled[d.Code], t.nowMs())
		if err != nil {
			return fmt.Errorf("seed partner %s: %w", d.Code, err)
		}
	}
	return nil
}

// partnerIndex maps codes and ids of all partners.
type partnerIndex struct {
	byCode map[string]Partner
	byID   map[int64]Partner
}

func (s *Service) reloadClassifier(ctx context.Context) error {
	partners, err := s.Partners(ctx)
	if err != nil {
		return err
	}
	var rules []scan.PartnerRules
	idx := partnerIndex{byCode: map[string]Partner{}, byID: map[int64]Partner{}}
	for _, p := range partners {
		idx.byCode[p.Code] = p
		idx.byID[p.ID] = p
		if p.Active {
			rules = append(rules, scan.PartnerRules{Partner: p.Code, Rules: p.Rules})
		}
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].Partner < rules[j].Partner })
	c, err := scan.NewClassifier(rules)
	if err != nil {
		return errs.Wrap(err, ErrPartnerRules, "Partner", "", "Detail", err.Error())
	}
	country, _ := s.setting(ctx, "point.country")
	if country != "" {
		c = c.WithCountry(country)
	}
	s.mu.Lock()
	s.classifier, s.partners, s.country = c, idx, country
	s.mu.Unlock()
	return nil
}

// Classify recognises a raw scan with the current partner rules.
func (s *Service) Classify(raw string) scan.Result {
	s.mu.RLock()
	c := s.classifier
	s.mu.RUnlock()
	return c.Classify(raw)
}

func (s *Service) partnerByCode(code string) (Partner, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.partners.byCode[code]
	return p, ok
}

func (s *Service) partnerByID(id int64) Partner {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.partners.byID[id]
}
