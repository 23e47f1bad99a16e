// Package engine is dynalab's local DynamoDB: tables, items, expressions,
// queries and scans persisted in a buntdb file, with the service's
// validation rules and error messages.
//
// The public face is DB, opened on a file path or in memory, with one method
// per DynamoDB operation. Each method takes and returns request and response
// structs whose JSON form is the service's wire form, so the HTTP server in
// engine/server is a thin decode → call → encode loop (see DB.Dispatch).
//
// DB also serves the DynamoDB Streams API (ListStreams, DescribeStream,
// GetShardIterator, GetRecords) on the same endpoint, deletes expired items
// for tables with TTL enabled, and publishes every committed change to
// in-process subscribers (DB.Subscribe). Background work runs in a
// goroutine that Close stops; RunMaintenance does it on demand.
package engine
