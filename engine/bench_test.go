package engine_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/engine/enginetest"
)

// benchItem is a ~1 KB item like ddbload's.
func benchItem(pk, sk string) attr.Item {
	return attr.Item{
		"PK":      attr.S(pk),
		"SK":      attr.S(sk),
		"payload": attr.S(strings.Repeat("x", 900)),
		"count":   attr.Int(42),
		"status":  attr.S("ACTIVE"),
		"owner":   attr.S("user-123"),
	}
}

func benchDB(b *testing.B) *engine.DB {
	b.Helper()
	return benchTable(b, enginetest.Open(b, engine.Options{Sync: "never"}))
}

// benchMemDB is benchDB without a file, as serve --in-memory runs.
func benchMemDB(b testing.TB) *engine.DB {
	b.Helper()
	return benchTable(b, enginetest.Open(b, engine.Options{Path: engine.InMemory}))
}

func benchTable(b testing.TB, db *engine.DB) *engine.DB {
	_, err := db.CreateTable(context.Background(), &engine.CreateTableInput{
		TableName: "Bench",
		AttributeDefinitions: []engine.AttributeDefinition{
			{AttributeName: "PK", AttributeType: "S"}, {AttributeName: "SK", AttributeType: "S"}},
		KeySchema: []engine.KeySchemaElement{
			{AttributeName: "PK", KeyType: "HASH"}, {AttributeName: "SK", KeyType: "RANGE"}},
		BillingMode: engine.BillingPayPerRequest,
	})
	if err != nil {
		b.Fatal(err)
	}
	return db
}

// BenchmarkPutItem and BenchmarkGetItem compare with BenchmarkRawBuntDB*
// (bench_raw_test.go), which store and read the same key and value bytes in
// buntdb directly: the 3x budget.
func BenchmarkPutItem(b *testing.B) {
	db := benchDB(b)
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_, err := db.PutItem(ctx, &engine.PutItemInput{TableName: "Bench", Item: benchItem(fmt.Sprintf("p%d", i), "s")})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetItem(b *testing.B) {
	db := benchDB(b)
	ctx := context.Background()
	const n = 10000
	for i := range n {
		if _, err := db.PutItem(ctx, &engine.PutItemInput{TableName: "Bench", Item: benchItem(fmt.Sprintf("p%d", i), "s")}); err != nil {
			b.Fatal(err)
		}
	}
	keys := make([]attr.Item, n)
	for i := range keys {
		keys[i] = attr.Item{"PK": attr.S(fmt.Sprintf("p%d", i)), "SK": attr.S("s")}
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		out, err := db.GetItem(ctx, &engine.GetItemInput{TableName: "Bench", Key: keys[i%n], ConsistentRead: true})
		if err != nil || out.Item == nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQuery reads a 20-item collection.
func BenchmarkQuery(b *testing.B) {
	db := benchDB(b)
	ctx := context.Background()
	for p := range 50 {
		for s := range 20 {
			if _, err := db.PutItem(ctx, &engine.PutItemInput{TableName: "Bench", Item: benchItem(fmt.Sprintf("p%d", p), fmt.Sprintf("s%02d", s))}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		out, err := db.Query(ctx, &engine.QueryInput{
			TableName:                 "Bench",
			KeyConditionExpression:    aws.String("PK = :pk"),
			ExpressionAttributeValues: engine.Values{":pk": attr.S(fmt.Sprintf("p%d", i%50))},
		})
		if err != nil || out.Count != 20 {
			b.Fatal(err)
		}
	}
}

// BenchmarkScan reads a 10,000-item table page by page.
func BenchmarkScan(b *testing.B) {
	db := benchDB(b)
	ctx := context.Background()
	for i := range 10000 {
		if _, err := db.PutItem(ctx, &engine.PutItemInput{TableName: "Bench", Item: benchItem(fmt.Sprintf("p%d", i), "s")}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		var start attr.Item
		total := 0
		for {
			out, err := db.Scan(ctx, &engine.ScanInput{TableName: "Bench", ExclusiveStartKey: start})
			if err != nil {
				b.Fatal(err)
			}
			total += out.Count
			if start = out.LastEvaluatedKey; start == nil {
				break
			}
		}
		if total != 10000 {
			b.Fatalf("scanned %d items", total)
		}
	}
}
