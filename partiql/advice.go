package partiql

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/engine/pricing"
)

// Advice is what EXPLAIN teaches about a read that examines more than it
// must: a Scan (or a Query whose filter another index could turn into a
// key condition) and the index that would make it a Query. At most one of
// Use and Add is set; Note says why neither is, when nothing helps.
type Advice struct {
	// Use is an existing index (or the table itself) on which the
	// statement would be a Query.
	Use *IndexUse
	// Add is the GSI to create when no existing index serves a Scan.
	Add *NewIndex
	// Note says why no index can help.
	Note string
}

// IndexUse is an existing index that serves a statement.
type IndexUse struct {
	Index  string // "" for the table itself
	Global bool
	// Reason says which of its keys the WHERE clause fixes, e.g.
	// "GSI2-multi has userId as its partition key".
	Reason string
	// Statement is the statement rewritten to read it.
	Statement string
	// Plan is the rewritten statement's plan (a Query or GetItem).
	Plan *Plan
	// Current and Rewritten are the estimates of the statement as written
	// and rewritten; nil when not estimated (a remote endpoint).
	Current, Rewritten *Estimate
	// Caveats say what the rewrite changes: attributes the index does not
	// project, items it does not hold.
	Caveats []string
}

// NewIndex is a GSI that would serve a statement.
type NewIndex struct {
	Table            string
	Name             string
	Partition        KeyAttribute
	Sort             KeyAttribute // Name is "" when none
	Projection       string       // ALL, KEYS_ONLY or INCLUDE
	NonKeyAttributes []string     // INCLUDE's attributes
	// Statement is the statement rewritten to read the new index.
	Statement string
	// Cost is what maintaining it would cost per write; nil when not
	// estimated.
	Cost *WriteCost
}

// WriteCost is what an index costs per table write, measured on the
// table's items with the service's capacity arithmetic (1 WCU per 1 KB of
// the index entry, rounded up): a write that adds, removes or rewrites an
// item's entry costs Units of the entry; one that changes the index key
// costs a delete plus a put.
type WriteCost struct {
	Sampled   int     // table items read
	Indexed   int     // of those, items that would have an entry
	AvgBytes  int     // average entry size
	AvgUnits  float64 // average WCU of writing one entry
	MaxUnits  float64 // the largest entry's WCU
	Truncated bool    // the sample stopped before the end of the table
}

// Update returns the UpdateTable action that creates the index.
func (n *NewIndex) Update() engine.GlobalSecondaryIndexUpdate {
	ks := []engine.KeySchemaElement{{AttributeName: n.Partition.Name, KeyType: engine.KeyTypeHash}}
	if n.Sort.Name != "" {
		ks = append(ks, engine.KeySchemaElement{AttributeName: n.Sort.Name, KeyType: engine.KeyTypeRange})
	}
	return engine.GlobalSecondaryIndexUpdate{Create: &engine.GlobalSecondaryIndex{IndexName: n.Name, KeySchema: ks,
		Projection: &engine.Projection{ProjectionType: n.Projection, NonKeyAttributes: n.NonKeyAttributes}}}
}

// AttributeDefinitions returns the definitions UpdateTable needs with
// Update's action.
func (n *NewIndex) AttributeDefinitions() []engine.AttributeDefinition {
	defs := []engine.AttributeDefinition{{AttributeName: n.Partition.Name, AttributeType: n.Partition.Type.String()}}
	if n.Sort.Name != "" {
		defs = append(defs, engine.AttributeDefinition{AttributeName: n.Sort.Name, AttributeType: n.Sort.Type.String()})
	}
	return defs
}

// IndexAdvice says which index would serve a SELECT (stmt, or the SELECT an
// EXPLAIN wraps) that plans as a Scan — or as a Query whose filter another
// index turns into a key condition — and, for a Scan no index serves, the
// GSI to add. With estimate set it reads the table to count what each
// would examine and what the new index would cost per write (free on the
// embedded engine; on a billed endpoint leave it unset). It returns nil
// when the statement is not such a read.
func (x *Executor) IndexAdvice(ctx context.Context, stmt Statement, params []attr.Value, estimate bool) (*Advice, error) {
	if e, ok := stmt.(*Explain); ok {
		stmt = e.Statement
	}
	s, ok := stmt.(*Select)
	if !ok {
		return nil, nil
	}
	p, err := x.Plan(ctx, s, params)
	if err != nil || !advisable(p) {
		return nil, err
	}
	var current *Estimate
	if estimate {
		if current, err = x.estimateRead(ctx, p); err != nil {
			return nil, err
		}
	}
	return x.advise(ctx, s, p, params, current, estimate)
}

// advisable reports whether a plan reads more than its key condition
// selects: a Scan, or a Query with a filter.
func advisable(p *Plan) bool {
	_, isSelect := p.Statement.(*Select)
	return isSelect && (p.Operation == OperationScan || (p.Operation == OperationQuery && len(p.Filter) > 0))
}

// advise is IndexAdvice for a planned statement, with its estimate when
// there is one.
func (x *Executor) advise(ctx context.Context, s *Select, p *Plan, params []attr.Value, current *Estimate, estimate bool) (*Advice, error) {
	schema, err := x.Schema(ctx, s.From.Table, true)
	if err != nil {
		return nil, err
	}
	use, err := x.bestIndex(ctx, s, p, schema, params, current)
	if err != nil || use != nil {
		return &Advice{Use: use}, err
	}
	if p.Operation != OperationScan {
		return nil, nil
	}
	if note := multiKeyNote(s, schema, params); note != "" {
		return &Advice{Note: note}, nil
	}
	add, note := suggestIndex(s, schema, params)
	if add == nil {
		return &Advice{Note: note}, nil
	}
	if estimate {
		if add.Cost, err = x.writeCost(ctx, schema, add); err != nil {
			return nil, err
		}
	}
	return &Advice{Add: add}, nil
}

// bestIndex plans the statement on the table and on each index and keeps
// the one where it is a Query examining the fewest items (without
// estimates: with the most key conditions).
func (x *Executor) bestIndex(ctx context.Context, s *Select, p *Plan, schema *Schema, params []attr.Value, current *Estimate) (*IndexUse, error) {
	targets := []string{}
	if s.From.Index != "" {
		targets = append(targets, "")
	}
	for _, ix := range schema.Indexes {
		if ix.Name != s.From.Index {
			targets = append(targets, ix.Name)
		}
	}
	var best *IndexUse
	for _, target := range targets {
		rw := *s
		rw.From.Index = target
		cp, err := x.Plan(ctx, &rw, params)
		if err != nil || (cp.Operation != OperationQuery && cp.Operation != OperationGetItem) {
			continue // the statement does not fix this index's partition key
		}
		if p.Operation == OperationQuery && len(cp.KeyCondition) <= len(p.KeyCondition) {
			continue // no condition moves from the filter into the key
		}
		use := &IndexUse{Index: target, Global: cp.GlobalIndex, Statement: Format(&rw), Plan: cp, Current: current}
		if current != nil {
			if use.Rewritten, err = x.estimateRead(ctx, cp); err != nil {
				return nil, err
			}
			if use.Rewritten.Examined >= current.Examined && p.Operation == OperationQuery {
				continue
			}
		}
		if best == nil || better(use, best) {
			best = use
		}
	}
	if best != nil {
		describeUse(best, s, schema)
	}
	return best, nil
}

// better orders candidates: fewer items examined, then more key
// conditions, then the table before its indexes (no projection or
// sparseness to think about).
func better(a, b *IndexUse) bool {
	if a.Rewritten != nil && b.Rewritten != nil && a.Rewritten.Examined != b.Rewritten.Examined {
		return a.Rewritten.Examined < b.Rewritten.Examined
	}
	if len(a.Plan.KeyCondition) != len(b.Plan.KeyCondition) {
		return len(a.Plan.KeyCondition) > len(b.Plan.KeyCondition)
	}
	return a.Index == "" && b.Index != ""
}

// describeUse fills in the reason and the caveats of an index's use.
func describeUse(u *IndexUse, s *Select, schema *Schema) {
	ks, what := schema.Key, "the table "+schema.Table
	var ix *IndexSchema
	if u.Index != "" {
		ix = schema.Index(u.Index)
		ks, what = ix.Key, u.Index
	}
	used := map[string]bool{}
	for _, c := range u.Plan.KeyCondition {
		Walk(c, func(n Node) bool {
			if p, ok := n.(*Path); ok {
				used[p.Name] = true
			}
			return true
		})
	}
	var hash, rng []string
	for _, a := range partitionAttrs(ks) {
		hash = append(hash, a.Name)
	}
	for _, a := range sortAttrs(ks) {
		if used[a.Name] {
			rng = append(rng, a.Name)
		}
	}
	u.Reason = fmt.Sprintf("%s has %s as its partition key", what, andList(hash))
	if len(rng) > 0 {
		u.Reason += fmt.Sprintf(" and %s in its sort key", andList(rng))
	}
	if ix == nil {
		return
	}
	// Items without every key attribute of an index are not in it.
	var missing []string
	for _, n := range ks.Names() {
		if !whereReads(s.Where, n) {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		u.Caveats = append(u.Caveats, fmt.Sprintf("%s holds only the items that have %s: others the WHERE clause matches are not in it", u.Index, andList(missing)))
	}
	if ix.Projection == "" || ix.Projection == "ALL" {
		return
	}
	projected := map[string]bool{}
	for _, n := range append(append(schema.Key.Names(), ks.Names()...), ix.NonKeyAttributes...) {
		projected[n] = true
	}
	if s.Star() {
		u.Caveats = append(u.Caveats, fmt.Sprintf("%s projects %s: SELECT * there returns only %s", u.Index, ix.Projection, andList(slices.Sorted(maps.Keys(projected)))))
		return
	}
	var absent []string
	for _, p := range s.Projection {
		if !projected[p.Name] && !slices.Contains(absent, p.Name) {
			absent = append(absent, p.Name)
		}
	}
	if len(absent) > 0 {
		u.Caveats = append(u.Caveats, fmt.Sprintf("%s does not project %s: the rewritten statement returns without them", u.Index, andList(absent)))
	}
}

// multiKeyNote names a GSI with a multi-attribute key whose partition
// attributes the WHERE clause fixes: the API's Query reads it, PartiQL
// cannot (msgMultiKeyIndex), so rather than a new index the advice
// points there.
func multiKeyNote(s *Select, schema *Schema, params []attr.Value) string {
	for _, ix := range schema.Indexes {
		if !ix.Key.Multi() || !multiKeyQueryable(s.Where, ix.Key, params) {
			continue
		}
		var hash []string
		for _, a := range ix.Key.Hashes {
			hash = append(hash, a.Name)
		}
		return fmt.Sprintf("%s has %s as its partition key, but PartiQL cannot read an index with a multi-attribute key: "+
			"use the API's Query on %s (a KeyConditionExpression with = on %s), from the Browser's key bar or in code",
			ix.Name, andList(hash), ix.Name, andList(hash))
	}
	return ""
}

func partitionAttrs(k KeySchema) []KeyAttribute {
	if k.Multi() && len(k.Hashes) > 0 {
		return k.Hashes
	}
	return []KeyAttribute{k.Hash}
}

func sortAttrs(k KeySchema) []KeyAttribute {
	if k.Multi() {
		return k.Ranges
	}
	if k.Range.Name == "" {
		return nil
	}
	return []KeyAttribute{k.Range}
}

// whereReads reports whether a WHERE clause reads the top-level attribute.
func whereReads(where Expr, name string) bool {
	found := false
	if where != nil {
		Walk(where, func(n Node) bool {
			if p, ok := n.(*Path); ok && p.Name == name {
				found = true
			}
			return !found
		})
	}
	return found
}

// suggestIndex designs the GSI that makes a Scan a Query: its partition
// key is an attribute the WHERE clause fixes with =, its sort key one it
// bounds (<, >, BETWEEN, begins_with) or a second equality.
func suggestIndex(s *Select, schema *Schema, params []attr.Value) (*NewIndex, string) {
	var eqs, ranges []terminal
	for _, c := range Conjuncts(s.Where) {
		t, ok, err := asTerminal(c, params)
		if !ok || err != nil || t.path == nil || len(t.path.Steps) > 0 || len(t.values) == 0 {
			continue
		}
		if !keyType(t.values[0].Type()) || (t.op == keyBeginsWith && t.values[0].Type() == attr.TypeN) {
			continue
		}
		switch t.op {
		case keyEq:
			eqs = append(eqs, t)
		case keyLt, keyLe, keyGt, keyGe, keyBetween, keyBeginsWith:
			ranges = append(ranges, t)
		}
	}
	if len(eqs) == 0 {
		return nil, "no index can make this a Query: a Query needs its partition key's value, " +
			"and the WHERE clause fixes no attribute with = to a string, number or binary"
	}
	n := &NewIndex{Table: schema.Table, Partition: KeyAttribute{Name: eqs[0].path.Name, Type: eqs[0].values[0].Type()}}
	switch {
	case len(ranges) > 0 && ranges[0].path.Name != n.Partition.Name:
		n.Sort = KeyAttribute{Name: ranges[0].path.Name, Type: ranges[0].values[0].Type()}
	case len(eqs) > 1 && eqs[1].path.Name != n.Partition.Name:
		n.Sort = KeyAttribute{Name: eqs[1].path.Name, Type: eqs[1].values[0].Type()}
	}
	n.Name = n.Partition.Name
	if n.Sort.Name != "" {
		n.Name += "-" + n.Sort.Name
	}
	n.Name += "-index" // the console's default name
	for i := 2; schema.Index(n.Name) != nil; i++ {
		n.Name = strings.TrimSuffix(n.Name, fmt.Sprint(i-1)) + fmt.Sprint(i)
	}
	n.Projection = "ALL"
	if !s.Star() {
		keys := append(schema.Key.Names(), n.Partition.Name, n.Sort.Name)
		for _, p := range s.Projection {
			if !slices.Contains(keys, p.Name) && !slices.Contains(n.NonKeyAttributes, p.Name) {
				n.NonKeyAttributes = append(n.NonKeyAttributes, p.Name)
			}
		}
		n.Projection = "INCLUDE"
		if len(n.NonKeyAttributes) == 0 {
			n.Projection = "KEYS_ONLY"
		}
	}
	rw := *s
	rw.From.Index = n.Name
	n.Statement = Format(&rw)
	return n, ""
}

func keyType(t attr.Type) bool { return t == attr.TypeS || t == attr.TypeN || t == attr.TypeB }

// writeCost reads the table's items (at most maxEstimatePages pages) and
// sizes the entries the new index would hold.
func (x *Executor) writeCost(ctx context.Context, schema *Schema, n *NewIndex) (*WriteCost, error) {
	cost := &WriteCost{}
	in := &engine.ScanInput{TableName: schema.Table}
	keep := map[string]bool{n.Partition.Name: true, n.Sort.Name: true}
	for _, k := range schema.Key.Names() {
		keep[k] = true
	}
	for _, a := range n.NonKeyAttributes {
		keep[a] = true
	}
	total := 0
	for pages := 0; ; pages++ {
		if pages == maxEstimatePages {
			cost.Truncated = true
			break
		}
		out, err := x.db.Scan(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, it := range out.Items {
			cost.Sampled++
			if _, ok := it[n.Partition.Name]; !ok {
				continue
			}
			if _, ok := it[n.Sort.Name]; n.Sort.Name != "" && !ok {
				continue
			}
			entry := it
			if n.Projection != "ALL" {
				entry = attr.Item{}
				for k, v := range it {
					if keep[k] {
						entry[k] = v
					}
				}
			}
			size := entry.Size()
			u := pricing.WriteUnits(int64(size), false)
			cost.Indexed++
			total += size
			cost.AvgUnits += u
			cost.MaxUnits = max(cost.MaxUnits, u)
		}
		if len(out.LastEvaluatedKey) == 0 {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	if cost.Indexed > 0 {
		cost.AvgBytes = total / cost.Indexed
		cost.AvgUnits /= float64(cost.Indexed)
	}
	return cost, nil
}

// lines renders the advice as EXPLAIN prints it.
func (a *Advice) lines(line func(label, text string)) {
	switch {
	case a.Use != nil:
		u := a.Use
		target := "the table"
		if u.Index != "" {
			target = u.Index
		}
		line("Better", fmt.Sprintf("%s: on %s this is a %s", u.Reason, target, u.Plan.Operation))
		line("Rewritten", u.Statement)
		if u.Current != nil && u.Rewritten != nil {
			text := fmt.Sprintf("examines %d item%s instead of %d", u.Rewritten.Examined, plural(u.Rewritten.Examined), u.Current.Examined)
			if u.Rewritten.Returned != u.Current.Returned {
				text += fmt.Sprintf("; returns %d instead of %d", u.Rewritten.Returned, u.Current.Returned)
			} else {
				text += fmt.Sprintf("; returns the same %d", u.Current.Returned)
			}
			text += fmt.Sprintf("; %s RCU instead of %s", unitsText(u.Rewritten.ReadUnits), unitsText(u.Current.ReadUnits))
			line("Examined", text)
		}
		for _, c := range u.Caveats {
			line("Note", c)
		}
	case a.Add != nil:
		n := a.Add
		key := n.Partition.Name + " " + n.Partition.Type.String()
		if n.Sort.Name != "" {
			key += " (partition), " + n.Sort.Name + " " + n.Sort.Type.String() + " (sort)"
		}
		proj := n.Projection
		if len(n.NonKeyAttributes) > 0 {
			proj += " " + strings.Join(n.NonKeyAttributes, ", ")
		}
		line("No index serves it", "add a GSI "+n.Name+": "+key+"; projection "+proj)
		line("Then", n.Statement+" is a Query")
		if c := n.Cost; c != nil {
			at := ""
			if c.Truncated {
				at = " (first pages)"
			}
			line("Write cost", fmt.Sprintf("%d of %d items%s would be in it, entries of %d B on average: "+
				"a write that adds, changes or removes an entry costs %s WCU more (at most %s); "+
				"one that changes %s costs twice (delete + put); items without it cost nothing",
				c.Indexed, c.Sampled, at, c.AvgBytes, trimUnits(c.AvgUnits), unitsText(c.MaxUnits), n.Partition.Name))
		} else {
			line("Write cost", "each write of an item with "+n.Partition.Name+" also writes its entry: 1 WCU per KB of the projected entry")
		}
	case a.Note != "":
		line("Index advice", a.Note)
	}
}

func trimUnits(u float64) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", u), "0"), ".")
}

// andList joins names as "a", "a and b", "a, b and c".
func andList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
