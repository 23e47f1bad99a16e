// Package activity is the workbench's activity pane: every operation the
// panes ran, newest last, with its outcome, duration and — for failures —
// the full error text, so that nothing fails silently and no error is
// lost when its pane moves on.
package activity
