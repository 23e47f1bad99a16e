package regions_test

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"dynalab/engine"
	"dynalab/engine/enginetest"
	"dynalab/engine/regions"
	"dynalab/engine/server"
)

const delay = time.Second

// setup serves us-east-1 and eu-west-1 on one loopback server and returns
// a client signed for each region.
func setup(t *testing.T) (*regions.Router, *enginetest.Clock, *dynamodb.Client, *dynamodb.Client) {
	clock := enginetest.NewClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	var rs []regions.Region
	for _, name := range []string{"us-east-1", "eu-west-1"} {
		db := enginetest.Open(t, engine.Options{Region: name, Clock: clock.Now, SweepInterval: -1})
		rs = append(rs, regions.Region{DB: db})
	}
	r := regions.New(rs, regions.Options{Delay: delay, Clock: clock.Now})
	t.Cleanup(r.Close)
	srv := httptest.NewServer(r.Handler(server.New(r, server.Options{})))
	t.Cleanup(srv.Close)
	return r, clock, client(srv.URL, "us-east-1"), client(srv.URL, "eu-west-1")
}

func client(url, region string) *dynamodb.Client {
	o := enginetest.NewClient(url).Options()
	o.Region = region
	return dynamodb.New(o)
}

func createGlobal(t *testing.T, us *dynamodb.Client) {
	ctx := enginetest.Ctx(t)
	_, err := us.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("glob"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	})
	if err != nil {
		t.Fatal(err)
	}
	put(t, us, "old", "before")
	out, err := us.UpdateTable(ctx, &dynamodb.UpdateTableInput{
		TableName:      aws.String("glob"),
		ReplicaUpdates: []types.ReplicationGroupUpdate{{Create: &types.CreateReplicationGroupMemberAction{RegionName: aws.String("eu-west-1")}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	d := out.TableDescription
	if aws.ToString(d.GlobalTableVersion) != engine.GlobalTableVersion || len(d.Replicas) != 1 || aws.ToString(d.Replicas[0].RegionName) != "eu-west-1" {
		t.Fatalf("UpdateTable: version %q replicas %+v", aws.ToString(d.GlobalTableVersion), d.Replicas)
	}
}

func put(t *testing.T, c *dynamodb.Client, pk, v string) {
	t.Helper()
	_, err := c.PutItem(enginetest.Ctx(t), &dynamodb.PutItemInput{TableName: aws.String("glob"), Item: map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: pk}, "v": &types.AttributeValueMemberS{Value: v},
	}})
	if err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, c *dynamodb.Client, pk string) string {
	t.Helper()
	out, err := c.GetItem(enginetest.Ctx(t), &dynamodb.GetItemInput{TableName: aws.String("glob"), Key: map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: pk},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := out.Item["v"].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func TestReplicationAfterDelay(t *testing.T) {
	r, clock, us, eu := setup(t)
	createGlobal(t, us)
	if got := get(t, eu, "old"); got != "before" {
		t.Fatalf("existing item in the new replica: %q", got)
	}
	d, err := eu.DescribeTable(enginetest.Ctx(t), &dynamodb.DescribeTableInput{TableName: aws.String("glob")})
	if err != nil || len(d.Table.Replicas) != 1 || aws.ToString(d.Table.Replicas[0].RegionName) != "us-east-1" {
		t.Fatalf("DescribeTable in eu-west-1: %v %+v", err, d)
	}
	put(t, us, "k", "one")
	clock.Advance(delay - time.Millisecond)
	r.Step()
	if got := get(t, eu, "k"); got != "" {
		t.Fatalf("replicated before the delay: %q", got)
	}
	clock.Advance(time.Millisecond)
	r.Step()
	if got := get(t, eu, "k"); got != "one" {
		t.Fatalf("not replicated after the delay: %q", got)
	}
	// Deletes replicate too, and replicated writes are not sent back.
	if _, err := eu.DeleteItem(enginetest.Ctx(t), &dynamodb.DeleteItemInput{TableName: aws.String("glob"), Key: map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: "k"}}}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(delay)
	r.Step()
	if got := get(t, us, "k"); got != "" {
		t.Fatalf("delete not replicated: %q", got)
	}
	if n := r.Pending(); n != 0 {
		t.Fatalf("%d changes pending after replication", n)
	}
	var b strings.Builder
	if err := r.WriteMetrics(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `dynalab_replication_lag_seconds{table="glob",from="us-east-1",to="eu-west-1"} 1`) {
		t.Fatalf("metrics:\n%s", b.String())
	}
}

func TestConcurrentWritesLastWriterWins(t *testing.T) {
	r, clock, us, eu := setup(t)
	createGlobal(t, us)
	put(t, us, "k", "us")
	clock.Advance(time.Millisecond)
	put(t, eu, "k", "eu") // the later write
	if a, b := get(t, us, "k"), get(t, eu, "k"); a != "us" || b != "eu" {
		t.Fatalf("before replication: us %q eu %q", a, b)
	}
	clock.Advance(delay)
	r.Step()
	if a, b := get(t, us, "k"), get(t, eu, "k"); a != "eu" || b != "eu" {
		t.Fatalf("after replication: us %q eu %q, want both eu", a, b)
	}
	var b strings.Builder
	_ = r.WriteMetrics(&b)
	if !strings.Contains(b.String(), `dynalab_replication_conflicts_total{table="glob",from="us-east-1",to="eu-west-1"} 1`) {
		t.Fatalf("metrics:\n%s", b.String())
	}
}

func TestReplicaErrorsAndUnknownRegion(t *testing.T) {
	_, _, us, _ := setup(t)
	createGlobal(t, us)
	_, err := us.UpdateTable(enginetest.Ctx(t), &dynamodb.UpdateTableInput{
		TableName:      aws.String("glob"),
		ReplicaUpdates: []types.ReplicationGroupUpdate{{Create: &types.CreateReplicationGroupMemberAction{RegionName: aws.String("eu-west-1")}}},
	})
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "ValidationException" {
		t.Fatalf("second Create: %v", err)
	}
	ap := client(strings.TrimSuffix(aws.ToString(us.Options().BaseEndpoint), "/"), "ap-south-1")
	_, err = ap.ListTables(enginetest.Ctx(t), &dynamodb.ListTablesInput{})
	if !errors.As(err, &api) || api.ErrorCode() != "InvalidSignatureException" {
		t.Fatalf("unknown region: %v", err)
	}
}

// In the default single-region mode every region sees the same tables.
func TestSingleRegionAnyRegion(t *testing.T) {
	db := enginetest.Open(t, engine.Options{SweepInterval: -1})
	srv := httptest.NewServer(server.New(db, server.Options{}))
	t.Cleanup(srv.Close)
	c1 := client(srv.URL, "us-east-1")
	if _, err := c1.CreateTable(enginetest.Ctx(t), &dynamodb.CreateTableInput{
		TableName:            aws.String("glob"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	}); err != nil {
		t.Fatal(err)
	}
	put(t, c1, "k", "v")
	if got := get(t, client(srv.URL, "ap-southeast-2"), "k"); got != "v" {
		t.Fatalf("another region sees %q", got)
	}
}
