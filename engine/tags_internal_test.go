package engine

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// TestTagPage pages a tag list with a small page size: the service returns
// all of a table's (at most 50) tags at once, so paging is tested here.
func TestTagPage(t *testing.T) {
	var tags []storedTag
	for i := 0; i < 7; i++ {
		tags = append(tags, storedTag{Key: fmt.Sprint("k", i), Value: "v"})
	}
	var got []string
	token := ""
	for pages := 0; ; pages++ {
		page, next, err := tagPage(tags, token, 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, tg := range page {
			got = append(got, *tg.Key)
		}
		if next == "" {
			if pages != 2 {
				t.Fatalf("%d pages", pages+1)
			}
			break
		}
		token = next
	}
	if fmt.Sprint(got) != "[k0 k1 k2 k3 k4 k5 k6]" {
		t.Fatalf("got %v", got)
	}
	if _, _, err := tagPage(tags, "bm9wZQ", 3); err == nil {
		t.Fatal("unknown token accepted")
	}
}

// TestTagRequestNullMembers sends what the SDK refuses client-side.
func TestTagRequestNullMembers(t *testing.T) {
	db := openChecked(t, Options{})
	ctx := context.Background()
	create := `{"TableName":"Tab","AttributeDefinitions":[{"AttributeName":"PK","AttributeType":"S"}],"KeySchema":[{"AttributeName":"PK","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`
	if _, _, err := db.Dispatch(ctx, TargetPrefix+"CreateTable", []byte(create)); err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:dynamodb:us-east-1:000000000000:table/Tab"
	tests := []struct{ op, body, msg string }{
		{"TagResource", `{}`, "Invalid TableArn"},
		{"TagResource", `{"ResourceArn":"` + arn + `"}`, "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null"},
		{"TagResource", `{"ResourceArn":"` + arn + `","Tags":[{"Value":"v"}]}`, "The Tag Key provided is invalid, Key: null"},
		{"TagResource", `{"ResourceArn":"` + arn + `","Tags":[{"Key":"k"}]}`, "The Tag Value provided is invalid, Value: null"},
		{"UntagResource", `{"ResourceArn":"` + arn + `"}`, "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null"},
		{"ListTagsOfResource", `{}`, "Invalid TableArn"},
		{"PutResourcePolicy", `{"ResourceArn":"` + arn + `"}`, "1 validation error detected: Value null at 'policy' failed to satisfy constraint: Member must not be null"},
		{"PutResourcePolicy", `{"ResourceArn":"` + arn + `","Policy":"{}","ExpectedRevisionId":""}`,
			"1 validation error detected: Value '' at 'expectedRevisionId' failed to satisfy constraint: Member must have length greater than or equal to 1"},
	}
	for _, tc := range tests {
		_, _, err := db.Dispatch(ctx, TargetPrefix+tc.op, []byte(tc.body))
		var api *APIError
		if !errors.As(err, &api) || api.Code != CodeValidation || api.Message != tc.msg {
			t.Errorf("%s %s: got %v, want ValidationException: %s", tc.op, tc.body, err, tc.msg)
		}
	}
}
