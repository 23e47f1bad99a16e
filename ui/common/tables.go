package common

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"dynalab/engine"
)

// KeyAttr is one key attribute: its name and type (S, N or B).
type KeyAttr struct {
	Name string
	Type string
}

// TableInfo is what the panes need to know about a table.
type TableInfo struct {
	Name      string
	Hash      KeyAttr // the partition key
	Range     KeyAttr // the sort key; Name is "" when the table has none
	ItemCount int64   // as DescribeTable reports it
	SizeBytes int64   // as DescribeTable reports it
	Status    string  // ACTIVE, CREATING, ...
	Billing   string  // PROVISIONED or PAY_PER_REQUEST
	RCU, WCU  int64   // provisioned capacity (0 on demand)
	Created   time.Time
	// Indexes are the table's secondary indexes as its description lists
	// them: the LSIs, then the GSIs.
	Indexes []IndexInfo
}

// IndexInfo describes a secondary index. A GSI's key may have up to four
// partition and four sort attributes (multi-attribute keys): Partition and
// Sort list them in key schema order. Hash and Range are the first of
// each, so that single-attribute code reads them as before.
type IndexInfo struct {
	Name      string
	Hash      KeyAttr   // the first partition attribute
	Range     KeyAttr   // the first sort attribute; Name is "" when none
	Partition []KeyAttr // every partition attribute, in order
	Sort      []KeyAttr // every sort attribute, in order (may be empty)
	Global    bool
	// Projection is ALL, KEYS_ONLY or INCLUDE.
	Projection string
	// Status is ACTIVE, CREATING, UPDATING or DELETING (LSIs are always
	// ACTIVE); Backfilling is set while a new GSI is being filled.
	Status      string
	Backfilling bool
}

// Kind is "GSI" or "LSI".
func (ix IndexInfo) Kind() string {
	if ix.Global {
		return "GSI"
	}
	return "LSI"
}

// MultiKey reports whether the index has more than one partition or sort
// attribute.
func (ix IndexInfo) MultiKey() bool { return len(ix.Partition) > 1 || len(ix.Sort) > 1 }

// Unreadable says why the index cannot be read now ("" when it can): a
// GSI being created or backfilled, or being deleted.
func (ix IndexInfo) Unreadable() string {
	switch {
	case ix.Backfilling || ix.Status == engine.StatusCreating:
		return "CREATING: backfilling, not readable until ACTIVE"
	case ix.Status == engine.StatusDeleting:
		return "DELETING: no longer readable"
	}
	return ""
}

// KeySchema renders the index key compactly: partition attributes, then
// " | " and the sort attributes, "userId | status, statusAt".
func (ix IndexInfo) KeySchema() string {
	s := joinNames(ix.Partition)
	if len(ix.Sort) > 0 {
		s += " | " + joinNames(ix.Sort)
	}
	return s
}

// KeyNames returns the index key attribute names, partition attributes
// first.
func (ix IndexInfo) KeyNames() []string {
	out := make([]string, 0, len(ix.Partition)+len(ix.Sort))
	for _, a := range ix.Partition {
		out = append(out, a.Name)
	}
	for _, a := range ix.Sort {
		out = append(out, a.Name)
	}
	return out
}

func joinNames(as []KeyAttr) string {
	s := ""
	for i, a := range as {
		if i > 0 {
			s += ", "
		}
		s += a.Name
	}
	return s
}

// Index returns the table's index called name.
func (t TableInfo) Index(name string) (IndexInfo, bool) {
	for _, ix := range t.Indexes {
		if ix.Name == name {
			return ix, true
		}
	}
	return IndexInfo{}, false
}

// KeyNames returns the table's key attribute names, partition key first.
func (t TableInfo) KeyNames() []string {
	if t.Range.Name == "" {
		return []string{t.Hash.Name}
	}
	return []string{t.Hash.Name, t.Range.Name}
}

// KeySchema renders the key schema as "PK S · SK S".
func (t TableInfo) KeySchema() string {
	s := t.Hash.Name + " " + t.Hash.Type
	if t.Range.Name != "" {
		s += " · " + t.Range.Name + " " + t.Range.Type
	}
	return s
}

// InfoFromDescription extracts a TableInfo from a DescribeTable answer.
func InfoFromDescription(d *engine.TableDescription) TableInfo {
	info := TableInfo{
		Name:      d.TableName,
		ItemCount: d.ItemCount,
		SizeBytes: d.TableSizeBytes,
		Status:    d.TableStatus,
		Billing:   engine.BillingProvisioned,
	}
	if d.BillingModeSummary != nil && d.BillingModeSummary.BillingMode != "" {
		info.Billing = d.BillingModeSummary.BillingMode
	}
	if d.ProvisionedThroughput != nil {
		info.RCU, info.WCU = d.ProvisionedThroughput.ReadCapacityUnits, d.ProvisionedThroughput.WriteCapacityUnits
	}
	if d.CreationDateTime > 0 {
		info.Created = time.UnixMilli(int64(d.CreationDateTime * 1000)).UTC()
	}
	types := map[string]string{}
	for _, a := range d.AttributeDefinitions {
		types[a.AttributeName] = a.AttributeType
	}
	for _, k := range d.KeySchema {
		ka := KeyAttr{Name: k.AttributeName, Type: types[k.AttributeName]}
		if k.KeyType == engine.KeyTypeRange {
			info.Range = ka
		} else {
			info.Hash = ka
		}
	}
	for _, l := range d.LocalSecondaryIndexes {
		ix := indexInfo(l.IndexName, l.KeySchema, l.Projection, types)
		ix.Status = engine.StatusActive
		info.Indexes = append(info.Indexes, ix)
	}
	for _, g := range d.GlobalSecondaryIndexes {
		ix := indexInfo(g.IndexName, g.KeySchema, g.Projection, types)
		ix.Global, ix.Status = true, g.IndexStatus
		if ix.Status == "" {
			ix.Status = engine.StatusActive
		}
		ix.Backfilling = g.Backfilling != nil && *g.Backfilling
		info.Indexes = append(info.Indexes, ix)
	}
	return info
}

// indexInfo reads an index's key schema and projection.
func indexInfo(name string, ks []engine.KeySchemaElement, p *engine.Projection, types map[string]string) IndexInfo {
	ix := IndexInfo{Name: name, Projection: engine.ProjectionAll}
	if p != nil && p.ProjectionType != "" {
		ix.Projection = p.ProjectionType
	}
	for _, k := range ks {
		ka := KeyAttr{Name: k.AttributeName, Type: types[k.AttributeName]}
		if k.KeyType == engine.KeyTypeRange {
			ix.Sort = append(ix.Sort, ka)
		} else {
			ix.Partition = append(ix.Partition, ka)
		}
	}
	if len(ix.Partition) > 0 {
		ix.Hash = ix.Partition[0]
	}
	if len(ix.Sort) > 0 {
		ix.Range = ix.Sort[0]
	}
	return ix
}

// TablesMsg carries the tables of the session, described. Tag is the
// requester's, so that a pane can tell its own request from another's.
type TablesMsg struct {
	Tables   []TableInfo
	Err      error
	Tag      string
	Duration time.Duration
}

// LoadTables returns a command that lists and describes every table.
func LoadTables(c *Common, tag string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := c.OpContext()
		defer cancel()
		start := time.Now()
		tables, err := Do(ctx, func(ctx context.Context) ([]TableInfo, error) {
			return describeAll(ctx, c)
		})
		return TablesMsg{Tables: tables, Err: err, Tag: tag, Duration: time.Since(start)}
	}
}

func describeAll(ctx context.Context, c *Common) ([]TableInfo, error) {
	var names []string
	in := &engine.ListTablesInput{}
	for {
		out, err := c.Backend.ListTables(ctx, in)
		if err != nil {
			return nil, err
		}
		names = append(names, out.TableNames...)
		if out.LastEvaluatedTableName == "" {
			break
		}
		in = &engine.ListTablesInput{ExclusiveStartTableName: out.LastEvaluatedTableName}
	}
	tables := make([]TableInfo, 0, len(names))
	for _, n := range names {
		out, err := c.Backend.DescribeTable(ctx, &engine.DescribeTableInput{TableName: n})
		if err != nil {
			return nil, err
		}
		if out.Table != nil {
			tables = append(tables, InfoFromDescription(out.Table))
		}
	}
	return tables, nil
}
