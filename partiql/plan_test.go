package partiql

import (
	"context"
	"strings"
	"testing"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// TestPlanSelect checks the planner's choices as the Developer Guide's
// PartiQL SELECT page describes the service's: the operation, the key
// condition, the filter and the generated expressions.
func TestPlanSelect(t *testing.T) {
	_, x := openExecutor(t)
	cases := []struct {
		stmt                 string
		op                   Operation
		key, filter, exprKey string // conditionText of KeyCondition and Filter; Expressions.KeyCondition
		exprFilter           string
		partitions           int
		forward              bool
		local                bool
	}{
		// the seed's SELECT is a Query
		{stmt: `SELECT * FROM "AppTable" WHERE PK='USER#u123' AND begins_with(SK,'ORDER#')`, op: OperationQuery,
			key: "PK = 'USER#u123' AND begins_with(SK, 'ORDER#')", exprKey: "#n0 = :v0 AND begins_with(#n1, :v1)", partitions: 1, forward: true},
		// full key: GetItem
		{stmt: `SELECT * FROM Music WHERE Artist='a' AND SongTitle='b'`, op: OperationGetItem, key: "Artist = 'a' AND SongTitle = 'b'", forward: true},
		{stmt: `SELECT * FROM Orders WHERE OrderID = 7`, op: OperationGetItem, key: "OrderID = 7", forward: true},
		{stmt: `SELECT * FROM Music WHERE 'a' = Artist AND 'b' = SongTitle`, op: OperationGetItem, key: "'a' = Artist AND 'b' = SongTitle", forward: true},
		// full key plus a filter: a Query of one item
		{stmt: `SELECT * FROM Music WHERE Artist='a' AND SongTitle='b' AND Year > 1`, op: OperationQuery,
			key: "Artist = 'a' AND SongTitle = 'b'", filter: "Year > 1", exprKey: "#n0 = :v0 AND #n1 = :v1", exprFilter: "#n2 > :v2", partitions: 1, forward: true},
		// partition only, sort key operators
		{stmt: `SELECT * FROM Music WHERE Artist='a'`, op: OperationQuery, key: "Artist = 'a'", exprKey: "#n0 = :v0", partitions: 1, forward: true},
		{stmt: `SELECT * FROM Music WHERE Artist='a' AND SongTitle < 'm'`, op: OperationQuery, key: "Artist = 'a' AND SongTitle < 'm'", exprKey: "#n0 = :v0 AND #n1 < :v1", partitions: 1, forward: true},
		{stmt: `SELECT * FROM Music WHERE Artist='a' AND 'm' < SongTitle`, op: OperationQuery, key: "Artist = 'a' AND 'm' < SongTitle", exprKey: "#n0 = :v0 AND #n1 > :v1", partitions: 1, forward: true},
		{stmt: `SELECT * FROM Music WHERE Artist='a' AND SongTitle BETWEEN 'a' AND 'c'`, op: OperationQuery, key: "Artist = 'a' AND SongTitle BETWEEN 'a' AND 'c'", exprKey: "#n0 = :v0 AND #n1 BETWEEN :v1 AND :v2", partitions: 1, forward: true},
		{stmt: `SELECT * FROM Music WHERE SongTitle >= ? AND Artist = ?`, op: OperationQuery, key: "Artist = ? AND SongTitle >= ?", exprKey: "#n0 = :v0 AND #n1 >= :v1", partitions: 1, forward: true},
		// filter on non-key attributes
		{stmt: `SELECT * FROM Music WHERE Artist='a' AND Year BETWEEN 2021 AND 2030`, op: OperationQuery, key: "Artist = 'a'", filter: "Year BETWEEN 2021 AND 2030",
			exprKey: "#n0 = :v0", exprFilter: "#n1 BETWEEN :v1 AND :v2", partitions: 1, forward: true},
		{stmt: `SELECT * FROM Music WHERE Artist='a' AND (Year = 1 OR Tags IS MISSING)`, op: OperationQuery, key: "Artist = 'a'", filter: "Year = 1 OR Tags IS MISSING",
			exprKey: "#n0 = :v0", exprFilter: "#n1 = :v1 OR attribute_not_exists(#n2)", partitions: 1, forward: true},
		// a filter reading a key attribute is applied to the Query's items
		{stmt: `SELECT * FROM Music WHERE Artist='a' AND (SongTitle = 'x' OR Year = 1)`, op: OperationQuery, key: "Artist = 'a'", filter: "SongTitle = 'x' OR Year = 1",
			exprKey: "#n0 = :v0", exprFilter: "#n1 = :v1 OR #n2 = :v2", partitions: 1, forward: true, local: true},
		// ORDER BY
		{stmt: `SELECT * FROM Music WHERE Artist='a' ORDER BY SongTitle DESC`, op: OperationQuery, key: "Artist = 'a'", exprKey: "#n0 = :v0", partitions: 1},
		{stmt: `SELECT * FROM Music WHERE Artist='a' ORDER BY Artist, SongTitle ASC`, op: OperationQuery, key: "Artist = 'a'", exprKey: "#n0 = :v0", partitions: 1, forward: true},
		// several partitions: one Query each
		{stmt: `SELECT * FROM Music WHERE Artist IN ['a', 'b', 'a']`, op: OperationQuery, key: "Artist IN ['a', 'b', 'a']", exprKey: "#n0 = :v0", partitions: 2, forward: true},
		{stmt: `SELECT * FROM Music WHERE (Artist = 'a' OR Artist = 'b') AND Year > 3`, op: OperationQuery, key: "Artist = 'a' OR Artist = 'b'", filter: "Year > 3",
			exprKey: "#n0 = :v0", exprFilter: "#n1 > :v1", partitions: 2, forward: true},
		{stmt: `SELECT * FROM Music WHERE Artist IN ['a', 'b'] AND begins_with(SongTitle, 'x') ORDER BY Artist DESC, SongTitle DESC`, op: OperationQuery,
			key: "Artist IN ['a', 'b'] AND begins_with(SongTitle, 'x')", exprKey: "#n0 = :v0 AND begins_with(#n1, :v1)", partitions: 2},
		// the equality decides, the IN filters
		{stmt: `SELECT * FROM Music WHERE Artist = 'a' AND Artist IN ['a', 'b']`, op: OperationQuery, key: "Artist = 'a'", filter: "Artist IN ['a', 'b']",
			exprKey: "#n0 = :v0", exprFilter: "#n0 IN (:v1, :v2)", partitions: 1, forward: true, local: true},
		// Scans
		{stmt: `SELECT * FROM Music`, op: OperationScan, forward: true},
		{stmt: `SELECT * FROM Music WHERE Year > 2000`, op: OperationScan, filter: "Year > 2000", exprFilter: "#n0 > :v0", forward: true},
		{stmt: `SELECT * FROM Music WHERE Tags IS MISSING`, op: OperationScan, filter: "Tags IS MISSING", exprFilter: "attribute_not_exists(#n0)", forward: true},
		{stmt: `SELECT * FROM Music WHERE Artist > 'a'`, op: OperationScan, filter: "Artist > 'a'", exprFilter: "#n0 > :v0", forward: true},
		{stmt: `SELECT * FROM Music WHERE Artist = 'a' AND Artist = 'b'`, op: OperationScan, filter: "Artist = 'a' AND Artist = 'b'", exprFilter: "#n0 = :v0 AND #n0 = :v1", forward: true},
		{stmt: `SELECT * FROM Music WHERE NOT Artist = 'a'`, op: OperationScan, filter: "NOT (Artist = 'a')", exprFilter: "NOT #n0 = :v0", forward: true},
		{stmt: `SELECT * FROM Music WHERE Artist = 'a' AND NOT (SongTitle = 'b')`, op: OperationScan, filter: "Artist = 'a' AND NOT (SongTitle = 'b')", exprFilter: "#n0 = :v0 AND NOT #n1 = :v1", forward: true},
		{stmt: `SELECT * FROM Music WHERE Artist = 'a' OR Year = 1`, op: OperationScan, filter: "Artist = 'a' OR Year = 1", exprFilter: "#n0 = :v0 OR #n1 = :v1", forward: true},
		{stmt: `SELECT * FROM Music WHERE Artist = 'a' AND SongTitle <> 'b'`, op: OperationScan, filter: "Artist = 'a' AND SongTitle <> 'b'", exprFilter: "#n0 = :v0 AND #n1 <> :v1", forward: true},
		{stmt: `SELECT * FROM Music WHERE Artist = 'a' AND SongTitle > 'b' AND SongTitle < 'c'`, op: OperationScan, filter: "Artist = 'a' AND SongTitle > 'b' AND SongTitle < 'c'",
			exprFilter: "#n0 = :v0 AND #n1 > :v1 AND #n1 < :v2", forward: true},
		{stmt: `SELECT * FROM Music WHERE Artist = 'a' AND Artist IS NOT MISSING`, op: OperationScan, filter: "Artist = 'a' AND Artist IS NOT MISSING",
			exprFilter: "#n0 = :v0 AND NOT attribute_not_exists(#n0)", forward: true},
		{stmt: `SELECT * FROM Music WHERE Year IS BOOLEAN AND size(Tags) > 1 + 2 AND contains(Tags, 'x')`, op: OperationScan,
			filter: "Year IS BOOLEAN AND size(Tags) > 1 + 2 AND contains(Tags, 'x')", exprFilter: "attribute_type(#n0, :v0) AND size(#n1) > :v1 AND contains(#n1, :v2)", forward: true},
	}
	str := attr.S("s")
	for _, c := range cases {
		t.Run(c.stmt, func(t *testing.T) {
			var params []attr.Value
			for range strings.Count(c.stmt, "?") {
				params = append(params, str)
			}
			p := plan(t, x, c.stmt, params...)
			if p.Operation != c.op {
				t.Fatalf("operation %s, want %s", p.Operation, c.op)
			}
			if got := conditionText(p.KeyCondition); got != c.key {
				t.Errorf("key condition %q, want %q", got, c.key)
			}
			if got := conditionText(p.Filter); got != c.filter {
				t.Errorf("filter %q, want %q", got, c.filter)
			}
			if p.Expressions.KeyCondition != c.exprKey || p.Expressions.Filter != c.exprFilter {
				t.Errorf("expressions %q / %q, want %q / %q", p.Expressions.KeyCondition, p.Expressions.Filter, c.exprKey, c.exprFilter)
			}
			if len(p.Partitions) != c.partitions || p.ScanIndexForward != c.forward || p.LocalFilter != c.local {
				t.Errorf("partitions %d forward %v local %v, want %d %v %v", len(p.Partitions), p.ScanIndexForward, p.LocalFilter, c.partitions, c.forward, c.local)
			}
			if p.WholeTable != (c.op == OperationScan) {
				t.Errorf("WholeTable %v", p.WholeTable)
			}
			// the engine accepts the generated request
			if _, err := x.ExecuteStatement(context.Background(), &ExecuteStatementInput{Statement: c.stmt, Parameters: params}); err != nil {
				t.Errorf("run: %v", err)
			}
		})
	}
}

// TestPlanErrors checks the planner's refusals, worded as the service's.
func TestPlanErrors(t *testing.T) {
	_, x := openExecutor(t)
	many := "SELECT * FROM Music WHERE Artist IN ["
	for i := range 51 {
		if i > 0 {
			many += ","
		}
		many += "'a" + strings.Repeat("x", i) + "'"
	}
	many += "]"
	cases := []struct{ stmt, code, msg string }{
		{`SELECT * FROM Nope`, engine.CodeResourceNotFound, "Requested resource not found"},
		{`SELECT * FROM Music ORDER BY SongTitle`, engine.CodeValidation, "Must have WHERE clause in the statement when using ORDER BY clause."},
		{`SELECT * FROM Music WHERE Year = 1 ORDER BY SongTitle`, engine.CodeValidation, "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause."},
		{`SELECT * FROM Music WHERE Artist = 'a' OR Year = 1 ORDER BY SongTitle`, engine.CodeValidation, "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause."},
		{`SELECT * FROM Music WHERE Artist > 'a' ORDER BY SongTitle`, engine.CodeValidation, "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause."},
		{`SELECT * FROM Music WHERE Artist='Acme Band' ORDER BY Year`, engine.CodeValidation, "Variable reference Year in ORDER BY clause must be part of the primary key"},
		{`SELECT * FROM Music WHERE Artist IN ['a','b'] ORDER BY SongTitle`, engine.CodeValidation, "Must have hash key in ORDER BY clause when more than one hash key condition specified in WHERE clause."},
		{many, engine.CodeValidation, "Too many decomposed read operations for a given query."},
		{`SELECT * FROM Music WHERE Artist = 1`, engine.CodeValidation, "Key attribute's data type should match its data type in table's schema: Key Artist"},
		{`SELECT * FROM Music WHERE Artist = 'a' AND SongTitle = 2`, engine.CodeValidation, "Key attribute's data type should match its data type in table's schema: Key SongTitle"},
		{`SELECT * FROM "Music"."AlbumIndex" WHERE AlbumTitle = 'x'`, engine.CodeValidation, "The table does not have the specified index: AlbumIndex"},
		{`SELECT * FROM Music WHERE Artist = ? AND SongTitle = ?`, engine.CodeValidation, "Number of parameters in request and statement don't match."},
		{`SELECT * FROM Music WHERE Year + 1 > 2`, engine.CodeValidation, "Unsupported operator in Condition Expression. Operator: +"},
		{`UPDATE Music SET Year = 2022 WHERE Artist='Acme Band'`, engine.CodeValidation, "Where clause does not contain a mandatory equality on all key attributes"},
		{`UPDATE Music SET Year = 2022 WHERE Artist='a' AND Artist = 'b' AND SongTitle = 'c'`, engine.CodeValidation, "Multiple conditions on same key Artist. Only single item Update/Insert/Delete are supported"},
		{`DELETE FROM Music WHERE Artist.x = 'a' AND SongTitle = 'c'`, engine.CodeValidation, "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key Artist"},
		{`DELETE FROM Music WHERE Artist = [1] AND SongTitle = 'c'`, engine.CodeValidation, "Key value must be of type S, N, or B. Key name: Artist, Key type: L"},
		{`DELETE FROM Music WHERE Artist = 1 AND SongTitle = 'c'`, engine.CodeValidation, "Key attribute's data type should match its data type in table's schema: Key Artist"},
		{`DELETE FROM Music WHERE Year = 1`, engine.CodeValidation, "Where clause does not contain a mandatory equality on all key attributes"},
		{`INSERT INTO Music VALUE {'Artist':'Solo'}`, engine.CodeValidation, "Key attribute should be present in the item: Key SongTitle"},
		{`INSERT INTO Music VALUE {'Artist':'Solo', 'SongTitle': 3}`, engine.CodeValidation, "Key attribute's data type should match its data type in table's schema: Key SongTitle"},
		{`INSERT INTO Nope VALUE {'Artist':'Solo'}`, engine.CodeResourceNotFound, "Requested resource not found"},
	}
	for _, c := range cases {
		t.Run(c.stmt, func(t *testing.T) {
			n := strings.Count(c.stmt, "?")
			var params []attr.Value
			if n > 0 {
				params = []attr.Value{attr.S("x")}
			}
			_, err := x.ExecuteStatement(context.Background(), &ExecuteStatementInput{Statement: c.stmt, Parameters: params})
			api, ok := err.(*engine.APIError)
			if !ok || api.Code != c.code || api.Message != c.msg {
				t.Fatalf("error %v, want %s: %s", err, c.code, c.msg)
			}
		})
	}
}

// TestGeneratedWrites checks the expressions writes translate into.
func TestGeneratedWrites(t *testing.T) {
	_, x := openExecutor(t)
	cases := []struct{ stmt, update, cond string }{
		{`UPDATE AppTable SET a = a + 1 WHERE PK='x' AND SK='y' AND b > 3`, "SET #n0 = #n0 + :v0", "attribute_exists(#n1) AND #n2 > :v1"},
		{`UPDATE "AppTable" SET name='Alice K' WHERE PK='USER#u123' AND SK='PROFILE'`, "SET #n0 = :v0", "attribute_exists(#n1)"},
		{`UPDATE AppTable SET Tags = set_add(Tags, <<'a'>>) REMOVE x.y[2] SET l = list_append(l, [1, ?]), m = if_not_exists(m, {'a': ?}) WHERE PK='x' AND SK='y'`,
			"SET #n0 = list_append(#n0, :v0), #n1 = if_not_exists(#n1, :v1) REMOVE #n2.#n3[2] ADD #n4 :v2", "attribute_exists(#n5)"},
		{`UPDATE AppTable SET Tags = set_delete(Tags, <<?>>) WHERE SK='y' AND PK='x' AND (a = 1 OR NOT b = 2) AND NOT (c = 1 AND d = 2)`,
			"DELETE #n0 :v0", "attribute_exists(#n1) AND (#n2 = :v1 OR NOT #n3 = :v2) AND NOT (#n4 = :v3 AND #n5 = :v4)"},
		{`DELETE FROM AppTable WHERE PK='x' AND SK='y'`, "", ""},
		{`DELETE FROM AppTable WHERE PK='x' AND SK='y' AND "value" IS NULL`, "", "#n0 = :v0"},
		{`INSERT INTO AppTable VALUE {'PK': 'x', 'SK': ?, 's': <<?, ?>>}`, "", "attribute_not_exists(#n0)"},
	}
	for _, c := range cases {
		t.Run(c.stmt, func(t *testing.T) {
			params := make([]attr.Value, strings.Count(c.stmt, "?"))
			for i := range params {
				params[i] = attr.S("p" + string(rune('0'+i)))
			}
			p := plan(t, x, c.stmt, params...)
			if p.Expressions.Update != c.update || p.Expressions.Condition != c.cond {
				t.Fatalf("update %q condition %q, want %q %q", p.Expressions.Update, p.Expressions.Condition, c.update, c.cond)
			}
		})
	}
}

// TestPlanIndexes: the planner reads an index's key schema (from
// DescribeTable once the engine reports indexes; here from a stub).
func TestPlanIndexes(t *testing.T) {
	_, x := openExecutor(t)
	x.describe = func(_ context.Context, table string, withIndexes bool) (*Schema, error) {
		s := &Schema{Table: table, Key: KeySchema{Hash: KeyAttribute{"Artist", attr.TypeS}, Range: KeyAttribute{"SongTitle", attr.TypeS}}}
		if withIndexes {
			s.Indexes = []IndexSchema{
				{Name: "AlbumIndex", Global: true, Key: KeySchema{Hash: KeyAttribute{"AlbumTitle", attr.TypeS}}, Projection: "ALL"},
				{Name: "ByYear", Key: KeySchema{Hash: KeyAttribute{"Artist", attr.TypeS}, Range: KeyAttribute{"Year", attr.TypeN}}, Projection: "ALL"},
			}
		}
		return s, nil
	}
	p := plan(t, x, `SELECT * FROM "Music"."AlbumIndex" WHERE AlbumTitle='Greatest Hits'`)
	if p.Operation != OperationQuery || p.Index != "AlbumIndex" || !p.GlobalIndex || p.query.IndexName != "AlbumIndex" ||
		strings.Join(p.KeyAttributes, ",") != "AlbumTitle,Artist,SongTitle" {
		t.Fatalf("GSI plan %+v", p)
	}
	e := &Explanation{Plan: p}
	if first, _, _ := strings.Cut(e.String(), "\n"); first != "Operation: Query on Music.AlbumIndex" {
		t.Fatalf("EXPLAIN: %s", e)
	}
	p = plan(t, x, `SELECT * FROM Music.ByYear WHERE Artist = 'a' AND Year > 2000 AND SongTitle = 'x' ORDER BY Year DESC`)
	if p.Operation != OperationQuery || p.ScanIndexForward || p.LocalFilter || p.Expressions.KeyCondition != "#n0 = :v0 AND #n1 > :v1" ||
		p.Expressions.Filter != "#n2 = :v2" {
		t.Fatalf("LSI plan %+v", p)
	}
	p = plan(t, x, `SELECT * FROM Music.ByYear WHERE SongTitle = 'x'`)
	if p.Operation != OperationScan || p.scan.IndexName != "ByYear" {
		t.Fatalf("index scan %+v", p)
	}
	for _, tc := range []struct {
		stmt       string
		consistent bool
		want       string
	}{
		{`SELECT * FROM "Music"."AlbumIndex" WHERE AlbumTitle='Greatest Hits'`, true, "Strongly consistent read is not supported on Global Secondary Indexes"},
		{`SELECT * FROM Music.ByYear WHERE Artist = 'a' ORDER BY SongTitle`, false, "Variable reference SongTitle in ORDER BY clause must be part of the primary key"},
		{`SELECT * FROM Music.Nope WHERE Artist = 'a'`, false, "The table does not have the specified index: Nope"},
	} {
		_, err := x.ExecuteStatement(context.Background(), &ExecuteStatementInput{Statement: tc.stmt, ConsistentRead: tc.consistent})
		if api, ok := err.(*engine.APIError); !ok || api.Message != tc.want {
			t.Errorf("%s: %v, want %s", tc.stmt, err, tc.want)
		}
	}
}
