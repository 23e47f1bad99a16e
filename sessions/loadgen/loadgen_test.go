package loadgen_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"dynalab/engine"
	"dynalab/engine/enginetest"
	"dynalab/engine/server"
	"dynalab/sessions"
	"dynalab/sessions/loadgen"
)

// stepClock is enginetest's settable clock as a load's Clock: Sleep moves
// it forward at once, so the engine's token buckets and the load's pacing
// see the same seconds and a minute of load takes no minute.
type stepClock struct{ *enginetest.Clock }

func (c stepClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.Advance(d)
	return nil
}

func newClock() stepClock {
	return stepClock{enginetest.NewClock(time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC))}
}

// createTable creates a table keyed by PK (and SK when sortKey), with
// 5 RCU and 5 WCU, or on demand when rcu is 0.
func createTable(t *testing.T, db *engine.DB, name string, rcu, wcu int64, sortKey bool) {
	t.Helper()
	in := &engine.CreateTableInput{TableName: name,
		AttributeDefinitions: []engine.AttributeDefinition{{AttributeName: "PK", AttributeType: "S"}},
		KeySchema:            []engine.KeySchemaElement{{AttributeName: "PK", KeyType: engine.KeyTypeHash}},
		BillingMode:          engine.BillingPayPerRequest}
	if sortKey {
		in.AttributeDefinitions = append(in.AttributeDefinitions, engine.AttributeDefinition{AttributeName: "SK", AttributeType: "S"})
		in.KeySchema = append(in.KeySchema, engine.KeySchemaElement{AttributeName: "SK", KeyType: engine.KeyTypeRange})
	}
	if rcu > 0 {
		in.BillingMode = engine.BillingProvisioned
		in.ProvisionedThroughput = &engine.ProvisionedThroughput{ReadCapacityUnits: &rcu, WriteCapacityUnits: &wcu}
	}
	if _, err := db.CreateTable(context.Background(), in); err != nil {
		t.Fatal(err)
	}
}

// serverCounts are a table's counters in the Prometheus text the server
// serves at GET /metrics.
type serverCounts struct {
	succeeded, throttled int64 // successful requests (all operations), throttled requests
	rcu, wcu             float64
}

func parseMetrics(t *testing.T, r io.Reader, table string) serverCounts {
	t.Helper()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(r)
	if err != nil {
		t.Fatal(err)
	}
	var c serverCounts
	each := func(name string, fn func(m *dto.Metric)) {
		if f := families[name]; f != nil {
			for _, m := range f.Metric {
				for _, l := range m.Label {
					if l.GetName() == "table" && l.GetValue() == table {
						fn(m)
					}
				}
			}
		}
	}
	each("dynalab_request_duration_seconds", func(m *dto.Metric) { c.succeeded += int64(m.GetSummary().GetSampleCount()) })
	each("dynalab_throttled_requests_total", func(m *dto.Metric) { c.throttled += int64(m.GetCounter().GetValue()) })
	each("dynalab_consumed_read_capacity_units_total", func(m *dto.Metric) { c.rcu += m.GetCounter().GetValue() })
	each("dynalab_consumed_write_capacity_units_total", func(m *dto.Metric) { c.wcu += m.GetCounter().GetValue() })
	return c
}

func engineMetrics(t *testing.T, db *engine.DB, table string) serverCounts {
	t.Helper()
	var buf bytes.Buffer
	if err := db.WriteMetrics(&buf); err != nil {
		t.Fatal(err)
	}
	return parseMetrics(t, &buf, table)
}

// checkAgainstServer: every request the load counts is one the server
// metered — answered (and so in the latency summary) or throttled — and
// the capacity the answers reported is what the server charged.
func checkAgainstServer(t *testing.T, res *loadgen.Result, srv serverCounts) {
	t.Helper()
	if res.Failed != 0 {
		t.Errorf("%d failed: %+v", res.Failed, res.Failures)
	}
	if srv.throttled != res.Throttled || srv.succeeded != res.Requests-res.Throttled {
		t.Errorf("load: %d requests, %d throttled; server: %d answered, %d throttled", res.Requests, res.Throttled, srv.succeeded, srv.throttled)
	}
	if srv.rcu != res.ConsumedRCU || srv.wcu != res.ConsumedWCU {
		t.Errorf("load consumed %v RCU, %v WCU; server metered %v RCU, %v WCU", res.ConsumedRCU, res.ConsumedWCU, srv.rcu, srv.wcu)
	}
}

// TestProvisionedTableThrottles is the acceptance test: a minute
// of 200 requests a second (80% GetItem, 20% PutItem of 2 KB items) on a
// table of 5 RCU and 5 WCU, on one fake clock shared with the engine. The
// table starts with 300 seconds of its throughput banked as burst
// capacity (1,500 units each way, "Burst capacity",
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/burst-adaptive-capacity.html);
// 40 writes of 2 WCU a second drain it in about 1,500 / (80 − 5) = 20 s,
// and from then on the table is served its provisioned 5 units a second.
func TestProvisionedTableThrottles(t *testing.T) {
	clock := newClock()
	db := enginetest.Open(t, engine.Options{Clock: clock.Now})
	createTable(t, db, "Orders", 5, 5, true)
	var windows []loadgen.Progress
	res, err := loadgen.Run(context.Background(), db, loadgen.Options{
		Table: "Orders", Rate: 200, Duration: time.Minute, ItemSize: 2048, Clock: clock, Seed: 1, Concurrency: 1,
		OnProgress: func(p loadgen.Progress) { windows = append(windows, p) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != 12000 || res.Elapsed != time.Minute || res.Interrupted {
		t.Fatalf("%d requests in %v (interrupted %v); want 12000 in 1m0s", res.Requests, res.Elapsed, res.Interrupted)
	}
	if res.Throttled == 0 || res.FirstThrottle < 15*time.Second || res.FirstThrottle > 25*time.Second {
		t.Fatalf("%d throttled, the first after %v; want throttles from about 20 s", res.Throttled, res.FirstThrottle)
	}
	checkAgainstServer(t, res, engineMetrics(t, db, "Orders"))
	for _, reason := range []string{"TableWriteProvisionedThroughputExceeded", "TableReadProvisionedThroughputExceeded"} {
		if res.ThrottleReasons[reason] == 0 {
			t.Errorf("no throttle for %s: %v", reason, res.ThrottleReasons)
		}
	}
	// Each write of a 2 KB item is 2 WCU; each eventually consistent read
	// of it 0.5 RCU.
	puts := res.Operations["PutItem"]
	if want := 2 * float64(puts.Requests-puts.Throttled); res.ConsumedWCU != want {
		t.Errorf("%v WCU for %d written items; want %v", res.ConsumedWCU, puts.Requests-puts.Throttled, want)
	}
	// The last 30 seconds are served the provisioned rate (a request may
	// overdraw a second's tokens, repaid the next second).
	if len(windows) != 59 { // reports at 1 s … 59 s; the result covers the 60th
		t.Fatalf("%d progress reports", len(windows))
	}
	var rcu, wcu float64
	for _, w := range windows[len(windows)-30:] {
		rcu += w.Window.ConsumedRCU
		wcu += w.Window.ConsumedWCU
	}
	if rcu < 4*30 || rcu > 6*30 || wcu < 4*30 || wcu > 6*30 {
		t.Errorf("last 30 s: %v RCU, %v WCU; want about 150 each (5 a second)", rcu, wcu)
	}
}

// TestThroughTheServer runs the load through the HTTP endpoint as a
// Remote backend (as `dynalab load` reaches a session a workbench holds)
// and compares its counts with GET /metrics. The Remote retries
// throttles by default: the load must not, or the server would count
// more throttles than the load.
func TestThroughTheServer(t *testing.T) {
	clock := newClock()
	db := enginetest.Open(t, engine.Options{Clock: clock.Now})
	createTable(t, db, "Events", 5, 5, false)
	srv := httptest.NewServer(server.New(db, server.Options{Extra: db.MetricsHandler()}))
	t.Cleanup(srv.Close)
	remote, err := sessions.OpenRemote(context.Background(), "held", sessions.RemoteOptions{Endpoint: srv.URL, Placeholder: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { remote.Close() })
	res, err := loadgen.Run(context.Background(), remote, loadgen.Options{
		Table: "Events", Rate: 100, Duration: 30 * time.Second, Mix: loadgen.Mix{Write: 80, Query: 20}, Clock: clock, Seed: 2, Concurrency: 4,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != 3000 || res.Throttled == 0 {
		t.Fatalf("%d requests, %d throttled; want 3000 and throttles (80 WCU a second on 5 WCU)", res.Requests, res.Throttled)
	}
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	checkAgainstServer(t, res, parseMetrics(t, resp.Body, "Events"))
	if q := res.Operations["Query"]; q.Requests == 0 || q.Failed != 0 {
		t.Errorf("queries: %+v", q)
	}
}

// TestFailuresAreCountedAndReported: on a read-only database every
// PutItem is refused (AccessDeniedException): each is a failure, not a
// throttle, reported once with its count, and reads go on.
func TestFailuresAreCountedAndReported(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ro.db")
	db := enginetest.Open(t, engine.Options{Path: path})
	createTable(t, db, "Tbl", 0, 0, false)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	clock := newClock()
	ro := enginetest.Open(t, engine.Options{Path: path, ReadOnly: true, Clock: clock.Now})
	var reported []loadgen.Failure
	res, err := loadgen.Run(context.Background(), ro, loadgen.Options{
		Table: "Tbl", Rate: 50, Duration: 10 * time.Second, Mix: loadgen.Mix{Read: 50, Write: 50}, Clock: clock, Seed: 3, Concurrency: 1,
		OnProgress: func(p loadgen.Progress) { reported = append(reported, p.NewFailures...) },
	})
	if err != nil {
		t.Fatal(err)
	}
	puts, gets := res.Operations["PutItem"], res.Operations["GetItem"]
	if res.Requests != 500 || puts.Failed != puts.Requests || res.Failed != puts.Requests || res.Throttled != 0 || gets.Failed != 0 {
		t.Fatalf("%+v; want every PutItem failed and nothing else", res)
	}
	if len(res.Failures) != 1 || res.Failures[0].Operation != "PutItem" || res.Failures[0].Count != res.Failed ||
		!strings.Contains(res.Failures[0].Error, "read-only") {
		t.Fatalf("failures %+v", res.Failures)
	}
	if len(reported) != 1 || reported[0].Operation != "PutItem" {
		t.Fatalf("progress reported failures %+v; want the one kind once", reported)
	}
}

// TestInterrupted: ending the context stops the load; the result covers
// what was sent.
func TestInterrupted(t *testing.T) {
	clock := newClock()
	db := enginetest.Open(t, engine.Options{Clock: clock.Now})
	createTable(t, db, "Tbl", 0, 0, false)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res, err := loadgen.Run(ctx, db, loadgen.Options{
		Table: "Tbl", Rate: 100, Duration: time.Minute, Clock: clock, Seed: 4, Concurrency: 2,
		OnProgress: func(p loadgen.Progress) {
			if p.Elapsed >= 5*time.Second {
				cancel()
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Interrupted || res.Requests < 400 || res.Requests > 501 || res.Failed != 0 {
		t.Fatalf("%+v; want about 500 requests, interrupted", res)
	}
}

// TestRunRefuses: options that cannot make a load, and a missing table,
// fail before anything is sent.
func TestRunRefuses(t *testing.T) {
	db := enginetest.Open(t, engine.Options{})
	createTable(t, db, "Tbl", 0, 0, true)
	for _, tc := range []struct {
		opts loadgen.Options
		want string
	}{
		{loadgen.Options{Table: "Nope", Rate: 1, Duration: time.Second}, "describe table Nope: ResourceNotFoundException"},
		{loadgen.Options{Table: "Tbl", Rate: 0, Duration: time.Second}, "rate 0: want requests a second above 0, at most 1000000"},
		{loadgen.Options{Table: "Tbl", Rate: 1}, "duration 0s: want a positive duration"},
		{loadgen.Options{Table: "Tbl", Rate: 1, Duration: time.Second, ItemSize: 10}, "item size 10 B is too small: items of table Tbl take at least 27 B (key attributes and a payload)"},
		{loadgen.Options{Table: "Tbl", Rate: 1, Duration: time.Second, ItemSize: 500 << 10}, "item size 512000 B: want 1 B to 400 KB"},
		{loadgen.Options{Table: "Tbl", Rate: 1, Duration: time.Second, Keys: "hottest"}, `keys "hottest": want uniform, hot or zipf`},
	} {
		_, err := loadgen.Run(context.Background(), db, tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v; want %q", tc.opts, err, tc.want)
		}
	}
}
