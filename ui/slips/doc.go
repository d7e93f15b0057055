// Package slips lays out the documents the counter prints — the issue
// receipt, the acceptance act, the return handover slip, the shift
// report, a cell or box label on receipt paper, the printer test page —
// as device/receipt documents, in the point's language. The same
// document is rendered for the printer and drawn as the on-screen
// preview, so what the clerk sees is what prints. No Fyne here: the CLI
// can print the same slips.
package slips
