// Package engine is dynalab's local DynamoDB: tables, items, expressions,
// queries and scans persisted in a buntdb file, with the service's
// validation rules and error messages.
//
// The public face is DB, opened on a file path or in memory, with one method
// per DynamoDB operation. Each method takes and returns request and response
// structs whose JSON form is the service's wire form, so the HTTP server in
// engine/server is a thin decode → call → encode loop (see DB.Dispatch).
package engine
