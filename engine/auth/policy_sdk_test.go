package auth

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

// ownDataPolicy is the guide's "own data only" policy: a user reads and
// writes only the items whose partition key is USER#<their id>.
const ownDataPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "OwnItemsOnly",
      "Effect": "Allow",
      "Action": [
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem"
      ],
      "Resource": ["arn:aws:dynamodb:*:*:table/AppTable"],
      "Condition": {
        "ForAllValues:StringEquals": {
          "dynamodb:LeadingKeys": ["USER#${aws:userid}"]
        }
      }
    }
  ]
}`

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"PK": s(pk), "SK": s(sk)}
}

// ownDataSetup serves a real engine with two tables, AppTable (PK, SK)
// and Other (PK), guarded by the auth of an admin and of u123 under the
// guide's policy. It returns clients for both.
func ownDataSetup(t *testing.T) (admin, user *dynamodb.Client, log *syncBuffer) {
	t.Helper()
	db := enginetest.Open(t, engine.Options{})
	log = &syncBuffer{}
	users := []User{
		{AccessKeyID: "AKIDADMIN", SecretAccessKey: "admin-secret", UserID: "admin", Policy: allowAll},
		{AccessKeyID: "AKIDU123", SecretAccessKey: "u123-secret", UserID: "u123", Policy: mustPolicy(ownDataPolicy)},
	}
	ts, _, _ := serve(t, db, Config{Users: users, Keys: db}, log)
	admin = client(ts.URL, "AKIDADMIN", "admin-secret", "")
	user = client(ts.URL, "AKIDU123", "u123-secret", "")
	c := ctx(t)
	for _, tbl := range []struct {
		name string
		sk   bool
	}{{"AppTable", true}, {"Other", false}} {
		in := &dynamodb.CreateTableInput{
			TableName:            aws.String(tbl.name),
			BillingMode:          types.BillingModePayPerRequest,
			AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS}},
			KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash}},
		}
		if tbl.sk {
			in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{AttributeName: aws.String("SK"), AttributeType: types.ScalarAttributeTypeS})
			in.KeySchema = append(in.KeySchema, types.KeySchemaElement{AttributeName: aws.String("SK"), KeyType: types.KeyTypeRange})
		}
		if _, err := admin.CreateTable(c, in); err != nil {
			t.Fatal(err)
		}
	}
	for _, pk := range []string{"USER#u123", "USER#u999"} {
		if _, err := admin.PutItem(c, &dynamodb.PutItemInput{TableName: aws.String("AppTable"), Item: key(pk, "PROFILE")}); err != nil {
			t.Fatal(err)
		}
	}
	return admin, user, log
}

const (
	u123ARN  = "arn:aws:iam::000000000000:user/u123"
	appARN   = "arn:aws:dynamodb:us-east-1:000000000000:table/AppTable"
	otherARN = "arn:aws:dynamodb:us-east-1:000000000000:table/Other"
)

func denied(action, resource string) string {
	return "User: " + u123ARN + " is not authorized to perform: " + action + " on resource: " + resource +
		" because no identity-based policy allows the " + action + " action"
}

// TestOwnDataPolicy runs the guide's example verbatim against a real
// engine: u123 may Get, Query, Put, Update, Delete and batch only items
// whose partition key is USER#u123.
func TestOwnDataPolicy(t *testing.T) {
	_, user, log := ownDataSetup(t)
	c := ctx(t)
	app := aws.String("AppTable")
	query := func(pk string) error {
		_, err := user.Query(c, &dynamodb.QueryInput{TableName: app,
			KeyConditionExpression:    aws.String("#pk = :pk AND begins_with(SK, :sk)"),
			ExpressionAttributeNames:  map[string]string{"#pk": "PK"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(pk), ":sk": s("P")}})
		return err
	}
	tests := []struct {
		name string
		call func() error
		code string
		msg  string
	}{
		{"get own", func() error {
			_, err := user.GetItem(c, &dynamodb.GetItemInput{TableName: app, Key: key("USER#u123", "PROFILE")})
			return err
		}, "", ""},
		{"get other's", func() error {
			_, err := user.GetItem(c, &dynamodb.GetItemInput{TableName: app, Key: key("USER#u999", "PROFILE")})
			return err
		}, "AccessDeniedException", denied("dynamodb:GetItem", appARN)},
		{"put own", func() error {
			_, err := user.PutItem(c, &dynamodb.PutItemInput{TableName: app, Item: key("USER#u123", "ORDER#1")})
			return err
		}, "", ""},
		{"put other's", func() error {
			_, err := user.PutItem(c, &dynamodb.PutItemInput{TableName: app, Item: key("USER#u999", "ORDER#1")})
			return err
		}, "AccessDeniedException", denied("dynamodb:PutItem", appARN)},
		{"update own", func() error {
			_, err := user.UpdateItem(c, &dynamodb.UpdateItemInput{TableName: app, Key: key("USER#u123", "PROFILE"),
				UpdateExpression: aws.String("SET #n = :n"), ExpressionAttributeNames: map[string]string{"#n": "name"},
				ExpressionAttributeValues: map[string]types.AttributeValue{":n": s("Alice")}})
			return err
		}, "", ""},
		{"delete other's", func() error {
			_, err := user.DeleteItem(c, &dynamodb.DeleteItemInput{TableName: app, Key: key("USER#u999", "PROFILE")})
			return err
		}, "AccessDeniedException", denied("dynamodb:DeleteItem", appARN)},
		{"query own", func() error { return query("USER#u123") }, "", ""},
		{"query other's", func() error { return query("USER#u999") }, "AccessDeniedException", denied("dynamodb:Query", appARN)},
		{"scan (not allowed at all)", func() error {
			_, err := user.Scan(c, &dynamodb.ScanInput{TableName: app})
			return err
		}, "AccessDeniedException", denied("dynamodb:Scan", appARN)},
		{"batch write own", func() error {
			_, err := user.BatchWriteItem(c, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{
				"AppTable": {{PutRequest: &types.PutRequest{Item: key("USER#u123", "A")}}, {DeleteRequest: &types.DeleteRequest{Key: key("USER#u123", "B")}}}}})
			return err
		}, "", ""},
		{"batch write mixed", func() error {
			_, err := user.BatchWriteItem(c, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{
				"AppTable": {{PutRequest: &types.PutRequest{Item: key("USER#u123", "A")}}, {PutRequest: &types.PutRequest{Item: key("USER#u999", "A")}}}}})
			return err
		}, "AccessDeniedException", denied("dynamodb:BatchWriteItem", appARN)},
		{"batch get across two tables", func() error {
			_, err := user.BatchGetItem(c, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
				"AppTable": {Keys: []map[string]types.AttributeValue{key("USER#u123", "PROFILE")}},
				"Other":    {Keys: []map[string]types.AttributeValue{{"PK": s("USER#u123")}}}}})
			return err
		}, "AccessDeniedException", denied("dynamodb:BatchGetItem", otherARN)},
		{"transaction across two tables", func() error {
			_, err := user.TransactWriteItems(c, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
				{Put: &types.Put{TableName: app, Item: key("USER#u123", "T")}},
				{Put: &types.Put{TableName: aws.String("Other"), Item: map[string]types.AttributeValue{"PK": s("USER#u123")}}}}})
			return err
		}, "AccessDeniedException", denied("dynamodb:PutItem", otherARN)},
		{"transaction own", func() error {
			_, err := user.TransactWriteItems(c, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
				{Put: &types.Put{TableName: app, Item: key("USER#u123", "T")}},
				{Update: &types.Update{TableName: app, Key: key("USER#u123", "PROFILE"), UpdateExpression: aws.String("SET v = :v"),
					ExpressionAttributeValues: map[string]types.AttributeValue{":v": s("1")}}}}})
			return err
		}, "", ""},
		{"list tables", func() error {
			_, err := user.ListTables(c, &dynamodb.ListTablesInput{})
			return err
		}, "AccessDeniedException", denied("dynamodb:ListTables", "arn:aws:dynamodb:us-east-1:000000000000:table/*")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, msg := apiErr(t, tt.call())
			if code != tt.code || msg != tt.msg {
				t.Errorf("= %s %q\nwant %s %q", code, msg, tt.code, tt.msg)
			}
		})
	}
	lines := log.String()
	for _, want := range []string{
		"GetItem table=AppTable", "200 auth=u123:allow:OwnItemsOnly",
		"400 AccessDeniedException auth=u123:implicit-deny",
		"PutItem table=AppTable", // the transaction's parts are named per statement
	} {
		if !strings.Contains(lines, want) {
			t.Errorf("request log lacks %q:\n%s", want, lines)
		}
	}
}
