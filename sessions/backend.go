package sessions

import (
	"context"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/partiql"
)

// Backend is the one way the workbench, scripts and import/export reach
// data: the embedded engine of a local session (Local), or a remote
// DynamoDB-compatible endpoint (Remote). Every method takes the service's
// request shapes and returns its errors (*engine.APIError, or
// *partiql.Error for a statement that does not parse).
type Backend interface {
	// Name is the session's name (for --data, the file's name; for
	// --endpoint, the URL); Endpoint the URL that serves its data ("" when
	// none).
	Name() string
	Endpoint() string
	// Kind says whether the data is in this process (KindLocal: live
	// change and capacity feeds, EXPLAIN estimates) or behind an endpoint
	// (KindRemote: changes only through the Streams API, see
	// Remote.Changes; no capacity feed, no estimates).
	Kind() Kind

	CreateTable(ctx context.Context, in *engine.CreateTableInput) (*engine.CreateTableOutput, error)
	DeleteTable(ctx context.Context, in *engine.DeleteTableInput) (*engine.DeleteTableOutput, error)

	ListTables(ctx context.Context, in *engine.ListTablesInput) (*engine.ListTablesOutput, error)
	DescribeTable(ctx context.Context, in *engine.DescribeTableInput) (*engine.DescribeTableOutput, error)
	GetItem(ctx context.Context, in *engine.GetItemInput) (*engine.GetItemOutput, error)
	PutItem(ctx context.Context, in *engine.PutItemInput) (*engine.PutItemOutput, error)
	UpdateItem(ctx context.Context, in *engine.UpdateItemInput) (*engine.UpdateItemOutput, error)
	DeleteItem(ctx context.Context, in *engine.DeleteItemInput) (*engine.DeleteItemOutput, error)
	Query(ctx context.Context, in *engine.QueryInput) (*engine.QueryOutput, error)
	Scan(ctx context.Context, in *engine.ScanInput) (*engine.ScanOutput, error)
	BatchGetItem(ctx context.Context, in *engine.BatchGetItemInput) (*engine.BatchGetItemOutput, error)
	BatchWriteItem(ctx context.Context, in *engine.BatchWriteItemInput) (*engine.BatchWriteItemOutput, error)
	TransactGetItems(ctx context.Context, in *engine.TransactGetItemsInput) (*engine.TransactGetItemsOutput, error)
	TransactWriteItems(ctx context.Context, in *engine.TransactWriteItemsInput) (*engine.TransactWriteItemsOutput, error)

	// Run executes one PartiQL statement (or the workbench's EXPLAIN),
	// continuing a previous page when nextToken is set.
	Run(ctx context.Context, statement string, params []attr.Value, nextToken string) (*Result, error)

	// Subscribe starts the live feeds the workbench shows; they end with
	// ctx (or the backend).
	Subscribe(ctx context.Context) Feeds

	// Close releases the backend (for a local session: flushes and unlocks
	// the database).
	Close() error
}

// Result is what a statement returned.
type Result struct {
	Items     []attr.Item // rows, for reads and RETURNING
	NextToken string      // more pages follow when set
	// Plan is set for EXPLAIN: its text (first line "Operation: ...").
	Plan string
	// Explanation is set for EXPLAIN: the plan and, on the embedded
	// engine, its estimate, for views that tabulate plans.
	Explanation *partiql.Explanation
	// Operation is the DynamoDB operation the statement ran as (GetItem,
	// Query, Scan, PutItem, ...), for the status line.
	Operation string
	// Count and ScannedCount are the items returned and examined; both 0
	// when the backend does not know (a remote endpoint reports neither).
	Count, ScannedCount int
	// Capacity is the capacity units consumed.
	Capacity float64
}

// runStatement runs one statement on b (a page of it, from nextToken), or
// explains it for EXPLAIN; page turns an ExecuteStatement page into a
// Result with what the backend knows about it.
func runStatement(ctx context.Context, b partiql.Backend, statement string, params []attr.Value, nextToken string,
	page func(*partiql.ExecuteStatementOutput) *Result) (*Result, error) {
	stmt, err := partiql.Parse(statement)
	if err != nil {
		return nil, err
	}
	if e, ok := stmt.(*partiql.Explain); ok {
		ex, err := b.Explain(ctx, e, params)
		if err != nil {
			return nil, err
		}
		return &Result{Plan: ex.String(), Operation: string(ex.Plan.Operation), Explanation: ex}, nil
	}
	in := &partiql.ExecuteStatementInput{Statement: statement, Parameters: params, ReturnConsumedCapacity: engine.CapacityTotal}
	if nextToken != "" {
		in.NextToken = &nextToken
	}
	out, err := b.ExecuteStatement(ctx, in)
	if err != nil {
		return nil, err
	}
	res := page(out)
	if out.NextToken != nil {
		res.NextToken = *out.NextToken
	}
	if out.ConsumedCapacity != nil {
		res.Capacity = out.ConsumedCapacity.CapacityUnits
	}
	return res, nil
}
