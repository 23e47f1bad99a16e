package engine

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"dynalab/engine/attr"
	"dynalab/engine/internal/store"
)

// BatchWriteItemInput is the BatchWriteItem request.
type BatchWriteItemInput struct {
	RequestItems                map[string][]WriteRequest `json:"RequestItems"`
	ReturnConsumedCapacity      string                    `json:"ReturnConsumedCapacity,omitempty"`
	ReturnItemCollectionMetrics string                    `json:"ReturnItemCollectionMetrics,omitempty"`
}

// WriteRequest is one put or delete of a BatchWriteItem.
type WriteRequest struct {
	PutRequest    *PutRequest    `json:"PutRequest,omitempty"`
	DeleteRequest *DeleteRequest `json:"DeleteRequest,omitempty"`
}

// PutRequest writes a whole item.
type PutRequest struct {
	Item attr.Item `json:"Item"`
}

// DeleteRequest deletes an item by key.
type DeleteRequest struct {
	Key attr.Item `json:"Key"`
}

// BatchWriteItemOutput is the BatchWriteItem response.
type BatchWriteItemOutput struct {
	UnprocessedItems      map[string][]WriteRequest          `json:"UnprocessedItems"`
	ConsumedCapacity      []ConsumedCapacity                 `json:"ConsumedCapacity,omitempty"`
	ItemCollectionMetrics map[string][]ItemCollectionMetrics `json:"ItemCollectionMetrics,omitempty"`
}

// maxBatchWrites is the service's limit of requests per BatchWriteItem.
const maxBatchWrites = 25

// BatchWriteItem puts and deletes up to 25 items across tables. Locally all
// of them commit in one storage transaction, so UnprocessedItems is always
// empty (the service may return some when throttled).
func (db *DB) BatchWriteItem(ctx context.Context, in *BatchWriteItemInput) (*BatchWriteItemOutput, error) {
	start := time.Now()
	if err := validateBatchWrite(in); err != nil {
		return nil, err
	}
	out := &BatchWriteItemOutput{UnprocessedItems: map[string][]WriteRequest{}}
	names := sortedKeys(in.RequestItems)
	err := db.withTables(names, func(tables map[string]*table) error {
		type write struct {
			t    *table
			key  string
			item attr.Item // nil for a delete
			pk   attr.Value
			req  WriteRequest
		}
		total := 0
		for _, reqs := range in.RequestItems {
			total += len(reqs)
		}
		writes := make([]write, 0, total)
		for _, name := range names {
			t := tables[name]
			seen := make(map[string]bool, len(in.RequestItems[name]))
			for _, r := range in.RequestItems[name] {
				var w write
				if r.PutRequest != nil {
					if err := t.checkItem(r.PutRequest.Item); err != nil {
						return err
					}
					w = write{t, t.storageKey(r.PutRequest.Item), r.PutRequest.Item, r.PutRequest.Item[t.hashName], r}
				} else {
					if err := t.checkKey(r.DeleteRequest.Key); err != nil {
						return err
					}
					w = write{t: t, key: t.storageKey(r.DeleteRequest.Key), pk: r.DeleteRequest.Key[t.hashName], req: r}
				}
				if seen[w.key] {
					return validationError("Provided list of item keys contains duplicates")
				}
				seen[w.key] = true
				writes = append(writes, w)
			}
		}
		units := map[string]float64{}
		idx := map[string][]float64{} // index write units (index_capacity.go)
		processed := 0
		var throttled *APIError
		written := make([]collectionWrite, 0, total)
		// apply writes w and charges its table; a throttled write (refused)
		// changes nothing.
		apply := func(tx *store.Tx, w write) (u float64, refused *APIError, err error) {
			if w.item != nil && !w.t.writesNeedOld() {
				// A put that needs nothing of the old item but its size
				// writes blind. Admission does not depend on the units, so
				// the new item's are taken first, the rest after.
				size := w.item.Size()
				u = writeUnits(size)
				if refused := w.t.meter.take(true, w.pk, u); refused != nil {
					return 0, refused, nil
				}
				oldSize, err := w.t.overwriteItem(tx, w.key, w.item, size)
				if more := writeUnits(max(oldSize, size)) - u; err == nil && more > 0 {
					w.t.meter.charge(true, w.pk, more)
					u += more
				}
				return u, nil, err
			}
			old, err := readItem(tx, w.key)
			if err != nil {
				return 0, nil, err
			}
			u = writeUnits(max(old.Size(), w.item.Size()))
			if refused := w.t.meter.take(true, w.pk, u); refused != nil {
				return 0, refused, nil
			}
			idx[w.t.meta.Name] = w.t.indexWrites(idx[w.t.meta.Name], old, w.item, 1)
			switch {
			case w.item != nil:
				err = w.t.writeItem(tx, w.key, old, w.item)
			case old != nil:
				err = w.t.deleteItem(tx, w.key, old)
			}
			return u, nil, err
		}
		err := db.store.Update(func(tx *store.Tx) error {
			for _, w := range writes {
				u, refused, err := apply(tx, w)
				if err != nil {
					return err
				}
				if refused != nil {
					// Throttled writes come back unprocessed, as the service does.
					throttled = refused
					out.UnprocessedItems[w.t.meta.Name] = append(out.UnprocessedItems[w.t.meta.Name], w.req)
					continue
				}
				processed++
				written = append(written, collectionWrite{w.t, w.pk})
				units[w.t.meta.Name] += u
			}
			return nil
		})
		if err != nil {
			if ae, ok := err.(*APIError); ok {
				return ae // e.g. an item collection past its limit
			}
			return fmt.Errorf("batch write: %w", err)
		}
		if processed == 0 && throttled != nil {
			// None could be written: the service answers with the throttling error.
			return throttled
		}
		for _, name := range names {
			tables[name].meter.request(opBatchWriteItem, start, 0, 0)
		}
		out.ConsumedCapacity = consumedWriteList(ctx, in.ReturnConsumedCapacity, names, tables, units, idx)
		out.ItemCollectionMetrics = db.collectionMetricsList(in.ReturnItemCollectionMetrics, written)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// validateBatchWrite applies the request-level rules, in the service's order.
func validateBatchWrite(in *BatchWriteItemInput) error {
	var c constraints
	c.enum(in.ReturnConsumedCapacity, "returnConsumedCapacity", CapacityIndexes, CapacityTotal, CapacityNone)
	c.enum(in.ReturnItemCollectionMetrics, "returnItemCollectionMetrics", "SIZE", "NONE")
	c.notNull(in.RequestItems != nil, "requestItems")
	if in.RequestItems != nil && len(in.RequestItems) == 0 {
		c.add("'{}'", "requestItems", "Member must have length greater than or equal to 1")
	}
	for _, name := range sortedKeys(in.RequestItems) {
		reqs := in.RequestItems[name]
		if !validName(name) || len(name) < 3 || len(name) > 255 {
			c.add(quote(requestItemsString(in.RequestItems)), "requestItems",
				"Map keys must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]")
		}
		if len(reqs) < 1 || len(reqs) > maxBatchWrites {
			c.add(quote(requestItemsString(in.RequestItems)), "requestItems",
				"Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]")
		}
	}
	if err := c.err(); err != nil {
		return err
	}
	total := 0
	for _, name := range sortedKeys(in.RequestItems) {
		for _, r := range in.RequestItems[name] {
			total++
			if (r.PutRequest == nil) == (r.DeleteRequest == nil) {
				return validationError("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes")
			}
			if r.PutRequest != nil {
				if r.PutRequest.Item == nil {
					return constraintErrors([]string{"Value null at 'requestItems." + name + ".member.putRequest.item' failed to satisfy constraint: Member must not be null"})
				}
				if err := checkItemShape(r.PutRequest.Item, "Item size has exceeded the maximum allowed size"); err != nil {
					return err
				}
			} else if r.DeleteRequest.Key == nil {
				return constraintErrors([]string{"Value null at 'requestItems." + name + ".member.deleteRequest.key' failed to satisfy constraint: Member must not be null"})
			}
		}
	}
	if total > maxBatchWrites {
		return validationError("Too many items requested for the BatchWriteItem call")
	}
	return nil
}

// requestItemsString renders RequestItems the way the service quotes it in
// constraint messages, approximately: {Table=[WriteRequest, ...]}.
func requestItemsString(m map[string][]WriteRequest) string {
	parts := make([]string, 0, len(m))
	for _, name := range sortedKeys(m) {
		reqs := make([]string, len(m[name]))
		for i, r := range m[name] {
			switch {
			case r.PutRequest != nil:
				reqs[i] = "WriteRequest(putRequest=PutRequest(item=" + javaItem(r.PutRequest.Item) + "))"
			case r.DeleteRequest != nil:
				reqs[i] = "WriteRequest(deleteRequest=DeleteRequest(key=" + javaItem(r.DeleteRequest.Key) + "))"
			default:
				reqs[i] = "WriteRequest()"
			}
		}
		parts = append(parts, name+"=["+strings.Join(reqs, ", ")+"]")
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// javaItem renders an item Java-style, {k=AttributeValue(S=v)}.
func javaItem(it attr.Item) string {
	parts := make([]string, 0, len(it))
	for _, k := range it.Names() {
		v := it[k]
		parts = append(parts, k+"=AttributeValue("+v.Type().String()+"="+v.Str()+")")
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// withTables runs fn with the named tables while holding the catalog
// shared; a missing table is the data plane's ResourceNotFoundException.
func (db *DB) withTables(names []string, fn func(map[string]*table) error) error {
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return ErrClosed
	}
	tables := make(map[string]*table, len(names))
	for _, n := range names {
		t := db.tables[tableNameFromARN(n)]
		if t == nil {
			return errNotFound()
		}
		tables[n] = t
	}
	return fn(tables)
}
