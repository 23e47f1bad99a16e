package common_test

import (
	"encoding/json"
	"strings"
	"testing"

	"dynalab/ui/common"
)

func TestParseTableSpec(t *testing.T) {
	for _, tc := range []struct{ spec, want string }{
		{"Orders PK:S", `{"AttributeDefinitions":[{"AttributeName":"PK","AttributeType":"S"}],"TableName":"Orders","KeySchema":[{"AttributeName":"PK","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`},
		{"T1x id:n provisioned 5 2", `{"AttributeDefinitions":[{"AttributeName":"id","AttributeType":"N"}],"TableName":"T1x","KeySchema":[{"AttributeName":"id","KeyType":"HASH"}],"BillingMode":"PROVISIONED","ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":2}}`},
		{"App PK:S SK:S gsi G1 GPK:S SK:S keys-only lsi L1 n:N stream",
			`{"AttributeDefinitions":[{"AttributeName":"PK","AttributeType":"S"},{"AttributeName":"SK","AttributeType":"S"},{"AttributeName":"GPK","AttributeType":"S"},{"AttributeName":"n","AttributeType":"N"}],"TableName":"App","KeySchema":[{"AttributeName":"PK","KeyType":"HASH"},{"AttributeName":"SK","KeyType":"RANGE"}],"BillingMode":"PAY_PER_REQUEST","StreamSpecification":{"StreamEnabled":true,"StreamViewType":"NEW_AND_OLD_IMAGES"},"LocalSecondaryIndexes":[{"IndexName":"L1","KeySchema":[{"AttributeName":"PK","KeyType":"HASH"},{"AttributeName":"n","KeyType":"RANGE"}],"Projection":{"ProjectionType":"ALL"}}],"GlobalSecondaryIndexes":[{"IndexName":"G1","KeySchema":[{"AttributeName":"GPK","KeyType":"HASH"},{"AttributeName":"SK","KeyType":"RANGE"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}]}`},
	} {
		in, err := common.ParseTableSpec(tc.spec)
		if err != nil {
			t.Errorf("%s: %v", tc.spec, err)
			continue
		}
		got, _ := json.Marshal(in)
		if string(got) != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.spec, got, tc.want)
		}
	}
	for spec, want := range map[string]string{
		"":                            "give a table name",
		"Orders":                      "give a table name",
		"Orders PK":                   "expected a key attribute",
		"Orders PK:X":                 "TYPE S, N or B",
		"Orders PK:S SK:N gsi":        "expected an index name",
		"Orders PK:S provisioned 5":   "expected write capacity units",
		"Orders PK:S provisioned 0 1": "at least 1",
		"Orders PK:S PK:N":            "both S and N",
		"Orders PK:S nonsense":        `unexpected "nonsense"`,
	} {
		if _, err := common.ParseTableSpec(spec); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", spec, err, want)
		}
	}
}
