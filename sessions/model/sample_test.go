package model_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/partiql"
	"dynalab/sessions"
	"dynalab/sessions/model"
	"dynalab/sessions/samples"
)

var update = flag.Bool("update", false, "rewrite the samples' model files (sessions/samples/data/NAME/model.json) from their data")

// sampleModel builds a sample's model from its data: its tables and
// items, facets inferred from the items, its saved queries as access
// patterns, each with the facet every item it returns is of.
func sampleModel(t *testing.T, s *samples.Sample) *model.Model {
	t.Helper()
	m := &model.Model{Version: model.FormatVersion, Name: s.Name, Description: s.Title + "\n\n" + s.Description}
	for _, in := range s.Tables {
		tb := model.Table{TableName: in.TableName, AttributeDefinitions: in.AttributeDefinitions, KeySchema: in.KeySchema,
			BillingMode: in.BillingMode, ProvisionedThroughput: in.ProvisionedThroughput, TableClass: in.TableClass,
			LocalSecondaryIndexes: in.LocalSecondaryIndexes, GlobalSecondaryIndexes: in.GlobalSecondaryIndexes,
			StreamSpecification: in.StreamSpecification}
		items, err := s.ItemsOf(in.TableName)
		if err != nil {
			t.Fatal(err)
		}
		tb.Items = items
		tb.Facets = model.InferFacets(&tb, items)
		m.Tables = append(m.Tables, tb)
	}
	b := newBackend(t)
	ctx := context.Background()
	if _, err := model.Apply(ctx, b, m, model.Options{}); err != nil {
		t.Fatal(err)
	}
	for _, q := range s.Queries {
		ap, err := model.PatternFromQuery(sessions.SavedQuery{Name: q.Name, Description: q.Description, Text: q.Text})
		if err != nil {
			t.Fatal(err)
		}
		ap.Facet = returnedFacet(t, b, m, &ap)
		m.AccessPatterns = append(m.AccessPatterns, ap)
	}
	return m
}

// returnedFacet returns the facet every item an access pattern returns is
// of, "" when they are of several or none. A pattern is a SELECT or an API
// Query (an index PartiQL cannot read); others have no facet.
func returnedFacet(t *testing.T, b sessions.Backend, m *model.Model, ap *model.AccessPattern) string {
	t.Helper()
	var table string
	var items []attr.Item
	switch {
	case ap.Request != nil && ap.Request.Operation == "Query":
		var in engine.QueryInput
		if err := json.Unmarshal(ap.Request.Input, &in); err != nil {
			t.Fatalf("%s: %v", ap.Name, err)
		}
		out, err := b.Query(context.Background(), &in)
		if err != nil {
			t.Fatalf("%s: %v", ap.Name, err)
		}
		table, items = in.TableName, out.Items
	case ap.Request != nil:
		return ""
	default:
		st, err := partiql.Parse(ap.Statement)
		if err != nil {
			t.Fatal(err)
		}
		sel, ok := st.(*partiql.Select)
		if !ok {
			return ""
		}
		res, err := b.Run(context.Background(), ap.Statement, nil, "")
		if err != nil {
			t.Fatalf("%s: %v", ap.Statement, err)
		}
		table, items = sel.From.Table, res.Items
	}
	tb := m.Table(table)
	found := ""
	for _, it := range items {
		name := ""
		for i := range tb.Facets {
			if tb.Facets[i].Match(tb, it) {
				name = tb.Facets[i].Name
				break
			}
		}
		if name == "" || (found != "" && name != found) {
			return ""
		}
		found = name
	}
	return found
}

func modelPath(name string) string {
	return filepath.Join("..", "samples", "data", name, "model.json")
}

// TestSampleModelFiles: each sample ships as a model file generated from
// its data (go test -run TestSampleModelFiles -update rewrites them), which
// checks clean, and which applied to a session gives what loading the
// sample does: the same tables, items and saved queries.
func TestSampleModelFiles(t *testing.T) {
	t.Parallel()
	for _, s := range samples.List() {
		t.Run(s.Name, func(t *testing.T) {
			want := sampleModel(t, &s)
			data, err := model.Marshal(want)
			if err != nil {
				t.Fatal(err)
			}
			if *update {
				if err := os.WriteFile(modelPath(s.Name), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			shipped, err := s.ModelFile()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(shipped, data) {
				t.Fatalf("%s is not what the sample's data gives: run go test ./sessions/model -run TestSampleModelFiles -update", modelPath(s.Name))
			}
			if ps := model.Check(s.Name+"/model.json", shipped); len(ps) > 0 {
				t.Fatalf("problems:\n%v", ps)
			}
			f, _ := model.Parse("model.json", shipped)

			// Loaded as a sample and applied as a model, the sessions agree.
			ctx := context.Background()
			home := sessions.NewHome(t.TempDir())
			loaded, applied := openSession(t, home, "loaded"), openSession(t, home, "applied")
			if _, err := samples.Load(ctx, loaded, s.Name, samples.Options{Session: "loaded", Home: home}); err != nil {
				t.Fatal(err)
			}
			if _, err := model.Apply(ctx, applied, f.Model, model.Options{Session: "applied", Home: home}); err != nil {
				t.Fatal(err)
			}
			for _, tb := range s.Tables {
				a, b := describeJSON(t, loaded, tb.TableName), describeJSON(t, applied, tb.TableName)
				if a != b {
					t.Errorf("table %s:\nloaded  %s\napplied %s", tb.TableName, a, b)
				}
				if x, y := scanJSON(t, loaded, tb.TableName), scanJSON(t, applied, tb.TableName); x != y {
					t.Errorf("table %s: items differ", tb.TableName)
				}
			}
			lq, _ := home.Queries("loaded")
			aq, _ := home.Queries("applied")
			if len(lq) != len(aq) || len(lq) != len(s.Queries) {
				t.Fatalf("%d saved queries loaded, %d applied, want %d", len(lq), len(aq), len(s.Queries))
			}
			for i := range lq {
				if lq[i].Name != aq[i].Name || lq[i].Description != aq[i].Description || statement(t, lq[i].Text) != statement(t, aq[i].Text) {
					t.Errorf("saved query %s:\nloaded  %q\napplied %q", lq[i].Name, lq[i].Text, aq[i].Text)
				}
			}
		})
	}
}

// statement returns a saved query's statement, formatted.
func statement(t *testing.T, text string) string {
	t.Helper()
	stmts := partiql.SplitScript(text)
	if len(stmts) == 0 {
		// An API request: its -- @request line.
		ap, err := model.PatternFromQuery(sessions.SavedQuery{Name: "q", Text: text})
		if err != nil || ap.Request == nil {
			t.Fatalf("no statement and no request in %q: %v", text, err)
		}
		return ap.Request.Operation + " " + string(ap.Request.Input)
	}
	if len(stmts) != 1 {
		t.Fatalf("%d statements in %q", len(stmts), text)
	}
	st, err := partiql.Parse(stmts[0].Text)
	if err != nil {
		t.Fatal(err)
	}
	return partiql.Format(st)
}

// describeJSON describes a table without what differs between two
// creations (times, ARNs, ids).
func describeJSON(t *testing.T, b sessions.Backend, table string) string {
	t.Helper()
	out, err := b.DescribeTable(context.Background(), &engine.DescribeTableInput{TableName: table})
	if err != nil {
		t.Fatal(err)
	}
	d := *out.Table
	d.CreationDateTime, d.TableArn, d.TableId, d.LatestStreamArn, d.LatestStreamLabel = 0, "", "", "", ""
	d.BillingModeSummary = nil // its time of the switch to on-demand is the time of creation
	if d.BillingModeSummary = out.Table.BillingModeSummary; d.BillingModeSummary != nil {
		d.BillingModeSummary = &engine.BillingModeSummary{BillingMode: out.Table.BillingModeSummary.BillingMode}
	}
	d.GlobalSecondaryIndexes = slices.Clone(d.GlobalSecondaryIndexes)
	for i := range d.GlobalSecondaryIndexes {
		d.GlobalSecondaryIndexes[i].IndexArn = ""
	}
	d.LocalSecondaryIndexes = slices.Clone(d.LocalSecondaryIndexes)
	for i := range d.LocalSecondaryIndexes {
		d.LocalSecondaryIndexes[i].IndexArn = ""
	}
	data, _ := json.Marshal(d)
	return string(data)
}

// scanJSON returns a table's items, sorted.
func scanJSON(t *testing.T, b sessions.Backend, table string) string {
	t.Helper()
	var lines []string
	in := &engine.ScanInput{TableName: table}
	for {
		out, err := b.Scan(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range out.Items {
			lines = append(lines, string(attr.AppendItem(nil, it)))
		}
		if len(out.LastEvaluatedKey) == 0 {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}
