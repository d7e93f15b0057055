// Package scan turns what a barcode scanner (or a clerk's keyboard) sends
// into a classified code: a partner's parcel, a pickup code, one of our own
// labels, a GS1 marking code, a hand-typed phone, or "unknown".
//
// The package is pure: no I/O, no database and no mutable globals. A
// Classifier is immutable once built and safe for concurrent use.
package scan

// Kind is what a scanned code turned out to be.
type Kind string

const (
	KindParcel      Kind = "parcel"       // a partner's parcel track/barcode
	KindPickupCode  Kind = "pickup_code"  // a code the customer shows to collect (e.g. Ozon 12345678*1234)
	KindOrder       Kind = "order"        // a partner's order number
	KindCustomerQR  Kind = "customer_qr"  // our own customer QR:   SPC1:C:<payload>
	KindLoyaltyCard Kind = "loyalty_card" // our own loyalty card:  SPC1:L:<payload>
	KindCell        Kind = "cell"         // our cell label:       CELL-<label>, e.g. CELL-A-1-01
	KindReturnBox   Kind = "return_box"   // our return box label: RBOX-<number>, e.g. RBOX-000123
	KindPhone       Kind = "phone"        // a phone typed by hand (starts with '+', or formatted like 8 (912) 345-67-89)
	KindMarking     Kind = "marking"      // GS1 DataMatrix / Честный знак marking code (01+GTIN+21+serial… with GS separators)
	KindUnknown     Kind = "unknown"
)

// isRuleKind reports whether a partner rule may produce k.
func isRuleKind(k Kind) bool {
	return k == KindParcel || k == KindPickupCode || k == KindOrder
}
