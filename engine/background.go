package engine

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"dynalab/engine/internal/store"
)

// Background work owned by DB: the TTL sweep, stream shard rollover and
// stream retention. One goroutine runs RunMaintenance every
// Options.SweepInterval (real time); what is due is decided by
// Options.Clock, so tests move a fake clock and call RunMaintenance
// themselves instead of sleeping.

// DefaultSweepInterval is how often the background worker runs by default.
const DefaultSweepInterval = time.Second

// trimBatch bounds the stream records trimmed in one transaction.
const trimBatch = 1000

// background is the state of the background worker.
type background struct {
	stop     chan struct{}
	done     chan struct{}
	stopOnce sync.Once
	run      sync.Mutex // one RunMaintenance at a time

	errMu sync.Mutex
	err   error // the worker's first error, reported by Close

	paceMu       sync.Mutex
	indexBatch   int // online index build/removal: entries per transaction (0: default)
	indexBatches int // and transactions per index per run (0: default)
}

// startBackground starts the worker, unless interval is negative.
func (db *DB) startBackground(interval time.Duration) {
	if interval < 0 {
		return
	}
	if interval == 0 {
		interval = DefaultSweepInterval
	}
	db.bg.stop = make(chan struct{})
	db.bg.done = make(chan struct{})
	go func() {
		defer close(db.bg.done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-db.bg.stop:
				return
			case <-tick.C:
			}
			if err := db.RunMaintenance(); err != nil {
				if errors.Is(err, ErrClosed) {
					return
				}
				db.bg.errMu.Lock()
				if db.bg.err == nil {
					db.bg.err = fmt.Errorf("background maintenance: %w", err)
				}
				db.bg.errMu.Unlock()
			}
		}
	}()
}

// stopBackground stops the worker and waits for it; it returns the
// worker's first error.
func (db *DB) stopBackground() error {
	db.bg.stopOnce.Do(func() {
		if db.bg.stop != nil {
			close(db.bg.stop)
			<-db.bg.done
		}
	})
	db.bg.errMu.Lock()
	defer db.bg.errMu.Unlock()
	return db.bg.err
}

// RunMaintenance does the background work that is due at the clock's
// current time: it rolls over stream shards open longer than
// Options.ShardRollover, trims stream records older than StreamRetention
// (and forgets streams disabled longer ago), advances online index builds
// and removals (index_backfill.go), and deletes expired TTL items.
// The background worker calls it every Options.SweepInterval; with the
// worker disabled, tests and tools call it themselves.
func (db *DB) RunMaintenance() error {
	db.bg.run.Lock()
	defer db.bg.run.Unlock()
	now := db.now()
	if err := db.tickMeter(); err != nil {
		return err
	}
	if err := db.rollShards(now); err != nil {
		return err
	}
	if err := db.trimStreams(now); err != nil {
		return err
	}
	if err := db.maintainIndexes(); err != nil {
		return err
	}
	if err := db.trimGSIPast(now); err != nil {
		return err
	}
	if err := db.foldPITR(now); err != nil {
		return err
	}
	return db.sweepTTL(now)
}

// streamList returns the streams, or only the enabled ones.
func (db *DB) streamList(enabledOnly bool) ([]*streamMeta, error) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return nil, ErrClosed
	}
	list := make([]*streamMeta, 0, len(db.streams))
	for _, s := range db.streams {
		if !enabledOnly || s.DisabledMillis == 0 {
			list = append(list, s)
		}
	}
	return list, nil
}

// rollShards closes every open shard older than the rollover interval and
// opens its child.
func (db *DB) rollShards(now time.Time) error {
	streams, err := db.streamList(true)
	if err != nil {
		return err
	}
	for _, s := range streams {
		if err := db.rollShard(s, now); err != nil {
			return fmt.Errorf("roll over a shard of %s: %w", s.ARN, err)
		}
	}
	return nil
}

func (db *DB) rollShard(s *streamMeta, now time.Time) error {
	db.mu.RLock() // UpdateTable, which disables streams, holds it exclusively
	defer db.mu.RUnlock()
	if db.closed {
		return ErrClosed
	}
	if cur := db.streams[s.ID]; cur == nil || cur.DisabledMillis != 0 {
		return nil
	}
	return db.store.Update(func(tx *store.Tx) error {
		idx, ok, err := tx.OpenShard(s.ID)
		if err != nil || !ok {
			return err
		}
		sh, err := readShard(tx, s.ID, idx)
		if err != nil {
			return err
		}
		if now.UnixMilli()-sh.CreatedMillis < db.shardRollover.Milliseconds() {
			return nil
		}
		if err := closeOpenShard(tx, s.ID, now.UnixMilli()); err != nil {
			return err
		}
		_, err = openShard(tx, s, sh, now.UnixMilli())
		return err
	})
}

// trimStreams removes stream records older than StreamRetention, closed
// shards with nothing left whose close is older than that, and streams
// disabled longer ago than that.
func (db *DB) trimStreams(now time.Time) error {
	streams, err := db.streamList(false)
	if err != nil {
		return err
	}
	cutoff := now.Add(-StreamRetention).UnixMilli()
	for _, s := range streams {
		if s.DisabledMillis != 0 && s.DisabledMillis < cutoff {
			err = db.dropStream(s)
		} else {
			err = db.trimStream(s, cutoff)
		}
		if err != nil {
			return fmt.Errorf("trim %s: %w", s.ARN, err)
		}
	}
	return nil
}

// trimStream trims each shard of s, a batch per transaction, under the
// catalog lock (so never on a closed store).
func (db *DB) trimStream(s *streamMeta, cutoff int64) error {
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return ErrClosed
	}
	var shards []*shardMeta
	err := db.store.View(func(tx *store.Tx) error {
		var err error
		shards, err = readShards(tx, s.ID)
		return err
	})
	if err != nil {
		return err
	}
	for _, sh := range shards {
		for {
			more, err := db.trimShard(s.ID, sh.Index, cutoff)
			if err != nil {
				return err
			}
			if !more {
				break
			}
		}
	}
	return nil
}

// trimShard deletes up to trimBatch expired records of one shard and moves
// its trim horizon; more reports that another batch may be due. A closed
// shard left empty after its retention is deleted.
func (db *DB) trimShard(sid, idx uint32, cutoff int64) (more bool, err error) {
	err = db.store.Update(func(tx *store.Tx) error {
		sh, err := readShard(tx, sid, idx)
		if err != nil {
			return err
		}
		prefix := store.RecordPrefix(sid, idx)
		var keys []string
		empty := true
		var parseErr error
		iterErr := tx.Ascend(prefix, func(k, v string) bool {
			if !strings.HasPrefix(k, prefix) {
				return false
			}
			ms, _, ok := splitStoredRecord(v)
			if !ok {
				parseErr = fmt.Errorf("corrupt stream record %q", k)
				return false
			}
			if ms >= cutoff {
				empty = false
				return false
			}
			if len(keys) == trimBatch {
				more, empty = true, false
				return false
			}
			keys = append(keys, k)
			return true
		})
		if err := errors.Join(iterErr, parseErr); err != nil {
			return err
		}
		if len(keys) == 0 && !(empty && sh.End != 0 && sh.ClosedMillis < cutoff) {
			return nil
		}
		for _, k := range keys {
			if err := tx.Delete(k); err != nil {
				return err
			}
		}
		if len(keys) > 0 {
			sh.Trimmed, _ = store.RecordSeq(keys[len(keys)-1])
		}
		if empty && sh.End != 0 && sh.ClosedMillis < cutoff {
			return tx.Delete(store.ShardKey(sid, idx))
		}
		return putShard(tx, sid, sh)
	})
	return more, err
}

// dropStream forgets a stream whose retention after disabling has passed.
func (db *DB) dropStream(s *streamMeta) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		return ErrClosed
	}
	err := db.store.Update(func(tx *store.Tx) error {
		for _, prefix := range []string{store.StreamRecordPrefix(s.ID), store.ShardPrefix(s.ID)} {
			if _, err := tx.DeleteRange(prefix); err != nil {
				return err
			}
		}
		if err := tx.Delete(store.OpenShardKey(s.ID)); err != nil {
			return err
		}
		return tx.Delete(store.StreamKey(s.ID))
	})
	if err != nil {
		return err
	}
	delete(db.streams, s.ID)
	return nil
}

// splitStoredRecord splits a stored stream record into its creation time
// (epoch milliseconds) and its wire JSON.
func splitStoredRecord(v string) (ms int64, record string, ok bool) {
	i := strings.IndexByte(v, ' ')
	if i < 0 {
		return 0, "", false
	}
	ms, err := strconv.ParseInt(v[:i], 10, 64)
	return ms, v[i+1:], err == nil
}
