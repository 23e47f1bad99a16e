package engine

import (
	"encoding/binary"
	"errors"
	"strings"

	"dynalab/engine/internal/store"
)

// Check's side of streams: stream records against their tables, the id
// and sequence counters, each stream's shards (lineage, ranges, the open
// shard) and its records (in their shard's range, numbered as their key).

// checkStreams checks the stream catalog and every stream's shards and
// records.
func (c *checker) checkStreams() error {
	c.streams = map[uint32]*streamMeta{}
	err := c.scan(store.StreamPrefix, func(k, v string) bool {
		var s streamMeta
		if err := jsonUnmarshalString(v, &s); err != nil {
			c.add(DiffStream, "", "stream record %q cannot be read: %v", k, err)
			return true
		}
		if store.StreamKey(s.ID) != k {
			c.add(DiffStream, s.Table, "the stream record under %q is of stream %d", k, s.ID)
			return true
		}
		c.streams[s.ID] = &s
		return true
	})
	if err != nil {
		return err
	}
	c.compareMemoryStreams()
	c.checkStreamTables()
	sidSeq, err1 := c.tx.StreamIDSeq()
	seq, err2 := c.tx.StreamSeq()
	if err := errors.Join(err1, err2); err != nil {
		c.add(DiffCounter, "", "a stream counter cannot be read: %v", err)
		return nil
	}
	for _, sid := range sortedIDs(c.streams) {
		s := c.streams[sid]
		if uint64(sid) > sidSeq {
			c.add(DiffCounter, s.Table, "the stream id counter is %d, behind stream %d (%s)", sidSeq, sid, s.ARN)
		}
		if err := c.checkShards(s, seq); err != nil {
			return err
		}
	}
	return nil
}

// compareMemoryStreams compares the streams the DB serves with the stored
// stream records.
func (c *checker) compareMemoryStreams() {
	for _, sid := range sortedIDs(c.streams) {
		s := c.streams[sid]
		mem := c.db.streams[sid]
		if mem == nil {
			c.add(DiffCatalog, s.Table, "stream %s is stored but not in the in-memory catalog", s.ARN)
			continue
		}
		stored, err1 := encodeJSON(s)
		served, err2 := encodeJSON(mem)
		if err := errors.Join(err1, err2); err != nil {
			c.add(DiffCatalog, s.Table, "%v", err)
		} else if stored != served {
			c.add(DiffCatalog, s.Table, "the in-memory record of stream %d %s differs from the stored one %s", sid, served, stored)
		}
	}
	for _, sid := range sortedIDs(c.db.streams) {
		if c.streams[sid] == nil {
			c.add(DiffCatalog, c.db.streams[sid].Table, "stream %s is in the in-memory catalog but has no stored record", c.db.streams[sid].ARN)
		}
	}
}

// checkStreamTables checks that each table's stream has a record that
// says the same, and that each enabled stream is its table's.
func (c *checker) checkStreamTables() {
	for _, t := range c.tables {
		ts := t.meta.Stream
		if ts == nil {
			continue
		}
		s := c.streams[ts.ID]
		switch {
		case s == nil && ts.Enabled:
			c.add(DiffStream, t.meta.Name, "the table's enabled stream %s (id %d) has no stream record", ts.ARN, ts.ID)
		case s == nil:
			// A disabled stream is forgotten after its retention.
		case s.TableID != t.meta.ID || s.Table != t.meta.Name:
			c.add(DiffStream, t.meta.Name, "the table (id %d) names stream %d, whose record is of table %s (id %d)", t.meta.ID, ts.ID, s.Table, s.TableID)
		case s.ARN != ts.ARN || s.Label != ts.Label || s.ViewType != ts.ViewType:
			c.add(DiffStream, t.meta.Name, "the table's stream is %s (%s), its record says %s (%s)", ts.ARN, ts.ViewType, s.ARN, s.ViewType)
		case ts.Enabled != (s.DisabledMillis == 0):
			c.add(DiffStream, t.meta.Name, "the table's stream %s is enabled=%t; its record says %s", ts.ARN, ts.Enabled, s.status())
		}
	}
	for _, sid := range sortedIDs(c.streams) {
		s := c.streams[sid]
		if s.DisabledMillis != 0 {
			continue
		}
		t := c.byName[s.Table]
		if t == nil || t.meta.ID != s.TableID || t.meta.Stream == nil || t.meta.Stream.ID != sid || !t.meta.Stream.Enabled {
			c.add(DiffStream, s.Table, "stream %s is enabled but is not the enabled stream of table %s (id %d)", s.ARN, s.Table, s.TableID)
		}
	}
}

// checkShards checks the shards and records of stream s; seq is the
// sequence counter.
func (c *checker) checkShards(s *streamMeta, seq uint64) error {
	shards := map[uint32]*shardMeta{}
	var order []*shardMeta
	prefix := store.ShardPrefix(s.ID)
	err := c.scan(prefix, func(k, v string) bool {
		var sh shardMeta
		if err := jsonUnmarshalString(v, &sh); err != nil {
			c.add(DiffShard, s.Table, "a shard record of stream %s cannot be read: %v", s.ARN, err)
			return true
		}
		if store.ShardKey(s.ID, sh.Index) != k {
			c.add(DiffShard, s.Table, "the shard record under %q of stream %s is of shard %d", k, s.ARN, sh.Index)
			return true
		}
		shards[sh.Index] = &sh
		order = append(order, &sh)
		return true
	})
	if err != nil {
		return err
	}
	c.checkOpenShard(s, order)
	for i, sh := range order {
		c.checkShard(s, sh, seq)
		if i > 0 && order[i-1].Index+1 == sh.Index {
			c.checkLineage(s, order[i-1], sh)
		} else if sh.Index == 0 && sh.Parent != "" {
			c.add(DiffShard, s.Table, "shard %s, the first of stream %s, has parent %s", sh.ID, s.ARN, sh.Parent)
		}
	}
	return c.checkRecords(s, shards, seq)
}

// checkOpenShard checks that an enabled stream has exactly one open shard,
// its last, recorded as open, and that a disabled one has none.
func (c *checker) checkOpenShard(s *streamMeta, order []*shardMeta) {
	idx, hasOpen, err := c.tx.OpenShard(s.ID)
	if err != nil {
		c.add(DiffShard, s.Table, "the open-shard record of stream %s cannot be read: %v", s.ARN, err)
		return
	}
	var open []*shardMeta
	for _, sh := range order {
		if sh.End == 0 {
			open = append(open, sh)
		}
	}
	if s.DisabledMillis != 0 {
		if hasOpen {
			c.add(DiffShard, s.Table, "stream %s is disabled but records shard %d as open", s.ARN, idx)
		}
		for _, sh := range open {
			c.add(DiffShard, s.Table, "stream %s is disabled but its shard %s was never closed", s.ARN, sh.ID)
		}
		return
	}
	switch {
	case !hasOpen:
		c.add(DiffShard, s.Table, "stream %s is enabled but has no open shard", s.ARN)
	case len(open) != 1 || open[0].Index != idx:
		c.add(DiffShard, s.Table, "stream %s records shard %d as open, but %d shards are open", s.ARN, idx, len(open))
	case open[0] != order[len(order)-1]:
		c.add(DiffShard, s.Table, "the open shard %s of stream %s is not its last", open[0].ID, s.ARN)
	}
}

// checkShard checks one shard's id and sequence range.
func (c *checker) checkShard(s *streamMeta, sh *shardMeta, seq uint64) {
	if want := shardID(s.ID, sh.Index, sh.CreatedMillis); sh.ID != want {
		c.add(DiffShard, s.Table, "shard %d of stream %s is named %s; its index and creation time make %s", sh.Index, s.ARN, sh.ID, want)
	}
	if sh.Start == 0 || sh.Start > seq || sh.End > seq {
		c.add(DiffCounter, s.Table, "the sequence counter is %d, behind shard %s of stream %s (%d..%d)", seq, sh.ID, s.ARN, sh.Start, sh.End)
	}
	if sh.End != 0 && sh.End < sh.Start {
		c.add(DiffShard, s.Table, "shard %s of stream %s ends at %d, before its start %d", sh.ID, s.ARN, sh.End, sh.Start)
	}
	if sh.Trimmed+1 < sh.Start || (sh.End != 0 && sh.Trimmed > sh.End) {
		c.add(DiffShard, s.Table, "shard %s of stream %s (%d..%d) is trimmed to %d", sh.ID, s.ARN, sh.Start, sh.End, sh.Trimmed)
	}
}

// checkLineage checks that child, the shard after parent, descends from it.
func (c *checker) checkLineage(s *streamMeta, parent, child *shardMeta) {
	if child.Parent != parent.ID {
		c.add(DiffShard, s.Table, "shard %s of stream %s has parent %q; the shard before it is %s", child.ID, s.ARN, child.Parent, parent.ID)
	}
	if parent.End == 0 || child.Start <= parent.End {
		c.add(DiffShard, s.Table, "shard %s of stream %s starts at %d, not after its parent %s (%d..%d)",
			child.ID, s.ARN, child.Start, parent.ID, parent.Start, parent.End)
	}
}

// checkRecords checks that each record of stream s lies in its shard's
// range, at most the sequence counter, and carries the sequence number of
// its key.
func (c *checker) checkRecords(s *streamMeta, shards map[uint32]*shardMeta, seq uint64) error {
	prefix := store.StreamRecordPrefix(s.ID)
	outside := map[uint32]int{} // records of shards that have no record
	err := c.scan(prefix, func(k, v string) bool {
		n, ok := store.RecordSeq(k)
		if !ok {
			c.add(DiffStreamRecord, s.Table, "a record key %q of stream %s cannot be read", k, s.ARN)
			return true
		}
		idx := binary.BigEndian.Uint32([]byte(k[len(prefix):]))
		sh := shards[idx]
		if sh == nil {
			outside[idx]++
			return true
		}
		num := sequenceNumber(n)
		switch {
		case n > seq:
			c.add(DiffCounter, s.Table, "the sequence counter is %d, behind record %s of stream %s", seq, num, s.ARN)
		case n <= sh.Start || (sh.End != 0 && n > sh.End):
			c.add(DiffStreamRecord, s.Table, "record %s of stream %s lies outside its shard %s (%d..%d)", num, s.ARN, sh.ID, sh.Start, sh.End)
		case n <= sh.Trimmed:
			c.add(DiffStreamRecord, s.Table, "record %s of stream %s is at or before its shard's trim horizon %d", num, s.ARN, sh.Trimmed)
		}
		if _, rec, ok := splitStoredRecord(v); !ok || !strings.Contains(rec, `"SequenceNumber":"`+num+`"`) {
			c.add(DiffStreamRecord, s.Table, "the record under sequence number %s of stream %s does not carry that number", num, s.ARN)
		}
		return true
	})
	for _, idx := range sortedIDs(outside) {
		c.add(DiffStreamRecord, s.Table, "%d records of stream %s are in shard %d, which has no shard record", outside[idx], s.ARN, idx)
	}
	return err
}
