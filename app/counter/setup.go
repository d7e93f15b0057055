package counter

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"smartpoint/app/errs"
	"smartpoint/app/i18n"
)

// Point is the pickup point's profile.
type Point struct {
	Name     string `json:"name"`
	Address  string `json:"address"`
	Phone    string `json:"phone"`
	Hours    string `json:"hours"`
	Country  string `json:"country"`  // KG, KZ, RU, RS: phone numbering, default partners
	Currency string `json:"currency"` // KGS, KZT, RUB, RSD
	Language string `json:"language"` // ru, ky, sr, en
}

// SetupRequest is what the first-run wizard (or `spctl init`) collects.
type SetupRequest struct {
	Point     Point
	Partners  []string // partner codes to enable; empty: the defaults for the country
	OwnerName string
	OwnerPIN  string
	Layout    *Layout // optional first cell layout
}

var countryCurrency = map[string]string{"KG": "KGS", "KZ": "KZT", "RU": "RUB", "RS": "RSD"}

// IsSetUp reports whether the first-run set-up has been done.
func (s *Service) IsSetUp(ctx context.Context) (bool, error) {
	v, err := s.setting(ctx, "setup.at")
	return v != "", err
}

// Setup initialises a new point: profile, partners, first owner, cells.
// It runs once; afterwards settings are changed through their own calls.
func (s *Service) Setup(ctx context.Context, req SetupRequest) (*Session, error) {
	p := req.Point
	p.Name = strings.TrimSpace(p.Name)
	p.Country = strings.ToUpper(strings.TrimSpace(p.Country))
	if p.Name == "" {
		return nil, errs.New(ErrInvalid, "Field", "point.name", "Value", "")
	}
	if _, ok := countryCurrency[p.Country]; !ok {
		return nil, errs.New(ErrInvalid, "Field", "point.country", "Value", p.Country)
	}
	if p.Currency == "" {
		p.Currency = countryCurrency[p.Country]
	}
	if p.Language == "" {
		p.Language = string(i18n.RU)
	}
	if err := validLanguage(&p); err != nil {
		return nil, err
	}
	if err := ValidatePIN(req.OwnerPIN); err != nil {
		return nil, err
	}
	owner, err := cleanName(req.OwnerName)
	if err != nil {
		return nil, err
	}
	defs, err := DefaultPartners()
	if err != nil {
		return nil, err
	}
	enabled := map[string]bool{}
	for _, d := range defs {
		if len(req.Partners) == 0 && slices.Contains(d.Countries, p.Country) || slices.Contains(req.Partners, d.Code) {
			enabled[d.Code] = true
		}
	}
	for _, code := range req.Partners {
		if !enabled[code] {
			return nil, errs.New(ErrPartner, "Partner", code)
		}
	}
	if req.Layout != nil {
		if _, err := req.Layout.labels(); err != nil {
			return nil, err
		}
	}
	sess := &Session{role: RoleOwner, name: owner}
	err = s.tx(ctx, nil, func(t *txn) error {
		var done string
		err := t.QueryRow(`SELECT value FROM meta WHERE key='setup.at'`).Scan(&done)
		if err == nil {
			return errs.New(ErrSetupDone)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err := t.insertDefaultPartners(defs, enabled); err != nil {
			return err
		}
		if err := t.savePoint(p); err != nil {
			return err
		}
		if err := t.setSetting("setup.at", t.now.UTC().Format("2006-01-02T15:04:05Z")); err != nil {
			return err
		}
		return t.emit(EvPointSetup, "point", p)
	})
	if err != nil {
		return nil, err
	}
	if err := s.reloadClassifier(ctx); err != nil {
		return nil, err
	}
	c, err := s.createClerk(ctx, sess, owner, RoleOwner, req.OwnerPIN)
	if err != nil {
		return nil, err
	}
	sess.clerkID = c.ID
	if req.Layout != nil {
		if _, err := s.GenerateCells(ctx, sess, *req.Layout); err != nil {
			return nil, err
		}
	}
	return sess, nil
}

func (t *txn) savePoint(p Point) error {
	for k, v := range map[string]string{
		"point.name": p.Name, "point.address": p.Address, "point.phone": p.Phone, "point.hours": p.Hours,
		"point.country": p.Country, "point.currency": p.Currency, "point.language": p.Language,
	} {
		if err := t.setSetting(k, v); err != nil {
			return err
		}
	}
	return nil
}

// PointProfile reads the point's profile.
func (s *Service) PointProfile(ctx context.Context) (Point, error) {
	return readPoint(ctx, s.db.R)
}

// readPoint reads the profile through q: the database, or a transaction
// about to change it.
func readPoint(ctx context.Context, q rowQueryer) (Point, error) {
	var p Point
	for k, dst := range map[string]*string{
		"point.name": &p.Name, "point.address": &p.Address, "point.phone": &p.Phone, "point.hours": &p.Hours,
		"point.country": &p.Country, "point.currency": &p.Currency, "point.language": &p.Language,
	} {
		err := q.QueryRowContext(ctx, `SELECT coalesce((SELECT value FROM meta WHERE key = ?), '')`, k).Scan(dst)
		if err != nil {
			return p, fmt.Errorf("setting %s: %w", k, err)
		}
	}
	return p, nil
}

// validLanguage normalises p.Language and refuses a language the app has
// no translations for.
func validLanguage(p *Point) error {
	p.Language = strings.ToLower(strings.TrimSpace(p.Language))
	if !i18n.Lang(p.Language).Valid() {
		return errs.New(ErrInvalid, "Field", "point.language", "Value", p.Language)
	}
	return nil
}

// SavePointProfile updates the profile (owner only: the country changes
// how phones are read). The language alone may also be changed by a
// manager, with SetLanguage.
func (s *Service) SavePointProfile(ctx context.Context, sess *Session, p Point) error {
	if err := sess.require(RoleOwner); err != nil {
		return err
	}
	if strings.TrimSpace(p.Name) == "" {
		return errs.New(ErrInvalid, "Field", "point.name", "Value", "")
	}
	if _, ok := countryCurrency[p.Country]; !ok {
		return errs.New(ErrInvalid, "Field", "point.country", "Value", p.Country)
	}
	if err := validLanguage(&p); err != nil {
		return err
	}
	err := s.tx(ctx, sess, func(t *txn) error {
		if err := t.savePoint(p); err != nil {
			return err
		}
		return t.emit(EvPointSetup, "point", p)
	})
	if err != nil {
		return err
	}
	return s.reloadClassifier(ctx)
}

func (s *Service) setting(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.R.QueryRowContext(ctx, `SELECT value FROM meta WHERE key=?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("setting %s: %w", key, err)
	}
	return v, nil
}

func (t *txn) setSetting(key, value string) error {
	_, err := t.Exec(`INSERT INTO meta(key,value) VALUES(?,?) ON CONFLICT(key) DO UPDATE SET value=excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("setting %s: %w", key, err)
	}
	return nil
}
