package engine

import (
	"errors"
	"fmt"
	"unsafe"

	"dynalab/engine/attr"
	"dynalab/engine/internal/keys"
	"dynalab/engine/internal/store"
)

// Key size limits of the service.
const (
	maxHashKeyBytes  = 2048
	maxRangeKeyBytes = 1024
	maxNameBytes     = 65535
)

var errKeySchema = keyMismatchError(validationError("The provided key element does not match the schema"))

// checkKey validates a Key parameter (GetItem, DeleteItem, UpdateItem):
// exactly the key attributes, with the schema's types, non-empty, in size.
func (t *table) checkKey(key attr.Item) error { return t.checkKeyWorded(key, false) }

// checkTransactKey is checkKey for a transaction's Update, Delete and
// ConditionCheck, whose empty-value error the service words as for an
// item's key ("One or more parameter values are not valid. ...", four
// regions' capture in paritysuite/dynamodb-conformance
// tests/tier3/error-messages/transactWriteItems.test.ts).
func (t *table) checkTransactKey(key attr.Item) error { return t.checkKeyWorded(key, true) }

func (t *table) checkKeyWorded(key attr.Item, itemWording bool) error {
	n := 1
	if t.rangeName != "" {
		n = 2
	}
	if len(key) != n {
		return errKeySchema
	}
	hv, ok := key[t.hashName]
	if !ok || hv.Type() != t.hashType {
		return errKeySchema
	}
	var rv attr.Value
	if t.rangeName != "" {
		if rv, ok = key[t.rangeName]; !ok || rv.Type() != t.rangeType {
			return errKeySchema
		}
	}
	if err := checkKeyValue(t.hashName, hv, true, itemWording); err != nil {
		return err
	}
	if t.rangeName != "" {
		return checkKeyValue(t.rangeName, rv, false, itemWording)
	}
	return nil
}

func (t *table) keyType(name string) attr.Type {
	if name == t.hashName {
		return t.hashType
	}
	return t.rangeType
}

// checkKeyValue applies the empty-value and size rules to one key value.
// The service words the empty-value error differently for a key inside an
// item (PutItem) and for a Key parameter.
func checkKeyValue(name string, v attr.Value, hash, inItem bool) error {
	if (v.Type() == attr.TypeS || v.Type() == attr.TypeB) && v.Len() == 0 {
		kind := "string"
		if v.Type() == attr.TypeB {
			kind = "binary"
		}
		prefix := "One or more parameter values were invalid:"
		if inItem {
			prefix = "One or more parameter values are not valid."
		}
		return validationError(fmt.Sprintf("%s The AttributeValue for a key attribute cannot contain an empty %s value. Key: %s", prefix, kind, name))
	}
	if hash && v.Len() > maxHashKeyBytes {
		return invalidParam("Size of hashkey has exceeded the maximum size limit of2048 bytes")
	}
	if !hash && v.Len() > maxRangeKeyBytes {
		return invalidParam("Aggregated size of all range keys has exceeded the size limit of 1024 bytes")
	}
	return nil
}

// checkItem validates an item to be written whole (PutItem): key attributes
// present with the schema's types and sizes, names, size and nesting.
func (t *table) checkItem(item attr.Item) error {
	for _, name := range t.keyNames() {
		v, ok := item[name]
		if !ok {
			return keyMismatchError(invalidParam("Missing the key %s in the item", name))
		}
		if want := t.keyType(name); v.Type() != want {
			return keyMismatchError(invalidParam("Type mismatch for key %s expected: %s actual: %s", name, want, v.Type()))
		}
		if err := checkKeyValue(name, v, name == t.hashName, true); err != nil {
			return err
		}
	}
	return t.checkIndexValues(item)
}

// checkItemShape applies the rules that do not need the table: attribute
// names, nesting depth and the 400 KB size limit. msg is the size error.
func checkItemShape(item attr.Item, sizeMsg string) error {
	if err := checkItemStructure(item); err != nil {
		return err
	}
	if item.Size() > attr.MaxItemSize {
		return validationError(sizeMsg)
	}
	return nil
}

// checkItemStructure is checkItemShape without the size rule, which
// PutItem applies only once the table is known (the service answers
// ResourceNotFoundException first; ExtendDB's capture of AWS).
func checkItemStructure(item attr.Item) error {
	for name := range item {
		if name == "" {
			return validationError("Empty attribute name")
		}
		if len(name) > maxNameBytes {
			return validationError("Attribute name is too large, must be less than 65536 bytes")
		}
	}
	if item.Depth() > attr.MaxDepth {
		return validationError(attr.MsgNestingTooDeep)
	}
	return nil
}

// keyOf returns the key attributes of an item.
func (t *table) keyOf(item attr.Item) attr.Item {
	k := attr.Item{t.hashName: item[t.hashName]}
	if t.rangeName != "" {
		k[t.rangeName] = item[t.rangeName]
	}
	return k
}

// storageKey returns the store key of the item with the given key values.
func (t *table) storageKey(key attr.Item) string {
	pk, sk := key[t.hashName], key[t.rangeName]
	// The string shares buf, which buntdb keeps as the item's key: sized
	// for the usual encoding (terminators, a few bytes of slack), not more.
	buf := make([]byte, 0, len(t.prefix)+8+len(pk.Str())+len(sk.Str())+8)
	buf = append(buf, t.prefix...)
	return bytesString(t.appendPartition(buf, pk, sk))
}

// appendPartition appends hash, partition key and (if valid) sort key.
func (t *table) appendPartition(buf []byte, pk, sk attr.Value) []byte {
	start := len(buf)
	buf = append(buf, make([]byte, 8)...)
	pkStart := len(buf)
	buf = keys.AppendValue(buf, pk)
	keys.AppendHash(buf[start:start], keys.Hash(buf[pkStart:]))
	if !sk.IsZero() {
		buf = keys.AppendValue(buf, sk)
	}
	return buf
}

// partitionPrefix returns the store prefix of one item collection.
func (t *table) partitionPrefix(pk attr.Value) []byte {
	buf := make([]byte, 0, len(t.prefix)+8+64)
	buf = append(buf, t.prefix...)
	return t.appendPartition(buf, pk, attr.Value{})
}

// readItem returns the stored item at key, or nil.
func readItem(tx *store.Tx, key string) (attr.Item, error) {
	v, err := tx.Get(key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return decodeStored(v)
}

// readItemSize is readItem that also returns the item's size (0 when
// there is none), summed while decoding.
func readItemSize(tx *store.Tx, key string) (attr.Item, int, error) {
	v, err := tx.Get(key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	it, size, err := attr.ParseStoredItemSize(v)
	if err != nil {
		return nil, 0, fmt.Errorf("corrupt stored item: %w", err)
	}
	return it, size, nil
}

// bytesString returns b's bytes as a string without copying them. The
// caller hands b over: nothing may write to it afterwards.
func bytesString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

func decodeStored(v string) (attr.Item, error) {
	it, err := attr.ParseStoredItem(v)
	if err != nil {
		return nil, fmt.Errorf("corrupt stored item: %w", err)
	}
	return it, nil
}

// replaceItem stores it under its key, over whatever item is there (a
// restore's or an import's write: no condition, no return values).
func (t *table) replaceItem(tx *store.Tx, it attr.Item) error {
	key := t.storageKey(it)
	old, err := readItem(tx, key)
	if err != nil {
		return err
	}
	return t.writeItem(tx, key, old, it)
}

// writeItem stores item at key, replacing old (nil if none), keeps the
// table statistics exact and records the change (stream record, TTL
// schedule, subscribers: stream_write.go). Writing an item equal to old
// changes nothing and records nothing, as the service emits no stream
// record for it.
func (t *table) writeItem(tx *store.Tx, key string, old, item attr.Item) error {
	if old != nil && old.Equal(item) {
		return nil
	}
	size := item.Size()
	if err := tx.Set(key, encodeItem(item, size)); err != nil {
		return err
	}
	dn, ds := int64(1), int64(size)
	if old != nil {
		dn, ds = 0, ds-int64(old.Size())
	}
	if err := tx.AddStats(t.meta.ID, dn, ds); err != nil {
		return err
	}
	if len(t.indexes) > 0 {
		if err := t.updateIndexes(tx, old, item); err != nil {
			return err
		}
		if t.hasLocalIndexes() {
			if err := t.updateCollection(tx, old, item); err != nil {
				return err
			}
		}
	}
	return t.recordChange(tx, key, old, item, false)
}

// writesNeedOld reports whether writing an item needs the item it
// replaces: for its index entries, TTL schedule, stream record, change
// feed or replication. Otherwise overwriteItem can write it blind.
func (t *table) writesNeedOld() bool {
	return len(t.indexes) > 0 || (t.meta.TTL != nil && t.meta.TTL.Enabled) ||
		(t.meta.Stream != nil && t.meta.Stream.Enabled) || len(t.meta.Replicas) > 0 ||
		(t.db != nil && t.db.feed.active())
}

// overwriteItem is writeItem for a table whose writes need nothing of the
// old item but its size (!writesNeedOld): it writes item, of the given
// size, without reading what it replaces first, and returns the replaced
// item's size, 0 if there was none.
func (t *table) overwriteItem(tx *store.Tx, key string, item attr.Item, size int) (oldSize int, err error) {
	r, err := replace(tx, key, item, size)
	if err != nil {
		return 0, err
	}
	return t.recordReplacement(tx, key, item, &r)
}

// replacement is an item written by replace and not yet recorded.
type replacement struct {
	data, prev string // the stored item written, the one it replaced
	replaced   bool
	size       int // the written item's Size
}

// replace writes item, whose Size is size, at key in one btree walk: for
// a table whose writes need nothing of the old item (!writesNeedOld), so
// that a condition can be judged on what the write replaced instead of
// reading it first. A caller that keeps the write records it
// (recordReplacement); one that refuses it fails the store transaction,
// which rolls the write back.
func replace(tx *store.Tx, key string, item attr.Item, size int) (replacement, error) {
	r := replacement{size: size, data: encodeItem(item, size)}
	var err error
	r.prev, r.replaced, err = tx.Replace(key, r.data)
	return r, err
}

// old decodes the replaced item, nil if there was none.
func (r *replacement) old() (attr.Item, error) {
	if !r.replaced {
		return nil, nil
	}
	return decodeStored(r.prev)
}

// recordReplacement completes the write r made of item: the table's
// statistics and the change record. It returns the replaced item's size.
func (t *table) recordReplacement(tx *store.Tx, key string, item attr.Item, r *replacement) (oldSize int, err error) {
	dn := int64(1)
	if r.replaced {
		if r.prev == r.data { // the same item (equal items may differ in hints: then this is a full write)
			return r.size, nil
		}
		if oldSize, err = attr.StoredSize(r.prev); err != nil {
			return 0, fmt.Errorf("corrupt stored item: %w", err)
		}
		dn = 0
	}
	if err := tx.AddStats(t.meta.ID, dn, int64(r.size-oldSize)); err != nil {
		return 0, err
	}
	return oldSize, t.recordChange(tx, key, nil, item, false)
}

// encodeItem returns the stored form of item, whose Size is size.
func encodeItem(item attr.Item, size int) string {
	return bytesString(attr.AppendStored(make([]byte, 0, attr.StoredCap(item, size)), item, size))
}

// deleteItem removes the item at key, which holds old, and records the
// change.
func (t *table) deleteItem(tx *store.Tx, key string, old attr.Item) error {
	return t.removeItem(tx, key, old, false)
}

// removeItem is deleteItem; ttl marks a deletion by the TTL sweeper.
func (t *table) removeItem(tx *store.Tx, key string, old attr.Item, ttl bool) error {
	if err := tx.Delete(key); err != nil {
		return err
	}
	if err := tx.AddStats(t.meta.ID, -1, -int64(old.Size())); err != nil {
		return err
	}
	if len(t.indexes) > 0 {
		if err := t.updateIndexes(tx, old, nil); err != nil {
			return err
		}
		if t.hasLocalIndexes() {
			if err := t.updateCollection(tx, old, nil); err != nil {
				return err
			}
		}
	}
	return t.recordChange(tx, key, old, nil, ttl)
}
