// Package ui is dynalab's terminal workbench, a Bubble Tea program. Run
// starts it on a session's Backend; main calls it for `dynalab` with no
// arguments.
//
// The root model (App) owns layout, focus and global keys, and composes
// five panes, each its own package implementing common.Component: the
// PartiQL REPL (ui/repl), the item browser (ui/browser), the change feed
// (ui/streams), capacity (ui/capacity) and the activity log
// (ui/activity). Keys go to the focused pane — to its text input first,
// where Tab completes and ? is typed — and every other message goes to all
// panes, so that data reaches its owner even when it is not focused.
//
// Global keys: Tab/Shift+Tab cycle panes (outside text inputs), Alt+1…5
// jump to one, F1 (and ? outside text inputs) opens help generated from the
// focused pane's live key bindings, F2 shows the full text of the error on
// screen, Ctrl+C twice or :q quits (asking first only when something is
// unsaved). Esc backs out or cancels; it never quits.
//
// At 120×40 and larger the REPL (or the focused pane) and the streams pane
// show side by side above the status bar; smaller terminals, down to
// 80×24, show the focused pane alone. The status bar always shows the
// session, the endpoint, and the focused pane's last operation with its
// index, shown and scanned counts, page, whether more pages exist and the
// capacity consumed.
package ui
