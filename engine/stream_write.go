package engine

import (
	"fmt"
	"hash/crc32"
	"strconv"
	"time"

	"dynalab/engine/attr"
	"dynalab/engine/internal/store"
)

// The write path's side of streams, TTL and subscriptions: every item
// change goes through writeItem or deleteItem (item.go), which call
// recordChange inside the operation's storage transaction. So a committed
// change always has its stream record and TTL schedule entry, and a failed
// or rolled-back one has neither.

// Fixed members of stream records.
const (
	eventSource  = "aws:dynamodb"
	eventVersion = "1.1"
	// ttlPrincipal is the userIdentity of TTL deletions.
	ttlPrincipal = "dynamodb.amazonaws.com"
)

// recordChange captures one item change (old → item; either may be nil,
// not both) in tx: the TTL schedule entry, the stream record when the
// table's stream is enabled, and the event for subscribers after commit.
// ttl marks a deletion by the TTL sweeper.
func (t *table) recordChange(tx *store.Tx, key string, old, item attr.Item, ttl bool) error {
	db := t.db
	if db == nil {
		return nil
	}
	if c := t.meta.TTL; c != nil && c.Enabled {
		if err := t.updateTTLSchedule(tx, key, c.Attribute, old, item); err != nil {
			return err
		}
	}
	if p := t.meta.PITR; p != nil && p.Enabled {
		if err := t.logPITR(tx, key, item); err != nil {
			return err
		}
	}
	streamOn := t.meta.Stream != nil && t.meta.Stream.Enabled
	watched := db.feed.active()
	global := len(t.meta.Replicas) > 0
	if !streamOn && !watched && !global {
		return nil
	}
	now := db.now()
	if global && tx.Origin() == "" {
		// The write's last-writer-wins time (replica.go).
		if err := t.stampLocalWrite(tx, key, now); err != nil {
			return err
		}
	}
	if !streamOn && !watched {
		return nil
	}
	name := EventModify
	switch {
	case old == nil:
		name = EventInsert
	case item == nil:
		name = EventRemove
	}
	keys := t.keyOf(item)
	if item == nil {
		keys = t.keyOf(old)
	}
	var seq string
	if streamOn {
		var err error
		if seq, err = t.appendStreamRecord(tx, now, name, keys, old, item, ttl); err != nil {
			return err
		}
	}
	if watched {
		ev := ChangeEvent{
			Table: t.meta.Name, EventName: name, Keys: keys.Clone(), OldImage: old.Clone(), NewImage: item.Clone(),
			Time: now, TTL: ttl, SequenceNumber: seq, Origin: tx.Origin(),
		}
		tx.OnCommit(func() { db.feed.publish(ev) })
	}
	return nil
}

// appendStreamRecord writes the change's record into the stream's open
// shard and returns its sequence number.
func (t *table) appendStreamRecord(tx *store.Tx, now time.Time, name string, keys, old, item attr.Item, ttl bool) (string, error) {
	s := t.meta.Stream
	idx, ok, err := tx.OpenShard(s.ID)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", fmt.Errorf("stream %s of %s has no open shard", s.Label, t.meta.Name)
	}
	n, err := tx.NextStreamSeq()
	if err != nil {
		return "", err
	}
	seq := sequenceNumber(n)
	var newImage, oldImage attr.Item
	if s.ViewType == StreamViewNewImage || s.ViewType == StreamViewNewAndOldImages {
		newImage = item
	}
	if s.ViewType == StreamViewOldImage || s.ViewType == StreamViewNewAndOldImages {
		oldImage = old
	}
	rec := recordParts{
		eventID: eventID(s.ID, n), eventName: name, region: t.db.region, created: now,
		keys: keys, newImage: newImage, oldImage: oldImage, seq: seq, viewType: s.ViewType, ttl: ttl,
	}
	buf := make([]byte, 0, 256+rec.size()*2)
	buf = strconv.AppendInt(buf, now.UnixMilli(), 10)
	buf = append(buf, ' ')
	buf = rec.appendJSON(buf)
	return seq, tx.Set(store.RecordKey(s.ID, idx, n), string(buf))
}

// eventID makes a record's 32-hex-digit eventID, unique per record.
func eventID(sid uint32, n uint64) string {
	var b [12]byte
	b[0], b[1], b[2], b[3] = byte(sid>>24), byte(sid>>16), byte(sid>>8), byte(sid)
	for i := range 8 {
		b[4+i] = byte(n >> (56 - 8*i))
	}
	return fmt.Sprintf("%08x%016x%08x", sid, n, crc32.ChecksumIEEE(b[:]))
}

// recordParts is a stream record before encoding.
type recordParts struct {
	eventID, eventName, region string
	created                    time.Time
	keys, newImage, oldImage   attr.Item
	seq, viewType              string
	ttl                        bool
}

// size is the record's SizeBytes: the item sizes of the images it carries.
func (r *recordParts) size() int {
	return r.keys.Size() + r.newImage.Size() + r.oldImage.Size()
}

// appendJSON appends the record's wire JSON (the shape of one element of
// GetRecords' Records).
func (r *recordParts) appendJSON(dst []byte) []byte {
	o := newObject(dst)
	o.str("eventID", r.eventID)
	o.str("eventName", r.eventName)
	o.str("eventVersion", eventVersion)
	o.str("eventSource", eventSource)
	o.str("awsRegion", r.region)
	o.key("dynamodb")
	d := newObject(o.b)
	d.key("ApproximateCreationDateTime")
	d.b = strconv.AppendInt(d.b, r.created.Unix(), 10)
	d.item("Keys", r.keys)
	if r.newImage != nil {
		d.item("NewImage", r.newImage)
	}
	if r.oldImage != nil {
		d.item("OldImage", r.oldImage)
	}
	d.str("SequenceNumber", r.seq)
	d.int("SizeBytes", r.size())
	d.str("StreamViewType", r.viewType)
	o.b = d.end()
	if r.ttl {
		o.key("userIdentity")
		o.b = append(o.b, `{"PrincipalId":"`+ttlPrincipal+`","Type":"Service"}`...)
	}
	return o.end()
}

// str adds a string member.
func (o *object) str(k, v string) {
	o.key(k)
	o.b = attr.AppendString(o.b, v)
}
