// Package partiql is DynamoDB's dialect of PartiQL: its lexer, grammar,
// syntax tree, errors and formatter, and (in separate files) the planner and
// executor that run statements on the engine.
//
// Parse reads one statement (SELECT, INSERT, UPDATE, DELETE, EXISTS, and
// the workbench's EXPLAIN) into a Statement. Everything the service refuses
// without looking at a table is refused here, with the service's message
// and the position of the offending token:
//
//	_, err := partiql.Parse("SELECT * FROM Music LIMIT 1")
//	err.Error()                           // "1:21: Unsupported clause: LIMIT"
//	err.(*partiql.Error).ServiceMessage() // "Unsupported clause: LIMIT"
//
// Rules that need the table's key schema (full-key equalities, key types,
// ORDER BY on key attributes, Query versus Scan) are the planner's; the tree
// is shaped for it: WHERE clauses are Expr trees that Conjuncts flattens,
// literals are attr.Values, ? placeholders are numbered in order, and
// set_add/set_delete assignments are already the ADD/DELETE actions they
// translate to.
//
// Format prints any statement in canonical form, and Parse(Format(s)) gives
// s back. For tools: SplitScript splits a script into statements with their
// positions, IsComplete tells a REPL whether to run what was typed, Tokens
// classifies text for highlighting, and Keywords and Functions feed
// completion.
//
// An Executor runs statements on the engine as DynamoDB does, translating
// each into the GetItem, Query, Scan, PutItem, UpdateItem, DeleteItem or
// transaction the service would run, with generated expressions:
//
//	x := partiql.New(db, partiql.Options{})
//	out, err := x.ExecuteStatement(ctx, &partiql.ExecuteStatementInput{
//		Statement: `SELECT * FROM "AppTable" WHERE PK = ? AND begins_with(SK, 'ORDER#')`,
//		Parameters: []attr.Value{attr.S("USER#u123")},
//	})
//
// Plan shows how a statement would run and Explain what it would cost
// (the workbench's EXPLAIN). ExecuteStatement, BatchExecuteStatement and
// ExecuteTransaction take and return the service's request and response
// shapes; Dispatcher serves them over HTTP through engine/server. Runner
// runs scripts of statements (dynalab run, the REPL) on a Backend: an
// Executor, or a Remote endpoint.
package partiql
