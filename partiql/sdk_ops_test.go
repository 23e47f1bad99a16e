package partiql_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine/enginetest"
	"dynalab/partiql"
)

// TestPagination pages through a Query, a Scan and a fan-out of Queries
// with Limit and NextToken, and checks that tokens are bound to their
// request and cannot be forged.
func TestPagination(t *testing.T) {
	c, _ := serve(t)
	ctx := enginetest.Ctx(t)
	for _, pk := range []string{"a", "b"} {
		for i := range 7 {
			st := fmt.Sprintf(`INSERT INTO AppTable VALUE {'PK': '%s', 'SK': 'k%02d', 'n': %d}`, pk, i, i)
			if _, err := execute(ctx, c, st); err != nil {
				t.Fatal(err)
			}
		}
	}
	all := func(stmt string, limit int32, params ...types.AttributeValue) ([]string, int) {
		t.Helper()
		in := &dynamodb.ExecuteStatementInput{Statement: aws.String(stmt), Limit: aws.Int32(limit), Parameters: params}
		var keys []string
		pages := 0
		for {
			out, err := c.ExecuteStatement(ctx, in)
			if err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
			pages++
			for _, it := range out.Items {
				keys = append(keys, it["PK"].(*types.AttributeValueMemberS).Value+it["SK"].(*types.AttributeValueMemberS).Value)
			}
			if out.NextToken == nil {
				return keys, pages
			}
			in.NextToken = out.NextToken
			if pages > 100 {
				t.Fatal("endless pages")
			}
		}
	}
	keys, pages := all(`SELECT * FROM AppTable WHERE PK = ?`, 3, s("a"))
	if strings.Join(keys, " ") != "ak00 ak01 ak02 ak03 ak04 ak05 ak06" || pages != 3 {
		t.Fatalf("Query pages: %v in %d pages", keys, pages)
	}
	keys, _ = all(`SELECT * FROM AppTable WHERE PK = 'a' ORDER BY SK DESC`, 2)
	if strings.Join(keys, " ") != "ak06 ak05 ak04 ak03 ak02 ak01 ak00" {
		t.Fatalf("descending pages: %v", keys)
	}
	keys, _ = all(`SELECT * FROM AppTable WHERE n > 2`, 4)
	if len(keys) != 8 {
		t.Fatalf("Scan pages: %v", keys)
	}
	keys, _ = all(`SELECT * FROM AppTable WHERE PK IN ['b', 'a', 'zz'] AND SK >= 'k04' ORDER BY PK`, 2)
	if strings.Join(keys, " ") != "ak04 ak05 ak06 bk04 bk05 bk06" {
		t.Fatalf("fan-out pages: %v", keys)
	}
	keys, _ = all(`SELECT * FROM AppTable WHERE PK = 'b' OR PK = 'a'`, 7)
	if strings.Join(keys, " ") != "bk00 bk01 bk02 bk03 bk04 bk05 bk06 ak00 ak01 ak02 ak03 ak04 ak05 ak06" {
		t.Fatalf("fan-out pages: %v", keys)
	}

	first, err := c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(`SELECT * FROM AppTable WHERE PK = ?`),
		Parameters: []types.AttributeValue{s("a")}, Limit: aws.Int32(2)})
	if err != nil || first.NextToken == nil {
		t.Fatal(err)
	}
	tok := *first.NextToken
	for _, bad := range []struct {
		stmt   string
		param  string
		token  string
		expect string
	}{
		{`SELECT * FROM AppTable WHERE PK = ?`, "b", tok, "NextToken does not match request"},
		{`SELECT * FROM AppTable WHERE PK=?`, "a", tok, "NextToken does not match request"},
		{`SELECT * FROM AppTable WHERE PK = ?`, "a", "bm90IGEgdG9rZW4=", "Invalid NextToken"},
		{`SELECT * FROM AppTable WHERE PK = ?`, "a", "%%%", "Invalid NextToken"},
		{`SELECT * FROM AppTable WHERE PK = ?`, "a", tok[:len(tok)-8] + "AAAAAAA=", "Invalid NextToken"},
	} {
		_, err := c.ExecuteStatement(ctx, &dynamodb.ExecuteStatementInput{Statement: aws.String(bad.stmt),
			Parameters: []types.AttributeValue{s(bad.param)}, NextToken: aws.String(bad.token)})
		if code, msg := apiError(err); code != "ValidationException" || msg != bad.expect {
			t.Errorf("%s with %q: %s: %s, want %s", bad.stmt, bad.token, code, msg, bad.expect)
		}
	}
}

// TestBatchExecuteStatement: reads and writes, per-statement errors, and
// the request-level refusals.
func TestBatchExecuteStatement(t *testing.T) {
	c, _ := serve(t)
	ctx := enginetest.Ctx(t)
	batch := func(stmts ...string) (*dynamodb.BatchExecuteStatementOutput, error) {
		in := &dynamodb.BatchExecuteStatementInput{ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal}
		for _, st := range stmts {
			in.Statements = append(in.Statements, types.BatchStatementRequest{Statement: aws.String(st)})
		}
		return c.BatchExecuteStatement(ctx, in)
	}
	out, err := batch(
		`INSERT INTO Music VALUE {'Artist': 'A', 'SongTitle': 'one', 'Year': 1}`,
		`INSERT INTO Music VALUE {'Artist': 'A', 'SongTitle': 'two', 'Year': 2}`,
		`UPDATE Music SET Year = 3 WHERE Artist = 'A' AND SongTitle = 'missing'`,
		`DELETE FROM Nope WHERE Artist = 'A' AND SongTitle = 'x'`,
		`INSERT INTO Music VALUE {'Artist': 'A'}`,
		`INSERT INTO Music VALUE {'Artist': 'A', 'SongTitle': 'one'`,
	)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"Music ok", "Music ok",
		"Music ConditionalCheckFailed: The conditional request failed",
		"- ResourceNotFound: Requested resource not found",
		"- ValidationError: Key attribute should be present in the item: Key SongTitle",
		"- ValidationError: Statement wasn't well formed, can't be processed: Expected RIGHT_CURLY",
	}
	check := func(out *dynamodb.BatchExecuteStatementOutput, want []string) {
		t.Helper()
		if len(out.Responses) != len(want) {
			t.Fatalf("%d responses, want %d", len(out.Responses), len(want))
		}
		for i, r := range out.Responses {
			got := aws.ToString(r.TableName)
			if got == "" {
				got = "-"
			}
			switch {
			case r.Error != nil:
				got += " " + string(r.Error.Code) + ": " + aws.ToString(r.Error.Message)
			case r.Item != nil:
				got += " " + itemsText(t, []map[string]types.AttributeValue{r.Item})
			default:
				got += " ok"
			}
			if got != want[i] {
				t.Errorf("response %d: %s, want %s", i, got, want[i])
			}
		}
	}
	check(out, want)
	if len(out.ConsumedCapacity) != 1 || aws.ToString(out.ConsumedCapacity[0].TableName) != "Music" {
		t.Errorf("ConsumedCapacity %+v", out.ConsumedCapacity)
	}
	out, err = batch(`UPDATE Music SET Year = 4 WHERE Artist = 'A' AND SongTitle = 'two' RETURNING ALL NEW *`)
	if err != nil {
		t.Fatal(err)
	}
	check(out, []string{`Music {"Artist":{"S":"A"},"SongTitle":{"S":"two"},"Year":{"N":"4"}}`})

	out, err = batch(
		`SELECT * FROM Music WHERE Artist = 'A' AND SongTitle = 'one'`,
		`SELECT Year FROM Music WHERE Artist = 'A' AND SongTitle = 'nope'`,
		`SELECT * FROM Music WHERE Artist = 'A'`,
		`SELECT * FROM Music WHERE Artist = 'A' AND SongTitle = 'two' AND Year = 4`,
		`INSERT INTO Music VALUE {'Artist': 'A', 'SongTitle': 'one'}`,
	)
	if code, msg := apiError(err); code != "ValidationException" || msg != "Read and write requests together in the same batch is not supported." {
		t.Fatalf("mixed batch: %s: %s", code, msg)
	}
	out, err = batch(
		`SELECT * FROM Music WHERE Artist = 'A' AND SongTitle = 'one'`,
		`SELECT Year FROM Music WHERE Artist = 'A' AND SongTitle = 'nope'`,
		`SELECT * FROM Music WHERE Artist = 'A'`,
		`SELECT * FROM Music WHERE Artist = 'A' AND SongTitle = 'two' AND Year = 4`,
		`EXISTS(SELECT * FROM Music WHERE Artist = 'A' AND SongTitle = 'two' AND Year = 4)`,
	)
	if err != nil {
		t.Fatal(err)
	}
	check(out, []string{
		`Music {"Artist":{"S":"A"},"SongTitle":{"S":"one"},"Year":{"N":"1"}}`,
		"Music ok",
		"- ValidationError: Only single item select is supported",
		"- ValidationError: Only single item select is supported",
		"- ValidationError: EXISTS can only be used in ExecuteTransaction write requests.",
	})

	_, err = batch(`DELETE FROM Music WHERE Artist = 'A' AND SongTitle = 'one'`, `UPDATE Music SET x = 1 WHERE SongTitle = 'one' AND Artist = 'A'`)
	if code, msg := apiError(err); code != "ValidationException" || msg != "Provided list of item keys contains duplicates" {
		t.Fatalf("duplicates: %s: %s", code, msg)
	}
	many := make([]string, 26)
	for i := range many {
		many[i] = fmt.Sprintf(`SELECT * FROM Music WHERE Artist = 'A' AND SongTitle = '%d'`, i)
	}
	_, err = batch(many...)
	if code, msg := apiError(err); code != "ValidationException" ||
		msg != "1 validation error detected: Value '[...]' at 'statements' failed to satisfy constraint: Member must have length less than or equal to 25" {
		t.Fatalf("26 statements: %s: %s", code, msg)
	}
	out, err = batch(`INSERT INTO Music VALUE {'Artist': 'A', 'SongTitle': 'one'}`)
	if err != nil {
		t.Fatal(err)
	}
	check(out, []string{"Music DuplicateItem: Duplicate primary key exists in table"})
}

// TestExecuteTransaction: reads, writes, a failed condition, duplicate
// INSERT, idempotency and the refusals.
func TestExecuteTransaction(t *testing.T) {
	c, _ := serve(t)
	ctx := enginetest.Ctx(t)
	tx := func(token string, stmts ...string) (*dynamodb.ExecuteTransactionOutput, error) {
		in := &dynamodb.ExecuteTransactionInput{ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal}
		if token != "" {
			in.ClientRequestToken = aws.String(token)
		}
		for _, st := range stmts {
			in.TransactStatements = append(in.TransactStatements, types.ParameterizedStatement{Statement: aws.String(st)})
		}
		return c.ExecuteTransaction(ctx, in)
	}
	out, err := tx("", `INSERT INTO Orders VALUE {'OrderID': 1, 'Total': 10}`, `INSERT INTO Orders VALUE {'OrderID': 2, 'Total': 20}`,
		`INSERT INTO Music VALUE {'Artist': 'A', 'SongTitle': 'one', 'Plays': 0}`)
	if err != nil || len(out.Responses) != 0 || len(out.ConsumedCapacity) != 2 {
		t.Fatalf("%+v %v", out, err)
	}
	out, err = tx("", `SELECT Total FROM Orders WHERE OrderID = 1`, `SELECT * FROM Orders WHERE OrderID = 3`,
		`SELECT Absent FROM Orders WHERE OrderID = 2`, `SELECT * FROM Music WHERE Artist = 'A' AND SongTitle = 'one'`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range out.Responses {
		if r.Item == nil {
			got = append(got, "none")
		} else {
			got = append(got, itemsText(t, []map[string]types.AttributeValue{r.Item}))
		}
	}
	if strings.Join(got, " ") != `{"Total":{"N":"10"}} none {} {"Artist":{"S":"A"},"Plays":{"N":"0"},"SongTitle":{"S":"one"}}` {
		t.Fatalf("read transaction: %v", got)
	}

	reasons := func(err error) string {
		t.Helper()
		var tc *types.TransactionCanceledException
		if !errors.As(err, &tc) {
			t.Fatalf("want TransactionCanceledException, got %v", err)
		}
		var codes []string
		for _, r := range tc.CancellationReasons {
			codes = append(codes, aws.ToString(r.Code))
		}
		return strings.Join(codes, ",")
	}
	_, err = tx("", `UPDATE Orders SET Total = Total + 1 WHERE OrderID = 1`, `UPDATE Orders SET Total = 0 WHERE OrderID = 2 AND Total > 100`)
	if r := reasons(err); r != "None,ConditionalCheckFailed" {
		t.Fatalf("reasons %s", r)
	}
	_, err = tx("", `UPDATE Orders SET Total = 0 WHERE OrderID = 9`, `DELETE FROM Orders WHERE OrderID = 2`)
	if r := reasons(err); r != "ConditionalCheckFailed,None" {
		t.Fatalf("update of a missing item: reasons %s", r)
	}
	_, err = tx("", `INSERT INTO Orders VALUE {'OrderID': 1}`, `DELETE FROM Orders WHERE OrderID = 2`)
	if r := reasons(err); r != "DuplicateItem,None" {
		t.Fatalf("duplicate insert: reasons %s", r)
	}
	if code, msg := apiError(err); msg != "Transaction cancelled, please refer cancellation reasons for specific reasons [DuplicateItem, None]" {
		t.Fatalf("%s: %s", code, msg)
	}
	check := func(stmt, want string) {
		t.Helper()
		out, err := execute(ctx, c, stmt)
		if err != nil || itemsText(t, out.Items) != want {
			t.Fatalf("%s: %v %v", stmt, out, err)
		}
	}
	check(`SELECT Total FROM Orders WHERE OrderID = 1`, `{"Total":{"N":"10"}}`)
	check(`SELECT Total FROM Orders WHERE OrderID = 2`, `{"Total":{"N":"20"}}`)

	// the same ClientRequestToken applies once
	for range 2 {
		if _, err := tx("token-1", `UPDATE Orders SET Total = Total + 1 WHERE OrderID = 1`); err != nil {
			t.Fatal(err)
		}
	}
	check(`SELECT Total FROM Orders WHERE OrderID = 1`, `{"Total":{"N":"11"}}`)
	if _, err := tx("token-1", `UPDATE Orders SET Total = Total + 2 WHERE OrderID = 1`); err == nil {
		t.Fatal("a reused token with another request was accepted")
	} else if code, _ := apiError(err); code != "IdempotentParameterMismatchException" {
		t.Fatalf("reused token: %v", err)
	}

	for _, bad := range []struct {
		stmts []string
		msg   string
	}{
		{[]string{`SELECT * FROM Orders WHERE OrderID = 1`, `DELETE FROM Orders WHERE OrderID = 2`},
			"ExecuteTransaction API does not support both read and write operations in the same request."},
		{[]string{`SELECT * FROM Orders WHERE OrderID > 1`}, "Select statements within ExecuteTransaction must specify the primary key in the where clause."},
		{[]string{`SELECT * FROM "Music"."Idx" WHERE Artist = 'A'`}, "Reads on indices are not supported within transactions."},
		{[]string{`DELETE FROM Orders WHERE OrderID = 2 RETURNING ALL OLD *`}, "RETURNING clause is not supported in ExecuteTransaction."},
		{[]string{`EXISTS(SELECT * FROM Orders WHERE OrderID = 2)`}, "EXISTS() must contain a single item read with additional condition"},
		{[]string{`EXISTS(SELECT * FROM Orders WHERE Total = 2)`}, "EXISTS() must contain a single item read with additional condition"},
		{[]string{`DELETE FROM Orders WHERE OrderID = 2`, `UPDATE Orders SET a = 1 WHERE OrderID = 2`}, "Transaction request cannot include multiple operations on one item"},
		{[]string{`SELECT * FROM Orders WHERE OrderID = 1`, `SELECT * FROM Orders WHERE OrderID = 1`}, "Transaction request cannot include multiple operations on one item"},
		{[]string{`DELETE FROM Orders WHERE OrderID = 2`, `DELETE FROM Orders WHERE`}, "Statement wasn't well formed, can't be processed: Unexpected term"},
	} {
		_, err := tx("", bad.stmts...)
		if code, msg := apiError(err); code != "ValidationException" || msg != bad.msg {
			t.Errorf("%v: %s: %s, want %s", bad.stmts, code, msg, bad.msg)
		}
	}
}

// TestQueryVersusScan: the seed's SELECT reads its partition only; the
// same condition without the partition key reads the whole table — seen
// through EXPLAIN and through ScannedCount.
func TestQueryVersusScan(t *testing.T) {
	c, x := serve(t)
	ctx := enginetest.Ctx(t)
	for u := range 5 {
		for _, sk := range []string{"PROFILE", "ORDER#1", "ORDER#2", "ADDR#home"} {
			st := fmt.Sprintf(`INSERT INTO AppTable VALUE {'PK': 'USER#u%d', 'SK': '%s'}`, 120+u, sk)
			if _, err := execute(ctx, c, st); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, tc := range []struct {
		stmt              string
		first             string
		examined, matched int
	}{
		{`SELECT * FROM "AppTable" WHERE PK='USER#u123' AND begins_with(SK,'ORDER#')`, "Operation: Query on AppTable", 2, 2},
		{`SELECT * FROM "AppTable" WHERE begins_with(SK,'ORDER#')`, "Operation: Scan on AppTable", 20, 10},
		{`SELECT * FROM "AppTable" WHERE PK='USER#u123' AND SK='PROFILE'`, "Operation: GetItem on AppTable", 1, 1},
	} {
		stmt, err := partiql.Parse("EXPLAIN " + tc.stmt)
		if err != nil {
			t.Fatal(err)
		}
		e, err := x.Explain(ctx, stmt, nil)
		if err != nil {
			t.Fatal(err)
		}
		if first, _, _ := strings.Cut(e.String(), "\n"); first != tc.first {
			t.Errorf("%s: EXPLAIN says %q, want %q", tc.stmt, first, tc.first)
		}
		if e.Estimate.Examined != tc.examined || e.Estimate.Returned != tc.matched {
			t.Errorf("%s: estimate %+v", tc.stmt, e.Estimate)
		}
		out, err := x.ExecuteStatement(ctx, &partiql.ExecuteStatementInput{Statement: tc.stmt})
		if err != nil || out.ScannedCount != tc.examined || len(out.Items) != tc.matched {
			t.Errorf("%s: ScannedCount %d, %d items, %v", tc.stmt, out.ScannedCount, len(out.Items), err)
		}
		if string(out.Operation) != strings.Fields(tc.first)[1] {
			t.Errorf("%s: Operation %s", tc.stmt, out.Operation)
		}
	}
}
