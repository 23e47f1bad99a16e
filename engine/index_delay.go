package engine

import (
	"encoding/binary"
	"errors"
	"strings"
	"time"

	"dynalab/engine/attr"
	"dynalab/engine/internal/store"
)

// Simulated GSI propagation delay (Options.GSIPropagationDelay). The
// service updates a GSI asynchronously, so a Query or Scan on it may miss a
// write made a moment ago, or still show an item as it was. With a delay
// d > 0, a read of a GSI sees the index as it was d ago.
//
// The index itself stays exact and current: entries and their statistics
// move in the item's transaction as always (index.move), and DescribeTable
// reports the current index. In the same transaction, move also records
// each change of a GSI entry as an event under
//
//	"p/" iid <entry key without "n/" iid> <t>
//
// whose value is the entry as it was just before the change (the stored
// projection, or "" when there was none) and t the 8-byte big-endian time
// of the change in Unix nanoseconds. The state of an entry at time a is
// then the value of its earliest event after a, or the current entry when
// it has none. A GSI read at asOf = now − d merges the current entries of
// its key range with those states, in index-key order, so Limit,
// LastEvaluatedKey and the 1 MB page work on the merged view. Entry
// encodings are prefix-free, so an entry's events are contiguous and
// ordered by time. RunMaintenance drops events older than d: no read can
// need them any more. Events of a dropped index or table are dropped the
// same way. With d = 0 nothing is recorded and reads are unchanged.

// pastPrefix is the first key of the events of all indexes.
const pastPrefix = "p/"

// pastIndexPrefix is the first key of one index's events.
func pastIndexPrefix(iid uint32) string {
	return pastPrefix + string(binary.BigEndian.AppendUint32(nil, iid))
}

// delayed reports whether changes of the index are recorded as events.
func (ix *index) delayed(t *table) bool {
	return ix.meta.Global && t.db != nil && t.db.gsiDelay > 0
}

// recordPast records, in tx, that the entry at key (an "n/" key) changed
// now and was before (nil: there was none). Of two changes at the same
// instant the first one's state is kept.
func (ix *index) recordPast(tx *store.Tx, t *table, key string, before attr.Item) error {
	if !ix.delayed(t) {
		return nil
	}
	k := make([]byte, 0, len(key)+10)
	k = append(k, pastIndexPrefix(ix.meta.ID)...)
	k = append(k, key[len(ix.prefix):]...)
	k = binary.BigEndian.AppendUint64(k, uint64(t.db.now().UnixNano()))
	switch _, err := tx.Get(string(k)); {
	case err == nil:
		return nil
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	var v []byte
	if before != nil {
		v = appendEntry(before, before.Size())
	}
	return tx.Set(string(k), string(v))
}

// pastView is a delayed read of a GSI: the index as it was at asOf.
type pastView struct {
	nprefix string // the index's entry prefix, "n/" iid
	pprefix string // its event prefix, "p/" iid
	asOf    int64  // Unix nanoseconds
}

// pastView returns the view a read of ix uses, or nil for a current read.
func (t *table) pastView(ix *index) *pastView {
	if !ix.delayed(t) {
		return nil
	}
	return &pastView{
		nprefix: string(ix.prefix),
		pprefix: pastIndexPrefix(ix.meta.ID),
		asOf:    t.db.now().Add(-t.db.gsiDelay).UnixNano(),
	}
}

// pastEntry is the state at asOf of an entry changed since: the encoded
// projection, or "" when the entry did not exist.
type pastEntry struct{ key, value string }

// states returns, in ascending key order, the state at asOf of every entry
// in r changed after asOf.
func (v *pastView) states(tx *store.Tx, r keyRange) ([]pastEntry, error) {
	from := v.pprefix + r.prefix[len(v.nprefix):]
	var out []pastEntry
	err := tx.Ascend(from, func(k, val string) bool {
		if !strings.HasPrefix(k, from) {
			return false
		}
		if len(k) < len(v.pprefix)+8 {
			return true
		}
		at := int64(binary.BigEndian.Uint64([]byte(k[len(k)-8:])))
		if at <= v.asOf {
			return true
		}
		key := v.nprefix + k[len(v.pprefix):len(k)-8]
		if n := len(out); n > 0 && out[n-1].key == key {
			return true // a later change of the same entry
		}
		if r.contains(key) {
			out = append(out, pastEntry{key, val})
		}
		return true
	})
	return out, err
}

// walk calls visit for the entries of r as they were at asOf, in r's
// order, while visit returns true.
func (v *pastView) walk(tx *store.Tx, r keyRange, visit func(k, v string) bool) error {
	past, err := v.states(tx, r)
	if err != nil {
		return err
	}
	if r.reverse {
		for i, j := 0, len(past)-1; i < j; i, j = i+1, j-1 {
			past[i], past[j] = past[j], past[i]
		}
	}
	before := func(a, b string) bool {
		if r.reverse {
			return a > b
		}
		return a < b
	}
	i, stopped := 0, false
	current := func(k, val string) bool {
		for ; i < len(past) && before(past[i].key, k); i++ {
			if past[i].value != "" && !visit(past[i].key, past[i].value) {
				stopped = true
				return false
			}
		}
		if i < len(past) && past[i].key == k {
			val = past[i].value
			i++
			if val == "" {
				return true // not in the index yet
			}
		}
		if !visit(k, val) {
			stopped = true
			return false
		}
		return true
	}
	if r.reverse {
		err = r.descend(tx, current)
	} else {
		err = r.ascend(tx, current)
	}
	if err != nil || stopped {
		return err
	}
	for ; i < len(past); i++ {
		if past[i].value != "" && !visit(past[i].key, past[i].value) {
			break
		}
	}
	return nil
}

// contains reports whether store key k is in r.
func (r keyRange) contains(k string) bool {
	if !strings.HasPrefix(k, r.prefix) || k == r.after {
		return false
	}
	if r.lo != "" && (k < r.lo || (k == r.lo && !r.loIncl)) {
		return false
	}
	if r.hi != "" && (k > r.hi || (k == r.hi && !r.hiIncl)) {
		return false
	}
	if r.after != "" && ((!r.reverse && k < r.after) || (r.reverse && k > r.after)) {
		return false
	}
	return !r.pastHash(k)
}

// walk calls visit for the keys of r in order while it returns true; a
// delayed GSI read sees the index as it was (pastView).
func (r keyRange) walk(tx *store.Tx, visit func(k, v string) bool) error {
	switch {
	case r.past != nil:
		return r.past.walk(tx, r, visit)
	case r.reverse:
		return r.descend(tx, visit)
	}
	return r.ascend(tx, visit)
}

// trimGSIPast drops the events no delayed read can need: those older than
// the delay (all of them when there is none), a batch per transaction.
// Events are ordered by index and entry, not by time, so each run reads
// them all; there are only as many as changes within the delay.
func (db *DB) trimGSIPast(now time.Time) error {
	cutoff := now.Add(-db.gsiDelay).UnixNano()
	from := pastPrefix
	for {
		var old []string
		more := false
		err := db.store.View(func(tx *store.Tx) error {
			return tx.Ascend(from, func(k, _ string) bool {
				if !strings.HasPrefix(k, pastPrefix) {
					return false
				}
				if len(old) == trimBatch {
					more = true
					return false
				}
				from = k
				if len(k) < len(pastPrefix)+12 || int64(binary.BigEndian.Uint64([]byte(k[len(k)-8:]))) <= cutoff {
					old = append(old, k)
				}
				return true
			})
		})
		if err == nil && len(old) > 0 {
			err = db.store.Update(func(tx *store.Tx) error {
				for _, k := range old {
					if err := tx.Delete(k); err != nil {
						return err
					}
				}
				return nil
			})
		}
		if err != nil || !more {
			return err
		}
	}
}
