package partiql

import (
	"context"
	"errors"
	"fmt"
	"io"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// Backend is what scripts (dynalab run) and the REPL run statements on: an
// Executor on the embedded engine, or a Remote endpoint.
type Backend interface {
	// ExecuteStatement runs one statement (one page of a SELECT).
	ExecuteStatement(ctx context.Context, in *ExecuteStatementInput) (*ExecuteStatementOutput, error)
	// Explain plans a statement and, where it can, estimates its cost.
	Explain(ctx context.Context, stmt Statement, params []attr.Value) (*Explanation, error)
	// Schema describes a table's keys.
	Schema(ctx context.Context, table string, withIndexes bool) (*Schema, error)
}

// Result is the outcome of one statement of a script.
type Result struct {
	Statement ScriptStatement
	Parsed    Statement
	// Items are the items a SELECT read (all pages) or a RETURNING
	// returned; empty for other writes.
	Items []attr.Item
	// KeyAttributes are the key attributes of the table (or index) the
	// statement addresses, partition key first, when known: the first
	// columns of a table.
	KeyAttributes []string
	// Explanation is EXPLAIN's answer.
	Explanation *Explanation
}

// Runner runs scripts of ';'-separated statements and prints their
// results. The same runner serves `dynalab run` and the REPL.
type Runner struct {
	Backend Backend
	Out     io.Writer    // results
	Err     io.Writer    // failures, as file:line:column: message
	Format  OutputFormat // "" means FormatTable
	// ContinueOnError runs the remaining statements after one fails.
	ContinueOnError bool
}

// ScriptError is Run's error when statements failed; each was already
// reported on Runner.Err.
type ScriptError struct {
	Failed, Total int
}

// Error says how many statements failed.
func (e *ScriptError) Error() string {
	return fmt.Sprintf("%d of %d statements failed", e.Failed, e.Total)
}

// StatementError is a statement of a script that failed: where it is, and
// why.
type StatementError struct {
	File string
	Pos  Pos
	Err  error
}

// Error renders the failure as "file:line:column: message". Parse errors
// point at the offending token, service errors at the statement, as
// "Code: message".
func (e *StatementError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Pos.Line, e.Pos.Column, errorText(e.Err))
}

// Unwrap returns the underlying error.
func (e *StatementError) Unwrap() error { return e.Err }

func errorText(err error) string {
	var perr *Error
	if errors.As(err, &perr) {
		if perr.Kind == SyntaxError {
			return perr.ServiceMessage()
		}
		return perr.Message
	}
	var api *engine.APIError
	if errors.As(err, &api) {
		return api.Error()
	}
	return err.Error()
}

// Run runs the script src (named file in messages) statement by statement,
// printing each result. A failing statement is reported on r.Err; unless
// ContinueOnError, it stops the script. The error is a *ScriptError when
// any statement failed.
func (r *Runner) Run(ctx context.Context, file, src string) error {
	stmts := SplitScript(src)
	failed := 0
	for _, st := range stmts {
		res, err := r.Exec(ctx, st)
		if err == nil {
			err = WriteResult(r.Out, r.Format, res)
			if err != nil {
				return err
			}
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		failed++
		fmt.Fprintln(r.Err, (&StatementError{File: file, Pos: errorPos(err, st), Err: err}).Error())
		if !r.ContinueOnError {
			break
		}
	}
	if failed > 0 {
		return &ScriptError{Failed: failed, Total: len(stmts)}
	}
	return nil
}

// errorPos is where a failure is reported: the offending token of a parse
// error, else the statement's start.
func errorPos(err error, st ScriptStatement) Pos {
	var perr *Error
	if errors.As(err, &perr) {
		return perr.Pos()
	}
	return st.Pos
}

// Exec runs one statement of a script: EXPLAIN through Backend.Explain,
// anything else through ExecuteStatement, reading every page of a SELECT.
// Parse errors are *Error with script positions; service errors are
// *engine.APIError.
func (r *Runner) Exec(ctx context.Context, st ScriptStatement) (*Result, error) {
	stmt, err := st.Parse()
	if err != nil {
		return nil, err
	}
	res := &Result{Statement: st, Parsed: stmt, Items: []attr.Item{}}
	if e, ok := stmt.(*Explain); ok {
		res.Explanation, err = r.Backend.Explain(ctx, e, nil)
		return res, err
	}
	in := &ExecuteStatementInput{Statement: st.Text}
	for {
		out, err := r.Backend.ExecuteStatement(ctx, in)
		if err != nil {
			return nil, err
		}
		res.Items = append(res.Items, out.Items...)
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	if s, ok := stmt.(*Select); ok {
		if schema, err := r.Backend.Schema(ctx, s.From.Table, s.From.Index != ""); err == nil {
			res.KeyAttributes = schema.Key.Names()
			if ix := schema.Index(s.From.Index); ix != nil {
				res.KeyAttributes = append(ix.Key.Names(), res.KeyAttributes...)
			}
		}
	}
	return res, nil
}
