package model_test

import (
	"fmt"
	"strings"
	"testing"

	"dynalab/sessions/model"
)

// goodModel is a small valid model; the cases of TestCheckRejects break
// one thing each.
const goodModel = `{
  "Version": 1,
  "Name": "shop",
  "Tables": [
    {
      "TableName": "Shop",
      "AttributeDefinitions": [
        {"AttributeName": "PK", "AttributeType": "S"},
        {"AttributeName": "SK", "AttributeType": "S"},
        {"AttributeName": "email", "AttributeType": "S"}
      ],
      "KeySchema": [
        {"AttributeName": "PK", "KeyType": "HASH"},
        {"AttributeName": "SK", "KeyType": "RANGE"}
      ],
      "BillingMode": "PAY_PER_REQUEST",
      "GlobalSecondaryIndexes": [
        {"IndexName": "ByEmail", "KeySchema": [{"AttributeName": "email", "KeyType": "HASH"}],
         "Projection": {"ProjectionType": "ALL"}}
      ],
      "TimeToLiveAttribute": "expiresAt",
      "Facets": [
        {"Name": "User", "PartitionKey": "USER#{userId}", "SortKey": "PROFILE", "Attributes": ["userId", "email", "name"]},
        {"Name": "Order", "PartitionKey": "USER#{userId}", "SortKey": "ORDER#{orderId}", "Attributes": ["userId", "orderId", "total"]}
      ],
      "Items": [
        {"PK": {"S": "USER#u1"}, "SK": {"S": "PROFILE"}, "userId": {"S": "u1"}, "email": {"S": "a@example.com"}},
        {"PK": {"S": "USER#u1"}, "SK": {"S": "ORDER#o1"}, "userId": {"S": "u1"}, "orderId": {"S": "o1"}, "total": {"N": "12.5"}}
      ]
    }
  ],
  "AccessPatterns": [
    {"Name": "user-orders", "Description": "A user's orders.",
     "Statement": "SELECT * FROM Shop WHERE PK = ? AND begins_with(SK, 'ORDER#')", "Parameters": [{"S": "USER#u1"}], "Facet": "Order"},
    {"Name": "by-email", "Statement": "SELECT * FROM Shop.ByEmail WHERE email = 'a@example.com'", "Facet": "User"}
  ]
}
`

func TestCheckAcceptsGoodModel(t *testing.T) {
	if ps := model.Check("good.json", []byte(goodModel)); len(ps) > 0 {
		t.Fatalf("problems:\n%v", ps)
	}
}

// TestCheckRejects: each kind of bad model is reported as FILE:LINE:
// message, on the line of the mistake.
func TestCheckRejects(t *testing.T) {
	for _, c := range []struct {
		name     string
		old, new string // the edit of goodModel
		line     string // a text of the line the problem is on
		msg      string
	}{
		{"broken JSON", `"Name": "shop",`, `"Name": "shop"`, `"Tables": [`, "invalid JSON"},
		{"unknown member", `"TableName": "Shop",`, `"TableNmae": "Shop",`, `"TableNmae"`, `unknown member "TableNmae"`},
		{"member of the wrong type", `"Version": 1,`, `"Version": "1",`, `"Version"`, "Version: want a whole number"},
		{"member twice", `"Name": "shop",`, `"Name": "shop", "Name": "shop2",`, `"Name": "shop2"`, `"Name" appears twice`},
		{"key missing from AttributeDefinitions", `{"AttributeName": "SK", "AttributeType": "S"},`, ``,
			`{"AttributeName": "SK", "KeyType": "RANGE"}`, "table Shop: key attribute SK is missing from AttributeDefinitions"},
		{"definition no key uses", `{"AttributeName": "email", "AttributeType": "S"}`, `{"AttributeName": "email", "AttributeType": "S"}, {"AttributeName": "name", "AttributeType": "S"}`,
			`{"AttributeName": "name"`, "table Shop: name is in AttributeDefinitions but is no key of the table or an index"},
		{"bad attribute type", `{"AttributeName": "email", "AttributeType": "S"}`, `{"AttributeName": "email", "AttributeType": "BOOL"}`,
			`"BOOL"`, `attribute email has type "BOOL"`},
		{"index key not defined", `[{"AttributeName": "email", "KeyType": "HASH"}]`, `[{"AttributeName": "phone", "KeyType": "HASH"}]`,
			`"phone"`, "GSI ByEmail: key attribute phone is missing from AttributeDefinitions"},
		{"two indexes of one name", `"Projection": {"ProjectionType": "ALL"}}`,
			`"Projection": {"ProjectionType": "ALL"}},` + "\n" + `{"IndexName": "ByEmail", "KeySchema": [{"AttributeName": "email", "KeyType": "HASH"}], "Projection": {"ProjectionType": "KEYS_ONLY"}}`,
			`"KEYS_ONLY"`, "table Shop: two indexes are named ByEmail"},
		{"INCLUDE without attributes", `"ProjectionType": "ALL"`, `"ProjectionType": "INCLUDE"`, `"INCLUDE"`, "GSI ByEmail: ProjectionType INCLUDE needs NonKeyAttributes"},
		{"unknown projection", `"ProjectionType": "ALL"`, `"ProjectionType": "SOME"`, `"SOME"`, `GSI ByEmail: ProjectionType "SOME"`},
		{"unknown billing", `"PAY_PER_REQUEST"`, `"ON_DEMAND"`, `"ON_DEMAND"`, `table Shop: BillingMode "ON_DEMAND"; it is PROVISIONED or PAY_PER_REQUEST`},
		{"provisioned without throughput", `"PAY_PER_REQUEST"`, `"PROVISIONED"`, `"PROVISIONED"`, "table Shop: PROVISIONED needs ProvisionedThroughput"},
		{"TTL on a key", `"TimeToLiveAttribute": "expiresAt"`, `"TimeToLiveAttribute": "SK"`, `"TimeToLiveAttribute"`, "table Shop: TimeToLiveAttribute SK is a key attribute of the table"},
		{"unknown attribute in a key pattern", `"ORDER#{orderId}"`, `"ORDER#{orderNo}"`, `"ORDER#{orderNo}"`,
			`facet Order: key pattern "ORDER#{orderNo}" uses {orderNo}, which is not one of the facet's Attributes`},
		{"pattern that does not parse", `"USER#{userId}", "SortKey": "PROFILE"`, `"USER#{userId", "SortKey": "PROFILE"`, `"USER#{userId"`, "{ without }"},
		{"pattern missing for the sort key", `, "SortKey": "PROFILE"`, ``, `{"Name": "User"`, "facet User: table Shop has a sort key (SK): the facet needs a SortKey pattern"},
		{"two facets of one name", `{"Name": "Order"`, `{"Name": "User"`, `"ORDER#{orderId}"`, "facet User is defined twice"},
		{"item without its key", `"SK": {"S": "PROFILE"}, `, ``, `"userId": {"S": "u1"}, "email"`, "table Shop: item 1 lacks key attribute SK"},
		{"item key of the wrong type", `{"PK": {"S": "USER#u1"}, "SK": {"S": "PROFILE"}`, `{"PK": {"N": "1"}, "SK": {"S": "PROFILE"}`, `{"PK": {"N": "1"}`, "item 1: key attribute PK is N, the table says S"},
		{"statement that does not parse", `begins_with(SK, 'ORDER#')`, `begins_with(SK 'ORDER#')`, `begins_with(SK 'ORDER#')`, "access pattern user-orders: the statement does not parse: 1:"},
		{"parameters missing", `, "Parameters": [{"S": "USER#u1"}]`, ``, `"Statement": "SELECT * FROM Shop WHERE PK = ?`, "the statement has 1 ? parameters and Parameters gives 0 values"},
		{"unknown index", `Shop.ByEmail`, `Shop.ByMail`, `Shop.ByMail`, "access pattern by-email reads index ByMail, which table Shop does not have"},
		{"unknown table", `FROM Shop.ByEmail`, `FROM Shops`, `FROM Shops`, "access pattern by-email reads table Shops, which the model does not define"},
		{"unknown facet", `"Facet": "Order"`, `"Facet": "Orders"`, `"Facet": "Orders"`, "access pattern user-orders returns facet Orders, which table Shop does not define"},
		{"pattern name no query can have", `"Name": "user-orders"`, `"Name": "user orders"`, `"user orders"`, `access pattern user orders: invalid name "user orders"`},
		{"two patterns of one name", `"Name": "by-email"`, `"Name": "user-orders"`, `FROM Shop.ByEmail`, "access pattern user-orders is defined twice"},
		{"statement the service refuses", `begins_with(SK, 'ORDER#')`, `begins_with(SK, 'ORDER#') ORDER BY total`, `ORDER BY total`, "access pattern user-orders: ValidationException:"},
		{"item that is not DynamoDB JSON", `"total": {"N": "12.5"}`, `"total": {"N": "12.5"}, "tags": {"SS": ["a", "a"]}`, `"tags"`,
			"Items[1]: One or more parameter values were invalid: Input collection [a, a] contains duplicates"},
		{"item the service refuses", `"SK": {"S": "ORDER#o1"}`, `"SK": {"S": "ORDER#` + strings.Repeat("o", 1100) + `"}`, `"ORDER#ooo`,
			"table Shop: item 2: PutItem refuses it: ValidationException:"},
		{"no version", `"Version": 1,`, ``, `{`, "Version is missing"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(goodModel, c.old) {
				t.Fatalf("the edit's old text %q is not in the model", c.old)
			}
			text := strings.Replace(goodModel, c.old, c.new, 1)
			line := 0
			for i, l := range strings.Split(text, "\n") {
				if strings.Contains(l, c.line) {
					line = i + 1
					break
				}
			}
			if line == 0 {
				t.Fatalf("no line holds %q", c.line)
			}
			ps := model.Check("bad.json", []byte(text))
			want := fmt.Sprintf("bad.json:%d: ", line)
			for _, p := range ps {
				if s := p.String(); strings.HasPrefix(s, want) && strings.Contains(s, c.msg) {
					return
				}
			}
			t.Fatalf("want %s…%s…; got:\n%v", want, c.msg, ps)
		})
	}
}

func TestPattern(t *testing.T) {
	for _, c := range []struct {
		pattern, value string
		vars           map[string]string
	}{
		{"USER#{userId}", "USER#u123", map[string]string{"userId": "u123"}},
		{"ORDER#{placedAt}#{orderId}", "ORDER#2025-01-04T10:12:00Z#o1001", map[string]string{"placedAt": "2025-01-04T10:12:00Z", "orderId": "o1001"}},
		{"PROFILE", "PROFILE", map[string]string{}},
		{"PROFILE", "PROFILES", nil},
		{"USER#{userId}", "ORDER#1", nil},
		{"{id}", "anything#at all", map[string]string{"id": "anything#at all"}},
	} {
		p, err := model.ParsePattern(c.pattern)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := p.Match(c.value)
		if ok != (c.vars != nil) || fmt.Sprint(got) != fmt.Sprint(c.vars) {
			t.Errorf("%s ~ %s: %v %v, want %v", c.pattern, c.value, got, ok, c.vars)
		}
	}
	for _, bad := range []string{"", "A#{x", "A#}", "{}", "{a}{b}", "A#{x{y}}"} {
		if _, err := model.ParsePattern(bad); err == nil {
			t.Errorf("%q parses", bad)
		}
	}
}
