package doctor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/engine/enginetest"
	"dynalab/sessions"
	"dynalab/sessions/model"
)

func createTable(t *testing.T, l *lab, in *engine.CreateTableInput) {
	t.Helper()
	if _, err := l.CreateTable(context.Background(), in); err != nil {
		t.Fatal(err)
	}
}

func put(t *testing.T, l *lab, table string, item attr.Item) {
	t.Helper()
	if _, err := l.PutItem(context.Background(), &engine.PutItemInput{TableName: table, Item: item}); err != nil {
		t.Fatal(err)
	}
}

func keyed(names ...string) ([]engine.AttributeDefinition, []engine.KeySchemaElement) {
	var defs []engine.AttributeDefinition
	var ks []engine.KeySchemaElement
	for i, n := range names {
		defs = append(defs, engine.AttributeDefinition{AttributeName: n, AttributeType: "S"})
		kind := engine.KeyTypeHash
		if i == 1 {
			kind = engine.KeyTypeRange
		}
		ks = append(ks, engine.KeySchemaElement{AttributeName: n, KeyType: kind})
	}
	return defs, ks
}

// TestRollupSurvivesTheProcess records a throttled burst through a local
// session's backend on a fake clock, closes everything, reopens the
// session in a new Local, and the doctor names the throttles and the hot
// key, with the cost of the recorded traffic.
func TestRollupSurvivesTheProcess(t *testing.T) {
	t.Parallel()
	clock := enginetest.NewClock(time.Date(2026, 12, 1, 10, 0, 10, 0, time.UTC))
	l := openSession(t, engine.Options{Clock: clock.Now, SweepInterval: -1})
	one := int64(1)
	defs, ks := keyed("PK")
	createTable(t, l, &engine.CreateTableInput{TableName: "Counters", AttributeDefinitions: defs, KeySchema: ks,
		ProvisionedThroughput: &engine.ProvisionedThroughput{ReadCapacityUnits: &one, WriteCapacityUnits: &one}})
	path, err := l.home.CapacityPath("lab")
	if err != nil {
		t.Fatal(err)
	}
	rec, err := sessions.RecordCapacity(l, path, sessions.RollupOptions{Clock: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	// The new table's bucket holds 300 s of 1 WCU: 300 writes of 1 KB
	// pass in the first second, 100 are refused.
	throttled := 0
	for i := range 400 {
		_, err := l.PutItem(context.Background(), &engine.PutItemInput{TableName: "Counters",
			Item: attr.Item{"PK": attr.S("page#home"), "n": attr.Int(int64(i)), "pad": attr.S(strings.Repeat("x", 1000))}})
		var api *engine.APIError
		switch {
		case errors.As(err, &api) && api.Code == engine.CodeProvisionedThroughput:
			throttled++
		case err != nil:
			t.Fatal(err)
		}
	}
	clock.Advance(2 * time.Second)
	if err := l.RunMaintenance(); err != nil {
		t.Fatal(err)
	}
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	l2 := reopen(t, l.home, engine.Options{Clock: clock.Now, SweepInterval: -1, NoThrottle: true}, false)
	r := diagnose(t, l2)
	wantFindings(t, r, "warning hot-key Counters", "warning throttled Counters")
	wantText(t, r.Findings[0], []string{"partition key page#home is hot", "hottest key in 1 second with throttled requests", "took 100% of the units"}, nil)
	wantText(t, r.Findings[1], []string{fmt.Sprintf("0 reads and %d writes throttled in 1 of 1 minute recorded", throttled),
		"busiest second 0 RCU, 300 WCU against 1 RCU, 1 WCU provisioned"},
		// (1 × $0.00013 + 300 × $0.00065) × 730 h; two seconds recorded
		// at 150 WCU on average: 150 × $0.625 / 1M × 2,628,000 s.
		[]string{"raise the capacity to at least the busiest second (1 RCU, 300 WCU: $142.44 a month provisioned)",
			"the recorded traffic would cost $246.38 a month"})
	if throttled != 100 {
		t.Errorf("%d writes throttled, want 100", throttled)
	}
}

// TestItemAndSettingsChecks: item sizes, an expiry attribute without TTL,
// and a production-like name without PITR or deletion protection; then
// each setting turned on makes its finding go.
func TestItemAndSettingsChecks(t *testing.T) {
	t.Parallel()
	l := openSession(t, engine.Options{SweepInterval: -1, TTLSettle: -1})
	ctx := context.Background()
	defs, ks := keyed("PK")
	createTable(t, l, &engine.CreateTableInput{TableName: "orders-prod", AttributeDefinitions: defs, KeySchema: ks, BillingMode: engine.BillingPayPerRequest})
	createTable(t, l, &engine.CreateTableInput{TableName: "Sessions", AttributeDefinitions: defs, KeySchema: ks, BillingMode: engine.BillingPayPerRequest})
	put(t, l, "orders-prod", attr.Item{"PK": attr.S("o1"), "blob": attr.S(strings.Repeat("a", 120<<10))})
	put(t, l, "orders-prod", attr.Item{"PK": attr.S("o2"), "blob": attr.S(strings.Repeat("b", 360<<10))})
	put(t, l, "orders-prod", attr.Item{"PK": attr.S("o3"), "total": attr.Int(5)})
	put(t, l, "Sessions", attr.Item{"PK": attr.S("s1"), "expires_at": attr.Int(1767225600)})
	put(t, l, "Sessions", attr.Item{"PK": attr.S("s2"), "expires_at": attr.Int(1767225600000)}) // milliseconds: not a TTL value
	put(t, l, "Sessions", attr.Item{"PK": attr.S("s3"), "ttl": attr.S("tomorrow")})             // a string: TTL ignores it

	r := diagnose(t, l)
	wantFindings(t, r, "error item-near-limit orders-prod", "warning ttl-off Sessions",
		"warning deletion-protection-off orders-prod", "warning large-item orders-prod", "warning pitr-off orders-prod")
	wantText(t, r.Findings[0], []string{"1 item within 50 KB of the 400 KB item limit; the largest, PK='o2', is 360"}, []string{"ValidationException"})
	wantText(t, r.Findings[1], []string{"1 of 3 items have expires_at holding epoch seconds (e.g. 1767225600 = 2026-01-01T00:00:00Z), but TTL is disabled"},
		[]string{"AttributeName=expires_at"})
	wantText(t, r.Findings[3], []string{"1 item over 100 KB; the largest, PK='o1', is 120"}, nil)

	enabled, ttlName := true, "expires_at"
	if _, err := l.UpdateTimeToLive(ctx, &engine.UpdateTimeToLiveInput{TableName: "Sessions",
		TimeToLiveSpecification: &engine.TimeToLiveSpecification{Enabled: &enabled, AttributeName: &ttlName}}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.UpdateTable(ctx, &engine.UpdateTableInput{TableName: "orders-prod", DeletionProtectionEnabled: &enabled}); err != nil {
		t.Fatal(err)
	}
	if _, err := l.UpdateContinuousBackups(ctx, &engine.UpdateContinuousBackupsInput{TableName: "orders-prod",
		PointInTimeRecoverySpecification: &engine.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: &enabled}}); err != nil {
		t.Fatal(err)
	}
	wantFindings(t, diagnose(t, l), "error item-near-limit orders-prod", "warning large-item orders-prod")
}

func TestProductionLike(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"orders-prod": true, "ProdOrders": true, "Orders_Production": true, "live.events": true, "OrdersPRD": true,
		"Orders": false, "Products": false, "Livestock": false, "reproduce": false, "orders_prd": true,
	} {
		if got := productionLike(name); got != want {
			t.Errorf("productionLike(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestIndexChecks: a GSI no pattern reads, patterns reading attributes
// their index does not project (a GSI: missing; an LSI: fetched), an item
// collection near the limit on the table with the LSI, a pattern that no
// longer plans, and a Scan given as an API request.
func TestIndexChecks(t *testing.T) {
	t.Parallel()
	l := openSession(t, engine.Options{SweepInterval: -1})
	defs, ks := keyed("PK", "SK")
	defs = append(defs, engine.AttributeDefinition{AttributeName: "email", AttributeType: "S"},
		engine.AttributeDefinition{AttributeName: "placedAt", AttributeType: "S"}, engine.AttributeDefinition{AttributeName: "status", AttributeType: "S"})
	createTable(t, l, &engine.CreateTableInput{TableName: "Shop", AttributeDefinitions: defs, KeySchema: ks, BillingMode: engine.BillingPayPerRequest,
		GlobalSecondaryIndexes: []engine.GlobalSecondaryIndex{
			{IndexName: "ByEmail", KeySchema: []engine.KeySchemaElement{{AttributeName: "email", KeyType: engine.KeyTypeHash}},
				Projection: &engine.Projection{ProjectionType: engine.ProjectionKeysOnly}},
			{IndexName: "ByStatus", KeySchema: []engine.KeySchemaElement{{AttributeName: "status", KeyType: engine.KeyTypeHash}},
				Projection: &engine.Projection{ProjectionType: engine.ProjectionAll}},
		},
		LocalSecondaryIndexes: []engine.LocalSecondaryIndex{{IndexName: "ByPlaced",
			KeySchema:  []engine.KeySchemaElement{{AttributeName: "PK", KeyType: engine.KeyTypeHash}, {AttributeName: "placedAt", KeyType: engine.KeyTypeRange}},
			Projection: &engine.Projection{ProjectionType: "INCLUDE", NonKeyAttributes: []string{"total", "note"}}}},
	})
	put(t, l, "Shop", attr.Item{"PK": attr.S("USER#u1"), "SK": attr.S("PROFILE"), "email": attr.S("a@example.com"), "name": attr.S("Ann")})
	for i := range 3 {
		put(t, l, "Shop", attr.Item{"PK": attr.S("USER#u1"), "SK": attr.S(fmt.Sprintf("ORDER#%d", i)), "placedAt": attr.S(fmt.Sprintf("2025-01-0%d", i+1)),
			"total": attr.Int(int64(10 * i)), "note": attr.S(strings.Repeat("n", 3000)), "gift": attr.Bool(i == 1)})
	}
	for name, text := range map[string]string{
		"by-email":     `SELECT * FROM "Shop"."ByEmail" WHERE email = 'a@example.com'`,
		"recent":       `SELECT SK, total, note, gift FROM "Shop"."ByPlaced" WHERE PK = 'USER#u1' AND placedAt > '2025-01-01'`,
		"gone":         `SELECT * FROM "Gone" WHERE PK = 'x'`,
		"scan-request": `-- @request Scan {"TableName":"Shop"}`,
	} {
		if _, err := l.home.SaveQuery("lab", name, text); err != nil {
			t.Fatal(err)
		}
	}
	in, err := ForSession(l.home, "lab", l.Local)
	if err != nil {
		t.Fatal(err)
	}
	// u1's items make about 9 KB, 18 KB with their entries in ByPlaced.
	in.CollectionLimit = 20 << 10
	r, err := Run(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	wantFindings(t, r, "error collection-near-limit Shop", "warning pattern-error Gone",
		"warning scan Shop", "warning projection-fetch Shop.ByEmail", "warning projection-fetch Shop.ByPlaced", "warning unused-gsi Shop.ByStatus")
	wantText(t, r.Findings[0], []string{"1 item collection past 80% of the 20 KB limit (partition key 'USER#u1'"}, []string{"ItemCollectionSizeLimitExceededException"})
	wantText(t, r.Findings[1], []string{"access pattern gone does not plan"}, nil)
	wantText(t, r.Findings[2], []string{"access pattern scan-request is a Scan request"}, nil)
	wantText(t, r.Findings[3], []string{"access pattern by-email reads SELECT * (the items also have name), which ByEmail (projection KEYS_ONLY) does not project"},
		[]string{"a GSI cannot fetch", "INCLUDE name"})
	wantText(t, r.Findings[4], []string{"access pattern recent reads SELECT gift, which ByPlaced (projection INCLUDE) does not project"},
		[]string{"fetches each item from the table"})
	wantText(t, r.Findings[5], []string{"no saved access pattern reads ByStatus (3 patterns read Shop)"}, nil)
}

// TestTrafficChecks: a provisioned table that sits idle (on demand would
// cost less), one busy enough not to be, and an on-demand table whose
// throttles come from one key.
func TestTrafficChecks(t *testing.T) {
	t.Parallel()
	l := openSession(t, engine.Options{SweepInterval: -1})
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	var lines []string
	add := func(m sessions.CapacityMinute) {
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(b))
	}
	for i := range 20 {
		at := start.Add(time.Duration(i) * time.Minute)
		add(sessions.CapacityMinute{Time: at, Table: "Idle", Seconds: 60, ReadUnits: 60, WriteUnits: 30, PeakRCU: 3, PeakWCU: 2,
			ProvisionedRCU: 100, ProvisionedWCU: 100})
		add(sessions.CapacityMinute{Time: at, Table: "Busy", Seconds: 60, ReadUnits: 60 * 80, WriteUnits: 60 * 60, PeakRCU: 95, PeakWCU: 90,
			ProvisionedRCU: 100, ProvisionedWCU: 100})
	}
	add(sessions.CapacityMinute{Time: start, Table: "Events", Seconds: 60, WriteUnits: 60 * 1000, PeakWCU: 1000, OnDemand: true, ThrottledWrites: 40,
		HotKeys: []sessions.MinuteKey{{Key: "day#2026-12-01", WriteUnits: 60 * 990, PeakWCU: 990, ThrottledSeconds: 12}, {Key: "day#2026-11-30", WriteUnits: 600, PeakWCU: 10}}})
	writeHistory(t, l, lines)
	r := diagnose(t, l)
	wantFindings(t, r, "warning hot-key Events", "warning throttled Events", "warning provisioned-idle Idle")
	wantText(t, r.Findings[0], []string{"partition key day#2026-12-01 is hot", "990 WCU", "hottest key in 12 seconds", "99% of the units"}, nil)
	wantText(t, r.Findings[1], []string{"0 reads and 40 writes throttled in 1 of 1 minute", "on demand: only a partition key's own limit throttles"},
		[]string{"1000 WCU a second"})
	// 100 RCU and 100 WCU cost (100 × 0.00013 + 100 × 0.00065) × 730 =
	// $56.94 a month; 1 RRU and 0.5 WRU a second on demand cost
	// (1 × 0.125 + 0.5 × 0.625) / 1M × 2,628,000 = $1.15.
	wantText(t, r.Findings[2], []string{"20 minutes recorded", "on average 1 of 100 RCU (1%) and 0.5 of 100 WCU (0%) used"},
		[]string{"costs $56.94 a month; on demand this traffic would cost $1.15"})
}

// TestModelPatterns: the access patterns of the model applied to the
// session count as saved patterns, though not saved as queries.
func TestModelPatterns(t *testing.T) {
	t.Parallel()
	l := withSample(t, "single-table")
	m, _, err := model.Export(context.Background(), l, model.ExportOptions{Name: "shop", Session: "lab", Home: l.home})
	if err != nil {
		t.Fatal(err)
	}
	m.AccessPatterns = append(m.AccessPatterns, model.AccessPattern{Name: "by-currency",
		Statement: `SELECT orderId, total FROM "AppTable" WHERE currency = ? AND total > 100`, Parameters: []attr.Value{attr.S("EUR")}})
	if err := model.SaveSessionModel(l.home, "lab", m); err != nil {
		t.Fatal(err)
	}
	r := diagnose(t, l)
	wantFindings(t, r, "warning scan AppTable")
	wantText(t, r.Findings[0], []string{"access pattern by-currency is a Scan of AppTable"},
		[]string{"add GSI currency-total-index with partition key currency (S) and sort key total (N), projection INCLUDE orderId"})
}
