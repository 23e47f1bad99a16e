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

func pkList(items []attr.Item) string {
	var out []string
	for _, it := range items {
		out = append(out, it["PK"].Str())
	}
	return strings.Join(out, ",")
}

func TestPlanMultiKeySelect(t *testing.T) {
	x := openMultiKey(t)
	cases := []struct {
		stmt        string
		op          Operation
		key, filter string
		exprKey     string
		local, back bool
		pks         string
	}{
		{stmt: `SELECT * FROM Events."ByStatus" WHERE status = 'OPEN'`, op: OperationQuery, key: "status = 'OPEN'", exprKey: "#n0 = :v0", pks: "e3,e2,e1"},
		{stmt: `SELECT * FROM Events."ByStatus" WHERE eventTime = 10 AND status = 'OPEN'`, op: OperationQuery,
			key: "status = 'OPEN' AND eventTime = 10", exprKey: "#n0 = :v0 AND #n1 = :v1", pks: "e3,e2"},
		{stmt: `SELECT * FROM Events."ByStatus" WHERE status = 'OPEN' AND eventTime = 10 AND orderId > 'o1'`, op: OperationQuery,
			key: "status = 'OPEN' AND eventTime = 10 AND orderId > 'o1'", exprKey: "#n0 = :v0 AND #n1 = :v1 AND #n2 > :v2", pks: "e2"},
		{stmt: `SELECT * FROM Events."ByStatus" WHERE status = 'OPEN' AND eventTime >= 10 AND n > 1`, op: OperationQuery,
			key: "status = 'OPEN' AND eventTime >= 10", filter: "n > 1", exprKey: "#n0 = :v0 AND #n1 >= :v1", pks: "e3,e2"},
		// a sort condition past a range condition (or a gap) filters the Query's items
		{stmt: `SELECT * FROM Events."ByStatus" WHERE status = 'OPEN' AND orderId = 'o1'`, op: OperationQuery,
			key: "status = 'OPEN'", filter: "orderId = 'o1'", exprKey: "#n0 = :v0", local: true, pks: "e3,e1"},
		{stmt: `SELECT * FROM Events."ByStatus" WHERE status = 'OPEN' ORDER BY eventTime DESC`, op: OperationQuery,
			key: "status = 'OPEN'", exprKey: "#n0 = :v0", back: true, pks: "e1,e2,e3"},
		// no equality on the partition attribute: a Scan
		{stmt: `SELECT * FROM Events."ByStatus" WHERE eventTime = 10`, op: OperationScan, filter: "eventTime = 10"},
		{stmt: `SELECT * FROM Events."ByStatus" WHERE status IN ['OPEN', 'DONE']`, op: OperationScan, filter: "status IN ['OPEN', 'DONE']"},
	}
	for _, c := range cases {
		t.Run(c.stmt, func(t *testing.T) {
			p := plan(t, x, c.stmt)
			if p.Operation != c.op {
				t.Fatalf("operation %s, want %s", p.Operation, c.op)
			}
			if got := conditionText(p.KeyCondition); got != c.key {
				t.Errorf("key condition %q, want %q", got, c.key)
			}
			if got := conditionText(p.Filter); got != c.filter {
				t.Errorf("filter %q, want %q", got, c.filter)
			}
			if p.Expressions.KeyCondition != c.exprKey {
				t.Errorf("key expression %q, want %q", p.Expressions.KeyCondition, c.exprKey)
			}
			if p.LocalFilter != c.local || p.ScanIndexForward == c.back {
				t.Errorf("local %v forward %v", p.LocalFilter, p.ScanIndexForward)
			}
			out := exec(t, x, c.stmt)
			if c.op == OperationQuery {
				if got := pkList(out.Items); got != c.pks {
					t.Errorf("items %s, want %s", got, c.pks)
				}
			}
		})
	}
	// EXPLAIN shows the Query on the index with the whole key condition.
	s, err := Parse(`EXPLAIN SELECT * FROM Events."ByStatus" WHERE status = 'OPEN' AND eventTime BETWEEN 5 AND 15`)
	if err != nil {
		t.Fatal(err)
	}
	e, err := x.Explain(context.Background(), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	text := e.String()
	for _, want := range []string{"Operation: Query on Events.ByStatus", "Key condition:", "status = 'OPEN' AND eventTime BETWEEN 5 AND 15"} {
		if !strings.Contains(text, want) {
			t.Fatalf("EXPLAIN lacks %q:\n%s", want, text)
		}
	}
	// Types are checked against the schema as for single keys.
	api := execErr(t, x, `SELECT * FROM Events."ByStatus" WHERE status = 'OPEN' AND eventTime = 'x'`)
	if api.Message != "Key attribute's data type should match its data type in table's schema: Key eventTime" {
		t.Fatalf("got %q", api.Message)
	}
}
