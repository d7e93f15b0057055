// Package loyaltycard is the point's stamp card as the customer sees it:
// the owner's Design (texts, colours, logo, stamp shape, number of
// stamps), the card drawn as a PNG for a phone, a messenger or print
// (Render), the text line a receipt slip shows (StampsLine), and the
// signed code in the card's QR (QRText, Verify). It keeps no state: the
// ledger (package loyalty) owns cards and stamps, the app stores the
// Design and the keys.
//
// Why the code is signed. A card lives as a picture: customers photograph
// it, forward it in messengers and post it. Anyone can read the code in a
// picture and type a neighbouring card id into a QR generator. The code
// therefore carries the card id together with a signature made with the
// point's private key, and the counter accepts only codes whose signature
// checks out, so an altered or invented code is rejected before any
// lookup. (A copied code still works: that is the card itself, like a
// copied barcode on a plastic card; lost cards are revoked by the ledger,
// which issues the customer a new card id.)
//
// Why Ed25519. Verification needs only the public key, so the cloud and
// the owner's other points can check a point's cards without holding
// anything that could mint new ones; an HMAC would need the secret
// everywhere. Ed25519 has short keys and deterministic signatures (one
// card, one code, no random source needed to sign) and is in the standard
// library. The signature is kept whole (64 bytes): a truncated one would
// be cheap to forge. The code is QRPrefix + base32 of (form, id,
// signature): 137 characters for a UUID id, within the scanner's limit
// of 256 and encoded in QR's dense alphanumeric mode.
//
// Text is drawn with Noto Sans, embedded (assets/fonts), which has the
// Kyrgyz and Serbian letters; Validate refuses characters the font lacks
// instead of printing empty boxes, and every text shrinks, wraps and, as
// a last resort, is cut with "…" to stay in its place on the card.
package loyaltycard
