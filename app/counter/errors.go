package counter

import "smartpoint/app/errs"

// Domain error codes. Each is a translation key "err.<code>" in every
// language; the Args named next to each are what the message may show.
var (
	ErrSetupDone    = errs.Register("setup.already_done")      // -
	ErrSetupMissing = errs.Register("setup.not_done")          // -
	ErrInvalid      = errs.Register("input.invalid")           // Field, Value
	ErrWeakPIN      = errs.Register("auth.weak_pin")           // -
	ErrBadPIN       = errs.Register("auth.bad_pin")            // Left
	ErrLocked       = errs.Register("auth.locked")             // Until
	ErrUnknownClerk = errs.Register("auth.unknown_clerk")      // Name
	ErrInactive     = errs.Register("auth.inactive")           // Name
	ErrForbidden    = errs.Register("auth.forbidden")          // Need
	ErrLastOwner    = errs.Register("auth.last_owner")         // -
	ErrClerkExists  = errs.Register("auth.clerk_exists")       // Name
	ErrNoShift      = errs.Register("shift.not_open")          // -
	ErrShiftOpen    = errs.Register("shift.already_open")      // Clerk, Since
	ErrShiftUnknown = errs.Register("shift.unknown")           // ID
	ErrPartner      = errs.Register("partner.unknown")         // Partner
	ErrPartnerRules = errs.Register("partner.bad_rules")       // Partner, Detail
	ErrCellUnknown  = errs.Register("cell.unknown")            // Cell
	ErrCellFull     = errs.Register("cell.full")               // Cell, Capacity
	ErrNoFreeCell   = errs.Register("cell.none_free")          // Size
	ErrLayout       = errs.Register("cell.bad_layout")         // Detail
	ErrCellInactive = errs.Register("cell.inactive")           // Cell
	ErrUnknownCode  = errs.Register("scan.unknown_code")       // Code
	ErrAmbiguous    = errs.Register("scan.ambiguous")          // Code, Partners
	ErrWrongKind    = errs.Register("scan.wrong_kind")         // Code, Kind
	ErrNotFound     = errs.Register("parcel.not_found")        // Code
	ErrIssued       = errs.Register("parcel.already_issued")   // Track, At
	ErrReturned     = errs.Register("parcel.already_returned") // Track, At, Act
	ErrBoxed        = errs.Register("parcel.in_return_box")    // Track, Box
	ErrNotArrived   = errs.Register("parcel.not_arrived")      // Track
	ErrToReturn     = errs.Register("parcel.to_return")        // Track, Reason
	ErrNotOnHand    = errs.Register("parcel.not_on_hand")      // Track
	ErrSameCell     = errs.Register("parcel.same_cell")        // Track, Cell
	ErrNotConfirmed = errs.Register("issue.not_confirmed")     // Track
	ErrCODMismatch  = errs.Register("issue.cod_mismatch")      // Due, Paid
	ErrRefuseReason = errs.Register("issue.bad_reason")        // Reason
	ErrIssueEmpty   = errs.Register("issue.empty")             // -
	ErrNotThisOne   = errs.Register("issue.wrong_recipient")   // Track
	ErrDelivery     = errs.Register("delivery.unknown")        // ID
	ErrDeliveryDone = errs.Register("delivery.closed")         // ID
	ErrManifestRows = errs.Register("manifest.rows_invalid")   // Bad
	ErrBoxUnknown   = errs.Register("returns.box_unknown")     // Box
	ErrBoxHanded    = errs.Register("returns.box_handed")      // Box, Act
	ErrBoxPartner   = errs.Register("returns.wrong_partner")   // Track, Partner, BoxPartner
	ErrNotReturn    = errs.Register("returns.not_returnable")  // Track, Deadline
	ErrBoxEmpty     = errs.Register("returns.box_empty")       // Box
	ErrNotInBox     = errs.Register("returns.not_in_box")      // Track, Box
	ErrInventory    = errs.Register("inventory.not_started")   // -
	ErrInvNoCell    = errs.Register("inventory.no_cell")       // -
	ErrBoxMixed     = errs.Register("returns.mixed_partners")  // Box, Partner, BoxPartner
	ErrActUnknown   = errs.Register("returns.act_unknown")     // Act
)
