package engine

import (
	"fmt"
	"slices"

	"dynalab/engine/internal/store"
)

// SubscribeCapacity returns a channel of per-second capacity samples, one
// per table per second (idle seconds included), as the background worker
// (or RunMaintenance) closes each second, and a cancel function that ends
// the subscription. Samples are dropped, never queued without bound, when
// the reader falls more than buffer samples behind. Close ends every
// subscription.
func (db *DB) SubscribeCapacity(buffer int) (samples <-chan CapacitySample, cancel func()) {
	ch := make(chan CapacitySample, max(buffer, 1))
	m := db.meter
	m.mu.Lock()
	if m.closed {
		close(ch)
		m.mu.Unlock()
		return ch, func() {}
	}
	m.subs[ch] = struct{}{}
	m.mu.Unlock()
	return ch, func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		if _, ok := m.subs[ch]; ok {
			delete(m.subs, ch)
			close(ch)
		}
	}
}

// CapacityHistory returns the closed seconds of a table's metering, at
// most the last hour, oldest first.
func (db *DB) CapacityHistory(tableName string) ([]CapacitySample, error) {
	var tm *tableMeter
	err := db.readTable(tableName, func(t *table) error {
		tm = t.meter
		return nil
	})
	if err != nil {
		return nil, err
	}
	tm.mu.Lock()
	defer tm.mu.Unlock()
	h := tm.history
	return slices.Clone(h[max(0, len(h)-historySeconds):]), nil
}

// tickMeter closes the seconds that have ended on every table and
// publishes their samples, with item counts read from the store.
func (db *DB) tickMeter() error {
	db.mu.RLock()
	closed := db.closed
	db.mu.RUnlock()
	if closed {
		return ErrClosed
	}
	var err error
	db.meter.tick(func(tm *tableMeter) (int64, int64) {
		var s store.Stats
		e := db.store.View(func(tx *store.Tx) error {
			var e error
			s, e = tx.ReadStats(tm.id)
			return e
		})
		if e != nil && err == nil {
			err = fmt.Errorf("read statistics of %s: %w", tm.name, e)
		}
		return s.Items, s.Bytes
	})
	return err
}
