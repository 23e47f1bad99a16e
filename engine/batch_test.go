package engine_test

import (
	"errors"
	"fmt"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

func TestBatchWriteAndGet(t *testing.T) {
	db := enginetest.Open(t, engine.Options{})
	c := enginetest.Client(t, db)
	ctx := enginetest.Ctx(t)
	createAppTable(t, c)

	var reqs []types.WriteRequest
	for i := range 25 {
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: av{
			"PK": s("USER#1"), "SK": s(fmt.Sprintf("ORDER#%02d", i)), "n": n(fmt.Sprint(i))}}})
	}
	out, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{
		RequestItems:           map[string][]types.WriteRequest{"AppTable": reqs},
		ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal,
	})
	if err != nil {
		t.Fatalf("BatchWriteItem: %v", err)
	}
	if len(out.UnprocessedItems) != 0 || len(out.ConsumedCapacity) != 1 || *out.ConsumedCapacity[0].CapacityUnits != 25 {
		t.Fatalf("unexpected output: unprocessed %v, capacity %+v", out.UnprocessedItems, out.ConsumedCapacity)
	}

	// Delete two, put one more, in one batch.
	_, err = c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"AppTable": {
		{DeleteRequest: &types.DeleteRequest{Key: key("USER#1", "ORDER#00")}},
		{DeleteRequest: &types.DeleteRequest{Key: key("USER#1", "ORDER#01")}},
		{PutRequest: &types.PutRequest{Item: av{"PK": s("USER#2"), "SK": s("PROFILE")}}},
	}}})
	if err != nil {
		t.Fatalf("BatchWriteItem delete: %v", err)
	}

	get, err := c.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{"AppTable": {
		Keys:                 []map[string]types.AttributeValue{key("USER#1", "ORDER#00"), key("USER#1", "ORDER#05"), key("USER#2", "PROFILE")},
		ProjectionExpression: aws.String("SK"),
		ConsistentRead:       aws.Bool(true),
	}}, ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
	if err != nil {
		t.Fatalf("BatchGetItem: %v", err)
	}
	var got []string
	for _, it := range get.Responses["AppTable"] {
		if len(it) != 1 {
			t.Fatalf("projection kept %v", it)
		}
		got = append(got, it["SK"].(*types.AttributeValueMemberS).Value)
	}
	sort.Strings(got)
	if fmt.Sprint(got) != "[ORDER#05 PROFILE]" {
		t.Fatalf("BatchGetItem items = %v", got)
	}
	// Each key costs at least one unit, found or not (Developer Guide,
	// capacity unit consumption).
	if *get.ConsumedCapacity[0].CapacityUnits != 3 {
		t.Fatalf("BatchGetItem capacity = %v, want 3", *get.ConsumedCapacity[0].CapacityUnits)
	}
}

func TestBatchErrors(t *testing.T) {
	db := enginetest.Open(t, engine.Options{})
	c := enginetest.Client(t, db)
	ctx := enginetest.Ctx(t)
	createAppTable(t, c)
	put := func(pk, sk string) types.WriteRequest {
		return types.WriteRequest{PutRequest: &types.PutRequest{Item: key(pk, sk)}}
	}
	var many []types.WriteRequest
	for i := range 26 {
		many = append(many, put("p", fmt.Sprint(i)))
	}
	var keys100 []map[string]types.AttributeValue
	for i := range 101 {
		keys100 = append(keys100, key("p", fmt.Sprint(i)))
	}
	tests := []struct {
		name, code, msg string
		call            func() error
	}{
		{"duplicate keys", "ValidationException", "Provided list of item keys contains duplicates", func() error {
			_, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"AppTable": {
				put("p", "s"), {DeleteRequest: &types.DeleteRequest{Key: key("p", "s")}}}}})
			return err
		}},
		{"missing table", "ResourceNotFoundException", "Requested resource not found", func() error {
			_, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"Nope": {put("p", "s")}}})
			return err
		}},
		{"too many writes for a table", "ValidationException", "", func() error {
			_, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"AppTable": many}})
			return err
		}},
		{"too many keys", "ValidationException", "Too many items requested for the BatchGetItem call", func() error {
			_, err := c.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
				"AppTable": {Keys: keys100[:60]}, "Other": {Keys: keys100[60:]}}})
			return err
		}},
		{"duplicate get keys", "ValidationException", "Provided list of item keys contains duplicates", func() error {
			_, err := c.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
				"AppTable": {Keys: []map[string]types.AttributeValue{key("p", "s"), key("p", "s")}}}})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var api smithy.APIError
			if err := tt.call(); !errors.As(err, &api) || api.ErrorCode() != tt.code || (tt.msg != "" && api.ErrorMessage() != tt.msg) {
				t.Fatalf("got %v, want %s: %s", err, tt.code, tt.msg)
			}
		})
	}
}
