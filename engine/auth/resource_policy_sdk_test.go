package auth

import (
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

// tablePolicy is AppTable's resource policy in these tests: u123 (who
// has no identity policy) may read the table and query its indexes;
// nobody may delete items.
const tablePolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "U123Reads", "Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::000000000000:user/u123"},
     "Action": ["dynamodb:GetItem", "dynamodb:Query"],
     "Resource": ["arn:aws:dynamodb:us-east-1:000000000000:table/AppTable",
                  "arn:aws:dynamodb:us-east-1:000000000000:table/AppTable/index/*"]},
    {"Sid": "AccountScans", "Effect": "Allow", "Principal": {"AWS": "000000000000"},
     "Action": "dynamodb:Scan", "Resource": "*"},
    {"Sid": "NoDeletes", "Effect": "Deny", "Principal": "*",
     "Action": "dynamodb:DeleteItem", "Resource": "*"}
  ]
}`

// resourceSetup serves a real engine whose AppTable (PK, SK; index ByGSI
// on GSI) carries tablePolicy. Users: admin (everything), u123 (no
// identity policy), writer (an identity policy allowing item writes and
// deletes on AppTable) and u999 (no identity policy, not in the table
// policy). results collects the guard's results.
func resourceSetup(t *testing.T) (clients map[string]*dynamodb.Client, results func() []*Result) {
	t.Helper()
	db := enginetest.Open(t, engine.Options{})
	writer := mustPolicy(`{"Version":"2012-10-17","Statement":{"Sid":"Writes","Effect":"Allow",
	  "Action":["dynamodb:PutItem","dynamodb:DeleteItem"],"Resource":"arn:aws:dynamodb:*:*:table/AppTable"}}`)
	users := []User{
		{AccessKeyID: "AKIDADMIN", SecretAccessKey: "admin-secret", UserID: "admin", Policy: allowAll},
		{AccessKeyID: "AKIDU123", SecretAccessKey: "u123-secret", UserID: "u123"},
		{AccessKeyID: "AKIDWRITER", SecretAccessKey: "writer-secret", UserID: "writer", Policy: writer},
		{AccessKeyID: "AKIDU999", SecretAccessKey: "u999-secret", UserID: "u999"},
	}
	var mu sync.Mutex
	var got []*Result
	cfg := Config{Users: users, Keys: db, ResourcePolicies: db, OnResult: func(r *Result) {
		mu.Lock()
		got = append(got, r)
		mu.Unlock()
	}}
	ts, _, _ := serve(t, db, cfg, nil)
	clients = map[string]*dynamodb.Client{}
	for _, u := range users {
		clients[u.UserID] = client(ts.URL, u.AccessKeyID, u.SecretAccessKey, "")
	}
	c := ctx(t)
	admin := clients["admin"]
	str := func(n string) types.AttributeDefinition {
		return types.AttributeDefinition{AttributeName: aws.String(n), AttributeType: types.ScalarAttributeTypeS}
	}
	hash := func(n string) types.KeySchemaElement {
		return types.KeySchemaElement{AttributeName: aws.String(n), KeyType: types.KeyTypeHash}
	}
	_, err := admin.CreateTable(c, &dynamodb.CreateTableInput{
		TableName:            aws.String("AppTable"),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{str("PK"), str("SK"), str("GSI")},
		KeySchema:            []types.KeySchemaElement{hash("PK"), {AttributeName: aws.String("SK"), KeyType: types.KeyTypeRange}},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{IndexName: aws.String("ByGSI"),
			KeySchema: []types.KeySchemaElement{hash("GSI")}, Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.PutItem(c, &dynamodb.PutItemInput{TableName: aws.String("AppTable"),
		Item: map[string]types.AttributeValue{"PK": s("USER#u123"), "SK": s("PROFILE"), "GSI": s("g")}}); err != nil {
		t.Fatal(err)
	}
	putTablePolicy(t, admin, tablePolicy)
	return clients, func() []*Result {
		mu.Lock()
		defer mu.Unlock()
		return append([]*Result(nil), got...)
	}
}

func putTablePolicy(t *testing.T, admin *dynamodb.Client, doc string) {
	t.Helper()
	if _, err := admin.PutResourcePolicy(ctx(t), &dynamodb.PutResourcePolicyInput{ResourceArn: aws.String(appARN), Policy: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
}

func userDenied(user, action, resource, why string) string {
	return "User: arn:aws:iam::000000000000:user/" + user + " is not authorized to perform: " + action + " on resource: " + resource + " " + why
}

// TestResourcePolicy combines table resource policies with identity
// policies as IAM does within one account.
func TestResourcePolicy(t *testing.T) {
	clients, results := resourceSetup(t)
	c := ctx(t)
	app := aws.String("AppTable")
	get := func(who string) error {
		_, err := clients[who].GetItem(c, &dynamodb.GetItemInput{TableName: app, Key: key("USER#u123", "PROFILE")})
		return err
	}
	del := func(who string) error {
		_, err := clients[who].DeleteItem(c, &dynamodb.DeleteItemInput{TableName: app, Key: key("USER#u123", "PROFILE")})
		return err
	}
	tests := []struct {
		name string
		call func() error
		code string
		msg  string
	}{
		{"no identity policy, allowed by the table policy", func() error { return get("u123") }, "", ""},
		{"index ARN under the table's policy", func() error {
			_, err := clients["u123"].Query(c, &dynamodb.QueryInput{TableName: app, IndexName: aws.String("ByGSI"),
				KeyConditionExpression:    aws.String("GSI = :g"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":g": s("g")}})
			return err
		}, "", ""},
		{"action the table policy does not allow", func() error {
			_, err := clients["u123"].PutItem(c, &dynamodb.PutItemInput{TableName: app, Item: key("USER#u123", "X")})
			return err
		}, engine.CodeAccessDenied, userDenied("u123", "dynamodb:PutItem", appARN, "because no resource-based policy allows the dynamodb:PutItem action")},
		{"policy for another principal", func() error { return get("u999") },
			engine.CodeAccessDenied, userDenied("u999", "dynamodb:GetItem", appARN, "because no resource-based policy allows the dynamodb:GetItem action")},
		{"account principal grants nothing by itself", func() error {
			_, err := clients["u999"].Scan(c, &dynamodb.ScanInput{TableName: app})
			return err
		}, engine.CodeAccessDenied, userDenied("u999", "dynamodb:Scan", appARN, "because no resource-based policy allows the dynamodb:Scan action")},
		{"identity allow without a table statement", func() error {
			_, err := clients["writer"].PutItem(c, &dynamodb.PutItemInput{TableName: app, Item: key("USER#w", "X")})
			return err
		}, "", ""},
		{"explicit deny in the table policy overrides an identity allow", func() error { return del("writer") },
			engine.CodeAccessDenied, userDenied("writer", "dynamodb:DeleteItem", appARN, "with an explicit deny in a resource-based policy")},
		{"explicit deny applies to admin too", func() error { return del("admin") },
			engine.CodeAccessDenied, userDenied("admin", "dynamodb:DeleteItem", appARN, "with an explicit deny in a resource-based policy")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, msg := apiErr(t, tt.call())
			if code != tt.code || msg != tt.msg {
				t.Errorf("= %s %q\nwant %s %q", code, msg, tt.code, tt.msg)
			}
		})
	}

	// The decisions name the deciding statement and its policy.
	var notes []string
	for _, r := range results() {
		if r.Operation() == "GetItem" || r.Operation() == "DeleteItem" {
			notes = append(notes, r.Note()+" | "+r.Summary())
		}
	}
	want := []string{
		"u123:allow:resource:U123Reads | u123 allowed by U123Reads (resource-based policy of AppTable)",
		"u999:implicit-deny | u999 denied: no policy allows dynamodb:GetItem",
		"writer:explicit-deny:resource:NoDeletes | writer denied by NoDeletes (resource-based policy of AppTable)",
		"admin:explicit-deny:resource:NoDeletes | admin denied by NoDeletes (resource-based policy of AppTable)",
	}
	if strings.Join(notes, "\n") != strings.Join(want, "\n") {
		t.Errorf("decisions:\n%s\nwant\n%s", strings.Join(notes, "\n"), strings.Join(want, "\n"))
	}
	var trace string
	for _, r := range results() {
		if r.Operation() == "DeleteItem" && r.Principal.UserID == "writer" {
			trace = strings.Join(r.Explanation(), "\n")
		}
	}
	for _, want := range []string{
		"DeleteItem by arn:aws:iam::000000000000:user/writer: DENIED",
		"explicit-deny by NoDeletes (resource-based policy of AppTable)",
		"identity: Writes: Allow matches",
		"resource AppTable: U123Reads: principal arn:aws:iam::000000000000:user/writer not in Principal",
		"resource AppTable: NoDeletes: Deny matches",
	} {
		if !strings.Contains(trace, want) {
			t.Errorf("explanation lacks %q:\n%s", want, trace)
		}
	}
}

// TestResourcePolicyChanges: a new policy takes effect at once (the
// cache follows the document), a deleted one stops applying, and one
// dynalab cannot evaluate denies everything but its own replacement.
func TestResourcePolicyChanges(t *testing.T) {
	clients, _ := resourceSetup(t)
	c := ctx(t)
	admin, u123 := clients["admin"], clients["u123"]
	get := func() error {
		_, err := u123.GetItem(c, &dynamodb.GetItemInput{TableName: aws.String("AppTable"), Key: key("USER#u123", "PROFILE")})
		return err
	}
	if err := get(); err != nil {
		t.Fatal(err)
	}
	putTablePolicy(t, admin, strings.Replace(tablePolicy, `"Sid": "U123Reads", "Effect": "Allow"`, `"Sid": "U123Reads", "Effect": "Deny"`, 1))
	if code, msg := apiErr(t, get()); !strings.HasSuffix(msg, "with an explicit deny in a resource-based policy") {
		t.Errorf("after the new policy: %s %s", code, msg)
	}
	if _, err := admin.DeleteResourcePolicy(c, &dynamodb.DeleteResourcePolicyInput{ResourceArn: aws.String(appARN)}); err != nil {
		t.Fatal(err)
	}
	if _, msg := apiErr(t, get()); !strings.HasSuffix(msg, "because no identity-based policy allows the dynamodb:GetItem action") {
		t.Errorf("without a table policy: %s", msg)
	}

	// IpAddress is outside dynalab's policy subset.
	putTablePolicy(t, admin, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"dynamodb:*","Resource":"*",
	  "Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}`)
	_, msg := apiErr(t, get())
	if !strings.Contains(msg, "because the resource-based policy of table AppTable cannot be evaluated by dynalab") ||
		!strings.Contains(msg, `unsupported condition operator \"IpAddress\"`) && !strings.Contains(msg, `unsupported condition operator "IpAddress"`) {
		t.Errorf("unevaluable policy: %s", msg)
	}
	if _, err := admin.GetItem(c, &dynamodb.GetItemInput{TableName: aws.String("AppTable"), Key: key("USER#u123", "PROFILE")}); err == nil {
		t.Error("admin read a table whose policy cannot be evaluated")
	}
	if _, err := admin.PutResourcePolicy(c, &dynamodb.PutResourcePolicyInput{ResourceArn: aws.String(appARN), Policy: aws.String(tablePolicy)}); err != nil {
		t.Fatalf("replacing an unevaluable policy: %v", err)
	}
	if err := get(); err != nil {
		t.Errorf("after the replacement: %v", err)
	}
}
