package engine_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"dynalab/engine"
)

// BenchmarkDispatch measures the wire path without HTTP: decode the JSON
// request, run the operation, encode the JSON response — what the server
// adds on top of the in-process benchmarks.
func BenchmarkDispatch(b *testing.B) {
	db := benchDB(b)
	ctx := context.Background()
	payload := strings.Repeat("x", 900)
	putBody := func(i int) []byte {
		return fmt.Appendf(nil, `{"TableName":"Bench","Item":{"PK":{"S":"p%d"},"SK":{"S":"s"},"payload":{"S":"%s"},"count":{"N":"42"},"status":{"S":"ACTIVE"},"owner":{"S":"user-123"}}}`, i, payload)
	}
	for i := range 1000 {
		if _, _, err := db.Dispatch(ctx, engine.TargetPrefix+"PutItem", putBody(i)); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("PutItem", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, _, err := db.Dispatch(ctx, engine.TargetPrefix+"PutItem", putBody(i%1000)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("GetItem", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			body := fmt.Appendf(nil, `{"TableName":"Bench","Key":{"PK":{"S":"p%d"},"SK":{"S":"s"}},"ConsistentRead":true}`, i%1000)
			if _, _, err := db.Dispatch(ctx, engine.TargetPrefix+"GetItem", body); err != nil {
				b.Fatal(err)
			}
		}
	})
	// 20-item collections, enough of them that no partition's read limit
	// (3,000 RCU a second) is reached.
	const collections = 100
	for p := range collections {
		for i := range 20 {
			body := fmt.Appendf(nil, `{"TableName":"Bench","Item":{"PK":{"S":"q%d"},"SK":{"S":"s%02d"},"payload":{"S":"%s"},"count":{"N":"42"},"status":{"S":"ACTIVE"},"owner":{"S":"user-123"}}}`, p, i, payload)
			if _, _, err := db.Dispatch(ctx, engine.TargetPrefix+"PutItem", body); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("Query", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			body := fmt.Appendf(nil, `{"TableName":"Bench","KeyConditionExpression":"PK = :pk","ExpressionAttributeValues":{":pk":{"S":"q%d"}}}`, i%collections)
			if _, _, err := db.Dispatch(ctx, engine.TargetPrefix+"Query", body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("UpdateItem", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			body := fmt.Appendf(nil, `{"TableName":"Bench","Key":{"PK":{"S":"p%d"},"SK":{"S":"s"}},"UpdateExpression":"ADD cnt :one SET ts = :now","ConditionExpression":"attribute_not_exists(cnt) OR cnt < :max","ExpressionAttributeValues":{":one":{"N":"1"},":now":{"N":"1732500000"},":max":{"N":"1000000000"}}}`, i%1000)
			if _, _, err := db.Dispatch(ctx, engine.TargetPrefix+"UpdateItem", body); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDispatchBatch measures BatchWriteItem (25 puts) and
// TransactWriteItems (4 conditional puts) on the wire path of an in-memory
// database, with the items ddbload's batch and transact phases send (1 KB,
// five attributes, new keys); the request bodies are built beforehand.
func BenchmarkDispatchBatch(b *testing.B) {
	ctx := context.Background()
	payload := strings.Repeat("x", 960)
	item := func(pk string) string {
		return fmt.Sprintf(`{"PK":{"S":"%s"},"SK":{"S":"A"},"GSI1PK":{"S":"G7"},"GSI1SK":{"S":"%s"},"data":{"S":"%s"}}`, pk, pk, payload)
	}
	bodies := func(n, per int, one func(i, j int) string, open, end string) [][]byte {
		out := make([][]byte, n)
		for i := range out {
			var sb strings.Builder
			sb.WriteString(open)
			for j := range per {
				if j > 0 {
					sb.WriteByte(',')
				}
				sb.WriteString(one(i, j))
			}
			sb.WriteString(end)
			out[i] = []byte(sb.String())
		}
		return out
	}
	const n = 4096
	b.Run("BatchWriteItem", func(b *testing.B) {
		db := benchMemDB(b)
		reqs := bodies(n, 25, func(i, j int) string {
			return `{"PutRequest":{"Item":` + item(fmt.Sprintf("bat#%08d#%02d", i, j)) + `}}`
		}, `{"RequestItems":{"Bench":[`, `]}}`)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if _, _, err := db.Dispatch(ctx, engine.TargetPrefix+"BatchWriteItem", reqs[i%n]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("TransactWriteItems", func(b *testing.B) {
		db := benchMemDB(b)
		reqs := bodies(n, 4, func(i, j int) string {
			return `{"Put":{"TableName":"Bench","ConditionExpression":"attribute_not_exists(PK)","Item":` + item(fmt.Sprintf("txn#%08d#%d", i, j)) + `}}`
		}, `{"TransactItems":[`, `]}`)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			// Past the first n, the conditions fail: rewrite the keys.
			if i > 0 && i%n == 0 {
				b.StopTimer()
				db = benchMemDB(b)
				b.StartTimer()
			}
			if _, _, err := db.Dispatch(ctx, engine.TargetPrefix+"TransactWriteItems", reqs[i%n]); err != nil {
				b.Fatal(err)
			}
		}
	})
}
