package samples_test

import (
	"context"
	"strings"
	"testing"

	"dynalab/partiql"
	"dynalab/sessions"
	"dynalab/sessions/samples"
)

// TestExplainTeachesOnSingleTable is issue 23's example: a Scan of
// AppTable by userId is a Query on GSI2-multi, whose partition key is
// userId; EXPLAIN says so, with the rewritten statement and what each
// examines, and warns that the index holds only orders (the items with
// status and statusAt).
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
	if e.Plan.Operation != partiql.OperationScan || e.Advice == nil || e.Advice.Use == nil {
		t.Fatalf("no advice:\n%s", e)
	}
	u := e.Advice.Use
	if u.Index != "GSI2-multi" || u.Statement != `SELECT * FROM AppTable."GSI2-multi" WHERE userId = 'u123'` {
		t.Fatalf("advice %s: %s", u.Index, u.Statement)
	}
	// The Scan reads all 41 items; the Query the user's 5 orders. The
	// Scan also returns the profile, the email item and the open-order
	// status item of u123, which are not in the index.
	all, orders, matching := 41, 0, 0
	res, err := b.Run(ctx, `SELECT * FROM "AppTable" WHERE userId = 'u123'`, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	matching = len(res.Items)
	for _, it := range res.Items {
		if it["type"].Str() == "Order" {
			orders++
		}
	}
	if u.Current.Examined != all || u.Rewritten.Examined != orders || u.Current.Returned != matching || u.Rewritten.Returned != orders {
		t.Fatalf("examined %d → %d, returned %d → %d; want %d → %d, %d → %d",
			u.Current.Examined, u.Rewritten.Examined, u.Current.Returned, u.Rewritten.Returned, all, orders, matching, orders)
	}
	text := e.String()
	for _, w := range []string{
		"GSI2-multi has userId as its partition key: on GSI2-multi this is a Query",
		"GSI2-multi holds only the items that have status and statusAt",
	} {
		if !strings.Contains(text, w) {
			t.Errorf("EXPLAIN lacks %q:\n%s", w, text)
		}
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
