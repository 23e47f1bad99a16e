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

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func n(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }

// createAppTable creates the seed's single-table example: PK/SK strings,
// on-demand.
func createAppTable(t *testing.T, c *dynamodb.Client) {
	t.Helper()
	_, err := c.CreateTable(enginetest.Ctx(t), &dynamodb.CreateTableInput{
		TableName: aws.String("AppTable"),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("SK"), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("SK"), KeyType: types.KeyTypeRange},
		},
		BillingMode: types.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatalf("CreateTable: %v", err)
	}
}

// TestSingleTableWalkthrough is the example every user tries first (issue
// #2), end to end through aws-sdk-go-v2 and the HTTP server, including a
// close and reopen of the database file.
func TestSingleTableWalkthrough(t *testing.T) {
	db := enginetest.Open(t, engine.Options{})
	c := enginetest.Client(t, db)
	ctx := enginetest.Ctx(t)
	createAppTable(t, c)

	items := []map[string]types.AttributeValue{
		{"PK": s("USER#u123"), "SK": s("PROFILE"), "name": s("Alice"), "email": s("alice@example.com"), "version": n("1")},
		{"PK": s("USER#u123"), "SK": s("ORDER#2025-01-01T10:00"), "total": n("42.50")},
		{"PK": s("USER#u123"), "SK": s("ORDER#2025-02-03T15:20"), "total": n("17")},
		{"PK": s("USER#u123"), "SK": s("ADDR#home"), "city": s("Lisbon")},
	}
	for _, it := range items {
		if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("AppTable"), Item: it}); err != nil {
			t.Fatalf("PutItem: %v", err)
		}
	}

	// Conditional create: the first succeeds, the second fails.
	newUser := map[string]types.AttributeValue{"PK": s("USER#u999"), "SK": s("PROFILE"), "name": s("Bob")}
	put := &dynamodb.PutItemInput{
		TableName:           aws.String("AppTable"),
		Item:                newUser,
		ConditionExpression: aws.String("attribute_not_exists(PK) AND attribute_not_exists(SK)"),
	}
	if _, err := c.PutItem(ctx, put); err != nil {
		t.Fatalf("first conditional put: %v", err)
	}
	_, err := c.PutItem(ctx, put)
	var ccf *types.ConditionalCheckFailedException
	if !errors.As(err, &ccf) || ccf.ErrorMessage() != "The conditional request failed" {
		t.Fatalf("second conditional put: got %v, want ConditionalCheckFailedException", err)
	}

	// Optimistic locking: succeeds once, then fails on the stale version.
	lock := &dynamodb.UpdateItemInput{
		TableName:                 aws.String("AppTable"),
		Key:                       map[string]types.AttributeValue{"PK": s("USER#u123"), "SK": s("PROFILE")},
		UpdateExpression:          aws.String("SET #n = :n, version = version + :one"),
		ConditionExpression:       aws.String("version = :v"),
		ExpressionAttributeNames:  map[string]string{"#n": "name"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":n": s("Alice K"), ":one": n("1"), ":v": n("1")},
		ReturnValues:              types.ReturnValueAllNew,
	}
	out, err := c.UpdateItem(ctx, lock)
	if err != nil {
		t.Fatalf("optimistic update: %v", err)
	}
	if got := out.Attributes["version"].(*types.AttributeValueMemberN).Value; got != "2" {
		t.Fatalf("version after update = %s, want 2", got)
	}
	if _, err := c.UpdateItem(ctx, lock); !errors.As(err, &ccf) {
		t.Fatalf("stale optimistic update: got %v, want ConditionalCheckFailedException", err)
	}

	// SET and ADD together.
	_, err = c.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String("AppTable"),
		Key:                       map[string]types.AttributeValue{"PK": s("USER#u123"), "SK": s("PROFILE")},
		UpdateExpression:          aws.String("SET #n = :n, lastLogin = :now ADD loginCount :one"),
		ExpressionAttributeNames:  map[string]string{"#n": "name"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":n": s("Alice K"), ":now": s("2025-03-01T09:00"), ":one": n("1")},
	})
	if err != nil {
		t.Fatalf("SET/ADD update: %v", err)
	}

	// Newest orders first, one per page, following LastEvaluatedKey.
	var got []string
	var start map[string]types.AttributeValue
	for page := 0; page < 5; page++ {
		q, err := c.Query(ctx, &dynamodb.QueryInput{
			TableName:                 aws.String("AppTable"),
			KeyConditionExpression:    aws.String("PK = :pk AND begins_with(SK, :sk)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s("USER#u123"), ":sk": s("ORDER#")},
			ScanIndexForward:          aws.Bool(false),
			Limit:                     aws.Int32(1),
			ExclusiveStartKey:         start,
		})
		if err != nil {
			t.Fatalf("Query page %d: %v", page, err)
		}
		for _, it := range q.Items {
			got = append(got, it["SK"].(*types.AttributeValueMemberS).Value)
		}
		start = q.LastEvaluatedKey
		if start == nil {
			break
		}
	}
	want := []string{"ORDER#2025-02-03T15:20", "ORDER#2025-01-01T10:00"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("orders newest first = %v, want %v", got, want)
	}

	// Close, reopen: everything is still there.
	db2 := enginetest.Reopen(t, db, engine.Options{})
	c2 := enginetest.Client(t, db2)
	g, err := c2.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String("AppTable"),
		Key:       map[string]types.AttributeValue{"PK": s("USER#u123"), "SK": s("PROFILE")},
	})
	if err != nil {
		t.Fatalf("GetItem after reopen: %v", err)
	}
	if g.Item["name"].(*types.AttributeValueMemberS).Value != "Alice K" ||
		g.Item["loginCount"].(*types.AttributeValueMemberN).Value != "1" ||
		g.Item["version"].(*types.AttributeValueMemberN).Value != "2" {
		t.Fatalf("profile after reopen = %v", g.Item)
	}
	d, err := c2.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("AppTable")})
	if err != nil {
		t.Fatalf("DescribeTable after reopen: %v", err)
	}
	if *d.Table.ItemCount != 5 {
		t.Fatalf("ItemCount after reopen = %d, want 5", *d.Table.ItemCount)
	}
}
