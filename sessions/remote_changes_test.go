package sessions

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// fastFeed polls quickly, for tests.
var fastFeed = ChangeOptions{MinPoll: 5 * time.Millisecond, MaxPoll: 20 * time.Millisecond, Discover: 50 * time.Millisecond, MaxErrorPause: 50 * time.Millisecond}

func openPlaceholder(t *testing.T, endpoint string) *Remote {
	t.Helper()
	r, err := OpenRemote(context.Background(), endpoint, RemoteOptions{Endpoint: endpoint, Placeholder: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func createStreamTable(t *testing.T, db *engine.DB, name, viewType string) {
	t.Helper()
	in := &engine.CreateTableInput{
		TableName:            name,
		BillingMode:          engine.BillingPayPerRequest,
		AttributeDefinitions: []engine.AttributeDefinition{{AttributeName: "PK", AttributeType: "S"}},
		KeySchema:            []engine.KeySchemaElement{{AttributeName: "PK", KeyType: engine.KeyTypeHash}},
	}
	if viewType != "" {
		on := true
		in.StreamSpecification = &engine.StreamSpecification{StreamEnabled: &on, StreamViewType: viewType}
	}
	if _, err := db.CreateTable(context.Background(), in); err != nil {
		t.Fatal(err)
	}
}

// nextChange returns the feed's next record, skipping statuses.
func nextChange(t *testing.T, ch <-chan StreamChange) StreamChange {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case c, ok := <-ch:
			if !ok {
				t.Fatal("feed closed")
			}
			if c.Status == nil {
				return c
			}
		case <-timeout:
			t.Fatal("no change within 10s")
		}
	}
}

// waitStatus returns the first status for which ok holds.
func waitStatus(t *testing.T, ch <-chan StreamChange, ok func(*FeedStatus) bool) *FeedStatus {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case c, open := <-ch:
			if !open {
				t.Fatal("feed closed")
			}
			if c.Status == nil {
				t.Fatalf("unexpected change before the status: %+v", c)
			}
			if ok(c.Status) {
				return c.Status
			}
		case <-timeout:
			t.Fatal("no such status within 10s")
		}
	}
}

func write(t *testing.T, db *engine.DB, table, item string) {
	t.Helper()
	if _, err := db.PutItem(context.Background(), &engine.PutItemInput{TableName: table, Item: mustItem(t, item)}); err != nil {
		t.Fatal(err)
	}
}

// TestRemoteChanges tails a second dynalab server's streams through a
// remote session: writes on the server arrive in order with their kinds
// and images; tables without a stream are named; a stream enabled later is
// read from its start.
func TestRemoteChanges(t *testing.T) {
	isolateAWSConfig(t)
	db, endpoint := secondServer(t)
	ctx := context.Background()
	createStreamTable(t, db, "Orders", engine.StreamViewNewAndOldImages)
	createStreamTable(t, db, "Plain", "")
	write(t, db, "Orders", `{"PK":{"S":"before"}}`) // history: not shown

	r := openPlaceholder(t, endpoint)
	ch := r.Changes(ctx, fastFeed)
	st := waitStatus(t, ch, func(s *FeedStatus) bool { return len(s.Streamed)+len(s.NoStream) > 0 })
	if !slices.Equal(st.Streamed, []string{"Orders"}) || !slices.Equal(st.NoStream, []string{"Plain"}) || st.Err != nil || st.Endpoint != endpoint {
		t.Fatalf("status %+v", st)
	}

	write(t, db, "Orders", `{"PK":{"S":"o1"},"amount":{"N":"10"}}`)
	write(t, db, "Plain", `{"PK":{"S":"p1"}}`) // no stream: no change
	if _, err := db.UpdateItem(ctx, &engine.UpdateItemInput{TableName: "Orders", Key: mustItem(t, `{"PK":{"S":"o1"}}`),
		UpdateExpression: ptr("SET amount = :t"), ExpressionAttributeValues: engine.Values(mustItem(t, `{":t":{"N":"12.5"}}`))}); err != nil {
		t.Fatal(err)
	}
	write(t, db, "Orders", `{"PK":{"S":"o2"},"tags":{"SS":["a","b"]}}`)
	if _, err := db.DeleteItem(ctx, &engine.DeleteItemInput{TableName: "Orders", Key: mustItem(t, `{"PK":{"S":"o1"}}`)}); err != nil {
		t.Fatal(err)
	}

	want := []struct{ name, keys, old, new string }{
		{"INSERT", `{"PK":{"S":"o1"}}`, ``, `{"PK":{"S":"o1"},"amount":{"N":"10"}}`},
		{"MODIFY", `{"PK":{"S":"o1"}}`, `{"PK":{"S":"o1"},"amount":{"N":"10"}}`, `{"PK":{"S":"o1"},"amount":{"N":"12.5"}}`},
		{"INSERT", `{"PK":{"S":"o2"}}`, ``, `{"PK":{"S":"o2"},"tags":{"SS":["a","b"]}}`},
		{"REMOVE", `{"PK":{"S":"o1"}}`, `{"PK":{"S":"o1"},"amount":{"N":"12.5"}}`, ``},
	}
	var lastSeq string
	for i, w := range want {
		c := nextChange(t, ch)
		rec := c.Record
		if c.Table != "Orders" || rec.EventName != w.name || !sameItem(rec.Dynamodb.Keys, w.keys) ||
			!sameItem(rec.Dynamodb.OldImage, w.old) || !sameItem(rec.Dynamodb.NewImage, w.new) {
			t.Fatalf("change %d: %s %s keys %s old %s new %s; want %+v", i, c.Table, rec.EventName, rec.Dynamodb.Keys, rec.Dynamodb.OldImage, rec.Dynamodb.NewImage, w)
		}
		if compareSeq(rec.Dynamodb.SequenceNumber, lastSeq) <= 0 {
			t.Fatalf("change %d out of order: %s after %s", i, rec.Dynamodb.SequenceNumber, lastSeq)
		}
		lastSeq = rec.Dynamodb.SequenceNumber
		if RecordTime(&rec).IsZero() {
			t.Fatalf("change %d has no time", i)
		}
	}

	// Enabling a stream later: the table moves to Streamed, and its first
	// change is read from the new stream's start.
	on := true
	if _, err := db.UpdateTable(ctx, &engine.UpdateTableInput{TableName: "Plain",
		StreamSpecification: &engine.StreamSpecification{StreamEnabled: &on, StreamViewType: engine.StreamViewKeysOnly}}); err != nil {
		t.Fatal(err)
	}
	write(t, db, "Plain", `{"PK":{"S":"p2"}}`)
	st = waitStatus(t, ch, func(s *FeedStatus) bool { return len(s.NoStream) == 0 })
	if !slices.Equal(st.Streamed, []string{"Orders", "Plain"}) {
		t.Fatalf("status %+v", st)
	}
	c := nextChange(t, ch)
	if c.Table != "Plain" || c.Record.EventName != "INSERT" || !sameItem(c.Record.Dynamodb.Keys, `{"PK":{"S":"p2"}}`) || c.Record.Dynamodb.NewImage != nil {
		t.Fatalf("change %+v", c)
	}

	// Close stops the feed.
	r.Close()
	drainClosed(t, ch)
}

// TestRemoteChangesExpiryAndLineage follows a stream across an expired
// iterator and a shard rollover without losing or repeating a change.
func TestRemoteChangesExpiryAndLineage(t *testing.T) {
	isolateAWSConfig(t)
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	db, err := engine.Open(engine.Options{Path: engine.InMemory, Clock: clock, SweepInterval: -1, ShardRollover: 10 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	endpoint := serveDB(t, db)
	createStreamTable(t, db, "Orders", engine.StreamViewNewImage)

	ctx, cancel := context.WithCancel(context.Background())
	r := openPlaceholder(t, endpoint)
	ch := r.Changes(ctx, fastFeed)
	waitStatus(t, ch, func(s *FeedStatus) bool { return len(s.Streamed) == 1 })
	write(t, db, "Orders", `{"PK":{"S":"a"}}`)
	if c := nextChange(t, ch); !sameItem(c.Record.Dynamodb.Keys, `{"PK":{"S":"a"}}`) {
		t.Fatalf("change %+v", c)
	}

	// 16 minutes later: the feed's iterator has expired and the shard rolls
	// over; b goes to the child shard, c as well.
	mu.Lock()
	now = now.Add(16 * time.Minute)
	mu.Unlock()
	if err := db.RunMaintenance(); err != nil {
		t.Fatal(err)
	}
	write(t, db, "Orders", `{"PK":{"S":"b"}}`)
	write(t, db, "Orders", `{"PK":{"S":"c"}}`)
	for _, k := range []string{"b", "c"} {
		c := nextChange(t, ch)
		if !sameItem(c.Record.Dynamodb.Keys, `{"PK":{"S":"`+k+`"}}`) {
			t.Fatalf("want %s, got %s", k, c.Record.Dynamodb.Keys)
		}
	}
	shards, err := r.DescribeStream(ctx, &engine.DescribeStreamInput{StreamArn: streamARN(t, r, "Orders")})
	if err != nil || len(shards.StreamDescription.Shards) != 2 {
		t.Fatalf("the shard did not roll over: %+v %v", shards, err)
	}
	cancel()
	drainClosed(t, ch)
}

// TestRemoteChangesNoStream reports a feed with nothing to tail, and a
// failing endpoint, as statuses.
func TestRemoteChangesNoStream(t *testing.T) {
	isolateAWSConfig(t)
	db, endpoint := secondServer(t)
	createStreamTable(t, db, "Plain", "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := openPlaceholder(t, endpoint)
	st := waitStatus(t, r.Changes(ctx, fastFeed), func(s *FeedStatus) bool { return len(s.NoStream) > 0 })
	if len(st.Streamed) != 0 || !slices.Equal(st.NoStream, []string{"Plain"}) {
		t.Fatalf("status %+v", st)
	}

	down := openPlaceholder(t, "http://127.0.0.1:1")
	st = waitStatus(t, down.Changes(ctx, fastFeed), func(s *FeedStatus) bool { return s.Err != nil })
	if !strings.Contains(st.Err.Error(), "ListTables http://127.0.0.1:1") {
		t.Fatalf("error %v", st.Err)
	}
}

func streamARN(t *testing.T, r *Remote, table string) string {
	t.Helper()
	out, err := r.ListStreams(context.Background(), &engine.ListStreamsInput{TableName: table})
	if err != nil || len(out.Streams) == 0 {
		t.Fatalf("ListStreams: %+v %v", out, err)
	}
	return out.Streams[0].StreamArn
}

func drainClosed(t *testing.T, ch <-chan StreamChange) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-timeout:
			t.Fatal("the feed did not stop")
		}
	}
}

func sameItem(it attr.Item, want string) bool {
	if want == "" {
		return it == nil
	}
	w, err := attr.ParseItem([]byte(want))
	return err == nil && it != nil && it.Equal(w)
}

func compareSeq(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

// TestRemoteChangesStopOnAMissingStreamsAPI: an endpoint without the
// Streams API (dynalite, for one) answers UnknownOperationException; the
// feed says so once and stops instead of retrying forever.
func TestRemoteChangesStopOnAMissingStreamsAPI(t *testing.T) {
	isolateAWSConfig(t)
	var streamsCalls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target := r.Header.Get("X-Amz-Target")
		if strings.HasPrefix(target, "DynamoDBStreams_20120810.") {
			streamsCalls.Add(1)
			w.Header().Set("Content-Type", "application/x-amz-json-1.0")
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"__type":"com.amazonaws.dynamodb.v20120810#UnknownOperationException"}`))
			return
		}
		w.Write([]byte(`{"TableNames":[]}`)) // ListTables
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := openPlaceholder(t, srv.URL).Changes(ctx, fastFeed)
	st := waitStatus(t, ch, func(s *FeedStatus) bool { return s.Err != nil })
	if !st.Unsupported || !strings.Contains(st.Err.Error(), "has no DynamoDB Streams API") {
		t.Fatalf("status %+v", st)
	}
	drainClosed(t, ch)
	if n := streamsCalls.Load(); n != 1 {
		t.Fatalf("%d Streams API calls; the feed should stop after the first", n)
	}
}
