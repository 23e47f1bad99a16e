package sessions

import (
	"context"
	"fmt"
	"sync/atomic"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/partiql"
)

// Local is a session on the embedded engine: its database file, opened in
// this process, with the PartiQL executor on top. It holds the engine
// rather than embedding it: the workbench and commands see the Backend's
// operations, and the server assembly (Serve) is the one place that hands
// the engine itself to the HTTP server.
type Local struct {
	name     string
	endpoint string
	db       *engine.DB
	opts     engine.Options // what db was opened with (Serve opens other regions alike)
	exec     *partiql.Executor
	events   events // Subscribe's events, fed by Publish
	// onThrottle is ServeOptions.OnThrottle of the running Serve, if any.
	onThrottle atomic.Pointer[func(engine.ThrottleNotice)]
}

// OpenLocal opens a database file (opts.Path, or engine.InMemory) as the
// local session name.
func OpenLocal(name string, opts engine.Options) (*Local, error) {
	if opts.Path == "" {
		return nil, fmt.Errorf("open session %q: no database path", name)
	}
	db, err := engine.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("open session %q: %w", name, err)
	}
	return newLocal(name, db, opts), nil
}

func newLocal(name string, db *engine.DB, opts engine.Options) *Local {
	l := &Local{name: name, endpoint: opts.Endpoint, db: db, opts: opts, exec: partiql.New(db, partiql.Options{})}
	// The engine keeps one throttle callback: the session's, which
	// publishes the notice (the Activity pane) and tells Serve's hook.
	db.OnThrottle(func(n engine.ThrottleNotice) {
		l.Publish(throttleEvent(n))
		if hook := l.onThrottle.Load(); hook != nil {
			(*hook)(n)
		}
	})
	return l
}

// Name returns the session's name.
func (l *Local) Name() string { return l.name }

// Kind returns KindLocal: the engine runs in this process, with its live
// change feed (Subscribe) and EXPLAIN estimates.
func (l *Local) Kind() Kind { return KindLocal }

// Endpoint returns the URL serving this session's data, if any.
func (l *Local) Endpoint() string { return l.endpoint }

// SetEndpoint records the URL serving this session's data (the workbench
// serves it while it runs); other processes find it in the lock file.
func (l *Local) SetEndpoint(url string) error {
	l.endpoint = url
	return l.db.SetEndpoint(url)
}

// Path returns the database file (engine.InMemory for none).
func (l *Local) Path() string { return l.db.Path() }

// Close flushes and closes the database and releases its lock.
func (l *Local) Close() error { return l.db.Close() }

// Run executes one PartiQL statement, or explains it for EXPLAIN.
func (l *Local) Run(ctx context.Context, statement string, params []attr.Value, nextToken string) (*Result, error) {
	return runStatement(ctx, l.exec, statement, params, nextToken, func(out *partiql.ExecuteStatementOutput) *Result {
		return &Result{Items: out.Items, Operation: string(out.Operation), Count: len(out.Items), ScannedCount: out.ScannedCount}
	})
}

// The item and table operations go to the engine.

func (l *Local) CreateTable(ctx context.Context, in *engine.CreateTableInput) (*engine.CreateTableOutput, error) {
	return l.db.CreateTable(ctx, in)
}

func (l *Local) DeleteTable(ctx context.Context, in *engine.DeleteTableInput) (*engine.DeleteTableOutput, error) {
	return l.db.DeleteTable(ctx, in)
}

func (l *Local) UpdateTable(ctx context.Context, in *engine.UpdateTableInput) (*engine.UpdateTableOutput, error) {
	return l.db.UpdateTable(ctx, in)
}

func (l *Local) UpdateTimeToLive(ctx context.Context, in *engine.UpdateTimeToLiveInput) (*engine.UpdateTimeToLiveOutput, error) {
	return l.db.UpdateTimeToLive(ctx, in)
}

func (l *Local) DescribeTimeToLive(ctx context.Context, in *engine.DescribeTimeToLiveInput) (*engine.DescribeTimeToLiveOutput, error) {
	return l.db.DescribeTimeToLive(ctx, in)
}

func (l *Local) ListTables(ctx context.Context, in *engine.ListTablesInput) (*engine.ListTablesOutput, error) {
	return l.db.ListTables(ctx, in)
}

func (l *Local) DescribeTable(ctx context.Context, in *engine.DescribeTableInput) (*engine.DescribeTableOutput, error) {
	return l.db.DescribeTable(ctx, in)
}

func (l *Local) GetItem(ctx context.Context, in *engine.GetItemInput) (*engine.GetItemOutput, error) {
	return l.db.GetItem(ctx, in)
}

func (l *Local) PutItem(ctx context.Context, in *engine.PutItemInput) (*engine.PutItemOutput, error) {
	return l.db.PutItem(ctx, in)
}

func (l *Local) UpdateItem(ctx context.Context, in *engine.UpdateItemInput) (*engine.UpdateItemOutput, error) {
	return l.db.UpdateItem(ctx, in)
}

func (l *Local) DeleteItem(ctx context.Context, in *engine.DeleteItemInput) (*engine.DeleteItemOutput, error) {
	return l.db.DeleteItem(ctx, in)
}

func (l *Local) Query(ctx context.Context, in *engine.QueryInput) (*engine.QueryOutput, error) {
	return l.db.Query(ctx, in)
}

func (l *Local) Scan(ctx context.Context, in *engine.ScanInput) (*engine.ScanOutput, error) {
	return l.db.Scan(ctx, in)
}

func (l *Local) BatchGetItem(ctx context.Context, in *engine.BatchGetItemInput) (*engine.BatchGetItemOutput, error) {
	return l.db.BatchGetItem(ctx, in)
}

func (l *Local) BatchWriteItem(ctx context.Context, in *engine.BatchWriteItemInput) (*engine.BatchWriteItemOutput, error) {
	return l.db.BatchWriteItem(ctx, in)
}

func (l *Local) TransactGetItems(ctx context.Context, in *engine.TransactGetItemsInput) (*engine.TransactGetItemsOutput, error) {
	return l.db.TransactGetItems(ctx, in)
}

func (l *Local) TransactWriteItems(ctx context.Context, in *engine.TransactWriteItemsInput) (*engine.TransactWriteItemsOutput, error) {
	return l.db.TransactWriteItems(ctx, in)
}

func (l *Local) DescribeContinuousBackups(ctx context.Context, in *engine.DescribeContinuousBackupsInput) (*engine.DescribeContinuousBackupsOutput, error) {
	return l.db.DescribeContinuousBackups(ctx, in)
}

func (l *Local) UpdateContinuousBackups(ctx context.Context, in *engine.UpdateContinuousBackupsInput) (*engine.UpdateContinuousBackupsOutput, error) {
	return l.db.UpdateContinuousBackups(ctx, in)
}

// RunMaintenance advances the engine's background work (index builds
// and removals) now, for model apply, which waits on it.
func (l *Local) RunMaintenance() error { return l.db.RunMaintenance() }

// Backend is satisfied by Local.
var _ Backend = (*Local)(nil)
