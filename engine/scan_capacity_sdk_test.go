package engine_test

// A Scan is charged per partition it reads, each rounded up to a whole 4
// KB unit (half for an eventually consistent read) even when empty. On
// the service a Scan returning one tiny item from an on-demand table
// reports 4 RCU strongly consistent and 2 eventually consistent, where
// GetItem and Query of it report 1 and 0.5. A new on-demand table has four
// partitions: its warm throughput is 12,000 RCU and 4,000 WCU
// (warm-throughput-scenarios.html), 3,000 RCU and 1,000 WCU a partition;
// Amazon Keyspaces documents the same scan rule and the four partitions
// (keyspaces/latest/devguide/table_scans.html). A provisioned table's
// partitions follow the documented model (pricing.PartitionsFor).

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/enginetest"
)

func TestScanCapacityPerPartition(t *testing.T) {
	env := newSDKEnv(t, engine.Options{})
	ctx := enginetest.Ctx(t)
	scan := func(table string, consistent bool, seg *int32) float64 {
		t.Helper()
		in := &dynamodb.ScanInput{TableName: aws.String(table), ConsistentRead: aws.Bool(consistent),
			ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal}
		if seg != nil {
			in.Segment, in.TotalSegments = seg, aws.Int32(4)
		}
		out, err := env.c.Scan(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return units(out.ConsumedCapacity)
	}
	partitions := func(table string) int {
		t.Helper()
		n, err := env.db.TablePartitions(table)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	createTable(t, env.c, "OnDemand", keyDef{"id", tS}, keyDef{})
	if n := partitions("OnDemand"); n != 4 {
		t.Fatalf("on-demand partitions %d, want 4", n)
	}
	if s, e := scan("OnDemand", true, nil), scan("OnDemand", false, nil); s != 4 || e != 2 {
		t.Fatalf("empty on-demand table: %v / %v RCU, want 4 / 2", s, e)
	}
	putItem(t, env.c, "OnDemand", av{"id": s("tiny")})
	if s, e := scan("OnDemand", true, nil), scan("OnDemand", false, nil); s != 4 || e != 2 {
		t.Fatalf("one tiny item: %v / %v RCU, want 4 / 2", s, e)
	}
	get, err := env.c.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String("OnDemand"), Key: av{"id": s("tiny")},
		ConsistentRead: aws.Bool(true), ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal})
	if err != nil || units(get.ConsumedCapacity) != 1 {
		t.Fatalf("GetItem: %v RCU, %v", units(get.ConsumedCapacity), err)
	}
	// Each of four segments is one partition: one unit each.
	for seg := range int32(4) {
		if u := scan("OnDemand", true, aws.Int32(seg)); u != 1 {
			t.Fatalf("segment %d: %v RCU, want 1", seg, u)
		}
	}
	// 20 KB under one partition key: five units there, one for each other
	// partition.
	createTable(t, env.c, "Coll", keyDef{"PK", tS}, keyDef{"SK", tN})
	for i := range 5 {
		putItem(t, env.c, "Coll", withKey("one", "", av{"SK": n(string(rune('0' + i))), "pad": s(string(make([]byte, 4000)))}))
	}
	if s, e := scan("Coll", true, nil), scan("Coll", false, nil); s != 5+3 || e != 2.5+1.5 {
		t.Fatalf("one full partition: %v / %v RCU, want 8 / 4", s, e)
	}

	// A small provisioned table has one partition; 6,000 RCU need two
	// more (ceil(6000/3000 + 1/1000) = 3).
	provisioned := func(name string, rcu int64) {
		_, err := env.c.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String(name),
			AttributeDefinitions:  []types.AttributeDefinition{defS("id")},
			KeySchema:             []types.KeySchemaElement{ksElem("id", types.KeyTypeHash)},
			ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(rcu), WriteCapacityUnits: aws.Int64(1)}})
		if err != nil {
			t.Fatal(err)
		}
	}
	provisioned("Small", 5)
	putItem(t, env.c, "Small", av{"id": s("tiny")})
	if s, e := scan("Small", true, nil), scan("Small", false, nil); s != 1 || e != 0.5 || partitions("Small") != 1 {
		t.Fatalf("provisioned 5 RCU: %v / %v RCU over %d partitions, want 1 / 0.5 over 1", s, e, partitions("Small"))
	}
	provisioned("Wide", 6000)
	if s := scan("Wide", true, nil); s != 3 || partitions("Wide") != 3 {
		t.Fatalf("provisioned 6000 RCU: %v RCU over %d partitions, want 3 over 3", s, partitions("Wide"))
	}
}
