package engine

import (
	"context"
	"sort"
)

// ListTablesInput is the ListTables request.
type ListTablesInput struct {
	ExclusiveStartTableName string `json:"ExclusiveStartTableName,omitempty"`
	Limit                   *int64 `json:"Limit,omitempty"`
}

// ListTablesOutput is the ListTables response.
type ListTablesOutput struct {
	TableNames             []string `json:"TableNames"`
	LastEvaluatedTableName string   `json:"LastEvaluatedTableName,omitempty"`
}

// ListTables lists table names in byte order, at most Limit (1..100,
// default 100) per page.
func (db *DB) ListTables(ctx context.Context, in *ListTablesInput) (*ListTablesOutput, error) {
	var c constraints
	if in.ExclusiveStartTableName != "" {
		c.nameRules(in.ExclusiveStartTableName, "exclusiveStartTableName")
	}
	c.minInt(in.Limit, "limit", 1)
	c.maxInt(in.Limit, "limit", 100)
	if err := c.err(); err != nil {
		return nil, err
	}
	limit := 100
	if in.Limit != nil {
		limit = int(*in.Limit)
	}
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return nil, ErrClosed
	}
	names := db.tableNames()
	start := 0
	if in.ExclusiveStartTableName != "" {
		start = sort.Search(len(names), func(i int) bool { return names[i] > in.ExclusiveStartTableName })
	}
	out := &ListTablesOutput{TableNames: []string{}}
	end := min(start+limit, len(names))
	out.TableNames = append(out.TableNames, names[start:end]...)
	if end < len(names) && len(out.TableNames) > 0 {
		out.LastEvaluatedTableName = out.TableNames[len(out.TableNames)-1]
	}
	return out, nil
}
