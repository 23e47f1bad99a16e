package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"dynalab/engine/attr"
	"dynalab/engine/internal/store"
)

// PutItemInput is the PutItem request.
type PutItemInput struct {
	TableName                           string            `json:"TableName"`
	Item                                attr.Item         `json:"Item"`
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

// PutItemOutput is the PutItem response.
type PutItemOutput struct {
	Attributes            attr.Item              `json:"Attributes,omitempty"`
	ConsumedCapacity      *ConsumedCapacity      `json:"ConsumedCapacity,omitempty"`
	ItemCollectionMetrics *ItemCollectionMetrics `json:"ItemCollectionMetrics,omitempty"`
}

// writeCommon holds the members PutItem, UpdateItem and DeleteItem share.
type writeCommon struct {
	table, returnValues, onFailure, capacity, metrics string
}

// check applies the shared constraints in the service's member order.
func (w writeCommon) check(c *constraints) {
	c.tableName(w.table, "tableName")
	c.enum(w.returnValues, "returnValues", ReturnNone, ReturnAllOld, ReturnUpdatedOld, ReturnAllNew, ReturnUpdatedNew)
	c.enum(w.onFailure, "returnValuesOnConditionCheckFailure", ReturnAllOld, ReturnNone)
	c.enum(w.capacity, "returnConsumedCapacity", CapacityIndexes, CapacityTotal, CapacityNone)
	c.enum(w.metrics, "returnItemCollectionMetrics", "SIZE", "NONE")
}

// conditionalWrite is what PutItem and DeleteItem check alike before
// they touch the table: the item or key member, the shared parameters,
// and the condition (legacy Expected, or ConditionExpression with its
// placeholders).
type conditionalWrite struct {
	present   bool   // the Item (PutItem) or Key (DeleteItem) is given
	member    string // its name in constraint messages
	common    writeCommon
	expected  json.RawMessage
	condOp    string
	condition *string
	names     map[string]string
	values    Values
}

// checkConditionalWrite validates w in the service's order and returns
// its condition.
func (db *DB) checkConditionalWrite(w conditionalWrite) (condition, error) {
	var c constraints
	c.notNull(w.present, w.member)
	w.common.check(&c)
	lg, err := parseLegacy(&c, legacyIn{expected: w.expected, condOp: w.condOp, condition: w.condition != nil})
	if err != nil {
		return condition{}, err
	}
	if err := c.err(); err != nil {
		return condition{}, err
	}
	if rv := w.common.returnValues; rv != "" && rv != ReturnNone && rv != ReturnAllOld {
		return condition{}, validationError("ReturnValues can only be ALL_OLD or NONE")
	}
	if err := lg.check(); err != nil {
		return condition{}, err
	}
	ex, err := db.newExprContext(w.names, w.values, exprPresence{
		names: w.condition != nil, values: w.condition != nil, valuesNull: "ConditionExpression is null",
	})
	if err != nil {
		return condition{}, err
	}
	cond, err := lg.condition(ex, "ConditionExpression", w.condition)
	if err != nil {
		return condition{}, err
	}
	return cond, ex.done()
}

// PutItem writes a whole item, replacing any item with the same key.
func (db *DB) PutItem(ctx context.Context, in *PutItemInput) (*PutItemOutput, error) {
	start := time.Now()
	cond, err := db.checkConditionalWrite(conditionalWrite{
		present: in.Item != nil, member: "item",
		common:   writeCommon{in.TableName, in.ReturnValues, in.ReturnValuesOnConditionCheckFailure, in.ReturnConsumedCapacity, in.ReturnItemCollectionMetrics},
		expected: in.Expected, condOp: in.ConditionalOperator, condition: in.ConditionExpression,
		names: in.ExpressionAttributeNames, values: in.ExpressionAttributeValues,
	})
	if err != nil {
		return nil, err
	}
	if err := checkItemStructure(in.Item); err != nil {
		return nil, err
	}
	out := &PutItemOutput{}
	err = db.readTable(in.TableName, func(t *table) error {
		if in.Item.Size() > attr.MaxItemSize {
			return validationError("Item size has exceeded the maximum allowed size")
		}
		if err := t.checkItem(in.Item); err != nil {
			return err
		}
		pk := in.Item[t.hashName]
		if err := t.meter.admit(true, pk); err != nil {
			return err
		}
		key := t.storageKey(in.Item)
		var old attr.Item
		oldSize := 0
		// Without a condition or old values to return, a table whose
		// writes need nothing of the old item but its size writes blind.
		blind := cond.c == nil && in.ReturnValues != ReturnAllOld
		size := in.Item.Size()
		err := db.store.Update(func(tx *store.Tx) error {
			var err error
			if t.writesNeedOld() {
				if old, err = readItem(tx, key); err != nil {
					return err
				}
				oldSize = old.Size()
				if !cond.eval(old) {
					return conditionFailed(old, in.ReturnValuesOnConditionCheckFailure)
				}
				return t.writeItem(tx, key, old, in.Item)
			}
			if blind {
				oldSize, err = t.overwriteItem(tx, key, in.Item, size)
				return err
			}
			// Write first and judge the condition on the item replaced: one
			// btree walk; a failed condition rolls the write back.
			r, err := replace(tx, key, in.Item, size)
			if err == nil {
				old, err = r.old()
			}
			if err != nil {
				return err
			}
			oldSize = old.Size()
			if !cond.eval(old) {
				return conditionFailed(old, in.ReturnValuesOnConditionCheckFailure)
			}
			_, err = t.recordReplacement(tx, key, in.Item, &r)
			return err
		})
		units := writeUnits(max(size, oldSize))
		if err != nil {
			t.meter.chargeFailed(err, true, pk, units)
			return wrapWrite(err, "put item into", t)
		}
		t.meter.use(opPutItem, true, pk, units, start, 0)
		if in.ReturnValues == ReturnAllOld && old != nil {
			out.Attributes = old
		}
		out.ConsumedCapacity = t.writeConsumed(ctx, in.ReturnConsumedCapacity, in.TableName, units, old, in.Item)
		out.ItemCollectionMetrics = db.itemCollectionMetrics(t, in.ReturnItemCollectionMetrics, pk)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// conditionFailed is the ConditionalCheckFailedException for a failed
// condition, carrying the old item when the request asked for it.
func conditionFailed(old attr.Item, onFailure string) error {
	if onFailure == ReturnAllOld && old != nil {
		return errConditionFailed(old)
	}
	return errConditionFailed(nil)
}

// wrapWrite passes client errors through and gives storage errors context.
func wrapWrite(err error, verb string, t *table) error {
	if _, ok := err.(*APIError); ok {
		return err
	}
	return fmt.Errorf("%s %s: %w", verb, t.meta.Name, err)
}
