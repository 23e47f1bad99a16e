package engine

import (
	"context"
	"fmt"
	"time"

	"dynalab/engine/attr"
	"dynalab/engine/internal/store"
)

// GetItemInput is the GetItem request.
type GetItemInput struct {
	TableName                string            `json:"TableName"`
	Key                      attr.Item         `json:"Key"`
	ProjectionExpression     *string           `json:"ProjectionExpression,omitempty"`
	ExpressionAttributeNames map[string]string `json:"ExpressionAttributeNames,omitempty"`
	AttributesToGet          []string          `json:"AttributesToGet,omitempty"`
	ConsistentRead           bool              `json:"ConsistentRead,omitempty"`
	ReturnConsumedCapacity   string            `json:"ReturnConsumedCapacity,omitempty"`
}

// GetItemOutput is the GetItem response. Item is absent when no item has
// the key, and present (possibly empty) when one does.
type GetItemOutput struct {
	Item             attr.Item         `json:"Item,omitzero"`
	ConsumedCapacity *ConsumedCapacity `json:"ConsumedCapacity,omitempty"`
}

// GetItem reads one item by its primary key.
func (db *DB) GetItem(ctx context.Context, in *GetItemInput) (*GetItemOutput, error) {
	start := time.Now()
	var c constraints
	c.tableName(in.TableName, "tableName")
	c.notNull(in.Key != nil, "key")
	c.enum(in.ReturnConsumedCapacity, "returnConsumedCapacity", CapacityIndexes, CapacityTotal, CapacityNone)
	attributesToGetConstraint(&c, in.AttributesToGet, "attributesToGet")
	if err := c.err(); err != nil {
		return nil, err
	}
	if err := checkProjectionParams(in.AttributesToGet, in.ProjectionExpression); err != nil {
		return nil, err
	}
	ex, err := db.newExprContext(in.ExpressionAttributeNames, nil, exprPresence{names: in.ProjectionExpression != nil})
	if err != nil {
		return nil, err
	}
	proj, err := ex.projection(in.ProjectionExpression, in.AttributesToGet)
	if err != nil {
		return nil, err
	}
	if err := ex.done(); err != nil {
		return nil, err
	}
	out := &GetItemOutput{}
	err = db.readTable(in.TableName, func(t *table) error {
		if err := t.checkKey(in.Key); err != nil {
			return err
		}
		key := t.storageKey(in.Key)
		var item attr.Item
		var size int
		err := db.store.View(func(tx *store.Tx) error {
			var err error
			item, size, err = readItemSize(tx, key)
			return err
		})
		if err != nil {
			return fmt.Errorf("get item from %s: %w", t.meta.Name, err)
		}
		returned := 0
		if item != nil {
			returned = 1
		}
		units := readUnits(size, in.ConsistentRead)
		if err := t.meter.takeRead(opGetItem, in.Key[t.hashName], units, start, returned); err != nil {
			return err
		}
		if item != nil {
			out.Item = proj.apply(item)
		}
		out.ConsumedCapacity = consumed(ctx, in.ReturnConsumedCapacity, in.TableName, units, true)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkProjectionParams applies the rules for AttributesToGet and its
// expression counterpart.
func checkProjectionParams(attrs []string, projection *string) error {
	if attrs != nil && projection != nil {
		return validationError("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}")
	}
	seen := map[string]bool{}
	for _, a := range attrs {
		if seen[a] {
			return invalidParam("Duplicate value in attribute name: %s", a)
		}
		seen[a] = true
	}
	return nil
}
