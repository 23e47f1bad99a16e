package doctor

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/engine/pricing"
	"dynalab/partiql"
)

// indexUses records which indexes the patterns read: table → index →
// the patterns' names ("" is the table itself).
type indexUses map[string]map[string][]string

func (u indexUses) add(table, index, pattern string) {
	if u[table] == nil {
		u[table] = map[string][]string{}
	}
	u[table][index] = append(u[table][index], pattern)
}

// checkPatterns EXPLAINs every saved access pattern: Scans (with the
// index advice EXPLAIN gives), Queries whose filter drops most of what
// they read, reads of attributes the index does not project, and patterns
// that no longer plan. It returns the indexes the patterns read.
func checkPatterns(ctx context.Context, in Input, tables []*engine.TableDescription, r *Report) (indexUses, error) {
	uses := indexUses{}
	for _, p := range in.Patterns {
		if p.Request != nil {
			checkRequest(p, uses, r)
			continue
		}
		stmt, err := partiql.Parse(p.Statement)
		if err != nil {
			r.add(Finding{Severity: Warning, Check: CheckPatternError,
				Evidence: fmt.Sprintf("access pattern %s does not parse: %v", p.Name, err),
				Fix:      "correct it (or delete the saved query: .queries lists them in the REPL)"})
			continue
		}
		s, ok := stmt.(*partiql.Select)
		if !ok {
			continue // writes address one item by its key: nothing to advise
		}
		// Explain's Advice is partiql's IndexAdvice for the statement: the
		// same advice EXPLAIN prints, estimated on the session's items.
		e, err := in.Executor.Explain(ctx, s, p.Parameters)
		if err != nil {
			r.add(Finding{Severity: Warning, Table: s.From.Table, Index: s.From.Index, Check: CheckPatternError,
				Evidence: fmt.Sprintf("access pattern %s does not plan: %v", p.Name, err),
				Fix:      "correct it to the session's tables and indexes, or delete it"})
			continue
		}
		plan := e.Plan
		uses.add(plan.Table, plan.Index, p.Name)
		switch {
		case plan.Operation == partiql.OperationScan:
			r.add(scanFinding(p, s, e))
		case plan.Operation == partiql.OperationQuery && len(plan.Filter) > 0:
			if f, ok := filterFinding(p, s, e); ok {
				r.add(f)
			}
		}
		if plan.Index != "" {
			if err := checkProjection(ctx, in, tableNamed(tables, plan.Table), p, s, plan, r); err != nil {
				return nil, err
			}
		}
	}
	return uses, nil
}

// checkRequest records the index an API-request pattern reads and flags
// a Scan request; EXPLAIN's advice needs the pattern as PartiQL.
func checkRequest(p Pattern, uses indexUses, r *Report) {
	var in struct{ TableName, IndexName string }
	if err := json.Unmarshal(p.Request.Input, &in); err != nil {
		r.add(Finding{Severity: Warning, Check: CheckPatternError,
			Evidence: fmt.Sprintf("access pattern %s: its %s request does not decode: %v", p.Name, p.Request.Operation, err),
			Fix:      "correct the request's JSON"})
		return
	}
	uses.add(in.TableName, in.IndexName, p.Name)
	if p.Request.Operation == "Scan" {
		r.add(Finding{Severity: Warning, Table: in.TableName, Index: in.IndexName, Check: CheckScan,
			Evidence: fmt.Sprintf("access pattern %s is a Scan request: it reads every item of %s", p.Name, target(in.TableName, in.IndexName)),
			Fix:      "write it as a PartiQL SELECT with the attributes it looks for, and EXPLAIN it for the index that serves it"})
	}
}

func target(table, index string) string {
	if index == "" {
		return table
	}
	return table + "." + index
}

// scanFinding is the finding of a pattern that plans as a Scan.
func scanFinding(p Pattern, s *partiql.Select, e *partiql.Explanation) Finding {
	f := Finding{Severity: Warning, Table: e.Plan.Table, Index: e.Plan.Index, Check: CheckScan}
	f.Evidence = fmt.Sprintf("access pattern %s is a Scan of %s", p.Name, target(e.Plan.Table, e.Plan.Index))
	if est := e.Estimate; est != nil {
		f.Evidence += fmt.Sprintf(": examines all %d items to return %d (%s RCU)", est.Examined, est.Returned, units(est.ReadUnits))
	}
	f.Fix = adviceFix(e.Advice)
	if f.Fix == "" {
		f.Fix = "give it a key condition: an index whose partition key the WHERE clause fixes with ="
	}
	return f
}

// filterFinding is the finding of a Query whose filter drops items: Info,
// with the index that moves the filter into the key when there is one.
func filterFinding(p Pattern, s *partiql.Select, e *partiql.Explanation) (Finding, bool) {
	est := e.Estimate
	fix := adviceFix(e.Advice)
	if fix == "" && (est == nil || est.Examined < 2*max(est.Returned, 1)) {
		return Finding{}, false // the filter drops little, and no index does better
	}
	f := Finding{Severity: Info, Table: e.Plan.Table, Index: e.Plan.Index, Check: CheckFilteredQuery}
	f.Evidence = fmt.Sprintf("access pattern %s is a Query with a filter", p.Name)
	if est != nil {
		f.Evidence += fmt.Sprintf(": examines %d items to return %d (%s RCU); the filter drops the rest after they are read and paid for",
			est.Examined, est.Returned, units(est.ReadUnits))
	}
	if fix == "" {
		fix = "if it runs often, move the filtered attribute into a sort key (or a sparse GSI that holds only the items it wants)"
	}
	f.Fix = fix
	return f, true
}

// adviceFix renders partiql's index advice as a fix: the index to read,
// or the GSI to add.
func adviceFix(a *partiql.Advice) string {
	switch {
	case a == nil:
		return ""
	case a.Use != nil:
		u := a.Use
		fix := fmt.Sprintf("%s: read it instead: %s", u.Reason, u.Statement)
		if u.Current != nil && u.Rewritten != nil {
			fix += fmt.Sprintf(" (examines %d items instead of %d)", u.Rewritten.Examined, u.Current.Examined)
		}
		for _, c := range u.Caveats {
			fix += "; note: " + c
		}
		return fix
	case a.Add != nil:
		n := a.Add
		key := n.Partition.Name + " (" + n.Partition.Type.String() + ")"
		if n.Sort.Name != "" {
			key += " and sort key " + n.Sort.Name + " (" + n.Sort.Type.String() + ")"
		}
		proj := n.Projection
		if len(n.NonKeyAttributes) > 0 {
			proj += " " + strings.Join(n.NonKeyAttributes, ", ")
		}
		fix := fmt.Sprintf("no index serves it: add GSI %s with partition key %s, projection %s; then %s is a Query", n.Name, key, proj, n.Statement)
		if c := n.Cost; c != nil && c.Indexed > 0 {
			fix += fmt.Sprintf(" (it would hold %d of the %d items; each write of one costs %s WCU more)", c.Indexed, c.Sampled, units(c.AvgUnits))
		}
		return fix
	case a.Note != "":
		return a.Note
	}
	return ""
}

// units writes capacity units without trailing zeros.
func units(u float64) string { return pricing.FormatUnits(math.Round(u*100) / 100) }

// maxFetchSample bounds the items read to see what SELECT * on an index
// misses.
const maxFetchSample = 25

// checkProjection flags a pattern on an index that reads attributes the
// index does not project: a GSI returns without them (the application
// must read each item again), an LSI fetches each from the table at extra
// read capacity.
func checkProjection(ctx context.Context, in Input, t *engine.TableDescription, p Pattern, s *partiql.Select, plan *partiql.Plan, r *Report) error {
	if t == nil {
		return nil
	}
	proj, keys, global := indexProjection(t, plan.Index)
	if proj == nil || proj.ProjectionType == "" || proj.ProjectionType == engine.ProjectionAll {
		return nil
	}
	projected := map[string]bool{}
	for _, k := range keys {
		projected[k] = true
	}
	for _, k := range t.KeySchema {
		projected[k.AttributeName] = true
	}
	for _, a := range proj.NonKeyAttributes {
		projected[a] = true
	}
	var missing []string
	if s.Star() {
		var err error
		if missing, err = starMissing(ctx, in, t, p, projected); err != nil {
			return err
		}
	} else {
		for _, path := range s.Projection {
			if !projected[path.Name] && !slices.Contains(missing, path.Name) {
				missing = append(missing, path.Name)
			}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	f := Finding{Severity: Warning, Table: t.TableName, Index: plan.Index, Check: CheckProjectionFetch}
	what := "SELECT " + strings.Join(missing, ", ")
	if s.Star() {
		what = "SELECT * (the items also have " + strings.Join(missing, ", ") + ")"
	}
	f.Evidence = fmt.Sprintf("access pattern %s reads %s, which %s (projection %s) does not project", p.Name, what, plan.Index, proj.ProjectionType)
	if global {
		f.Fix = fmt.Sprintf("a GSI cannot fetch from the table: the rows come back without them, and reading each item again costs a GetItem per row; project them (INCLUDE %s, or ALL) or select only projected attributes", strings.Join(missing, ", "))
	} else {
		f.Fix = fmt.Sprintf("DynamoDB fetches each item from the table for them, at extra read capacity; select only projected attributes, or project %s (an LSI's projection is fixed when the table is created)", strings.Join(missing, ", "))
	}
	r.add(f)
	return nil
}

// indexProjection returns an index's projection and key attributes.
func indexProjection(t *engine.TableDescription, index string) (*engine.Projection, []string, bool) {
	for _, g := range t.GlobalSecondaryIndexes {
		if g.IndexName == index {
			return g.Projection, keyNames(g.KeySchema), true
		}
	}
	for _, l := range t.LocalSecondaryIndexes {
		if l.IndexName == index {
			return l.Projection, keyNames(l.KeySchema), false
		}
	}
	return nil, nil, false
}

// starMissing runs a SELECT * pattern on its index and reads the items it
// returns from the table: the attributes they have that the index does
// not project.
func starMissing(ctx context.Context, in Input, t *engine.TableDescription, p Pattern, projected map[string]bool) ([]string, error) {
	limit := int64(maxFetchSample)
	out, err := in.Executor.ExecuteStatement(ctx, &partiql.ExecuteStatementInput{Statement: p.Statement, Parameters: p.Parameters, Limit: &limit})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err() // stopped: not "nothing missing"
		}
		return nil, nil // reported by the plan, or a read that fails: nothing to compare
	}
	missing := map[string]bool{}
	for _, row := range out.Items {
		key := attr.Item{}
		for _, k := range t.KeySchema {
			if v, ok := row[k.AttributeName]; ok {
				key[k.AttributeName] = v
			}
		}
		if len(key) != len(t.KeySchema) {
			continue
		}
		got, err := in.DB.GetItem(ctx, &engine.GetItemInput{TableName: t.TableName, Key: key})
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", t.TableName, err)
		}
		for name := range got.Item {
			if !projected[name] {
				missing[name] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(missing)), nil
}
