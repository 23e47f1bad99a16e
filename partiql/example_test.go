package partiql_test

import (
	"errors"
	"fmt"

	"dynalab/partiql"
)

func ExampleParse() {
	stmt, err := partiql.Parse(`select * from "AppTable" where PK = ? and begins_with(SK, 'ORDER#')`)
	if err != nil {
		panic(err)
	}
	sel := stmt.(*partiql.Select)
	fmt.Println(sel.From.Table, partiql.ParamCount(stmt))
	for _, c := range partiql.Conjuncts(sel.Where) {
		fmt.Println(partiql.Format(c))
	}
	fmt.Println(partiql.Format(stmt))
	// Output:
	// AppTable 1
	// PK = ?
	// begins_with(SK, 'ORDER#')
	// SELECT * FROM AppTable WHERE PK = ? AND begins_with(SK, 'ORDER#')
}

func ExampleError() {
	_, err := partiql.Parse("SELECT * FROM Music\nWHERE Artist = 'Acme' LIMIT 1")
	var perr *partiql.Error
	if errors.As(err, &perr) {
		fmt.Println(perr)
		fmt.Println(perr.ServiceMessage())
	}
	_, err = partiql.Parse("SELECT * FROM Music WHERE Artist =")
	if errors.As(err, &perr) {
		fmt.Println(perr)
		fmt.Println(perr.ServiceMessage())
	}
	// Output:
	// 2:23: Unsupported clause: LIMIT
	// Unsupported clause: LIMIT
	// 1:34: Missing right-hand side expression of infix operator
	// Statement wasn't well formed, can't be processed: Missing right-hand side expression of infix operator
}

func ExampleSplitScript() {
	script := "-- seed\nINSERT INTO Music VALUE {'Artist': 'a;b', 'SongTitle': 'x'};\n\nSELECT * FROM Music WHERE Artist = 'a;b';\n"
	for _, s := range partiql.SplitScript(script) {
		fmt.Printf("%d:%d %s\n", s.Pos.Line, s.Pos.Column, s.Text)
	}
	// Output:
	// 2:1 INSERT INTO Music VALUE {'Artist': 'a;b', 'SongTitle': 'x'}
	// 4:1 SELECT * FROM Music WHERE Artist = 'a;b'
}

func ExampleTokens() {
	for _, t := range partiql.Tokens(`SELECT "order" FROM t1x WHERE n >= 2 -- hi`) {
		fmt.Printf("%s %q\n", t.Kind, t.Text)
	}
	// Output:
	// keyword "SELECT"
	// quoted identifier "\"order\""
	// keyword "FROM"
	// identifier "t1x"
	// keyword "WHERE"
	// identifier "n"
	// operator ">="
	// number "2"
	// comment "-- hi"
}

func ExampleIsComplete() {
	fmt.Println(partiql.IsComplete("SELECT * FROM Music WHERE a = 'x;"))
	fmt.Println(partiql.IsComplete("SELECT * FROM Music WHERE a = 'x;';"))
	// Output:
	// false
	// true
}
