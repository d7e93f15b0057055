package scan

import "smartpoint/app/errs"

// Error codes of the package. Rule errors name the partner and the pattern
// so the owner can find the line to fix in the partner file.
var (
	// ErrRuleKind: a rule's kind is not parcel, pickup_code or order. Args: Partner, Pattern, Kind.
	ErrRuleKind = errs.Register("scan.rule_bad_kind")
	// ErrRulePattern: a rule's pattern is empty or not a valid RE2 regexp. Args: Partner, Pattern.
	ErrRulePattern = errs.Register("scan.rule_bad_pattern")
	// ErrRuleChecksum: a rule names an unknown checksum. Args: Partner, Pattern, Checksum.
	ErrRuleChecksum = errs.Register("scan.rule_bad_checksum")
	// ErrPartnerCode: a partner has an empty (or blank-padded) code. Args: Index (1-based), Partner.
	ErrPartnerCode = errs.Register("scan.partner_bad_code")
	// ErrPartnerDuplicate: two partners share a code. Args: Partner.
	ErrPartnerDuplicate = errs.Register("scan.partner_duplicate")
	// ErrPartnerDays: storage_days < 1 or return_days < 0. Args: Partner.
	ErrPartnerDays = errs.Register("scan.partner_bad_days")
	// ErrDefaultsJSON: the partner file is not a JSON array of partners. Args: none.
	ErrDefaultsJSON = errs.Register("scan.defaults_bad_json")
)
