package samples

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/sessions"
)

// Options say how Load loads a sample.
type Options struct {
	// Replace deletes and recreates the sample's tables that exist
	// (losing their items); without it Load refuses with an *ExistsError
	// before changing anything.
	Replace bool
	// Session is the session the sample's queries are saved into
	// (replacing saved queries of the same names); "" saves none (--data,
	// --endpoint).
	Session string
	// Home is where Session lives.
	Home sessions.Home
	// Sleep waits between retries and status polls; nil sleeps for real.
	Sleep func(ctx context.Context, d time.Duration) error
	// MaxRetries bounds the retries of a batch that makes no progress
	// (throttled, unavailable); 0 means 10.
	MaxRetries int
}

// Report is what Load did.
type Report struct {
	Sample  *Sample
	Tables  []TableReport         // in the order created
	Queries []sessions.SavedQuery // saved into Options.Session
	Retries int                   // BatchWriteItem calls repeated for unprocessed items or throttling
}

// TableReport is one table Load created.
type TableReport struct {
	Name     string
	Key      string   // e.g. "PK S, SK S"
	Indexes  []string // LSIs and GSIs
	Items    int      // items written
	Replaced bool     // an existing table was deleted first
}

// ExistsError is Load's refusal to touch tables that exist when
// Options.Replace is not set. It matches ErrTableExists.
type ExistsError struct {
	Sample string
	Tables []string
}

// ErrTableExists matches an *ExistsError.
var ErrTableExists = errors.New("table already exists")

func (e *ExistsError) Error() string {
	what := "table " + e.Tables[0] + " already exists"
	if len(e.Tables) > 1 {
		what = "tables " + strings.Join(e.Tables, ", ") + " already exist"
	}
	return fmt.Sprintf("sample %s: %s; nothing was changed (replacing deletes the existing items)", e.Sample, what)
}

// Is makes errors.Is(err, ErrTableExists) true.
func (e *ExistsError) Is(target error) bool { return target == ErrTableExists }

// batchSize is BatchWriteItem's limit of requests.
const batchSize = 25

// Load loads the named sample into b: checks that none of its tables
// exists (or, with Replace, deletes those that do), creates the tables and
// waits for them to be ACTIVE, writes the items 25 per BatchWriteItem
// (retrying unprocessed items and throttling with capped backoff) and
// saves the queries into opts.Session.
func Load(ctx context.Context, b sessions.Backend, name string, opts Options) (*Report, error) {
	s, err := Get(name)
	if err != nil {
		return nil, err
	}
	if opts.Sleep == nil {
		opts.Sleep = sessions.Sleep
	}
	if opts.MaxRetries <= 0 {
		opts.MaxRetries = 10
	}
	existing := map[string]bool{}
	var exists []string
	for i := range s.Tables {
		t := s.Tables[i].TableName
		found, err := tableExists(ctx, b, t)
		if err != nil {
			return nil, fmt.Errorf("sample %s: %w", name, err)
		}
		if found {
			existing[t] = true
			exists = append(exists, t)
		}
	}
	if len(exists) > 0 && !opts.Replace {
		return nil, &ExistsError{Sample: name, Tables: exists}
	}

	rep := &Report{Sample: s}
	for i := range s.Tables {
		def := s.Tables[i]
		tr := TableReport{Name: def.TableName, Key: KeySchema(&def), Indexes: IndexNames(&def), Replaced: existing[def.TableName]}
		if tr.Replaced {
			if err := deleteTable(ctx, b, def.TableName, opts); err != nil {
				return rep, fmt.Errorf("sample %s: replace table %s: %w", name, def.TableName, err)
			}
		}
		if _, err := b.CreateTable(ctx, &def); err != nil {
			return rep, fmt.Errorf("sample %s: create table %s: %w", name, def.TableName, err)
		}
		// From here on the report lists the table, with the items written
		// so far, so that a failure says what was done before it.
		rep.Tables = append(rep.Tables, tr)
		cur := &rep.Tables[len(rep.Tables)-1]
		if err := waitActive(ctx, b, def.TableName, opts); err != nil {
			return rep, fmt.Errorf("sample %s: table %s: %w", name, def.TableName, err)
		}
		items, err := s.items(def.TableName)
		if err != nil {
			return rep, err
		}
		for len(items) > 0 {
			n := min(batchSize, len(items))
			retries, err := writeBatch(ctx, b, def.TableName, items[:n], opts)
			rep.Retries += retries
			if err != nil {
				return rep, fmt.Errorf("sample %s: write items to %s: %w", name, def.TableName, err)
			}
			cur.Items += n
			items = items[n:]
		}
	}

	if opts.Session != "" {
		for _, q := range s.Queries {
			saved, err := opts.Home.SaveQuery(opts.Session, q.Name, q.Text)
			if err != nil {
				return rep, fmt.Errorf("sample %s: %w", name, err)
			}
			rep.Queries = append(rep.Queries, *saved)
		}
	}
	return rep, nil
}

// tableExists reports whether table exists on b.
func tableExists(ctx context.Context, b sessions.Backend, table string) (bool, error) {
	_, err := b.DescribeTable(ctx, &engine.DescribeTableInput{TableName: table})
	var api *engine.APIError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &api) && api.Code == engine.CodeResourceNotFound:
		return false, nil
	}
	return false, fmt.Errorf("describe table %s: %w", table, err)
}

// pollInterval is the pause between DescribeTable calls while a table is
// created or deleted (a remote service takes seconds; the embedded engine
// answers at once and is never polled).
const pollInterval = time.Second

// maxPolls bounds the wait for a table to become ACTIVE or go away.
const maxPolls = 300

// deleteTable deletes table and waits until it is gone.
func deleteTable(ctx context.Context, b sessions.Backend, table string, opts Options) error {
	if _, err := b.DeleteTable(ctx, &engine.DeleteTableInput{TableName: table}); err != nil {
		return err
	}
	for range maxPolls {
		found, err := tableExists(ctx, b, table)
		if err != nil || !found {
			return err
		}
		if err := opts.Sleep(ctx, pollInterval); err != nil {
			return err
		}
	}
	return errors.New("still being deleted after 5 minutes")
}

// waitActive waits until table and its indexes are ACTIVE.
func waitActive(ctx context.Context, b sessions.Backend, table string, opts Options) error {
	for range maxPolls {
		out, err := b.DescribeTable(ctx, &engine.DescribeTableInput{TableName: table})
		if err != nil {
			return fmt.Errorf("describe: %w", err)
		}
		if active(out.Table) {
			return nil
		}
		if err := opts.Sleep(ctx, pollInterval); err != nil {
			return err
		}
	}
	return errors.New("not ACTIVE after 5 minutes")
}

func active(t *engine.TableDescription) bool {
	if t == nil || t.TableStatus != engine.StatusActive {
		return false
	}
	for _, g := range t.GlobalSecondaryIndexes {
		if g.IndexStatus != "" && g.IndexStatus != engine.StatusActive {
			return false
		}
	}
	return true
}

// Backoff bounds for writeBatch's retries.
const (
	firstBackoff = 50 * time.Millisecond
	maxBackoff   = 2 * time.Second
)

// writeBatch writes up to 25 items with BatchWriteItem, again and again
// with capped exponential backoff while some are unprocessed or the
// request is throttled, and returns how many times it retried.
func writeBatch(ctx context.Context, b sessions.Backend, table string, items []attr.Item, opts Options) (int, error) {
	reqs := make([]engine.WriteRequest, len(items))
	for i, it := range items {
		reqs[i] = engine.WriteRequest{PutRequest: &engine.PutRequest{Item: it}}
	}
	retries, stalled, delay := 0, 0, firstBackoff
	for {
		out, err := b.BatchWriteItem(ctx, &engine.BatchWriteItemInput{RequestItems: map[string][]engine.WriteRequest{table: reqs}})
		switch {
		case err == nil:
			left := out.UnprocessedItems[table]
			if len(left) == 0 {
				return retries, nil
			}
			if len(left) < len(reqs) {
				stalled, delay = 0, firstBackoff
			}
			reqs = left
		case !retryable(err):
			return retries, err
		}
		if stalled++; stalled > opts.MaxRetries {
			why := fmt.Sprintf("%d items unprocessed", len(reqs))
			if err != nil {
				why = err.Error()
			}
			return retries, fmt.Errorf("gave up after %d retries (%s): the table is throttled or unavailable", opts.MaxRetries, why)
		}
		retries++
		if err := opts.Sleep(ctx, delay); err != nil {
			return retries, err
		}
		delay = min(2*delay, maxBackoff)
	}
}

// retryable reports whether a failed BatchWriteItem is worth repeating
// after a pause: throttling or a server error.
func retryable(err error) bool {
	var api *engine.APIError
	if !errors.As(err, &api) {
		return false
	}
	switch api.Code {
	case engine.CodeProvisionedThroughput, engine.CodeThrottling, engine.CodeRequestLimitExceeded,
		engine.CodeInternalServerError, "ServiceUnavailable":
		return true
	}
	return false
}
