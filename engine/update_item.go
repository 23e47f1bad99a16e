package engine

import (
	"context"
	"encoding/json"
	"time"

	"dynalab/engine/attr"
	"dynalab/engine/internal/store"
)

// UpdateItemInput is the UpdateItem request.
type UpdateItemInput struct {
	TableName                           string            `json:"TableName"`
	Key                                 attr.Item         `json:"Key"`
	UpdateExpression                    *string           `json:"UpdateExpression,omitempty"`
	ConditionExpression                 *string           `json:"ConditionExpression,omitempty"`
	ExpressionAttributeNames            map[string]string `json:"ExpressionAttributeNames,omitempty"`
	ExpressionAttributeValues           Values            `json:"ExpressionAttributeValues,omitempty"`
	ReturnValues                        string            `json:"ReturnValues,omitempty"`
	ReturnValuesOnConditionCheckFailure string            `json:"ReturnValuesOnConditionCheckFailure,omitempty"`
	ReturnConsumedCapacity              string            `json:"ReturnConsumedCapacity,omitempty"`
	ReturnItemCollectionMetrics         string            `json:"ReturnItemCollectionMetrics,omitempty"`
	AttributeUpdates                    json.RawMessage   `json:"AttributeUpdates,omitempty"`
	Expected                            json.RawMessage   `json:"Expected,omitempty"`
	ConditionalOperator                 string            `json:"ConditionalOperator,omitempty"`
}

// UpdateItemOutput is the UpdateItem response.
type UpdateItemOutput struct {
	Attributes            attr.Item              `json:"Attributes,omitempty"`
	ConsumedCapacity      *ConsumedCapacity      `json:"ConsumedCapacity,omitempty"`
	ItemCollectionMetrics *ItemCollectionMetrics `json:"ItemCollectionMetrics,omitempty"`
}

// UpdateItem edits an item's attributes, creating the item if it does not
// exist and the update sets something.
func (db *DB) UpdateItem(ctx context.Context, in *UpdateItemInput) (*UpdateItemOutput, error) {
	start := time.Now()
	var c constraints
	c.notNull(in.Key != nil, "key")
	writeCommon{in.TableName, in.ReturnValues, in.ReturnValuesOnConditionCheckFailure, in.ReturnConsumedCapacity, in.ReturnItemCollectionMetrics}.check(&c)
	lg, err := parseLegacy(&c, legacyIn{attributeUpdates: in.AttributeUpdates, expected: in.Expected, condOp: in.ConditionalOperator,
		update: in.UpdateExpression != nil, condition: in.ConditionExpression != nil})
	if err != nil {
		return nil, err
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	if err := lg.check(); err != nil {
		return nil, err
	}
	anyExpr := in.UpdateExpression != nil || in.ConditionExpression != nil
	ex, err := db.newExprContext(in.ExpressionAttributeNames, in.ExpressionAttributeValues, exprPresence{
		names: anyExpr, values: anyExpr, valuesNull: "UpdateExpression and ConditionExpression are null",
	})
	if err != nil {
		return nil, err
	}
	upd, err := lg.update(ex, in.UpdateExpression)
	if err != nil {
		return nil, err
	}
	cond, err := lg.condition(ex, "ConditionExpression", in.ConditionExpression)
	if err != nil {
		return nil, err
	}
	if err := ex.done(); err != nil {
		return nil, err
	}
	out := &UpdateItemOutput{}
	err = db.readTable(in.TableName, func(t *table) error {
		if err := t.checkKey(in.Key); err != nil {
			return err
		}
		if err := upd.checkKeyTargets(t); err != nil {
			return err
		}
		pk := in.Key[t.hashName]
		if err := t.meter.admit(true, pk); err != nil {
			return err
		}
		key := t.storageKey(in.Key)
		var old, item attr.Item
		err := db.store.Update(func(tx *store.Tx) error {
			var err error
			if old, err = readItem(tx, key); err != nil {
				return err
			}
			if !cond.eval(old) {
				return conditionFailed(old, in.ReturnValuesOnConditionCheckFailure)
			}
			if item, err = upd.apply(old, in.Key); err != nil {
				return err
			}
			if item == nil { // nothing to create
				return nil
			}
			if err := checkItemShape(item, "Item size to update has exceeded the maximum allowed size"); err != nil {
				return err
			}
			if err := t.checkUpdatedIndexValues(item); err != nil {
				return err
			}
			return t.writeItem(tx, key, old, item)
		})
		units := writeUnits(max(old.Size(), item.Size()))
		if err != nil {
			t.meter.chargeFailed(err, true, pk, units)
			return wrapWrite(err, "update item in", t)
		}
		t.meter.use(opUpdateItem, true, pk, units, start, 0)
		out.Attributes = upd.returnValues(in.ReturnValues, old, item)
		out.ConsumedCapacity = t.writeConsumed(ctx, in.ReturnConsumedCapacity, in.TableName, units, old, item)
		out.ItemCollectionMetrics = db.itemCollectionMetrics(t, in.ReturnItemCollectionMetrics, pk)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
