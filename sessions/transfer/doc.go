// Package transfer imports items into a table from a file and exports a
// table's items to one, streaming in constant memory. It works on any
// Target or Source — the embedded engine (*engine.DB), a session's Backend
// or a remote endpoint — through the service's own request shapes.
//
// # Formats
//
// Every format has one item per line (CSV: per record); blank lines are
// skipped but counted, so line numbers are the file's. Input that starts
// with the gzip magic bytes is decompressed, whatever its name; output to a
// name ending in .gz is compressed (by the caller, see the CLI).
//
// ddb-json (FormatDDB) is DynamoDB JSON: each line is an item,
// {"pk":{"S":"a"},"n":{"N":"1"}}, or a line of the service's export to S3,
// {"Item":{"pk":{"S":"a"},...}}. A line whose only member is "Item" is read
// as an S3 export line first, and as a bare item if that fails. Export
// writes bare items, canonical (attributes in byte order, numbers in the
// service's canonical form), so ddb-json round trips are exact.
//
// json (FormatJSON) is plain JSON, one object per line, with its types
// inferred: string → S, number → N (its exact decimal text, checked and
// canonicalized by the service's number rules — never through float64),
// true/false → BOOL, null → NULL, array → L, object → M, recursively. No set
// and no binary is ever inferred: a JSON array is always a list. Export
// writes N as a JSON number with its exact text, B as a base64 string, SS
// and BS as arrays of strings, NS as an array of numbers: types are lost
// (B → S and sets → L on re-import); use ddb-json when they matter.
//
// csv (FormatCSV) is RFC 4180 CSV (quoted cells may span lines) with a
// typed header: each header cell is NAME or NAME:TYPE, where TYPE is one
// of S N B BOOL NULL SS NS BS L M DDB, in upper case (only a known type
// after the last colon counts: "a:b" is the S attribute "a:b", "a:b:N" the
// N attribute "a:b"). An untyped column is S. Cells are read as
//
//	S     the text itself
//	N     a number, e.g. 42 or -1.5e3
//	B     base64
//	BOOL  true or false (any case)
//	NULL  true or null (any case)
//	SS    a JSON array of strings: ["a","b"]
//	NS    a JSON array of numbers (or numeric strings): [1,2.5]
//	BS    a JSON array of base64 strings
//	L, M  a JSON array or object, types inferred as in the json format
//	DDB   one DynamoDB JSON attribute value of any type: {"N":"1"}
//
// An empty cell means the attribute is absent (an empty string therefore
// needs a DDB cell, {"S":""}). A header cell "*" names no attribute: its
// cells hold a DynamoDB JSON object of further attributes,
// {"color":{"S":"red"}}, merged into the item (an attribute given twice
// rejects the line). A record must have as many cells as the header.
//
// Export writes CSV with a header made from the table's key attributes,
// then every other attribute seen in the first ExportOptions.SampleSize
// items (by name), each typed by the type it had there — DDB when it had
// several, or an L or M that plain JSON cannot carry — and a final "*"
// column for whatever does not fit a column: attributes first seen later,
// values of another type than their column's, empty strings and binaries.
// Only that sample is held in memory. ExportOptions.Columns replaces the
// sampled header; without a "*" among them, attributes outside the columns
// are not written and ExportResult.Dropped counts them.
//
// # Import
//
// Import decodes each line, checks it against the table's key schema and
// the service's item rules (key attributes present, typed and sized as the
// table says, at most 400 KB, at most 32 levels deep), and writes items
// with BatchWriteItem, 25 at a time; a batch is flushed early rather than
// write one key twice. UnprocessedItems and throttling errors are retried
// with exponential backoff (capped). A line that cannot be imported is
// rejected: reported with its line number and reason, never dropped
// silently, and counted in the result. (A CSV header that types a key
// attribute otherwise than the table does is refused up front, and an
// import whose first 1000 lines are all rejected stops: the format is
// most likely wrong.)
//
// With a checkpoint path, Import records its position — the input's
// identity (path, size, modification time, a hash of its first 64 KiB),
// the byte offset and line number up to which every line is written or
// rejected, and the counts — at most once per CheckpointInterval, and
// when it stops on an error or cancellation after writing something. A
// checkpoint written on a timer records the position reached one interval
// earlier, so it never runs ahead of writes the database may not have
// synced yet. Resume continues from it, re-writing (idempotently) at most
// the lines after it; a finished import removes it. Lines rejected after
// the checkpoint are reported again when resuming.
package transfer
