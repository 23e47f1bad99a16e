package engine

import (
	"errors"
	"strconv"

	"dynalab/engine/attr"
	"dynalab/engine/internal/keys"
	"dynalab/engine/internal/store"
)

// Item collections (LSI.md, "Item collections"): on a table with local
// secondary indexes, the items sharing a partition key and their LSI
// entries form an item collection of at most 10 GB. Its size is kept
// exactly, per partition key, in the same transaction as the items
// (c/<tid><pk> → bytes), so the limit is enforced on every write and
// ReturnItemCollectionMetrics reads it without a scan.

// DefaultItemCollectionLimit is the service's item-collection size limit.
const DefaultItemCollectionLimit = 10 << 30

// ItemCollectionMetrics is the ReturnItemCollectionMetrics=SIZE report of
// a write to a table with LSIs.
type ItemCollectionMetrics struct {
	ItemCollectionKey   attr.Item `json:"ItemCollectionKey"`
	SizeEstimateRangeGB []float64 `json:"SizeEstimateRangeGB"`
}

// errCollectionSize is ItemCollectionSizeLimitExceededException (text of
// the Developer Guide's error handling page; the service's exact text is
// unverified).
func errCollectionSize() *APIError {
	return &APIError{Code: CodeItemCollectionSizeLimit, Message: "Collection size exceeded"}
}

// hasLocalIndexes reports whether writes to t keep item collections.
func (t *table) hasLocalIndexes() bool {
	for _, ix := range t.indexes {
		if !ix.meta.Global {
			return true
		}
	}
	return false
}

// collectionPrefix is the first byte string of t's item-collection sizes.
func (t *table) collectionPrefix() string { return "c/" + string(t.prefix[len("i/"):]) }

// collectionKey is the store key of the item collection of pk.
func (t *table) collectionKey(pk attr.Value) string {
	return string(keys.AppendValue([]byte(t.collectionPrefix()), pk))
}

// collectionBytes is what item contributes to its item collection: its
// size plus its entries in the LSIs.
func (t *table) collectionBytes(item attr.Item) int64 {
	if item == nil {
		return 0
	}
	n := int64(item.Size())
	for _, ix := range t.indexes {
		if !ix.meta.Global && ix.maintained() && ix.inIndex(item) {
			n += int64(ix.entrySize(t, item))
		}
	}
	return n
}

// updateCollection applies the change old → item (either may be nil) to
// the size of their item collection, refusing growth past the limit.
func (t *table) updateCollection(tx *store.Tx, old, item attr.Item) error {
	pk := item[t.hashName]
	if item == nil {
		pk = old[t.hashName]
	}
	delta := t.collectionBytes(item) - t.collectionBytes(old)
	if delta == 0 {
		return nil
	}
	key := t.collectionKey(pk)
	size, err := readCollection(tx, key)
	if err != nil {
		return err
	}
	size += delta
	limit := int64(DefaultItemCollectionLimit)
	if t.db != nil && t.db.collectionLimit > 0 {
		limit = t.db.collectionLimit
	}
	if delta > 0 && size > limit {
		return errCollectionSize()
	}
	if size <= 0 {
		return tx.Delete(key)
	}
	return tx.Set(key, strconv.FormatInt(size, 10))
}

func readCollection(tx *store.Tx, key string) (int64, error) {
	v, err := tx.Get(key)
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(v, 10, 64)
}

// itemCollectionMetrics reports the collection of pk when the request
// asked for SIZE and t has LSIs; nil otherwise. The range is the size in
// GB rounded down and up, as the service's estimate brackets it ([0, 1]
// for collections under a gigabyte).
func (db *DB) itemCollectionMetrics(t *table, mode string, pk attr.Value) *ItemCollectionMetrics {
	if mode != "SIZE" || !t.hasLocalIndexes() || pk.IsZero() {
		return nil
	}
	var size int64
	err := db.store.View(func(tx *store.Tx) error {
		var err error
		size, err = readCollection(tx, t.collectionKey(pk))
		return err
	})
	if err != nil {
		// The write has committed; a size that cannot be read is left out
		// rather than reported wrong.
		return nil
	}
	lo := float64(size >> 30)
	return &ItemCollectionMetrics{ItemCollectionKey: attr.Item{t.hashName: pk}, SizeEstimateRangeGB: []float64{lo, lo + 1}}
}

// collectionMetricsList gathers the per-table lists of BatchWriteItem and
// TransactWriteItems: one entry per item collection written.
func (db *DB) collectionMetricsList(mode string, writes []collectionWrite) map[string][]ItemCollectionMetrics {
	if mode != "SIZE" {
		return nil
	}
	out := map[string][]ItemCollectionMetrics{}
	seen := map[string]bool{}
	for _, w := range writes {
		if !w.t.hasLocalIndexes() || w.pk.IsZero() {
			continue
		}
		k := w.t.meta.Name + "\x00" + w.t.collectionKey(w.pk)
		if seen[k] {
			continue
		}
		seen[k] = true
		if m := db.itemCollectionMetrics(w.t, mode, w.pk); m != nil {
			out[w.t.meta.Name] = append(out[w.t.meta.Name], *m)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// collectionWrite names one written item collection.
type collectionWrite struct {
	t  *table
	pk attr.Value
}
