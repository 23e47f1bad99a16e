package store

import (
	"cmp"
	"encoding/binary"
	"slices"

	"github.com/tidwall/buntdb"
)

// loader collects the commands of a framed file while open scans it for
// its last valid commit record, so that the file is read and parsed once,
// and then puts the surviving keys into buntdb in key order.
//
// buntdb's own Load inserts every command in file order. A file written by
// writes (an import: items in partition-hash order, that is at random)
// then costs a btree descent with cache misses on every comparison: about
// 1.2 µs a key, 60% of opening a 1M-item database. Sorted, each insert
// walks the same hot right edge of the tree. Each key and its value also
// share one allocation instead of two (buntdb copies each into a string of
// its own), which saves the rounding of one of them to a size class.
type loader struct {
	head      *loadOp // the header: set m/format (kept apart, as it sorts among the keys)
	ops       []loadOp
	tooBig    bool  // past maxLoadOps
	headerOps int   // ops up to the end of the header
	commitEnd int64 // where the last valid commit record seen ends
	committed int   // ops before it
	disorder  int   // ops whose key is not above the one before, or that delete
	scratch   []byte
	size      int64 // the file's size, to size ops from the first commands
	read      int64 // about the bytes of the commands added so far
}

// loadOp is one command: a set (kv holds the key then the value, klen
// the key's length) or a del (kv is the key, klen -1). ord is its place in
// the file, which decides between ops on one key once they are sorted.
// pre is a digit of the key (digit), for sorting.
type loadOp struct {
	pre  [2]uint64
	kv   string
	klen int32
	ord  int32
}

func (o *loadOp) del() bool { return o.klen < 0 }

func (o *loadOp) key() string {
	if o.klen < 0 {
		return o.kv
	}
	return o.kv[:o.klen]
}

func (o *loadOp) value() string { return o.kv[max(o.klen, 0):] }

// maxLoadOps keeps ord and klen in their 32 bits; a file with more
// commands, or a longer key, is loaded by buntdb's Load.
const maxLoadOps = 1<<31 - 1

// digitLen is how many key bytes a loadOp's pre holds: pre is the
// digitLen bytes of the key from some depth on, zero-padded, then one byte
// that is how many bytes of the key are left there, up to digitLen+1.
// Comparing pre compares two keys' bytes at that depth as strings do; pre
// is equal for two keys that are equal there or both go on past it.
const digitLen = 15

func digit(key string, depth int) [2]uint64 {
	var b [16]byte
	rest := key[min(depth, len(key)):]
	copy(b[:digitLen], rest)
	b[digitLen] = byte(min(len(rest), digitLen+1))
	return [2]uint64{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

func comparePre(a, b *loadOp) int {
	if c := cmp.Compare(a.pre[0], b.pre[0]); c != 0 {
		return c
	}
	return cmp.Compare(a.pre[1], b.pre[1])
}

// sortOps sorts ops — whose keys are equal up to depth and whose pre is
// the digit at depth — by key and, on one key, in file order: the last op
// on a key sorts last. It is a radix sort by 15-byte digits: each pass
// compares the digits held in the ops, never the keys, which lie at random
// in memory (a cache miss a comparison: sorting 2M keys with
// strings.Compare took 1.2 s); only the runs that tie read their keys'
// next digit, once each.
func sortOps(ops []loadOp, depth int) {
	slices.SortFunc(ops, func(a, b loadOp) int { return comparePre(&a, &b) })
	for i := 0; i < len(ops); {
		j := i + 1
		for j < len(ops) && ops[j].pre == ops[i].pre {
			j++
		}
		switch run := ops[i:j]; {
		case len(run) == 1:
		case byte(run[0].pre[1]) <= digitLen:
			// The keys end here: one key, its ops in file order.
			slices.SortFunc(run, func(a, b loadOp) int { return int(a.ord - b.ord) })
		default:
			for k := range run {
				run[k].pre = digit(run[k].key(), depth+digitLen)
			}
			sortOps(run, depth+digitLen)
		}
		i = j
	}
}

func newLoader(size int64) *loader { return &loader{size: size} }

// sorted reports whether the ops are in key order with no deletes: apply
// then needs no sort.
func (l *loader) sorted() bool { return l.disorder == 0 }

// outOfOrder reports whether more than a quarter of the ops break the key
// order: a file written by imports or random writes, worth rewriting in
// order so that the next open need not sort. A compacted file with the
// writes of a session or two appended is not.
func (l *loader) outOfOrder() bool { return l.disorder*4 > len(l.ops) }

// sampleOps is how many commands size the ops slice for the whole file:
// growing it by appending copied 2M ops about twice (0.3 s of a 1M-item
// open, most of it faulting in fresh pages).
const sampleOps = 4096

// add records a command of the transaction being read: set(key, value) or
// del(key) when del.
func (l *loader) add(key, value []byte, del bool) {
	if l.tooBig || len(l.ops) == maxLoadOps || len(key) > maxLoadOps {
		l.tooBig, l.ops = true, nil
		return
	}
	n := len(l.ops)
	if n > 0 && (del || l.ops[n-1].key() >= string(key)) {
		l.disorder++
	}
	op := loadOp{klen: int32(len(key)), ord: int32(n)}
	if del {
		op.kv, op.klen = string(key), -1
	} else {
		l.scratch = append(append(l.scratch[:0], key...), value...)
		op.kv = string(l.scratch)
	}
	op.pre = digit(op.key(), 0)
	l.read += int64(len(key) + len(value) + 24) // and the RESP framing
	if n == sampleOps && l.size > 0 {
		// What the rest of the file holds at this rate, and a little.
		if want := l.size / (l.read / sampleOps) * 21 / 20; want > int64(cap(l.ops)) && want < maxLoadOps {
			l.ops = slices.Grow(l.ops, int(want)-n)
		}
	}
	l.ops = append(l.ops, op)
}

// header records the file's header command, set(key, value), which ends
// at end.
func (l *loader) header(key, value []byte, end int64) {
	l.head = &loadOp{kv: string(key) + string(value), klen: int32(len(key))}
	l.headerOps, l.commitEnd, l.committed = len(l.ops), end, len(l.ops)
}

// commit marks a valid commit record ending at end: the ops before it count.
func (l *loader) commit(end int64) {
	l.commitEnd, l.committed = end, len(l.ops)
}

// keep cuts the ops back to those of the file's first end bytes (the
// header's end, or a commit record's); false when end is neither, and the
// file must be loaded another way.
func (l *loader) keep(end, headerEnd int64) bool {
	n := len(l.ops)
	switch {
	case l.tooBig:
		return false
	case end == l.commitEnd:
		l.ops = l.ops[:l.committed]
	case end == headerEnd:
		l.ops = l.ops[:l.headerOps]
	case end == 0:
		l.ops, l.head = l.ops[:0], nil
	default:
		return false
	}
	clear(l.ops[len(l.ops):n]) // let the dropped strings go (the capacity beyond n was never touched)
	return true
}

// apply puts what the kept ops leave into db, which is empty, and returns
// the live bytes: what a compaction would write for them (liveLen).
// p (nil for none) hears how far it is and may cancel it.
func (l *loader) apply(db *buntdb.DB, p *loadProgress) (live int64, err error) {
	ops := l.ops
	l.ops, l.scratch = nil, nil
	if !l.sorted() {
		sortOps(ops, 0)
	}
	err = db.Update(func(tx *buntdb.Tx) error {
		// On an empty database DeleteAll only makes the transaction keep
		// no rollback record per key: it has nothing to roll back to.
		if err := tx.DeleteAll(); err != nil {
			return err
		}
		if l.head != nil { // first: a transaction may set the key again
			if _, _, err := tx.Set(l.head.key(), l.head.value(), nil); err != nil {
				return err
			}
		}
		// Every other key first, then the rest: inserted in order, the
		// btree splits a full node in half and leaves every node half
		// full (32 bytes a key instead of 16); the second pass fills them.
		for pass := range 2 {
			kept := 0
			for i := range ops {
				if i%1024 == 0 && !p.applied(pass*len(ops)+i, 2*len(ops)) {
					return p.err
				}
				op := &ops[i]
				k := op.key()
				if op.del() || i+1 < len(ops) && ops[i+1].pre == op.pre && ops[i+1].key() == k {
					continue // deleted, or set again later
				}
				kept++
				if kept%2 != pass {
					continue
				}
				if _, _, err := tx.Set(k, op.value(), nil); err != nil {
					return err
				}
				if k != keyFormat && k != keyCommit {
					live += liveLen(k, op.value())
				}
			}
		}
		return nil
	})
	return live, err
}
