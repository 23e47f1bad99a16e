// Package themes turns palettes into the lipgloss styles the workbench draws
// with. A Palette is a handful of named colors; a Theme is the set of styles
// built from one palette for one lipgloss renderer: text, muted, accent and
// error text, key hints, borders, selection, one style per DynamoDB
// attribute type (S, N, B, BOOL, NULL, M, L, SS, NS, BS), PartiQL syntax
// classes, diffs and change-feed kinds.
//
// The palette is kept apart from the styles (as gh-dash does) so that a
// theme can be rebuilt for another renderer: tests pin a renderer to a fixed
// color profile and get the same bytes on any machine. Three themes are
// built in: dark, light and high-contrast. NO_COLOR is honored: the default
// renderer then drops every color, and a Theme built for a renderer without
// colors says so (NoColor), so that what color would have told is carried by
// bold, underline and reverse video instead. No package of the workbench
// names a color: they all come from here.
package themes
