// Package repl is the workbench's PartiQL shell: a multi-line editor with
// syntax highlighting (from the partiql lexer), history persisted per
// session (Up/Down, Ctrl+R search), Tab completion of keywords, tables,
// indexes and attribute names seen, and a transcript of results drawn as
// tables (columns from the union of attribute names, key attributes first,
// types by color and tag) or as DynamoDB JSON, paged with NextToken.
// EXPLAIN output is drawn as a plan; statements that do not parse show a
// caret under the error's column.
//
// Enter runs the input when partiql.IsComplete says it is a statement
// ending in ';' (or a meta-command: .tables, .describe T, .read FILE,
// .export FILE, .code LANG [NAME], .theme NAME, .clear, .help); otherwise it starts a new
// line. Statements run through sessions.Backend.Run inside a tea.Cmd with
// the workbench's timeout; Esc cancels the one in flight.
package repl
