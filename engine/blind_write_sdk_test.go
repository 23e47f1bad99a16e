package engine_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

// Puts to a table whose writes need nothing of the old item but its size
// write without reading it first (item.go's overwriteItem). These tests
// check that nothing a client sees changes: capacity is charged for the
// larger of the old and new item (limits.md §10), the table's ItemCount
// and TableSizeBytes stay exact, and a change-feed subscriber still gets
// old images.

func TestBlindPutsChargeAndCountExactly(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	createAppTable(t, e.c)
	ctx := enginetest.Ctx(t)
	batch := func(t *testing.T, items ...av) float64 {
		t.Helper()
		reqs := make([]types.WriteRequest, len(items))
		for i, it := range items {
			reqs[i] = types.WriteRequest{PutRequest: &types.PutRequest{Item: it}}
		}
		out, err := e.c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{
			RequestItems:           map[string][]types.WriteRequest{"AppTable": reqs},
			ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal,
		})
		if err != nil || len(out.UnprocessedItems) != 0 || len(out.ConsumedCapacity) != 1 {
			t.Fatalf("BatchWriteItem: %+v, %v", out, err)
		}
		return units(&out.ConsumedCapacity[0])
	}
	put := func(t *testing.T, it av) float64 {
		t.Helper()
		out, err := e.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("AppTable"), Item: it, ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
		if err != nil {
			t.Fatal(err)
		}
		return units(out.ConsumedCapacity)
	}
	stats := func(t *testing.T) (int64, int64) {
		t.Helper()
		d, err := e.c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("AppTable")})
		if err != nil {
			t.Fatal(err)
		}
		return *d.Table.ItemCount, *d.Table.TableSizeBytes
	}
	steps := []struct {
		name      string
		write     func(t *testing.T) float64
		wantUnits float64
		count     int64
		bytes     int64
	}{
		{"batch: two new items", func(t *testing.T) float64 { return batch(t, padItem("b", "1", 3000), padItem("b", "2", 500)) }, 3 + 1, 2, 3500},
		{"batch: 3 KB item replaced by 1 KB", func(t *testing.T) float64 { return batch(t, padItem("b", "1", 1000)) }, 3, 2, 1500},
		{"batch: 1 KB item replaced by 2.5 KB", func(t *testing.T) float64 { return batch(t, padItem("b", "1", 2500)) }, 3, 2, 3000},
		{"batch: an identical item", func(t *testing.T) float64 { return batch(t, padItem("b", "2", 500)) }, 1, 2, 3000},
		{"put: 2.5 KB item replaced by 100 B", func(t *testing.T) float64 { return put(t, padItem("b", "1", 100)) }, 3, 2, 600},
		{"put: new 5 KB item", func(t *testing.T) float64 { return put(t, padItem("p", "1", 5000)) }, 5, 3, 5600},
	}
	for _, s := range steps {
		if got := s.write(t); got != s.wantUnits {
			t.Errorf("%s: %v WCU, want %v", s.name, got, s.wantUnits)
		}
		if n, b := stats(t); n != s.count || b != s.bytes {
			t.Errorf("%s: ItemCount %d, TableSizeBytes %d; want %d, %d", s.name, n, b, s.count, s.bytes)
		}
	}
	g, err := e.c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("AppTable"), Key: key("b", "1"), ConsistentRead: aws.Bool(true)})
	if err != nil || itemSize(g.Item) != 100 {
		t.Fatalf("GetItem after the writes: %d bytes, %v", itemSize(g.Item), err)
	}
}

// TestBlindPutsReadOldImagesWhenWatched: with a change-feed subscriber (the
// workbench's live panes), puts read the item they replace again, so a
// MODIFY carries its old image.
func TestBlindPutsReadOldImagesWhenWatched(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	createAppTable(t, e.c)
	ctx := enginetest.Ctx(t)
	putItem(t, e.c, "AppTable", padItem("w", "1", 200))
	events, cancel := e.db.Subscribe(8)
	defer cancel()
	_, err := e.c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{
		"AppTable": {{PutRequest: &types.PutRequest{Item: padItem("w", "1", 300)}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	ev := <-events
	if ev.EventName != engine.EventModify || ev.OldImage == nil || ev.OldImage.Size() != 200 || ev.NewImage.Size() != 300 {
		t.Fatalf("event %s, old %d bytes, new %d bytes; want MODIFY 200 -> 300", ev.EventName, ev.OldImage.Size(), ev.NewImage.Size())
	}
}
