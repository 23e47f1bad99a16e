package engine

import (
	"context"
	"encoding/json"
	"time"

	"dynalab/engine/attr"
	"dynalab/engine/internal/store"
)

// DeleteItemInput is the DeleteItem request.
type DeleteItemInput struct {
	TableName                           string            `json:"TableName"`
	Key                                 attr.Item         `json:"Key"`
	ConditionExpression                 *string           `json:"ConditionExpression,omitempty"`
	ExpressionAttributeNames            map[string]string `json:"ExpressionAttributeNames,omitempty"`
	ExpressionAttributeValues           Values            `json:"ExpressionAttributeValues,omitempty"`
	ReturnValues                        string            `json:"ReturnValues,omitempty"`
	ReturnValuesOnConditionCheckFailure string            `json:"ReturnValuesOnConditionCheckFailure,omitempty"`
	ReturnConsumedCapacity              string            `json:"ReturnConsumedCapacity,omitempty"`
	ReturnItemCollectionMetrics         string            `json:"ReturnItemCollectionMetrics,omitempty"`
	Expected                            json.RawMessage   `json:"Expected,omitempty"`
	ConditionalOperator                 string            `json:"ConditionalOperator,omitempty"`
}

// DeleteItemOutput is the DeleteItem response.
type DeleteItemOutput struct {
	Attributes            attr.Item              `json:"Attributes,omitempty"`
	ConsumedCapacity      *ConsumedCapacity      `json:"ConsumedCapacity,omitempty"`
	ItemCollectionMetrics *ItemCollectionMetrics `json:"ItemCollectionMetrics,omitempty"`
}

// DeleteItem deletes one item by its key; deleting a missing item succeeds.
func (db *DB) DeleteItem(ctx context.Context, in *DeleteItemInput) (*DeleteItemOutput, error) {
	start := time.Now()
	cond, err := db.checkConditionalWrite(conditionalWrite{
		present: in.Key != nil, member: "key",
		common:   writeCommon{in.TableName, in.ReturnValues, in.ReturnValuesOnConditionCheckFailure, in.ReturnConsumedCapacity, in.ReturnItemCollectionMetrics},
		expected: in.Expected, condOp: in.ConditionalOperator, condition: in.ConditionExpression,
		names: in.ExpressionAttributeNames, values: in.ExpressionAttributeValues,
	})
	if err != nil {
		return nil, err
	}
	out := &DeleteItemOutput{}
	err = db.readTable(in.TableName, func(t *table) error {
		if err := t.checkKey(in.Key); err != nil {
			return err
		}
		pk := in.Key[t.hashName]
		if err := t.meter.admit(true, pk); err != nil {
			return err
		}
		key := t.storageKey(in.Key)
		var old attr.Item
		err := db.store.Update(func(tx *store.Tx) error {
			var err error
			if old, err = readItem(tx, key); err != nil {
				return err
			}
			if !cond.eval(old) {
				return conditionFailed(old, in.ReturnValuesOnConditionCheckFailure)
			}
			if old == nil {
				return nil
			}
			return t.deleteItem(tx, key, old)
		})
		units := writeUnits(old.Size())
		if err != nil {
			t.meter.chargeFailed(err, true, pk, units)
			return wrapWrite(err, "delete item from", t)
		}
		t.meter.use(opDeleteItem, true, pk, units, start, 0)
		if in.ReturnValues == ReturnAllOld && old != nil {
			out.Attributes = old
		}
		out.ConsumedCapacity = t.writeConsumed(ctx, in.ReturnConsumedCapacity, in.TableName, units, old, nil)
		out.ItemCollectionMetrics = db.itemCollectionMetrics(t, in.ReturnItemCollectionMetrics, pk)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
