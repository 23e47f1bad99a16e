package engine_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/engine/enginetest"
)

// durableTable creates a table with a GSI and a stream: a write to it is a
// storage transaction of many commands (item, index entry, stream record,
// sequence counter, table and index statistics).
func durableTable(t testing.TB, db *engine.DB) string {
	t.Helper()
	out, err := db.CreateTable(context.Background(), &engine.CreateTableInput{
		TableName: "Durable",
		AttributeDefinitions: []engine.AttributeDefinition{
			{AttributeName: "PK", AttributeType: "S"}, {AttributeName: "owner", AttributeType: "S"}},
		KeySchema:   []engine.KeySchemaElement{{AttributeName: "PK", KeyType: "HASH"}},
		BillingMode: engine.BillingPayPerRequest,
		GlobalSecondaryIndexes: []engine.GlobalSecondaryIndex{{IndexName: "ByOwner",
			KeySchema:  []engine.KeySchemaElement{{AttributeName: "owner", KeyType: "HASH"}},
			Projection: &engine.Projection{ProjectionType: "ALL"}}},
		StreamSpecification: &engine.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: "NEW_AND_OLD_IMAGES"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.TableDescription.LatestStreamArn
}

func durableItem(pk string) attr.Item {
	return attr.Item{"PK": attr.S(pk), "owner": attr.S("o"), "payload": attr.S("xyz")}
}

// durableState renders everything a write touches: the items, the index
// entries, the table's and the index's counts, the stream records.
func durableState(t testing.TB, db *engine.DB, stream string) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	keys := func(items []attr.Item) []string {
		var ks []string
		for _, it := range items {
			ks = append(ks, fmt.Sprint(it["PK"]))
		}
		sort.Strings(ks)
		return ks
	}
	sc, err := db.Scan(ctx, &engine.ScanInput{TableName: "Durable"})
	if err != nil {
		t.Fatal(err)
	}
	ix, err := db.Query(ctx, &engine.QueryInput{TableName: "Durable", IndexName: "ByOwner", KeyConditionExpression: aws.String("#o = :o"), ExpressionAttributeNames: map[string]string{"#o": "owner"},
		ExpressionAttributeValues: engine.Values{":o": attr.S("o")}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.DescribeTable(ctx, &engine.DescribeTableInput{TableName: "Durable"})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "items %v\nindex %v\ncounts %d %d %d\n", keys(sc.Items), keys(ix.Items), d.Table.ItemCount,
		d.Table.GlobalSecondaryIndexes[0].ItemCount, d.Table.GlobalSecondaryIndexes[0].IndexSizeBytes)
	ds, err := db.DescribeStream(ctx, &engine.DescribeStreamInput{StreamArn: stream})
	if err != nil {
		t.Fatal(err)
	}
	for _, sh := range ds.StreamDescription.Shards {
		it, err := db.GetShardIterator(ctx, &engine.GetShardIteratorInput{StreamArn: stream, ShardId: sh.ShardId, ShardIteratorType: "TRIM_HORIZON"})
		if err != nil {
			t.Fatal(err)
		}
		out, err := db.GetRecords(ctx, &engine.GetRecordsInput{ShardIterator: it.ShardIterator})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range out.Records {
			fmt.Fprintf(&b, "record %s %s %v\n", r.EventName, r.Dynamodb.SequenceNumber, r.Dynamodb.Keys["PK"])
		}
	}
	return b.String()
}

var everyOffset = flag.Bool("every-offset", false, "TestTornWriteAtEveryOffset: cut at every byte, not a sample")

// TestTornWriteAtEveryOffset is issue 12's test: the database file is cut
// at every byte offset (a sample by default) of its last transaction — a BatchWriteItem of two
// puts and a delete on a table with a GSI and a stream — and reopened.
// Each time the engine opens; the transaction is there whole or not at
// all; everything before it is there; a cut inside it is reported.
func TestTornWriteAtEveryOffset(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "torn.db")
	opts := engine.Options{Path: path, Sync: "never", SweepInterval: -1}
	db, err := engine.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	stream := durableTable(t, db)
	ctx := context.Background()
	for i := range 5 {
		if _, err := db.PutItem(ctx, &engine.PutItemInput{TableName: "Durable", Item: durableItem(fmt.Sprintf("p%d", i))}); err != nil {
			t.Fatal(err)
		}
	}
	before := durableState(t, db, stream)
	fi, _ := os.Stat(path)
	start := fi.Size()
	if _, err := db.BatchWriteItem(ctx, &engine.BatchWriteItemInput{RequestItems: map[string][]engine.WriteRequest{"Durable": {
		{PutRequest: &engine.PutRequest{Item: durableItem("p5")}},
		{PutRequest: &engine.PutRequest{Item: durableItem("p6")}},
		{DeleteRequest: &engine.DeleteRequest{Key: attr.Item{"PK": attr.S("p0")}}},
	}}}); err != nil {
		t.Fatal(err)
	}
	after := durableState(t, db, stream)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	end := int64(len(data))
	if before == after || end-start < 500 {
		t.Fatalf("the last transaction is %d bytes; states:\n%s\n%s", end-start, before, after)
	}
	cut := filepath.Join(dir, "cut.db")
	// The store's own test cuts at every offset; here a sample (every
	// 13th byte, prime to the framing's sizes) shows the engine on top of
	// it, unless -every-offset asks for all.
	step := int64(13)
	if *everyOffset {
		step = 1
	}
	for n := start; n <= end; n = min(n+step, end+boolInt(n == end)) {
		if err := os.WriteFile(cut, data[:n], 0o644); err != nil {
			t.Fatal(err)
		}
		var warned []string
		var mu sync.Mutex
		db, err := engine.Open(engine.Options{Path: cut, Sync: "never", SweepInterval: -1, Warnf: func(f string, a ...any) {
			mu.Lock()
			warned = append(warned, fmt.Sprintf(f, a...))
			mu.Unlock()
		}})
		if err != nil {
			t.Fatalf("cut at byte %d (transaction %d..%d): open: %v", n, start, end, err)
		}
		got, want := durableState(t, db, stream), before
		if n == end {
			want = after
		}
		if got != want {
			t.Fatalf("cut at byte %d (transaction %d..%d):\n%s\nwant\n%s", n, start, end, got, want)
		}
		if torn := n > start && n < end; torn != (len(warned) == 1) {
			t.Fatalf("cut at byte %d: warnings %q", n, warned)
		}
		// What survives a cut is consistent: indexes, counts and stream
		// bookkeeping agree with the items.
		enginetest.Check(t, db)
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("cut at each of %d offsets of a %d-byte transaction", end-start+1, end-start)
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// TestSyncAlwaysConcurrentWrites: concurrent writers with --sync always
// all succeed and are there after a reopen.
func TestSyncAlwaysConcurrentWrites(t *testing.T) {
	opts := engine.Options{Sync: "always", SweepInterval: -1}
	db := enginetest.Open(t, opts)
	durableTable(t, db)
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				if _, err := db.PutItem(context.Background(), &engine.PutItemInput{TableName: "Durable", Item: durableItem(fmt.Sprintf("w%d-%d", w, i))}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	db = enginetest.Reopen(t, db, opts)
	d, err := db.DescribeTable(context.Background(), &engine.DescribeTableInput{TableName: "Durable"})
	if err != nil || d.Table.ItemCount != 160 {
		t.Fatalf("after reopen: %v items, %v", d.Table.ItemCount, err)
	}
}

// BenchmarkPutItemParallelSync: concurrent PutItem (64 writers) under each
// sync policy; with "always" every write waits for an fsync, shared by
// group commit.
func BenchmarkPutItemParallelSync(b *testing.B) {
	for _, policy := range []string{"always", "everysecond"} {
		b.Run(policy, func(b *testing.B) {
			db := enginetest.Open(b, engine.Options{Sync: policy, SweepInterval: -1})
			if _, err := db.CreateTable(context.Background(), &engine.CreateTableInput{
				TableName:            "Bench",
				AttributeDefinitions: []engine.AttributeDefinition{{AttributeName: "PK", AttributeType: "S"}, {AttributeName: "SK", AttributeType: "S"}},
				KeySchema:            []engine.KeySchemaElement{{AttributeName: "PK", KeyType: "HASH"}, {AttributeName: "SK", KeyType: "RANGE"}},
				BillingMode:          engine.BillingPayPerRequest,
			}); err != nil {
				b.Fatal(err)
			}
			var n atomic.Int64
			b.SetParallelism(32) // 64 writers on 2 CPUs
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					_, err := db.PutItem(context.Background(), &engine.PutItemInput{TableName: "Bench", Item: benchItem(fmt.Sprintf("p%d", n.Add(1)), "s")})
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
