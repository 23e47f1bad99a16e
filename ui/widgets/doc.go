// Package widgets holds the workbench's drawing pieces, with no domain
// logic and no I/O: exact-size fitting, frames and overlays, a multi-line
// editor with pluggable highlighting, table rows, compact and pretty
// renderings of DynamoDB attribute values (the pretty form is also the
// $EDITOR form, which reads back to the same bytes), typed item diffs,
// sparklines and the status bar. Every style comes from a themes.Theme.
package widgets
