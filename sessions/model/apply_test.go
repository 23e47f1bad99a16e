package model_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"dynalab/engine"
	"dynalab/sessions"
	"dynalab/sessions/model"
)

func parseGood(t *testing.T, text string) *model.Model {
	t.Helper()
	f, ps := model.Parse("good.json", []byte(text))
	if len(ps) == 0 {
		ps = f.Check()
	}
	if len(ps) > 0 {
		t.Fatalf("problems:\n%v", ps)
	}
	return f.Model
}

// ttlOf returns a table's TTL attribute, "" when TTL is off.
func ttlOf(t *testing.T, b sessions.Backend, table string) string {
	t.Helper()
	out, err := b.(*sessions.Local).DescribeTimeToLive(context.Background(), &engine.DescribeTimeToLiveInput{TableName: table})
	if err != nil {
		t.Fatal(err)
	}
	if out.TimeToLiveDescription.TimeToLiveStatus != "ENABLED" {
		return ""
	}
	return out.TimeToLiveDescription.AttributeName
}

// TestRoundTrip: apply → export → apply gives the same tables (keys,
// indexes, billing, TTL), items and access patterns; the exported model
// checks clean, and applying it again changes nothing.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	home := sessions.NewHome(t.TempDir())
	a, b := openSession(t, home, "a"), openSession(t, home, "b")
	m := parseGood(t, goodModel)
	rep, err := model.Apply(ctx, a, m, model.Options{Session: "a", Home: home})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Changes) != 1 || rep.Changes[0].Kind != model.CreateTable || rep.Items["Shop"] != 2 || len(rep.Queries) != 2 {
		t.Fatalf("report %+v", rep)
	}
	// The parameterized pattern is saved runnable, with its example value.
	q, err := home.LoadQuery("a", "user-orders")
	if err != nil {
		t.Fatal(err)
	}
	want := "-- A user's orders.\n-- @facet Order\n-- @statement SELECT * FROM Shop WHERE PK = ? AND begins_with(SK, 'ORDER#')\n" +
		"-- @parameters [{\"S\":\"USER#u1\"}]\nSELECT * FROM Shop WHERE PK = 'USER#u1' AND begins_with(SK, 'ORDER#');\n"
	if q.Text != want || q.Description != "A user's orders." {
		t.Fatalf("saved %q (description %q), want %q", q.Text, q.Description, want)
	}
	res, err := a.Run(ctx, strings.TrimSuffix(strings.Split(q.Text, "\n")[4], ";"), nil, "")
	if err != nil || len(res.Items) != 1 {
		t.Fatalf("the saved query runs: %v, %d items", err, len(res.Items))
	}

	exported, notes, err := model.Export(ctx, a, model.ExportOptions{Session: "a", Home: home, Items: 100})
	if err != nil || len(notes) > 0 {
		t.Fatal(err, notes)
	}
	data, err := model.Marshal(exported)
	if err != nil {
		t.Fatal(err)
	}
	if ps := model.Check("exported.json", data); len(ps) > 0 {
		t.Fatalf("the exported model has problems:\n%v\n%s", ps, data)
	}
	f, _ := model.Parse("exported.json", data)
	if _, err := model.Apply(ctx, b, f.Model, model.Options{Session: "b", Home: home}); err != nil {
		t.Fatal(err)
	}
	if x, y := describeJSON(t, a, "Shop"), describeJSON(t, b, "Shop"); x != y {
		t.Errorf("tables differ:\n%s\n%s", x, y)
	}
	if x, y := scanJSON(t, a, "Shop"), scanJSON(t, b, "Shop"); x != y {
		t.Errorf("items differ:\n%s\n%s", x, y)
	}
	if x, y := ttlOf(t, a, "Shop"), ttlOf(t, b, "Shop"); x != "expiresAt" || y != x {
		t.Errorf("TTL %q and %q", x, y)
	}
	qa, _ := home.Queries("a")
	qb, _ := home.Queries("b")
	if len(qa) != 2 || len(qb) != 2 {
		t.Fatalf("%d and %d saved queries", len(qa), len(qb))
	}
	for i := range qa {
		if qa[i].Name != qb[i].Name || qa[i].Text != qb[i].Text {
			t.Errorf("saved query %s:\n%q\n%q", qa[i].Name, qa[i].Text, qb[i].Text)
		}
	}
	if fmt.Sprint(exported.Tables[0].Facets) != fmt.Sprint(m.Tables[0].Facets) {
		t.Errorf("facets %v, want the applied model's %v", exported.Tables[0].Facets, m.Tables[0].Facets)
	}
	// Applied again, the exported model changes nothing.
	changes, err := model.Plan(ctx, a, f.Model)
	if err != nil || len(changes) != 0 {
		t.Fatalf("plan after the round trip: %v %v", changes, err)
	}
}

// TestExportInfersFacets: without an applied model, facets come from the
// items' key prefixes.
func TestExportInfersFacets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := newBackend(t)
	m := parseGood(t, goodModel)
	if _, err := model.Apply(ctx, b, m, model.Options{}); err != nil {
		t.Fatal(err)
	}
	exported, _, err := model.Export(ctx, b, model.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(exported.Tables[0].Facets)
	want := "[{UserOrder USER#{userId} ORDER#{orderId} [orderId total userId]} {UserProfile USER#{userId} PROFILE [email userId]}]"
	if got != want {
		t.Fatalf("facets\n%s\nwant\n%s", got, want)
	}
	if len(exported.AccessPatterns) != 0 || len(exported.Tables[0].Items) != 0 {
		t.Fatalf("no session, no items asked: %+v", exported)
	}
}

// TestApplyChanges: adding a GSI, billing, stream and TTL are applied in
// place; dropping or changing an index and changing the key are refused
// without AllowDestructive (nothing changes) and done with it.
func TestApplyChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := newBackend(t)
	m := parseGood(t, goodModel)
	if _, err := model.Apply(ctx, b, m, model.Options{}); err != nil {
		t.Fatal(err)
	}
	// Additions: a GSI on total, provisioned billing, a stream, TTL moved.
	m2 := parseGood(t, strings.NewReplacer(
		`{"AttributeName": "email", "AttributeType": "S"}`, `{"AttributeName": "email", "AttributeType": "S"}, {"AttributeName": "total", "AttributeType": "N"}`,
		`"Projection": {"ProjectionType": "ALL"}}`, `"Projection": {"ProjectionType": "ALL"}, "ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 2}},
		 {"IndexName": "ByTotal", "KeySchema": [{"AttributeName": "total", "KeyType": "HASH"}], "Projection": {"ProjectionType": "KEYS_ONLY"}, "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}`,
		`"BillingMode": "PAY_PER_REQUEST",`, `"BillingMode": "PROVISIONED", "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}, "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_IMAGE"},`,
		`"TimeToLiveAttribute": "expiresAt"`, `"TimeToLiveAttribute": "ttl"`,
	).Replace(goodModel))
	plan, err := model.Plan(ctx, b, m2)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, c := range plan {
		kinds = append(kinds, string(c.Kind))
	}
	if got := strings.Join(kinds, ", "); got != "set billing, add GSI, set stream, set TTL" || len(plan.Destructive()) > 0 {
		t.Fatalf("plan %v", plan)
	}
	if _, err := model.Apply(ctx, b, m2, model.Options{}); err != nil {
		t.Fatal(err)
	}
	d := describe(t, b, "Shop")
	if len(d.GlobalSecondaryIndexes) != 2 || d.GlobalSecondaryIndexes[1].IndexStatus != engine.StatusActive ||
		d.BillingModeSummary.BillingMode != engine.BillingProvisioned || d.StreamSpecification == nil || d.StreamSpecification.StreamViewType != "NEW_IMAGE" {
		t.Fatalf("after the additions: %+v", d)
	}
	if got := ttlOf(t, b, "Shop"); got != "ttl" {
		t.Fatalf("TTL on %q", got)
	}
	res, err := b.Run(ctx, `SELECT * FROM Shop.ByTotal WHERE total = 12.5`, nil, "")
	if err != nil || len(res.Items) != 1 || res.Operation != "Query" {
		t.Fatalf("the new GSI: %v %+v", err, res)
	}

	// Destructive: back to the first model drops ByTotal.
	_, err = model.Apply(ctx, b, m, model.Options{})
	var de *model.DestructiveError
	if !errors.As(err, &de) || !errors.Is(err, model.ErrDestructive) || len(de.Changes) != 1 || de.Changes[0].Kind != model.DropIndex {
		t.Fatalf("err %v", err)
	}
	if !strings.Contains(err.Error(), "drop GSI ByTotal of Shop: not in the model; its 1 entries are deleted") {
		t.Fatalf("message %q", err)
	}
	if d := describe(t, b, "Shop"); len(d.GlobalSecondaryIndexes) != 2 || d.BillingModeSummary.BillingMode != engine.BillingProvisioned {
		t.Fatal("a refused apply changed the table")
	}
	if _, err := model.Apply(ctx, b, m, model.Options{AllowDestructive: true}); err != nil {
		t.Fatal(err)
	}
	if d := describe(t, b, "Shop"); len(d.GlobalSecondaryIndexes) != 1 || d.BillingModeSummary.BillingMode != engine.BillingPayPerRequest || d.StreamSpecification != nil && d.StreamSpecification.StreamEnabled != nil && *d.StreamSpecification.StreamEnabled {
		t.Fatalf("after the destructive apply: %+v", d)
	}

	// A new key schema recreates the table (and says it loses the items).
	m3 := parseGood(t, strings.NewReplacer(`{"AttributeName": "SK", "AttributeType": "S"}`, `{"AttributeName": "SK", "AttributeType": "N"}`,
		`"SK": {"S": "PROFILE"}`, `"SK": {"N": "1"}`, `"SK": {"S": "ORDER#o1"}`, `"SK": {"N": "2"}`,
		`, "SortKey": "PROFILE"`, `, "SortKey": "{SK}"`, `"SortKey": "ORDER#{orderId}"`, `"SortKey": "{SK}"`,
		`AND begins_with(SK, 'ORDER#')`, `AND SK > 1`).Replace(goodModel))
	_, err = model.Apply(ctx, b, m3, model.Options{})
	if !errors.As(err, &de) || de.Changes[0].Kind != model.RecreateTable || !strings.Contains(err.Error(), "key attribute SK is S, the model's N; its 2 items are deleted") {
		t.Fatalf("err %v", err)
	}
	if _, err := model.Apply(ctx, b, m3, model.Options{AllowDestructive: true}); err != nil {
		t.Fatal(err)
	}
	if got := scanJSON(t, b, "Shop"); !strings.Contains(got, `"SK":{"N":"2"}`) || strings.Count(got, "\n") != 1 {
		t.Fatalf("items after recreating:\n%s", got)
	}
}

func describe(t *testing.T, b sessions.Backend, table string) *engine.TableDescription {
	t.Helper()
	out, err := b.DescribeTable(context.Background(), &engine.DescribeTableInput{TableName: table})
	if err != nil {
		t.Fatal(err)
	}
	return out.Table
}

// TestQueryTextRoundTrip: an access pattern survives being a saved query.
func TestQueryTextRoundTrip(t *testing.T) {
	t.Parallel()
	m := parseGood(t, goodModel)
	req := model.AccessPattern{Name: "get-user", Description: "A user\nby id.", Facet: "User",
		Request: &model.Request{Operation: "GetItem", Input: []byte(`{"TableName": "Shop", "Key": {"PK": {"S": "USER#u1"}, "SK": {"S": "PROFILE"}}}`)}}
	for _, ap := range append(slices.Clone(m.AccessPatterns), req) {
		text, err := ap.QueryText()
		if err != nil {
			t.Fatal(err)
		}
		back, err := model.PatternFromQuery(sessions.SavedQuery{Name: ap.Name, Text: text, Description: descriptionOf(t, text)})
		if err != nil {
			t.Fatal(err)
		}
		a, _ := model.Marshal(&model.Model{AccessPatterns: []model.AccessPattern{ap}})
		if ap.Request != nil { // compacted
			ap.Request.Input = []byte(`{"TableName":"Shop","Key":{"PK":{"S":"USER#u1"},"SK":{"S":"PROFILE"}}}`)
			a, _ = model.Marshal(&model.Model{AccessPatterns: []model.AccessPattern{ap}})
		}
		b, _ := model.Marshal(&model.Model{AccessPatterns: []model.AccessPattern{back}})
		if string(a) != string(b) {
			t.Errorf("%s:\n%s\nback as\n%s", ap.Name, a, b)
		}
	}
}

// descriptionOf is what sessions reads as a saved query's description.
func descriptionOf(t *testing.T, text string) string {
	t.Helper()
	q, _, err := sessions.SaveQueryIn(t.TempDir(), "x", text)
	if err != nil {
		t.Fatal(err)
	}
	return q.Description
}
