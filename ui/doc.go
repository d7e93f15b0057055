// Package ui holds the Fyne screens of the counter window. It talks to the
// app services only: never SQL, never device drivers (DESIGN §2). The
// screens arrive with the counter-window issue; the core they drive is in
// package app/counter and is usable today through cmd/spctl.
package ui
