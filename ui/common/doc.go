// Package common is what every pane of the workbench shares: the Component
// contract panes implement, the Common value (backend, theme, clock,
// timeout) passed to them instead of globals, the messages panes exchange
// through the root, the Status each pane reports for the status bar, and
// Failure, the one-line error format (operation, target, fix) with its full
// text kept one key away.
package common
