package counter

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"smartpoint/app/scan"
)

// What a search matched on; the UI translates "search.by."+By.
const (
	SearchTrack      = "track"
	SearchPickupCode = "pickup_code"
	SearchOrder      = "order"
	SearchPhone      = "phone"
	SearchPhoneLast4 = "phone_last4"
	SearchName       = "name"
	SearchCell       = "cell"
	SearchReturnBox  = "return_box"
	SearchNone       = "none"
)

// SearchResult is what a search box query found. Phones are full: list
// screens show MaskParcels of it.
type SearchResult struct {
	Query   string   `json:"query"`
	By      string   `json:"by"`
	Parcels []Parcel `json:"parcels"`
}

// searchWhere is each kind of search's condition. Every one is served by
// an index at a million parcels (a test checks the query plans): the
// repeated not-empty terms let SQLite use the partial indexes, and the
// phone_last4 expression is exactly the one parcels_phone4 indexes.
var searchWhere = map[string]string{
	SearchTrack:      `p.track = ?`,
	SearchPickupCode: `p.pickup_code = ? AND p.pickup_code <> ''`,
	SearchOrder:      `p.order_no = ? AND p.order_no <> ''`,
	SearchPhone:      `p.recipient_phone = ? AND p.recipient_phone <> ''`,
	SearchPhoneLast4: `substr(p.recipient_phone, -4) = ? AND p.recipient_phone <> '' AND p.status <> 'expected'`,
	SearchName:       searchNameWhere,
	SearchCell:       `p.cell_id = (SELECT id FROM cells WHERE label = ?)`,
	SearchReturnBox:  `p.return_box_id = (SELECT id FROM return_boxes WHERE number = ?)`,
}

// searchNameWhere takes a name prefix range twice. A short prefix ("ив")
// can match a hundred thousand parcels, and sorting them all takes a
// second; so it reads at most 2,000 of them from parcels_name, plus every
// match on the shelves (parcels_onhand holds only those, a few thousand):
// whoever stands at the counter is found, and a longer prefix narrows the
// rest.
const searchNameWhere = `p.id IN (
	SELECT id FROM (SELECT id FROM parcels WHERE name_norm >= ? AND name_norm < ? AND name_norm <> '' LIMIT 2000)
	UNION SELECT id FROM parcels AS shelf INDEXED BY parcels_onhand
		WHERE shelf.status IN ('stored','to_return') AND shelf.name_norm >= ? AND shelf.name_norm < ?)`

// searchOrder puts the parcels on the shelves first, then the newest.
const searchOrder = ` ORDER BY p.status IN ('stored','to_return') DESC, p.updated_at DESC, p.id DESC LIMIT ?`

// Default and maximum result counts.
const (
	searchLimit    = 50
	searchLimitMax = 500
	minNameRunes   = 2
)

// Search finds parcels by whatever the clerk typed or scanned: a track,
// pickup code, order number, phone (full or its last 4 digits), the start
// of a recipient's name, a cell label or a return box label.
func (s *Service) Search(ctx context.Context, sess *Session, query string, limit int) (SearchResult, error) {
	if err := sess.require(RoleClerk); err != nil {
		return SearchResult{}, err
	}
	if limit <= 0 {
		limit = searchLimit
	}
	limit = min(limit, searchLimitMax)
	query = strings.TrimSpace(query)
	res := s.Classify(query)
	out := SearchResult{Query: res.Code, By: SearchNone}
	if out.Query == "" {
		out.Query = query
	}
	var err error
	switch res.Kind {
	case scan.KindCell:
		err = s.searchBy(ctx, &out, SearchCell, limit, res.Value)
	case scan.KindReturnBox:
		err = s.searchBy(ctx, &out, SearchReturnBox, limit, res.Value)
	case scan.KindPickupCode:
		err = s.searchBy(ctx, &out, SearchPickupCode, limit, res.Code)
	case scan.KindPhone:
		err = s.searchBy(ctx, &out, SearchPhone, limit, res.Value)
	case scan.KindParcel, scan.KindOrder, scan.KindMarking, scan.KindUnknown:
		err = s.searchCascade(ctx, &out, query, res, limit)
	}
	if err != nil {
		return SearchResult{}, fmt.Errorf("search %q: %w", query, err)
	}
	return out, nil
}

// searchCascade tries, in order, what a code-like or free-text query may
// be; the first kind that finds parcels wins. Tracks come before phones:
// in RU a 10-digit CDEK number also reads as a phone.
func (s *Service) searchCascade(ctx context.Context, out *SearchResult, query string, res scan.Result, limit int) error {
	if isLast4(query) {
		return s.searchBy(ctx, out, SearchPhoneLast4, limit, query)
	}
	if res.Code != "" {
		for _, by := range []string{SearchTrack, SearchOrder} {
			if err := s.searchBy(ctx, out, by, limit, res.Code); err != nil || len(out.Parcels) > 0 {
				return err
			}
		}
	}
	s.mu.RLock()
	country := s.country
	s.mu.RUnlock()
	if phone, ok := scan.NormalizePhone(query, country); ok {
		if err := s.searchBy(ctx, out, SearchPhone, limit, phone); err != nil || len(out.Parcels) > 0 {
			return err
		}
	}
	if prefix, ok := namePrefix(query); ok {
		end := prefix + "\uffff"
		if err := s.searchBy(ctx, out, SearchName, limit, prefix, end, prefix, end); err != nil || len(out.Parcels) > 0 {
			return err
		}
	}
	out.By = SearchNone
	return nil
}

// searchBy runs one kind of search and records it in out.
func (s *Service) searchBy(ctx context.Context, out *SearchResult, by string, limit int, args ...any) error {
	found, err := queryParcels(ctx, s.db.R, `WHERE `+searchWhere[by]+searchOrder, append(args, limit)...)
	if err != nil {
		return fmt.Errorf("by %s: %w", by, err)
	}
	out.By, out.Parcels = by, found
	return nil
}

// isLast4 reports a query of exactly four digits: the end of a phone, as
// customers often say it.
func isLast4(q string) bool {
	if len(q) != 4 {
		return false
	}
	for _, r := range q {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// namePrefix normalises a name query the way name_norm is stored. Names
// have letters and no digits; one letter would match half the shelves.
func namePrefix(q string) (string, bool) {
	q = strings.ToLower(strings.Join(strings.Fields(q), " "))
	if utf8.RuneCountInString(q) < minNameRunes {
		return "", false
	}
	letters := false
	for _, r := range q {
		if unicode.IsDigit(r) {
			return "", false
		}
		letters = letters || unicode.IsLetter(r)
	}
	return q, letters
}

// MaskParcels returns copies of ps with the recipients' phones masked, for
// screens that list many customers' parcels.
func MaskParcels(ps []Parcel) []Parcel {
	if ps == nil {
		return nil
	}
	out := make([]Parcel, len(ps))
	for i, p := range ps {
		p.RecipientPhone = p.MaskedPhone()
		out[i] = p
	}
	return out
}
