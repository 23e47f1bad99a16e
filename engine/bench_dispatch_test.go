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
// TransactWriteItems (4 conditional puts) on the wire path, as ddbload's
// batch and transact phases send them.
func BenchmarkDispatchBatch(b *testing.B) {
	db := benchDB(b)
	ctx := context.Background()
	payload := strings.Repeat("x", 900)
	item := func(prefix string, i, j int) string {
		return fmt.Sprintf(`{"PK":{"S":"%s%d-%d"},"SK":{"S":"s"},"payload":{"S":"%s"},"count":{"N":"42"}}`, prefix, i, j, payload)
	}
	b.Run("BatchWriteItem", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			var sb strings.Builder
			sb.WriteString(`{"RequestItems":{"Bench":[`)
			for j := range 25 {
				if j > 0 {
					sb.WriteByte(',')
				}
				sb.WriteString(`{"PutRequest":{"Item":` + item("b", i, j) + `}}`)
			}
			sb.WriteString(`]}}`)
			if _, _, err := db.Dispatch(ctx, engine.TargetPrefix+"BatchWriteItem", []byte(sb.String())); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("TransactWriteItems", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			var sb strings.Builder
			sb.WriteString(`{"TransactItems":[`)
			for j := range 4 {
				if j > 0 {
					sb.WriteByte(',')
				}
				sb.WriteString(`{"Put":{"TableName":"Bench","ConditionExpression":"attribute_not_exists(PK)","Item":` + item("t", i, j) + `}}`)
			}
			sb.WriteString(`]}`)
			if _, _, err := db.Dispatch(ctx, engine.TargetPrefix+"TransactWriteItems", []byte(sb.String())); err != nil {
				b.Fatal(err)
			}
		}
	})
}
