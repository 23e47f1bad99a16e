package model

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"dynalab/engine/atomicfile"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/sessions"
)

// sessionModelFile is where Apply keeps the applied model (without its
// items) in the session's directory: its facets are the author's, which
// Export prefers to inferred ones, and the workbench can show them.
const sessionModelFile = "model.json"

// SaveSessionModel keeps m (without its sample items) in the session.
func SaveSessionModel(home sessions.Home, session string, m *Model) error {
	dir, err := home.Dir(session)
	if err != nil {
		return err
	}
	keep := *m
	keep.Tables = slices.Clone(m.Tables)
	for i := range keep.Tables {
		keep.Tables[i].Items = nil
	}
	data, err := Marshal(&keep)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, sessions.PrivateDir); err != nil {
		return fmt.Errorf("save model in session %q: %w", session, err)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, sessionModelFile), data, sessions.PrivateFile); err != nil {
		return fmt.Errorf("save model in session %q: %w", session, err)
	}
	return nil
}

// SessionModel returns the model last applied to the session, nil when
// none was.
func SessionModel(home sessions.Home, session string) (*Model, error) {
	dir, err := home.Dir(session)
	if err != nil {
		return nil, err
	}
	p := filepath.Join(dir, sessionModelFile)
	if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return Load(p)
}

// ExportOptions say what Export writes.
type ExportOptions struct {
	// Name is the model's name.
	Name string
	// Session (or QueriesDir) holds the saved queries that become access
	// patterns, and the model Apply kept, whose facets are used for the
	// tables it describes; "" exports no access patterns.
	Session    string
	QueriesDir string
	// Home is where Session lives.
	Home sessions.Home
	// Items is how many items of each table to include as sample items
	// (the first of a Scan); 0 includes none.
	Items int
	// Sample is how many items of each table are read to infer facets;
	// 0 means 200.
	Sample int
}

// Export describes b's tables as a model: their definitions (keys,
// billing, indexes, stream, TTL), facets (the applied model's, or
// inferred from the key prefixes of a sample of items), the session's
// saved queries as access patterns, and optionally sample items. notes
// say what was left out (saved queries that are not one statement).
func Export(ctx context.Context, b sessions.Backend, opts ExportOptions) (m *Model, notes []string, err error) {
	if opts.Sample <= 0 {
		opts.Sample = 200
	}
	m = &Model{Version: FormatVersion, Name: opts.Name}
	var applied *Model
	if opts.Session != "" {
		if applied, err = SessionModel(opts.Home, opts.Session); err != nil {
			return nil, nil, err
		}
	}
	names, err := listTables(ctx, b)
	if err != nil {
		return nil, nil, err
	}
	for _, name := range names {
		d, err := describe(ctx, b, name)
		if err != nil {
			return nil, nil, err
		}
		if d == nil {
			continue // deleted meanwhile
		}
		t := tableFromDescription(d)
		if tb, ok := b.(ttlBackend); ok {
			out, err := tb.DescribeTimeToLive(ctx, &engine.DescribeTimeToLiveInput{TableName: name})
			if err != nil {
				return nil, nil, fmt.Errorf("describe TTL of %s: %w", name, err)
			}
			if td := out.TimeToLiveDescription; td != nil && (td.TimeToLiveStatus == "ENABLED" || td.TimeToLiveStatus == "ENABLING") {
				t.TimeToLiveAttribute = td.AttributeName
			}
		}
		limit := int64(max(opts.Sample, opts.Items))
		out, err := b.Scan(ctx, &engine.ScanInput{TableName: name, Limit: &limit})
		if err != nil {
			return nil, nil, fmt.Errorf("sample items of %s: %w", name, err)
		}
		t.Facets = InferFacets(&t, out.Items)
		if applied != nil {
			if at := applied.Table(name); at != nil && len(at.Facets) > 0 {
				t.Facets = at.Facets
			}
		}
		if opts.Items > 0 {
			t.Items = out.Items[:min(opts.Items, len(out.Items))]
		}
		m.Tables = append(m.Tables, t)
	}
	if applied != nil {
		m.Description = applied.Description
		if m.Name == "" {
			m.Name = applied.Name
		}
	}
	dir := opts.QueriesDir
	if dir == "" && opts.Session != "" {
		if dir, err = opts.Home.QueriesDir(opts.Session); err != nil {
			return nil, nil, err
		}
	}
	if dir != "" {
		qs, err := sessions.QueriesIn(dir)
		if err != nil {
			return nil, nil, fmt.Errorf("saved queries: %w", err)
		}
		for _, q := range qs {
			ap, err := PatternFromQuery(q)
			if err != nil {
				notes = append(notes, "left out "+err.Error())
				continue
			}
			m.AccessPatterns = append(m.AccessPatterns, ap)
		}
	}
	return m, notes, nil
}

func listTables(ctx context.Context, b sessions.Backend) ([]string, error) {
	var names []string
	in := &engine.ListTablesInput{}
	for {
		out, err := b.ListTables(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("list tables: %w", err)
		}
		names = append(names, out.TableNames...)
		if out.LastEvaluatedTableName == "" {
			return names, nil
		}
		in.ExclusiveStartTableName = out.LastEvaluatedTableName
	}
}

// tableFromDescription turns DescribeTable's answer into a model table.
func tableFromDescription(d *engine.TableDescription) Table {
	t := Table{TableName: d.TableName, AttributeDefinitions: d.AttributeDefinitions, KeySchema: d.KeySchema,
		BillingMode: describedBilling(d)}
	if t.BillingMode == engine.BillingProvisioned && d.ProvisionedThroughput != nil {
		t.ProvisionedThroughput = throughput(d.ProvisionedThroughput)
	}
	if d.TableClassSummary != nil && d.TableClassSummary.TableClass != "STANDARD" {
		t.TableClass = d.TableClassSummary.TableClass
	}
	for _, l := range d.LocalSecondaryIndexes {
		t.LocalSecondaryIndexes = append(t.LocalSecondaryIndexes, engine.LocalSecondaryIndex{IndexName: l.IndexName, KeySchema: l.KeySchema, Projection: l.Projection})
	}
	for _, g := range d.GlobalSecondaryIndexes {
		gi := engine.GlobalSecondaryIndex{IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection}
		if t.BillingMode == engine.BillingProvisioned && g.ProvisionedThroughput != nil {
			gi.ProvisionedThroughput = throughput(g.ProvisionedThroughput)
		}
		t.GlobalSecondaryIndexes = append(t.GlobalSecondaryIndexes, gi)
	}
	if streamView(d.StreamSpecification) != "" {
		t.StreamSpecification = d.StreamSpecification
	}
	return t
}

func throughput(p *engine.ProvisionedThroughputDescription) *engine.ProvisionedThroughput {
	r, w := p.ReadCapacityUnits, p.WriteCapacityUnits
	return &engine.ProvisionedThroughput{ReadCapacityUnits: &r, WriteCapacityUnits: &w}
}

// keyValueText is a key value as a pattern sees it: a string's text, a
// number's canonical digits.
func keyValueText(v attr.Value) (string, bool) {
	switch v.Type() {
	case attr.TypeS, attr.TypeN:
		return v.Str(), true
	}
	return "", false
}
