package samples_test

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/partiql"
	"dynalab/sessions"
	"dynalab/sessions/samples"
)

// wantResults are the keys every saved query returns, in order, written
// as the table's key values joined by " | ".
var wantResults = map[string]map[string][]string{
	"single-table": {
		"user-orders": {
			"USER#u123 | ORDER#2025-03-03T08:25:00Z#o1012",
			"USER#u123 | ORDER#2025-02-27T09:00:00Z#o1009",
			"USER#u123 | ORDER#2025-02-11T21:18:00Z#o1006",
			"USER#u123 | ORDER#2025-01-21T19:05:00Z#o1003",
			"USER#u123 | ORDER#2025-01-04T10:12:00Z#o1001",
		},
		"user-by-email": {"EMAIL#bob@example.com | EMAIL"},
		"open-orders-by-status": {
			"STATUS#PAID | ORDER#o1010", "STATUS#PAID | ORDER#o1011",
			"STATUS#PAID | ORDER#o1012", "STATUS#PAID | ORDER#o1014",
		},
		"order-by-id": {"USER#u456 | ORDER#2025-02-19T12:02:00Z#o1007"},
		"user-orders-by-status": {
			"USER#u123 | ORDER#2025-02-11T21:18:00Z#o1006",
			"USER#u123 | ORDER#2025-01-21T19:05:00Z#o1003",
			"USER#u123 | ORDER#2025-01-04T10:12:00Z#o1001",
		},
		// The same pattern on a multi-attribute GSI key (status, statusAt).
		"user-orders-by-status-multi": {
			"USER#u123 | ORDER#2025-02-11T21:18:00Z#o1006",
			"USER#u123 | ORDER#2025-01-21T19:05:00Z#o1003",
			"USER#u123 | ORDER#2025-01-04T10:12:00Z#o1001",
		},
	},
	"product-catalog": {
		"book-by-id": {"103"},
		"forum-threads": {
			"Amazon DynamoDB | Choosing a partition key for a leaderboard",
			"Amazon DynamoDB | Conditional writes for idempotent APIs",
			"Amazon DynamoDB | When is a GSI better than an LSI?",
		},
		"thread-replies": {
			"Amazon DynamoDB#Choosing a partition key for a leaderboard | 2025-02-03T09:14:00Z",
			"Amazon DynamoDB#Choosing a partition key for a leaderboard | 2025-02-03T11:40:00Z",
			"Amazon DynamoDB#Choosing a partition key for a leaderboard | 2025-02-05T16:02:00Z",
		},
		// Ordered by the index's sort key, Message (upper case first).
		"replies-by-user": {
			"Amazon DynamoDB#Choosing a partition key for a leaderboard | 2025-02-03T09:14:00Z",
			"Amazon DynamoDB#Choosing a partition key for a leaderboard | 2025-02-12T08:30:00Z",
			"AWS Lambda#Processing DynamoDB stream batches | 2025-02-14T10:30:00Z",
			"Amazon DynamoDB#Conditional writes for idempotent APIs | 2025-02-20T07:50:00Z",
		},
		"unpriced-books": {"106"},
	},
	"time-series": {
		"readings-window": {
			"sensor#greenhouse-1#0 | 2025-03-01T12:02:00Z", "sensor#greenhouse-1#1 | 2025-03-01T12:02:15Z",
			"sensor#greenhouse-1#2 | 2025-03-01T12:02:30Z", "sensor#greenhouse-1#3 | 2025-03-01T12:02:45Z",
		},
		"one-shard-only": {"sensor#greenhouse-1#0 | 2025-03-01T12:02:00Z"},
		"reading-at":     {"sensor#greenhouse-1#2 | 2025-03-01T12:05:30Z"},
		// Shard by shard: one Query per partition key, in the order written.
		"overheating": {
			"sensor#boiler-3#0 | 2025-03-01T12:06:00Z", "sensor#boiler-3#0 | 2025-03-01T12:07:00Z",
			"sensor#boiler-3#1 | 2025-03-01T12:06:15Z", "sensor#boiler-3#1 | 2025-03-01T12:07:15Z",
			"sensor#boiler-3#2 | 2025-03-01T12:06:30Z",
			"sensor#boiler-3#3 | 2025-03-01T12:06:45Z",
		},
		"sensor-info": {"greenhouse-1"},
	},
}

// wantPlans are the operations EXPLAIN plans for each saved query; only
// product-catalog's unpriced-books scans, on purpose.
var wantPlans = map[string]map[string]partiql.Operation{
	"single-table": {
		"user-orders": partiql.OperationQuery, "user-by-email": partiql.OperationGetItem, "open-orders-by-status": partiql.OperationQuery,
		"order-by-id": partiql.OperationQuery, "user-orders-by-status": partiql.OperationQuery,
		"user-orders-by-status-multi": partiql.OperationQuery,
	},
	"product-catalog": {
		"book-by-id": partiql.OperationGetItem, "forum-threads": partiql.OperationQuery, "thread-replies": partiql.OperationQuery,
		"replies-by-user": partiql.OperationQuery, "unpriced-books": partiql.OperationScan,
	},
	"time-series": {
		"readings-window": partiql.OperationQuery, "one-shard-only": partiql.OperationQuery, "reading-at": partiql.OperationGetItem,
		"overheating": partiql.OperationQuery, "sensor-info": partiql.OperationGetItem,
	},
}

// wantIndex names the index a saved query reads ("" for the table).
var wantIndex = map[string]string{
	"order-by-id": "GSI1", "user-orders-by-status": "GSI2", "user-orders-by-status-multi": "GSI2-multi",
	"replies-by-user": "PostedBy-Message-Index",
}

// newSession creates a local session "lab" under a fresh data directory
// and opens it.
func newSession(t *testing.T) (sessions.Backend, sessions.Home) {
	t.Helper()
	home := sessions.NewHome(t.TempDir())
	if _, err := home.Create("lab", sessions.Settings{}); err != nil {
		t.Fatal(err)
	}
	b, err := sessions.Open(context.Background(), sessions.Selector{Home: home, Session: "lab"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b, home
}

func TestList(t *testing.T) {
	t.Parallel()
	list := samples.List()
	if got := samples.Names(); !slices.Equal(got, []string{"product-catalog", "single-table", "time-series"}) {
		t.Fatalf("Names() = %v", got)
	}
	for _, s := range list {
		if s.Title == "" || len(s.Description) < 200 {
			t.Errorf("%s: title %q, description of %d bytes: say what it teaches", s.Name, s.Title, len(s.Description))
		}
		if n := s.TotalItems(); n < 24 || n > 500 {
			t.Errorf("%s: %d items; samples are a few dozen to a few hundred", s.Name, n)
		}
		// Five access patterns each; single-table shows its fifth twice, on
		// GSI2 and on the multi-attribute GSI2-multi.
		if want := map[string]int{"single-table": 6}[s.Name]; len(s.Queries) != max(want, 5) {
			t.Errorf("%s: %d saved queries, want %d", s.Name, len(s.Queries), max(want, 5))
		}
		for _, q := range s.Queries {
			if q.Description == "" || sessions.ValidateName(q.Name) != nil {
				t.Errorf("%s: query %q needs a valid name and a leading -- description", s.Name, q.Name)
			}
			if _, ok := wantResults[s.Name][q.Name]; !ok {
				t.Errorf("%s: query %q has no expected result in this test", s.Name, q.Name)
			}
		}
		for _, def := range s.Tables {
			if def.BillingMode != engine.BillingPayPerRequest {
				t.Errorf("%s: table %s is not PAY_PER_REQUEST", s.Name, def.TableName)
			}
			if s.Items[def.TableName] == 0 {
				t.Errorf("%s: table %s has no items", s.Name, def.TableName)
			}
		}
	}
	if _, err := samples.Get("nope"); !errors.Is(err, samples.ErrUnknown) || !strings.Contains(err.Error(), "single-table") {
		t.Fatalf("Get(nope) = %v; want ErrUnknown naming the samples", err)
	}
	if _, err := samples.Get("../samples"); !errors.Is(err, samples.ErrUnknown) {
		t.Fatalf("Get(../samples) = %v", err)
	}
}

// TestEverySampleAccessPattern loads each sample into a fresh local
// session and runs each saved query, as saved, through the PartiQL
// executor: it must return exactly the expected items and plan as
// expected (the single-table model never scans).
func TestEverySampleAccessPattern(t *testing.T) {
	t.Parallel()
	for _, s := range samples.List() {
		t.Run(s.Name, func(t *testing.T) {
			b, home := newSession(t)
			ctx := context.Background()
			rep, err := samples.Load(ctx, b, s.Name, samples.Options{Session: "lab", Home: home})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Tables) != len(s.Tables) || len(rep.Queries) != len(s.Queries) {
				t.Fatalf("report: %d tables, %d queries; want %d, %d", len(rep.Tables), len(rep.Queries), len(s.Tables), len(s.Queries))
			}
			keys := map[string][]string{}
			for _, tr := range rep.Tables {
				d, err := b.DescribeTable(ctx, &engine.DescribeTableInput{TableName: tr.Name})
				if err != nil {
					t.Fatal(err)
				}
				if d.Table.ItemCount != int64(s.Items[tr.Name]) || tr.Items != s.Items[tr.Name] {
					t.Errorf("table %s: %d items stored, %d reported; want %d", tr.Name, d.Table.ItemCount, tr.Items, s.Items[tr.Name])
				}
				for _, k := range d.Table.KeySchema {
					keys[tr.Name] = append(keys[tr.Name], k.AttributeName)
				}
			}
			saved, err := home.Queries("lab")
			if err != nil {
				t.Fatal(err)
			}
			if len(saved) != len(s.Queries) {
				t.Fatalf("session has %d saved queries, want %d", len(saved), len(s.Queries))
			}
			for _, q := range saved {
				if in := requestOf(t, q.Text); in != nil {
					// An API Query (an index PartiQL cannot read).
					if want := wantPlans[s.Name][q.Name]; want != partiql.OperationQuery || in.IndexName != wantIndex[q.Name] {
						t.Errorf("%s: a Query on %q, want %s on %q", q.Name, in.IndexName, want, wantIndex[q.Name])
					}
					got := runQuery(t, b, in, keys)
					if want := wantResults[s.Name][q.Name]; !slices.Equal(got, want) {
						t.Errorf("%s returned\n  %s\nwant\n  %s", q.Name, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
					}
					continue
				}
				stmts := partiql.SplitScript(q.Text)
				if len(stmts) != 1 {
					t.Fatalf("%s: %d statements, want 1", q.Name, len(stmts))
				}
				text := stmts[0].Text
				ex, err := b.Run(ctx, "EXPLAIN "+text, nil, "")
				if err != nil {
					t.Fatalf("%s: EXPLAIN: %v", q.Name, err)
				}
				if want := wantPlans[s.Name][q.Name]; ex.Operation != string(want) {
					t.Errorf("%s plans as %s, want %s:\n%s", q.Name, ex.Operation, want, ex.Plan)
				}
				if ix := wantIndex[q.Name]; !strings.Contains(ex.Plan, ix) {
					t.Errorf("%s: plan does not read index %q:\n%s", q.Name, ix, ex.Plan)
				}
				got := run(t, b, text, keys)
				if want := wantResults[s.Name][q.Name]; !slices.Equal(got, want) {
					t.Errorf("%s returned\n  %s\nwant\n  %s", q.Name, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
				}
			}
		})
	}
}

// run runs a SELECT, reading every page, and returns its items' table
// keys.
func run(t *testing.T, b sessions.Backend, stmt string, keys map[string][]string) []string {
	t.Helper()
	st, err := partiql.Parse(stmt)
	if err != nil {
		t.Fatal(err)
	}
	table := st.(*partiql.Select).From.Table
	var out []string
	token := ""
	for {
		res, err := b.Run(context.Background(), stmt, nil, token)
		if err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
		for _, it := range res.Items {
			out = append(out, keyOf(t, it, keys[table]))
		}
		if token = res.NextToken; token == "" {
			return out
		}
	}
}

// requestOf returns the Query of a saved query given as an API request
// ("-- @request Query {json}"), nil for a statement.
func requestOf(t *testing.T, text string) *engine.QueryInput {
	t.Helper()
	for line := range strings.Lines(text) {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "-- @request ")
		if !ok {
			continue
		}
		op, body, _ := strings.Cut(rest, " ")
		if op != "Query" {
			t.Fatalf("a saved %s request: only Query is expected", op)
		}
		var in engine.QueryInput
		if err := json.Unmarshal([]byte(body), &in); err != nil {
			t.Fatalf("request %s: %v", body, err)
		}
		return &in
	}
	return nil
}

// runQuery runs a Query, reading every page, and returns its items'
// table keys.
func runQuery(t *testing.T, b sessions.Backend, in *engine.QueryInput, keys map[string][]string) []string {
	t.Helper()
	var out []string
	for {
		res, err := b.Query(context.Background(), in)
		if err != nil {
			t.Fatalf("Query: %v", err)
		}
		for _, it := range res.Items {
			out = append(out, keyOf(t, it, keys[in.TableName]))
		}
		if len(res.LastEvaluatedKey) == 0 {
			return out
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
}

func keyOf(t *testing.T, it attr.Item, names []string) string {
	var parts []string
	for _, n := range names {
		v, ok := it[n]
		if !ok {
			t.Fatalf("item %v lacks key attribute %s", it, n)
		}
		switch v.Type() {
		case attr.TypeS:
			parts = append(parts, v.Str())
		case attr.TypeN:
			parts = append(parts, v.Str())
		default:
			t.Fatalf("key %s of type %s", n, v.Type())
		}
	}
	return strings.Join(parts, " | ")
}

// TestLoadTwice: a second load refuses before changing anything; with
// Replace the tables are recreated with exactly the sample's items.
func TestLoadTwice(t *testing.T) {
	t.Parallel()
	b, home := newSession(t)
	ctx := context.Background()
	if _, err := samples.Load(ctx, b, "product-catalog", samples.Options{}); err != nil {
		t.Fatal(err)
	}
	extra := attr.Item{"Id": attr.MustN("999"), "Title": attr.S("mine")}
	if _, err := b.PutItem(ctx, &engine.PutItemInput{TableName: "ProductCatalog", Item: extra}); err != nil {
		t.Fatal(err)
	}
	_, err := samples.Load(ctx, b, "product-catalog", samples.Options{Session: "lab", Home: home})
	var ee *samples.ExistsError
	if !errors.As(err, &ee) || !errors.Is(err, samples.ErrTableExists) ||
		!slices.Equal(ee.Tables, []string{"Forum", "ProductCatalog", "Reply", "Thread"}) {
		t.Fatalf("second load: %v; want an ExistsError naming the four tables", err)
	}
	if want := "sample product-catalog: tables Forum, ProductCatalog, Reply, Thread already exist; nothing was changed"; !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("message %q, want prefix %q", err, want)
	}
	if q, _ := home.Queries("lab"); len(q) != 0 {
		t.Fatalf("a refused load saved %d queries", len(q))
	}
	count := func() int64 {
		d, err := b.DescribeTable(ctx, &engine.DescribeTableInput{TableName: "ProductCatalog"})
		if err != nil {
			t.Fatal(err)
		}
		return d.Table.ItemCount
	}
	if n := count(); n != 13 {
		t.Fatalf("after the refused load ProductCatalog has %d items, want 13", n)
	}
	rep, err := samples.Load(ctx, b, "product-catalog", samples.Options{Replace: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range rep.Tables {
		if !tr.Replaced {
			t.Errorf("table %s not reported as replaced", tr.Name)
		}
	}
	if n := count(); n != 12 {
		t.Fatalf("after --replace ProductCatalog has %d items, want the sample's 12", n)
	}
}

// flaky leaves the last two requests of every first BatchWriteItem
// unprocessed, like a throttled service.
type flaky struct {
	sessions.Backend
	calls int
}

func (f *flaky) BatchWriteItem(ctx context.Context, in *engine.BatchWriteItemInput) (*engine.BatchWriteItemOutput, error) {
	f.calls++
	if f.calls%2 == 1 {
		for table, reqs := range in.RequestItems {
			if len(reqs) > 2 {
				out, err := f.Backend.BatchWriteItem(ctx, &engine.BatchWriteItemInput{RequestItems: map[string][]engine.WriteRequest{table: reqs[:len(reqs)-2]}})
				if err != nil {
					return nil, err
				}
				out.UnprocessedItems = map[string][]engine.WriteRequest{table: reqs[len(reqs)-2:]}
				return out, nil
			}
		}
	}
	return f.Backend.BatchWriteItem(ctx, in)
}

func TestLoadRetriesUnprocessedItems(t *testing.T) {
	t.Parallel()
	nb, _ := newSession(t)
	b := &flaky{Backend: nb}
	var slept []time.Duration
	opts := samples.Options{Sleep: func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }}
	rep, err := samples.Load(context.Background(), b, "single-table", opts)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Retries == 0 || len(slept) != rep.Retries {
		t.Fatalf("%d retries, %d sleeps", rep.Retries, len(slept))
	}
	d, err := b.DescribeTable(context.Background(), &engine.DescribeTableInput{TableName: "AppTable"})
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(rep.Sample.Items["AppTable"]); d.Table.ItemCount != want {
		t.Fatalf("%d items stored, want %d", d.Table.ItemCount, want)
	}
}

// throttled always refuses writes.
type throttled struct{ sessions.Backend }

func (throttled) BatchWriteItem(context.Context, *engine.BatchWriteItemInput) (*engine.BatchWriteItemOutput, error) {
	return nil, &engine.APIError{Code: engine.CodeThrottling, Message: "Rate exceeded"}
}

func TestLoadGivesUpWhenThrottled(t *testing.T) {
	t.Parallel()
	nb, _ := newSession(t)
	b := throttled{nb}
	opts := samples.Options{MaxRetries: 3, Sleep: func(context.Context, time.Duration) error { return nil }}
	_, err := samples.Load(context.Background(), b, "time-series", opts)
	if err == nil || !strings.Contains(err.Error(), "gave up after 3 retries (ThrottlingException: Rate exceeded)") {
		t.Fatalf("err = %v", err)
	}
}

// TestItemsMatchTables: every items file belongs to a table of its
// sample, and every item has that table's key and index key types.
func TestItemsMatchTables(t *testing.T) {
	t.Parallel()
	for _, s := range samples.List() {
		for _, def := range s.Tables {
			types := map[string]string{}
			for _, a := range def.AttributeDefinitions {
				types[a.AttributeName] = a.AttributeType
			}
			for _, k := range def.KeySchema {
				if types[k.AttributeName] == "" {
					t.Errorf("%s/%s: key %s has no attribute definition", s.Name, def.TableName, k.AttributeName)
				}
			}
		}
		// An items file without a table would be silently skipped.
		files, _ := fs.Glob(samples.Data(), path.Join("data", s.Name, "items", "*"))
		for _, f := range files {
			table := strings.TrimSuffix(path.Base(f), ".jsonl")
			if _, ok := s.Items[table]; !ok || !strings.HasSuffix(f, ".jsonl") {
				t.Errorf("%s: %s is not the items file of one of its tables", s.Name, f)
			}
		}
	}
}
