package server

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
)

func TestZZRealEngine(t *testing.T) {
	db, err := engine.Open(engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ts := newTestServer(t, db, Options{})
	var l sdkLog
	c := sdkClient(ts.URL, &l)
	ctx := context.Background()
	_, err = c.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("Pets"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}}, BillingMode: types.BillingModePayPerRequest})
	t.Log("create", err)
	out, err := c.ListTables(ctx, &dynamodb.ListTablesInput{})
	t.Log("list", out, err)
	_, err = c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("Nope")})
	t.Log("describe", err)
	t.Log("sdklog", l.String())
	for _, b := range []string{"", "{", "[]", `{"TableName":5}`} {
		a := call(t, ts.URL, request{target: TargetPrefixDynamoDB + "DescribeTable", body: []byte(b)})
		t.Logf("%q -> %d %s", b, a.status, a.body)
	}
}
