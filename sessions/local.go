package sessions

import (
	"context"
	"fmt"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/partiql"
)

// Local is a session on the embedded engine: its database file, opened in
// this process, with the PartiQL executor on top.
type Local struct {
	name     string
	endpoint string
	*engine.DB
	exec   *partiql.Executor
	events events // Subscribe's events, fed by Publish
}

// OpenLocal opens the named session's database (creating it on first use).
// opts.Path, when set, overrides the session's file (--data); Open's other
// options pass through.
func OpenLocal(name string, opts engine.Options) (*Local, error) {
	if opts.Path == "" {
		p, err := DatabasePath(name)
		if err != nil {
			return nil, err
		}
		opts.Path = p
	}
	db, err := engine.Open(opts)
	if err != nil {
		return nil, fmt.Errorf("open session %q: %w", name, err)
	}
	return &Local{name: name, endpoint: opts.Endpoint, DB: db, exec: partiql.New(db, partiql.Options{})}, nil
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
	return l.DB.SetEndpoint(url)
}

// Executor returns the session's PartiQL executor (the HTTP server chains
// it after the engine).
func (l *Local) Executor() *partiql.Executor { return l.exec }

// Run executes one PartiQL statement, or explains it for EXPLAIN.
func (l *Local) Run(ctx context.Context, statement string, params []attr.Value, nextToken string) (*Result, error) {
	stmt, err := partiql.Parse(statement)
	if err != nil {
		return nil, err
	}
	if e, ok := stmt.(*partiql.Explain); ok {
		ex, err := l.exec.Explain(ctx, e, params)
		if err != nil {
			return nil, err
		}
		return &Result{Plan: ex.String(), Operation: string(ex.Plan.Operation), Explanation: ex}, nil
	}
	in := &partiql.ExecuteStatementInput{Statement: statement, Parameters: params, ReturnConsumedCapacity: engine.CapacityTotal}
	if nextToken != "" {
		in.NextToken = &nextToken
	}
	out, err := l.exec.ExecuteStatement(ctx, in)
	if err != nil {
		return nil, err
	}
	res := &Result{Items: out.Items, Operation: string(out.Operation), Count: len(out.Items), ScannedCount: out.ScannedCount}
	if out.NextToken != nil {
		res.NextToken = *out.NextToken
	}
	if out.ConsumedCapacity != nil {
		res.Capacity = out.ConsumedCapacity.CapacityUnits
	}
	return res, nil
}

// Backend is satisfied by Local.
var _ Backend = (*Local)(nil)
