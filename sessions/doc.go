// Package sessions manages dynalab's named workspaces and the one way the
// workbench, scripts and import/export reach data.
//
// A session is a directory under the data directory (a Home, resolved
// once by the command layer with DefaultHome) at sessions/NAME, holding
// session.json (its Settings: local or remote, endpoint, region, profile,
// theme), history (the REPL's), queries/ (saved statements, NAME.sql),
// and for a local session data.db (the engine's database) and snapshots/
// (copies of data.db, for fast resets between test suites). The default
// session needs no setup: it is created on first use.
//
// Open resolves a Selector (the --session, --data, --endpoint and
// --in-memory flags every command shares) to a Backend: a Local on the
// embedded engine, or a Remote on any DynamoDB-compatible endpoint (AWS
// through the aws-sdk-go-v2 config chain, DynamoDB Local, another
// dynalab). A local database held by a running workbench or server is
// reached through the endpoint its lock file records when the Selector
// asks for it (run, import, export); otherwise opening it fails with an
// error naming the process.
//
// Snapshots are taken and restored under the database's lock, so they
// never copy a database mid-write: while a process holds the database,
// both refuse with a *HeldError saying which process and what to do.
package sessions
