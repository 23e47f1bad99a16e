package engine

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"dynalab/engine/attr"
	"dynalab/engine/internal/store"
)

// ttlBatch is how many schedule entries the sweeper reads at a time.
const ttlBatch = 256

// ttlCandidate is a schedule entry due at the sweep's time.
type ttlCandidate struct {
	key, value string // schedule key and the TTL attribute's number text
	suffix     string // the item's storage key after the table prefix
}

// sweepTTL deletes the expired items of every table whose TTL is ENABLED:
// items whose TTL attribute is a Number of epoch seconds before now and not
// more than five years before it. Each deletion is its own transaction, a
// REMOVE with the service's userIdentity in the table's stream.
func (db *DB) sweepTTL(now time.Time) error {
	type target struct {
		name string
		tid  uint32
	}
	db.mu.RLock()
	if db.closed {
		db.mu.RUnlock()
		return ErrClosed
	}
	var targets []target
	for name, t := range db.tables {
		if t.meta.TTL.status(now, db.ttlSettle) == TTLEnabled {
			targets = append(targets, target{name, t.meta.ID})
		}
	}
	db.mu.RUnlock()
	var errs []error
	for _, tg := range targets {
		if err := db.sweepTable(tg.name, tg.tid, now); err != nil {
			errs = append(errs, fmt.Errorf("TTL sweep of %s: %w", tg.name, err))
		}
	}
	return errors.Join(errs...)
}

// sweepTable sweeps one table, a batch of due schedule entries at a time.
func (db *DB) sweepTable(name string, tid uint32, now time.Time) error {
	nowN, err1 := attr.N(millisText(now.UnixMilli()))
	cutoffN, err2 := attr.N(millisText(now.AddDate(-5, 0, 0).UnixMilli()))
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	due := uint64(max(now.Unix(), 0))
	from := store.TTLPrefix(tid)
	for {
		cands, next, err := db.dueEntries(tid, from, due)
		if err != nil {
			return err
		}
		for _, c := range cands {
			v, err := attr.N(c.value)
			if err != nil {
				return fmt.Errorf("corrupt TTL schedule entry %q: %w", c.value, err)
			}
			if cmp, _ := attr.Compare(v, cutoffN); cmp < 0 {
				// More than five years in the past: never expires, as the
				// service ignores such values. Drop the entry for good.
				err = db.dropTTLEntry(name, tid, c)
			} else if cmp, _ := attr.Compare(v, nowN); cmp < 0 {
				err = db.expireItem(name, tid, c, now)
			}
			if err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		from = next
	}
}

// dueEntries reads up to ttlBatch schedule entries from key from on whose
// whole-second expiry is at most due. next is where to continue, "" when
// no due entries remain.
func (db *DB) dueEntries(tid uint32, from string, due uint64) (cands []ttlCandidate, next string, err error) {
	prefix := store.TTLPrefix(tid)
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return nil, "", ErrClosed
	}
	err = db.store.View(func(tx *store.Tx) error {
		return tx.Ascend(from, func(k, v string) bool {
			if !strings.HasPrefix(k, prefix) {
				return false
			}
			_, exp, suffix, ok := store.ParseTTLKey(k)
			if !ok || exp > due {
				return false
			}
			if len(cands) == ttlBatch {
				next = k
				return false
			}
			cands = append(cands, ttlCandidate{key: k, value: v, suffix: suffix})
			return true
		})
	})
	return cands, next, err
}

// expireItem deletes the item of a due schedule entry in its own
// transaction, if the entry is still current (no write moved it since it
// was read).
func (db *DB) expireItem(name string, tid uint32, c ttlCandidate, now time.Time) error {
	return db.withTTLTable(name, tid, func(t *table) error {
		itemKey := string(t.prefix) + c.suffix
		return db.store.Update(func(tx *store.Tx) error {
			if v, err := tx.Get(c.key); err != nil || v != c.value {
				return nil // gone or changed: the write path has moved the entry
			}
			old, err := readItem(tx, itemKey)
			if err != nil {
				return err
			}
			if old == nil {
				return tx.Delete(c.key)
			}
			return t.removeItem(tx, itemKey, old, true)
		})
	})
}

// dropTTLEntry removes a schedule entry that can never expire.
func (db *DB) dropTTLEntry(name string, tid uint32, c ttlCandidate) error {
	return db.withTTLTable(name, tid, func(t *table) error {
		return db.store.Update(func(tx *store.Tx) error {
			if v, err := tx.Get(c.key); err != nil || v != c.value {
				return nil
			}
			return tx.Delete(c.key)
		})
	})
}

// withTTLTable runs fn under the catalog lock if the table still exists
// with TTL enabled; otherwise it does nothing.
func (db *DB) withTTLTable(name string, tid uint32, fn func(t *table) error) error {
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return ErrClosed
	}
	t := db.tables[name]
	if t == nil || t.meta.ID != tid || t.meta.TTL == nil || !t.meta.TTL.Enabled {
		return nil
	}
	return fn(t)
}

// millisText renders epoch milliseconds as exact decimal seconds.
func millisText(ms int64) string {
	sign := ""
	if ms < 0 {
		sign, ms = "-", -ms
	}
	frac := strconv.FormatInt(ms%1000, 10)
	return sign + strconv.FormatInt(ms/1000, 10) + "." + strings.Repeat("0", 3-len(frac)) + frac
}
