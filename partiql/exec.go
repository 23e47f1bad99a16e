package partiql

import (
	"context"
	"errors"
	"maps"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// ExecuteStatement runs one statement, as the service's ExecuteStatement
// does. Errors a client sees are *engine.APIError.
func (x *Executor) ExecuteStatement(ctx context.Context, in *ExecuteStatementInput) (*ExecuteStatementOutput, error) {
	out, _, err := x.executeStatement(ctx, in)
	return out, err
}

// executeStatement is ExecuteStatement, also returning the statement's
// table and the capacity units consumed (for the request log).
func (x *Executor) executeStatement(ctx context.Context, in *ExecuteStatementInput) (*ExecuteStatementOutput, callStats, error) {
	var stats callStats
	if err := in.validate(); err != nil {
		return nil, stats, err
	}
	stmt, err := x.parse(in.Statement)
	if err != nil {
		return nil, stats, statementError(err)
	}
	stats.table = tableOf(stmt)
	switch stmt.(type) {
	case *Exists:
		return nil, stats, engine.Validationf(msgExistsOnly)
	case *Explain:
		return nil, stats, engine.Validationf("%s", WellFormedPrefix+msgExplainOverWire)
	}
	if ParamCount(stmt) != len(in.Parameters) {
		return nil, stats, engine.Validationf(msgParamCount)
	}
	var out *ExecuteStatementOutput
	var consumed *engine.ConsumedCapacity
	if s, ok := stmt.(*Select); ok {
		out, consumed, err = x.executeSelect(ctx, s, in)
	} else {
		out, consumed, err = x.executeWrite(ctx, stmt, in)
	}
	if consumed != nil {
		stats.units = consumed.CapacityUnits
	}
	if err != nil {
		return nil, stats, err
	}
	if wantCapacity(in.ReturnConsumedCapacity) {
		out.ConsumedCapacity = consumed
	}
	return out, stats, nil
}

// callStats is what the request log learns about a call.
type callStats struct {
	table string
	units float64
}

// tableOf returns the table a statement addresses.
func tableOf(s Statement) string {
	switch s := s.(type) {
	case *Select:
		return s.From.Table
	case *Insert:
		return s.Table.Table
	case *Update:
		return s.Table.Table
	case *Delete:
		return s.Table.Table
	case *Exists:
		return s.Select.From.Table
	case *Explain:
		return tableOf(s.Statement)
	}
	return ""
}

// executeSelect plans a SELECT and reads one page of its results.
func (x *Executor) executeSelect(ctx context.Context, s *Select, in *ExecuteStatementInput) (*ExecuteStatementOutput, *engine.ConsumedCapacity, error) {
	p, err := x.planSelect(ctx, s, in.Parameters, in.ConsistentRead, useStatement)
	if err != nil {
		return nil, nil, err
	}
	var from resumeAt
	if in.NextToken != nil {
		if from, err = x.decodeToken(*in.NextToken, in.Statement, in.Parameters); err != nil {
			return nil, nil, err
		}
		if from.Partition < 0 || (from.Partition > 0 && from.Partition >= len(p.Partitions)) {
			return nil, nil, engine.Validationf(msgTokenInvalid)
		}
	}
	pg, err := x.readPage(ctx, p, in.Limit, from, engineCapacity(in.ReturnConsumedCapacity), false)
	if err != nil {
		return nil, pg.capacity, err
	}
	out := &ExecuteStatementOutput{Items: pg.items, Operation: p.Operation, ScannedCount: pg.scanned}
	if pg.next != nil {
		tok, err := x.encodeToken(in.Statement, in.Parameters, *pg.next)
		if err != nil {
			return nil, pg.capacity, err
		}
		out.NextToken = &tok
	}
	return out, pg.capacity, nil
}

// page is one page of a read plan's results.
type page struct {
	items    []attr.Item
	scanned  int       // items examined
	count    int       // items that passed the filter
	next     *resumeAt // where the next page starts; nil at the end
	capacity *engine.ConsumedCapacity
}

// readPage runs a read plan from a position until limit items were
// examined (nil: no limit) or a read stopped at 1 MB. countOnly reads
// without returning items (Select COUNT), for EXPLAIN's estimates.
func (x *Executor) readPage(ctx context.Context, p *Plan, limit *int64, from resumeAt, capMode string, countOnly bool) (*page, error) {
	pg := &page{items: []attr.Item{}}
	switch p.Operation {
	case OperationGetItem:
		in := *p.get
		in.ReturnConsumedCapacity = capMode
		out, err := x.db.GetItem(ctx, &in)
		if err != nil {
			return pg, err
		}
		pg.capacity = out.ConsumedCapacity
		if out.Item != nil {
			pg.scanned, pg.count = 1, 1
			if !countOnly {
				pg.items = append(pg.items, p.flatten.flatten(out.Item))
			}
		}
	case OperationScan:
		in := *p.scan
		in.ReturnConsumedCapacity, in.Limit, in.ExclusiveStartKey = capMode, limit, from.Key
		if countOnly {
			in.Select, in.ProjectionExpression = engine.SelectCount, nil
			in.ExpressionAttributeNames = usedNames(in.ExpressionAttributeNames, in.FilterExpression)
		}
		out, err := x.db.Scan(ctx, &in)
		if err != nil {
			return pg, err
		}
		pg.add(p, out, countOnly)
		if out.LastEvaluatedKey != nil {
			pg.next = &resumeAt{Key: out.LastEvaluatedKey}
		}
	case OperationQuery:
		return pg, x.queryPage(ctx, p, pg, limit, from, capMode, countOnly)
	}
	return pg, nil
}

// queryPage runs a plan's Queries, one per partition, from a position.
func (x *Executor) queryPage(ctx context.Context, p *Plan, pg *page, limit *int64, from resumeAt, capMode string, countOnly bool) error {
	remaining := int64(-1)
	if limit != nil {
		remaining = *limit
	}
	for i := from.Partition; i < len(p.Partitions); i++ {
		in := *p.query
		in.ReturnConsumedCapacity = capMode
		if i > 0 {
			in.ExpressionAttributeValues = maps.Clone(in.ExpressionAttributeValues)
			in.ExpressionAttributeValues[p.hashPH] = p.Partitions[i]
		}
		if i == from.Partition {
			in.ExclusiveStartKey = from.Key
		}
		if remaining > 0 {
			lim := remaining
			in.Limit = &lim
		}
		if countOnly && !p.LocalFilter {
			in.Select, in.ProjectionExpression = engine.SelectCount, nil
			in.ExpressionAttributeNames = usedNames(in.ExpressionAttributeNames, in.KeyConditionExpression, in.FilterExpression)
		}
		out, err := x.db.Query(ctx, &in)
		if err != nil {
			return err
		}
		pg.add(p, out, countOnly)
		if out.LastEvaluatedKey != nil {
			pg.next = &resumeAt{Partition: i, Key: out.LastEvaluatedKey}
			return nil
		}
		if remaining > 0 {
			if remaining -= int64(out.ScannedCount); remaining <= 0 {
				if i+1 < len(p.Partitions) {
					pg.next = &resumeAt{Partition: i + 1}
				}
				return nil
			}
		}
	}
	return nil
}

// add adds a Query or Scan result to the page: the plan's local filter and
// projection, then the flattening of nested projections.
func (pg *page) add(p *Plan, out *engine.QueryOutput, countOnly bool) {
	addCapacity(&pg.capacity, out.ConsumedCapacity)
	pg.scanned += out.ScannedCount
	if p.filter == nil {
		pg.count += out.Count
		if !countOnly {
			for _, it := range out.Items {
				pg.items = append(pg.items, p.flatten.flatten(it))
			}
		}
		return
	}
	for _, it := range out.Items {
		if !p.filter.Eval(it) {
			continue
		}
		pg.count++
		if countOnly {
			continue
		}
		if p.project != nil {
			it = p.project.Apply(it)
		}
		pg.items = append(pg.items, p.flatten.flatten(it))
	}
}

// usedNames keeps the ExpressionAttributeNames the given expressions use,
// for a count-only request that drops the projection.
func usedNames(names map[string]string, exprs ...*string) map[string]string {
	var out map[string]string
	for ph, n := range names {
		for _, e := range exprs {
			if e != nil && containsPlaceholder(*e, ph) {
				if out == nil {
					out = map[string]string{}
				}
				out[ph] = n
				break
			}
		}
	}
	return out
}

// containsPlaceholder reports whether text uses placeholder ph (#n1 is not
// used by a text holding only #n10).
func containsPlaceholder(text, ph string) bool {
	for i := 0; i+len(ph) <= len(text); i++ {
		if text[i:i+len(ph)] != ph {
			continue
		}
		end := i + len(ph)
		if end == len(text) || !isIdentPart(text[end]) {
			return true
		}
	}
	return false
}

// executeWrite plans and runs an INSERT, UPDATE or DELETE.
func (x *Executor) executeWrite(ctx context.Context, stmt Statement, in *ExecuteStatementInput) (*ExecuteStatementOutput, *engine.ConsumedCapacity, error) {
	p, err := x.planWrite(ctx, stmt, in.Parameters, in.ReturnValuesOnConditionCheckFailure)
	if err != nil {
		return nil, nil, err
	}
	item, consumed, err := x.runWrite(ctx, p, engineCapacity(in.ReturnConsumedCapacity))
	if err != nil {
		return nil, consumed, err
	}
	out := &ExecuteStatementOutput{Items: []attr.Item{}, Operation: p.Operation}
	if len(item) > 0 {
		out.Items = append(out.Items, item)
	}
	return out, consumed, nil
}

// runWrite runs a write plan's PutItem, UpdateItem or DeleteItem and returns
// what RETURNING asked for.
func (x *Executor) runWrite(ctx context.Context, p *Plan, capMode string) (attr.Item, *engine.ConsumedCapacity, error) {
	switch {
	case p.put != nil:
		in := *p.put
		in.ReturnConsumedCapacity = capMode
		out, err := x.db.PutItem(ctx, &in)
		if err != nil {
			return nil, nil, duplicateItem(err)
		}
		return nil, out.ConsumedCapacity, nil
	case p.update != nil:
		in := *p.update
		in.ReturnConsumedCapacity = capMode
		out, err := x.db.UpdateItem(ctx, &in)
		if err != nil {
			return nil, nil, err
		}
		return out.Attributes, out.ConsumedCapacity, nil
	case p.del != nil:
		in := *p.del
		in.ReturnConsumedCapacity = capMode
		out, err := x.db.DeleteItem(ctx, &in)
		if err != nil {
			return nil, nil, err
		}
		return out.Attributes, out.ConsumedCapacity, nil
	}
	return nil, nil, engine.Validationf(msgExistsOnly)
}

// duplicateItem turns the failed attribute_not_exists of an INSERT into the
// service's DuplicateItemException.
func duplicateItem(err error) error {
	var api *engine.APIError
	if errors.As(err, &api) && api.Code == engine.CodeConditionalCheckFailed {
		return &engine.APIError{Code: engine.CodeDuplicateItem, Message: msgDuplicateItem, Item: api.Item}
	}
	return err
}
