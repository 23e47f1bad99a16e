package sessions

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/engine/auth"
	"dynalab/engine/server"
)

// Feeds are a backend's live feeds, for the workbench. A nil channel is a
// feed the backend does not have: a remote endpoint has no capacity feed,
// and its changes come only from tables with a stream. Every channel
// closes when the context given to Subscribe ends or the backend closes.
type Feeds struct {
	Changes  <-chan Change         // committed changes, in commit order
	Capacity <-chan CapacitySample // one sample a second per table and index
	Events   <-chan Event          // notices, authorization decisions, requests served
}

// ChangeKind is what a change did.
type ChangeKind uint8

// The kinds of change, as stream records name them.
const (
	ChangeInsert ChangeKind = iota + 1 // INSERT: a new item
	ChangeModify                       // MODIFY: an item changed
	ChangeRemove                       // REMOVE: an item was deleted
)

// ParseChangeKind returns the kind of a stream record's eventName, or 0.
func ParseChangeKind(eventName string) ChangeKind {
	switch eventName {
	case engine.EventInsert:
		return ChangeInsert
	case engine.EventModify:
		return ChangeModify
	case engine.EventRemove:
		return ChangeRemove
	}
	return 0
}

// Change is one committed change, or (Status set) news about the feed.
type Change struct {
	Seq      string    // the stream record's sequence number; "" without a stream
	Time     time.Time // when it was committed
	Table    string
	Kind     ChangeKind
	Keys     attr.Item // the item's key attributes
	OldImage attr.Item // before (MODIFY, REMOVE), when kept
	NewImage attr.Item // after (INSERT, MODIFY), when kept
	TTL      bool      // a deletion by the TTL sweeper (the service's own)
	Dropped  int       // changes lost just before this one: the reader fell behind
	Status   *FeedStatus
}

// CapacitySample is one second of one table's (or index's) capacity.
type CapacitySample struct {
	Time                           time.Time
	Table, Index                   string // Index "" for the table itself
	ConsumedRCU, ConsumedWCU       float64
	ProvisionedRCU, ProvisionedWCU float64 // 0 on demand
	OnDemand                       bool
	ThrottledReads                 int
	ThrottledWrites                int
	HotKeys                        []HotKey // hottest first
}

// HotKey is a partition key's capacity units in a second.
type HotKey struct {
	Key                   string
	Units                 float64 // ReadUnits + WriteUnits
	ReadUnits, WriteUnits float64
}

// Event is something the Activity pane lists beside the workbench's own
// operations: an engine notice (the first throttle of a table), an
// authorization decision of the served endpoint, a request another
// client made to it.
type Event struct {
	Time      time.Time
	Source    string // "Capacity", "Auth", "Served"
	Operation string
	Target    string // table (or table/index), when known
	Summary   string // the outcome's line; more lines are detail
	Err       error  // set when it failed or was refused
	Detail    []string
}

// events fans the events of a local session out to its subscribers; the
// engine's notices and the server assembly's reports arrive through
// Publish. A subscriber that falls behind loses events, never blocks.
type events struct {
	mu   sync.Mutex
	subs map[chan Event]struct{}
}

// Publish gives ev to every subscriber of the session's events.
func (l *Local) Publish(ev Event) {
	l.events.mu.Lock()
	defer l.events.mu.Unlock()
	for ch := range l.events.subs {
		select {
		case ch <- ev:
		default:
		}
	}
}

// Subscribe starts the local session's feeds: every committed change, the
// capacity samples, and the events published to it (engine notices are
// published on their own).
func (l *Local) Subscribe(ctx context.Context) Feeds {
	events, cancelEvents := l.subscribeEvents(256)
	changes, cancelChanges := l.db.Subscribe(1024)
	samples, cancelSamples := l.db.SubscribeCapacity(1024)
	go func() {
		<-ctx.Done()
		cancelEvents()
		cancelChanges()
		cancelSamples()
	}()
	return Feeds{Changes: EngineChanges(changes), Capacity: EngineCapacity(samples), Events: events}
}

// SubscribeCapacity starts the capacity feed alone, until ctx ends (the
// capacity history's recorder): unlike Subscribe it opens no change feed,
// which would make every write build a change event.
func (l *Local) SubscribeCapacity(ctx context.Context) <-chan CapacitySample {
	samples, cancel := l.db.SubscribeCapacity(1024)
	go func() {
		<-ctx.Done()
		cancel()
	}()
	return EngineCapacity(samples)
}

func (l *Local) subscribeEvents(buffer int) (<-chan Event, func()) {
	ch := make(chan Event, buffer)
	l.events.mu.Lock()
	if l.events.subs == nil {
		l.events.subs = map[chan Event]struct{}{}
	}
	l.events.subs[ch] = struct{}{}
	l.events.mu.Unlock()
	return ch, func() {
		l.events.mu.Lock()
		defer l.events.mu.Unlock()
		if _, ok := l.events.subs[ch]; ok {
			delete(l.events.subs, ch)
			close(ch)
		}
	}
}

// EngineChanges adapts an engine change subscription (engine.DB.Subscribe);
// the channel closes when src does.
func EngineChanges(src <-chan engine.ChangeEvent) <-chan Change {
	out := make(chan Change, cap(src))
	go func() {
		defer close(out)
		for ev := range src {
			out <- Change{Seq: ev.SequenceNumber, Time: ev.Time, Table: ev.Table, Kind: ParseChangeKind(ev.EventName),
				Keys: ev.Keys, OldImage: ev.OldImage, NewImage: ev.NewImage, TTL: ev.TTL, Dropped: ev.Dropped}
		}
	}()
	return out
}

// EngineCapacity adapts an engine capacity subscription
// (engine.DB.SubscribeCapacity); the channel closes when src does.
func EngineCapacity(src <-chan engine.CapacitySample) <-chan CapacitySample {
	out := make(chan CapacitySample, cap(src))
	go func() {
		defer close(out)
		for s := range src {
			hot := make([]HotKey, len(s.HotKeys))
			for i, h := range s.HotKeys {
				hot[i] = HotKey{Key: h.Key, Units: h.ReadUnits + h.WriteUnits, ReadUnits: h.ReadUnits, WriteUnits: h.WriteUnits}
			}
			out <- CapacitySample{Time: s.Time, Table: s.Table, Index: s.Index,
				ConsumedRCU: s.ConsumedRCU, ConsumedWCU: s.ConsumedWCU,
				ProvisionedRCU: s.ProvisionedRCU, ProvisionedWCU: s.ProvisionedWCU, OnDemand: s.OnDemand,
				ThrottledReads: s.ThrottledReads, ThrottledWrites: s.ThrottledWrites, HotKeys: hot}
		}
	}()
	return out
}

// Subscribe starts the remote session's change feed: its tables' streams,
// polled through the DynamoDB Streams API. It has no capacity feed and no
// events.
func (r *Remote) Subscribe(ctx context.Context) Feeds {
	return Feeds{Changes: streamChanges(r.Changes(ctx, r.feed))}
}

// streamChanges adapts a remote change feed's stream records.
func streamChanges(src <-chan StreamChange) <-chan Change {
	out := make(chan Change, cap(src))
	go func() {
		defer close(out)
		for c := range src {
			if c.Status != nil {
				out <- Change{Status: c.Status}
				continue
			}
			rec := &c.Record
			ttl := rec.UserIdentity != nil && rec.UserIdentity.PrincipalId == "dynamodb.amazonaws.com"
			out <- Change{Seq: rec.Dynamodb.SequenceNumber, Time: RecordTime(rec), Table: c.Table,
				Kind: ParseChangeKind(rec.EventName), Keys: rec.Dynamodb.Keys,
				OldImage: rec.Dynamodb.OldImage, NewImage: rec.Dynamodb.NewImage, TTL: ttl}
		}
	}()
	return out
}

// AuthEvent describes an authorization decision of the served endpoint for
// the Activity pane: who was allowed or denied which operation on which
// table by which statement, with the full explanation as detail.
func AuthEvent(r *auth.Result, now time.Time) Event {
	ev := Event{Time: now, Source: "Auth", Operation: r.Operation(), Target: r.Resource(), Summary: r.Summary(), Detail: r.Explanation()}
	if !r.Allowed() {
		ev.Err = r.Err
	}
	return ev
}

// ServedEvent is the Activity pane's line for a request another client
// made to the endpoint the workbench serves ("Served", so it is told
// apart from the workbench's own operations, which never cross HTTP).
func ServedEvent(r server.Request) Event {
	ev := Event{Time: r.Time, Source: "Served", Operation: r.Operation, Target: r.Table,
		Summary: fmt.Sprintf("%d · %s · %s CU · from %s", r.Status, r.Elapsed.Round(time.Microsecond),
			strconv.FormatFloat(r.Capacity, 'f', -1, 64), r.Remote)}
	if r.Code != "" {
		ev.Err = fmt.Errorf("%s (HTTP %d)", r.Code, r.Status)
	}
	return ev
}

// throttleEvent is the Activity pane's line for the engine's first
// throttle of a table or index: it names the units and --no-throttle.
func throttleEvent(n engine.ThrottleNotice) Event {
	target := n.Table
	if n.Index != "" {
		target += "/" + n.Index
	}
	return Event{Time: n.Time, Source: "Capacity", Operation: "Throttled", Target: target, Summary: n.String()}
}
