package engine

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tidwall/buntdb"

	"dynalab/engine/attr"
)

// The baselines for BenchmarkPutItem and BenchmarkGetItem: buntdb Set and
// Get of exactly the bytes the engine stores for the same items — the same
// hash-ordered keys and the same encoded values — with no engine work.

func rawTable() *table {
	return newTable(tableMeta{Name: "Bench", ID: 1, KeySchema: []KeySchemaElement{
		{AttributeName: "PK", KeyType: KeyTypeHash}, {AttributeName: "SK", KeyType: KeyTypeRange}},
		AttributeDefinitions: []AttributeDefinition{{AttributeName: "PK", AttributeType: "S"}, {AttributeName: "SK", AttributeType: "S"}},
	}, "us-east-1", "000000000000")
}

func rawEntry(t *table, i int) (key, value string) {
	item := attr.Item{
		"PK": attr.S(fmt.Sprintf("p%d", i)), "SK": attr.S("s"),
		"payload": attr.S(strings.Repeat("x", 900)), "count": attr.Int(42),
		"status": attr.S("ACTIVE"), "owner": attr.S("user-123"),
	}
	return t.storageKey(item), string(attr.AppendStored(nil, item, item.Size()))
}

func openRaw(b *testing.B) *buntdb.DB {
	bdb, err := buntdb.Open(b.TempDir() + "/raw.db")
	if err != nil {
		b.Fatal(err)
	}
	if err := bdb.SetConfig(buntdb.Config{SyncPolicy: buntdb.Never, AutoShrinkPercentage: 100, AutoShrinkMinSize: 32 << 20}); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { bdb.Close() })
	return bdb
}

func BenchmarkRawBuntDBSet(b *testing.B) {
	bdb, t := openRaw(b), rawTable()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		k, v := rawEntry(t, i)
		if err := bdb.Update(func(tx *buntdb.Tx) error { _, _, err := tx.Set(k, v, nil); return err }); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRawBuntDBGet(b *testing.B) {
	bdb, keys := rawGetSetup(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := bdb.View(func(tx *buntdb.Tx) error { _, err := tx.Get(keys[i%len(keys)]); return err }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawBuntDBGetDecode is BenchmarkRawBuntDBGet that also turns the
// bytes into the item a GetItem returns: the least any GetItem can do.
func BenchmarkRawBuntDBGetDecode(b *testing.B) {
	bdb, keys := rawGetSetup(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := bdb.View(func(tx *buntdb.Tx) error {
			v, err := tx.Get(keys[i%len(keys)])
			if err == nil {
				_, err = attr.ParseStoredItem(v)
			}
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
}

// rawGetSetup stores BenchmarkGetItem's 10,000 items and returns their keys.
func rawGetSetup(b *testing.B) (*buntdb.DB, []string) {
	bdb, t := openRaw(b), rawTable()
	keys := make([]string, 10000)
	for i := range keys {
		k, v := rawEntry(t, i)
		keys[i] = k
		if err := bdb.Update(func(tx *buntdb.Tx) error { _, _, err := tx.Set(k, v, nil); return err }); err != nil {
			b.Fatal(err)
		}
	}
	return bdb, keys
}

// BenchmarkRawBuntDBBatch is the floor under BenchmarkDispatchBatch's
// BatchWriteItem: one in-memory buntdb transaction setting the same 25
// keys to the bytes the engine stores, each value copied into fresh memory
// as any server must copy it out of the request. No JSON, no validation,
// no accounting.
func BenchmarkRawBuntDBBatch(b *testing.B) {
	bdb, err := buntdb.Open(":memory:")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { bdb.Close() })
	t := rawTable()
	const n = 4096 // as BenchmarkDispatchBatch: later rounds overwrite
	keys := make([][25]string, n)
	vals := make([][25]string, n)
	payload := strings.Repeat("x", 960)
	for i := range keys {
		for j := range keys[i] {
			pk := fmt.Sprintf("bat#%08d#%02d", i, j)
			item := attr.Item{"PK": attr.S(pk), "SK": attr.S("A"), "GSI1PK": attr.S("G7"), "GSI1SK": attr.S(pk), "data": attr.S(payload)}
			keys[i][j] = t.storageKey(item)
			vals[i][j] = string(attr.AppendStored(nil, item, item.Size()))
		}
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ks, vs := &keys[i%n], &vals[i%n]
		if err := bdb.Update(func(tx *buntdb.Tx) error {
			for j := range ks {
				v := make([]byte, len(vs[j]))
				copy(v, vs[j])
				if _, _, err := tx.Set(ks[j], bytesString(v), nil); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
}
