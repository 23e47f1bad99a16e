package sessions

import (
	"context"
	"errors"
	"strings"
	"testing"

	"dynalab/engine"
	"dynalab/partiql"
)

func TestLocalRun(t *testing.T) {
	t.Parallel()
	h, _ := home(t)
	b, err := Open(context.Background(), Selector{Home: h})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	l := b.(*Local)
	if want, _ := h.DatabasePath(DefaultName); l.Path() != want {
		t.Fatalf("database at %s, want %s", l.Path(), want)
	}
	ctx := context.Background()
	if _, err := l.CreateTable(ctx, &engine.CreateTableInput{
		TableName:            "AppTable",
		AttributeDefinitions: []engine.AttributeDefinition{{AttributeName: "PK", AttributeType: "S"}, {AttributeName: "SK", AttributeType: "S"}},
		KeySchema:            []engine.KeySchemaElement{{AttributeName: "PK", KeyType: "HASH"}, {AttributeName: "SK", KeyType: "RANGE"}},
		BillingMode:          engine.BillingPayPerRequest,
	}); err != nil {
		t.Fatal(err)
	}
	for _, st := range []string{
		`INSERT INTO "AppTable" VALUE {'PK':'USER#u123','SK':'PROFILE','name':'Alice'}`,
		`INSERT INTO "AppTable" VALUE {'PK':'USER#u123','SK':'ORDER#1','total':5}`,
	} {
		if _, err := l.Run(ctx, st, nil, ""); err != nil {
			t.Fatalf("%s: %v", st, err)
		}
	}
	res, err := l.Run(ctx, `SELECT * FROM "AppTable" WHERE PK='USER#u123' AND begins_with(SK,'ORDER#')`, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Operation != "Query" || res.Count != 1 || res.ScannedCount != 1 || res.Capacity != 0.5 {
		t.Fatalf("result %+v", res)
	}
	res, err = l.Run(ctx, `EXPLAIN SELECT * FROM "AppTable" WHERE name = 'Alice'`, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.Plan, "Operation: Scan on AppTable") {
		t.Fatalf("plan %q", res.Plan)
	}
	// The structured explanation carries what the text says, for views
	// that tabulate plans (the Browser's access patterns).
	if ex := res.Explanation; ex == nil || ex.Plan.Operation != partiql.OperationScan || ex.Estimate == nil || ex.Estimate.Examined != 2 || ex.Estimate.Returned != 1 {
		t.Fatalf("explanation %+v", res.Explanation)
	}
	_, err = l.Run(ctx, "SELECT * FROM", nil, "")
	var perr *partiql.Error
	if !errors.As(err, &perr) || perr.Line != 1 {
		t.Fatalf("parse error %v", err)
	}
}
