package partiql_test

// PartiQL and GSIs with a multi-attribute key, as paritysuite's
// dynamodb-conformance records the service (eu-west-2 and us-east-1,
// October 2026): tests/tier2/partiql/multiAttributeIndex.test.ts (which
// statements run) and tests/tier3/error-messages/
// partiqlMultiAttributeIndex.test.ts (the text and its place among the
// other errors). Reading such an index is refused, whatever the
// statement; the table itself, its other indexes and writes to the table
// run.

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine/enginetest"
)

const multiKeyRefused = "PartiQL statements cannot be executed on tables with multi-attribute HASH keys or multi-attribute RANGE keys."

func strDefs(names ...string) []types.AttributeDefinition {
	defs := make([]types.AttributeDefinition, len(names))
	for i, n := range names {
		defs[i] = types.AttributeDefinition{AttributeName: aws.String(n), AttributeType: types.ScalarAttributeTypeS}
	}
	return defs
}

func keyElems(hash, rng []string) []types.KeySchemaElement {
	var ks []types.KeySchemaElement
	for _, n := range hash {
		ks = append(ks, types.KeySchemaElement{AttributeName: aws.String(n), KeyType: types.KeyTypeHash})
	}
	for _, n := range rng {
		ks = append(ks, types.KeySchemaElement{AttributeName: aws.String(n), KeyType: types.KeyTypeRange})
	}
	return ks
}

func TestMultiAttributeIndexRefused(t *testing.T) {
	c, _ := serve(t)
	ctx := enginetest.Ctx(t)
	all := &types.Projection{ProjectionType: types.ProjectionTypeAll}
	gsi := func(name string, hash, rng []string) types.GlobalSecondaryIndex {
		return types.GlobalSecondaryIndex{IndexName: aws.String(name), KeySchema: keyElems(hash, rng), Projection: all}
	}
	create := func(in *dynamodb.CreateTableInput) {
		t.Helper()
		in.BillingMode = types.BillingModePayPerRequest
		if _, err := c.CreateTable(ctx, in); err != nil {
			t.Fatalf("CreateTable %s: %v", *in.TableName, err)
		}
	}
	// HhRr: two HASH and two RANGE attributes; HhR: two HASH, one RANGE;
	// Ctrl: one of each; Mixed: a single-attribute GSI, a multi-attribute
	// one and an LSI side by side.
	create(&dynamodb.CreateTableInput{TableName: aws.String("HhRr"), AttributeDefinitions: strDefs("id", "h1", "h2", "r1", "r2"),
		KeySchema: keyElems([]string{"id"}, nil), GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{gsi("gsi", []string{"h1", "h2"}, []string{"r1", "r2"})}})
	create(&dynamodb.CreateTableInput{TableName: aws.String("HhR"), AttributeDefinitions: strDefs("id", "h1", "h2", "r1"),
		KeySchema: keyElems([]string{"id"}, nil), GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{gsi("gsi", []string{"h1", "h2"}, []string{"r1"})}})
	create(&dynamodb.CreateTableInput{TableName: aws.String("Ctrl"), AttributeDefinitions: strDefs("id", "h1", "r1"),
		KeySchema: keyElems([]string{"id"}, nil), GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{gsi("gsi", []string{"h1"}, []string{"r1"})}})
	create(&dynamodb.CreateTableInput{TableName: aws.String("Mixed"), AttributeDefinitions: strDefs("id", "sk", "g", "h1", "h2", "r1", "l"),
		KeySchema:              keyElems([]string{"id"}, []string{"sk"}),
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{gsi("single", []string{"g"}, nil), gsi("multi", []string{"h1", "h2"}, []string{"r1"})},
		LocalSecondaryIndexes:  []types.LocalSecondaryIndex{{IndexName: aws.String("local"), KeySchema: keyElems([]string{"id"}, []string{"l"}), Projection: all}}})
	for _, st := range []string{
		`INSERT INTO "HhRr" VALUE {'id': 'i1', 'h1': 'a', 'h2': 'x', 'r1': 'm', 'r2': 'n'}`,
		`INSERT INTO "HhR" VALUE {'id': 'i1', 'h1': 'a', 'h2': 'x', 'r1': 'm'}`,
		`INSERT INTO "Ctrl" VALUE {'id': 'i1', 'h1': 'a', 'h2': 'x', 'r1': 'm'}`,
		`INSERT INTO "Mixed" VALUE {'id': 'i1', 'sk': 's', 'g': 'g1', 'h1': 'a', 'h2': 'x', 'r1': 'm', 'l': 'l1'}`,
	} {
		if _, err := execute(ctx, c, st); err != nil {
			t.Fatalf("%s: %v", st, err)
		}
	}

	refused := func(stmt string, params ...types.AttributeValue) {
		t.Helper()
		_, err := execute(ctx, c, stmt, params...)
		if code, msg := apiError(err); code != "ValidationException" || msg != multiKeyRefused {
			t.Errorf("%s: got %s %q", stmt, code, msg)
		}
	}
	// The refusal, whatever the statement asks of the index: key types,
	// a non-key WHERE and no WHERE are reported after it.
	refused(`SELECT * FROM "HhRr"."gsi" WHERE h1 = 'a'`)
	refused(`SELECT * FROM "HhR"."gsi" WHERE h1 = 'a'`)
	refused(`SELECT id FROM "HhRr"."gsi" WHERE h1 = 'a' AND h2 = 'x' ORDER BY r1 DESC`)
	refused(`SELECT * FROM "Mixed"."multi" WHERE h1 = 'a' AND h2 = 'x'`)
	refused(`SELECT * FROM "HhR"."gsi" WHERE h1 = 5`)
	refused(`SELECT * FROM "HhR"."gsi" WHERE id = 'i1'`)
	refused(`SELECT * FROM "HhR"."gsi"`)
	refused(`SELECT * FROM "HhR"."gsi" WHERE h1 = ?`, s("a"))

	// Reported ahead of it: a statement that breaks off, a number literal
	// or a parameter that cannot be converted.
	for _, tc := range []struct {
		stmt   string
		params []types.AttributeValue
		msg    string
	}{
		{`SELECT * FROM "HhR"."gsi" WHERE`, nil, "Statement wasn't well formed, can't be processed: Unexpected term"},
		{`SELECT * FROM "HhR"."gsi" WHERE h1 = 1e99999999999`, nil, "Statement wasn't well formed, can't be processed: "},
		{`SELECT * FROM "HhR"."gsi" WHERE h1 = ?`, []types.AttributeValue{n("abc")}, "The parameter cannot be converted to a numeric value: abc"},
	} {
		_, err := execute(ctx, c, tc.stmt, tc.params...)
		if code, msg := apiError(err); code != "ValidationException" || msg != tc.msg {
			t.Errorf("%s: got %s %q, want %q", tc.stmt, code, msg, tc.msg)
		}
	}

	// The rest of the table is unaffected: the base table, a
	// single-attribute GSI and an LSI read; the table's writes run.
	for _, st := range []string{
		`SELECT * FROM "Mixed" WHERE id = 'i1'`,
		`SELECT * FROM "Mixed"."single" WHERE g = 'g1'`,
		`SELECT * FROM "Mixed"."local" WHERE id = 'i1'`,
		`SELECT * FROM "HhRr" WHERE id = 'i1'`,
	} {
		out, err := execute(ctx, c, st)
		if err != nil || len(out.Items) != 1 {
			t.Errorf("%s: %v %v", st, err, out)
		}
	}
	for _, st := range []string{
		`INSERT INTO "HhRr" VALUE {'id': 'n1'}`,
		`UPDATE "HhRr" SET a = 1 WHERE id = 'i1'`,
		`DELETE FROM "HhRr" WHERE id = 'zz'`,
	} {
		if _, err := execute(ctx, c, st); err != nil {
			t.Errorf("%s: %v", st, err)
		}
	}
	got, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("HhRr"), Key: map[string]types.AttributeValue{"id": s("i1")}})
	if err != nil || itemsText(t, []map[string]types.AttributeValue{got.Item}) != `{"a":{"N":"1"},"h1":{"S":"a"},"h2":{"S":"x"},"id":{"S":"i1"},"r1":{"S":"m"},"r2":{"S":"n"}}` {
		t.Errorf("after UPDATE: %v %v", err, got)
	}
	if got, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("HhRr"), Key: map[string]types.AttributeValue{"id": s("n1")}}); err != nil || got.Item == nil {
		t.Errorf("INSERT did not write: %v", err)
	}

	// In a batch only the statement reading the index fails, ahead of the
	// rule that a batch SELECT names the table's primary key.
	out, err := c.BatchExecuteStatement(ctx, &dynamodb.BatchExecuteStatementInput{Statements: []types.BatchStatementRequest{
		{Statement: aws.String(`SELECT * FROM "Ctrl"."gsi" WHERE h1 = 'a' AND r1 = 'm'`)},
		{Statement: aws.String(`SELECT * FROM "HhR"."gsi" WHERE h1 = 'a' AND h2 = 'x' AND r1 = 'm'`)},
		{Statement: aws.String(`SELECT * FROM "HhR" WHERE id = 'i1'`)},
	}})
	if err != nil || len(out.Responses) != 3 {
		t.Fatalf("batch: %v %v", err, out)
	}
	want := []struct{ code, msg string }{
		{"ValidationError", "Select statements within BatchExecuteStatement must specify the primary key in the where clause."},
		{"ValidationError", multiKeyRefused},
	}
	for i, w := range want {
		e := out.Responses[i].Error
		if e == nil || string(e.Code) != w.code || aws.ToString(e.Message) != w.msg {
			t.Errorf("batch statement %d: got %+v %q, want %s %q", i+1, e, aws.ToString(e.Message), w.code, w.msg)
		}
	}
	if r := out.Responses[2]; r.Error != nil || r.Item["id"] == nil {
		t.Errorf("batch base-table read: %+v", r)
	}
}
