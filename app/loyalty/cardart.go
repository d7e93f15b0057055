package loyalty

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"smartpoint/app/counter"
	"smartpoint/app/errs"
	"smartpoint/app/i18n"
	"smartpoint/app/loyaltycard"
)

// Meta rows of the card's look and signing key.
const (
	designKey  = "loyalty.card_design"
	cardKeyKey = "loyalty.card_key"
)

// EvDesignSaved and EvCardKeyCreated are logged with the card's look and
// the point's signing key; the key event carries the public half only
// (what the owner's other points and the cloud need to check a card).
const (
	EvDesignSaved    = "loyalty.design_saved"     // {title, stamps, stamp_icon, logo: bool}
	EvCardKeyCreated = "loyalty.card_key_created" // {public}
)

// keyCache holds the point's signing keys once read: they never change.
type keyCache struct {
	mu   sync.Mutex
	keys *loyaltycard.Keys
}

// CardDesign is the point's card look: the saved one, or the default in
// the point's language until the owner saves one. The stamp count follows
// the programme for a stamp card, so the picture never disagrees with the
// rules.
func (s *Service) CardDesign(ctx context.Context) (loyaltycard.Design, error) {
	var raw string
	err := s.r().QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, designKey).Scan(&raw)
	var d loyaltycard.Design
	switch {
	case errors.Is(err, sql.ErrNoRows):
		pt, err := s.svc.PointProfile(ctx)
		if err != nil {
			return d, fmt.Errorf("card design: %w", err)
		}
		lang, _ := i18n.Parse(pt.Language)
		d = loyaltycard.DefaultDesign(pt.Name, lang)
	case err != nil:
		return d, fmt.Errorf("card design: %w", err)
	default:
		if err := json.Unmarshal([]byte(raw), &d); err != nil {
			return d, fmt.Errorf("card design: damaged: %w", err)
		}
	}
	if p, err := s.Programme(ctx); err == nil && p.Kind == KindStamp {
		d.Stamps = clampStamps(p.PerReward)
	}
	return d, nil
}

// clampStamps fits a programme's stamps-per-reward to what a card can draw.
func clampStamps(n int) int {
	return max(loyaltycard.MinStamps, min(n, loyaltycard.MaxStamps))
}

// SaveCardDesign stores the card's look (manager or owner). An invalid
// design (unreadable colours, text too long, a broken image) is refused
// with the card package's typed error and nothing changes.
func (s *Service) SaveCardDesign(ctx context.Context, sess *counter.Session, d loyaltycard.Design) error {
	if err := sess.Require(counter.RoleManager); err != nil {
		return err
	}
	if err := d.Validate(); err != nil {
		return err
	}
	raw, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("card design: %w", err)
	}
	return s.write(ctx, sess, func(w *writer) error {
		if _, err := w.tx.Exec(`INSERT INTO meta(key, value) VALUES(?, ?)
			ON CONFLICT(key) DO UPDATE SET value = excluded.value`, designKey, string(raw)); err != nil {
			return fmt.Errorf("save card design: %w", err)
		}
		return w.emit(EvDesignSaved, "point", map[string]any{
			"title": d.Title, "stamps": d.Stamps, "stamp_icon": d.StampIcon, "logo": len(d.Logo) > 0})
	})
}

// cardKeys returns the point's signing keys, made and stored at first use.
func (s *Service) cardKeys(ctx context.Context) (loyaltycard.Keys, error) {
	s.keys.mu.Lock()
	defer s.keys.mu.Unlock()
	if s.keys.keys != nil {
		return *s.keys.keys, nil
	}
	k, err := s.readKeys(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		k, err = s.createKeys(ctx)
	}
	if err != nil {
		return loyaltycard.Keys{}, fmt.Errorf("card key: %w", err)
	}
	s.keys.keys = &k
	return k, nil
}

func (s *Service) readKeys(ctx context.Context) (loyaltycard.Keys, error) {
	var raw string
	if err := s.r().QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, cardKeyKey).Scan(&raw); err != nil {
		return loyaltycard.Keys{}, err
	}
	return loyaltycard.ParsePrivate(raw)
}

// createKeys makes the key pair as the system; a key another process
// stored first wins (INSERT OR IGNORE), so a point never has two.
func (s *Service) createKeys(ctx context.Context) (loyaltycard.Keys, error) {
	k, err := loyaltycard.GenerateKeys()
	if err != nil {
		return k, err
	}
	priv, err := k.MarshalPrivate()
	if err != nil {
		return k, err
	}
	pub, err := loyaltycard.MarshalPublic(k.Public)
	if err != nil {
		return k, err
	}
	err = s.write(ctx, nil, func(w *writer) error {
		res, err := w.tx.Exec(`INSERT OR IGNORE INTO meta(key, value) VALUES(?, ?)`, cardKeyKey, priv)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return w.emit(EvCardKeyCreated, "point", map[string]any{"public": pub})
	})
	if err != nil {
		return k, err
	}
	return s.readKeys(ctx)
}

// PublicKey is the point's card-checking key, as text (for the owner's
// other points and the cloud).
func (s *Service) PublicKey(ctx context.Context) (string, error) {
	k, err := s.cardKeys(ctx)
	if err != nil {
		return "", err
	}
	return loyaltycard.MarshalPublic(k.Public)
}

// CardQR is the text of a card's QR code: its id signed by the point.
func (s *Service) CardQR(ctx context.Context, card Card) (string, error) {
	k, err := s.cardKeys(ctx)
	if err != nil {
		return "", err
	}
	return loyaltycard.QRText(k.Private, card.ID)
}

// Recognise finds the card behind what the clerk scanned or typed: a card
// QR (its signature checked first: a forged or altered code is refused with
// loyaltycard.ErrForged or ErrMalformed), a printed card code or a phone.
func (s *Service) Recognise(ctx context.Context, raw string) (Card, error) {
	raw = strings.TrimSpace(raw)
	if !strings.HasPrefix(strings.ToUpper(raw), loyaltycard.QRPrefix) {
		return s.FindCard(ctx, raw)
	}
	k, err := s.cardKeys(ctx)
	if err != nil {
		return Card{}, err
	}
	id, err := loyaltycard.Verify(k.Public, raw)
	if errs.Has(err, loyaltycard.ErrForged) {
		id, err = s.verifyRemote(ctx, raw, err)
	}
	if err != nil {
		return Card{}, err
	}
	return s.FindCard(ctx, id)
}

// verifyRemote checks a card QR against the keys of the owner's other
// points (a card issued there); forged is the answer when none signed it.
func (s *Service) verifyRemote(ctx context.Context, raw string, forged error) (string, error) {
	keys, err := s.remoteKeys(ctx)
	if err != nil {
		return "", err
	}
	for _, text := range keys {
		pub, err := loyaltycard.ParsePublic(text)
		if err != nil {
			continue // a key refused when it arrived is never stored; this one is damaged
		}
		if id, err := loyaltycard.Verify(pub, raw); err == nil {
			return id, nil
		}
	}
	return "", forged
}

// CardImage is a customer's card as a PNG: the point's design with their
// stamps (or, on a points card, points: the balance as the caller words
// it, e.g. "1 250 баллов"), name and signed QR code. scale 0 is full size
// (1080×680).
func (s *Service) CardImage(ctx context.Context, card Card, scale float64, points string) ([]byte, error) {
	d, err := s.CardDesign(ctx)
	if err != nil {
		return nil, err
	}
	qr, err := s.CardQR(ctx, card)
	if err != nil {
		return nil, err
	}
	st := CardState(card, qr, scale)
	if card.Kind == KindPoints {
		st.Points = points
	}
	png, err := loyaltycard.RenderPNG(d, st)
	if err != nil {
		return nil, fmt.Errorf("card image %s: %w", card.Code, err)
	}
	return png, nil
}

// CardState is what a card shows of its holder's balance: the stamps
// towards the current reward (a full card while a reward waits). Points
// cards show no stamps.
func CardState(card Card, qr string, scale float64) loyaltycard.CardState {
	st := loyaltycard.CardState{CustomerName: card.Name, QRText: qr, Scale: scale}
	if card.Kind == KindStamp {
		st.Stamps = card.Balance
		if card.RewardsAvailable == 0 && card.PerReward > 0 {
			st.Stamps = card.Balance % card.PerReward
		}
	}
	return st
}

// IsForgedCard tells whether err is a card QR that failed its check, so
// the counter can warn instead of searching further.
func IsForgedCard(err error) bool {
	return errs.Has(err, loyaltycard.ErrForged) || errs.Has(err, loyaltycard.ErrMalformed)
}

// HolderPhone is the full phone of a card's holder, for finding their
// parcels when they show the card instead of a pickup code. It is never
// shown: the screen has the masked phone.
func (s *Service) HolderPhone(ctx context.Context, card Card) (string, error) {
	var phone sql.NullString
	err := s.r().QueryRowContext(ctx, `SELECT phone FROM loyalty_customers WHERE uuid = ?`, card.Customer).Scan(&phone)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errs.New(ErrCustomerUnknown, "ID", card.Customer)
	}
	if err != nil {
		return "", fmt.Errorf("holder of %s: %w", card.Code, err)
	}
	return phone.String, nil
}
