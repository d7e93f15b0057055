package loyalty

import "smartpoint/app/errs"

// Domain error codes: everything a clerk or manager can cause. Each is a
// translation key "err.<code>" in every language; the Args named next to
// each are what the message may show. Invalid input (a programme field, a
// name too long) is counter.ErrInvalid with Field and Value; missing rights
// are counter.ErrForbidden; no open shift is counter.ErrNoShift.
var (
	ErrNoProgramme     = errs.Register("loyalty.no_programme")       // -
	ErrKindFixed       = errs.Register("loyalty.kind_fixed")         // Kind
	ErrConsentRequired = errs.Register("loyalty.consent_required")   // -
	ErrBadPhone        = errs.Register("loyalty.bad_phone")          // Phone
	ErrCustomerExists  = errs.Register("loyalty.customer_exists")    // Card, Customer, Phone (masked)
	ErrCardNotFound    = errs.Register("loyalty.card_not_found")     // Query
	ErrCardRevoked     = errs.Register("loyalty.card_revoked")       // Card
	ErrCustomerUnknown = errs.Register("loyalty.customer_not_found") // ID
	ErrCustomerGone    = errs.Register("loyalty.customer_gone")      // ID
	ErrSameCustomer    = errs.Register("loyalty.same_customer")      // -
	ErrBalanceShort    = errs.Register("loyalty.balance_short")      // Need, Have
	ErrPINRequired     = errs.Register("loyalty.pin_required")       // Amount, Limit
	ErrPINWrong        = errs.Register("loyalty.pin_wrong")          // Left
	ErrApprovalLocked  = errs.Register("loyalty.approval_locked")    // Until
	ErrReasonRequired  = errs.Register("loyalty.reason_required")    // -
	ErrKeyUsed         = errs.Register("loyalty.key_used")           // Key
	ErrNotReversible   = errs.Register("loyalty.not_reversible")     // Key
)
