package engine

import (
	"encoding/binary"
	"strings"

	"dynalab/engine/attr"
	"dynalab/engine/internal/store"
)

// maxPageBytes is where a Query or Scan page stops: 1 MB of items read.
const maxPageBytes = 1 << 20

// keyRange is a contiguous run of store keys to read, in either direction.
type keyRange struct {
	prefix         string // every key in range starts with it
	lo, hi         string // bounds inside prefix; "" = unbounded
	loIncl, hiIncl bool
	reverse        bool
	after          string  // exclusive start (ExclusiveStartKey), "" = none
	maxHash        *uint64 // parallel scan: stop past this partition hash
	hashAt         int     // offset of the 8-byte hash in a key
	// past, when set, reads a GSI as it was (a delayed read, index_delay.go).
	past *pastView
	// onRead, when set, is told the store key and size of each item read
	// (a Scan's per-partition capacity, partitionCost).
	onRead func(key string, size int)
}

// page is what one Query or Scan page read.
type page struct {
	items   []attr.Item // items that passed the filter
	scanned int         // items read
	bytes   int         // their total size
	last    attr.Item   // item read last, when the page stopped early
}

// readPage reads items in r until limit items were read (0 = no limit) or
// 1 MB, keeping those for which keep returns true.
//
// load, when not nil, turns what is read (an index entry) into the item
// the filter and the page see (the base item, for an LSI read fetching
// attributes the index does not project).
func readPage(tx *store.Tx, r keyRange, limit int, keep func(attr.Item) bool, load func(attr.Item) (attr.Item, error)) (*page, error) {
	p := &page{}
	var decodeErr error
	visit := func(k, v string) bool {
		item, err := decodeStored(v)
		if err != nil {
			decodeErr = err
			return false
		}
		p.scanned++
		size := item.Size()
		p.bytes += size
		if r.onRead != nil {
			r.onRead(k, size)
		}
		seen := item
		if load != nil {
			if seen, err = load(item); err != nil {
				decodeErr = err
				return false
			}
		}
		if keep(seen) {
			p.items = append(p.items, seen)
		}
		if (limit > 0 && p.scanned >= limit) || p.bytes >= maxPageBytes {
			p.last = item
			return false
		}
		return true
	}
	if err := r.walk(tx, visit); err != nil {
		return nil, err
	}
	return p, decodeErr
}

func (r keyRange) ascend(tx *store.Tx, visit func(k, v string) bool) error {
	start := r.prefix
	if r.lo != "" {
		start = r.lo
	}
	if r.after != "" && r.after > start {
		start = r.after
	}
	return tx.Ascend(start, func(k, v string) bool {
		if !strings.HasPrefix(k, r.prefix) {
			return false
		}
		if k == r.after || (k == r.lo && !r.loIncl) {
			return true
		}
		if r.hi != "" && (k > r.hi || (k == r.hi && !r.hiIncl)) {
			return false
		}
		if r.pastHash(k) {
			return false
		}
		return visit(k, v)
	})
}

func (r keyRange) descend(tx *store.Tx, visit func(k, v string) bool) error {
	start := successor(r.prefix)
	if r.hi != "" {
		start = r.hi
	}
	if r.after != "" && r.after < start {
		start = r.after
	}
	return tx.Descend(start, func(k, v string) bool {
		if !strings.HasPrefix(k, r.prefix) {
			return k > r.prefix // skip the successor itself, stop below the prefix
		}
		if k == r.after || (k == r.hi && !r.hiIncl) || (r.hi != "" && k > r.hi) {
			return true
		}
		if r.lo != "" && (k < r.lo || (k == r.lo && !r.loIncl)) {
			return false
		}
		return visit(k, v)
	})
}

func (r keyRange) pastHash(k string) bool {
	if r.maxHash == nil || len(k) < r.hashAt+8 {
		return false
	}
	return binary.BigEndian.Uint64([]byte(k[r.hashAt:r.hashAt+8])) > *r.maxHash
}

// successor returns the smallest string greater than every string that
// starts with p ("" when there is none).
func successor(p string) string {
	b := []byte(p)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] != 0xFF {
			b[i]++
			return string(b[:i+1])
		}
	}
	return ""
}
