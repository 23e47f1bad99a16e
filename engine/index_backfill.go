package engine

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"

	"dynalab/engine/internal/store"
)

// Online index builds and removals, run by the background worker
// (RunMaintenance), a bounded batch per write transaction.
//
// Backfill. A GSI added by UpdateTable is CREATING from the start, and
// writes maintain it like any index from that moment, over the whole
// table: index.move reads whether an entry exists instead of assuming it.
// The backfill walks the table's items in key order from a cursor; for each
// item it writes the entry only if none exists (a write since the index was
// added has already put the current one there), in the same transaction as
// it reads the item, so an entry always reflects the item's latest
// committed state and none is written or counted twice. Items whose index
// key has the wrong type, is empty or is too long are skipped, as the
// service skips them (they stay in the table; writes of such values are
// refused from now on). The cursor — the store key of the last item visited
// — is saved in the batch's transaction under b/<iid>, so a restart resumes
// where the last committed batch ended. When a batch finds the end of the
// table, the index becomes ACTIVE.
//
// Removal. A DELETING index is not maintained and not readable; its
// entries go a batch per transaction, and then its catalog entry,
// statistics and no longer used attribute definitions.

// Default pace: entries per transaction, transactions per index per run.
const (
	defaultIndexBatch   = 1000
	defaultIndexBatches = 50
)

// backfillKey is the store key of a CREATING index's backfill cursor.
func backfillKey(iid uint32) string {
	return "b/" + string(binary.BigEndian.AppendUint32(nil, iid))
}

// indexPace returns the batch size and the batches per run.
func (db *DB) indexPace() (batch, batches int) {
	db.bg.paceMu.Lock()
	defer db.bg.paceMu.Unlock()
	batch, batches = db.bg.indexBatch, db.bg.indexBatches
	if batch <= 0 {
		batch = defaultIndexBatch
	}
	if batches <= 0 {
		batches = defaultIndexBatches
	}
	return batch, batches
}

// setIndexPace sets the batch size and the batches per run (0: default).
func (db *DB) setIndexPace(batch, batches int) {
	db.bg.paceMu.Lock()
	db.bg.indexBatch, db.bg.indexBatches = batch, batches
	db.bg.paceMu.Unlock()
}

// indexJob is one index being built or removed.
type indexJob struct {
	table  string
	tid    uint32
	iid    uint32
	status string // CREATING or DELETING
}

// maintainIndexes advances every online index build and removal.
func (db *DB) maintainIndexes() error {
	db.mu.RLock()
	if db.closed {
		db.mu.RUnlock()
		return ErrClosed
	}
	var jobs []indexJob
	for name, t := range db.tables {
		for _, ix := range t.indexes {
			if ix.meta.Status != "" {
				jobs = append(jobs, indexJob{table: name, tid: t.meta.ID, iid: ix.meta.ID, status: ix.meta.Status})
			}
		}
	}
	db.mu.RUnlock()
	slices.SortFunc(jobs, func(a, b indexJob) int { return strings.Compare(a.table, b.table) })
	batch, batches := db.indexPace()
	var errs []error
	for _, j := range jobs {
		if err := db.runIndexJob(j, batch, batches); err != nil {
			if errors.Is(err, ErrClosed) {
				return err
			}
			errs = append(errs, fmt.Errorf("index %d of %s: %w", j.iid, j.table, err))
		}
	}
	return errors.Join(errs...)
}

func (db *DB) runIndexJob(j indexJob, batch, batches int) error {
	for range batches {
		done, err := db.indexBatch(j, batch)
		if err != nil || !done {
			return err
		}
		return db.finishIndex(j)
	}
	return nil
}

// jobIndex returns the table and index of a job while it is still due
// (nil when the table or the index changed meanwhile). The caller holds mu.
func (db *DB) jobIndex(j indexJob) (*table, *index) {
	t := db.tables[j.table]
	if t == nil || t.meta.ID != j.tid {
		return nil, nil
	}
	for _, ix := range t.indexes {
		if ix.meta.ID == j.iid && ix.meta.Status == j.status {
			return t, ix
		}
	}
	return nil, nil
}

// indexBatch runs one transaction of a job; done reports that nothing is
// left to do but finishIndex.
func (db *DB) indexBatch(j indexJob, batch int) (done bool, err error) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return false, ErrClosed
	}
	t, ix := db.jobIndex(j)
	if ix == nil {
		return false, nil
	}
	err = db.store.Update(func(tx *store.Tx) error {
		var err error
		if j.status == StatusCreating {
			done, err = backfillBatch(tx, t, ix, batch)
		} else {
			done, err = removeBatch(tx, ix, batch)
		}
		return err
	})
	return done, err
}

// backfillBatch indexes up to batch items after the cursor.
func backfillBatch(tx *store.Tx, t *table, ix *index, batch int) (done bool, err error) {
	ck := backfillKey(ix.meta.ID)
	prefix := string(t.prefix)
	from, err := tx.Get(ck)
	switch {
	case errors.Is(err, store.ErrNotFound):
		from = prefix
	case err != nil:
		return false, err
	}
	var keys, values []string
	more := false
	err = tx.Ascend(from, func(k, v string) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		if k == from {
			return true
		}
		if len(keys) == batch {
			more = true
			return false
		}
		keys, values = append(keys, k), append(values, v)
		return true
	})
	if err != nil {
		return false, err
	}
	for _, v := range values {
		item, err := decodeStored(v)
		if err != nil {
			return false, err
		}
		if ix.checkValues(item) != nil {
			continue // not indexable: skipped, as the service does
		}
		key, ok := ix.entryKey(t, item)
		if !ok {
			continue
		}
		if _, err := tx.Get(key); err == nil {
			continue // maintained by a write since the index was added
		} else if !errors.Is(err, store.ErrNotFound) {
			return false, err
		}
		proj := ix.project(t, item)
		size := proj.Size()
		if err := tx.Set(key, bytesString(appendEntry(proj, size))); err != nil {
			return false, err
		}
		if err := tx.AddStats(ix.meta.ID, 1, int64(size)); err != nil {
			return false, err
		}
	}
	if !more {
		return true, tx.Delete(ck)
	}
	return false, tx.Set(ck, keys[len(keys)-1])
}

// removeBatch deletes up to batch entries of a DELETING index.
func removeBatch(tx *store.Tx, ix *index, batch int) (done bool, err error) {
	prefix := string(ix.prefix)
	var keys []string
	var size int64
	var decodeErr error
	more := false
	err = tx.Ascend(prefix, func(k, v string) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		if len(keys) == batch {
			more = true
			return false
		}
		it, err := decodeStored(v)
		if err != nil {
			decodeErr = err
			return false
		}
		keys = append(keys, k)
		size += int64(it.Size())
		return true
	})
	if err := errors.Join(err, decodeErr); err != nil {
		return false, err
	}
	for _, k := range keys {
		if err := tx.Delete(k); err != nil {
			return false, err
		}
	}
	return !more, tx.AddStats(ix.meta.ID, -int64(len(keys)), -size)
}

// finishIndex makes a backfilled index ACTIVE, or forgets a removed one,
// in the catalog.
func (db *DB) finishIndex(j indexJob) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		return ErrClosed
	}
	t, ix := db.jobIndex(j)
	if ix == nil {
		return nil
	}
	m := t.meta
	m.Indexes = slices.Clone(m.Indexes)
	i := slices.IndexFunc(m.Indexes, func(im indexMeta) bool { return im.ID == j.iid })
	if j.status == StatusCreating {
		m.Indexes[i].Status = ""
	} else {
		m.Indexes = slices.Delete(m.Indexes, i, i+1)
		pruneDefinitions(&m)
	}
	var nt *table
	err := db.store.Update(func(tx *store.Tx) error {
		if err := tx.Delete(backfillKey(j.iid)); err != nil {
			return err
		}
		if j.status == StatusDeleting {
			if _, err := tx.DeleteRange(string(ix.prefix)); err != nil {
				return err
			}
			if err := tx.DropStats(j.iid); err != nil {
				return err
			}
		}
		nt = db.catalogTable(m)
		rec, err := nt.encodeMeta()
		if err != nil {
			return err
		}
		return tx.Set(store.TableKey(m.Name), rec)
	})
	if err != nil {
		return err
	}
	db.tables[m.Name] = nt
	return nil
}
