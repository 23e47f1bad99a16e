package partiql

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/engine/enginetest"
)

// openShop opens a table Shop (PK, SK) with an LSI ByPrice (PK, price N)
// and a GSI ByCustomer (customerId), and 15 orders: 5 in each of the
// partitions p1..p3, priced 5..25; customer c1 placed orders 1 and 2 of
// each partition, c2 order 3; orders 1 of each partition have an email.
func openShop(t *testing.T) *Executor {
	t.Helper()
	db := enginetest.Open(t, engine.Options{})
	ctx := context.Background()
	_, err := db.CreateTable(ctx, &engine.CreateTableInput{
		TableName:   "Shop",
		BillingMode: engine.BillingPayPerRequest,
		AttributeDefinitions: []engine.AttributeDefinition{
			{AttributeName: "PK", AttributeType: "S"}, {AttributeName: "SK", AttributeType: "S"},
			{AttributeName: "price", AttributeType: "N"}, {AttributeName: "customerId", AttributeType: "S"},
		},
		KeySchema: []engine.KeySchemaElement{{AttributeName: "PK", KeyType: "HASH"}, {AttributeName: "SK", KeyType: "RANGE"}},
		LocalSecondaryIndexes: []engine.LocalSecondaryIndex{{IndexName: "ByPrice",
			KeySchema:  []engine.KeySchemaElement{{AttributeName: "PK", KeyType: "HASH"}, {AttributeName: "price", KeyType: "RANGE"}},
			Projection: &engine.Projection{ProjectionType: "ALL"}}},
		GlobalSecondaryIndexes: []engine.GlobalSecondaryIndex{{IndexName: "ByCustomer",
			KeySchema:  []engine.KeySchemaElement{{AttributeName: "customerId", KeyType: "HASH"}},
			Projection: &engine.Projection{ProjectionType: "ALL"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	x := New(db, Options{})
	for p := 1; p <= 3; p++ {
		for o := 1; o <= 5; o++ {
			item := fmt.Sprintf(`{'PK': 'p%d', 'SK': 'o%d', 'price': %d, 'total': %d`, p, o, 5*o, 10*o)
			switch o {
			case 1, 2:
				item += `, 'customerId': 'c1'`
			case 3:
				item += `, 'customerId': 'c2'`
			}
			if o == 1 {
				item += fmt.Sprintf(`, 'email': 'p%d@example.com'`, p)
			}
			exec(t, x, `INSERT INTO Shop VALUE `+item+`}`)
		}
	}
	return x
}

func explain(t *testing.T, x *Executor, stmt string) *Explanation {
	t.Helper()
	s, err := Parse(stmt)
	if err != nil {
		t.Fatal(err)
	}
	e, err := x.Explain(context.Background(), s, nil)
	if err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
	return e
}

// TestIndexAdviceExisting: a Scan that an existing GSI serves, a Scan (of
// a GSI) that an LSI serves, and a filtered Query whose filter the LSI's
// sort key takes over.
func TestIndexAdviceExisting(t *testing.T) {
	x := openShop(t)
	for _, c := range []struct {
		name, stmt       string
		index, rewritten string
		reason           string
		examined         [2]int // as written, rewritten
		returned         [2]int
	}{
		{"GSI serves a Scan", `SELECT * FROM Shop WHERE customerId = 'c1'`,
			"ByCustomer", `SELECT * FROM Shop.ByCustomer WHERE customerId = 'c1'`,
			"ByCustomer has customerId as its partition key", [2]int{15, 6}, [2]int{6, 6}},
		{"LSI serves a Scan of a GSI", `SELECT * FROM Shop.ByCustomer WHERE PK = 'p1' AND price > 7`,
			"ByPrice", `SELECT * FROM Shop.ByPrice WHERE PK = 'p1' AND price > 7`,
			"ByPrice has PK as its partition key and price in its sort key", [2]int{9, 4}, [2]int{2, 4}},
		{"LSI takes a Query's filter", `SELECT * FROM Shop WHERE PK = 'p2' AND price >= 20`,
			"ByPrice", `SELECT * FROM Shop.ByPrice WHERE PK = 'p2' AND price >= 20`,
			"ByPrice has PK as its partition key and price in its sort key", [2]int{5, 2}, [2]int{2, 2}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := explain(t, x, "EXPLAIN "+c.stmt)
			if e.Advice == nil || e.Advice.Use == nil {
				t.Fatalf("no index advice:\n%s", e)
			}
			u := e.Advice.Use
			if u.Index != c.index || u.Statement != c.rewritten || u.Reason != c.reason {
				t.Fatalf("advice %q %q %q, want %q %q %q", u.Index, u.Statement, u.Reason, c.index, c.rewritten, c.reason)
			}
			if got := [2]int{u.Current.Examined, u.Rewritten.Examined}; got != c.examined {
				t.Errorf("examined %v, want %v", got, c.examined)
			}
			if got := [2]int{u.Current.Returned, u.Rewritten.Returned}; got != c.returned {
				t.Errorf("returned %v, want %v", got, c.returned)
			}
			// The rewritten statement runs as the Query it promises.
			out := exec(t, x, u.Statement)
			if out.Operation != OperationQuery || len(out.Items) != c.returned[1] {
				t.Errorf("rewritten ran as %s with %d items", out.Operation, len(out.Items))
			}
			text := e.String()
			want := fmt.Sprintf("examines %d items instead of %d", c.examined[1], c.examined[0])
			for _, w := range []string{"Better:", fmt.Sprintf("  %-19s %s\n", "Rewritten:", c.rewritten), want} {
				if !strings.Contains(text, w) {
					t.Errorf("EXPLAIN lacks %q:\n%s", w, text)
				}
			}
		})
	}
}

// TestIndexAdviceNewGSI: a Scan no index serves gets the GSI to add, its
// projection and its write cost measured on the items.
func TestIndexAdviceNewGSI(t *testing.T) {
	x := openShop(t)
	e := explain(t, x, `EXPLAIN SELECT * FROM Shop WHERE email = 'p2@example.com'`)
	if e.Advice == nil || e.Advice.Add == nil {
		t.Fatalf("no GSI suggested:\n%s", e)
	}
	n := e.Advice.Add
	if n.Name != "email-index" || n.Partition != (KeyAttribute{"email", attr.TypeS}) || n.Sort.Name != "" || n.Projection != "ALL" {
		t.Fatalf("suggested %+v", n)
	}
	if n.Statement != `SELECT * FROM Shop."email-index" WHERE email = 'p2@example.com'` {
		t.Fatalf("statement %s", n.Statement)
	}
	if c := n.Cost; c == nil || c.Sampled != 15 || c.Indexed != 3 || c.AvgUnits != 1 || c.MaxUnits != 1 || c.AvgBytes == 0 {
		t.Fatalf("cost %+v", n.Cost)
	}
	if e.Estimate.Examined != 15 || e.Estimate.Returned != 1 {
		t.Fatalf("estimate %+v", e.Estimate)
	}
	text := e.String()
	for _, w := range []string{"add a GSI email-index: email S; projection ALL", "3 of 15 items would be in it", "costs 1 WCU more"} {
		if !strings.Contains(text, w) {
			t.Errorf("EXPLAIN lacks %q:\n%s", w, text)
		}
	}
	// Creating the suggested index makes the rewritten statement a Query
	// that examines only the matching item.
	db := x.db.(*engine.DB)
	up := n.Update()
	if _, err := db.UpdateTable(context.Background(), &engine.UpdateTableInput{TableName: "Shop",
		AttributeDefinitions: n.AttributeDefinitions(), GlobalSecondaryIndexUpdates: []engine.GlobalSecondaryIndexUpdate{up}}); err != nil {
		t.Fatal(err)
	}
	if err := db.RunMaintenance(); err != nil { // builds the index
		t.Fatal(err)
	}
	after := explain(t, x, "EXPLAIN "+n.Statement)
	if after.Plan.Operation != OperationQuery || after.Estimate.Examined != 1 {
		t.Fatalf("after creating it:\n%s", after)
	}
	// And the original statement now gets the existing index as advice.
	again := explain(t, x, `EXPLAIN SELECT * FROM Shop WHERE email = 'p2@example.com'`)
	if again.Advice == nil || again.Advice.Use == nil || again.Advice.Use.Index != "email-index" {
		t.Fatalf("after creating it, advice:\n%s", again)
	}
}

// TestIndexAdviceShapes: the sort key and projection of a suggested GSI,
// and the note when no index can help.
func TestIndexAdviceShapes(t *testing.T) {
	x := openShop(t)
	ctx := context.Background()
	for _, c := range []struct {
		stmt, want string
	}{
		{`SELECT SK, total FROM Shop WHERE email = 'x' AND price > 3`, "email-price-index email S price N INCLUDE [total]"},
		{`SELECT SK FROM Shop WHERE total = 10 AND email = 'x'`, "total-email-index total N email S KEYS_ONLY []"},
		{`SELECT * FROM Shop WHERE begins_with(email, 'p') AND total = 20`, "total-email-index total N email S ALL []"},
		{`SELECT * FROM Shop WHERE price > 3`, "note"},
		{`SELECT * FROM Shop WHERE flag = true`, "note"},
		{`SELECT * FROM Shop WHERE PK = 'p1' AND SK = 'o1'`, "none"},
		{`SELECT * FROM Shop WHERE PK = 'p1'`, "none"},
	} {
		s, err := Parse(c.stmt)
		if err != nil {
			t.Fatal(err)
		}
		a, err := x.IndexAdvice(ctx, s, nil, false)
		if err != nil {
			t.Fatalf("%s: %v", c.stmt, err)
		}
		got := "none"
		switch {
		case a == nil:
		case a.Add != nil:
			n := a.Add
			got = fmt.Sprintf("%s %s %s %s %s %s %v", n.Name, n.Partition.Name, n.Partition.Type, n.Sort.Name, n.Sort.Type, n.Projection, n.NonKeyAttributes)
			if n.Cost != nil {
				t.Errorf("%s: cost without estimate", c.stmt)
			}
		case a.Note != "":
			got = "note"
		default:
			got = "use " + a.Use.Index
		}
		if got != c.want {
			t.Errorf("%s: %s, want %s", c.stmt, got, c.want)
		}
	}
}

// TestIndexAdviceJSON: `dynalab run -o json` carries the advice: the GSI
// to add as the UpdateTable request's parts.
func TestIndexAdviceJSON(t *testing.T) {
	x := openShop(t)
	e := explain(t, x, `EXPLAIN SELECT * FROM Shop WHERE email = 'p2@example.com'`)
	data, err := json.Marshal(explainJSON(e))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{
		`"AttributeDefinitions":[{"AttributeName":"email","AttributeType":"S"}]`,
		`"GlobalSecondaryIndexUpdates":[{"Create":{"IndexName":"email-index","KeySchema":[{"AttributeName":"email","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}}]`,
		`"WriteCost":{"Sampled":15,"Indexed":3,`,
	} {
		if !strings.Contains(string(data), w) {
			t.Errorf("JSON lacks %s:\n%s", w, data)
		}
	}
}
