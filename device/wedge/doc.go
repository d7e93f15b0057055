// Package wedge tells a keyboard-wedge barcode scan from human typing.
//
// A USB scanner in keyboard mode "types" a code as very fast key presses
// (1–20 ms apart) followed by Enter; a person types 100–300 ms per key. The
// UI feeds every typed rune and every Enter, each with the time it arrived,
// into a [Decoder], and the Decoder says whether an Enter ended a scanner
// burst ([Scan]) or was pressed by a person ([Manual], [Empty]). A scanner
// programmed with a Prefix (marks the start of a code) and/or a Suffix (an
// extra terminator such as Tab) is recognised by those too; see [Config].
//
// The Decoder is pure: no I/O, no goroutines, no clock. Time comes only from
// the arguments, so tests drive it with explicit timestamps.
//
// Text is returned exactly as it was typed. Mapping the Russian ЙЦУКЕН
// layout back to Latin ("ФИС123" → "ABC123"), GS substitutes and control
// characters are handled by the app's classifier (app/scan.Normalize and
// Classify), not here: whether "ФИС123" is a mistyped code or a customer's
// Cyrillic name can only be decided by checking it against the code rules,
// which live in the app, and the layout mapping must be the same for
// scanned, pasted and hand-typed codes. Only the Prefix and Suffix matching
// may look through the layout, via [Config.Fold].
package wedge
