package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"dynalab/engine"
	"dynalab/engine/enginetest"
	"dynalab/engine/server"
	"dynalab/sessions"
	"dynalab/sessions/loadgen"
)

// summaryLine is the form of load's last line:
// "12,000 requests in 60.0s: 200 ops/s, 37 throttled, p50 1.2 ms, p99 8.0 ms".
var summaryLine = regexp.MustCompile(`^(\d{1,3}(?:,\d{3})*) requests in (\d+\.\d)s: (\d{1,3}(?:,\d{3})*|\d\.\d) ops/s, (\d{1,3}(?:,\d{3})*) throttled, p50 (\d+\.\d+) ms, p99 (\d+\.\d+) ms$`)

// parseSummary returns the requests, seconds and throttles of a summary
// line, failing t when the line is not one.
func parseSummary(t *testing.T, line string) (requests int64, seconds float64, throttled int64) {
	t.Helper()
	m := summaryLine.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("summary %q is not like %q", line, "12,000 requests in 60.0s: 200 ops/s, 37 throttled, p50 1.2 ms, p99 8.0 ms")
	}
	num := func(s string) int64 {
		n, err := strconv.ParseInt(strings.ReplaceAll(s, ",", ""), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	seconds, _ = strconv.ParseFloat(m[2], 64)
	return num(m[1]), seconds, num(m[4])
}

// meteredCounts reads one table's answered and throttled requests from a
// server's GET /metrics.
func meteredCounts(t *testing.T, endpoint, table string) (answered, throttled int64) {
	t.Helper()
	resp, err := http.Get(endpoint + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	each := func(name string, fn func(*dto.Metric)) {
		for _, m := range families[name].GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "table" && l.GetValue() == table {
					fn(m)
				}
			}
		}
	}
	each("dynalab_request_duration_seconds", func(m *dto.Metric) { answered += int64(m.GetSummary().GetSampleCount()) })
	each("dynalab_throttled_requests_total", func(m *dto.Metric) { throttled += int64(m.GetCounter().GetValue()) })
	return answered, throttled
}

// stepClock is a fake clock for the engine and the load alike: Sleep
// moves it on at once.
type stepClock struct{ *enginetest.Clock }

func (c stepClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.Advance(d)
	return nil
}

// createOrders creates a table Orders (PK, SK) of 5 RCU and 5 WCU through
// a DynamoDB client.
func createOrders(t *testing.T, c *dynamodb.Client) {
	t.Helper()
	_, err := c.CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName: aws.String("Orders"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("PK"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("SK"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("PK"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("SK"), KeyType: types.KeyTypeRange}},
		ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(5), WriteCapacityUnits: aws.Int64(5)},
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestLoadThrottlesOnAFakeMinute is issue #22's acceptance test for
// `dynalab load`: against a provisioned 5 WCU table, reached through a
// server's endpoint as a held session is, a minute of load on a fake
// clock the engine shares throttles within that minute, and the summary
// line's counts — and --json's — are the server's own (GET /metrics).
func TestLoadThrottlesOnAFakeMinute(t *testing.T) {
	for _, asJSON := range []bool{false, true} {
		clock := stepClock{enginetest.NewClock(time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC))}
		db := enginetest.Open(t, engine.Options{Clock: clock.Now})
		srv := httptest.NewServer(server.New(db, server.Options{Extra: db.MetricsHandler()}))
		t.Cleanup(srv.Close)
		createOrders(t, enginetest.NewClient(srv.URL))
		remote, err := sessions.OpenRemote(context.Background(), "held", sessions.RemoteOptions{Endpoint: srv.URL, Placeholder: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { remote.Close() })
		// 50 writes of 2 KB a second, 100 WCU, drain the 1,500 WCU of burst
		// capacity a new table has in about 1,500 / (100 − 5) = 16 s.
		opts := loadgen.Options{Table: "Orders", Rate: 100, Duration: time.Minute, Mix: loadgen.Mix{Read: 50, Write: 50}, ItemSize: 2048,
			Clock: clock, Seed: 22, Concurrency: 4}
		var stdout, stderr bytes.Buffer
		if err := load(context.Background(), remote, opts, loadIO{stdout: &stdout, stderr: &stderr, json: asJSON}); err != nil {
			t.Fatal(err)
		}
		answered, metered := meteredCounts(t, srv.URL, "Orders")
		var requests, throttled int64
		var seconds, first float64
		if asJSON {
			var j struct {
				Requests, Throttled, Failed int64
				Seconds                     float64
				First                       float64 `json:"firstThrottleSeconds"`
				Operations                  map[string]loadgen.OperationCounts
			}
			if err := json.Unmarshal(stdout.Bytes(), &j); err != nil || j.Failed != 0 || j.Operations["PutItem"].Throttled == 0 {
				t.Fatalf("--json: %v\n%s", err, stdout.String())
			}
			requests, seconds, throttled, first = j.Requests, j.Seconds, j.Throttled, j.First
		} else {
			requests, seconds, throttled = parseSummary(t, strings.TrimSuffix(stdout.String(), "\n"))
			// The throttle line on stderr says when the first came.
			m := regexp.MustCompile(`the first after (\d+\.\d)s`).FindStringSubmatch(stderr.String())
			if m == nil {
				t.Fatalf("stderr lacks the first throttle:\n%s", stderr.String())
			}
			first, _ = strconv.ParseFloat(m[1], 64)
		}
		if requests != 6000 || seconds != 60 {
			t.Errorf("%d requests in %vs; want 6000 in 60s", requests, seconds)
		}
		if throttled == 0 || first < 10 || first > 20 {
			t.Errorf("%d throttled, the first after %vs; want throttles from about 16 s", throttled, first)
		}
		if throttled != metered || requests != answered+metered {
			t.Errorf("summary: %d requests, %d throttled; server: %d answered, %d throttled", requests, throttled, answered, metered)
		}
		// Without a terminal, progress is a plain line every 5 s.
		if n := strings.Count(stderr.String(), "dynalab load: "); n < 11 {
			t.Errorf("%d progress lines:\n%s", n, stderr.String())
		}
	}
}

// TestLoadFlagMistakes: bad flags are usage mistakes, reported on one line
// each, before anything is opened.
func TestLoadFlagMistakes(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"load"}, "give the table to load: --table NAME"},
		{[]string{"load", "--table", "T", "--rate", "0"}, "--rate 0: want requests a second above 0"},
		{[]string{"load", "--table", "T", "--duration", "-1s"}, "--duration -1s: want a positive duration"},
		{[]string{"load", "--table", "T", "--mix", "read=80,scan=20"}, `--mix "read=80,scan=20": unknown operation "scan"`},
		{[]string{"load", "--table", "T", "--keys", "hottest"}, `--keys "hottest": want uniform, hot or zipf`},
		{[]string{"load", "--table", "T", "--item-size", "500KB"}, "--item-size 500KB: larger than DynamoDB's 400 KB item limit"},
		{[]string{"load", "--table", "T", "--key-count", "0"}, "--key-count 0: want 1 to 1000000"},
		{[]string{"load", "--table", "T", "extra"}, `unexpected argument "extra"`},
	} {
		code, out, errOut := cli(t, tc.args...)
		if code != 2 || out != "" || !strings.Contains(errOut, tc.want) {
			t.Errorf("dynalab %q: exit %d, stdout %q, stderr %q; want 2 and %q", tc.args, code, out, errOut, tc.want)
		}
	}
}

// nonLoopbackIP returns an address of this machine beyond loopback, or
// skips the test.
func nonLoopbackIP(t *testing.T) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Skip(err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil && !n.IP.IsLinkLocalUnicast() {
			return n.IP.String()
		}
	}
	t.Skip("no address beyond loopback")
	return ""
}

// TestLoadAsksBeforeLoadingARemoteEndpoint: an endpoint that is not
// local (not loopback) gets no load without --yes when there is no terminal to
// ask on; the refusal states the capacity the load would consume. With
// --yes it states it and runs.
func TestLoadAsksBeforeLoadingARemoteEndpoint(t *testing.T) {
	sessionHome(t)
	ip := nonLoopbackIP(t)
	db := enginetest.Open(t, engine.Options{})
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		t.Skip(err)
	}
	srv := httptest.NewUnstartedServer(server.New(db, server.Options{}))
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	createOrders(t, enginetest.NewClient(srv.URL))

	code, out, errOut := cli(t, "load", "--endpoint", srv.URL, "--table", "Orders", "--rate", "100", "--duration", "30s", "--item-size", "2KB")
	want := "dynalab load: " + srv.URL + " is not a local endpoint: this load sends about 3,000 requests to table Orders over 30s, " +
		"consuming up to 1,200 RCU and 1,200 WCU (40 RCU and 40 WCU a second); the table is provisioned (5 RCU, 5 WCU): " +
		"it is billed by the hour whatever the load, and throttles what exceeds its capacity and burst\nGive --yes to start it without asking.\n"
	if code != 2 || out != "" || errOut != want {
		t.Fatalf("exit %d, stdout %q, stderr\n%q\nwant\n%q", code, out, errOut, want)
	}
	if answered, _ := meteredCountsOf(t, db, "Orders"); answered != 0 {
		t.Fatalf("refused, yet %d requests were answered", answered)
	}
	code, out, errOut = cli(t, "load", "--endpoint", srv.URL, "--table", "Orders", "--rate", "20", "--duration", "1s", "--yes")
	if code != 0 || !strings.HasPrefix(errOut, "dynalab load: "+srv.URL+" is not a local endpoint: this load sends about 20 requests") {
		t.Fatalf("--yes: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	parseSummary(t, strings.TrimSuffix(out, "\n"))
}

// meteredCountsOf reads a table's counters from db's metrics.
func meteredCountsOf(t *testing.T, db *engine.DB, table string) (answered, throttled int64) {
	t.Helper()
	srv := httptest.NewServer(db.MetricsHandler())
	defer srv.Close()
	return meteredCounts(t, srv.URL, table)
}

// TestLoadSummaryFormat: the summary's numbers as people read them.
func TestLoadSummaryFormat(t *testing.T) {
	for _, tc := range []struct {
		res  loadgen.Result
		want string
	}{
		{loadgen.Result{Counts: loadgen.Counts{Requests: 12000, Throttled: 37, P50: 1200 * time.Microsecond, P99: 8 * time.Millisecond}, Elapsed: time.Minute},
			"12,000 requests in 60.0s: 200 ops/s, 37 throttled, p50 1.2 ms, p99 8.0 ms"},
		{loadgen.Result{Counts: loadgen.Counts{Requests: 5, Failed: 2, P50: 250 * time.Microsecond, P99: 31 * time.Microsecond}, Elapsed: 2 * time.Second},
			"5 requests in 2.0s: 2.5 ops/s, 0 throttled, 2 failed, p50 0.25 ms, p99 0.031 ms"},
	} {
		if got := loadSummary(&tc.res); got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
	// Without a terminal, progress is a plain line (with each new kind of
	// failure before it).
	var b bytes.Buffer
	p := &progressLine{w: &b}
	p.show(loadgen.Progress{Elapsed: 40 * time.Second, Length: 5 * time.Second,
		Total:       loadgen.Counts{Throttled: 1904, Failed: 1},
		Window:      loadgen.Counts{Requests: 4960, Throttled: 1904, ConsumedWCU: 30568.5, ConsumedRCU: 2.5, P50: 700 * time.Microsecond, P99: 36700 * time.Microsecond},
		NewFailures: []loadgen.Failure{{Operation: "PutItem", Error: "ValidationException: One or more parameter values were invalid", Count: 1}}})
	want := "dynalab load: PutItem failed: ValidationException: One or more parameter values were invalid (later failures like it are only counted)\n" +
		"dynalab load: 40s: 992 ops/s, 0.5 RCU/s, 6,114 WCU/s, 1,904 throttled (1,904 in the last 5s), p50 0.70 ms, p99 36.7 ms, 1 failed\n"
	if b.String() != want {
		t.Errorf("progress\n got %q\nwant %q", b.String(), want)
	}
}

// TestLoadBinary runs the built binary: `dynalab load --duration 2s`
// against the default session while a server holds it, so the load goes
// through the server's endpoint (as it does through a running
// workbench's, whose Capacity pane then shows it); the summary line has
// its form and the server's counts. --help prints the usage.
func TestLoadBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Parallel()
	bin := binary(t)
	dir := t.TempDir()
	env := isolatedEnv(dir)
	code, out, _ := runBinary(t, bin, env, "load", "--help")
	if code != 0 || !strings.Contains(out, "Usage:\n  dynalab load --table NAME") {
		t.Fatalf("load --help: exit %d\n%s", code, out)
	}
	srv, endpoint := startBinary(t, bin, env, "serve", "--listen", "127.0.0.1:0")
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
	createOrders(t, enginetest.NewClient(endpoint))
	code, out, errOut := runBinary(t, bin, env, "load", "--table", "Orders", "--duration", "2s", "--rate", "200", "--item-size", "2KB")
	if code != 0 {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	if !strings.Contains(errOut, "data.db is in use; running through "+endpoint+"\n") {
		t.Errorf("stderr does not say the load goes through the server:\n%s", errOut)
	}
	requests, seconds, throttled := parseSummary(t, strings.TrimSuffix(out, "\n"))
	answered, metered := meteredCounts(t, endpoint, "Orders")
	// On the real clock a loaded machine may fall behind the rate (the
	// load then drops its last requests rather than overrun --duration):
	// what must hold is that the summary counts what the server saw.
	if requests == 0 || requests > 400 || seconds < 2 || requests != answered+metered || throttled != metered {
		t.Errorf("summary %q; server: %d answered, %d throttled", out, answered, metered)
	}
}
