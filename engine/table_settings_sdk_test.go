package engine_test

// Table settings of issue #11 over the wire: table class, on-demand
// maxima (and their enforcement by the capacity meter), resource-based
// policies and DescribeEndpoints. Deletion protection is covered by
// TestDeletionProtection in tables_sdk_test.go.

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

func hashTableInput(name string) *dynamodb.CreateTableInput {
	return &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	}
}

func TestTableClass(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	ctx := enginetest.Ctx(t)
	in := hashTableInput("Cold")
	in.TableClass = types.TableClassStandardInfrequentAccess
	if _, err := e.c.CreateTable(ctx, in); err != nil {
		t.Fatal(err)
	}
	if d := describe(t, e.c, "Cold"); d.TableClassSummary == nil || d.TableClassSummary.TableClass != types.TableClassStandardInfrequentAccess {
		t.Fatalf("TableClassSummary %+v", d.TableClassSummary)
	}
	if _, err := e.c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("Cold"), TableClass: types.TableClassStandard}); err != nil {
		t.Fatal(err)
	}
	if d := describe(t, e.c, "Cold"); d.TableClassSummary == nil || d.TableClassSummary.TableClass != types.TableClassStandard {
		t.Fatalf("TableClassSummary %+v", d.TableClassSummary)
	}
	_, err := e.c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("Cold"), TableClass: "GLACIER"})
	wantAPIError(t, err, "ValidationException",
		"1 validation error detected: Value 'GLACIER' at 'tableClass' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, STANDARD_INFREQUENT_ACCESS]")
}

func TestOnDemandThroughput(t *testing.T) {
	e := newSDKEnv(t, engine.Options{})
	ctx := enginetest.Ctx(t)
	in := hashTableInput("Capped")
	in.OnDemandThroughput = &types.OnDemandThroughput{MaxReadRequestUnits: aws.Int64(100), MaxWriteRequestUnits: aws.Int64(50)}
	out, err := e.c.CreateTable(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if o := out.TableDescription.OnDemandThroughput; o == nil || aws.ToInt64(o.MaxReadRequestUnits) != 100 || aws.ToInt64(o.MaxWriteRequestUnits) != 50 {
		t.Fatalf("CreateTable OnDemandThroughput %+v", o)
	}
	if _, err := e.c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("Capped"),
		OnDemandThroughput: &types.OnDemandThroughput{MaxWriteRequestUnits: aws.Int64(-1)}}); err != nil {
		t.Fatal(err)
	}
	if o := describe(t, e.c, "Capped").OnDemandThroughput; o == nil || aws.ToInt64(o.MaxReadRequestUnits) != 100 || aws.ToInt64(o.MaxWriteRequestUnits) != -1 {
		t.Fatalf("DescribeTable OnDemandThroughput %+v", o)
	}

	// Errors: wording from the ack-api-quirks lab's ValidationException catalogue.
	prov := hashTableInput("Prov")
	prov.BillingMode = types.BillingModeProvisioned
	prov.ProvisionedThroughput = &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(1), WriteCapacityUnits: aws.Int64(1)}
	prov.OnDemandThroughput = &types.OnDemandThroughput{MaxReadRequestUnits: aws.Int64(10)}
	_, err = e.c.CreateTable(ctx, prov)
	wantAPIError(t, err, "ValidationException",
		"One or more parameter values were invalid: MaxReadRequestUnits for OnDemandThroughput cannot be specified when the table BillingMode is PROVISIONED")
	zero := hashTableInput("Zero")
	zero.OnDemandThroughput = &types.OnDemandThroughput{MaxWriteRequestUnits: aws.Int64(0)}
	_, err = e.c.CreateTable(ctx, zero)
	wantAPIError(t, err, "ValidationException",
		"One or more parameter values were invalid: Requested MaxWriteRequestUnits for OnDemandThroughput for table is outside of valid range")
	_, err = e.c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("Capped"), DeletionProtectionEnabled: aws.Bool(true),
		OnDemandThroughput: &types.OnDemandThroughput{MaxReadRequestUnits: aws.Int64(5)}})
	wantAPIError(t, err, "ValidationException",
		"One or more parameter values were invalid: OnDemandThroughput can only be combined with BillingMode in an UpdateTable request")
}

// TestOnDemandMaxThrottles: writes past MaxWriteRequestUnits in one second
// are refused with ThrottlingException, reason
// TableWriteMaxOnDemandThroughputExceeded; the next second admits again.
func TestOnDemandMaxThrottles(t *testing.T) {
	clock := enginetest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	e := newSDKEnv(t, engine.Options{Clock: clock.Now, SweepInterval: -1})
	ctx := enginetest.Ctx(t)
	in := hashTableInput("Capped")
	in.OnDemandThroughput = &types.OnDemandThroughput{MaxReadRequestUnits: aws.Int64(2), MaxWriteRequestUnits: aws.Int64(3)}
	out, err := e.c.CreateTable(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(out.TableDescription.TableArn)
	put := func(k string) error {
		_, err := e.c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("Capped"), Item: av{"PK": s(k)}})
		return err
	}
	for _, k := range []string{"a", "b", "c"} {
		if err := put(k); err != nil {
			t.Fatalf("put %s: %v", k, err)
		}
	}
	err = put("d")
	var te *types.ThrottlingException
	if !errors.As(err, &te) {
		t.Fatalf("4th write in the second: %v", err)
	}
	if len(te.ThrottlingReasons) != 1 || aws.ToString(te.ThrottlingReasons[0].Reason) != "TableWriteMaxOnDemandThroughputExceeded" ||
		aws.ToString(te.ThrottlingReasons[0].Resource) != arn {
		t.Fatalf("reasons %+v", te.ThrottlingReasons)
	}
	get := func() error {
		_, err := e.c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("Capped"), Key: av{"PK": s("a")}, ConsistentRead: aws.Bool(true)})
		return err
	}
	for i := 0; i < 2; i++ {
		if err := get(); err != nil {
			t.Fatal(err)
		}
	}
	if err := get(); !errors.As(err, &te) || aws.ToString(te.ThrottlingReasons[0].Reason) != "TableReadMaxOnDemandThroughputExceeded" {
		t.Fatalf("3rd read: %v", err)
	}
	clock.Advance(time.Second)
	if err := put("d"); err != nil {
		t.Fatalf("next second: %v", err)
	}
	// Removing the maximum lifts the limit.
	if _, err := e.c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("Capped"),
		OnDemandThroughput: &types.OnDemandThroughput{MaxWriteRequestUnits: aws.Int64(-1)}}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"e", "f", "g", "h"} {
		if err := put(k); err != nil {
			t.Fatalf("put %s without maximum: %v", k, err)
		}
	}
}

func policyDoc(action string) string {
	doc, _ := json.Marshal(map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Effect": "Allow", "Principal": map[string]any{"AWS": "000000000000"}, "Action": []string{action}, "Resource": "*",
		}},
	})
	return string(doc)
}

// TestResourcePolicy follows moto's aws_verified resource-policy tests
// (tests/test_dynamodb/test_dynamodb_resource_policy.py) for the texts.
func TestResourcePolicy(t *testing.T) {
	clock := enginetest.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	e := newSDKEnv(t, engine.Options{Clock: clock.Now})
	ctx := enginetest.Ctx(t)
	arn := aws.ToString(createTable(t, e.c, "Guarded", keyDef{"PK", types.ScalarAttributeTypeS}, keyDef{}).TableArn)

	_, err := e.c.GetResourcePolicy(ctx, &dynamodb.GetResourcePolicyInput{ResourceArn: aws.String(arn)})
	wantAPIError(t, err, "PolicyNotFoundException", "Resource-based policy not found for the provided ResourceArn: "+arn)

	put := func(doc string, expected *string) (string, error) {
		out, err := e.c.PutResourcePolicy(ctx, &dynamodb.PutResourcePolicyInput{ResourceArn: aws.String(arn), Policy: aws.String(doc), ExpectedRevisionId: expected})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.RevisionId), nil
	}
	rev1, err := put(policyDoc("dynamodb:*"), aws.String("NO_POLICY"))
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := put(policyDoc("dynamodb:*"), nil); again != rev1 {
		t.Fatalf("same policy: revision %s, want %s", again, rev1)
	}
	rev2, err := put(policyDoc("dynamodb:GetItem"), aws.String(rev1))
	if err != nil {
		t.Fatal(err)
	}
	if rev2 <= rev1 {
		t.Fatalf("revisions %s then %s", rev1, rev2)
	}
	got, err := e.c.GetResourcePolicy(ctx, &dynamodb.GetResourcePolicyInput{ResourceArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.Policy) != policyDoc("dynamodb:GetItem") || aws.ToString(got.RevisionId) != rev2 {
		t.Fatalf("Get: %s %s", aws.ToString(got.Policy), aws.ToString(got.RevisionId))
	}
	if doc, ok := e.db.ResourcePolicy("Guarded"); !ok || doc != policyDoc("dynamodb:GetItem") {
		t.Fatalf("DB.ResourcePolicy: %q %v", doc, ok)
	}
	_, err = put(policyDoc("dynamodb:PutItem"), aws.String(rev1))
	wantAPIError(t, err, "PolicyNotFoundException", "Resource-based policy not found for the provided ResourceArn: Requested update for policy with revision id "+
		rev1+", but the policy associated to target table Guarded has revision id "+rev2+".")
	_, err = put(policyDoc("dynamodb:PutItem"), aws.String("NO_POLICY"))
	wantAPIError(t, err, "PolicyNotFoundException", "Resource-based policy not found for the provided ResourceArn: Requested policy update expecting none to be present for table Guarded, but a policy exists with revision id "+rev2+".")
	_, err = put("not json", nil)
	wantAPIError(t, err, "ValidationException", "One or more parameter values were invalid: Invalid policy document: This policy contains invalid Json")
	_, err = put(`{"Version":"2012-10-17","Statement":[]}`, nil)
	wantAPIError(t, err, "ValidationException", "One or more parameter values were invalid: Invalid policy document: Could not parse the policy: Statement is empty!")
	_, err = put(`{"Statement":[{"Sid":"`+strings.Repeat("x", 20480)+`"}]}`, nil)
	wantAPIError(t, err, "ValidationException", "One or more parameter values were invalid: Maximum policy size of 20480 bytes exceeded")

	_, err = e.c.GetResourcePolicy(ctx, &dynamodb.GetResourcePolicyInput{ResourceArn: aws.String(arn + "unknown")})
	wantAPIError(t, err, "ResourceNotFoundException", "Requested resource not found: Table: Guardedunknown not found")
	_, err = e.c.GetResourcePolicy(ctx, &dynamodb.GetResourcePolicyInput{ResourceArn: aws.String("Guarded")})
	wantAPIError(t, err, "ValidationException", "One or more parameter values were invalid: ARNs must start with 'arn:': Guarded")
	_, err = e.c.DeleteResourcePolicy(ctx, &dynamodb.DeleteResourcePolicyInput{ResourceArn: aws.String(arn), ExpectedRevisionId: aws.String("unknown")})
	wantAPIError(t, err, "PolicyNotFoundException", "Resource-based policy not found for the provided ResourceArn: Requested update for policy with revision id unknown, but the policy associated to target table Guarded has revision id "+rev2+".")
	del, err := e.c.DeleteResourcePolicy(ctx, &dynamodb.DeleteResourcePolicyInput{ResourceArn: aws.String(arn), ExpectedRevisionId: aws.String(rev2)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(del.RevisionId) != rev2 {
		t.Fatalf("Delete revision %s", aws.ToString(del.RevisionId))
	}
	_, err = e.c.GetResourcePolicy(ctx, &dynamodb.GetResourcePolicyInput{ResourceArn: aws.String(arn)})
	wantAPIError(t, err, "PolicyNotFoundException", "")
	_, err = e.c.DeleteResourcePolicy(ctx, &dynamodb.DeleteResourcePolicyInput{ResourceArn: aws.String(arn)})
	wantAPIError(t, err, "PolicyNotFoundException", "Resource-based policy not found for the provided ResourceArn: "+arn)

	// At creation.
	in := hashTableInput("GuardedAtBirth")
	in.ResourcePolicy = aws.String(policyDoc("dynamodb:Query"))
	out, err := e.c.CreateTable(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	got, err = e.c.GetResourcePolicy(ctx, &dynamodb.GetResourcePolicyInput{ResourceArn: out.TableDescription.TableArn})
	if err != nil || aws.ToString(got.Policy) != policyDoc("dynamodb:Query") || aws.ToString(got.RevisionId) == "" {
		t.Fatalf("policy at creation: %v %+v", err, got)
	}
}

func TestDescribeEndpoints(t *testing.T) {
	db := enginetest.Open(t, engine.Options{})
	c := enginetest.Client(t, db)
	out, err := c.DescribeEndpoints(enginetest.Ctx(t), &dynamodb.DescribeEndpointsInput{})
	if err != nil {
		t.Fatal(err)
	}
	// One endpoint, the server's address without a scheme (Alternator's
	// test_describe_endpoints.py, run against DynamoDB).
	if len(out.Endpoints) != 1 || !strings.HasPrefix(aws.ToString(out.Endpoints[0].Address), "127.0.0.1:") || out.Endpoints[0].CachePeriodInMinutes != 1440 {
		t.Fatalf("endpoints %+v", out.Endpoints)
	}
	// In-process, without a server: the region's service address.
	in, err := db.DescribeEndpoints(enginetest.Ctx(t), &engine.DescribeEndpointsInput{})
	if err != nil || in.Endpoints[0].Address != "dynamodb.us-east-1.amazonaws.com" {
		t.Fatalf("in-process: %v %+v", err, in)
	}
}
