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
	// them. The engine's TableDescription has no index members yet, so this
	// is empty until it gains them.
	Indexes []IndexInfo
}

// IndexInfo describes a secondary index.
type IndexInfo struct {
	Name   string
	Hash   KeyAttr
	Range  KeyAttr
	Global bool
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
	return info
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
