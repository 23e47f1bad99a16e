// Package browser is the workbench's item browser: the session's tables
// (key schema, item count, size), and a table's items in a grid grouped by
// partition key, so that item collections show as groups with their
// counts — the picture single-table design is taught with.
//
// A key-condition bar (partition key value, sort key operator and values)
// turns the listing into a Query, else it is a Scan; a filter bar adds a
// FilterExpression, and / narrows the loaded rows on the client (the
// status line says so). Pages load on demand and stay loaded; only the
// rows on screen are drawn, so a 100,000-item table scrolls as fast as a
// small one. Enter shows an item as colored DynamoDB JSON with every type.
//
// Writes are deliberate: an inline edit or an edit in $EDITOR (as DynamoDB
// JSON, which reads back byte-for-byte when unchanged) shows a typed
// old → new diff and asks for confirmation naming the key; new items and
// duplicates may not overwrite; deletes confirm with the count and keys.
//
// x exports the open table (or the index listed, or the table under the
// cursor) to a file and I imports a file into it, through sessions/transfer
// with the CLI's formats; the work runs in a command with its progress on
// the message line, Esc cancels it, and an import keeps the CLI's
// checkpoint so that `dynalab import --resume` continues it.
//
// With the session's data model (sessions/model, read through the
// ModelFunc the workbench is given, in a command when a table opens), t
// and T switch between "all items" and each entity type (facet): its rows
// only, classified once as they load by model.Matcher on the facets' key
// patterns, with the facet's own columns and widths. p lists the model's
// access patterns of the table with the plan the backend's EXPLAIN gives
// (operation and index, capacity per call, items returned on the current
// data); Enter asks each ? parameter (prefilled with the model's example;
// Esc cancels) and lists the result in the grid, a write only after a
// confirmation. K shows the key space of what is listed (the table, or
// the index chosen with i): each partition with its item count, size and
// the entity types in its collection, computed in a command from the
// loaded rows; Enter queries that partition.
package browser
