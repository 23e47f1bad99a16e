package engine

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"dynalab/engine/attr"
	"dynalab/engine/internal/store"
)

// Tests of the invariant checker: a database with every derived structure
// (LSI, GSI, item collections, TTL schedule, stream) checks clean through
// rollover, expiry, an online index build and a table deletion; each kind
// of damage, written straight into the store, is reported as its kind and
// only as its kind, so a test fails if Check stopped making that
// comparison.

type checkEnv struct {
	t   *testing.T
	db  *DB
	now time.Time
}

// checkTableJSON is a table with an LSI (KEYS_ONLY), a GSI (INCLUDE a) and
// a stream.
const checkTableJSON = `{"TableName":"Tab","BillingMode":"PAY_PER_REQUEST",
 "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"},
  {"AttributeName":"l","AttributeType":"S"},{"AttributeName":"g","AttributeType":"S"}],
 "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
 "LocalSecondaryIndexes":[{"IndexName":"ByL","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"l","KeyType":"RANGE"}],
  "Projection":{"ProjectionType":"KEYS_ONLY"}}],
 "GlobalSecondaryIndexes":[{"IndexName":"ByG","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],
  "Projection":{"ProjectionType":"INCLUDE","NonKeyAttributes":["a"]}}],
 "StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_AND_OLD_IMAGES"}}`

// newCheckEnv opens an in-memory database with table Tab (checkTableJSON,
// TTL on exp) holding items A, B (partition a) and C (partition b), and a
// table Plain without indexes holding two items of equal size. Damage tests
// close it without checking it; healthy ones check it in the test.
func newCheckEnv(t *testing.T) *checkEnv {
	e := &checkEnv{t: t, now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	// A short rollover: catching the meters up over a long clock jump is
	// what RunMaintenance spends its time on.
	db, err := Open(Options{Clock: func() time.Time { return e.now }, SweepInterval: -1, TTLSettle: -1, ShardRollover: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	e.db = db
	e.call("CreateTable", checkTableJSON)
	e.call("UpdateTimeToLive", `{"TableName":"Tab","TimeToLiveSpecification":{"AttributeName":"exp","Enabled":true}}`)
	e.call("CreateTable", `{"TableName":"Plain","BillingMode":"PAY_PER_REQUEST",
	 "AttributeDefinitions":[{"AttributeName":"id","AttributeType":"S"}],"KeySchema":[{"AttributeName":"id","KeyType":"HASH"}]}`)
	for _, it := range []attr.Item{e.itemA(), e.itemB(), e.itemC(), plainItem("p1"), plainItem("p2")} {
		e.put(it)
	}
	return e
}

func (e *checkEnv) expiry(d time.Duration) attr.Value {
	return attr.MustN(strconv.FormatInt(e.now.Add(d).Unix(), 10))
}

func (e *checkEnv) itemA() attr.Item {
	return attr.Item{"pk": attr.S("a"), "sk": attr.MustN("1"), "l": attr.S("l1"), "g": attr.S("g1"), "a": attr.S("x"), "exp": e.expiry(100 * 24 * time.Hour)}
}

func (e *checkEnv) itemB() attr.Item {
	return attr.Item{"pk": attr.S("a"), "sk": attr.MustN("2"), "l": attr.S("l2"), "g": attr.S("g2"), "a": attr.S("y"), "exp": e.expiry(200 * 24 * time.Hour)}
}

func (e *checkEnv) itemC() attr.Item {
	return attr.Item{"pk": attr.S("b"), "sk": attr.MustN("1"), "g": attr.S("g1"), "a": attr.S("z")}
}

func plainItem(id string) attr.Item {
	return attr.Item{"id": attr.S(id), "v": attr.S("same size")}
}

func (e *checkEnv) call(op, body string) string {
	e.t.Helper()
	out, _, err := e.db.Dispatch(context.Background(), TargetPrefix+op, []byte(body))
	if err != nil {
		e.t.Fatalf("%s: %v", op, err)
	}
	return string(out)
}

func (e *checkEnv) put(it attr.Item) {
	e.t.Helper()
	name := "Tab"
	if _, ok := it["id"]; ok {
		name = "Plain"
	}
	if _, err := e.db.PutItem(context.Background(), &PutItemInput{TableName: name, Item: it}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *checkEnv) table(name string) *table { return e.db.tables[name] }

func (e *checkEnv) gsi() *index { return e.table("Tab").index("ByG") }

func (e *checkEnv) streamID() uint32 { return e.table("Tab").meta.Stream.ID }

// damage writes straight into the store, bypassing the write path.
func (e *checkEnv) damage(fn func(tx *store.Tx) error) {
	e.t.Helper()
	if err := e.db.store.Update(fn); err != nil {
		e.t.Fatal(err)
	}
}

// want checks that Check reports exactly the given kinds of difference.
func (e *checkEnv) want(kinds ...string) []Difference {
	e.t.Helper()
	diffs, err := e.db.Check(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	var got []string
	for _, d := range diffs {
		if !slices.Contains(got, d.Kind) {
			got = append(got, d.Kind)
		}
	}
	slices.Sort(got)
	slices.Sort(kinds)
	if !slices.Equal(got, kinds) {
		var b strings.Builder
		for _, d := range diffs {
			fmt.Fprintf(&b, "\n  %s", d)
		}
		e.t.Fatalf("Check found kinds %q, want %q:%s", got, kinds, b.String())
	}
	for _, d := range diffs {
		e.t.Log(d)
	}
	return diffs
}

// rollOver closes stream shard 0 and opens shard 1.
func (e *checkEnv) rollOver() {
	e.t.Helper()
	e.now = e.now.Add(2 * time.Minute)
	if err := e.db.RunMaintenance(); err != nil {
		e.t.Fatal(err)
	}
	e.put(attr.Item{"pk": attr.S("c"), "sk": attr.MustN("1")}) // a record in shard 1
}

func (e *checkEnv) shard(tx *store.Tx, idx uint32) *shardMeta {
	e.t.Helper()
	sh, err := readShard(tx, e.streamID(), idx)
	if err != nil {
		e.t.Fatal(err)
	}
	return sh
}

// recordKeys returns the stream's record keys in order.
func (e *checkEnv) recordKeys(tx *store.Tx) []string {
	prefix := store.StreamRecordPrefix(e.streamID())
	var keys []string
	_ = tx.Ascend(prefix, func(k, _ string) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		keys = append(keys, k)
		return true
	})
	return keys
}

func TestCheckHealthyDatabase(t *testing.T) {
	e := newCheckEnv(t)
	e.want()
	// Overwrites and deletes move entries, collections and schedule.
	b := e.itemB()
	b["g"], b["l"], b["exp"] = attr.S("g3"), attr.S("l9"), e.expiry(time.Hour)
	e.put(b)
	if _, err := e.db.DeleteItem(context.Background(), &DeleteItemInput{TableName: "Tab", Key: attr.Item{"pk": attr.S("b"), "sk": attr.MustN("1")}}); err != nil {
		t.Fatal(err)
	}
	e.want()
	// Shard rollover, and TTL expiry of B.
	e.rollOver()
	e.want()
	// TTL values over five years old lose their entry to the sweeper.
	e.put(attr.Item{"pk": attr.S("old"), "sk": attr.MustN("1"), "exp": e.expiry(-6 * 365 * 24 * time.Hour)})
	if err := e.db.RunMaintenance(); err != nil {
		t.Fatal(err)
	}
	e.want()
	// An online index build, stopped part way, and one finished.
	e.db.setIndexPace(1, 1)
	e.call("UpdateTable", `{"TableName":"Tab","AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"}],
	 "GlobalSecondaryIndexUpdates":[{"Create":{"IndexName":"ByA","KeySchema":[{"AttributeName":"a","KeyType":"HASH"}],"Projection":{"ProjectionType":"ALL"}}}]}`)
	if err := e.db.RunMaintenance(); err != nil {
		t.Fatal(err)
	}
	if e.table("Tab").index("ByA").meta.Status != StatusCreating {
		t.Fatal("the index build finished in one batch; the test wants it part way")
	}
	e.want()
	e.db.setIndexPace(1000, 50)
	if err := e.db.RunMaintenance(); err != nil {
		t.Fatal(err)
	}
	e.want()
	// A disabled stream, past retention, and a deleted table.
	e.call("UpdateTable", `{"TableName":"Tab","StreamSpecification":{"StreamEnabled":false}}`)
	e.want()
	e.call("DeleteTable", `{"TableName":"Plain"}`)
	e.now = e.now.Add(StreamRetention + time.Hour)
	if err := e.db.RunMaintenance(); err != nil {
		t.Fatal(err)
	}
	e.want()
	e.call("DeleteTable", `{"TableName":"Tab"}`)
	e.want()
}

func TestCheckIndexEntries(t *testing.T) {
	t.Run("missing", func(t *testing.T) {
		e := newCheckEnv(t)
		tb, ix := e.table("Tab"), e.gsi()
		k, _ := ix.entryKey(tb, e.itemA())
		e.damage(func(tx *store.Tx) error {
			_ = tx.AddStats(ix.meta.ID, -1, -int64(ix.project(tb, e.itemA()).Size()))
			return tx.Delete(k)
		})
		e.want(DiffIndexMissing)
	})
	t.Run("stale: no such item", func(t *testing.T) {
		e := newCheckEnv(t)
		tb, ix := e.table("Tab"), e.gsi()
		ghost := e.itemC()
		ghost["pk"] = attr.S("ghost")
		k, _ := ix.entryKey(tb, ghost)
		proj := ix.project(tb, ghost)
		e.damage(func(tx *store.Tx) error {
			_ = tx.AddStats(ix.meta.ID, 1, int64(proj.Size()))
			return tx.Set(k, string(appendEntry(proj, proj.Size())))
		})
		e.want(DiffIndexStale)
	})
	t.Run("stale: the item moved", func(t *testing.T) {
		// A's index key changes in the item only: its entry is under the
		// old key, none under the new (same sizes: nothing else differs).
		e := newCheckEnv(t)
		tb := e.table("Tab")
		a := e.itemA()
		a["g"] = attr.S("g9")
		e.damage(func(tx *store.Tx) error { return tx.Set(tb.storageKey(a), encodeItem(a, a.Size())) })
		diffs := e.want(DiffIndexMissing, DiffIndexStale)
		if s := fmt.Sprint(diffs); !strings.Contains(s, `index ByG has no entry for item {"pk":{"S":"a"},"sk":{"N":"1"}} (index key {"g":{"S":"g9"}})`) {
			t.Errorf("differences %s do not name the item and its index key", s)
		}
	})
	t.Run("projection", func(t *testing.T) {
		e := newCheckEnv(t)
		tb, ix := e.table("Tab"), e.gsi()
		k, _ := ix.entryKey(tb, e.itemA())
		wrong := ix.project(tb, e.itemA())
		wrong["a"] = attr.S("w") // same size, other content
		e.damage(func(tx *store.Tx) error { return tx.Set(k, string(appendEntry(wrong, wrong.Size()))) })
		e.want(DiffIndexEntry)
	})
	t.Run("backfill part way", func(t *testing.T) {
		e := newCheckEnv(t)
		e.db.setIndexPace(1, 1)
		e.call("UpdateTable", `{"TableName":"Tab","AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"}],
		 "GlobalSecondaryIndexUpdates":[{"Create":{"IndexName":"ByA","KeySchema":[{"AttributeName":"a","KeyType":"HASH"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}}]}`)
		if err := e.db.RunMaintenance(); err != nil {
			t.Fatal(err)
		}
		e.want()
		// The first item in key order is behind the cursor: its entry
		// must be there.
		tb := e.table("Tab")
		ix := tb.index("ByA")
		var first attr.Item
		e.damage(func(tx *store.Tx) error {
			cur, err := tx.Get(backfillKey(ix.meta.ID))
			if err != nil {
				return err
			}
			if first, err = readItem(tx, cur); err != nil {
				return err
			}
			k, _ := ix.entryKey(tb, first)
			_ = tx.AddStats(ix.meta.ID, -1, -int64(ix.project(tb, first).Size()))
			return tx.Delete(k)
		})
		e.want(DiffIndexMissing)
	})
}

func TestCheckStatistics(t *testing.T) {
	t.Run("table", func(t *testing.T) {
		e := newCheckEnv(t)
		e.damage(func(tx *store.Tx) error { return tx.Set(store.StatsKey(e.table("Tab").meta.ID), "9 999") })
		diffs := e.want(DiffTableStats)
		if !strings.Contains(diffs[0].String(), "table Tab: table statistics: the table holds 3 items of") ||
			!strings.Contains(diffs[0].String(), "its statistics say 9 items of 999 bytes") {
			t.Errorf("difference %q", diffs[0])
		}
	})
	t.Run("index count", func(t *testing.T) {
		e := newCheckEnv(t)
		e.damage(func(tx *store.Tx) error { return tx.AddStats(e.gsi().meta.ID, 1, 0) })
		e.want(DiffIndexStats)
	})
	t.Run("index bytes", func(t *testing.T) {
		e := newCheckEnv(t)
		e.damage(func(tx *store.Tx) error { return tx.AddStats(e.table("Tab").index("ByL").meta.ID, 0, -3) })
		e.want(DiffIndexStats)
	})
}

func TestCheckItemCollections(t *testing.T) {
	t.Run("wrong size", func(t *testing.T) {
		e := newCheckEnv(t)
		e.damage(func(tx *store.Tx) error { return tx.Set(e.table("Tab").collectionKey(attr.S("a")), "1") })
		e.want(DiffCollection)
	})
	t.Run("no size record", func(t *testing.T) {
		e := newCheckEnv(t)
		e.damage(func(tx *store.Tx) error { return tx.Delete(e.table("Tab").collectionKey(attr.S("b"))) })
		e.want(DiffCollection)
	})
	t.Run("size of an empty collection", func(t *testing.T) {
		e := newCheckEnv(t)
		e.damage(func(tx *store.Tx) error { return tx.Set(e.table("Tab").collectionKey(attr.S("nobody")), "10") })
		e.want(DiffCollection)
	})
}

func TestCheckTTLSchedule(t *testing.T) {
	entryOf := func(e *checkEnv, it attr.Item) (k, v string) {
		tb := e.table("Tab")
		k, v, ok := tb.ttlEntry(tb.storageKey(it), "exp", it)
		if !ok {
			t.Fatal("no TTL entry")
		}
		return k, v
	}
	t.Run("missing", func(t *testing.T) {
		e := newCheckEnv(t)
		k, _ := entryOf(e, e.itemA())
		e.damage(func(tx *store.Tx) error { return tx.Delete(k) })
		e.want(DiffTTLMissing)
	})
	t.Run("missing, four years old", func(t *testing.T) {
		e := newCheckEnv(t)
		it := attr.Item{"pk": attr.S("old"), "sk": attr.MustN("1"), "exp": e.expiry(-4 * 365 * 24 * time.Hour)}
		e.put(it)
		k, _ := entryOf(e, it)
		e.damage(func(tx *store.Tx) error { return tx.Delete(k) })
		e.want(DiffTTLMissing)
	})
	t.Run("missing, six years old", func(t *testing.T) {
		// The sweeper drops such entries: no difference.
		e := newCheckEnv(t)
		it := attr.Item{"pk": attr.S("old"), "sk": attr.MustN("1"), "exp": e.expiry(-6 * 365 * 24 * time.Hour)}
		e.put(it)
		k, _ := entryOf(e, it)
		e.damage(func(tx *store.Tx) error { return tx.Delete(k) })
		e.want()
	})
	t.Run("stale: no such item", func(t *testing.T) {
		e := newCheckEnv(t)
		ghost := e.itemA()
		ghost["pk"] = attr.S("ghost")
		k, v := entryOf(e, ghost)
		e.damage(func(tx *store.Tx) error { return tx.Set(k, v) })
		e.want(DiffTTLStale)
	})
	t.Run("stale: another value", func(t *testing.T) {
		e := newCheckEnv(t)
		k, v := entryOf(e, e.itemA())
		e.damage(func(tx *store.Tx) error { return tx.Set(k, v+".5") })
		e.want(DiffTTLStale)
	})
	t.Run("TTL disabled", func(t *testing.T) {
		e := newCheckEnv(t)
		tb := e.table("Plain")
		k := tb.storageKey(plainItem("p1"))
		e.damage(func(tx *store.Tx) error { return tx.Set(store.TTLKey(tb.meta.ID, 5, k[len(tb.prefix):]), "5") })
		e.want(DiffTTLStale)
	})
}

func TestCheckStreams(t *testing.T) {
	t.Run("sequence counter behind", func(t *testing.T) {
		e := newCheckEnv(t)
		e.damage(func(tx *store.Tx) error { return tx.Set("m/sseq", "2") })
		e.want(DiffCounter)
	})
	t.Run("stream id counter behind", func(t *testing.T) {
		e := newCheckEnv(t)
		e.damage(func(tx *store.Tx) error { return tx.Set("m/sid", "0") })
		e.want(DiffCounter)
	})
	t.Run("no open shard", func(t *testing.T) {
		e := newCheckEnv(t)
		e.damage(func(tx *store.Tx) error { return tx.Delete(store.OpenShardKey(e.streamID())) })
		e.want(DiffShard)
	})
	t.Run("two open shards", func(t *testing.T) {
		e := newCheckEnv(t)
		e.rollOver()
		e.damage(func(tx *store.Tx) error {
			sh := e.shard(tx, 0)
			sh.End, sh.ClosedMillis = 0, 0
			return putShard(tx, e.streamID(), sh)
		})
		wantText(t, e.want(DiffShard), "records shard 1 as open, but 2 shards are open")
	})
	t.Run("lineage", func(t *testing.T) {
		e := newCheckEnv(t)
		e.rollOver()
		e.damage(func(tx *store.Tx) error {
			sh := e.shard(tx, 1)
			sh.Parent = "shardId-00000000000000000000-00000000"
			return putShard(tx, e.streamID(), sh)
		})
		e.want(DiffShard)
	})
	t.Run("record at or before the trim horizon", func(t *testing.T) {
		e := newCheckEnv(t)
		e.rollOver()
		e.damage(func(tx *store.Tx) error {
			sh := e.shard(tx, 0)
			sh.Trimmed = sh.End // as if trimmed, but the records are there
			return putShard(tx, e.streamID(), sh)
		})
		e.want(DiffStreamRecord)
	})
	t.Run("record outside its shard", func(t *testing.T) {
		e := newCheckEnv(t)
		e.rollOver()
		e.damage(func(tx *store.Tx) error {
			sh := e.shard(tx, 0)
			sh.End = sh.Start + 1 // closed before its last records
			return putShard(tx, e.streamID(), sh)
		})
		e.want(DiffStreamRecord)
	})
	t.Run("record under another sequence number", func(t *testing.T) {
		e := newCheckEnv(t)
		e.damage(func(tx *store.Tx) error {
			keys := e.recordKeys(tx)
			v0, _ := tx.Get(keys[0])
			v1, _ := tx.Get(keys[1])
			return errors.Join(tx.Set(keys[0], v1), tx.Set(keys[1], v0))
		})
		e.want(DiffStreamRecord)
	})
	t.Run("records of a forgotten shard", func(t *testing.T) {
		e := newCheckEnv(t)
		e.rollOver()
		e.damage(func(tx *store.Tx) error { return tx.Delete(store.ShardKey(e.streamID(), 0)) })
		e.want(DiffStreamRecord)
	})
	t.Run("stream of another table", func(t *testing.T) {
		e := newCheckEnv(t)
		sid := e.streamID()
		s := *e.db.streams[sid]
		s.TableID = e.table("Plain").meta.ID
		e.damage(func(tx *store.Tx) error { return putStream(tx, &s) })
		e.db.streams[sid] = &s // the in-memory catalog agrees: only the link is wrong
		e.want(DiffStream)
	})
	t.Run("stream disabled, table says enabled", func(t *testing.T) {
		e := newCheckEnv(t)
		sid := e.streamID()
		s := *e.db.streams[sid]
		s.DisabledMillis = e.now.UnixMilli()
		e.damage(func(tx *store.Tx) error { return putStream(tx, &s) })
		e.db.streams[sid] = &s
		// Also a disabled stream with an open shard.
		diffs := e.want(DiffStream, DiffShard)
		wantText(t, diffs, "is disabled but records shard 0 as open")
		wantText(t, diffs, "is disabled but its shard shardId-")
	})
}

func TestCheckCatalog(t *testing.T) {
	t.Run("table id counter behind", func(t *testing.T) {
		e := newCheckEnv(t)
		e.damage(func(tx *store.Tx) error { return tx.Set("m/seq", "1") })
		e.want(DiffCounter)
	})
	t.Run("stored and in-memory catalogs differ", func(t *testing.T) {
		e := newCheckEnv(t)
		m := e.table("Plain").meta
		m.DeletionProtection = true
		rec, _ := newTable(m, "", "").encodeMeta()
		e.damage(func(tx *store.Tx) error { return tx.Set(store.TableKey("Plain"), rec) })
		e.want(DiffCatalog)
	})
	t.Run("table in memory only", func(t *testing.T) {
		e := newCheckEnv(t)
		e.damage(func(tx *store.Tx) error { return tx.Delete(store.TableKey("Plain")) })
		// Its items, statistics are then orphans too.
		e.want(DiffCatalog, DiffOrphan)
	})
}

func TestCheckOrphans(t *testing.T) {
	t.Run("items of no table", func(t *testing.T) {
		e := newCheckEnv(t)
		e.damage(func(tx *store.Tx) error {
			return tx.Set(string(store.ItemPrefix(999))+"x", encodeItem(plainItem("p9"), plainItem("p9").Size()))
		})
		diffs := e.want(DiffOrphan)
		if want := "orphan: items of table 999, which does not exist: 1"; diffs[0].String() != want {
			t.Errorf("difference %q, want %q", diffs[0], want)
		}
	})
	t.Run("entries of no index", func(t *testing.T) {
		e := newCheckEnv(t)
		e.damage(func(tx *store.Tx) error { return tx.Set(string(store.IndexPrefix(998))+"x", "y") })
		e.want(DiffOrphan)
	})
	t.Run("shards of no stream", func(t *testing.T) {
		e := newCheckEnv(t)
		e.damage(func(tx *store.Tx) error { return tx.Set(store.ShardKey(77, 0), `{}`) })
		e.want(DiffOrphan)
	})
}

func TestCheckItems(t *testing.T) {
	t.Run("under another key", func(t *testing.T) {
		e := newCheckEnv(t)
		tb := e.table("Plain")
		p1 := plainItem("p1")
		e.damage(func(tx *store.Tx) error { return tx.Set(tb.storageKey(plainItem("p2")), encodeItem(p1, p1.Size())) })
		e.want(DiffItem)
	})
	t.Run("listing is capped", func(t *testing.T) {
		e := newCheckEnv(t)
		prefix := string(e.table("Plain").prefix)
		e.damage(func(tx *store.Tx) error {
			for i := range checkLimit + 5 {
				if err := tx.Set(prefix+string(binary.BigEndian.AppendUint32(nil, uint32(i))), "\x01garbage"); err != nil {
					return err
				}
			}
			return nil
		})
		diffs, err := e.db.Check(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(diffs) != checkLimit+1 || diffs[checkLimit].String() != "more: 5 more differences not listed" {
			t.Fatalf("%d differences, the last %q", len(diffs), diffs[len(diffs)-1])
		}
	})
}

func TestCheckEndsWithItsContext(t *testing.T) {
	e := newCheckEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.db.Check(ctx); err == nil {
		t.Fatal("Check ran with an ended context")
	}
	e.db.Close()
	if _, err := e.db.Check(context.Background()); !errors.Is(err, ErrClosed) {
		t.Fatalf("Check of a closed DB: %v, want ErrClosed", err)
	}
}

// wantText checks that one of diffs says text.
func wantText(t *testing.T, diffs []Difference, text string) {
	t.Helper()
	for _, d := range diffs {
		if strings.Contains(d.String(), text) {
			return
		}
	}
	t.Errorf("no difference says %q: %v", text, diffs)
}

// TestCheckMoreComparisons covers the comparisons whose damage the tests
// above do not isolate: each case names the message its comparison makes.
func TestCheckMoreComparisons(t *testing.T) {
	type damage func(e *checkEnv, tx *store.Tx) error
	setShard := func(idx uint32, fn func(sh *shardMeta)) damage {
		return func(e *checkEnv, tx *store.Tx) error {
			sh := e.shard(tx, idx)
			fn(sh)
			return putShard(tx, e.streamID(), sh)
		}
	}
	itemC := func(e *checkEnv) (*table, string) {
		tb := e.table("Tab")
		return tb, tb.storageKey(e.itemC())
	}
	for _, tc := range []struct {
		name     string
		rollOver bool
		memory   func(e *checkEnv) // changes the in-memory catalog
		damage   damage
		kinds    []string
		text     string
	}{
		{name: "item size header", damage: func(e *checkEnv, tx *store.Tx) error {
			a := e.itemA()
			return tx.Set(e.table("Tab").storageKey(a), encodeItem(a, a.Size()+1))
		}, kinds: []string{DiffItem}, text: "records its size as"},
		{name: "item without its key", damage: func(e *checkEnv, tx *store.Tx) error {
			tb := e.table("Plain")
			return tx.Set(tb.storageKey(plainItem("p1")), encodeItem(attr.Item{"v": attr.S("x")}, 2))
		}, kinds: []string{DiffItem, DiffTableStats}, text: "has no key attribute id of type S"},
		{name: "index entry size header", damage: func(e *checkEnv, tx *store.Tx) error {
			tb, ix := e.table("Tab"), e.gsi()
			k, _ := ix.entryKey(tb, e.itemA())
			proj := ix.project(tb, e.itemA())
			return tx.Set(k, string(appendEntry(proj, proj.Size()+1)))
		}, kinds: []string{DiffIndexEntry}, text: "records its size as"},
		{name: "index entry without the table key", damage: func(e *checkEnv, tx *store.Tx) error {
			tb, ix := e.table("Tab"), e.gsi()
			k, _ := ix.entryKey(tb, e.itemA())
			proj := ix.project(tb, e.itemA())
			delete(proj, "sk")
			proj["sx"] = attr.MustN("1") // the same size
			return tx.Set(k, string(appendEntry(proj, proj.Size())))
		}, kinds: []string{DiffIndexStale}, text: "lacks the table key attribute sk"},
		{name: "index entry of an item not in the index", damage: func(e *checkEnv, tx *store.Tx) error {
			_, k := itemC(e)
			c := e.itemC()
			delete(c, "g")
			c["h"] = attr.S("g1") // the same size, no GSI key
			return tx.Set(k, encodeItem(c, c.Size()))
		}, kinds: []string{DiffIndexStale}, text: "the item is not in the index"},
		{name: "backfill cursor of an active index", damage: func(e *checkEnv, tx *store.Tx) error {
			return tx.Set(backfillKey(e.gsi().meta.ID), "i/")
		}, kinds: []string{DiffCatalog}, text: "has a backfill cursor but is not being created"},
		{name: "collection size of a table without LSI", damage: func(e *checkEnv, tx *store.Tx) error {
			return tx.Set(e.table("Plain").collectionKey(attr.S("p1")), "10")
		}, kinds: []string{DiffCollection}, text: "has no local secondary index"},
		{name: "TTL entry of an item without expiry", damage: func(e *checkEnv, tx *store.Tx) error {
			tb, k := itemC(e)
			return tx.Set(store.TTLKey(tb.meta.ID, 5, k[len(tb.prefix):]), "5")
		}, kinds: []string{DiffTTLStale}, text: "but its exp is no expiry time"},
		{name: "duplicate ids", damage: func(e *checkEnv, tx *store.Tx) error {
			m := e.table("Plain").meta
			m.ID = e.gsi().meta.ID
			rec, _ := newTable(m, "", "").encodeMeta()
			return tx.Set(store.TableKey("Plain"), rec)
		}, kinds: []string{DiffCatalog, DiffOrphan, DiffTableStats}, text: "id 3 belongs to both table Plain and index ByG of table Tab"},
		{name: "table stored only", memory: func(e *checkEnv) { delete(e.db.tables, "Plain") },
			kinds: []string{DiffCatalog}, text: "the table is stored but not in the in-memory catalog"},
		{name: "stream stored only", memory: func(e *checkEnv) { delete(e.db.streams, e.streamID()) },
			kinds: []string{DiffCatalog}, text: "is stored but not in the in-memory catalog"},
		{name: "stream record differs from memory", damage: func(e *checkEnv, tx *store.Tx) error {
			s := *e.db.streams[e.streamID()]
			s.ViewType = StreamViewKeysOnly
			return putStream(tx, &s)
		}, kinds: []string{DiffCatalog, DiffStream}, text: "the in-memory record of stream 1"},
		{name: "stream view type differs from the table's", memory: func(e *checkEnv) {
			e.db.streams[e.streamID()].ViewType = StreamViewKeysOnly
		}, damage: func(e *checkEnv, tx *store.Tx) error {
			return putStream(tx, e.db.streams[e.streamID()])
		}, kinds: []string{DiffStream}, text: "(NEW_AND_OLD_IMAGES), its record says"},
		{name: "stream of another table", memory: func(e *checkEnv) {
			e.db.streams[e.streamID()].TableID = e.table("Plain").meta.ID
		}, damage: func(e *checkEnv, tx *store.Tx) error {
			return putStream(tx, e.db.streams[e.streamID()])
		}, kinds: []string{DiffStream}, text: "names stream 1, whose record is of table Tab (id 4)"},
		{name: "enabled stream no table has", memory: func(e *checkEnv) {
			e.db.streams[e.streamID()].TableID = e.table("Plain").meta.ID
		}, damage: func(e *checkEnv, tx *store.Tx) error {
			return putStream(tx, e.db.streams[e.streamID()])
		}, kinds: []string{DiffStream}, text: "is enabled but is not the enabled stream of table Tab (id 4)"},
		{name: "enabled stream without record", memory: func(e *checkEnv) { delete(e.db.streams, e.streamID()) },
			damage: func(e *checkEnv, tx *store.Tx) error { return tx.Delete(store.StreamKey(e.streamID())) },
			kinds:  []string{DiffStream, DiffOrphan}, text: "enabled stream arn:aws:dynamodb:us-east-1:000000000000:table/Tab/stream/2026-03-01T09:00:00.000 (id 1) has no stream record"},
		{name: "stream in memory only", damage: func(e *checkEnv, tx *store.Tx) error { return tx.Delete(store.StreamKey(e.streamID())) },
			kinds: []string{DiffCatalog, DiffStream, DiffOrphan}, text: "is in the in-memory catalog but has no stored record"},
		{name: "first shard with a parent", damage: setShard(0, func(sh *shardMeta) { sh.Parent = "shardId-x" }),
			kinds: []string{DiffShard}, text: "the first of stream"},
		{name: "open shard not the last", rollOver: true, damage: func(e *checkEnv, tx *store.Tx) error {
			sh0, sh1 := e.shard(tx, 0), e.shard(tx, 1)
			sh0.End, sh1.End = 0, sh0.End+100
			return errors.Join(tx.Set("m/sseq", strconv.FormatUint(sh1.End, 10)), putShard(tx, e.streamID(), sh0),
				putShard(tx, e.streamID(), sh1), tx.SetOpenShard(e.streamID(), 0))
		}, kinds: []string{DiffShard}, text: "is not its last"},
		{name: "shard name", damage: setShard(0, func(sh *shardMeta) { sh.CreatedMillis++ }),
			kinds: []string{DiffShard}, text: "its index and creation time make"},
		{name: "sequence counter behind a shard", rollOver: true, damage: func(e *checkEnv, tx *store.Tx) error {
			keys := e.recordKeys(tx)
			n, _ := store.RecordSeq(keys[len(keys)-1])
			return errors.Join(tx.Set("m/sseq", strconv.FormatUint(n, 10)), setShard(1, func(sh *shardMeta) { sh.Start = n + 1 })(e, tx),
				tx.Delete(keys[len(keys)-1]))
		}, kinds: []string{DiffCounter, DiffShard}, text: "behind shard"},
		{name: "shard ends before it starts", rollOver: true, damage: setShard(0, func(sh *shardMeta) { sh.End = sh.Start - 1 + 1; sh.Start += 2 }),
			kinds: []string{DiffShard, DiffStreamRecord}, text: "before its start"},
		{name: "shard trimmed past its end", rollOver: true, damage: setShard(0, func(sh *shardMeta) { sh.Trimmed = sh.End + 1 }),
			kinds: []string{DiffShard, DiffStreamRecord}, text: "is trimmed to"},
		{name: "child starts in its parent", rollOver: true, damage: setShard(0, func(sh *shardMeta) { sh.End += 1 }),
			kinds: []string{DiffShard}, text: "not after its parent"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newCheckEnv(t)
			if tc.rollOver {
				e.rollOver()
			}
			if tc.memory != nil {
				tc.memory(e)
			}
			if tc.damage != nil {
				e.damage(func(tx *store.Tx) error { return tc.damage(e, tx) })
			}
			wantText(t, e.want(tc.kinds...), tc.text)
		})
	}
}

// TestCheckUnreadableRecords: records that cannot be parsed are
// differences, not a failed check.
func TestCheckUnreadableRecords(t *testing.T) {
	for _, tc := range []struct {
		name       string
		key, value func(e *checkEnv) string
		kinds      []string
		text       string
	}{
		{"catalog record", func(*checkEnv) string { return store.TableKey("Bad") }, nil, []string{DiffCatalog}, `catalog record "t/Bad" cannot be read`},
		{"catalog record of another name", func(*checkEnv) string { return store.TableKey("Other") },
			func(e *checkEnv) string { rec, _ := e.table("Plain").encodeMeta(); return rec },
			[]string{DiffCatalog}, `the catalog record under "t/Other" names table "Plain"`},
		{"statistics", func(e *checkEnv) string { return store.StatsKey(e.table("Plain").meta.ID) }, nil,
			[]string{DiffTableStats}, "the statistics of the table cannot be read"},
		{"index entry", func(e *checkEnv) string { return string(e.gsi().prefix) + "x" }, nil,
			[]string{DiffIndexEntry}, "cannot be decoded"},
		{"item-collection size", func(e *checkEnv) string { return e.table("Tab").collectionKey(attr.S("a")) }, nil,
			[]string{DiffCollection}, "cannot be read"},
		{"TTL key", func(e *checkEnv) string { return store.TTLPrefix(e.table("Tab").meta.ID) + "x" }, nil,
			[]string{DiffTTLStale}, "cannot be read"},
		{"table id counter", func(*checkEnv) string { return "m/seq" }, nil, []string{DiffCounter}, "the table id counter cannot be read"},
		{"stream id counter", func(*checkEnv) string { return "m/sid" }, nil, []string{DiffCounter}, "a stream counter cannot be read"},
		{"stream record", func(*checkEnv) string { return store.StreamKey(9) }, nil, []string{DiffStream}, "cannot be read"},
		{"stream record of another id", func(*checkEnv) string { return store.StreamKey(9) },
			func(e *checkEnv) string { rec, _ := encodeJSON(e.db.streams[e.streamID()]); return rec },
			[]string{DiffStream}, "is of stream 1"},
		{"shard record", func(e *checkEnv) string { return store.ShardKey(e.streamID(), 7) }, nil, []string{DiffShard}, "cannot be read"},
		{"shard record of another index", func(e *checkEnv) string { return store.ShardKey(e.streamID(), 7) },
			func(*checkEnv) string { return `{"idx":3,"id":"x","start":1}` }, []string{DiffShard}, "is of shard 3"},
		{"open-shard record", func(e *checkEnv) string { return store.OpenShardKey(e.streamID()) }, nil, []string{DiffShard}, "cannot be read"},
		{"stream record key", func(e *checkEnv) string { return store.StreamRecordPrefix(e.streamID()) + "x" }, nil,
			[]string{DiffStreamRecord}, "cannot be read"},
		{"short key", func(*checkEnv) string { return "i/x" }, nil, []string{DiffOrphan}, "is too short to name a table"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newCheckEnv(t)
			value := "\x01not what it should be"
			if tc.value != nil {
				value = tc.value(e)
			}
			e.damage(func(tx *store.Tx) error { return tx.Set(tc.key(e), value) })
			wantText(t, e.want(tc.kinds...), tc.text)
		})
	}
}
