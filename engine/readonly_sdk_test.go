package engine_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/engine/enginetest"
)

// TestReadOnlyRefusesEveryWriteAndChangesNothing: a database opened read
// only answers reads; every write through the API is refused with
// AccessDeniedException naming the mode, in process with ErrReadOnly; the
// file is byte for byte what it was, its torn end included.
func TestReadOnlyRefusesEveryWriteAndChangesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ro.db")
	db, err := engine.Open(engine.Options{Path: path, SweepInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := db.CreateTable(ctx, &engine.CreateTableInput{TableName: "Lab", BillingMode: engine.BillingPayPerRequest,
		AttributeDefinitions: []engine.AttributeDefinition{{AttributeName: "PK", AttributeType: "S"}},
		KeySchema:            []engine.KeySchemaElement{{AttributeName: "PK", KeyType: "HASH"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PutItem(ctx, &engine.PutItemInput{TableName: "Lab", Item: attr.Item{"PK": attr.S("a"), "n": attr.Int(1)}}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString("*3\r\n$3\r\nset\r\n$3\r\ni/x") // a torn end, left as it is
	f.Close()
	before, _ := os.ReadFile(path)

	env := newSDKEnv(t, engine.Options{Path: path, ReadOnly: true})
	c := env.c
	got, err := c.GetItem(enginetest.Ctx(t), &dynamodb.GetItemInput{TableName: aws.String("Lab"), Key: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "a"}}})
	if err != nil || got.Item == nil {
		t.Fatalf("GetItem: %v %v", got, err)
	}
	item := map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "b"}}
	key := map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "a"}}
	for name, call := range map[string]func() error{
		"PutItem": func() error {
			_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Lab"), Item: item})
			return err
		},
		"DeleteItem": func() error {
			_, err := c.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String("Lab"), Key: key})
			return err
		},
		"UpdateItem": func() error {
			_, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String("Lab"), Key: key, UpdateExpression: aws.String("SET n = :n"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":n": &types.AttributeValueMemberN{Value: "2"}}})
			return err
		},
		"BatchWriteItem": func() error {
			_, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"Lab": {{PutRequest: &types.PutRequest{Item: item}}}}})
			return err
		},
		"CreateTable": func() error {
			_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("New"), BillingMode: types.BillingModePayPerRequest,
				AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS}},
				KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash}}})
			return err
		},
		"DeleteTable": func() error {
			_, err := c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("Lab")})
			return err
		},
	} {
		var api smithy.APIError
		if err := call(); !errors.As(err, &api) || api.ErrorCode() != "AccessDeniedException" ||
			!strings.Contains(api.ErrorMessage(), "read-only (--read-only): "+name+" is refused") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := env.db.PutItem(ctx, &engine.PutItemInput{TableName: "Lab", Item: attr.Item{"PK": attr.S("c")}}); !errors.Is(err, engine.ErrReadOnly) {
		t.Errorf("in process: %v", err)
	}
	if err := env.db.Close(); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
		t.Fatal("a read-only open changed the file")
	}
}
