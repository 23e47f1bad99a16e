package partiql

import (
	"context"
	"errors"
	"strings"

	"dynalab/engine"
)

// ExecuteTransaction runs up to 100 statements atomically, as the
// service's ExecuteTransaction does: SELECTs of single items become one
// TransactGetItems; INSERT, UPDATE, DELETE and EXISTS one
// TransactWriteItems (Put with attribute_not_exists, Update with
// attribute_exists, Delete, ConditionCheck). Reads and writes cannot be
// mixed, except that EXISTS checks accompany writes.
func (x *Executor) ExecuteTransaction(ctx context.Context, in *ExecuteTransactionInput) (*ExecuteTransactionOutput, error) {
	out, _, err := x.executeTransaction(ctx, in)
	return out, err
}

func (x *Executor) executeTransaction(ctx context.Context, in *ExecuteTransactionInput) (*ExecuteTransactionOutput, float64, error) {
	if err := in.validate(); err != nil {
		return nil, 0, err
	}
	stmts := make([]Statement, len(in.TransactStatements))
	read := false
	for i, s := range in.TransactStatements {
		stmt, err := x.parse(s.Statement)
		if err != nil {
			return nil, 0, statementError(err)
		}
		if _, ok := stmt.(*Explain); ok {
			return nil, 0, engine.Validationf("%s", WellFormedPrefix+msgExplainOverWire)
		}
		_, isRead := stmt.(*Select)
		if i == 0 {
			read = isRead
		} else if read != isRead {
			return nil, 0, engine.Validationf(msgTxMixed)
		}
		stmts[i] = stmt
	}
	plans := make([]*Plan, len(stmts))
	for i, stmt := range stmts {
		s := in.TransactStatements[i]
		if ParamCount(stmt) != len(s.Parameters) {
			return nil, 0, engine.Validationf(msgParamCount)
		}
		var err error
		switch st := stmt.(type) {
		case *Select:
			plans[i], err = x.planSelect(ctx, st, s.Parameters, true, useTransaction)
		case *Exists:
			plans[i], err = x.planExists(ctx, st, s.Parameters)
			if err == nil {
				plans[i].check.ReturnValuesOnConditionCheckFailure = s.ReturnValuesOnConditionCheckFailure
			}
		case *Update:
			if st.Returning != ReturnNone {
				return nil, 0, engine.Validationf(msgTxReturning)
			}
			plans[i], err = x.planWrite(ctx, st, s.Parameters, s.ReturnValuesOnConditionCheckFailure)
		case *Delete:
			if st.Returning != ReturnNone {
				return nil, 0, engine.Validationf(msgTxReturning)
			}
			plans[i], err = x.planWrite(ctx, st, s.Parameters, s.ReturnValuesOnConditionCheckFailure)
		default:
			plans[i], err = x.planWrite(ctx, st, s.Parameters, s.ReturnValuesOnConditionCheckFailure)
		}
		if err != nil {
			return nil, 0, err
		}
	}
	if read {
		return x.transactGet(ctx, plans, in.ReturnConsumedCapacity)
	}
	return x.transactWrite(ctx, plans, in)
}

// transactGet runs a read transaction.
func (x *Executor) transactGet(ctx context.Context, plans []*Plan, capMode string) (*ExecuteTransactionOutput, float64, error) {
	req := &engine.TransactGetItemsInput{TransactItems: make([]engine.TransactGetItem, len(plans)), ReturnConsumedCapacity: engineCapacity(capMode)}
	for i, p := range plans {
		g := p.get
		req.TransactItems[i].Get = &engine.TransactGet{TableName: g.TableName, Key: g.Key,
			ProjectionExpression: g.ProjectionExpression, ExpressionAttributeNames: g.ExpressionAttributeNames}
	}
	res, err := x.db.TransactGetItems(ctx, req)
	if err != nil {
		return nil, 0, err
	}
	out := &ExecuteTransactionOutput{Responses: make([]engine.ItemResponse, len(plans))}
	for i, r := range res.Responses {
		if r.Item != nil {
			out.Responses[i].Item = plans[i].flatten.flatten(r.Item)
		}
	}
	return out, x.finishCapacity(&out.ConsumedCapacity, res.ConsumedCapacity, capMode), nil
}

// transactWrite runs a write transaction.
func (x *Executor) transactWrite(ctx context.Context, plans []*Plan, in *ExecuteTransactionInput) (*ExecuteTransactionOutput, float64, error) {
	req := &engine.TransactWriteItemsInput{TransactItems: make([]engine.TransactWriteItem, len(plans)),
		ClientRequestToken: in.ClientRequestToken, ReturnConsumedCapacity: engineCapacity(in.ReturnConsumedCapacity)}
	for i, p := range plans {
		it := &req.TransactItems[i]
		switch {
		case p.check != nil:
			it.ConditionCheck = p.check
		case p.put != nil:
			u := p.put
			it.Put = &engine.TransactPut{TableName: u.TableName, Item: u.Item, ConditionExpression: u.ConditionExpression,
				ExpressionAttributeNames: u.ExpressionAttributeNames, ExpressionAttributeValues: u.ExpressionAttributeValues,
				ReturnValuesOnConditionCheckFailure: u.ReturnValuesOnConditionCheckFailure}
		case p.update != nil:
			u := p.update
			it.Update = &engine.TransactUpdate{TableName: u.TableName, Key: u.Key, UpdateExpression: u.UpdateExpression,
				ConditionExpression: u.ConditionExpression, ExpressionAttributeNames: u.ExpressionAttributeNames,
				ExpressionAttributeValues: u.ExpressionAttributeValues, ReturnValuesOnConditionCheckFailure: u.ReturnValuesOnConditionCheckFailure}
		case p.del != nil:
			u := p.del
			it.Delete = &engine.TransactDelete{TableName: u.TableName, Key: u.Key, ConditionExpression: u.ConditionExpression,
				ExpressionAttributeNames: u.ExpressionAttributeNames, ExpressionAttributeValues: u.ExpressionAttributeValues,
				ReturnValuesOnConditionCheckFailure: u.ReturnValuesOnConditionCheckFailure}
		}
	}
	res, err := x.db.TransactWriteItems(ctx, req)
	if err != nil {
		return nil, 0, duplicateReasons(err, plans)
	}
	out := &ExecuteTransactionOutput{Responses: []engine.ItemResponse{}}
	return out, x.finishCapacity(&out.ConsumedCapacity, res.ConsumedCapacity, in.ReturnConsumedCapacity), nil
}

// finishCapacity sets the response's ConsumedCapacity when the client asked
// for it, and returns the units consumed.
func (x *Executor) finishCapacity(dst *[]engine.ConsumedCapacity, got []engine.ConsumedCapacity, mode string) float64 {
	units := 0.0
	for _, c := range got {
		units += c.CapacityUnits
	}
	if wantCapacity(mode) {
		*dst = got
	}
	return units
}

// duplicateReasons rewords a cancelled transaction: the failed
// attribute_not_exists of an INSERT is a DuplicateItem, as expected of the
// service (Developer Guide, PartiQL INSERT; DuplicateItem in the API
// model's BatchStatementErrorCodeEnum; unverified: DynamoDB Local says
// ValidationError).
func duplicateReasons(err error, plans []*Plan) error {
	var api *engine.APIError
	if !errors.As(err, &api) || api.Code != engine.CodeTransactionCanceled || len(api.CancellationReasons) != len(plans) {
		return err
	}
	reasons := make([]engine.CancellationReason, len(api.CancellationReasons))
	codes := make([]string, len(reasons))
	for i, r := range api.CancellationReasons {
		if plans[i].put != nil && r.Code == "ConditionalCheckFailed" {
			r = engine.CancellationReason{Code: "DuplicateItem", Message: msgDuplicateItem, Item: r.Item}
		}
		reasons[i], codes[i] = r, r.Code
	}
	return &engine.APIError{Code: api.Code, CancellationReasons: reasons,
		Message: "Transaction cancelled, please refer cancellation reasons for specific reasons [" + strings.Join(codes, ", ") + "]"}
}
