package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"

	"github.com/tidwall/buntdb"
)

// Keys of the stream and TTL keyspaces (see the package comment).
const (
	keyStreamID  = "m/sid"
	keyStreamSeq = "m/sseq"

	// StreamPrefix is the first key of the stream catalog.
	StreamPrefix = "x/"
	shardPrefix  = "h/"
	openPrefix   = "o/"
	recordPrefix = "r/"
	ttlPrefix    = "e/"
)

// StreamKey is the catalog key of a stream.
func StreamKey(sid uint32) string {
	return string(binary.BigEndian.AppendUint32([]byte(StreamPrefix), sid))
}

// ShardPrefix is the first key of a stream's shard records.
func ShardPrefix(sid uint32) string {
	return string(binary.BigEndian.AppendUint32([]byte(shardPrefix), sid))
}

// ShardKey is the key of one shard record.
func ShardKey(sid, idx uint32) string {
	return string(binary.BigEndian.AppendUint32([]byte(ShardPrefix(sid)), idx))
}

// RecordPrefix is the first key of one shard's stream records.
func RecordPrefix(sid, idx uint32) string {
	b := binary.BigEndian.AppendUint32([]byte(recordPrefix), sid)
	return string(binary.BigEndian.AppendUint32(b, idx))
}

// StreamRecordPrefix is the first key of all of a stream's records.
func StreamRecordPrefix(sid uint32) string {
	return string(binary.BigEndian.AppendUint32([]byte(recordPrefix), sid))
}

// RecordKey is the key of the stream record with sequence number seq.
func RecordKey(sid, idx uint32, seq uint64) string {
	return string(binary.BigEndian.AppendUint64([]byte(RecordPrefix(sid, idx)), seq))
}

// RecordSeq returns the sequence number at the end of a record key.
func RecordSeq(key string) (uint64, bool) {
	if len(key) != len(recordPrefix)+16 {
		return 0, false
	}
	return binary.BigEndian.Uint64([]byte(key[len(key)-8:])), true
}

// TTLPrefix is the first key of a table's TTL schedule.
func TTLPrefix(tid uint32) string {
	return string(binary.BigEndian.AppendUint32([]byte(ttlPrefix), tid))
}

// TTLKey is the schedule key of the item whose storage key ends in suffix
// (the part after ItemPrefix) and which expires at exp epoch seconds.
func TTLKey(tid uint32, exp uint64, suffix string) string {
	b := make([]byte, 0, len(ttlPrefix)+12+len(suffix))
	b = append(b, ttlPrefix...)
	b = binary.BigEndian.AppendUint32(b, tid)
	b = binary.BigEndian.AppendUint64(b, exp)
	return string(append(b, suffix...))
}

// ParseTTLKey splits a schedule key into the expiry and the item key
// suffix. ok is false for a key that is not a schedule key.
func ParseTTLKey(key string) (tid uint32, exp uint64, suffix string, ok bool) {
	n := len(ttlPrefix)
	if len(key) < n+12 || key[:n] != ttlPrefix {
		return 0, 0, "", false
	}
	b := []byte(key[n : n+12])
	return binary.BigEndian.Uint32(b), binary.BigEndian.Uint64(b[4:]), key[n+12:], true
}

// OpenShardKey is the key holding the index of a stream's open shard.
func OpenShardKey(sid uint32) string {
	return string(binary.BigEndian.AppendUint32([]byte(openPrefix), sid))
}

// OpenShard returns the index of the stream's open shard; ok is false when
// the stream has none (it is disabled).
func (t *Tx) OpenShard(sid uint32) (idx uint32, ok bool, err error) {
	v, err := t.tx.Get(OpenShardKey(sid))
	if errors.Is(err, buntdb.ErrNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	if len(v) != 4 {
		return 0, false, fmt.Errorf("corrupt open-shard record of stream %d", sid)
	}
	return binary.BigEndian.Uint32([]byte(v)), true, nil
}

// SetOpenShard records idx as the stream's open shard.
func (t *Tx) SetOpenShard(sid, idx uint32) error {
	return t.Set(OpenShardKey(sid), string(binary.BigEndian.AppendUint32(nil, idx)))
}

// NextStreamID hands out a new stream id.
func (t *Tx) NextStreamID() (uint32, error) {
	n, err := t.counter(keyStreamID)
	if err != nil {
		return 0, err
	}
	if n >= 1<<32-1 {
		return 0, errors.New("stream ids exhausted")
	}
	n++
	return uint32(n), t.Set(keyStreamID, strconv.FormatUint(n, 10))
}

// StreamSeq returns the last stream sequence number handed out (0 if none).
func (t *Tx) StreamSeq() (uint64, error) { return t.counter(keyStreamSeq) }

// NextStreamSeq hands out the next stream sequence number. The counter is
// shared by all streams and persisted in the same transaction as the record
// that uses it, so numbers only ever increase, across restarts too.
func (t *Tx) NextStreamSeq() (uint64, error) {
	n, err := t.counter(keyStreamSeq)
	if err != nil {
		return 0, err
	}
	n++
	return n, t.Set(keyStreamSeq, strconv.FormatUint(n, 10))
}

func (t *Tx) counter(key string) (uint64, error) {
	v, err := t.tx.Get(key)
	if errors.Is(err, buntdb.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("corrupt counter %s: %q", key, v)
	}
	return n, nil
}
