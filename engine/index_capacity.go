package engine

import (
	"context"
	"slices"

	"dynalab/engine/attr"
)

// Index capacity (Developer Guide, GSI and LSI pages: provisioned
// throughput considerations): a write costs, in each index it touches,
// a new entry → 1 write of the projected entry's size; an index key
// changed → a delete of the old entry plus a put of the new; the key
// removed → 1 delete; only projected non-key attributes changed → 1 write;
// an item in the index neither before nor after → nothing. GSI units go
// to the GSI's own meter (its token buckets when provisioned); LSI units
// to the table's, as LSIs share the table's throughput. A provisioned GSI
// whose write bucket is empty throttles every write to its table (modeled
// simply: the service refuses the writes that would reach that index),
// with the GSI variant of ProvisionedThroughputExceededException.

// msgIndexProvisionedExceeded is the GSI variant (the Developer Guide's
// error handling page names it by its subject, "one or more global
// secondary indexes"; the full text is the API Reference's, listed under
// TransactionCanceledException, without the trailing dot, as service
// responses carry it).
const msgIndexProvisionedExceeded = "The level of configured provisioned throughput for one or more global secondary indexes of the table was exceeded. " +
	"Consider increasing your provisioning level for the under-provisioned global secondary indexes with the UpdateTable API"

// checkIndexes refuses a write while a provisioned GSI of the table has
// spent its write capacity; the caller holds tm.mu (GSI meters never take
// their table's lock, so the order table → index is safe).
func (tm *tableMeter) checkIndexes(sec int64) *APIError {
	for _, x := range tm.indexes {
		if x == nil {
			continue
		}
		x.mu.Lock()
		x.write.refill(sec, x.provWCU)
		spent := !x.onDemand && x.write.tokens <= 0
		if spent {
			x.cur.throttledW++
			x.totals.throttledW++
		}
		x.mu.Unlock()
		if spent {
			return &APIError{Code: CodeProvisionedThroughput, Message: msgIndexProvisionedExceeded,
				ThrottlingReasons: []ThrottlingReason{{Reason: "IndexWriteProvisionedThroughputExceeded", Resource: x.arn}}}
		}
	}
	return nil
}

// inIndex reports whether an item has the index's key attributes.
func (ix *index) inIndex(item attr.Item) bool {
	if item == nil {
		return false
	}
	if ix.mk != nil {
		return ix.mk.complete(item)
	}
	if _, ok := item[ix.hashName]; !ok {
		return false
	}
	if ix.rangeName != "" {
		if _, ok := item[ix.rangeName]; !ok {
			return false
		}
	}
	return true
}

// entrySize is the size of item's entry in the index.
func (ix *index) entrySize(t *table, item attr.Item) int {
	if ix.all {
		return item.Size()
	}
	return ix.project(t, item).Size()
}

// changeUnits is what the change old → item (either may be nil) costs in
// the index.
func (ix *index) changeUnits(t *table, old, item attr.Item) float64 {
	before, after := ix.inIndex(old), ix.inIndex(item)
	switch {
	case !before && !after:
		return 0
	case !before:
		return writeUnits(ix.entrySize(t, item))
	case !after:
		return writeUnits(ix.entrySize(t, old))
	}
	if ix.keyChanged(old, item) {
		return writeUnits(ix.entrySize(t, old)) + writeUnits(ix.entrySize(t, item))
	}
	if ix.all {
		if old.Equal(item) {
			return 0
		}
	} else if ix.project(t, old).Equal(ix.project(t, item)) {
		return 0 // only attributes the index does not hold changed
	}
	return writeUnits(ix.entrySize(t, item))
}

// indexWrites computes the index units of one item change, times factor
// (2 in transactions), charges them (GSIs to their meters, LSIs to the
// table's) and adds them to acc, indexed like t.indexes (allocated on the
// first units).
func (t *table) indexWrites(acc []float64, old, item attr.Item, factor float64) []float64 {
	if len(t.indexes) == 0 {
		return acc
	}
	lsi := 0.0
	for i, ix := range t.indexes {
		if !ix.maintained() {
			continue
		}
		u := ix.changeUnits(t, old, item) * factor
		if u == 0 {
			continue
		}
		if acc == nil {
			acc = make([]float64, len(t.indexes))
		}
		acc[i] += u
		if !ix.meta.Global {
			lsi += u
			continue
		}
		if m := t.indexMeter(i); m != nil {
			pk := item[ix.hashName]
			if pk.IsZero() {
				pk = old[ix.hashName]
			}
			m.charge(true, pk, u)
		}
	}
	if lsi > 0 {
		pk := item[t.hashName]
		if pk.IsZero() {
			pk = old[t.hashName]
		}
		t.meter.charge(true, pk, lsi)
	}
	return acc
}

// indexMeter returns the meter of the table's i-th index (nil for an LSI).
func (t *table) indexMeter(i int) *tableMeter {
	if t.meter == nil || i >= len(t.meter.indexes) {
		return nil
	}
	return t.meter.indexes[i]
}

// writeConsumed charges the index writes of a single-item write and
// returns its ConsumedCapacity: units is the table's part.
func (t *table) writeConsumed(ctx context.Context, mode, name string, units float64, old, item attr.Item) *ConsumedCapacity {
	if len(t.indexes) == 0 {
		return consumed(ctx, mode, name, units, false)
	}
	return t.consumedWrite(ctx, mode, name, units, t.indexWrites(nil, old, item, 1))
}

// consumedWrite is consumed for a write with index units acc.
func (t *table) consumedWrite(ctx context.Context, mode, name string, units float64, acc []float64) *ConsumedCapacity {
	total := units
	for _, u := range acc {
		total += u
	}
	c := consumed(ctx, mode, name, total, false)
	if c == nil || mode != CapacityIndexes {
		return c
	}
	c.Table = &Capacity{CapacityUnits: units, WriteCapacityUnits: units}
	for i, u := range acc {
		if u == 0 {
			continue
		}
		ix := t.indexes[i]
		m := &c.LocalSecondaryIndexes
		if ix.meta.Global {
			m = &c.GlobalSecondaryIndexes
		}
		if *m == nil {
			*m = map[string]Capacity{}
		}
		(*m)[ix.meta.Name] = Capacity{CapacityUnits: u, WriteCapacityUnits: u}
	}
	return c
}

// consumedWriteList is consumedList for batch and transaction writes,
// with each table's index units.
func consumedWriteList(ctx context.Context, mode string, names []string, tables map[string]*table, units map[string]float64, idx map[string][]float64) []ConsumedCapacity {
	var out []ConsumedCapacity
	for _, name := range names {
		if c := tables[name].consumedWrite(ctx, mode, name, units[name], idx[name]); c != nil {
			out = append(out, *c)
		}
	}
	return out
}

// meter is the meter an index read is admitted and charged by: a GSI's
// own, or the table's for an LSI.
func (r *indexRead) meter() *tableMeter {
	if r.ix.meta.Global {
		if i := slices.Index(r.t.indexes, r.ix); i >= 0 {
			if m := r.t.indexMeter(i); m != nil {
				return m
			}
		}
	}
	return r.t.meter
}

// consumed is the ConsumedCapacity of an index read of units in all,
// attributed to the index under INDEXES (an LSI read's fetches of base
// items to the table).
func (r *indexRead) consumed(ctx context.Context, mode, name string, units float64) *ConsumedCapacity {
	c := consumed(ctx, mode, name, units, true)
	if c == nil || mode != CapacityIndexes {
		return c
	}
	c.Table = nil
	if r.fetchUnits > 0 {
		c.Table = &Capacity{CapacityUnits: r.fetchUnits, ReadCapacityUnits: r.fetchUnits}
	}
	iu := units - r.fetchUnits
	part := map[string]Capacity{r.ix.meta.Name: {CapacityUnits: iu, ReadCapacityUnits: iu}}
	if r.ix.meta.Global {
		c.GlobalSecondaryIndexes = part
	} else {
		c.LocalSecondaryIndexes = part
	}
	return c
}

// IndexCapacityHistory returns the closed seconds of a GSI's metering, at
// most the last hour, oldest first (CapacitySample.Index names it). LSIs
// are metered with their table (CapacityHistory).
func (db *DB) IndexCapacityHistory(tableName, indexName string) ([]CapacitySample, error) {
	var tm *tableMeter
	err := db.readTable(tableName, func(t *table) error {
		for i, ix := range t.indexes {
			if ix.meta.Name == indexName && ix.meta.Global {
				tm = t.indexMeter(i)
			}
		}
		if tm == nil {
			return validationError("The table does not have the specified index: " + indexName)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	tm.mu.Lock()
	defer tm.mu.Unlock()
	h := tm.history
	return slices.Clone(h[max(0, len(h)-historySeconds):]), nil
}
