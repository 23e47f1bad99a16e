package streamhandler_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"dynalab/engine"
	"dynalab/engine/enginetest"
	"dynalab/engine/streamhandler"
)

// The handlers of these tests are this test binary itself, started by the
// runner through the shell with DYNALAB_TEST_HANDLER set (see TestMain),
// and, where python3 is installed, the seed's Python handler pattern.

func TestMain(m *testing.M) {
	if mode := os.Getenv("DYNALAB_TEST_HANDLER"); mode != "" {
		os.Exit(handlerMain(mode))
	}
	os.Exit(m.Run())
}

// handlerMain is a stream handler: it reads the Lambda event on stdin and
// prints one line per record.
func handlerMain(mode string) int {
	var event struct {
		Records []struct {
			EventName      string `json:"eventName"`
			EventSource    string `json:"eventSource"`
			EventVersion   string `json:"eventVersion"`
			EventSourceARN string `json:"eventSourceARN"`
			Dynamodb       struct {
				Keys           map[string]map[string]any `json:"Keys"`
				NewImage       map[string]map[string]any `json:"NewImage"`
				SequenceNumber string                    `json:"SequenceNumber"`
				StreamViewType string                    `json:"StreamViewType"`
			} `json:"dynamodb"`
			UserIdentity json.RawMessage `json:"userIdentity"`
		} `json:"Records"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&event); err != nil {
		fmt.Fprintln(os.Stderr, "bad event:", err)
		return 2
	}
	switch mode {
	case "flaky":
		path := os.Getenv("DYNALAB_TEST_COUNTER")
		data, _ := os.ReadFile(path)
		count, _ := strconv.Atoi(string(data))
		count++
		_ = os.WriteFile(path, []byte(strconv.Itoa(count)), 0o644)
		if fails, _ := strconv.Atoi(os.Getenv("DYNALAB_TEST_FAILS")); count <= fails {
			fmt.Fprintf(os.Stderr, "failing attempt %d\n", count)
			return 1
		}
	case "fail-on-bad":
		for _, r := range event.Records {
			if r.Dynamodb.Keys["PK"]["S"] == "bad" {
				fmt.Fprintln(os.Stderr, "cannot handle bad")
				return 3
			}
		}
	}
	for _, r := range event.Records {
		amount := "-"
		if a, ok := r.Dynamodb.NewImage["amount"]; ok {
			amount = fmt.Sprint(a["N"])
		}
		user := "-"
		if len(r.UserIdentity) > 0 {
			user = string(r.UserIdentity)
		}
		fmt.Printf("%s %v %v amount=%s source=%s version=%s arn-ok=%v view=%s seq=%v user=%s\n",
			r.EventName, r.Dynamodb.Keys["PK"]["S"], r.Dynamodb.Keys["SK"]["S"], amount, r.EventSource, r.EventVersion,
			r.EventSourceARN == os.Getenv("DYNALAB_STREAM_ARN") && r.EventSourceARN != "", r.Dynamodb.StreamViewType,
			r.Dynamodb.SequenceNumber != "", user)
	}
	return 0
}

// handlerCommand is the shell command running this binary as a handler.
func handlerCommand(t *testing.T, mode string, env ...string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the test handler is started through /bin/sh")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(append(env, "DYNALAB_TEST_HANDLER="+mode, "'"+exe+"'"), " ")
}

// lines collects the runner's log and hands it out line by line.
type lines struct {
	mu  sync.Mutex
	buf bytes.Buffer
	ch  chan string
}

func newLines() *lines { return &lines{ch: make(chan string, 1000)} }

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	for {
		line, err := l.buf.ReadString('\n')
		if err != nil {
			l.buf.WriteString(line)
			return len(p), nil
		}
		l.ch <- strings.TrimSuffix(line, "\n")
	}
}

// expect waits for log lines containing each of wants, in order, skipping
// other lines; it returns the lines skipped.
func (l *lines) expect(t *testing.T, wants ...string) (skipped []string) {
	t.Helper()
	for _, w := range wants {
		for {
			select {
			case line := <-l.ch:
				if strings.Contains(line, w) {
					goto found
				}
				skipped = append(skipped, line)
			case <-time.After(20 * time.Second):
				t.Fatalf("no log line containing %q; saw:\n%s", w, strings.Join(skipped, "\n"))
			}
		}
	found:
	}
	return skipped
}

type env struct {
	t     *testing.T
	db    *engine.DB
	c     *dynamodb.Client
	ctx   context.Context
	clock *enginetest.Clock
	log   *lines
}

func newEnv(t *testing.T) *env {
	clock := enginetest.NewClock(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	db := enginetest.Open(t, engine.Options{Clock: clock.Now, SweepInterval: -1, TTLSettle: -1})
	return &env{t: t, db: db, c: enginetest.Client(t, db), ctx: enginetest.Ctx(t), clock: clock, log: newLines()}
}

// start runs a handler for the life of the test.
func (e *env) start(cfg streamhandler.Config) {
	cfg.Log = e.log
	if cfg.Backoff == 0 {
		cfg.Backoff = time.Millisecond
	}
	cfg.Poll = 10 * time.Millisecond
	stop := streamhandler.Start(e.ctx, e.db, []streamhandler.Config{cfg})
	e.t.Cleanup(func() {
		if err := stop(); err != nil {
			e.t.Errorf("runner: %v", err)
		}
	})
}

// createAppTable creates the seed's table, with a stream.
func (e *env) createAppTable(view types.StreamViewType) {
	e.t.Helper()
	_, err := e.c.CreateTable(e.ctx, &dynamodb.CreateTableInput{
		TableName: aws.String("AppTable"),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("SK"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("SK"), KeyType: types.KeyTypeRange}},
		BillingMode:         types.BillingModePayPerRequest,
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: view},
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) put(pk, sk string, extra ...string) {
	e.t.Helper()
	item := map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: pk}, "SK": &types.AttributeValueMemberS{Value: sk}}
	for i := 0; i+1 < len(extra); i += 2 {
		item[extra[i]] = &types.AttributeValueMemberN{Value: extra[i+1]}
	}
	if _, err := e.c.PutItem(e.ctx, &dynamodb.PutItemInput{TableName: aws.String("AppTable"), Item: item}); err != nil {
		e.t.Fatal(err)
	}
}

// seedOrder is the seed's order transaction: the user's order item with its
// amount, the order item and the STATUS#PAID index item.
func (e *env) seedOrder(orderID string) {
	e.t.Helper()
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	table := aws.String("AppTable")
	_, err := e.c.TransactWriteItems(e.ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: table, Item: map[string]types.AttributeValue{"PK": s("USER#u123"), "SK": s("ORDER#" + orderID),
			"amount": &types.AttributeValueMemberN{Value: "42"}}, ConditionExpression: aws.String("attribute_not_exists(PK)")}},
		{Put: &types.Put{TableName: table, Item: map[string]types.AttributeValue{"PK": s("ORDER#" + orderID), "SK": s("ORDER#" + orderID), "status": s("PAID")}}},
		{Put: &types.Put{TableName: table, Item: map[string]types.AttributeValue{"PK": s("STATUS#PAID"), "SK": s("ORDER#" + orderID)}}},
	}})
	if err != nil {
		e.t.Fatal(err)
	}
}

func TestHandlerReceivesTheSeedInsertEvent(t *testing.T) {
	e := newEnv(t)
	e.start(streamhandler.Config{Table: "AppTable", Command: handlerCommand(t, "print"), MaxRetries: -1})
	e.createAppTable(types.StreamViewTypeNewAndOldImages) // created after the runner started: read from its start
	e.seedOrder("o1")
	e.log.expect(t,
		"[on-stream AppTable] reading arn:aws:dynamodb:us-east-1:000000000000:table/AppTable/stream/2025-03-01T09:00:00.000 from TRIM_HORIZON",
		"[on-stream AppTable] INSERT USER#u123 ORDER#o1 amount=42 source=aws:dynamodb version=1.1 arn-ok=true view=NEW_AND_OLD_IMAGES seq=true user=-",
		"[on-stream AppTable] INSERT ORDER#o1 ORDER#o1 amount=-",
		"[on-stream AppTable] INSERT STATUS#PAID ORDER#o1 amount=-",
	)
}

func TestSeedPythonHandler(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil || exec.Command(python, "-c", "import json").Run() != nil {
		t.Skip("python3 is not available to run the seed's Python handler")
	}
	dir := t.TempDir()
	handler := `import json, sys

def handler(event, context):
    for record in event["Records"]:
        if record["eventName"] == "INSERT":
            new = record["dynamodb"]["NewImage"]
            if "amount" in new:
                print("order", new["SK"]["S"], "amount", new["amount"]["N"])

if __name__ == "__main__":
    handler(json.load(sys.stdin), None)
`
	if err := os.WriteFile(filepath.Join(dir, "handler.py"), []byte(handler), 0o644); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t)
	e.start(streamhandler.Config{Table: "AppTable", Command: "python3 '" + filepath.Join(dir, "handler.py") + "'", MaxRetries: -1})
	e.createAppTable(types.StreamViewTypeNewImage)
	e.seedOrder("o7")
	e.log.expect(t, "[on-stream AppTable] order ORDER#o7 amount 42")
}

func TestFailingHandlerIsRetriedWithoutLosingItsPlace(t *testing.T) {
	e := newEnv(t)
	e.createAppTable(types.StreamViewTypeKeysOnly)
	counter := filepath.Join(t.TempDir(), "count")
	cmd := handlerCommand(t, "flaky", "DYNALAB_TEST_COUNTER='"+counter+"'", "DYNALAB_TEST_FAILS=3")
	for i := range 5 {
		e.put("K", fmt.Sprint(i))
	}
	e.start(streamhandler.Config{Table: "AppTable", Command: cmd, BatchSize: 2, MaxRetries: -1, TrimHorizon: true})
	skipped := e.log.expect(t, "INSERT K 0 ", "INSERT K 1 ", "INSERT K 2 ", "INSERT K 3 ", "INSERT K 4 ")
	retries := 0
	for _, line := range skipped {
		if strings.Contains(line, "INSERT K") {
			t.Errorf("a record handled out of order or twice: %s", line)
		}
		if strings.Contains(line, "handler failed on 2 records") && strings.Contains(line, "retrying in") {
			retries++
		}
	}
	if retries != 3 {
		t.Errorf("%d retry lines, want 3:\n%s", retries, strings.Join(skipped, "\n"))
	}
}

func TestMaxRetriesSkipsABatch(t *testing.T) {
	e := newEnv(t)
	e.createAppTable(types.StreamViewTypeKeysOnly)
	e.start(streamhandler.Config{Table: "AppTable", Command: handlerCommand(t, "fail-on-bad"), BatchSize: 1, MaxRetries: 1})
	e.log.expect(t, "from LATEST") // the stream existed before the runner: only new records
	e.put("bad", "1")
	e.put("good", "2")
	e.log.expect(t, "cannot handle bad", "retrying in", "cannot handle bad", "retries spent, skipping them", "INSERT good 2")
}

func TestExistingStreamStartsAtLatestUnlessTrimHorizon(t *testing.T) {
	e := newEnv(t)
	e.createAppTable(types.StreamViewTypeKeysOnly)
	e.put("old", "1")
	e.start(streamhandler.Config{Table: "AppTable", Command: handlerCommand(t, "print"), MaxRetries: -1})
	e.log.expect(t, "from LATEST")
	e.put("new", "2")
	if skipped := e.log.expect(t, "INSERT new 2"); len(skipped) != 0 {
		t.Fatalf("unexpected lines: %v", skipped)
	}
	other := newLines()
	stop := streamhandler.Start(e.ctx, e.db, []streamhandler.Config{{Table: "AppTable", Command: handlerCommand(t, "print"),
		MaxRetries: -1, TrimHorizon: true, Log: other, Poll: 10 * time.Millisecond}})
	defer stop()
	other.expect(t, "from TRIM_HORIZON", "INSERT old 1", "INSERT new 2")
}

func TestHandlerFollowsShardsStreamsAndTTLDeletes(t *testing.T) {
	e := newEnv(t)
	e.start(streamhandler.Config{Table: "AppTable", Command: handlerCommand(t, "print"), MaxRetries: -1})
	e.createAppTable(types.StreamViewTypeNewAndOldImages)
	e.put("a", "1")
	e.log.expect(t, "INSERT a 1")
	// A shard rollover: the runner reads the closed parent to its end and
	// goes on in the child.
	e.clock.Advance(4 * time.Hour)
	if err := e.db.RunMaintenance(); err != nil {
		t.Fatal(err)
	}
	e.put("b", "2")
	e.log.expect(t, "INSERT b 2")
	// A TTL deletion arrives with Lambda's userIdentity spelling.
	if _, err := e.c.UpdateTimeToLive(e.ctx, &dynamodb.UpdateTimeToLiveInput{TableName: aws.String("AppTable"),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String("exp"), Enabled: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	e.put("c", "3", "exp", "1740819600") // 09:00, four hours ago
	if err := e.db.RunMaintenance(); err != nil {
		t.Fatal(err)
	}
	e.log.expect(t, "INSERT c 3", `REMOVE c 3 amount=- source=aws:dynamodb version=1.1 arn-ok=true view=NEW_AND_OLD_IMAGES seq=true user={"type":"Service","principalId":"dynamodb.amazonaws.com"}`)
	// Disable and enable again: the runner finishes the old stream and reads
	// the new one from its start.
	for _, on := range []bool{false, true} {
		spec := &types.StreamSpecification{StreamEnabled: aws.Bool(on)}
		if on {
			spec.StreamViewType = types.StreamViewTypeKeysOnly
		}
		if _, err := e.c.UpdateTable(e.ctx, &dynamodb.UpdateTableInput{TableName: aws.String("AppTable"), StreamSpecification: spec}); err != nil {
			t.Fatal(err)
		}
	}
	e.put("d", "4")
	e.log.expect(t, "finished", "from TRIM_HORIZON", "INSERT d 4 amount=- source=aws:dynamodb version=1.1 arn-ok=true view=KEYS_ONLY")
}

func TestEventAndParseSpec(t *testing.T) {
	data, err := streamhandler.Event("arn:s", []engine.StreamRecord{{EventName: "REMOVE", UserIdentity: &engine.Identity{Type: "Service", PrincipalId: "dynamodb.amazonaws.com"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(`"eventSourceARN":"arn:s","userIdentity":{"type":"Service","principalId":"dynamodb.amazonaws.com"}`)) ||
		!bytes.HasPrefix(data, []byte(`{"Records":[{`)) {
		t.Fatalf("event %s", data)
	}
	if data, _ := streamhandler.Event("arn:s", nil); string(data) != `{"Records":[]}` {
		t.Fatalf("empty event %s", data)
	}
	table, cmd, err := streamhandler.ParseSpec("Orders=python3 handler.py --x=1")
	if err != nil || table != "Orders" || cmd != "python3 handler.py --x=1" {
		t.Fatalf("ParseSpec: %q %q %v", table, cmd, err)
	}
	for _, bad := range []string{"Orders", "=cmd", "Orders=", ""} {
		if _, _, err := streamhandler.ParseSpec(bad); err == nil {
			t.Errorf("ParseSpec(%q) accepted", bad)
		}
	}
}
