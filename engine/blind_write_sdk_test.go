package engine_test

import (
	"errors"
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
// larger of the old and new item (Developer Guide, capacity unit
// consumption), the table's ItemCount
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

// TestBlindConditionalPutRollsBack: a conditional PutItem on such a table
// writes first and judges its condition on the item it replaced
// (put_item.go); a failed condition must leave the old item, the table's
// statistics and the file as they were, and return the old item.
func TestBlindConditionalPutRollsBack(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	createAppTable(t, e.c)
	ctx := enginetest.Ctx(t)
	putItem(t, e.c, "AppTable", padItem("c", "a", 200))
	put := func(c *dynamodb.Client, size int, cond string) (*dynamodb.PutItemOutput, error) {
		return c.PutItem(ctx, &dynamodb.PutItemInput{
			TableName: aws.String("AppTable"), Item: padItem("c", "a", size), ConditionExpression: aws.String(cond),
			ReturnValues:                        types.ReturnValueAllOld,
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		})
	}
	check := func(t *testing.T, c *dynamodb.Client, wantSize int) {
		t.Helper()
		g, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("AppTable"), Key: key("c", "a"), ConsistentRead: aws.Bool(true)})
		if err != nil || itemSize(g.Item) != wantSize {
			t.Fatalf("item is %d bytes (%v), want %d", itemSize(g.Item), err, wantSize)
		}
		d, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("AppTable")})
		if err != nil || *d.Table.ItemCount != 1 || *d.Table.TableSizeBytes != int64(wantSize) {
			t.Fatalf("DescribeTable: %v; want ItemCount 1, TableSizeBytes %d", err, wantSize)
		}
	}
	_, err := put(e.c, 1000, "attribute_not_exists(PK)")
	var ccf *types.ConditionalCheckFailedException
	if !errors.As(err, &ccf) || itemSize(ccf.Item) != 200 {
		t.Fatalf("want ConditionalCheckFailedException with the 200-byte item, got %v", err)
	}
	check(t, e.c, 200)
	out, err := put(e.c, 1000, "attribute_exists(PK)")
	if err != nil || itemSize(out.Attributes) != 200 {
		t.Fatalf("conditional put: %v, old item %d bytes; want the 200-byte item", err, itemSize(out.Attributes))
	}
	check(t, e.c, 1000)
	if _, err := put(e.c, 300, "attribute_not_exists(PK)"); !errors.As(err, &ccf) {
		t.Fatalf("want ConditionalCheckFailedException, got %v", err)
	}
	db := enginetest.Reopen(t, e.db, engine.Options{})
	check(t, enginetest.Client(t, db), 1000)
}

// TestBlindTransactionPutsRollBack: a transaction's Puts on such a table
// are written while their conditions are judged (transact_write_items.go's
// putBlind). A cancelled transaction must leave nothing of them — in the
// items, the table's statistics or the file — and report the replaced item
// a failed condition asks for.
func TestBlindTransactionPutsRollBack(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	createAppTable(t, e.c)
	ctx := enginetest.Ctx(t)
	putItem(t, e.c, "AppTable", padItem("t", "a", 200))
	putItem(t, e.c, "AppTable", padItem("t", "b", 300))
	put := func(it av, cond string) types.TransactWriteItem {
		return types.TransactWriteItem{Put: &types.Put{
			TableName: aws.String("AppTable"), Item: it, ConditionExpression: aws.String(cond),
			ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		}}
	}
	stats := func(t *testing.T) (int64, int64) {
		t.Helper()
		d, err := e.c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("AppTable")})
		if err != nil {
			t.Fatal(err)
		}
		return *d.Table.ItemCount, *d.Table.TableSizeBytes
	}
	size := func(t *testing.T, c *dynamodb.Client, sk string) int {
		t.Helper()
		g, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("AppTable"), Key: key("t", sk), ConsistentRead: aws.Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		return itemSize(g.Item)
	}

	// Replace a (condition holds), add c (new), replace b (condition fails).
	_, err := e.c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		put(padItem("t", "a", 1000), "attribute_exists(PK)"),
		put(padItem("t", "c", 1000), "attribute_not_exists(PK)"),
		put(padItem("t", "b", 1000), "attribute_not_exists(PK)"),
	}})
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) || len(tce.CancellationReasons) != 3 {
		t.Fatalf("want TransactionCanceledException with 3 reasons, got %v", err)
	}
	if r := tce.CancellationReasons; aws.ToString(r[0].Code) != "None" || aws.ToString(r[1].Code) != "None" ||
		aws.ToString(r[2].Code) != "ConditionalCheckFailed" || itemSize(r[2].Item) != 300 {
		t.Fatalf("reasons %s/%s/%s, failed item %d bytes; want None/None/ConditionalCheckFailed with the 300-byte item",
			aws.ToString(r[0].Code), aws.ToString(r[1].Code), aws.ToString(r[2].Code), itemSize(r[2].Item))
	}
	if a, b, c := size(t, e.c, "a"), size(t, e.c, "b"), size(t, e.c, "c"); a != 200 || b != 300 || c != 0 {
		t.Fatalf("after the cancelled transaction: a %d, b %d, c %d bytes; want 200, 300, absent", a, b, c)
	}
	if n, b := stats(t); n != 2 || b != 500 {
		t.Fatalf("after the cancelled transaction: ItemCount %d, TableSizeBytes %d; want 2, 500", n, b)
	}

	// The same writes with conditions that hold all commit.
	if _, err := e.c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		put(padItem("t", "a", 1000), "attribute_exists(PK)"),
		put(padItem("t", "c", 1000), "attribute_not_exists(PK)"),
		put(padItem("t", "b", 1000), "attribute_exists(PK)"),
	}}); err != nil {
		t.Fatal(err)
	}
	if n, b := stats(t); n != 3 || b != 3000 {
		t.Fatalf("after the committed transaction: ItemCount %d, TableSizeBytes %d; want 3, 3000", n, b)
	}

	// And the file holds exactly what committed.
	db := enginetest.Reopen(t, e.db, engine.Options{})
	c := enginetest.Client(t, db)
	for _, sk := range []string{"a", "b", "c"} {
		if got := size(t, c, sk); got != 1000 {
			t.Errorf("after reopen: %s is %d bytes, want 1000", sk, got)
		}
	}
}
