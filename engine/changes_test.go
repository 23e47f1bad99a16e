package engine_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/engine/enginetest"
)

// next receives one event, failing the test if none comes within a
// generous bound (events are delivered at commit, before the write returns).
func next(t *testing.T, events <-chan engine.ChangeEvent) engine.ChangeEvent {
	t.Helper()
	select {
	case ev, ok := <-events:
		if !ok {
			t.Fatal("subscription closed")
		}
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event")
	}
	return engine.ChangeEvent{}
}

func showEvent(ev engine.ChangeEvent) string {
	s := ev.Table + " " + ev.EventName + " " + string(attr.AppendItem(nil, ev.Keys))
	if ev.NewImage != nil {
		s += " new" + string(attr.AppendItem(nil, ev.NewImage))
	}
	if ev.OldImage != nil {
		s += " old" + string(attr.AppendItem(nil, ev.OldImage))
	}
	return s
}

func TestSubscribeDeliversEveryCommittedChange(t *testing.T) {
	e := newStreamEnv(t, engine.Options{})
	e.table("Plain", "") // no stream: events all the same
	e.table("Streamed", "KEYS_ONLY")
	events, cancel := e.db.Subscribe(64)
	e.put("Plain", map[string]types.AttributeValue{"PK": s("a"), "SK": s("1"), "v": n("1")})
	e.put("Plain", map[string]types.AttributeValue{"PK": s("a"), "SK": s("1"), "v": n("1")}) // no change, no event
	_, err := e.c.UpdateItem(e.ctx, &dynamodb.UpdateItemInput{TableName: aws.String("Plain"),
		Key: map[string]types.AttributeValue{"PK": s("a"), "SK": s("1")}, UpdateExpression: aws.String("SET v = v + :one"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": n("1")}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.c.TransactWriteItems(e.ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Delete: &types.Delete{TableName: aws.String("Plain"), Key: map[string]types.AttributeValue{"PK": s("a"), "SK": s("1")}}},
		{Put: &types.Put{TableName: aws.String("Streamed"), Item: map[string]types.AttributeValue{"PK": s("b"), "SK": s("2")}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`Plain INSERT {"PK":{"S":"a"},"SK":{"S":"1"}} new{"PK":{"S":"a"},"SK":{"S":"1"},"v":{"N":"1"}}`,
		`Plain MODIFY {"PK":{"S":"a"},"SK":{"S":"1"}} new{"PK":{"S":"a"},"SK":{"S":"1"},"v":{"N":"2"}} old{"PK":{"S":"a"},"SK":{"S":"1"},"v":{"N":"1"}}`,
		`Plain REMOVE {"PK":{"S":"a"},"SK":{"S":"1"}} old{"PK":{"S":"a"},"SK":{"S":"1"},"v":{"N":"2"}}`,
		`Streamed INSERT {"PK":{"S":"b"},"SK":{"S":"2"}} new{"PK":{"S":"b"},"SK":{"S":"2"}}`,
	}
	for i, w := range want {
		ev := next(t, events)
		if got := showEvent(ev); got != w {
			t.Errorf("event %d = %s\nwant %s", i, got, w)
		}
		if !ev.Time.Equal(streamStart) || ev.TTL || ev.Dropped != 0 || (ev.SequenceNumber != "") != (ev.Table == "Streamed") {
			t.Errorf("event %d: time %v ttl %v dropped %d seq %q", i, ev.Time, ev.TTL, ev.Dropped, ev.SequenceNumber)
		}
	}
	select {
	case ev := <-events:
		t.Fatalf("unexpected event %s", showEvent(ev))
	default:
	}
	cancel()
	cancel() // a second cancel is harmless
	if _, ok := <-events; ok {
		t.Fatal("channel open after cancel")
	}
	e.put("Plain", map[string]types.AttributeValue{"PK": s("c"), "SK": s("1")}) // no subscriber: fine
}

func TestSlowSubscriberIsToldWhatItLost(t *testing.T) {
	e := newStreamEnv(t, engine.Options{})
	e.table("Tab", "")
	events, cancel := e.db.Subscribe(2)
	defer cancel()
	fast, cancelFast := e.db.Subscribe(100)
	defer cancelFast()
	for i := range 10 {
		e.put("Tab", map[string]types.AttributeValue{"PK": s("a"), "SK": s(strings.Repeat("x", i+1))})
	}
	for i := range 2 {
		if ev := next(t, events); ev.Dropped != 0 {
			t.Fatalf("buffered event %d: Dropped %d", i, ev.Dropped)
		}
	}
	e.put("Tab", map[string]types.AttributeValue{"PK": s("b"), "SK": s("1")})
	ev := next(t, events)
	if ev.Dropped != 8 || ev.Keys["PK"].Str() != "b" {
		t.Fatalf("after the gap: %s, Dropped %d (want 8)", showEvent(ev), ev.Dropped)
	}
	for range 11 {
		if ev := next(t, fast); ev.Dropped != 0 {
			t.Fatal("a fast subscriber lost events")
		}
	}
}

func TestCloseEndsSubscriptionsAndTheBackgroundWorker(t *testing.T) {
	clock := enginetest.NewClock(streamStart)
	db := enginetest.Open(t, engine.Options{Clock: clock.Now, SweepInterval: time.Millisecond, TTLSettle: -1})
	c := enginetest.Client(t, db)
	ctx := enginetest.Ctx(t)
	createAppTable(t, c)
	if _, err := c.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("AppTable"),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String("exp"), Enabled: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	events, cancel := db.Subscribe(10)
	defer cancel()
	// The worker, not the test, sweeps: the test only waits for the event.
	if _, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("AppTable"), Item: map[string]types.AttributeValue{
		"PK": s("SESSION#1"), "SK": s("S"), "exp": n("1740819599")}}); err != nil {
		t.Fatal(err)
	}
	if ev := next(t, events); ev.EventName != engine.EventInsert {
		t.Fatalf("first event %s", showEvent(ev))
	}
	if ev := next(t, events); ev.EventName != engine.EventRemove || !ev.TTL {
		t.Fatalf("second event %s, TTL %v", showEvent(ev), ev.TTL)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, ok := <-events; ok {
		t.Fatal("subscription open after Close")
	}
	if err := db.RunMaintenance(); !errors.Is(err, engine.ErrClosed) {
		t.Fatalf("RunMaintenance after Close: %v", err)
	}
	late, _ := db.Subscribe(1)
	if _, ok := <-late; ok {
		t.Fatal("subscription to a closed database is open")
	}
}
