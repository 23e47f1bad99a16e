package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/tidwall/buntdb"
)

// Tx is a read or write transaction.
type Tx struct {
	tx       *buntdb.Tx
	onCommit []func()
	stats    map[uint32]Stats // statistics deltas, written once at commit
	log      bool             // a write transaction of a store with a file
	buf      []byte           // its changes as log commands, in order
	live     int64            // change in the file's live bytes (liveLen)
	origin   string           // SetOrigin's tag
}

// SetOrigin tags the transaction's changes with where they come from (the
// engine: the region a replicated write was made in).
func (t *Tx) SetOrigin(origin string) { t.origin = origin }

// Origin returns SetOrigin's tag, "" by default.
func (t *Tx) Origin() string { return t.origin }

// set writes value at key and records the change for the file.
func (t *Tx) set(key, value string) (prev string, replaced bool, err error) {
	prev, replaced, err = t.tx.Set(key, value, nil)
	if err == nil && t.log {
		t.buf = appendSet(t.buf, key, value)
		t.live += liveLen(key, value)
		if replaced {
			t.live -= liveLen(key, prev)
		}
	}
	return prev, replaced, err
}

// del removes key and records the change for the file; a missing key is
// ErrNotFound and no change.
func (t *Tx) del(key string) error {
	prev, err := t.tx.Delete(key)
	if err == nil && t.log {
		t.buf = appendDel(t.buf, key)
		t.live -= liveLen(key, prev)
	}
	return err
}

// OnCommit registers fn to run after the transaction commits (see
// Store.Update); it never runs if the transaction rolls back. Only write
// transactions run their callbacks.
func (t *Tx) OnCommit(fn func()) { t.onCommit = append(t.onCommit, fn) }

// ErrNotFound is returned by Get for a missing key.
var ErrNotFound = buntdb.ErrNotFound

// Get returns the value at key, or ErrNotFound.
func (t *Tx) Get(key string) (string, error) { return t.tx.Get(key) }

// Set writes value at key.
func (t *Tx) Set(key, value string) error {
	_, _, err := t.set(key, value)
	return err
}

// Replace writes value at key and returns the value it replaced, if any:
// one lookup where Get and Set take two.
func (t *Tx) Replace(key, value string) (prev string, replaced bool, err error) {
	return t.set(key, value)
}

// Delete removes key; a missing key is not an error.
func (t *Tx) Delete(key string) error {
	err := t.del(key)
	if errors.Is(err, buntdb.ErrNotFound) {
		return nil
	}
	return err
}

// Swap writes value at key and reports whether it replaced a value.
func (t *Tx) Swap(key, value string) (replaced bool, err error) {
	_, replaced, err = t.set(key, value)
	return replaced, err
}

// Take removes key and reports whether it held a value.
func (t *Tx) Take(key string) (bool, error) {
	err := t.del(key)
	if errors.Is(err, buntdb.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// Ascend calls fn for each key ≥ from, in byte order, while fn returns true.
func (t *Tx) Ascend(from string, fn func(key, value string) bool) error {
	return t.tx.AscendGreaterOrEqual("", from, fn)
}

// Descend calls fn for each key ≤ from, in reverse byte order, while fn
// returns true.
func (t *Tx) Descend(from string, fn func(key, value string) bool) error {
	return t.tx.DescendLessOrEqual("", from, fn)
}

// NextTableID hands out a new table id.
func (t *Tx) NextTableID() (uint32, error) {
	var n uint64
	v, err := t.tx.Get(keySeq)
	switch {
	case errors.Is(err, buntdb.ErrNotFound):
	case err != nil:
		return 0, err
	default:
		if n, err = strconv.ParseUint(v, 10, 32); err != nil {
			return 0, fmt.Errorf("corrupt table sequence %q", v)
		}
	}
	n++
	if _, _, err := t.set(keySeq, strconv.FormatUint(n, 10)); err != nil {
		return 0, err
	}
	return uint32(n), nil
}

// TableKey is the catalog key of a table.
func TableKey(name string) string { return "t/" + name }

// TablePrefix is the first key of the catalog.
const TablePrefix = "t/"

// StatsKey is the statistics key of a table.
func StatsKey(tid uint32) string {
	return "s/" + string(binary.BigEndian.AppendUint32(nil, tid))
}

// ItemPrefix is the first byte string of a table's items.
func ItemPrefix(tid uint32) []byte {
	return binary.BigEndian.AppendUint32([]byte("i/"), tid)
}

// IndexPrefix is the first byte string of a secondary index's entries.
func IndexPrefix(iid uint32) []byte {
	return binary.BigEndian.AppendUint32([]byte("n/"), iid)
}

// Stats are a table's exact item count and size in bytes.
type Stats struct {
	Items int64
	Bytes int64
}

// ReadStats returns a table's statistics, including this transaction's
// changes so far.
func (t *Tx) ReadStats(tid uint32) (Stats, error) {
	s, err := t.storedStats(tid)
	d := t.stats[tid]
	return Stats{Items: s.Items + d.Items, Bytes: s.Bytes + d.Bytes}, err
}

func (t *Tx) storedStats(tid uint32) (Stats, error) {
	v, err := t.tx.Get(StatsKey(tid))
	if errors.Is(err, buntdb.ErrNotFound) {
		return Stats{}, nil
	}
	if err != nil {
		return Stats{}, err
	}
	a, b, ok := strings.Cut(v, " ")
	items, err1 := strconv.ParseInt(a, 10, 64)
	size, err2 := strconv.ParseInt(b, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return Stats{}, fmt.Errorf("corrupt statistics record %q", v)
	}
	return Stats{Items: items, Bytes: size}, nil
}

// AddStats adds deltas to a table's statistics. They are summed in memory
// and written once when the transaction commits (flushStats), so a batch of
// writes costs one statistics record, not one per item.
func (t *Tx) AddStats(tid uint32, items, size int64) error {
	if items == 0 && size == 0 {
		return nil
	}
	if t.stats == nil {
		t.stats = map[uint32]Stats{}
	}
	d := t.stats[tid]
	d.Items += items
	d.Bytes += size
	t.stats[tid] = d
	return nil
}

// DropStats removes a table's statistics (the table is being deleted).
func (t *Tx) DropStats(tid uint32) error {
	delete(t.stats, tid)
	return t.Delete(StatsKey(tid))
}

// flushStats writes the statistics deltas of the transaction.
func (t *Tx) flushStats() error {
	for tid, d := range t.stats {
		if d.Items == 0 && d.Bytes == 0 {
			continue
		}
		s, err := t.storedStats(tid)
		if err != nil {
			return err
		}
		s.Items += d.Items
		s.Bytes += d.Bytes
		if _, _, err := t.set(StatsKey(tid), strconv.FormatInt(s.Items, 10)+" "+strconv.FormatInt(s.Bytes, 10)); err != nil {
			return err
		}
	}
	t.stats = nil
	return nil
}

// DeleteRange removes every key starting with prefix. Keys are collected
// first: buntdb forbids writing inside an iteration.
func (t *Tx) DeleteRange(prefix string) (int, error) {
	var keys []string
	err := t.tx.AscendGreaterOrEqual("", prefix, func(k, _ string) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		keys = append(keys, k)
		return true
	})
	if err != nil {
		return 0, err
	}
	for _, k := range keys {
		if err := t.del(k); err != nil {
			return 0, err
		}
	}
	return len(keys), nil
}
