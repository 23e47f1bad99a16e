package engine

import (
	"bytes"
	"context"
	"errors"
	"testing"
)

// FuzzLegacy feeds legacy-parameter requests (Expected, filters,
// KeyConditions, AttributeUpdates) to the operations that take them:
// nothing may panic and no failure may be an internal error.
func FuzzLegacy(f *testing.F) {
	ops := []string{"PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "GetItem"}
	seeds := []string{
		`{"TableName":"Tab","Item":{"PK":{"S":"a"},"SK":{"N":"1"}},"Expected":{"a":{"ComparisonOperator":"BETWEEN","AttributeValueList":[{"N":"1"},{"N":"2"}]},"b":{"Exists":false}},"ConditionalOperator":"OR"}`,
		`{"TableName":"Tab","Key":{"PK":{"S":"a"},"SK":{"N":"1"}},"AttributeUpdates":{"l":{"Action":"ADD","Value":{"L":[{"N":"1"}]}},"s":{"Action":"DELETE","Value":{"SS":["x"]}},"n":{"Action":"ADD","Value":{"N":"1"}}}}`,
		`{"TableName":"Tab","KeyConditions":{"PK":{"ComparisonOperator":"EQ","AttributeValueList":[{"S":"a"}]},"SK":{"ComparisonOperator":"BETWEEN","AttributeValueList":[{"N":"1"},{"N":"9"}]}},"QueryFilter":{"x":{"ComparisonOperator":"NOT_CONTAINS","AttributeValueList":[{"S":"y"}]},"y":{"ComparisonOperator":"NULL"}},"ConditionalOperator":"AND","AttributesToGet":["x"]}`,
		`{"TableName":"Tab","ScanFilter":{"x":{"ComparisonOperator":"IN","AttributeValueList":[{"B":"AAE="},{"B":"AQ=="}]}},"FilterExpression":"a = :v","ExpressionAttributeValues":{":v":{"S":"x"}}}`,
		`{"TableName":"Tab","Key":{"PK":{"S":"a"},"SK":{"N":"1"}},"Expected":{"a":{"Value":{"NULL":false}}}}`,
		`{"TableName":"Tab","Key":{"PK":{"S":"a"},"SK":{"N":"1"}},"AttributesToGet":[]}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i), []byte(s))
	}
	db := openChecked(f, Options{})
	ctx := context.Background()
	create := `{"TableName":"Tab","AttributeDefinitions":[{"AttributeName":"PK","AttributeType":"S"},{"AttributeName":"SK","AttributeType":"N"}],"KeySchema":[{"AttributeName":"PK","KeyType":"HASH"},{"AttributeName":"SK","KeyType":"RANGE"}],"BillingMode":"PAY_PER_REQUEST"}`
	if _, _, err := db.Dispatch(ctx, TargetPrefix+"CreateTable", []byte(create)); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		name := ops[int(op)%len(ops)]
		// Dispatch keeps its body; the fuzzer reuses the slice.
		_, _, err := db.Dispatch(ctx, TargetPrefix+name, bytes.Clone(body))
		var api *APIError
		if err != nil && (!errors.As(err, &api) || api.Code == CodeInternalServerError) {
			t.Fatalf("%s %q: %v", name, body, err)
		}
	})
}
