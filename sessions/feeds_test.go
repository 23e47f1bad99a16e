package sessions

import (
	"context"
	"testing"
	"time"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// TestLocalFeeds: a local session's Subscribe carries every committed
// change with its images, and the events published to it (the engine's
// throttle notices among them); they end with the context.
func TestLocalFeeds(t *testing.T) {
	t.Parallel()
	l, err := OpenLocal("feeds", engine.Options{Path: engine.InMemory})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	feeds := l.Subscribe(ctx)
	if feeds.Changes == nil || feeds.Capacity == nil || feeds.Events == nil {
		t.Fatalf("feeds %+v", feeds)
	}
	if _, err := l.CreateTable(ctx, &engine.CreateTableInput{TableName: "Tab", BillingMode: engine.BillingPayPerRequest,
		AttributeDefinitions: []engine.AttributeDefinition{{AttributeName: "PK", AttributeType: "S"}},
		KeySchema:            []engine.KeySchemaElement{{AttributeName: "PK", KeyType: "HASH"}}}); err != nil {
		t.Fatal(err)
	}
	for _, it := range []attr.Item{{"PK": attr.S("a")}, {"PK": attr.S("a"), "n": attr.Int(2)}} {
		if _, err := l.PutItem(ctx, &engine.PutItemInput{TableName: "Tab", Item: it}); err != nil {
			t.Fatal(err)
		}
	}
	first, second := <-feeds.Changes, <-feeds.Changes
	if first.Kind != ChangeInsert || second.Kind != ChangeModify || second.NewImage["n"].Str() != "2" || second.Table != "Tab" {
		t.Fatalf("changes %+v, %+v", first, second)
	}
	l.Publish(Event{Source: "Served", Operation: "GetItem", Target: "T"})
	if ev := <-feeds.Events; ev.Source != "Served" || ev.Target != "T" {
		t.Fatalf("event %+v", ev)
	}
	cancel()
	deadline := time.After(5 * time.Second)
	for open := 3; open > 0; {
		select {
		case _, ok := <-feeds.Changes:
			if !ok {
				open, feeds.Changes = open-1, nil
			}
		case _, ok := <-feeds.Capacity:
			if !ok {
				open, feeds.Capacity = open-1, nil
			}
		case _, ok := <-feeds.Events:
			if !ok {
				open, feeds.Events = open-1, nil
			}
		case <-deadline:
			t.Fatal("the feeds did not end with the context")
		}
	}
}

// TestThrottleEvent: the engine's first-throttle notice becomes an
// Activity line from Capacity naming the table/index, its units and
// --no-throttle.
func TestThrottleEvent(t *testing.T) {
	t.Parallel()
	ev := throttleEvent(engine.ThrottleNotice{Table: "T", Index: "byUser", Write: true, ProvisionedWCU: 5, Reason: "IndexWriteProvisionedThroughputExceeded"})
	if ev.Source != "Capacity" || ev.Operation != "Throttled" || ev.Target != "T/byUser" ||
		ev.Summary != `index "byUser" of table "T" throttled: writes spent its 5 provisioned WCU a second and its burst, as DynamoDB would; run with --no-throttle to meter capacity without throttling (DynamoDB Local never throttles)` {
		t.Fatalf("event %+v", ev)
	}
}

// TestEngineCapacity: the engine's capacity samples, adapted, carry what
// the capacity pane draws: units, provisioning, throttles and hot keys.
func TestEngineCapacity(t *testing.T) {
	t.Parallel()
	src := make(chan engine.CapacitySample, 1)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	src <- engine.CapacitySample{Time: at, Table: "AppTable", ConsumedRCU: 1.5, ConsumedWCU: 6, ProvisionedRCU: 5, ProvisionedWCU: 5,
		ThrottledWrites: 2, HotKeys: []engine.HotKey{{Key: "USER#u1", ReadUnits: 1, WriteUnits: 5}}}
	close(src)
	var got []CapacitySample
	for s := range EngineCapacity(src) {
		got = append(got, s)
	}
	if len(got) != 1 || !got[0].Time.Equal(at) || got[0].Table != "AppTable" || got[0].ConsumedRCU != 1.5 || got[0].ConsumedWCU != 6 ||
		got[0].ProvisionedWCU != 5 || got[0].ThrottledWrites != 2 || len(got[0].HotKeys) != 1 || got[0].HotKeys[0] != (HotKey{Key: "USER#u1", Units: 6, ReadUnits: 1, WriteUnits: 5}) {
		t.Fatalf("samples %+v", got)
	}
}
