package partiql

import (
	"context"
	"errors"
	"strings"
	"testing"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// FuzzExecuteStatement runs arbitrary statements, with parameters, on
// tables named like the parser's test cases: nothing panics, every failure
// is an *engine.APIError, and EXPLAIN plans what runs.
func FuzzExecuteStatement(f *testing.F) {
	for _, c := range parseCases {
		f.Add(c.in, "s")
	}
	for _, s := range []string{
		`SELECT * FROM Music WHERE Artist IN [?, 'b'] AND SongTitle > ? ORDER BY Artist DESC`,
		`UPDATE Music SET a = list_append(a, [?]) REMOVE b[1] WHERE Artist = ? AND SongTitle = 'x' AND NOT c IS MISSING`,
		`SELECT a.b[1], c FROM Music WHERE Artist = ? AND (SongTitle = 'x' OR y = 1)`,
		`INSERT INTO Orders VALUE {'OrderID': 1, 's': <<?, ?>>}`,
	} {
		f.Add(s, "p")
	}
	db, x := openExecutor(f)
	for _, tbl := range []string{"t1x", "tbl", "foo", "bar", "Table", "AppTable2"} {
		createTable(f, db, tbl, "a", "S", "b", "N")
	}
	f.Fuzz(func(t *testing.T, stmt, param string) {
		s, err := x.parse(stmt)
		if err != nil {
			return
		}
		params := make([]attr.Value, ParamCount(s))
		for i := range params {
			params[i] = attr.S(param)
			if i%2 == 1 {
				params[i] = attr.Int(int64(len(param)))
			}
		}
		ctx := context.Background()
		var api *engine.APIError
		_, err = x.ExecuteStatement(ctx, &ExecuteStatementInput{Statement: stmt, Parameters: params})
		if err != nil && !errors.As(err, &api) {
			t.Fatalf("%s: %T %v", stmt, err, err)
		}
		if _, err = x.Explain(ctx, s, params); err != nil && !errors.As(err, &api) {
			t.Fatalf("EXPLAIN %s: %T %v", stmt, err, err)
		}
		if _, ok := s.(*Select); ok {
			_, err = x.BatchExecuteStatement(ctx, &BatchExecuteStatementInput{Statements: []BatchStatementRequest{{Statement: stmt, Parameters: params}}})
			if err != nil && !errors.As(err, &api) {
				t.Fatalf("batch %s: %T %v", stmt, err, err)
			}
		}
		if !strings.HasPrefix(strings.ToUpper(strings.TrimSpace(stmt)), "EXPLAIN") {
			_, err = x.ExecuteTransaction(ctx, &ExecuteTransactionInput{TransactStatements: []ParameterizedStatement{{Statement: stmt, Parameters: params}}})
			if err != nil && !errors.As(err, &api) {
				t.Fatalf("transaction %s: %T %v", stmt, err, err)
			}
		}
	})
}
