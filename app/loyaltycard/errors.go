package loyaltycard

import "smartpoint/app/errs"

// Error codes of the package. Design errors carry Field (the Design's JSON
// field name) so the card editor can point at the input to fix.
var (
	// ErrBadColour: a colour is not "#RRGGBB". Args: Field, Value.
	ErrBadColour = errs.Register("loyaltycard.bad_colour")
	// ErrLowContrast: text in this colour would be hard to read on the
	// background. Args: Field, Colour, Background.
	ErrLowContrast = errs.Register("loyaltycard.low_contrast")
	// ErrTextRequired: the title or the reward is empty. Args: Field.
	ErrTextRequired = errs.Register("loyaltycard.text_required")
	// ErrTextTooLong: a text exceeds its limit in characters. Args: Field, Max.
	ErrTextTooLong = errs.Register("loyaltycard.text_too_long")
	// ErrBadText: a text has a control character, broken UTF-8 or a
	// character the card's font cannot draw. Args: Field, Char (quoted).
	ErrBadText = errs.Register("loyaltycard.bad_text")
	// ErrBadStamps: the number of stamps is outside MinStamps..MaxStamps.
	// Args: Field, Value, Min, Max.
	ErrBadStamps = errs.Register("loyaltycard.bad_stamps")
	// ErrBadIcon: the stamp icon is not one of Icons, or IconCustom without
	// an image. Args: Field, Value.
	ErrBadIcon = errs.Register("loyaltycard.bad_icon")
	// ErrBadImage: the logo or stamp image is not a PNG or is too big.
	// Args: Field, MaxKB, MaxPx.
	ErrBadImage = errs.Register("loyaltycard.bad_image")
	// ErrBadState: what to draw on one customer's card is impossible
	// (negative stamps, a scale out of range, a QR text too long).
	// Args: Field, Value.
	ErrBadState = errs.Register("loyaltycard.bad_state")

	// ErrBadCardID: the ledger's card id cannot go into a code (empty,
	// too long, control characters). Args: Max.
	ErrBadCardID = errs.Register("loyaltycard.bad_card_id")
	// ErrBadKey: a stored or given signing key is damaged. Args: Which
	// ("private" or "public").
	ErrBadKey = errs.Register("loyaltycard.bad_key")
	// ErrNotOurs: the scanned text is not a loyalty card code of ours.
	ErrNotOurs = errs.Register("loyaltycard.not_ours")
	// ErrMalformed: the code has our prefix but its payload cannot be read
	// (damaged, truncated, or made by a newer version of the app).
	ErrMalformed = errs.Register("loyaltycard.malformed")
	// ErrForged: the payload reads but its signature does not match this
	// point's key: altered, forged, or issued by another point.
	ErrForged = errs.Register("loyaltycard.forged")
)
