package engine

import (
	"bytes"
	"context"
	"errors"
	"sort"
	"testing"
)

// FuzzDispatch feeds arbitrary request bodies to every operation: nothing
// may panic, and every failure must be an error a client can see (never an
// internal error).
func FuzzDispatch(f *testing.F) {
	ops := make([]string, 0, len(handlers))
	for name := range handlers {
		ops = append(ops, name)
	}
	sort.Strings(ops)
	seeds := []string{
		`{"TableName":"Tab","Item":{"PK":{"S":"a"},"SK":{"N":"1"},"x":{"L":[{"M":{"y":{"SS":["a"]}}}]}}}`,
		`{"TableName":"Tab","Key":{"PK":{"S":"a"},"SK":{"N":"1"}},"UpdateExpression":"SET #a = :v ADD n :one","ExpressionAttributeNames":{"#a":"a"},"ExpressionAttributeValues":{":v":{"B":"AAE="},":one":{"N":"1"}}}`,
		`{"TableName":"Tab","KeyConditionExpression":"PK = :p AND SK BETWEEN :a AND :b","ExpressionAttributeValues":{":p":{"S":"a"},":a":{"N":"0"},":b":{"N":"9"}},"Limit":2,"ScanIndexForward":false}`,
		`{"TableName":"Tab","Segment":1,"TotalSegments":3,"FilterExpression":"attribute_exists(x)"}`,
		`{"RequestItems":{"Tab":[{"PutRequest":{"Item":{"PK":{"S":"b"},"SK":{"N":"2"}}}}]}}`,
		`{"TransactItems":[{"Update":{"TableName":"Tab","Key":{"PK":{"S":"a"},"SK":{"N":"1"}},"UpdateExpression":"REMOVE x[0]"}}]}`,
		`{"TableName":"Utab","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"}],"KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}`,
		`{"TableName":"Tab","Key":{"PK":{"S":"a"},"SK":{"N":"1"}}}`,
		`{"TableName":"Itab","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"},{"AttributeName":"s","AttributeType":"N"},{"AttributeName":"g","AttributeType":"B"}],"KeySchema":[{"AttributeName":"k","KeyType":"HASH"},{"AttributeName":"s","KeyType":"RANGE"}],"BillingMode":"PAY_PER_REQUEST","LocalSecondaryIndexes":[{"IndexName":"L1","KeySchema":[{"AttributeName":"k","KeyType":"HASH"},{"AttributeName":"g","KeyType":"RANGE"}],"Projection":{"ProjectionType":"INCLUDE","NonKeyAttributes":["a"]}}],"GlobalSecondaryIndexes":[{"IndexName":"G1","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],"Projection":{"ProjectionType":"KEYS_ONLY"}}]}`,
		`{"TableName":"Tab","IndexName":"G1","KeyConditionExpression":"g = :g","ExpressionAttributeValues":{":g":{"B":"AA=="}},"Select":"ALL_PROJECTED_ATTRIBUTES","ExclusiveStartKey":{"g":{"B":"AA=="},"PK":{"S":"a"},"SK":{"N":"1"}}}`,
		`{"ResourceArn":"arn:aws:dynamodb:us-east-1:000000000000:table/Tab","Tags":[{"Key":"k","Value":"v"}],"TagKeys":["k"],"Policy":"{\"Statement\":[{}]}","ExpectedRevisionId":"NO_POLICY"}`,
		`{"TableName":"Tab","OnDemandThroughput":{"MaxReadRequestUnits":-1,"MaxWriteRequestUnits":5}}`,
		`{"TableName":"Tab","BackupName":"b1","Limit":2,"BackupType":"ALL","TimeRangeLowerBound":0,"ExclusiveStartBackupArn":"arn:aws:dynamodb:us-east-1:000000000000:table/Tab/backup/01700000000000-0badf00d"}`,
		`{"TargetTableName":"Restored","BackupArn":"arn:aws:dynamodb:us-east-1:000000000000:table/Tab/backup/01700000000000-0badf00d","BillingModeOverride":"PROVISIONED","ProvisionedThroughputOverride":{"ReadCapacityUnits":1,"WriteCapacityUnits":1},"GlobalSecondaryIndexOverride":[]}`,
		`{"TableName":"Tab","SourceTableName":"Tab","TargetTableName":"Pitr","RestoreDateTime":1700000000.5,"UseLatestRestorableTime":true,"PointInTimeRecoverySpecification":{"PointInTimeRecoveryEnabled":true,"RecoveryPeriodInDays":1}}`,
		`{"TableArn":"arn:aws:dynamodb:us-east-1:000000000000:table/Tab","S3Bucket":"b1","S3Prefix":"p","ExportTime":1700000000,"ExportArn":"arn:aws:dynamodb:us-east-1:000000000000:table/Tab/export/01700000000000-0badf00d","MaxResults":1,"S3BucketSource":{"S3Bucket":"b1","S3KeyPrefix":"p/"},"InputFormat":"DYNAMODB_JSON","InputCompressionType":"GZIP","TableCreationParameters":{"TableName":"Imp","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"}],"KeySchema":[{"AttributeName":"k","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"}}`,
		`{`, `[]`, `{"TableName":5}`, ``,
	}
	for i, s := range seeds {
		f.Add(uint8(i), []byte(s))
	}
	db := openChecked(f, Options{S3Dir: f.TempDir()})
	ctx := context.Background()
	create := `{"TableName":"Tab","AttributeDefinitions":[{"AttributeName":"PK","AttributeType":"S"},{"AttributeName":"SK","AttributeType":"N"}],"KeySchema":[{"AttributeName":"PK","KeyType":"HASH"},{"AttributeName":"SK","KeyType":"RANGE"}],"BillingMode":"PAY_PER_REQUEST"}`
	if _, _, err := db.Dispatch(ctx, TargetPrefix+"CreateTable", []byte(create)); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		name := ops[int(op)%len(ops)]
		if name == "DeleteTable" || name == "UpdateTable" {
			name = "DescribeTable" // keep the table the other operations use
		}
		// Dispatch keeps its body; the fuzzer reuses the slice.
		_, _, err := db.Dispatch(ctx, TargetPrefix+name, bytes.Clone(body))
		if err == nil {
			return
		}
		var api *APIError
		if !errors.As(err, &api) || api.Code == CodeInternalServerError {
			t.Fatalf("%s %q: %v", name, body, err)
		}
	})
}
