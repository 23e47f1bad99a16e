package engine

import (
	"sync"
	"sync/atomic"
	"time"

	"dynalab/engine/attr"
)

// Change event names, as stream records name them.
const (
	EventInsert = "INSERT"
	EventModify = "MODIFY"
	EventRemove = "REMOVE"
)

// ChangeEvent is one committed change to an item, as delivered by
// Subscribe. Images are the subscriber's own copies.
type ChangeEvent struct {
	Table     string    // table name
	EventName string    // EventInsert, EventModify or EventRemove
	Keys      attr.Item // the item's key attributes
	OldImage  attr.Item // the item before the change; nil for an INSERT
	NewImage  attr.Item // the item after the change; nil for a REMOVE
	Time      time.Time // commit time, from Options.Clock
	// TTL reports a deletion by the TTL sweeper (a REMOVE whose stream
	// record names the service as its userIdentity).
	TTL bool
	// SequenceNumber is the change's stream record, when the table has a
	// stream enabled; "" otherwise.
	SequenceNumber string
	// Origin is the region a replicated write was made in (ApplyReplica);
	// "" for a write made here.
	Origin string
	// Dropped counts the events this subscriber lost just before this one
	// because its buffer was full.
	Dropped int
}

// feed delivers change events to subscribers. publish runs in a write
// transaction's commit callback, so events arrive in commit order.
type feed struct {
	mu     sync.Mutex
	subs   map[*subscriber]struct{}
	n      atomic.Int32 // len(subs), read without the lock on the write path
	closed bool
}

type subscriber struct {
	ch      chan ChangeEvent
	dropped int
}

// active reports whether anyone listens; writers skip building events
// otherwise.
func (f *feed) active() bool { return f.n.Load() > 0 }

func (f *feed) publish(ev ChangeEvent) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for s := range f.subs {
		e := ev
		e.Dropped = s.dropped
		select {
		case s.ch <- e:
			s.dropped = 0
		default:
			s.dropped++
		}
	}
}

// close ends every subscription; later Subscribe calls get closed channels.
func (f *feed) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	for s := range f.subs {
		close(s.ch)
	}
	f.subs = nil
	f.n.Store(0)
}

// Subscribe delivers every committed item change — from any operation, on
// every table, whether or not the table has a stream — to the returned
// channel, in commit order, from now until cancel is called or the DB is
// closed; either closes the channel. buffer (at least 1) is the channel's
// capacity: writers never wait for a subscriber, so when the buffer is
// full events are dropped, and the next event delivered says how many in
// Dropped. cancel may be called more than once.
func (db *DB) Subscribe(buffer int) (events <-chan ChangeEvent, cancel func()) {
	s := &subscriber{ch: make(chan ChangeEvent, max(buffer, 1))}
	f := &db.feed
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		close(s.ch)
		return s.ch, func() {}
	}
	if f.subs == nil {
		f.subs = map[*subscriber]struct{}{}
	}
	f.subs[s] = struct{}{}
	f.n.Add(1)
	f.mu.Unlock()
	var once sync.Once
	return s.ch, func() {
		once.Do(func() {
			f.mu.Lock()
			defer f.mu.Unlock()
			if _, ok := f.subs[s]; ok {
				delete(f.subs, s)
				f.n.Add(-1)
				close(s.ch)
			}
		})
	}
}
