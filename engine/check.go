package engine

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"dynalab/engine/internal/store"
)

// The invariant checker. Everything the write path derives from the items
// — index entries, item-collection sizes, table and index statistics, the
// TTL schedule, stream bookkeeping — is rebuilt from the items and compared
// with what is stored, in one read transaction so that the comparison is
// of one committed state. Tests run it on every database they close, as
// bbolt's test harness runs its Tx.Check; `dynalab check` runs it on a
// file.

// Kinds of Difference.
const (
	DiffCatalog      = "catalog"              // a catalog record, or the in-memory catalog, disagrees
	DiffCounter      = "counter"              // an id or sequence counter is behind what it handed out
	DiffItem         = "item"                 // an item that cannot be read or is stored under another key
	DiffTableStats   = "table statistics"     // a table's item count or size
	DiffIndexStats   = "index statistics"     // an index's item count or size
	DiffIndexMissing = "missing index entry"  // an item without the entry it implies
	DiffIndexStale   = "stale index entry"    // an entry that no item implies
	DiffIndexEntry   = "index entry"          // an entry whose content differs from its item's projection
	DiffCollection   = "item collection size" // an LSI table's per-partition-key size
	DiffTTLMissing   = "missing TTL entry"    // an item without the schedule entry it implies
	DiffTTLStale     = "stale TTL entry"      // a schedule entry that no item implies
	DiffStream       = "stream"               // a stream record and its table disagree
	DiffShard        = "shard"                // shard records, lineage or the open shard
	DiffStreamRecord = "stream record"        // a record outside its shard's range, or unreadable
	DiffOrphan       = "orphan"               // records of a table, index or stream that does not exist
	DiffMore         = "more"                 // differences found beyond the ones listed
)

// checkLimit is how many differences Check lists; a badly damaged file
// could otherwise produce one per item.
const checkLimit = 1000

// Difference is one way the stored data disagrees with what its items
// imply.
type Difference struct {
	Kind   string // one of the Diff constants
	Table  string // the table concerned, "" for database-wide records
	Detail string // what is stored and what the items imply
}

// String renders the difference on one line.
func (d Difference) String() string {
	if d.Table == "" {
		return d.Kind + ": " + d.Detail
	}
	return "table " + d.Table + ": " + d.Kind + ": " + d.Detail
}

// Check rebuilds everything derived from the items and compares it with
// what is stored: index entries (their presence, keys and projections),
// item-collection sizes, table and index statistics, the TTL schedule,
// stream bookkeeping (stream records of tables, shards and their lineage,
// the open shard, the id and sequence counters), the catalog, and records
// left behind by tables, indexes and streams that no longer exist. It
// returns each difference (at most the first 1,000, then one saying how
// many more there are); none means the database is consistent. The error
// is for a check that could not run (a closed database, ctx ended).
//
// It reads one snapshot: writes wait while it runs.
func (db *DB) Check(ctx context.Context) ([]Difference, error) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return nil, ErrClosed
	}
	c := &checker{db: db, ctx: ctx, now: db.now()}
	err := db.store.View(func(tx *store.Tx) error {
		c.tx = tx
		return c.run()
	})
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", db.store.Path(), err)
	}
	if c.more > 0 {
		c.diffs = append(c.diffs, Difference{Kind: DiffMore, Detail: fmt.Sprintf("%d more differences not listed", c.more)})
	}
	return c.diffs, nil
}

// checker is one run of Check.
type checker struct {
	db    *DB
	ctx   context.Context
	tx    *store.Tx
	now   time.Time
	diffs []Difference
	more  int // differences past checkLimit
	steps int // keys visited, for checking ctx now and then

	tables  []*table          // the stored catalog, by name
	byName  map[string]*table // the same, by name
	tableID map[uint32]bool   // table ids
	indexID map[uint32]bool   // index ids
	streams map[uint32]*streamMeta
}

func (c *checker) add(kind, table, format string, args ...any) {
	if len(c.diffs) >= checkLimit {
		c.more++
		return
	}
	c.diffs = append(c.diffs, Difference{Kind: kind, Table: table, Detail: fmt.Sprintf(format, args...)})
}

func (c *checker) run() error {
	if err := c.ctx.Err(); err != nil {
		return err
	}
	if err := c.loadCatalog(); err != nil {
		return err
	}
	for _, t := range c.tables {
		if err := c.checkTable(t); err != nil {
			return err
		}
	}
	if err := c.checkStreams(); err != nil {
		return err
	}
	return c.checkOrphans()
}

// scan calls fn for every key with the given prefix, in order, while fn
// returns true, and ends early with ctx's error.
func (c *checker) scan(prefix string, fn func(k, v string) bool) error {
	var ctxErr error
	err := c.tx.Ascend(prefix, func(k, v string) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		if c.steps++; c.steps%4096 == 0 {
			if ctxErr = c.ctx.Err(); ctxErr != nil {
				return false
			}
		}
		return fn(k, v)
	})
	return errors.Join(err, ctxErr)
}

// get returns the value at key and whether there is one.
func (c *checker) get(key string) (string, bool, error) {
	v, err := c.tx.Get(key)
	if errors.Is(err, store.ErrNotFound) {
		return "", false, nil
	}
	return v, err == nil, err
}

// loadCatalog reads the stored catalog, compares it with the one in
// memory, and checks that table and index ids are distinct and behind the
// id counter.
func (c *checker) loadCatalog() error {
	c.byName = map[string]*table{}
	c.tableID, c.indexID = map[uint32]bool{}, map[uint32]bool{}
	owner := map[uint32]string{}
	claim := func(id uint32, what string) {
		if prev, dup := owner[id]; dup {
			c.add(DiffCatalog, "", "id %d belongs to both %s and %s", id, prev, what)
		}
		owner[id] = what
	}
	err := c.scan(store.TablePrefix, func(k, v string) bool {
		var m tableMeta
		if err := jsonUnmarshalString(v, &m); err != nil {
			c.add(DiffCatalog, "", "catalog record %q cannot be read: %v", k, err)
			return true
		}
		if store.TableKey(m.Name) != k {
			c.add(DiffCatalog, m.Name, "the catalog record under %q names table %q", k, m.Name)
			return true
		}
		t := newTable(m, c.db.region, c.db.account)
		c.tables = append(c.tables, t)
		c.byName[m.Name] = t
		c.tableID[m.ID] = true
		claim(m.ID, "table "+m.Name)
		for _, im := range m.Indexes {
			c.indexID[im.ID] = true
			claim(im.ID, fmt.Sprintf("index %s of table %s", im.Name, m.Name))
		}
		return true
	})
	if err != nil {
		return err
	}
	seq, err := c.tx.TableSeq()
	if err != nil {
		c.add(DiffCounter, "", "the table id counter cannot be read: %v", err)
	}
	ids := make([]uint32, 0, len(owner))
	for id := range owner {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if err == nil && uint64(id) > seq {
			c.add(DiffCounter, "", "the table id counter is %d, behind id %d of %s", seq, id, owner[id])
		}
	}
	c.compareMemoryCatalog()
	return nil
}

// compareMemoryCatalog compares the tables the DB serves with the stored
// catalog: they are updated together, under the catalog lock Check holds.
func (c *checker) compareMemoryCatalog() {
	for _, t := range c.tables {
		mem := c.db.tables[t.meta.Name]
		if mem == nil {
			c.add(DiffCatalog, t.meta.Name, "the table is stored but not in the in-memory catalog")
			continue
		}
		stored, err1 := t.encodeMeta()
		served, err2 := mem.encodeMeta()
		if err := errors.Join(err1, err2); err != nil {
			c.add(DiffCatalog, t.meta.Name, "%v", err)
		} else if stored != served {
			c.add(DiffCatalog, t.meta.Name, "the in-memory catalog record %s differs from the stored one %s", served, stored)
		}
	}
	for _, name := range c.db.tableNames() {
		if c.byName[name] == nil {
			c.add(DiffCatalog, name, "the table is in the in-memory catalog but has no stored record")
		}
	}
}

// orphanSpace is a keyspace whose keys start with the 4-byte id of the
// table, index or stream they belong to.
type orphanSpace struct {
	prefix string
	what   string               // what its records are
	owner  string               // what the id must name
	valid  func(id uint32) bool // whether the id names one
}

// checkOrphans finds records of tables, indexes and streams that do not
// exist. It visits one key per id, not every record.
func (c *checker) checkOrphans() error {
	table := func(id uint32) bool { return c.tableID[id] }
	index := func(id uint32) bool { return c.indexID[id] }
	stream := func(id uint32) bool { return c.streams[id] != nil }
	spaces := []orphanSpace{
		{"i/", "items", "table", table},
		{"s/", "statistics records", "table or index", func(id uint32) bool { return table(id) || index(id) }},
		{"n/", "index entries", "index", index},
		{"b/", "backfill cursors", "index", index},
		{"e/", "TTL schedule entries", "table", table},
		{"c/", "item-collection size records", "table", table},
		{"w/i/", "replication clocks", "table", table},
		{pitrLogPrefix, "point-in-time log entries", "table", table},
		{pitrFoldedPrefix, "point-in-time watermarks", "table", table},
		{"h/", "shard records", "stream", stream},
		{"o/", "open-shard records", "stream", stream},
		{"r/", "stream records", "stream", stream},
	}
	for _, sp := range spaces {
		if err := c.orphans(sp); err != nil {
			return err
		}
	}
	return nil
}

// orphans reports the ids of sp whose owner does not exist, with how many
// records they have.
func (c *checker) orphans(sp orphanSpace) error {
	from := sp.prefix
	for {
		var key string
		err := c.tx.Ascend(from, func(k, _ string) bool {
			if strings.HasPrefix(k, sp.prefix) {
				key = k
			}
			return false
		})
		if err != nil || key == "" {
			return err
		}
		if len(key) < len(sp.prefix)+4 {
			c.add(DiffOrphan, "", "%s key %q is too short to name a %s", sp.what, key, sp.owner)
			from = key + "\x00"
			continue
		}
		idPrefix := key[:len(sp.prefix)+4]
		id := binary.BigEndian.Uint32([]byte(key[len(sp.prefix):]))
		if !sp.valid(id) {
			n := 0
			if err := c.scan(idPrefix, func(string, string) bool { n++; return true }); err != nil {
				return err
			}
			c.add(DiffOrphan, "", "%s of %s %d, which does not exist: %d", sp.what, sp.owner, id, n)
		}
		if id == 1<<32-1 {
			return nil
		}
		from = sp.prefix + string(binary.BigEndian.AppendUint32(nil, id+1))
	}
}

// sortedIDs returns a map's keys in order.
func sortedIDs[V any](m map[uint32]V) []uint32 {
	ids := make([]uint32, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}
