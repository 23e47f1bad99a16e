package cli

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine/enginetest"
)

// TestServeGSIDelay: with --gsi-delay a new item reaches the table at once
// and a GSI only after the delay (an hour here, so never during the test).
func TestServeGSIDelay(t *testing.T) {
	s := startServe(t, "--in-memory", "--listen", "127.0.0.1:0", "--gsi-delay", "1h")
	c := enginetest.NewClient(s.endpoint)
	ctx := enginetest.Ctx(t)
	str := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("Delayed"),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("G"), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema:   []types.KeySchemaElement{{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash}},
		BillingMode: types.BillingModePayPerRequest,
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{
			IndexName:  aws.String("ByG"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("G"), KeyType: types.KeyTypeHash}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Delayed"), Item: map[string]types.AttributeValue{"PK": str("a"), "G": str("g")}}); err != nil {
		t.Fatal(err)
	}
	query := func(index *string, name, value string) int32 {
		t.Helper()
		out, err := c.Query(ctx, &dynamodb.QueryInput{
			TableName: aws.String("Delayed"), IndexName: index,
			KeyConditionExpression:    aws.String("#k = :v"),
			ExpressionAttributeNames:  map[string]string{"#k": name},
			ExpressionAttributeValues: map[string]types.AttributeValue{":v": str(value)},
		})
		if err != nil {
			t.Fatal(err)
		}
		return out.Count
	}
	if n := query(nil, "PK", "a"); n != 1 {
		t.Fatalf("table query: %d items, want 1", n)
	}
	if n := query(aws.String("ByG"), "G", "g"); n != 0 {
		t.Fatalf("GSI query within the delay: %d items, want 0", n)
	}
}
