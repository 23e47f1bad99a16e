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
	bdb, t := openRaw(b), rawTable()
	const n = 10000
	keys := make([]string, n)
	for i := range keys {
		k, v := rawEntry(t, i)
		keys[i] = k
		if err := bdb.Update(func(tx *buntdb.Tx) error { _, _, err := tx.Set(k, v, nil); return err }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := bdb.View(func(tx *buntdb.Tx) error { _, err := tx.Get(keys[i%n]); return err }); err != nil {
			b.Fatal(err)
		}
	}
}
