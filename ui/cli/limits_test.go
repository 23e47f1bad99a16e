package cli

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// TestServeMaxTables: serve --max-tables sets the table quota.
func TestServeMaxTables(t *testing.T) {
	s := startServe(t, "--in-memory", "--listen", "127.0.0.1:0", "--max-tables", "1")
	c := plainClient(s.endpoint, "x", "x")
	create := func(name string) error {
		_, err := c.CreateTable(context.Background(), &dynamodb.CreateTableInput{
			TableName:            aws.String(name),
			BillingMode:          types.BillingModePayPerRequest,
			AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS}},
			KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash}},
		})
		return err
	}
	if err := create("First"); err != nil {
		t.Fatal(err)
	}
	if code := errorCode(create("Second")); code != "LimitExceededException" {
		t.Errorf("second table under --max-tables 1: %q, want LimitExceededException", code)
	}
}
