package partiql

import (
	"context"
	"fmt"
	"testing"

	"dynalab/engine/attr"
)

// BenchmarkExecuteStatement runs the seed's key-condition SELECT in
// process (the REPL's path), with and without the parse cache, and a
// full-key SELECT (GetItem) and an UPDATE for comparison.
func BenchmarkExecuteStatement(b *testing.B) {
	db, _ := openExecutor(b)
	seedX := New(db, Options{})
	for i := range 20 {
		exec(b, seedX, fmt.Sprintf(`INSERT INTO AppTable VALUE {'PK': 'USER#u%d', 'SK': 'PROFILE', 'name': 'n'}`, 120+i))
		for j := range 5 {
			exec(b, seedX, fmt.Sprintf(`INSERT INTO AppTable VALUE {'PK': 'USER#u%d', 'SK': 'ORDER#%d', 'total': %d}`, 120+i, j, j))
		}
	}
	for _, bc := range []struct {
		name, stmt string
		cache      int
		params     []attr.Value
	}{
		{"query", seedSelect, 0, nil},
		{"query-nocache", seedSelect, -1, nil},
		{"getitem", `SELECT * FROM "AppTable" WHERE PK = ? AND SK = ?`, 0, []attr.Value{attr.S("USER#u123"), attr.S("PROFILE")}},
		{"update", `UPDATE "AppTable" SET name = ? WHERE PK = 'USER#u123' AND SK = 'PROFILE'`, 0, []attr.Value{attr.S("Alice")}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			x := New(db, Options{ParseCacheSize: bc.cache})
			in := &ExecuteStatementInput{Statement: bc.stmt, Parameters: bc.params}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := x.ExecuteStatement(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
