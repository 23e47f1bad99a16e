package engine

import (
	"errors"
	"fmt"
	"sort"
	"strconv"

	"dynalab/engine/attr"
	"dynalab/engine/internal/store"
)

// Check's side of the items: the table's statistics, index entries and
// statistics, item collections and the TTL schedule, rebuilt from one walk
// over the table's items and compared with what is stored.

// tableWalk is what one walk over a table's items has found.
type tableWalk struct {
	t       *table
	stats   store.Stats
	cursors map[uint32]string // backfill cursor of each CREATING index that has one
	// collections sums each item collection by its size key (LSI tables
	// only; nil otherwise).
	collections map[string]*collectionSum
	// ttlCutoff: the sweeper drops the schedule entries of TTL values more
	// than five years old (ttl_sweep.go), so their absence is no difference.
	ttlCutoff attr.Value
}

type collectionSum struct {
	pk    attr.Value
	bytes int64
}

// checkTable compares what t's items imply with what is stored.
func (c *checker) checkTable(t *table) error {
	w := &tableWalk{t: t, cursors: map[uint32]string{}}
	if t.hasLocalIndexes() {
		w.collections = map[string]*collectionSum{}
	}
	var err error
	if w.ttlCutoff, err = attr.N(millisText(c.now.AddDate(-5, 0, 0).UnixMilli())); err != nil {
		return err
	}
	for _, ix := range t.indexes {
		if ix.meta.Status != StatusCreating {
			continue
		}
		cur, ok, err := c.get(backfillKey(ix.meta.ID))
		if err != nil {
			return err
		}
		if ok {
			w.cursors[ix.meta.ID] = cur
		}
	}
	var itemErr error
	err = c.scan(string(t.prefix), func(k, v string) bool {
		itemErr = c.checkItem(w, k, v)
		return itemErr == nil
	})
	if err := errors.Join(err, itemErr); err != nil {
		return err
	}
	c.compareStats(t.meta.Name, DiffTableStats, "the table", t.meta.ID, w.stats)
	for _, ix := range t.indexes {
		if err := c.checkIndex(t, ix); err != nil {
			return err
		}
	}
	if err := c.checkCollections(t, w.collections); err != nil {
		return err
	}
	return c.checkTTLSchedule(t)
}

// checkItem counts one item and looks up the entries it implies.
func (c *checker) checkItem(w *tableWalk, k, v string) error {
	t := w.t
	item, recorded, err := attr.ParseStoredItemSize(v)
	if err != nil {
		c.add(DiffItem, t.meta.Name, "the item stored under %q cannot be decoded: %v", k, err)
		return nil
	}
	size := item.Size()
	w.stats.Items++
	w.stats.Bytes += int64(size)
	keyText := itemKeyText(t, item)
	if recorded != size {
		c.add(DiffItem, t.meta.Name, "item %s records its size as %d bytes; it is %d", keyText, recorded, size)
	}
	if !c.itemKeyOK(t, k, item, keyText) {
		return nil
	}
	for _, ix := range t.indexes {
		if err := c.expectEntry(w, ix, k, item, keyText); err != nil {
			return err
		}
	}
	if w.collections != nil {
		pk := item[t.hashName]
		ck := t.collectionKey(pk)
		s := w.collections[ck]
		if s == nil {
			s = &collectionSum{pk: pk}
			w.collections[ck] = s
		}
		s.bytes += t.collectionBytes(item)
	}
	if ttl := t.meta.TTL; ttl != nil && ttl.Enabled {
		return c.expectTTLEntry(w, ttl.Attribute, k, item, keyText)
	}
	return nil
}

// itemKeyOK reports whether item has the table's key attributes, of the
// schema's types, and is stored under the key they make.
func (c *checker) itemKeyOK(t *table, k string, item attr.Item, keyText string) bool {
	for _, name := range t.keyNames() {
		if v, ok := item[name]; !ok || v.Type() != t.keyType(name) {
			c.add(DiffItem, t.meta.Name, "item %s has no key attribute %s of type %s", keyText, name, t.keyType(name))
			return false
		}
	}
	if want := t.storageKey(item); want != k {
		c.add(DiffItem, t.meta.Name, "item %s is stored under %q; its key attributes make %q", keyText, k, want)
		return false
	}
	return true
}

// expectEntry reports an item's missing entry in ix. Entries with wrong
// content are found from the entries' side (checkIndex).
func (c *checker) expectEntry(w *tableWalk, ix *index, k string, item attr.Item, keyText string) error {
	switch {
	case !ix.maintained():
		return nil
	case ix.meta.Status == StatusCreating:
		// Only items the backfill has passed are sure to have entries.
		if cur, ok := w.cursors[ix.meta.ID]; !ok || k > cur {
			return nil
		}
	}
	// Items whose index key is of the wrong type, empty or too long have
	// no entry: writes refuse them, and a backfill skips them.
	if !ix.inIndex(item) || ix.checkValues(item) != nil {
		return nil
	}
	ek, ok := ix.entryKey(w.t, item)
	if !ok {
		return nil
	}
	_, found, err := c.get(ek)
	if err == nil && !found {
		c.add(DiffIndexMissing, w.t.meta.Name, "index %s has no entry for item %s (index key %s)",
			ix.meta.Name, keyText, indexKeyText(ix, item))
	}
	return err
}

// expectTTLEntry reports an item's missing TTL schedule entry. Entries
// with another expiry or value are found from the schedule's side.
func (c *checker) expectTTLEntry(w *tableWalk, attrName, k string, item attr.Item, keyText string) error {
	tk, tv, ok := w.t.ttlEntry(k, attrName, item)
	if !ok {
		return nil
	}
	_, found, err := c.get(tk)
	if err != nil || found {
		return err
	}
	if cmp, _ := attr.Compare(item[attrName], w.ttlCutoff); cmp < 0 {
		return nil
	}
	c.add(DiffTTLMissing, w.t.meta.Name, "item %s expires at %s (attribute %s) but has no TTL schedule entry", keyText, tv, attrName)
	return nil
}

// checkIndex compares ix's entries with the items they are for, and its
// statistics with its entries.
func (c *checker) checkIndex(t *table, ix *index) error {
	var st store.Stats
	var entryErr error
	err := c.scan(string(ix.prefix), func(k, v string) bool {
		proj, recorded, err := attr.ParseStoredItemSize(v)
		if err != nil {
			c.add(DiffIndexEntry, t.meta.Name, "an entry of index %s (%q) cannot be decoded: %v", ix.meta.Name, k, err)
			return true
		}
		size := proj.Size()
		st.Items++
		st.Bytes += int64(size)
		if recorded != size {
			c.add(DiffIndexEntry, t.meta.Name, "the entry of index %s for item %s records its size as %d bytes; it is %d",
				ix.meta.Name, itemKeyText(t, proj), recorded, size)
		}
		if ix.maintained() { // a DELETING index's entries are no longer kept current
			entryErr = c.checkEntry(t, ix, k, proj)
		}
		return entryErr == nil
	})
	if err := errors.Join(err, entryErr); err != nil {
		return err
	}
	c.compareStats(t.meta.Name, DiffIndexStats, "index "+ix.meta.Name, ix.meta.ID, st)
	if _, has, err := c.get(backfillKey(ix.meta.ID)); err != nil {
		return err
	} else if has && ix.meta.Status != StatusCreating {
		c.add(DiffCatalog, t.meta.Name, "index %s has a backfill cursor but is not being created", ix.meta.Name)
	}
	return nil
}

// checkEntry compares one entry of ix, stored at k, with its item.
func (c *checker) checkEntry(t *table, ix *index, k string, proj attr.Item) error {
	name, keyText := t.meta.Name, itemKeyText(t, proj)
	for _, n := range t.keyNames() {
		if v, ok := proj[n]; !ok || v.Type() != t.keyType(n) {
			c.add(DiffIndexStale, name, "an entry of index %s lacks the table key attribute %s: %s", ix.meta.Name, n, attr.AppendItem(nil, proj))
			return nil
		}
	}
	v, found, err := c.get(t.storageKey(proj))
	if err != nil {
		return err
	}
	if !found {
		c.add(DiffIndexStale, name, "index %s has an entry for item %s, which does not exist", ix.meta.Name, keyText)
		return nil
	}
	item, err := decodeStored(v)
	if err != nil {
		return nil // reported with the items
	}
	ek, ok := ix.entryKey(t, item)
	switch {
	case !ok || !ix.inIndex(item) || ix.checkValues(item) != nil:
		c.add(DiffIndexStale, name, "index %s has an entry for item %s under index key %s; the item is not in the index (index key %s)",
			ix.meta.Name, keyText, indexKeyText(ix, proj), indexKeyText(ix, item))
	case ek != k:
		c.add(DiffIndexStale, name, "index %s has an entry for item %s under index key %s; the item's index key is %s",
			ix.meta.Name, keyText, indexKeyText(ix, proj), indexKeyText(ix, item))
	default:
		if want := ix.project(t, item); !want.Equal(proj) {
			c.add(DiffIndexEntry, name, "the entry of index %s for item %s holds %s; the item projects to %s",
				ix.meta.Name, keyText, attr.AppendItem(nil, proj), attr.AppendItem(nil, want))
		}
	}
	return nil
}

// compareStats compares the statistics record of id (a table or an index,
// named by what) with what was counted.
func (c *checker) compareStats(table, kind, what string, id uint32, got store.Stats) {
	st, err := c.tx.ReadStats(id)
	switch {
	case err != nil:
		c.add(kind, table, "the statistics of %s cannot be read: %v", what, err)
	case st != got:
		c.add(kind, table, "%s holds %d items of %d bytes; its statistics say %d items of %d bytes",
			what, got.Items, got.Bytes, st.Items, st.Bytes)
	}
}

// checkCollections compares the stored item-collection sizes of t with
// sums (nil: t has no LSI, so it keeps none).
func (c *checker) checkCollections(t *table, sums map[string]*collectionSum) error {
	prefix := t.collectionPrefix()
	err := c.scan(prefix, func(k, v string) bool {
		stored, perr := strconv.ParseInt(v, 10, 64)
		s := sums[k]
		delete(sums, k)
		var want int64
		what := fmt.Sprintf("%q", k[len(prefix):])
		if s != nil {
			want, what = s.bytes, s.pk.String()
		}
		switch {
		case sums == nil:
			c.add(DiffCollection, t.meta.Name, "the table has no local secondary index but records a size for item collection %s", what)
		case perr != nil:
			c.add(DiffCollection, t.meta.Name, "the size record of item collection %s cannot be read: %q", what, v)
		case stored != want:
			c.add(DiffCollection, t.meta.Name, "item collection %s is %d bytes (items and their LSI entries); its size record says %d", what, want, stored)
		}
		return true
	})
	if err != nil {
		return err
	}
	keys := make([]string, 0, len(sums))
	for k, s := range sums {
		if s.bytes != 0 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		c.add(DiffCollection, t.meta.Name, "item collection %s is %d bytes (items and their LSI entries); it has no size record", sums[k].pk, sums[k].bytes)
	}
	return nil
}

// checkTTLSchedule compares t's TTL schedule entries with their items.
func (c *checker) checkTTLSchedule(t *table) error {
	ttl := t.meta.TTL
	enabled := ttl != nil && ttl.Enabled
	left := 0
	var entryErr error
	err := c.scan(store.TTLPrefix(t.meta.ID), func(k, v string) bool {
		if !enabled {
			left++
			return true
		}
		entryErr = c.checkTTLEntry(t, ttl.Attribute, k, v)
		return entryErr == nil
	})
	if left > 0 {
		c.add(DiffTTLStale, t.meta.Name, "TTL is disabled but %d schedule entries remain", left)
	}
	return errors.Join(err, entryErr)
}

// checkTTLEntry compares one schedule entry with its item.
func (c *checker) checkTTLEntry(t *table, attrName, k, v string) error {
	_, exp, suffix, ok := store.ParseTTLKey(k)
	if !ok {
		c.add(DiffTTLStale, t.meta.Name, "a TTL schedule key %q cannot be read", k)
		return nil
	}
	itemKey := string(t.prefix) + suffix
	stored, found, err := c.get(itemKey)
	if err != nil {
		return err
	}
	if !found {
		c.add(DiffTTLStale, t.meta.Name, "a TTL schedule entry (expiry %d, %s %s) is for an item that does not exist (%q)", exp, attrName, v, suffix)
		return nil
	}
	item, err := decodeStored(stored)
	if err != nil {
		return nil // reported with the items
	}
	wk, wv, ok := t.ttlEntry(itemKey, attrName, item)
	switch {
	case !ok:
		c.add(DiffTTLStale, t.meta.Name, "item %s has a TTL schedule entry (expiry %d, %s %s) but its %s is no expiry time",
			itemKeyText(t, item), exp, attrName, v, attrName)
	case wk != k || wv != v:
		c.add(DiffTTLStale, t.meta.Name, "item %s has a TTL schedule entry for %s %s; its %s is %s",
			itemKeyText(t, item), attrName, v, attrName, wv)
	}
	return nil
}

// itemKeyText renders the table key attributes item has as DynamoDB JSON.
func itemKeyText(t *table, item attr.Item) string {
	return attrsText(t.keyNames(), item)
}

// indexKeyText renders the index key attributes item has as DynamoDB JSON.
func indexKeyText(ix *index, item attr.Item) string {
	return attrsText(ix.keyNames(), item)
}

func attrsText(names []string, item attr.Item) string {
	k := make(attr.Item, len(names))
	for _, n := range names {
		if v, ok := item[n]; ok {
			k[n] = v
		}
	}
	return string(attr.AppendItem(nil, k))
}
