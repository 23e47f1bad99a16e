package engine_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

// The service's text for a transaction over 4 MB, as dynoxide records it
// (nubo-db/dynoxide src/actions/transact_write_items.rs).
const msgTransactTooLarge = "Collection size of items exceeded, which can also be caused by the aggregate size of the items in the transaction exceeding the 4MB limit"

// TestTransactAggregateLimit: "The aggregate size of the items in the
// transaction cannot exceed 4 MB" (API reference, TransactWriteItems and
// TransactGetItems). Eleven 390 KB items are refused, ten pass; the
// refused write leaves nothing behind, the refused read returns nothing.
func TestTransactAggregateLimit(t *testing.T) {
	// NoThrottle: 4 MB to one partition in a burst is a capacity question.
	env := newSDKEnv(t, engine.Options{NoThrottle: true})
	c, ctx := env.c, enginetest.Ctx(t)
	createTable(t, c, "Big", keyDef{"PK", types.ScalarAttributeTypeS}, keyDef{"SK", types.ScalarAttributeTypeS})
	const size = 390 << 10
	puts := func(n int, prefix string) []types.TransactWriteItem {
		var items []types.TransactWriteItem
		for i := range n {
			items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: aws.String("Big"), Item: padItem(prefix, fmt.Sprint(i), size)}})
		}
		return items
	}
	_, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: puts(11, "over")}, retryTransport)
	wantAPIError(t, err, "ValidationException", msgTransactTooLarge)
	if it := getItem(t, c, "Big", key("over", "0")); it != nil {
		t.Fatalf("the refused transaction wrote an item")
	}
	if _, err := c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: puts(10, "ok")}, retryTransport); err != nil {
		t.Fatalf("ten 390 KB puts (3.9 MB): %v", err)
	}
	// An Update's values count as what it writes.
	big := strings.Repeat("v", size)
	var upd []types.TransactWriteItem
	for i := range 11 {
		upd = append(upd, types.TransactWriteItem{Update: &types.Update{TableName: aws.String("Big"), Key: key("ok", fmt.Sprint(i)),
			UpdateExpression: aws.String("SET d = :d"), ExpressionAttributeValues: av{":d": s(big)}}})
	}
	_, err = c.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: upd}, retryTransport)
	wantAPIError(t, err, "ValidationException", msgTransactTooLarge)

	putItem(t, c, "Big", padItem("ok", "10", size))
	gets := func(n int) []types.TransactGetItem {
		var items []types.TransactGetItem
		for i := range n {
			items = append(items, types.TransactGetItem{Get: &types.Get{TableName: aws.String("Big"), Key: key("ok", fmt.Sprint(i))}})
		}
		return items
	}
	_, err = c.TransactGetItems(ctx, &dynamodb.TransactGetItemsInput{TransactItems: gets(11)}, retryTransport)
	wantAPIError(t, err, "ValidationException", msgTransactTooLarge)
	out, err := c.TransactGetItems(ctx, &dynamodb.TransactGetItemsInput{TransactItems: gets(10)}, retryTransport)
	if err != nil || len(out.Responses) != 10 || out.Responses[9].Item == nil {
		t.Fatalf("ten 390 KB gets: %v", err)
	}
}

// TestTableQuota: CreateTable past the account's table quota (default
// 2,500, Service quotas in the developer guide; configurable) is refused
// with the service's LimitExceededException, and so is a restore, which
// creates a table.
func TestTableQuota(t *testing.T) {
	env := newSDKEnv(t, engine.Options{MaxTables: 2})
	c, ctx := env.c, enginetest.Ctx(t)
	createTable(t, c, "One", keyDef{"PK", types.ScalarAttributeTypeS}, keyDef{})
	createTable(t, c, "Two", keyDef{"PK", types.ScalarAttributeTypeS}, keyDef{})
	in := &dynamodb.CreateTableInput{
		TableName:            aws.String("Three"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	}
	_, err := c.CreateTable(ctx, in)
	wantAPIError(t, err, "LimitExceededException", "Subscriber limit exceeded: There is a limit of 2 tables per subscriber")
	// An existing name is still ResourceInUseException.
	in.TableName = aws.String("One")
	_, err = c.CreateTable(ctx, in)
	wantAPIError(t, err, "ResourceInUseException", "")
	in.TableName = aws.String("Three")

	b, err := c.CreateBackup(ctx, &dynamodb.CreateBackupInput{TableName: aws.String("One"), BackupName: aws.String("bak")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.RestoreTableFromBackup(ctx, &dynamodb.RestoreTableFromBackupInput{TargetTableName: aws.String("Restored"), BackupArn: b.BackupDetails.BackupArn})
	wantAPIError(t, err, "LimitExceededException", "Subscriber limit exceeded: There is a limit of 2 tables per subscriber")

	if _, err := c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String("Two")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateTable(ctx, in); err != nil {
		t.Fatalf("after a delete: %v", err)
	}
	env.db.SetMaxTables(0) // the default, 2,500
	if _, err := c.RestoreTableFromBackup(ctx, &dynamodb.RestoreTableFromBackupInput{TargetTableName: aws.String("Restored"), BackupArn: b.BackupDetails.BackupArn}); err != nil {
		t.Fatalf("restore under the default quota: %v", err)
	}
}

// TestQueryKeySizeLimits: a Query whose key value is over the key-size
// limits is refused with GetItem's ValidationException for the same value
// (2048 bytes of partition key, 1024 of sort key), on the table and on an
// index, through KeyConditionExpression and legacy KeyConditions.
func TestQueryKeySizeLimits(t *testing.T) {
	env := newSDKEnv(t, engine.Options{})
	c, ctx := env.c, enginetest.Ctx(t)
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("Keys"),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("SK"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("G"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("SK"), KeyType: types.KeyTypeRange}},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{IndexName: aws.String("ByG"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("G"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("SK"), KeyType: types.KeyTypeRange}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}},
		BillingMode: types.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatal(err)
	}
	long, longSort := strings.Repeat("p", 2049), strings.Repeat("s", 1025)
	_, getErr := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("Keys"), Key: av{"PK": s(long), "SK": s("a")}})
	hashMsg := apiMessage(getErr)
	_, getErr = c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("Keys"), Key: av{"PK": s("a"), "SK": s(longSort)}})
	sortMsg := apiMessage(getErr)
	if !strings.Contains(hashMsg, "2048") || !strings.Contains(sortMsg, "1024") {
		t.Fatalf("GetItem messages %q, %q", hashMsg, sortMsg)
	}
	query := func(index, cond string, values av) error {
		in := &dynamodb.QueryInput{TableName: aws.String("Keys"), KeyConditionExpression: aws.String(cond), ExpressionAttributeValues: values}
		if index != "" {
			in.IndexName = aws.String(index)
		}
		_, err := c.Query(ctx, in)
		return err
	}
	for _, tc := range []struct {
		name, index, cond string
		values            av
		msg               string
	}{
		{"table hash", "", "PK = :p", av{":p": s(long)}, hashMsg},
		{"table sort =", "", "PK = :p AND SK = :s", av{":p": s("a"), ":s": s(longSort)}, sortMsg},
		{"table sort between", "", "PK = :p AND SK BETWEEN :a AND :s", av{":p": s("a"), ":a": s("a"), ":s": s(longSort)}, sortMsg},
		{"table sort begins_with", "", "PK = :p AND begins_with(SK, :s)", av{":p": s("a"), ":s": s(longSort)}, sortMsg},
		{"index hash", "ByG", "G = :p", av{":p": s(long)}, hashMsg},
		{"index sort", "ByG", "G = :p AND SK > :s", av{":p": s("a"), ":s": s(longSort)}, sortMsg},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantAPIError(t, query(tc.index, tc.cond, tc.values), "ValidationException", tc.msg)
		})
	}
	_, err = c.Query(ctx, &dynamodb.QueryInput{TableName: aws.String("Keys"), KeyConditions: map[string]types.Condition{
		"PK": {ComparisonOperator: types.ComparisonOperatorEq, AttributeValueList: []types.AttributeValue{s(long)}}}})
	wantAPIError(t, err, "ValidationException", hashMsg)
	// At the limits, the query runs.
	if err := query("", "PK = :p AND SK = :s", av{":p": s(long[:2048]), ":s": s(longSort[:1024])}); err != nil {
		t.Fatalf("at the limits: %v", err)
	}
}
