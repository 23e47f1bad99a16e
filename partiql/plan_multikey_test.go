package partiql

import (
	"context"
	"strings"
	"testing"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// openMultiKey adds to the usual tables "Events" (PK) with a GSI
// "ByStatus" whose key is status (S) | eventTime (N), orderId (S): the
// single-table guide's GSI2 with separate key attributes.
func openMultiKey(t *testing.T) *Executor {
	t.Helper()
	db, x := openExecutor(t)
	_, err := db.CreateTable(context.Background(), &engine.CreateTableInput{
		TableName:   "Events",
		BillingMode: engine.BillingPayPerRequest,
		AttributeDefinitions: []engine.AttributeDefinition{
			{AttributeName: "PK", AttributeType: "S"}, {AttributeName: "status", AttributeType: "S"},
			{AttributeName: "eventTime", AttributeType: "N"}, {AttributeName: "orderId", AttributeType: "S"},
		},
		KeySchema: []engine.KeySchemaElement{{AttributeName: "PK", KeyType: engine.KeyTypeHash}},
		GlobalSecondaryIndexes: []engine.GlobalSecondaryIndex{{
			IndexName: "ByStatus",
			KeySchema: []engine.KeySchemaElement{
				{AttributeName: "status", KeyType: engine.KeyTypeHash},
				{AttributeName: "eventTime", KeyType: engine.KeyTypeRange},
				{AttributeName: "orderId", KeyType: engine.KeyTypeRange},
			},
			Projection: &engine.Projection{ProjectionType: engine.ProjectionAll},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []string{
		`INSERT INTO Events VALUE {'PK': 'e1', 'status': 'OPEN', 'eventTime': 30, 'orderId': 'o1', 'n': 1}`,
		`INSERT INTO Events VALUE {'PK': 'e2', 'status': 'OPEN', 'eventTime': 10, 'orderId': 'o2', 'n': 2}`,
		`INSERT INTO Events VALUE {'PK': 'e3', 'status': 'OPEN', 'eventTime': 10, 'orderId': 'o1', 'n': 3}`,
		`INSERT INTO Events VALUE {'PK': 'e4', 'status': 'DONE', 'eventTime': 20, 'orderId': 'o1', 'n': 4}`,
		`INSERT INTO Events VALUE {'PK': 'e5', 'status': 'OPEN', 'orderId': 'o9', 'n': 5}`,
	} {
		exec(t, x, st)
	}
	return x
}

// TestMultiKeyIndexPlan: planning (and so EXPLAIN) a read of a GSI with a
// multi-attribute key fails as executing it does (TestMultiAttributeIndexRefused
// has the service's sources), and EXPLAIN's advice on a Scan that such an
// index would serve points at the API's Query instead of a new index.
func TestMultiKeyIndexPlan(t *testing.T) {
	x := openMultiKey(t)
	ctx := context.Background()
	for _, stmt := range []string{
		`SELECT * FROM Events."ByStatus" WHERE status = 'OPEN'`,
		`EXPLAIN SELECT * FROM Events."ByStatus" WHERE status = 'OPEN' AND eventTime BETWEEN 5 AND 15`,
	} {
		s, err := Parse(stmt)
		if err != nil {
			t.Fatal(err)
		}
		_, err = x.Plan(ctx, s, nil)
		if api, ok := err.(*engine.APIError); !ok || api.Message != msgMultiKeyIndex {
			t.Errorf("Plan %s: %v", stmt, err)
		}
		if _, err := x.Explain(ctx, s, nil); err == nil || !strings.Contains(err.Error(), msgMultiKeyIndex) {
			t.Errorf("Explain %s: %v", stmt, err)
		}
		if a, err := x.IndexAdvice(ctx, s, nil, true); a != nil || err == nil {
			t.Errorf("IndexAdvice %s: %+v %v", stmt, a, err)
		}
	}
	if got := pkList(exec(t, x, `SELECT * FROM Events WHERE PK = 'e1'`).Items); got != "e1" {
		t.Errorf("the table itself: %s", got)
	}

	advice := func(stmt string) *Advice {
		t.Helper()
		s, err := Parse(stmt)
		if err != nil {
			t.Fatal(err)
		}
		a, err := x.IndexAdvice(ctx, s, nil, true)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	a := advice(`SELECT * FROM Events WHERE status = 'OPEN' AND n > 1`)
	if a == nil || a.Use != nil || a.Add != nil || !strings.HasPrefix(a.Note, "ByStatus has status as its partition key, but PartiQL cannot read an index with a multi-attribute key: use the API's Query on ByStatus (a KeyConditionExpression with = on status)") {
		t.Fatalf("advice on a Scan ByStatus serves: %+v", a)
	}
	// Without the partition attribute's value ByStatus does not serve:
	// the usual new index.
	if a := advice(`SELECT * FROM Events WHERE orderId = 'o1'`); a == nil || a.Add == nil || a.Add.Partition.Name != "orderId" {
		t.Fatalf("advice without status: %+v", a)
	}
}

func pkList(items []attr.Item) string {
	var out []string
	for _, it := range items {
		out = append(out, it["PK"].Str())
	}
	return strings.Join(out, ",")
}
