package partiql

import (
	"context"
	"errors"
	"testing"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/engine/enginetest"
)

// openExecutor opens an engine database in the test's directory with the
// tables of TestMusicExamples (Music: Artist/SongTitle; Orders: OrderID N) and
// the seed's AppTable (PK/SK), and an Executor on it.
func openExecutor(t testing.TB) (*engine.DB, *Executor) {
	t.Helper()
	db := enginetest.Open(t, engine.Options{})
	createTable(t, db, "Music", "Artist", "S", "SongTitle", "S")
	createTable(t, db, "Orders", "OrderID", "N", "", "")
	createTable(t, db, "AppTable", "PK", "S", "SK", "S")
	return db, New(db, Options{})
}

func createTable(t testing.TB, db *engine.DB, name, hash, hashType, rng, rngType string) {
	t.Helper()
	in := &engine.CreateTableInput{
		TableName:            name,
		BillingMode:          engine.BillingPayPerRequest,
		AttributeDefinitions: []engine.AttributeDefinition{{AttributeName: hash, AttributeType: hashType}},
		KeySchema:            []engine.KeySchemaElement{{AttributeName: hash, KeyType: engine.KeyTypeHash}},
	}
	if rng != "" {
		in.AttributeDefinitions = append(in.AttributeDefinitions, engine.AttributeDefinition{AttributeName: rng, AttributeType: rngType})
		in.KeySchema = append(in.KeySchema, engine.KeySchemaElement{AttributeName: rng, KeyType: engine.KeyTypeRange})
	}
	if _, err := db.CreateTable(context.Background(), in); err != nil {
		t.Fatalf("CreateTable %s: %v", name, err)
	}
}

// exec runs a statement and fails the test on error.
func exec(t testing.TB, x *Executor, stmt string, params ...attr.Value) *ExecuteStatementOutput {
	t.Helper()
	out, err := x.ExecuteStatement(context.Background(), &ExecuteStatementInput{Statement: stmt, Parameters: params})
	if err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
	return out
}

// execErr runs a statement that must fail and returns its error.
func execErr(t testing.TB, x *Executor, stmt string, params ...attr.Value) *engine.APIError {
	t.Helper()
	out, err := x.ExecuteStatement(context.Background(), &ExecuteStatementInput{Statement: stmt, Parameters: params})
	if err == nil {
		t.Fatalf("%s: no error, items %v", stmt, out.Items)
	}
	var api *engine.APIError
	if !errors.As(err, &api) {
		t.Fatalf("%s: error %T %v, want *engine.APIError", stmt, err, err)
	}
	return api
}

// plan plans a statement and fails the test on error.
func plan(t testing.TB, x *Executor, stmt string, params ...attr.Value) *Plan {
	t.Helper()
	s, err := Parse(stmt)
	if err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
	p, err := x.Plan(context.Background(), s, params)
	if err != nil {
		t.Fatalf("plan %s: %v", stmt, err)
	}
	return p
}

func itemsJSON(items []attr.Item) string {
	b := []byte{'['}
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = attr.AppendItem(b, it)
	}
	return string(append(b, ']'))
}
