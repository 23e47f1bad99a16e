package engine

import (
	"encoding/json"
	"fmt"
	"hash/crc32"
	"strconv"
	"strings"
	"time"

	"dynalab/engine/internal/store"
)

// DynamoDB Streams: the stream catalog, shards, and the table-side setting.
//
// A stream belongs to a table but outlives it: its catalog record (store
// "x/") stays for StreamRetention after the stream is disabled or its table
// deleted, so that readers can finish. Records live in shards ("h/", "r/");
// one shard per stream is open at a time ("o/") and is closed and replaced
// by a child every ShardRollover (see Options), as the service's shards roll
// over about every four hours. Sequence numbers come from one DB-wide
// counter, so they increase within a shard, across a shard and its
// children, and across restarts.

// Stream view types, statuses and the service's fixed stream durations.
const (
	StreamViewKeysOnly        = "KEYS_ONLY"
	StreamViewNewImage        = "NEW_IMAGE"
	StreamViewOldImage        = "OLD_IMAGE"
	StreamViewNewAndOldImages = "NEW_AND_OLD_IMAGES"

	StreamStatusEnabled  = "ENABLED"
	StreamStatusDisabled = "DISABLED"

	// StreamRetention is how long stream records, and disabled streams, are
	// kept.
	StreamRetention = 24 * time.Hour
	// IteratorLifetime is how long a shard iterator stays valid.
	IteratorLifetime = 15 * time.Minute
	// DefaultShardRollover is how long a shard stays open by default.
	DefaultShardRollover = 4 * time.Hour
)

// StreamSpecification is a table's stream setting, in CreateTable,
// UpdateTable and TableDescription.
type StreamSpecification struct {
	StreamEnabled  *bool  `json:"StreamEnabled"`
	StreamViewType string `json:"StreamViewType,omitempty"`
}

// tableStream is the table's catalog record of its latest stream.
type tableStream struct {
	ID       uint32 `json:"id"`
	ARN      string `json:"arn"`
	Label    string `json:"label"`
	ViewType string `json:"viewType"`
	Enabled  bool   `json:"enabled"`
}

// streamMeta is a stream's catalog record ("x/" sid).
type streamMeta struct {
	ID             uint32             `json:"id"`
	ARN            string             `json:"arn"`
	Label          string             `json:"label"`
	Table          string             `json:"table"`
	TableID        uint32             `json:"tid"`
	KeySchema      []KeySchemaElement `json:"keySchema"`
	ViewType       string             `json:"viewType"`
	CreatedMillis  int64              `json:"created"`
	DisabledMillis int64              `json:"disabled,omitempty"` // 0 while enabled
}

// shardMeta is a shard's record ("h/" sid idx). Sequence numbers are the
// counter values of store.NextStreamSeq; Start is drawn from the counter
// when the shard opens, so every record of the shard has a larger one.
type shardMeta struct {
	Index         uint32 `json:"idx"`
	ID            string `json:"id"`
	Parent        string `json:"parent,omitempty"`
	Start         uint64 `json:"start"`
	End           uint64 `json:"end,omitempty"` // 0 while open
	CreatedMillis int64  `json:"created"`
	ClosedMillis  int64  `json:"closed,omitempty"`
	Trimmed       uint64 `json:"trimmed,omitempty"` // last sequence number trimmed
}

func (s *streamMeta) status() string {
	if s.DisabledMillis != 0 {
		return StreamStatusDisabled
	}
	return StreamStatusEnabled
}

// sequenceNumber renders a counter value as a wire sequence number: 21
// digits, so that text order is numeric order.
func sequenceNumber(n uint64) string { return fmt.Sprintf("1%020d", n) }

// parseSequenceNumber reads a sequence number this engine issued.
func parseSequenceNumber(s string) (uint64, bool) {
	if len(s) != 21 || s[0] != '1' {
		return 0, false
	}
	n, err := strconv.ParseUint(s[1:], 10, 64)
	return n, err == nil
}

// streamLabel renders a stream's creation time as its label.
func streamLabel(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000")
}

// shardID names a shard as the service does: creation time and 8 hex digits.
func shardID(sid, idx uint32, createdMillis int64) string {
	var b [8]byte
	copy(b[:4], []byte{byte(sid >> 24), byte(sid >> 16), byte(sid >> 8), byte(sid)})
	copy(b[4:], []byte{byte(idx >> 24), byte(idx >> 16), byte(idx >> 8), byte(idx)})
	return fmt.Sprintf("shardId-%020d-%08x", createdMillis, crc32.ChecksumIEEE(b[:]))
}

func encodeJSON(v any) (string, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(data), nil
}

// checkStreamSpecification applies the request-level rules of a
// StreamSpecification (CreateTable, UpdateTable).
func checkStreamSpecification(s *StreamSpecification) error {
	if s == nil {
		return nil
	}
	var c constraints
	c.notNull(s.StreamEnabled != nil, "streamSpecification.streamEnabled")
	c.enum(s.StreamViewType, "streamSpecification.streamViewType",
		StreamViewNewImage, StreamViewOldImage, StreamViewNewAndOldImages, StreamViewKeysOnly)
	if err := c.err(); err != nil {
		return err
	}
	if *s.StreamEnabled && s.StreamViewType == "" {
		return invalidParam("You must specify a StreamViewType when enabling a stream")
	}
	if !*s.StreamEnabled && s.StreamViewType != "" {
		return invalidParam("StreamViewType can only be specified when StreamEnabled is true")
	}
	return nil
}

// streamChange is a planned enable or disable of a table's stream: the
// catalog is updated in memory only after its storage transaction commits.
type streamChange struct {
	enable  *streamMeta // the new stream
	disable *streamMeta // the stream being closed, with DisabledMillis set
}

// planStreamChange validates a stream setting against the table's (m, a copy
// the caller will commit) and updates m. The caller holds db.mu exclusively.
func (db *DB) planStreamChange(m *tableMeta, spec *StreamSpecification, now time.Time) (*streamChange, error) {
	if spec == nil {
		return nil, nil
	}
	cur := m.Stream
	enabled := cur != nil && cur.Enabled
	if !*spec.StreamEnabled {
		if !enabled {
			return nil, Validationf("Table has no stream to disable: TableName: %s", m.Name)
		}
		cs, err := db.stream(cur.ID)
		if err != nil {
			return nil, err
		}
		old := *cs
		old.DisabledMillis = now.UnixMilli()
		m.Stream = &tableStream{ID: cur.ID, ARN: cur.ARN, Label: cur.Label, ViewType: cur.ViewType}
		return &streamChange{disable: &old}, nil
	}
	if enabled {
		return nil, Validationf("Table already has an enabled stream: TableName: %s", m.Name)
	}
	created := now.UnixMilli()
	for db.streamLabelTaken(m.Name, streamLabel(created)) {
		created++ // labels are unique per table; a fast re-enable gets the next millisecond
	}
	label := streamLabel(created)
	s := &streamMeta{
		ARN:           fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/%s/stream/%s", db.region, db.account, m.Name, label),
		Label:         label,
		Table:         m.Name,
		TableID:       m.ID,
		KeySchema:     m.KeySchema,
		ViewType:      spec.StreamViewType,
		CreatedMillis: created,
	}
	m.Stream = &tableStream{ARN: s.ARN, Label: label, ViewType: spec.StreamViewType, Enabled: true} // ID set by apply
	return &streamChange{enable: s}, nil
}

func (db *DB) streamLabelTaken(table, label string) bool {
	for _, s := range db.streams {
		if s.Table == table && s.Label == label {
			return true
		}
	}
	return false
}

// apply writes the change in tx. For an enable it allocates the stream id
// and opens the first shard; m receives the id. For a disable it closes the
// open shard.
func (c *streamChange) apply(tx *store.Tx, m *tableMeta) error {
	if c == nil {
		return nil
	}
	if s := c.enable; s != nil {
		id, err := tx.NextStreamID()
		if err != nil {
			return err
		}
		s.ID = id
		m.Stream.ID = id
		if s.TableID == 0 {
			s.TableID = m.ID // CreateTable: the table id is known only now
		}
		if err := putStream(tx, s); err != nil {
			return err
		}
		_, err = openShard(tx, s, nil, s.CreatedMillis)
		return err
	}
	s := c.disable
	if err := closeOpenShard(tx, s.ID, s.DisabledMillis); err != nil {
		return err
	}
	return putStream(tx, s)
}

// commit records the change in the in-memory catalog. The caller holds
// db.mu exclusively.
func (c *streamChange) commit(db *DB) {
	if c == nil {
		return
	}
	if c.enable != nil {
		db.streams[c.enable.ID] = c.enable
	} else {
		db.streams[c.disable.ID] = c.disable
	}
}

func putStream(tx *store.Tx, s *streamMeta) error {
	rec, err := encodeJSON(s)
	if err != nil {
		return fmt.Errorf("encode stream record: %w", err)
	}
	return tx.Set(store.StreamKey(s.ID), rec)
}

func putShard(tx *store.Tx, sid uint32, sh *shardMeta) error {
	rec, err := encodeJSON(sh)
	if err != nil {
		return fmt.Errorf("encode shard record: %w", err)
	}
	return tx.Set(store.ShardKey(sid, sh.Index), rec)
}

// openShard opens a new shard of s, the child of parent (nil for the first).
// A shard's creation time is strictly after its parent's, so that shard ids
// sort in creation order.
func openShard(tx *store.Tx, s *streamMeta, parent *shardMeta, createdMillis int64) (*shardMeta, error) {
	start, err := tx.NextStreamSeq()
	if err != nil {
		return nil, err
	}
	sh := &shardMeta{Start: start, CreatedMillis: createdMillis, Trimmed: start - 1}
	if parent != nil {
		sh.Index = parent.Index + 1
		sh.Parent = parent.ID
		sh.CreatedMillis = max(createdMillis, parent.CreatedMillis+1)
	}
	sh.ID = shardID(s.ID, sh.Index, sh.CreatedMillis)
	if err := putShard(tx, s.ID, sh); err != nil {
		return nil, err
	}
	return sh, tx.SetOpenShard(s.ID, sh.Index)
}

// closeOpenShard closes the stream's open shard, if any: its range ends at
// the last sequence number handed out.
func closeOpenShard(tx *store.Tx, sid uint32, nowMillis int64) error {
	idx, ok, err := tx.OpenShard(sid)
	if err != nil || !ok {
		return err
	}
	sh, err := readShard(tx, sid, idx)
	if err != nil {
		return err
	}
	if sh.End, err = tx.StreamSeq(); err != nil {
		return err
	}
	sh.ClosedMillis = nowMillis
	if err := putShard(tx, sid, sh); err != nil {
		return err
	}
	return tx.Delete(store.OpenShardKey(sid))
}

func readShard(tx *store.Tx, sid, idx uint32) (*shardMeta, error) {
	v, err := tx.Get(store.ShardKey(sid, idx))
	if err != nil {
		return nil, fmt.Errorf("read shard %d of stream %d: %w", idx, sid, err)
	}
	var sh shardMeta
	if err := jsonUnmarshalString(v, &sh); err != nil {
		return nil, fmt.Errorf("corrupt shard record %d of stream %d: %w", idx, sid, err)
	}
	return &sh, nil
}

// readShards returns a stream's shards in creation order.
func readShards(tx *store.Tx, sid uint32) ([]*shardMeta, error) {
	prefix := store.ShardPrefix(sid)
	var shards []*shardMeta
	var err error
	iterErr := tx.Ascend(prefix, func(k, v string) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		var sh shardMeta
		if e := jsonUnmarshalString(v, &sh); e != nil {
			err = fmt.Errorf("corrupt shard record of stream %d: %w", sid, e)
			return false
		}
		shards = append(shards, &sh)
		return true
	})
	if iterErr != nil {
		return nil, iterErr
	}
	return shards, err
}

// loadStreams reads the stream catalog into memory.
func (db *DB) loadStreams() error {
	return db.store.View(func(tx *store.Tx) error {
		var err error
		iterErr := tx.Ascend(store.StreamPrefix, func(k, v string) bool {
			if !strings.HasPrefix(k, store.StreamPrefix) {
				return false
			}
			var s streamMeta
			if e := jsonUnmarshalString(v, &s); e != nil {
				err = fmt.Errorf("%s: corrupt stream record: %w", db.store.Path(), e)
				return false
			}
			db.streams[s.ID] = &s
			return true
		})
		if iterErr != nil {
			return iterErr
		}
		return err
	})
}

// describeStream adds the table's stream fields to a TableDescription.
func (t *table) describeStream(d *TableDescription) {
	s := t.meta.Stream
	if s == nil {
		return
	}
	d.LatestStreamLabel = s.Label
	d.LatestStreamArn = s.ARN
	if s.Enabled {
		on := true
		d.StreamSpecification = &StreamSpecification{StreamEnabled: &on, StreamViewType: s.ViewType}
	}
}

// disableStreamOnDelete closes the stream of a table being deleted, in the
// deleting transaction; the stream stays readable for StreamRetention.
func (db *DB) disableStreamOnDelete(tx *store.Tx, t *table, now time.Time) (*streamChange, error) {
	s := t.meta.Stream
	if s == nil || !s.Enabled {
		return nil, nil
	}
	cs, err := db.stream(s.ID)
	if err != nil {
		return nil, err
	}
	old := *cs
	old.DisabledMillis = now.UnixMilli()
	c := &streamChange{disable: &old}
	return c, c.apply(tx, &t.meta)
}

// stream returns the catalog entry of an enabled table's stream. The
// caller holds db.mu.
func (db *DB) stream(id uint32) (*streamMeta, error) {
	s := db.streams[id]
	if s == nil {
		return nil, fmt.Errorf("%s: the catalog names stream %d, which has no record", db.store.Path(), id)
	}
	return s, nil
}
