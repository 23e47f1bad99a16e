package engine

import (
	"context"
	"fmt"
	"time"

	"dynalab/engine/attr"
	"dynalab/engine/internal/store"
)

// BatchGetItemInput is the BatchGetItem request.
type BatchGetItemInput struct {
	RequestItems           map[string]KeysAndAttributes `json:"RequestItems"`
	ReturnConsumedCapacity string                       `json:"ReturnConsumedCapacity,omitempty"`
}

// KeysAndAttributes is one table's part of a BatchGetItem.
type KeysAndAttributes struct {
	Keys                     []attr.Item       `json:"Keys"`
	ProjectionExpression     *string           `json:"ProjectionExpression,omitempty"`
	ExpressionAttributeNames map[string]string `json:"ExpressionAttributeNames,omitempty"`
	AttributesToGet          []string          `json:"AttributesToGet,omitempty"`
	ConsistentRead           bool              `json:"ConsistentRead,omitempty"`
}

// BatchGetItemOutput is the BatchGetItem response.
type BatchGetItemOutput struct {
	Responses        map[string][]attr.Item       `json:"Responses"`
	UnprocessedKeys  map[string]KeysAndAttributes `json:"UnprocessedKeys"`
	ConsumedCapacity []ConsumedCapacity           `json:"ConsumedCapacity,omitempty"`
}

// Batch read limits of the service.
const (
	maxBatchGetKeys      = 100
	maxBatchGetRespBytes = 16 << 20
)

// BatchGetItem reads up to 100 items across tables from one consistent
// snapshot. Keys whose items would push the response past 16 MB are
// returned in UnprocessedKeys, as the service does.
func (db *DB) BatchGetItem(ctx context.Context, in *BatchGetItemInput) (*BatchGetItemOutput, error) {
	start := time.Now()
	names := sortedKeys(in.RequestItems)
	projections, err := db.validateBatchGet(in, names)
	if err != nil {
		return nil, err
	}
	out := &BatchGetItemOutput{Responses: map[string][]attr.Item{}, UnprocessedKeys: map[string]KeysAndAttributes{}}
	err = db.withTables(names, func(tables map[string]*table) error {
		for _, name := range names {
			t := tables[name]
			seen := map[string]bool{}
			for _, k := range in.RequestItems[name].Keys {
				if err := t.checkKey(k); err != nil {
					return err
				}
				sk := t.storageKey(k)
				if seen[sk] {
					return validationError("Provided list of item keys contains duplicates")
				}
				seen[sk] = true
			}
		}
		units := map[string]float64{}
		respBytes, processed := 0, 0
		var throttled *APIError
		err := db.store.View(func(tx *store.Tx) error {
			for _, name := range names {
				t, req := tables[name], in.RequestItems[name]
				items := []attr.Item{}
				var unprocessed []attr.Item
				for _, k := range req.Keys {
					if respBytes >= maxBatchGetRespBytes {
						unprocessed = append(unprocessed, k)
						continue
					}
					item, err := readItem(tx, t.storageKey(k))
					if err != nil {
						return err
					}
					u := readUnits(item.Size(), req.ConsistentRead)
					if err := t.meter.take(false, k[t.hashName], u); err != nil {
						// Throttled keys come back unprocessed, as the service does.
						throttled = err
						unprocessed = append(unprocessed, k)
						continue
					}
					processed++
					units[name] += u
					if item != nil {
						respBytes += item.Size()
						items = append(items, projections[name].apply(item))
					}
				}
				out.Responses[name] = items
				if unprocessed != nil {
					rest := req
					rest.Keys = unprocessed
					out.UnprocessedKeys[name] = rest
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("batch get: %w", err)
		}
		if processed == 0 && throttled != nil {
			// None could be read: the service answers with the throttling error.
			return throttled
		}
		for _, name := range names {
			tables[name].meter.request(opBatchGetItem, start, len(out.Responses[name]), len(out.Responses[name]))
		}
		out.ConsumedCapacity = consumedList(ctx, in.ReturnConsumedCapacity, names, units, true)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// validateBatchGet applies the request-level rules and binds each table's
// projection.
func (db *DB) validateBatchGet(in *BatchGetItemInput, names []string) (map[string]projector, error) {
	var c constraints
	c.enum(in.ReturnConsumedCapacity, "returnConsumedCapacity", CapacityIndexes, CapacityTotal, CapacityNone)
	c.notNull(in.RequestItems != nil, "requestItems")
	if in.RequestItems != nil && len(in.RequestItems) == 0 {
		c.add("'{}'", "requestItems", "Member must have length greater than or equal to 1")
	}
	for _, name := range names {
		if !validName(name) || len(name) < 3 || len(name) > 255 {
			c.add(quote(name), "requestItems",
				"Map keys must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]")
		}
		keys := in.RequestItems[name].Keys
		path := "requestItems." + name + ".member.keys"
		c.notNull(keys != nil, path)
		if keys != nil && len(keys) < 1 {
			c.add("'[]'", path, "Member must have length greater than or equal to 1")
		}
		if len(keys) > maxBatchGetKeys {
			c.add("'[...]'", path, "Member must have length less than or equal to 100")
		}
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	projections := map[string]projector{}
	total := 0
	for _, name := range names {
		req := in.RequestItems[name]
		if err := checkProjectionParams(req.AttributesToGet, req.ProjectionExpression); err != nil {
			return nil, err
		}
		ex, err := db.newExprContext(req.ExpressionAttributeNames, nil, exprPresence{names: req.ProjectionExpression != nil})
		if err != nil {
			return nil, err
		}
		if projections[name], err = ex.projection(req.ProjectionExpression, req.AttributesToGet); err != nil {
			return nil, err
		}
		if err := ex.done(); err != nil {
			return nil, err
		}
		total += len(req.Keys)
		if total > maxBatchGetKeys {
			return nil, validationError("Too many items requested for the BatchGetItem call")
		}
	}
	return projections, nil
}
