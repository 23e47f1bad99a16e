package partiql

import (
	"context"
	"errors"
	"slices"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// BatchExecuteStatement runs up to 25 statements, all reads or all writes,
// each on its own (not atomically), as the service's BatchExecuteStatement
// does. A statement that fails has an Error in its response; the request
// fails as a whole only for request-level problems (mixed reads and
// writes, two statements on one item, constraints).
func (x *Executor) BatchExecuteStatement(ctx context.Context, in *BatchExecuteStatementInput) (*BatchExecuteStatementOutput, error) {
	out, _, err := x.batchExecute(ctx, in)
	return out, err
}

// batchEntry is one statement of a batch on its way through.
type batchEntry struct {
	stmt Statement
	plan *Plan
	err  error // the statement's own failure
}

func (x *Executor) batchExecute(ctx context.Context, in *BatchExecuteStatementInput) (*BatchExecuteStatementOutput, float64, error) {
	if err := in.validate(); err != nil {
		return nil, 0, err
	}
	entries := make([]batchEntry, len(in.Statements))
	reads, writes := false, false
	for i, s := range in.Statements {
		stmt, err := x.parse(s.Statement)
		switch stmt.(type) {
		case nil:
			entries[i].err = statementError(err)
			continue
		case *Exists:
			entries[i].err = engine.Validationf(msgExistsOnly)
			continue
		case *Explain:
			entries[i].err = engine.Validationf("%s", WellFormedPrefix+msgExplainOverWire)
			continue
		case *Select:
			reads = true
		default:
			writes = true
		}
		if reads && writes {
			return nil, 0, engine.Validationf(msgBatchMixed)
		}
		entries[i].stmt = stmt
	}
	var keys []string
	for i := range entries {
		e, s := &entries[i], in.Statements[i]
		if e.stmt == nil {
			continue
		}
		if ParamCount(e.stmt) != len(s.Parameters) {
			e.err = engine.Validationf(msgParamCount)
			continue
		}
		if sel, ok := e.stmt.(*Select); ok {
			e.plan, e.err = x.planSelect(ctx, sel, s.Parameters, s.ConsistentRead, useBatch)
		} else {
			e.plan, e.err = x.planWrite(ctx, e.stmt, s.Parameters, s.ReturnValuesOnConditionCheckFailure)
		}
		if e.err != nil {
			if !isAPIError(e.err) {
				return nil, 0, e.err
			}
			continue
		}
		k := itemIdentity(e.plan.Table, e.plan.Key)
		if slices.Contains(keys, k) {
			return nil, 0, engine.Validationf(msgBatchDuplicates)
		}
		keys = append(keys, k)
	}
	capMode := engineCapacity(in.ReturnConsumedCapacity)
	out := &BatchExecuteStatementOutput{Responses: make([]BatchStatementResponse, len(entries))}
	var capacity capacityList
	for i, e := range entries {
		r := &out.Responses[i]
		if e.err != nil {
			r.Error = batchError(e.err)
			continue
		}
		r.TableName = e.plan.Table
		var consumed *engine.ConsumedCapacity
		var err error
		if e.plan.get != nil {
			var pg *page
			pg, err = x.readPage(ctx, e.plan, nil, resumeAt{}, capMode, false)
			if pg != nil {
				consumed = pg.capacity
				if len(pg.items) > 0 {
					r.Item = pg.items[0]
				}
			}
		} else {
			r.Item, consumed, err = x.runWrite(ctx, e.plan, capMode)
			if len(r.Item) == 0 {
				r.Item = nil
			}
		}
		capacity.add(consumed)
		if err != nil {
			if !isAPIError(err) {
				return nil, 0, err
			}
			r.Error = batchError(err)
		}
	}
	if wantCapacity(in.ReturnConsumedCapacity) {
		out.ConsumedCapacity = capacity.list()
	}
	return out, capacity.units(), nil
}

// itemIdentity names an item: its table and key.
func itemIdentity(table string, key attr.Item) string {
	return table + "\x00" + string(attr.AppendItem(nil, key))
}

func isAPIError(err error) bool {
	var api *engine.APIError
	return errors.As(err, &api)
}

// batchCodes are the per-statement error codes of BatchExecuteStatement
// (BatchStatementErrorCodeEnum) for the exceptions they stand for.
var batchCodes = map[string]string{
	engine.CodeValidation:              "ValidationError",
	engine.CodeConditionalCheckFailed:  "ConditionalCheckFailed",
	engine.CodeResourceNotFound:        "ResourceNotFound",
	engine.CodeDuplicateItem:           "DuplicateItem",
	engine.CodeItemCollectionSizeLimit: "ItemCollectionSizeLimitExceeded",
	engine.CodeRequestLimitExceeded:    "RequestLimitExceeded",
	engine.CodeProvisionedThroughput:   "ProvisionedThroughputExceeded",
	engine.CodeTransactionConflict:     "TransactionConflict",
	engine.CodeThrottling:              "ThrottlingError",
	engine.CodeInternalServerError:     "InternalServerError",
	engine.CodeAccessDenied:            "AccessDenied",
}

// batchError is the Error member for a failed statement of a batch.
func batchError(err error) *BatchStatementError {
	var api *engine.APIError
	if !errors.As(err, &api) {
		return &BatchStatementError{Code: "InternalServerError", Message: "Internal server error"}
	}
	code, ok := batchCodes[api.Code]
	if !ok {
		code = "ValidationError"
	}
	return &BatchStatementError{Code: code, Message: api.Message, Item: api.Item}
}
