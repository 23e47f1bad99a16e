package partiql

import (
	"context"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// planWrite plans an INSERT, UPDATE or DELETE: one PutItem, UpdateItem or
// DeleteItem with generated expressions. onFailure is the request's
// ReturnValuesOnConditionCheckFailure.
func (x *Executor) planWrite(ctx context.Context, stmt Statement, params []attr.Value, onFailure string) (*Plan, error) {
	switch s := stmt.(type) {
	case *Insert:
		return x.planInsert(ctx, s, params, onFailure)
	case *Update:
		return x.planUpdate(ctx, s, params, onFailure)
	case *Delete:
		return x.planDelete(ctx, s, params, onFailure)
	}
	return nil, engine.Validationf("%s", WellFormedPrefix+msgExplainOverWire)
}

// planInsert: PutItem with attribute_not_exists on the partition key, so
// that an existing item is a DuplicateItemException rather than replaced.
func (x *Executor) planInsert(ctx context.Context, s *Insert, params []attr.Value, onFailure string) (*Plan, error) {
	item := make(attr.Item, len(s.Item))
	for _, f := range s.Item {
		v, _, err := constValue(f.Value, params, "root")
		if err != nil {
			return nil, err
		}
		item[f.Name] = v
	}
	schema, err := x.Schema(ctx, s.Table.Table, false)
	if err != nil {
		return nil, err
	}
	ks := schema.Key
	for _, n := range ks.Names() {
		v, ok := item[n]
		if !ok {
			return nil, engine.Validationf(msgKeyInItem, n)
		}
		if v.Type() != ks.typeOf(n) {
			return nil, engine.Validationf(msgKeySchemaType, n)
		}
	}
	p := newWritePlan(s, OperationPutItem, schema)
	p.Key = attr.Item{}
	for _, n := range ks.Names() {
		p.Key[n] = item[n]
	}
	b := newBuilder(params)
	cond := "attribute_not_exists(" + b.name(ks.Hash.Name) + ")"
	names, _ := b.placeholders()
	p.put = &engine.PutItemInput{TableName: p.Table, Item: item, ConditionExpression: &cond,
		ExpressionAttributeNames: names, ReturnValuesOnConditionCheckFailure: onFailure,
		ReturnConsumedCapacity: engine.CapacityTotal}
	p.Expressions = Expressions{Condition: cond, Names: names}
	return p, nil
}

// planUpdate: UpdateItem on the item the WHERE clause's key equalities
// name, on condition that it exists (attribute_exists on the partition
// key) and that the rest of the WHERE clause holds.
func (x *Executor) planUpdate(ctx context.Context, s *Update, params []attr.Value, onFailure string) (*Plan, error) {
	b := newBuilder(params)
	update, err := b.update(s.Actions)
	if err != nil {
		return nil, err
	}
	if s.Where == nil {
		return nil, engine.Validationf(msgNoKeyEquality)
	}
	schema, err := x.Schema(ctx, s.Table.Table, false)
	if err != nil {
		return nil, err
	}
	p := newWritePlan(s, OperationUpdateItem, schema)
	if p.Key, p.Filter, err = extractItemKey(s.Where, schema.Key, params, extractDML); err != nil {
		return nil, err
	}
	if err := checkKeyTypes(p.Key, schema.Key, false); err != nil {
		return nil, err
	}
	cond, err := existsAnd(b, schema.Key.Hash.Name, p.Filter)
	if err != nil {
		return nil, err
	}
	p.Returning = s.Returning
	in := &engine.UpdateItemInput{TableName: p.Table, Key: p.Key, UpdateExpression: &update,
		ConditionExpression: &cond, ReturnValuesOnConditionCheckFailure: onFailure,
		ReturnConsumedCapacity: engine.CapacityTotal}
	if s.Returning != ReturnNone {
		in.ReturnValues = s.Returning.String()
	}
	in.ExpressionAttributeNames, in.ExpressionAttributeValues = b.placeholders()
	p.update = in
	p.Expressions = Expressions{Update: update, Condition: cond, Names: in.ExpressionAttributeNames, Values: in.ExpressionAttributeValues}
	return p, nil
}

// existsAnd writes attribute_exists(<pk>) AND the rest of a condition.
func existsAnd(b *exprBuilder, hash string, rest []Expr) (string, error) {
	b.str("attribute_exists(" + b.name(hash) + ")")
	for _, c := range rest {
		b.str(" AND ")
		if err := b.conditionOperand(c, precAnd); err != nil {
			return "", err
		}
	}
	return b.take(), nil
}

// planDelete: DeleteItem on the item the WHERE clause's key equalities
// name, on condition that the rest of the WHERE clause holds (against an
// empty item when there is none).
func (x *Executor) planDelete(ctx context.Context, s *Delete, params []attr.Value, onFailure string) (*Plan, error) {
	if s.Where == nil {
		return nil, engine.Validationf(msgNoKeyEquality)
	}
	schema, err := x.Schema(ctx, s.Table.Table, false)
	if err != nil {
		return nil, err
	}
	p := newWritePlan(s, OperationDeleteItem, schema)
	if p.Key, p.Filter, err = extractItemKey(s.Where, schema.Key, params, extractDML); err != nil {
		return nil, err
	}
	if err := checkKeyTypes(p.Key, schema.Key, false); err != nil {
		return nil, err
	}
	b := newBuilder(params)
	cond, err := b.conjunction(p.Filter)
	if err != nil {
		return nil, err
	}
	p.Returning = s.Returning
	in := &engine.DeleteItemInput{TableName: p.Table, Key: p.Key, ConditionExpression: cond,
		ReturnValuesOnConditionCheckFailure: onFailure, ReturnConsumedCapacity: engine.CapacityTotal}
	if s.Returning != ReturnNone {
		in.ReturnValues = s.Returning.String()
	}
	in.ExpressionAttributeNames, in.ExpressionAttributeValues = b.placeholders()
	p.del = in
	p.Expressions = Expressions{Condition: deref(cond), Names: in.ExpressionAttributeNames, Values: in.ExpressionAttributeValues}
	return p, nil
}

// planExists plans EXISTS(SELECT ...) of a write transaction: a
// ConditionCheck that the item exists and satisfies the rest of the WHERE
// clause.
func (x *Executor) planExists(ctx context.Context, s *Exists, params []attr.Value) (*Plan, error) {
	sel := s.Select
	if sel.From.Index != "" {
		return nil, engine.Validationf(msgTxIndexOp)
	}
	if sel.Where == nil {
		return nil, engine.Validationf(msgExistsShape)
	}
	schema, err := x.Schema(ctx, sel.From.Table, false)
	if err != nil {
		return nil, err
	}
	p := newWritePlan(s, OperationConditionCheck, schema)
	if p.Key, p.Filter, err = extractItemKey(sel.Where, schema.Key, params, extractExists); err != nil {
		return nil, err
	}
	if len(p.Filter) == 0 {
		return nil, engine.Validationf(msgExistsShape)
	}
	if err := checkKeyTypes(p.Key, schema.Key, true); err != nil {
		return nil, err
	}
	b := newBuilder(params)
	cond, err := existsAnd(b, schema.Key.Hash.Name, p.Filter)
	if err != nil {
		return nil, err
	}
	p.check = &engine.TransactCondition{TableName: p.Table, Key: p.Key, ConditionExpression: &cond}
	p.check.ExpressionAttributeNames, p.check.ExpressionAttributeValues = b.placeholders()
	p.Expressions = Expressions{Condition: cond, Names: p.check.ExpressionAttributeNames, Values: p.check.ExpressionAttributeValues}
	return p, nil
}

func newWritePlan(s Statement, op Operation, schema *Schema) *Plan {
	names := schema.Key.Names()
	return &Plan{Statement: s, Operation: op, Table: schema.Table, KeyAttributes: names, keyNames: names}
}
