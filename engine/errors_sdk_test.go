package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

type av = map[string]types.AttributeValue

func key(pk, sk string) av { return av{"PK": s(pk), "SK": s(sk)} }

// TestServiceErrorMessages checks exact error codes and messages of the
// service (DynamoDB API Reference "Common Errors" and each operation's
// errors; texts as DynamoDB Local and moto reproduce them) through
// aws-sdk-go-v2, as a client sees them.
func TestServiceErrorMessages(t *testing.T) {
	db := enginetest.Open(t, engine.Options{})
	c := enginetest.Client(t, db)
	createAppTable(t, c)
	ctx := enginetest.Ctx(t)
	if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("AppTable"),
		Item: av{"PK": s("p"), "SK": s("s"), "a": n("5"), "list": &types.AttributeValueMemberL{Value: []types.AttributeValue{n("1")}}}}); err != nil {
		t.Fatal(err)
	}
	table := aws.String("AppTable")
	put := func(item av) func() error {
		return func() error {
			_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: table, Item: item})
			return err
		}
	}
	update := func(expr string, names map[string]string, values av) func() error {
		return func() error {
			_, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: table, Key: key("p", "s"),
				UpdateExpression: aws.String(expr), ExpressionAttributeNames: names, ExpressionAttributeValues: values})
			return err
		}
	}
	cond := func(expr string, names map[string]string, values av) func() error {
		return func() error {
			_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: table, Item: key("p", "s"),
				ConditionExpression: aws.String(expr), ExpressionAttributeNames: names, ExpressionAttributeValues: values})
			return err
		}
	}
	query := func(kc string, values av) func() error {
		return func() error {
			_, err := c.Query(ctx, &dynamodb.QueryInput{TableName: table, KeyConditionExpression: aws.String(kc), ExpressionAttributeValues: values})
			return err
		}
	}
	const invalid = "One or more parameter values were invalid: "
	tests := []struct {
		name, code, msg string
		call            func() error
	}{
		{"empty string set", "ValidationException", invalid + "An string set  may not be empty",
			put(av{"PK": s("x"), "SK": s("y"), "ss": &types.AttributeValueMemberSS{Value: []string{}}})},
		{"empty number set", "ValidationException", invalid + "An number set  may not be empty",
			put(av{"PK": s("x"), "SK": s("y"), "ns": &types.AttributeValueMemberNS{Value: []string{}}})},
		{"empty binary set", "ValidationException", invalid + "Binary sets should not be empty",
			put(av{"PK": s("x"), "SK": s("y"), "bs": &types.AttributeValueMemberBS{Value: [][]byte{}}})},
		{"duplicate string set", "ValidationException", invalid + "Input collection [a, a] contains duplicates.",
			put(av{"PK": s("x"), "SK": s("y"), "ss": &types.AttributeValueMemberSS{Value: []string{"a", "a"}}})},
		{"duplicate number set", "ValidationException", "Input collection contains duplicates",
			put(av{"PK": s("x"), "SK": s("y"), "ns": &types.AttributeValueMemberNS{Value: []string{"1", "1.0"}}})},
		{"duplicate binary set", "ValidationException", invalid + "Input collection [Yg==, Yg==]of type BS contains duplicates.",
			put(av{"PK": s("x"), "SK": s("y"), "bs": &types.AttributeValueMemberBS{Value: [][]byte{[]byte("b"), []byte("b")}}})},
		{"not a number", "ValidationException", "The parameter cannot be converted to a numeric value: abc",
			put(av{"PK": s("x"), "SK": s("y"), "n": n("abc")})},
		{"number overflow", "ValidationException", "Number overflow. Attempting to store a number with magnitude larger than supported range",
			put(av{"PK": s("x"), "SK": s("y"), "n": n("1e126")})},
		{"number underflow", "ValidationException", "Number underflow. Attempting to store a number with magnitude smaller than supported range",
			put(av{"PK": s("x"), "SK": s("y"), "n": n("1e-131")})},
		{"39 digits", "ValidationException", "Attempting to store more than 38 significant digits in a Number",
			put(av{"PK": s("x"), "SK": s("y"), "n": n("123456789012345678901234567890123456789")})},
		{"missing key in item", "ValidationException", invalid + "Missing the key SK in the item",
			put(av{"PK": s("x")})},
		{"key type mismatch", "ValidationException", invalid + "Type mismatch for key SK expected: S actual: N",
			put(av{"PK": s("x"), "SK": n("1")})},
		{"empty key string in item", "ValidationException", "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: PK",
			put(av{"PK": s(""), "SK": s("y")})},
		{"hash key too large", "ValidationException", invalid + "Size of hashkey has exceeded the maximum size limit of2048 bytes",
			put(av{"PK": s(strings.Repeat("k", 2049)), "SK": s("y")})},
		{"range key too large", "ValidationException", invalid + "Aggregated size of all range keys has exceeded the size limit of 1024 bytes",
			put(av{"PK": s("x"), "SK": s(strings.Repeat("k", 1025))})},
		{"item too large", "ValidationException", "Item size has exceeded the maximum allowed size",
			put(av{"PK": s("x"), "SK": s("y"), "big": s(strings.Repeat("b", 400*1024))})},
		{"key does not match schema", "ValidationException", "The provided key element does not match the schema",
			func() error {
				_, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: table, Key: av{"PK": s("p")}})
				return err
			}},
		{"empty key string in Key", "ValidationException", invalid + "The AttributeValue for a key attribute cannot contain an empty string value. Key: SK",
			func() error {
				_, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: table, Key: key("p", "")})
				return err
			}},
		{"missing table (data plane)", "ResourceNotFoundException", "Requested resource not found",
			func() error {
				_, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("Nope"), Key: key("p", "s")})
				return err
			}},
		{"missing table (control plane)", "ResourceNotFoundException", "Requested resource not found: Table: Nope not found",
			func() error {
				_, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String("Nope")})
				return err
			}},
		{"table exists", "ResourceInUseException", "Table already exists: AppTable",
			func() error { return createAppTableErr(ctx, c) }},
		{"update key attribute", "ValidationException", invalid + "Cannot update attribute PK. This attribute is part of the key",
			update("SET PK = :v", nil, av{":v": s("q")})},
		{"put bad ReturnValues", "ValidationException", "ReturnValues can only be ALL_OLD or NONE",
			func() error {
				_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: table, Item: key("p", "s"), ReturnValues: types.ReturnValueAllNew})
				return err
			}},
		{"names without expression", "ValidationException", "ExpressionAttributeNames can only be specified when using expressions",
			func() error {
				_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: table, Item: key("p", "s"), ExpressionAttributeNames: map[string]string{"#a": "a"}})
				return err
			}},
		{"values without expression", "ValidationException", "ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null",
			func() error {
				_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: table, Item: key("p", "s"), ExpressionAttributeValues: av{":a": s("a")}})
				return err
			}},
		{"unused name", "ValidationException", "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}",
			cond("attribute_exists(#a)", map[string]string{"#a": "a", "#b": "b"}, nil)},
		{"unused value", "ValidationException", "Value provided in ExpressionAttributeValues unused in expressions: keys: {:val1}",
			cond("a = :v", nil, av{":v": n("1"), ":val1": n("2")})},
		{"undefined name", "ValidationException", "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #n",
			cond("attribute_exists(#n)", nil, nil)},
		{"undefined value", "ValidationException", "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :v",
			cond("a = :v", nil, nil)},
		{"reserved word", "ValidationException", "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name",
			update("SET name = :v", nil, av{":v": s("x")})},
		{"redundant parentheses", "ValidationException", "Invalid ConditionExpression: The expression has redundant parentheses;",
			cond("((a < :v))", nil, av{":v": n("1")})},
		{"unknown function", "ValidationException", "Invalid ConditionExpression: Invalid function name; function: nope",
			cond("nope(a)", nil, nil)},
		{"syntax error", "ValidationException", `Invalid UpdateExpression: Syntax error; token: "_", near: "SET _123"`,
			update("SET _123 = :v", nil, av{":v": n("1")})},
		{"empty expression", "ValidationException", "Invalid ConditionExpression: The expression can not be empty;",
			func() error {
				_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: table, Item: key("p", "s"), ConditionExpression: aws.String("")})
				return err
			}},
		{"between bounds reversed", "ValidationException", "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: AttributeValue: {N:1}",
			cond("a BETWEEN :lo AND :hi", nil, av{":lo": n("5"), ":hi": n("1")})},
		{"overlapping paths", "ValidationException", "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]",
			update("SET a = :v REMOVE a.b", nil, av{":v": n("1")})},
		{"path invalid for update", "ValidationException", "The document path provided in the update expression is invalid for update",
			update("SET nothere.x = :v", nil, av{":v": n("1")})},
		{"operand type", "ValidationException", "An operand in the update expression has an incorrect data type",
			update("SET a = #l + :v", map[string]string{"#l": "list"}, av{":v": n("1")})},
		{"missing operand", "ValidationException", "The provided expression refers to an attribute that does not exist in the item",
			update("SET a = nothere + :v", nil, av{":v": n("1")})},
		{"condition failed", "ConditionalCheckFailedException", "The conditional request failed",
			cond("attribute_not_exists(PK)", nil, nil)},
		{"query missing pk", "ValidationException", "Query condition missed key schema element: PK",
			query("SK = :v", av{":v": s("s")})},
		{"query OR", "ValidationException", "Invalid operator used in KeyConditionExpression: OR",
			query("PK = :v OR SK = :v", av{":v": s("s")})},
		{"query key type", "ValidationException", invalid + "Condition parameter type does not match schema type",
			query("PK = :v", av{":v": n("1")})},
		{"filter on key", "ValidationException", "Filter Expression can only contain non-primary key attributes: Primary key attribute: SK",
			func() error {
				_, err := c.Query(ctx, &dynamodb.QueryInput{TableName: table, KeyConditionExpression: aws.String("PK = :p"),
					FilterExpression: aws.String("SK = :s"), ExpressionAttributeValues: av{":p": s("p"), ":s": s("s")}})
				return err
			}},
		{"segment without total", "ValidationException", "The TotalSegments parameter is required but was not present in the request when Segment parameter is present",
			func() error {
				_, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: table, Segment: aws.Int32(0)})
				return err
			}},
		{"segment too big", "ValidationException", "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 3 is not less than TotalSegments: 3",
			func() error {
				_, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: table, Segment: aws.Int32(3), TotalSegments: aws.Int32(3)})
				return err
			}},
		{"pay per request with throughput", "ValidationException", invalid + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
			func() error {
				_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("Tab2"), BillingMode: types.BillingModePayPerRequest,
					ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(1), WriteCapacityUnits: aws.Int64(1)},
					AttributeDefinitions:  []types.AttributeDefinition{{AttributeName: aws.String("a"), AttributeType: types.ScalarAttributeTypeS}},
					KeySchema:             []types.KeySchemaElement{{AttributeName: aws.String("a"), KeyType: types.KeyTypeHash}}})
				return err
			}},
		{"provisioned without throughput", "ValidationException", invalid + "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED",
			func() error {
				_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("Tab2"),
					AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("a"), AttributeType: types.ScalarAttributeTypeS}},
					KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("a"), KeyType: types.KeyTypeHash}}})
				return err
			}},
		{"key attribute not defined", "ValidationException", invalid + "Some index key attributes are not defined in AttributeDefinitions. Keys: [a], AttributeDefinitions: [b]",
			func() error {
				_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("Tab2"), BillingMode: types.BillingModePayPerRequest,
					AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("b"), AttributeType: types.ScalarAttributeTypeS}},
					KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("a"), KeyType: types.KeyTypeHash}}})
				return err
			}},
		{"extra attribute definition", "ValidationException", invalid + "Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions",
			func() error {
				_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("Tab2"), BillingMode: types.BillingModePayPerRequest,
					AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("a"), AttributeType: types.ScalarAttributeTypeS}, {AttributeName: aws.String("b"), AttributeType: types.ScalarAttributeTypeS}},
					KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("a"), KeyType: types.KeyTypeHash}}})
				return err
			}},
		{"range first", "ValidationException", "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
			func() error {
				_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("Tab2"), BillingMode: types.BillingModePayPerRequest,
					AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("a"), AttributeType: types.ScalarAttributeTypeS}, {AttributeName: aws.String("b"), AttributeType: types.ScalarAttributeTypeS}},
					KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("a"), KeyType: types.KeyTypeRange}, {AttributeName: aws.String("b"), KeyType: types.KeyTypeHash}}})
				return err
			}},
		{"same key name twice", "ValidationException", "Both the Hash Key and the Range Key element in the KeySchema have the same name",
			func() error {
				_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String("Tab2"), BillingMode: types.BillingModePayPerRequest,
					AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("a"), AttributeType: types.ScalarAttributeTypeS}, {AttributeName: aws.String("b"), AttributeType: types.ScalarAttributeTypeS}},
					KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("a"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("a"), KeyType: types.KeyTypeRange}}})
				return err
			}},
		{"update table nothing to do", "ValidationException", "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required",
			func() error {
				_, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: table})
				return err
			}},
		{"select enum", "ValidationException", "1 validation error detected: Value 'count' at 'select' failed to satisfy constraint: Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]",
			func() error {
				_, err := c.Scan(ctx, &dynamodb.ScanInput{TableName: table, Select: types.Select("count")})
				return err
			}},
		{"specific attributes without projection", "ValidationException", "1 validation error detected: Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES",
			func() error {
				_, err := c.Query(ctx, &dynamodb.QueryInput{TableName: table, KeyConditionExpression: aws.String("PK = :p"),
					ExpressionAttributeValues: av{":p": s("p")}, Select: types.SelectSpecificAttributes})
				return err
			}},
		{"table name pattern", "ValidationException", "1 validation error detected: Value 'bad name' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
			func() error {
				_, err := c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("bad name"), Key: key("p", "s")})
				return err
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var api smithy.APIError
			if !errors.As(err, &api) {
				t.Fatalf("got %v, want %s: %s", err, tt.code, tt.msg)
			}
			if api.ErrorCode() != tt.code || api.ErrorMessage() != tt.msg {
				t.Fatalf("got %s: %q\nwant %s: %q", api.ErrorCode(), api.ErrorMessage(), tt.code, tt.msg)
			}
		})
	}
	if len(tests) < 30 {
		t.Fatalf("only %d messages checked; the issue asks for at least 30", len(tests))
	}
}

func createAppTableErr(ctx context.Context, c *dynamodb.Client) error {
	_, err := c.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("AppTable"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS}, {AttributeName: aws.String("SK"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash}, {AttributeName: aws.String("SK"), KeyType: types.KeyTypeRange}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	return err
}
