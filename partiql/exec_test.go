package partiql

import (
	"context"
	"strings"
	"testing"
	"time"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/engine/enginetest"
)

// TestProjectionFlattening: nested projections come back as top-level
// attributes named by their last path element and list indexes.
func TestProjectionFlattening(t *testing.T) {
	_, x := openExecutor(t)
	exec(t, x, `INSERT INTO AppTable VALUE {'PK': 'p', 'SK': 's', 'a': {'b': {'c': 1}, 'l': [10, 20, 30]}, 'm': [[1, 2], [3, 4]], 'x': 'y'}`)
	for _, tc := range []struct{ stmt, want string }{
		{`SELECT a.b.c, x FROM AppTable WHERE PK = 'p' AND SK = 's'`, `[{"c":{"N":"1"},"x":{"S":"y"}}]`},
		{`SELECT a.l[2], a.l[0] FROM AppTable WHERE PK = 'p'`, `[{"l[0]":{"N":"10"},"l[2]":{"N":"30"}}]`},
		{`SELECT m[1][0], a.b FROM AppTable WHERE x = 'y'`, `[{"b":{"M":{"c":{"N":"1"}}},"m[1][0]":{"N":"3"}}]`},
		{`SELECT a.l[7], nope FROM AppTable WHERE PK = 'p' AND SK = 's'`, `[{}]`},
		{`SELECT x FROM AppTable WHERE PK = 'p' AND (SK = 's' OR x = 'z')`, `[{"x":{"S":"y"}}]`},
	} {
		if got := itemsJSON(exec(t, x, tc.stmt).Items); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.stmt, got, tc.want)
		}
	}
}

// TestLocalFilter: a Query whose filter reads a key attribute returns what
// a Scan with the same WHERE clause returns.
func TestLocalFilter(t *testing.T) {
	_, x := openExecutor(t)
	for _, sk := range []string{"a", "b", "c", "d"} {
		exec(t, x, `INSERT INTO AppTable VALUE {'PK': 'p', 'SK': ?, 'n': 1}`, attr.S(sk))
	}
	out := exec(t, x, `SELECT SK FROM AppTable WHERE PK = 'p' AND (SK = 'b' OR SK = 'd') AND n = 1`)
	if got := itemsJSON(out.Items); got != `[{"SK":{"S":"b"}},{"SK":{"S":"d"}}]` || out.ScannedCount != 4 {
		t.Fatalf("%s scanned %d", got, out.ScannedCount)
	}
	// with a Limit, pages still hold what the filter keeps of Limit items
	in := &ExecuteStatementInput{Statement: `SELECT SK FROM AppTable WHERE PK = 'p' AND NOT SK IN ['a', 'c']`, Limit: new(int64)}
	*in.Limit = 2
	var got []string
	for {
		out, err := x.ExecuteStatement(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, itemsJSON(out.Items))
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	if strings.Join(got, " ") != `[{"SK":{"S":"b"}}] [{"SK":{"S":"d"}}] []` {
		t.Fatalf("pages %v", got)
	}
}

// TestNextTokenExpiry: tokens last an hour.
func TestNextTokenExpiry(t *testing.T) {
	db, _ := openExecutor(t)
	clock := enginetest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	x := New(db, Options{Clock: clock.Now, TokenKey: []byte("k")})
	exec(t, x, `INSERT INTO Orders VALUE {'OrderID': 1}`)
	exec(t, x, `INSERT INTO Orders VALUE {'OrderID': 2}`)
	one := int64(1)
	out, err := x.ExecuteStatement(context.Background(), &ExecuteStatementInput{Statement: `SELECT * FROM Orders`, Limit: &one})
	if err != nil || out.NextToken == nil {
		t.Fatal(err)
	}
	clock.Advance(59 * time.Minute)
	if _, err := x.ExecuteStatement(context.Background(), &ExecuteStatementInput{Statement: `SELECT * FROM Orders`, NextToken: out.NextToken}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	_, err = x.ExecuteStatement(context.Background(), &ExecuteStatementInput{Statement: `SELECT * FROM Orders`, NextToken: out.NextToken})
	if api, ok := err.(*engine.APIError); !ok || api.Message != "Given NextToken has already expired" {
		t.Fatalf("%v", err)
	}
	// another key: another executor's tokens are invalid
	y := New(db, Options{Clock: clock.Now, TokenKey: []byte("other")})
	_, err = y.ExecuteStatement(context.Background(), &ExecuteStatementInput{Statement: `SELECT * FROM Orders`, NextToken: out.NextToken})
	if api, ok := err.(*engine.APIError); !ok || api.Message != "Invalid NextToken" {
		t.Fatalf("%v", err)
	}
}

// TestRequestConstraints: the framework-level checks of the requests.
func TestRequestConstraints(t *testing.T) {
	_, x := openExecutor(t)
	zero := int64(0)
	long := strings.Repeat("x", 8193)
	for _, tc := range []struct {
		in   ExecuteStatementInput
		want string
	}{
		{ExecuteStatementInput{Statement: `SELECT * FROM Music`, Parameters: []attr.Value{}},
			"1 validation error detected: Value '[]' at 'parameters' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{ExecuteStatementInput{Statement: `SELECT * FROM Music`, Limit: &zero},
			"1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{ExecuteStatementInput{Statement: ``, ReturnConsumedCapacity: "ALL"},
			"2 validation errors detected: Value '' at 'statement' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
				"Value 'ALL' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]"},
		{ExecuteStatementInput{Statement: long},
			"1 validation error detected: Value '" + long + "' at 'statement' failed to satisfy constraint: Member must have length less than or equal to 8192"},
		{ExecuteStatementInput{Statement: `SELECT * FROM Music`, ReturnValuesOnConditionCheckFailure: "ALL_NEW"},
			"1 validation error detected: Value 'ALL_NEW' at 'returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]"},
		{ExecuteStatementInput{Statement: `EXPLAIN SELECT * FROM Music`}, "Statement wasn't well formed, can't be processed: Unexpected term"},
		{ExecuteStatementInput{Statement: `SELECT * FROM Music WHERE Artist = 'a' AND`}, "Statement wasn't well formed, can't be processed: Missing right-hand side expression of infix operator"},
	} {
		_, err := x.ExecuteStatement(context.Background(), &tc.in)
		if api, ok := err.(*engine.APIError); !ok || api.Code != engine.CodeValidation || api.Message != tc.want {
			t.Errorf("%.60q: %v\nwant %s", tc.in.Statement, err, tc.want)
		}
	}
}

// TestDispatch: the wire adapter's decoding errors and answers.
func TestDispatch(t *testing.T) {
	_, x := openExecutor(t)
	d := NewDispatcher(x)
	ctx := context.Background()
	for _, tc := range []struct{ target, body, want string }{
		{TargetExecuteStatement, `{"Statement": "INSERT INTO Orders VALUE {'OrderID': ?}", "Parameters": [{"N": "5"}], "ReturnConsumedCapacity": "TOTAL"}`,
			`{"Items":[],"ConsumedCapacity":{"TableName":"Orders","CapacityUnits":1,"WriteCapacityUnits":1}}`},
		{TargetExecuteStatement, `{"Statement": "SELECT * FROM Orders WHERE OrderID = 5"}`, `{"Items":[{"OrderID":{"N":"5"}}]}`},
		{TargetExecuteStatement, `{"Statement": 5}`, `SerializationException: NUMBER_VALUE cannot be converted to String`},
		{TargetExecuteStatement, `{"Statement": "x", "Parameters": {}}`, `SerializationException: Start of structure or map found where not expected`},
		{TargetExecuteStatement, `{"Statement": "SELECT * FROM Orders WHERE OrderID = ?", "Parameters": [{"N": "x"}]}`, `ValidationException: The parameter cannot be converted to a numeric value: x`},
		{TargetExecuteStatement, `{"Statement": `, `SerializationException`},
		{TargetBatchExecuteStatement, `{"Statements": [{"Statement": "SELECT * FROM Orders WHERE OrderID = 5"}]}`,
			`{"Responses":[{"TableName":"Orders","Item":{"OrderID":{"N":"5"}}}]}`},
		{TargetExecuteTransaction, `{"TransactStatements": [{"Statement": "SELECT * FROM Orders WHERE OrderID = 6"}]}`, `{"Responses":[{}]}`},
		{TargetExecuteTransaction, `{"TransactStatements": [{"Statement": "DELETE FROM Orders WHERE OrderID = 6"}]}`, `{"Responses":[]}`},
		{TargetExecuteTransaction, `{"TransactStatements": []}`,
			`ValidationException: 1 validation error detected: Value '[]' at 'transactStatements' failed to satisfy constraint: Member must have length greater than or equal to 1`},
	} {
		resp, info, err := d.Dispatch(ctx, tc.target, []byte(tc.body))
		got := string(resp)
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%s %s:\n got %s\nwant %s", tc.target, tc.body, got, tc.want)
		}
		if err == nil && info.Op == "" {
			t.Errorf("no CallInfo")
		}
	}
	if _, _, err := d.Dispatch(ctx, "DynamoDB_20120810.GetItem", nil); err != engine.ErrUnknownOperation {
		t.Fatalf("GetItem: %v", err)
	}
	_, info, _ := d.Dispatch(ctx, TargetExecuteStatement, []byte(`{"Statement": "SELECT * FROM Orders WHERE OrderID = 5"}`))
	if info.Op != "ExecuteStatement" || info.Table != "Orders" || info.Capacity != 0.5 {
		t.Fatalf("CallInfo %+v", info)
	}
}

// TestParseCache: repeated statements are parsed once; the cache is
// bounded.
func TestParseCache(t *testing.T) {
	c := newParseCache(2)
	a1, _ := c.parse("SELECT * FROM Music")
	a2, _ := c.parse("SELECT * FROM Music")
	if a1 != a2 {
		t.Fatal("not cached")
	}
	_, err1 := c.parse("SELECT")
	_, err2 := c.parse("SELECT")
	if err1 == nil || err1 != err2 {
		t.Fatal("errors not cached")
	}
	c.parse("SELECT * FROM Orders")
	if len(c.m) != 2 {
		t.Fatalf("%d entries", len(c.m))
	}
	if s, err := newParseCache(-1).parse("SELECT * FROM Music"); s == nil || err != nil {
		t.Fatal("disabled cache")
	}
}

// TestConditionFailureReturnsOldItem: ReturnValuesOnConditionCheckFailure
// ALL_OLD puts the item in the error, for UPDATE, DELETE and INSERT.
func TestConditionFailureReturnsOldItem(t *testing.T) {
	_, x := openExecutor(t)
	exec(t, x, `INSERT INTO Orders VALUE {'OrderID': 1, 'Total': 5}`)
	for _, stmt := range []string{
		`UPDATE Orders SET Total = 6 WHERE OrderID = 1 AND Total = 4`,
		`DELETE FROM Orders WHERE OrderID = 1 AND Total = 4`,
		`INSERT INTO Orders VALUE {'OrderID': 1}`,
	} {
		_, err := x.ExecuteStatement(context.Background(), &ExecuteStatementInput{Statement: stmt, ReturnValuesOnConditionCheckFailure: "ALL_OLD"})
		api, ok := err.(*engine.APIError)
		if !ok || itemsJSON([]attr.Item{api.Item}) != `[{"OrderID":{"N":"1"},"Total":{"N":"5"}}]` {
			t.Errorf("%s: %v %v", stmt, err, api)
		}
	}
}
