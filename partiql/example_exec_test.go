package partiql_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/partiql"
)

// exampleDB is an in-memory engine with the seed's AppTable.
func exampleDB() *engine.DB {
	db, err := engine.Open(engine.Options{Path: engine.InMemory})
	if err != nil {
		panic(err)
	}
	_, err = db.CreateTable(context.Background(), &engine.CreateTableInput{
		TableName:   "AppTable",
		BillingMode: engine.BillingPayPerRequest,
		AttributeDefinitions: []engine.AttributeDefinition{
			{AttributeName: "PK", AttributeType: "S"}, {AttributeName: "SK", AttributeType: "S"}},
		KeySchema: []engine.KeySchemaElement{
			{AttributeName: "PK", KeyType: engine.KeyTypeHash}, {AttributeName: "SK", KeyType: engine.KeyTypeRange}},
	})
	if err != nil {
		panic(err)
	}
	return db
}

func ExampleExecutor_ExecuteStatement() {
	db := exampleDB()
	defer db.Close()
	x := partiql.New(db, partiql.Options{})
	ctx := context.Background()
	for _, st := range []string{
		`INSERT INTO "AppTable" VALUE {'PK':'USER#u123','SK':'PROFILE','name':'Alice'}`,
		`INSERT INTO "AppTable" VALUE {'PK':'USER#u123','SK':'ORDER#1','total':42}`,
		`UPDATE "AppTable" SET name='Alice K' WHERE PK='USER#u123' AND SK='PROFILE'`,
	} {
		if _, err := x.ExecuteStatement(ctx, &partiql.ExecuteStatementInput{Statement: st}); err != nil {
			panic(err)
		}
	}
	out, err := x.ExecuteStatement(ctx, &partiql.ExecuteStatementInput{
		Statement:  `SELECT * FROM "AppTable" WHERE PK = ? AND begins_with(SK, 'ORDER#')`,
		Parameters: []attr.Value{attr.S("USER#u123")},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(out.Operation, out.ScannedCount, out.Items)
	_, err = x.ExecuteStatement(ctx, &partiql.ExecuteStatementInput{Statement: `INSERT INTO "AppTable" VALUE {'PK':'USER#u123','SK':'PROFILE'}`})
	fmt.Println(err)
	// Output:
	// Query 1 [{"PK":{"S":"USER#u123"},"SK":{"S":"ORDER#1"},"total":{"N":"42"}}]
	// DuplicateItemException: Duplicate primary key exists in table
}

func ExampleExecutor_Explain() {
	db := exampleDB()
	defer db.Close()
	x := partiql.New(db, partiql.Options{})
	stmt, err := partiql.Parse(`EXPLAIN SELECT * FROM "AppTable" WHERE begins_with(SK, 'ORDER#')`)
	if err != nil {
		panic(err)
	}
	e, err := x.Explain(context.Background(), stmt, nil)
	if err != nil {
		panic(err)
	}
	fmt.Print(e)
	// Output:
	// Operation: Scan on AppTable
	//   Key condition:      none: no equality on the partition key PK
	//   Filter:             begins_with(SK, 'ORDER#') — applied after reading: filtered items still cost capacity
	//   Projection:         * (whole items)
	//   Reads whole table:  yes — every item is read, however few match
	//   FilterExpression:   begins_with(#n0, :v0)
	//   Names:              #n0=SK
	//   Values:             :v0={"S":"ORDER#"}
	//   Estimate:           examines 0 items, returns 0; consumes 2 RCU (eventually consistent; a Scan reads each of the table's 4 partitions and rounds each up to a whole 4 KB unit: at least 2 RCU)
	//   Index advice:       no index can make this a Query: a Query needs its partition key's value, and the WHERE clause fixes no attribute with = to a string, number or binary
}

func ExampleRunner() {
	db := exampleDB()
	defer db.Close()
	r := &partiql.Runner{Backend: partiql.New(db, partiql.Options{}), Out: os.Stdout, Err: os.Stdout}
	err := r.Run(context.Background(), "demo.sql", strings.Join([]string{
		`INSERT INTO "AppTable" VALUE {'PK':'USER#u123','SK':'PROFILE','name':'Alice'}`,
		`SELECT * FROM "AppTable" WHERE PK='USER#u123'`,
		`SELECT * FROM "AppTable" WHERE PK='USER#u123' LIMIT 1`,
	}, ";\n"))
	fmt.Println(err)
	// Output:
	// OK
	// PK        | SK      | name
	// ----------+---------+------
	// USER#u123 | PROFILE | Alice
	// (1 item)
	// demo.sql:3:47: Unsupported clause: LIMIT
	// 1 of 3 statements failed
}
