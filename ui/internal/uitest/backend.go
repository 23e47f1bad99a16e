package uitest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/partiql"
	"dynalab/sessions"
)

// Backend is a sessions.Backend for tests. Data-plane operations go to an
// in-memory engine.DB (real keys, errors and capacity); Run parses the
// statement (so syntax errors are real) and then answers with RunFunc.
// Every call is counted by operation name. When Gate is set, every call
// first waits for it to be closed or for its context to end: tests use it
// to hold an operation in flight.
type Backend struct {
	DB       *engine.DB
	SessName string
	Endpt    string
	// SessKind is what Kind reports; "" means sessions.KindLocal.
	SessKind sessions.Kind

	// RunFunc answers statements that parse; nil answers with an empty
	// result whose Operation is "ExecuteStatement".
	RunFunc func(ctx context.Context, stmt string, params []attr.Value, nextToken string) (*sessions.Result, error)
	// Gate, when set, holds every call until it is closed.
	Gate chan struct{}
	// IgnoreContext makes a held call ignore its context, like a backend
	// that hangs.
	IgnoreContext bool
	// Feeds is what Subscribe returns: none by default; EngineFeeds gives
	// the engine's own, as a local session's.
	Feeds sessions.Feeds

	mu    sync.Mutex
	calls map[string]int
	runs  []string
}

var _ sessions.Backend = (*Backend)(nil)

// NewBackend returns a Backend over a fresh in-memory engine, closed when
// the test ends.
func NewBackend(tb testing.TB) *Backend {
	tb.Helper()
	db, err := engine.Open(engine.Options{Path: engine.InMemory, Sync: "never"})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return &Backend{DB: db, SessName: "default", Endpt: "http://127.0.0.1:8000", calls: map[string]int{}}
}

// NewBackendFor returns a backend over db, which the caller closes.
func NewBackendFor(db *engine.DB) *Backend {
	return &Backend{DB: db, SessName: "default", Endpt: "http://127.0.0.1:8000", calls: map[string]int{}}
}

// Subscribe implements sessions.Backend: b.Feeds.
func (b *Backend) Subscribe(context.Context) sessions.Feeds { return b.Feeds }

// Calls returns how many times op was called.
func (b *Backend) Calls(op string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.calls[op]
}

// Runs returns the statements Run was given, in order.
func (b *Backend) Runs() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.runs...)
}

func (b *Backend) enter(ctx context.Context, op string) error {
	b.mu.Lock()
	b.calls[op]++
	gate := b.Gate
	b.mu.Unlock()
	if gate == nil {
		return nil
	}
	if b.IgnoreContext {
		<-gate
		return nil
	}
	select {
	case <-gate:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Name implements sessions.Backend.
func (b *Backend) Name() string { return b.SessName }

// Endpoint implements sessions.Backend.
func (b *Backend) Endpoint() string { return b.Endpt }

// Close implements sessions.Backend; the engine closes with the test.
func (b *Backend) Close() error { return nil }

// ListTables implements sessions.Backend.
func (b *Backend) ListTables(ctx context.Context, in *engine.ListTablesInput) (*engine.ListTablesOutput, error) {
	if err := b.enter(ctx, "ListTables"); err != nil {
		return nil, err
	}
	return b.DB.ListTables(ctx, in)
}

// DescribeTable implements sessions.Backend.
func (b *Backend) DescribeTable(ctx context.Context, in *engine.DescribeTableInput) (*engine.DescribeTableOutput, error) {
	if err := b.enter(ctx, "DescribeTable"); err != nil {
		return nil, err
	}
	return b.DB.DescribeTable(ctx, in)
}

// GetItem implements sessions.Backend.
func (b *Backend) GetItem(ctx context.Context, in *engine.GetItemInput) (*engine.GetItemOutput, error) {
	if err := b.enter(ctx, "GetItem"); err != nil {
		return nil, err
	}
	return b.DB.GetItem(ctx, in)
}

// PutItem implements sessions.Backend.
func (b *Backend) PutItem(ctx context.Context, in *engine.PutItemInput) (*engine.PutItemOutput, error) {
	if err := b.enter(ctx, "PutItem"); err != nil {
		return nil, err
	}
	return b.DB.PutItem(ctx, in)
}

// UpdateItem implements sessions.Backend.
func (b *Backend) UpdateItem(ctx context.Context, in *engine.UpdateItemInput) (*engine.UpdateItemOutput, error) {
	if err := b.enter(ctx, "UpdateItem"); err != nil {
		return nil, err
	}
	return b.DB.UpdateItem(ctx, in)
}

// DeleteItem implements sessions.Backend.
func (b *Backend) DeleteItem(ctx context.Context, in *engine.DeleteItemInput) (*engine.DeleteItemOutput, error) {
	if err := b.enter(ctx, "DeleteItem"); err != nil {
		return nil, err
	}
	return b.DB.DeleteItem(ctx, in)
}

// Query implements sessions.Backend.
func (b *Backend) Query(ctx context.Context, in *engine.QueryInput) (*engine.QueryOutput, error) {
	if err := b.enter(ctx, "Query"); err != nil {
		return nil, err
	}
	return b.DB.Query(ctx, in)
}

// Scan implements sessions.Backend.
func (b *Backend) Scan(ctx context.Context, in *engine.ScanInput) (*engine.ScanOutput, error) {
	if err := b.enter(ctx, "Scan"); err != nil {
		return nil, err
	}
	return b.DB.Scan(ctx, in)
}

// Kind implements sessions.Backend; Kind, when set, overrides KindLocal.
func (b *Backend) Kind() sessions.Kind {
	if b.SessKind != "" {
		return b.SessKind
	}
	return sessions.KindLocal
}

// CreateTable implements sessions.Backend.
func (b *Backend) CreateTable(ctx context.Context, in *engine.CreateTableInput) (*engine.CreateTableOutput, error) {
	if err := b.enter(ctx, "CreateTable"); err != nil {
		return nil, err
	}
	return b.DB.CreateTable(ctx, in)
}

// DeleteTable implements sessions.Backend.
func (b *Backend) DeleteTable(ctx context.Context, in *engine.DeleteTableInput) (*engine.DeleteTableOutput, error) {
	if err := b.enter(ctx, "DeleteTable"); err != nil {
		return nil, err
	}
	return b.DB.DeleteTable(ctx, in)
}

// BatchGetItem implements sessions.Backend.
func (b *Backend) BatchGetItem(ctx context.Context, in *engine.BatchGetItemInput) (*engine.BatchGetItemOutput, error) {
	if err := b.enter(ctx, "BatchGetItem"); err != nil {
		return nil, err
	}
	return b.DB.BatchGetItem(ctx, in)
}

// BatchWriteItem implements sessions.Backend.
func (b *Backend) BatchWriteItem(ctx context.Context, in *engine.BatchWriteItemInput) (*engine.BatchWriteItemOutput, error) {
	if err := b.enter(ctx, "BatchWriteItem"); err != nil {
		return nil, err
	}
	return b.DB.BatchWriteItem(ctx, in)
}

// TransactGetItems implements sessions.Backend.
func (b *Backend) TransactGetItems(ctx context.Context, in *engine.TransactGetItemsInput) (*engine.TransactGetItemsOutput, error) {
	if err := b.enter(ctx, "TransactGetItems"); err != nil {
		return nil, err
	}
	return b.DB.TransactGetItems(ctx, in)
}

// TransactWriteItems implements sessions.Backend.
func (b *Backend) TransactWriteItems(ctx context.Context, in *engine.TransactWriteItemsInput) (*engine.TransactWriteItemsOutput, error) {
	if err := b.enter(ctx, "TransactWriteItems"); err != nil {
		return nil, err
	}
	return b.DB.TransactWriteItems(ctx, in)
}

// Run implements sessions.Backend.
func (b *Backend) Run(ctx context.Context, stmt string, params []attr.Value, nextToken string) (*sessions.Result, error) {
	b.mu.Lock()
	b.runs = append(b.runs, stmt)
	b.mu.Unlock()
	if err := b.enter(ctx, "Run"); err != nil {
		return nil, err
	}
	if _, err := partiql.Parse(stmt); err != nil {
		return nil, err
	}
	if b.RunFunc == nil {
		return &sessions.Result{Operation: "ExecuteStatement"}, nil
	}
	return b.RunFunc(ctx, stmt, params, nextToken)
}

// MakeTable creates a table with a string partition key and, when sk is
// not "", a string sort key, on demand.
func (b *Backend) MakeTable(tb testing.TB, name, pk, sk string) {
	tb.Helper()
	in := &engine.CreateTableInput{
		TableName:            name,
		BillingMode:          engine.BillingPayPerRequest,
		KeySchema:            []engine.KeySchemaElement{{AttributeName: pk, KeyType: engine.KeyTypeHash}},
		AttributeDefinitions: []engine.AttributeDefinition{{AttributeName: pk, AttributeType: "S"}},
	}
	if sk != "" {
		in.KeySchema = append(in.KeySchema, engine.KeySchemaElement{AttributeName: sk, KeyType: engine.KeyTypeRange})
		in.AttributeDefinitions = append(in.AttributeDefinitions, engine.AttributeDefinition{AttributeName: sk, AttributeType: "S"})
	}
	if _, err := b.DB.CreateTable(context.Background(), in); err != nil {
		tb.Fatal(err)
	}
}

// Put stores an item given in DynamoDB JSON.
func (b *Backend) Put(tb testing.TB, table, itemJSON string) {
	tb.Helper()
	it, err := attr.ParseItem([]byte(itemJSON))
	if err != nil {
		tb.Fatalf("item %s: %v", itemJSON, err)
	}
	if _, err := b.DB.PutItem(context.Background(), &engine.PutItemInput{TableName: table, Item: it}); err != nil {
		tb.Fatal(err)
	}
}

// Item returns the stored item with the given key, or nil.
func (b *Backend) Item(tb testing.TB, table string, key attr.Item) attr.Item {
	tb.Helper()
	out, err := b.DB.GetItem(context.Background(), &engine.GetItemInput{TableName: table, Key: key})
	if err != nil {
		tb.Fatal(err)
	}
	return out.Item
}

// Seed creates the single-table example "AppTable" (PK, SK) with users and
// their orders: USER#u1 has a profile and three orders, USER#u2 a profile
// and one order, and PRODUCT#p1 one item.
func (b *Backend) Seed(tb testing.TB) {
	tb.Helper()
	b.MakeTable(tb, "AppTable", "PK", "SK")
	for _, it := range []string{
		`{"PK":{"S":"USER#u1"},"SK":{"S":"PROFILE"},"name":{"S":"Ada"},"age":{"N":"36"},"tags":{"SS":["admin","ops"]}}`,
		`{"PK":{"S":"USER#u1"},"SK":{"S":"ORDER#001"},"total":{"N":"19.99"},"status":{"S":"shipped"}}`,
		`{"PK":{"S":"USER#u1"},"SK":{"S":"ORDER#002"},"total":{"N":"5"},"status":{"S":"pending"}}`,
		`{"PK":{"S":"USER#u1"},"SK":{"S":"ORDER#003"},"total":{"N":"120.5"},"status":{"S":"pending"},"gift":{"BOOL":true}}`,
		`{"PK":{"S":"USER#u2"},"SK":{"S":"PROFILE"},"name":{"S":"Grace"},"age":{"N":"45"},"note":{"NULL":true}}`,
		`{"PK":{"S":"USER#u2"},"SK":{"S":"ORDER#001"},"total":{"N":"7.25"},"status":{"S":"shipped"},"lines":{"L":[{"S":"book"},{"N":"2"}]}}`,
		`{"PK":{"S":"PRODUCT#p1"},"SK":{"S":"META"},"title":{"S":"Lamp"},"price":{"N":"49"},"dims":{"M":{"h":{"N":"30"},"w":{"N":"12"}}}}`,
	} {
		b.Put(tb, "AppTable", it)
	}
}

// ScanAll returns every item of a table, in scan order. tb may be nil
// (then a failed scan ends the list).
func (b *Backend) ScanAll(tb testing.TB, table string) []attr.Item {
	var out []attr.Item
	in := &engine.ScanInput{TableName: table}
	for {
		res, err := b.DB.Scan(context.Background(), in)
		if err != nil {
			if tb == nil {
				return out
			}
			tb.Fatal(fmt.Errorf("scan %s: %w", table, err))
		}
		out = append(out, res.Items...)
		if res.LastEvaluatedKey == nil {
			return out
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
}
