package loyalty

import "time"

// Event kinds. The names are part of the sync protocol and become webhook
// payloads: never rename. doc.go describes each payload.
const (
	EvProgrammeSaved     = "loyalty.programme_saved"
	EvCustomerCreated    = "loyalty.customer_created"
	EvCardIssued         = "loyalty.card_issued"
	EvCardRevoked        = "loyalty.card_revoked"
	EvStampEarned        = "loyalty.stamp_earned"
	EvPointsEarned       = "loyalty.points_earned"
	EvRewardEarned       = "loyalty.reward_earned"
	EvRewardRedeemed     = "loyalty.reward_redeemed"
	EvAdjusted           = "loyalty.adjusted"
	EvReversed           = "loyalty.reversed"
	EvExpired            = "loyalty.expired"
	EvTransferred        = "loyalty.transferred"
	EvCustomerMerged     = "loyalty.customer_merged"
	EvCustomerAnonymised = "loyalty.customer_anonymised"
	EvCustomerExported   = "loyalty.customer_exported"
	EvApprovalFailed     = "loyalty.approval_failed"
)

// EventKinds lists every kind this package emits (the timeline translates
// "event."+kind).
var EventKinds = []string{EvProgrammeSaved, EvCustomerCreated, EvCardIssued, EvCardRevoked, EvStampEarned,
	EvPointsEarned, EvRewardEarned, EvRewardRedeemed, EvAdjusted, EvReversed, EvExpired, EvTransferred,
	EvCustomerMerged, EvCustomerAnonymised, EvCustomerExported, EvApprovalFailed, EvDesignSaved, EvCardKeyCreated, EvDataExported}

// Entities of the log: a card's history is EntityEvents("card:<uuid>").
func customerEntity(uuid string) string  { return "customer:" + uuid }
func cardEntity(uuid string) string      { return "card:" + uuid }
func programmeEntity(uuid string) string { return "programme:" + uuid }

// Payloads. Field names are stable JSON; phones appear only masked and names
// never, so the append-only log holds no personal data to erase.

type customerCreated struct {
	Customer    string    `json:"customer"`
	MaskedPhone string    `json:"masked_phone"`
	ConsentAt   time.Time `json:"consent_at"`
	ConsentBy   int64     `json:"consent_clerk_id,omitempty"`
}

type cardIssued struct {
	Card      string `json:"card"`
	Code      string `json:"code"`
	Customer  string `json:"customer"`
	Programme string `json:"programme"`
	Reason    string `json:"reason"`             // enrol, reissue
	Replaces  string `json:"replaces,omitempty"` // the revoked card
}

type cardRevoked struct {
	Card       string `json:"card"`
	Code       string `json:"code"`
	Customer   string `json:"customer"`
	Reason     string `json:"reason"` // lost, merged, anonymised
	ReplacedBy string `json:"replaced_by,omitempty"`
}

// earned is the payload of stamp_earned and points_earned (amount may be 0:
// a pickup recorded but capped or in the cooldown).
type earned struct {
	Card             string    `json:"card"`
	Customer         string    `json:"customer"`
	Movement         string    `json:"movement"`
	Key              string    `json:"key"`
	Ref              string    `json:"ref,omitempty"`
	Amount           int       `json:"amount"`
	Requested        int       `json:"requested"`
	Balance          int       `json:"balance"`
	RewardsAvailable int       `json:"rewards_available"`
	VisitAt          time.Time `json:"visit_at"`
	Parcels          int       `json:"parcels"`
	ClerkID          int64     `json:"clerk_id,omitempty"`
	ShiftID          int64     `json:"shift_id,omitempty"`
	Detail           Detail    `json:"detail"`
}

type rewardEarned struct {
	Card             string `json:"card"`
	Customer         string `json:"customer"`
	Rewards          int    `json:"rewards"` // completed by this accrual
	RewardsAvailable int    `json:"rewards_available"`
	Reward           string `json:"reward"`
}

type rewardRedeemed struct {
	Card       string   `json:"card"`
	Customer   string   `json:"customer"`
	Movement   string   `json:"movement"`
	Amount     int      `json:"amount"`
	Balance    int      `json:"balance"`
	Reward     string   `json:"reward"`
	ApprovedBy int64    `json:"approved_by,omitempty"`
	Lots       []LotUse `json:"lots"`
}

// ledgerChange is the payload of adjusted, reversed, expired.
type ledgerChange struct {
	Card     string   `json:"card"`
	Customer string   `json:"customer"`
	Movement string   `json:"movement"`
	Amount   int      `json:"amount"`
	Balance  int      `json:"balance"`
	Reason   string   `json:"reason,omitempty"`
	Key      string   `json:"key,omitempty"`
	Lots     []LotUse `json:"lots,omitempty"`
}

type transferred struct {
	From      string   `json:"from"`
	To        string   `json:"to"`
	Customer  string   `json:"customer"`
	Amount    int      `json:"amount"`
	Reason    string   `json:"reason"`
	Movements []string `json:"movements"` // the transfer out, then the lots in
}

type customerMerged struct {
	Keep        string   `json:"keep"`
	Drop        string   `json:"drop"`
	Cards       []string `json:"cards"` // cards moved to keep
	Transferred int      `json:"transferred"`
}

type customerAnonymised struct {
	Customer string `json:"customer"`
	Reason   string `json:"reason"` // request, inactive
	Forfeit  int    `json:"forfeit"`
}

// LotUse is one lot a spending movement drew from.
type LotUse struct {
	Lot    string `json:"lot"`
	Amount int    `json:"amount"`
}
