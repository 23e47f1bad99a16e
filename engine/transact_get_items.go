package engine

import (
	"context"
	"fmt"
	"time"

	"dynalab/engine/attr"
	"dynalab/engine/internal/store"
)

// TransactGetItemsInput is the TransactGetItems request.
type TransactGetItemsInput struct {
	TransactItems          []TransactGetItem `json:"TransactItems"`
	ReturnConsumedCapacity string            `json:"ReturnConsumedCapacity,omitempty"`
}

// TransactGetItem is one read of a TransactGetItems.
type TransactGetItem struct {
	Get *TransactGet `json:"Get"`
}

// TransactGet reads one item.
type TransactGet struct {
	TableName                string            `json:"TableName"`
	Key                      attr.Item         `json:"Key"`
	ProjectionExpression     *string           `json:"ProjectionExpression,omitempty"`
	ExpressionAttributeNames map[string]string `json:"ExpressionAttributeNames,omitempty"`
}

// ItemResponse is one item of a TransactGetItems response; Item is absent
// when no item has the key.
type ItemResponse struct {
	Item attr.Item `json:"Item,omitzero"`
}

// TransactGetItemsOutput is the TransactGetItems response.
type TransactGetItemsOutput struct {
	Responses        []ItemResponse     `json:"Responses"`
	ConsumedCapacity []ConsumedCapacity `json:"ConsumedCapacity,omitempty"`
}

// TransactGetItems reads up to 100 items from one consistent snapshot.
func (db *DB) TransactGetItems(ctx context.Context, in *TransactGetItemsInput) (*TransactGetItemsOutput, error) {
	start := time.Now()
	var c constraints
	c.notNull(in.TransactItems != nil, "transactItems")
	if in.TransactItems != nil && len(in.TransactItems) < 1 {
		c.add("'[]'", "transactItems", "Member must have length greater than or equal to 1")
	}
	if len(in.TransactItems) > maxTransactItems {
		c.add("'[...]'", "transactItems", "Member must have length less than or equal to 100")
	}
	c.enum(in.ReturnConsumedCapacity, "returnConsumedCapacity", CapacityIndexes, CapacityTotal, CapacityNone)
	for i, it := range in.TransactItems {
		c.notNull(it.Get != nil, fmt.Sprintf("transactItems.%d.member.get", i+1))
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	projections := make([]projector, len(in.TransactItems))
	tableSet := map[string]bool{}
	for i, it := range in.TransactItems {
		g := it.Get
		ex, err := db.newExprContext(g.ExpressionAttributeNames, nil, exprPresence{names: g.ProjectionExpression != nil})
		if err != nil {
			return nil, err
		}
		if projections[i], err = ex.projection(g.ProjectionExpression, nil); err != nil {
			return nil, err
		}
		if err := ex.done(); err != nil {
			return nil, err
		}
		tableSet[tableNameFromARN(g.TableName)] = true
	}
	names := sortedKeys(tableSet)
	out := &TransactGetItemsOutput{Responses: make([]ItemResponse, len(in.TransactItems))}
	err := db.withTables(names, func(tables map[string]*table) error {
		keys := make([]string, len(in.TransactItems))
		seen := map[string]bool{}
		for i, it := range in.TransactItems {
			t := tables[tableNameFromARN(it.Get.TableName)]
			if err := t.checkKey(it.Get.Key); err != nil {
				return actionError(err, i, len(in.TransactItems))
			}
			keys[i] = t.storageKey(it.Get.Key)
			if seen[keys[i]] {
				return validationError("Transaction request cannot include multiple operations on one item")
			}
			seen[keys[i]] = true
		}
		units := map[string]float64{}
		reasons := make([]CancellationReason, len(in.TransactItems))
		failed := false
		items := make([]attr.Item, len(in.TransactItems))
		err := db.store.View(func(tx *store.Tx) error {
			total := 0
			for i := range in.TransactItems {
				var err error
				if items[i], err = readItem(tx, keys[i]); err != nil {
					return err
				}
				// Refused before any capacity is taken.
				if total += items[i].Size(); total > maxTransactBytes {
					return validationError(msgTransactTooLarge)
				}
			}
			return nil
		})
		if err == nil {
			for i, it := range in.TransactItems {
				reasons[i].Code = "None"
				item := items[i]
				t := tables[tableNameFromARN(it.Get.TableName)]
				u := 2 * readUnits(item.Size(), true)
				units[t.meta.Name] += u
				if err := t.meter.take(false, it.Get.Key[t.hashName], u); err != nil {
					reasons[i] = throttledReason(err)
					failed = true
				}
				if item != nil {
					out.Responses[i].Item = projections[i].apply(item)
				}
			}
		}
		if err != nil {
			return fmt.Errorf("transact get: %w", err)
		}
		if failed {
			return transactionCanceled(reasons)
		}
		for _, name := range names {
			tables[name].meter.request(opTransactGetItems, start, 0, 0)
		}
		out.ConsumedCapacity = consumedList(ctx, in.ReturnConsumedCapacity, names, units, true)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
