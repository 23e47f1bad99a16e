package samples_test

import (
	"context"
	"strings"
	"testing"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/partiql"
	"dynalab/sessions"
	"dynalab/sessions/samples"
)

// TestExplainTeachesOnSingleTable is issue 23's example: a Scan of
// AppTable by userId would be a Query on GSI2-multi, whose partition key
// is userId. PartiQL cannot read an index with a multi-attribute key (the
// service refuses the statement: paritysuite's
// partiqlMultiAttributeIndex.test.ts), so EXPLAIN points at the API's
// Query on it rather than a rewritten statement or a new index; the API's
// Query there examines only the user's orders.
func TestExplainTeachesOnSingleTable(t *testing.T) {
	t.Parallel()
	b, _ := newSession(t)
	ctx := context.Background()
	if _, err := samples.Load(ctx, b, "single-table", samples.Options{}); err != nil {
		t.Fatal(err)
	}
	x := sessions.Planner(b)
	s, err := partiql.Parse(`EXPLAIN SELECT * FROM "AppTable" WHERE userId = 'u123'`)
	if err != nil {
		t.Fatal(err)
	}
	e, err := x.Explain(ctx, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if e.Plan.Operation != partiql.OperationScan || e.Advice == nil || e.Advice.Use != nil || e.Advice.Add != nil {
		t.Fatalf("advice:\n%s", e)
	}
	const note = "GSI2-multi has userId as its partition key, but PartiQL cannot read an index with a multi-attribute key: " +
		"use the API's Query on GSI2-multi (a KeyConditionExpression with = on userId), from the Browser's key bar or in code"
	if e.Advice.Note != note || !strings.Contains(e.String(), note) {
		t.Fatalf("advice %q:\n%s", e.Advice.Note, e)
	}
	if _, err := b.Run(ctx, `SELECT * FROM "AppTable"."GSI2-multi" WHERE userId = 'u123'`, nil, ""); err == nil ||
		!strings.Contains(err.Error(), "PartiQL statements cannot be executed on tables with multi-attribute HASH keys or multi-attribute RANGE keys.") {
		t.Fatalf("PartiQL on GSI2-multi: %v", err)
	}
	// The API's Query reads the user's 5 orders; the Scan all 41 items.
	kc, v := "userId = :u", engine.Values{":u": attr.S("u123")}
	out, err := b.Query(ctx, &engine.QueryInput{TableName: "AppTable", IndexName: "GSI2-multi", KeyConditionExpression: &kc,
		ExpressionAttributeValues: v, ReturnConsumedCapacity: engine.CapacityTotal})
	if err != nil || out.Count != 5 || out.ScannedCount != 5 {
		t.Fatalf("Query on GSI2-multi: %v %+v", err, out)
	}
	// A Scan nothing serves gets a GSI to add, costed on the sample's items.
	s, _ = partiql.Parse(`SELECT orderId, total FROM "AppTable" WHERE currency = 'EUR' AND total > 100`)
	a, err := x.IndexAdvice(ctx, s, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if a == nil || a.Add == nil || a.Add.Name != "currency-total-index" || a.Add.Projection != "INCLUDE" || a.Add.Cost == nil || a.Add.Cost.Indexed == 0 {
		t.Fatalf("advice %+v", a)
	}
}
