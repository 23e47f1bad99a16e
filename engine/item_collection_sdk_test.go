package engine_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

// createWithLSI creates table name keyed PK/SK with an LSI on "at"
// projecting everything.
func createWithLSI(t *testing.T, c *dynamodb.Client, name string) {
	t.Helper()
	_, err := c.CreateTable(enginetest.Ctx(t), &dynamodb.CreateTableInput{
		TableName: aws.String(name),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("SK"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("at"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("SK"), KeyType: types.KeyTypeRange}},
		LocalSecondaryIndexes: []types.LocalSecondaryIndex{{
			IndexName: aws.String("ByAt"),
			KeySchema: []types.KeySchemaElement{
				{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash},
				{AttributeName: aws.String("at"), KeyType: types.KeyTypeRange}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}},
		BillingMode: types.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatal(err)
	}
}

func wantCollection(t *testing.T, m *types.ItemCollectionMetrics, pk string) {
	t.Helper()
	if m == nil || len(m.ItemCollectionKey) != 1 || !avEqual(m.ItemCollectionKey["PK"], s(pk)) ||
		len(m.SizeEstimateRangeGB) != 2 || m.SizeEstimateRangeGB[0] != 0 || m.SizeEstimateRangeGB[1] != 1 {
		t.Fatalf("ItemCollectionMetrics %+v, want key %s and [0, 1]", m, pk)
	}
}

// ReturnItemCollectionMetrics SIZE reports the written item collection on
// tables with LSIs (API Reference, ItemCollectionMetrics), and nothing on
// other tables.
func TestReturnItemCollectionMetrics(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	createWithLSI(t, e.c, "WithLSI")
	createTable(t, e.c, "Plain", keyDef{"PK", types.ScalarAttributeTypeS}, keyDef{"SK", types.ScalarAttributeTypeS})
	ctx := enginetest.Ctx(t)
	put, err := e.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("WithLSI"),
		Item: av{"PK": s("u1"), "SK": s("a"), "at": s("2025")}, ReturnItemCollectionMetrics: types.ReturnItemCollectionMetricsSize})
	if err != nil {
		t.Fatal(err)
	}
	wantCollection(t, put.ItemCollectionMetrics, "u1")
	upd, err := e.c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("WithLSI"), Key: av{"PK": s("u1"), "SK": s("a")},
		UpdateExpression: aws.String("SET n = :n"), ExpressionAttributeValues: av{":n": s("x")},
		ReturnItemCollectionMetrics: types.ReturnItemCollectionMetricsSize})
	if err != nil {
		t.Fatal(err)
	}
	wantCollection(t, upd.ItemCollectionMetrics, "u1")
	del, err := e.c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("WithLSI"), Key: av{"PK": s("u1"), "SK": s("a")},
		ReturnItemCollectionMetrics: types.ReturnItemCollectionMetricsSize})
	if err != nil {
		t.Fatal(err)
	}
	wantCollection(t, del.ItemCollectionMetrics, "u1")
	plain, err := e.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Plain"),
		Item: av{"PK": s("u1"), "SK": s("a")}, ReturnItemCollectionMetrics: types.ReturnItemCollectionMetricsSize})
	if err != nil || plain.ItemCollectionMetrics != nil {
		t.Fatalf("table without LSIs: %+v, %v", plain.ItemCollectionMetrics, err)
	}

	batch, err := e.c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{
		"WithLSI": {
			{PutRequest: &types.PutRequest{Item: av{"PK": s("u2"), "SK": s("a")}}},
			{PutRequest: &types.PutRequest{Item: av{"PK": s("u2"), "SK": s("b")}}},
			{PutRequest: &types.PutRequest{Item: av{"PK": s("u3"), "SK": s("a")}}}},
		"Plain": {{PutRequest: &types.PutRequest{Item: av{"PK": s("u2"), "SK": s("a")}}}},
	}, ReturnItemCollectionMetrics: types.ReturnItemCollectionMetricsSize})
	if err != nil {
		t.Fatal(err)
	}
	if got := batch.ItemCollectionMetrics["WithLSI"]; len(got) != 2 || len(batch.ItemCollectionMetrics) != 1 {
		t.Fatalf("batch metrics: %+v", batch.ItemCollectionMetrics)
	}
	tx, err := e.c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String("WithLSI"), Item: av{"PK": s("u4"), "SK": s("a")}}},
	}, ReturnItemCollectionMetrics: types.ReturnItemCollectionMetricsSize})
	if err != nil || len(tx.ItemCollectionMetrics["WithLSI"]) != 1 {
		t.Fatalf("transaction metrics: %+v, %v", tx, err)
	}
	wantCollection(t, &tx.ItemCollectionMetrics["WithLSI"][0], "u4")
}

// An item collection may not grow past its limit (10 GB in the service;
// lowered here): the write is refused with
// ItemCollectionSizeLimitExceededException, other collections are not
// affected, and deleting makes room again.
func TestItemCollectionSizeLimit(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	createWithLSI(t, e.c, "WithLSI")
	// Each item is ~1 KB and is in the LSI too: ~2 KB of collection each.
	engine.SetItemCollectionLimit(e.db, 5*1024)
	ctx := enginetest.Ctx(t)
	item := func(pk string, i int) av {
		return av{"PK": s(pk), "SK": s(fmt.Sprintf("%03d", i)), "at": s("x"), "pad": s(string(make([]byte, 1000)))}
	}
	for i := range 2 {
		putItem(t, e.c, "WithLSI", item("u1", i))
	}
	_, err := e.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("WithLSI"), Item: item("u1", 2)})
	var icl *types.ItemCollectionSizeLimitExceededException
	if !errors.As(err, &icl) {
		t.Fatalf("third item: %v", err)
	}
	putItem(t, e.c, "WithLSI", item("u2", 0)) // another collection
	// Replacing an item with one of the same size does not grow it.
	putItem(t, e.c, "WithLSI", item("u1", 1))
	_, err = e.c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String("WithLSI"), Item: item("u1", 3)}}}})
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) || aws.ToString(tce.CancellationReasons[0].Code) != "ItemCollectionSizeLimitExceeded" {
		t.Fatalf("transaction past the limit: %v", err)
	}
	if _, err := e.c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("WithLSI"), Key: av{"PK": s("u1"), "SK": s("000")}}); err != nil {
		t.Fatal(err)
	}
	putItem(t, e.c, "WithLSI", item("u1", 2))
	// Removing the LSI key shrinks the collection by the entry.
	if _, err := e.c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("WithLSI"), Key: av{"PK": s("u1"), "SK": s("001")},
		UpdateExpression: aws.String("REMOVE #a"), ExpressionAttributeNames: map[string]string{"#a": "at"}}); err != nil {
		t.Fatal(err)
	}
	putItem(t, e.c, "WithLSI", av{"PK": s("u1"), "SK": s("004"), "pad": s(string(make([]byte, 900)))})
}
