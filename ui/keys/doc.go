// Package keys declares the workbench's key bindings, one keymap per pane
// plus the global one. A binding is declared once (bubbles/key) and drives
// both the handling (key.Matches) and the help: the footer's short help and
// the F1 overlay are generated from the bindings that are enabled in the
// pane's current mode, so help always tells the truth.
//
// Arrows and hjkl both move wherever a list or grid has the keys; Esc backs
// out or cancels and is never bound to quitting.
package keys
