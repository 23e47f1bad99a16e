package uitest

import (
	"context"
	"fmt"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/partiql"
	"dynalab/sessions"
)

// SelectRunner returns a RunFunc that answers simple SELECTs from the
// engine, the way the real executor would for this test data: a WHERE of
// attribute = literal conjuncts filters the table's items, reported as a
// Query when the partition key is among them, else as a Scan. pageSize > 0
// pages the answer with NextToken. EXPLAIN answers with a plan. Other
// statements answer with an empty result of their write operation.
func SelectRunner(b *Backend, pageSize int) func(ctx context.Context, stmt string, params []attr.Value, token string) (*sessions.Result, error) {
	return func(ctx context.Context, text string, _ []attr.Value, token string) (*sessions.Result, error) {
		st, err := partiql.Parse(text)
		if err != nil {
			return nil, err
		}
		explain := false
		if e, ok := st.(*partiql.Explain); ok {
			st, explain = e.Statement, true
		}
		switch s := st.(type) {
		case *partiql.Select:
			return b.selectItems(ctx, s, explain, pageSize, token)
		case *partiql.Insert:
			return &sessions.Result{Operation: "PutItem", Capacity: 1}, nil
		case *partiql.Update:
			return &sessions.Result{Operation: "UpdateItem", Capacity: 1}, nil
		case *partiql.Delete:
			return &sessions.Result{Operation: "DeleteItem", Capacity: 1}, nil
		}
		return &sessions.Result{Operation: "ExecuteStatement"}, nil
	}
}

func (b *Backend) selectItems(ctx context.Context, s *partiql.Select, explain bool, pageSize int, token string) (*sessions.Result, error) {
	desc, err := b.DB.DescribeTable(ctx, &engine.DescribeTableInput{TableName: s.From.Table})
	if err != nil {
		return nil, err
	}
	pk := desc.Table.KeySchema[0].AttributeName
	want := attr.Item{}
	for _, c := range partiql.Conjuncts(s.Where) {
		bin, ok := c.(*partiql.Binary)
		if !ok || bin.Op != partiql.OpEq {
			continue
		}
		p, ok1 := bin.Left.(*partiql.Path)
		l, ok2 := bin.Right.(*partiql.Literal)
		if ok1 && ok2 && len(p.Steps) == 0 {
			want[p.Name] = l.Value
		}
	}
	op := "Scan"
	if _, ok := want[pk]; ok {
		op = "Query"
	}
	if explain {
		plan := fmt.Sprintf("Operation: %s\nTable: %s\n", op, s.From.Table)
		if op == "Query" {
			plan += fmt.Sprintf("KeyCondition: %s = %s\n", pk, want[pk].Brief())
		}
		return &sessions.Result{Operation: op, Plan: plan}, nil
	}
	var items []attr.Item
	scanned := 0
	for _, it := range b.ScanAll(nil, s.From.Table) {
		if op == "Query" && !attr.Equal(it[pk], want[pk]) {
			continue
		}
		scanned++
		match := true
		for n, v := range want {
			if !attr.Equal(it[n], v) {
				match = false
			}
		}
		if match {
			items = append(items, it)
		}
	}
	res := &sessions.Result{Operation: op, ScannedCount: scanned, Capacity: 0.5}
	start := 0
	if token != "" {
		fmt.Sscanf(token, "page:%d", &start)
	}
	if pageSize > 0 && len(items) > start+pageSize {
		res.NextToken = fmt.Sprintf("page:%d", start+pageSize)
		items = items[start : start+pageSize]
	} else {
		items = items[min(start, len(items)):]
	}
	res.Items = items
	res.Count = len(items)
	return res, nil
}
