package partiql

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/engine/expr"
)

// Explanation is what EXPLAIN shows: the plan and, when the executor runs
// on the embedded engine, what running it would cost.
type Explanation struct {
	Plan     *Plan
	Estimate *Estimate // nil when not estimated (a remote endpoint)
	// NoEstimate says why there is no estimate.
	NoEstimate string
	// Advice is the index that would serve a Scan (or a filtered Query)
	// better, or the GSI to add; nil when there is nothing to say.
	Advice *Advice
}

// Estimate is what a statement would do, measured by running its reads
// without returning items (Select COUNT) and its writes' condition checks
// without writing.
type Estimate struct {
	Examined  int     // items read (ScannedCount)
	Returned  int     // items that pass the filter (Count), or that a write changes
	ReadUnits float64 // read capacity the reads consume
	// WriteUnits is the write capacity a write would consume.
	WriteUnits float64
	// Outcome says what a write would do: "writes", "fails: ...".
	Outcome string
	// Truncated says the reads stopped before the end (Examined and
	// ReadUnits are lower bounds).
	Truncated bool
	// Partitions is, for a Scan of a table on the embedded engine, how
	// many partitions the Scan reads: each costs at least one read unit
	// (half eventually consistent), so a Scan of a few small items costs
	// more than a Query of them (engine.DB.TablePartitions). 0 otherwise.
	Partitions int
}

// partitionCounter is the engine's TablePartitions, when the executor
// runs on it.
type partitionCounter interface {
	TablePartitions(table string) (int, error)
}

// maxEstimatePages bounds the pages (of up to 1 MB each) EXPLAIN reads to
// estimate a statement.
const maxEstimatePages = 64

// Explain plans a statement (an *Explain or the statement itself) with its
// parameters and estimates what running it would examine, return and
// consume. Nothing is written.
func (x *Executor) Explain(ctx context.Context, stmt Statement, params []attr.Value) (*Explanation, error) {
	p, err := x.Plan(ctx, stmt, params)
	if err != nil {
		return nil, err
	}
	e := &Explanation{Plan: p}
	switch p.Operation {
	case OperationGetItem, OperationQuery, OperationScan:
		e.Estimate, err = x.estimateRead(ctx, p)
	default:
		e.Estimate, err = x.estimateWrite(ctx, p)
	}
	if err != nil {
		return nil, err
	}
	if s, ok := p.Statement.(*Select); ok && advisable(p) {
		if e.Advice, err = x.advise(ctx, s, p, params, e.Estimate, true); err != nil {
			return nil, err
		}
	}
	return e, nil
}

func (x *Executor) estimateRead(ctx context.Context, p *Plan) (*Estimate, error) {
	est := &Estimate{}
	if pc, ok := x.db.(partitionCounter); ok && p.Operation == OperationScan && p.Index == "" {
		n, err := pc.TablePartitions(p.Table)
		if err != nil {
			return nil, err
		}
		est.Partitions = n
	}
	var from resumeAt
	for pages := 0; ; pages++ {
		if pages == maxEstimatePages {
			est.Truncated = true
			break
		}
		pg, err := x.readPage(ctx, p, nil, from, engine.CapacityTotal, true)
		if err != nil {
			return nil, err
		}
		est.Examined += pg.scanned
		est.Returned += pg.count
		if pg.capacity != nil {
			est.ReadUnits += pg.capacity.CapacityUnits
		}
		if pg.next == nil {
			break
		}
		from = *pg.next
	}
	return est, nil
}

// estimateWrite reads the item a write addresses, checks its condition and
// applies its update in memory, with the engine's evaluator.
func (x *Executor) estimateWrite(ctx context.Context, p *Plan) (*Estimate, error) {
	out, err := x.db.GetItem(ctx, &engine.GetItemInput{TableName: p.Table, Key: p.Key, ConsistentRead: true})
	if err != nil {
		return nil, err
	}
	old := out.Item
	est := &Estimate{Examined: 1, ReadUnits: 0}
	if old == nil {
		est.Examined = 0
	}
	params := &expr.Params{Names: p.Expressions.Names, Values: attr.Item(p.Expressions.Values)}
	if c := p.Expressions.Condition; c != "" {
		ce, err := expr.ParseCondition(expr.ParamCondition, c)
		var cond *expr.Condition
		if err == nil {
			cond, err = ce.Bind(params)
		}
		if err != nil {
			return nil, exprError(err)
		}
		if !cond.Eval(old) {
			est.Outcome = "fails: " + failure(p, old)
			est.WriteUnits = writeUnits(old.Size())
			return est, nil
		}
	}
	size := old.Size()
	switch p.Operation {
	case OperationPutItem:
		size = max(size, p.put.Item.Size())
		est.Outcome, est.Returned = "writes the item", 1
	case OperationUpdateItem:
		ue, err := expr.ParseUpdate(p.Expressions.Update)
		var upd *expr.Update
		if err == nil {
			upd, err = ue.Bind(params)
		}
		var item attr.Item
		if err != nil {
			return nil, exprError(err)
		}
		if item, err = upd.Apply(old); err != nil {
			est.Outcome = "fails: ValidationException: " + err.Error()
			return est, nil
		}
		size = max(size, item.Size())
		est.Outcome, est.Returned = "updates the item", 1
	case OperationDeleteItem:
		est.Outcome = "nothing to delete"
		if old != nil {
			est.Outcome, est.Returned = "deletes the item", 1
		}
	case OperationConditionCheck:
		est.Outcome = "the check passes"
		return est, nil
	}
	est.WriteUnits = writeUnits(size)
	return est, nil
}

// failure says why a write's condition fails.
func failure(p *Plan, old attr.Item) string {
	switch {
	case p.Operation == OperationPutItem:
		return "DuplicateItemException (an item with this key exists)"
	case old == nil && (p.Operation == OperationUpdateItem || p.Operation == OperationConditionCheck):
		return "ConditionalCheckFailedException (no item has this key)"
	}
	return "ConditionalCheckFailedException (the condition is false for the item)"
}

// writeUnits is DynamoDB's write capacity for an item size: 1 KB units,
// at least one.
func writeUnits(size int) float64 { return float64(max(1, (size+1023)/1024)) }

// String renders the explanation as EXPLAIN prints it. The first line is
// "Operation: <GetItem|Query|Scan|...> on <table>[.<index>]".
func (e *Explanation) String() string {
	var b strings.Builder
	p := e.Plan
	target := p.Table
	if p.Index != "" {
		target += "." + p.Index
	}
	fmt.Fprintf(&b, "Operation: %s on %s\n", p.Operation, target)
	line := func(label, text string) { fmt.Fprintf(&b, "  %-19s %s\n", label+":", text) }
	switch p.Operation {
	case OperationGetItem, OperationQuery, OperationScan:
		explainRead(p, line)
	default:
		explainWrite(p, line)
	}
	explainExpressions(p, line)
	switch {
	case e.Estimate != nil:
		explainEstimate(p, e.Estimate, line)
	case e.NoEstimate != "":
		line("Estimate", e.NoEstimate)
	}
	if e.Advice != nil {
		e.Advice.lines(line)
	}
	return b.String()
}

func explainRead(p *Plan, line func(string, string)) {
	switch p.Operation {
	case OperationGetItem:
		line("Key", conditionText(p.KeyCondition))
	case OperationQuery:
		kc := conditionText(p.KeyCondition)
		if len(p.Partitions) > 1 {
			kc += fmt.Sprintf(" (%d Queries, one per partition: %s)", len(p.Partitions), valuesText(p.Partitions))
		}
		line("Key condition", kc)
	default:
		line("Key condition", "none: no equality on the partition key "+p.KeyAttributes[0])
	}
	if len(p.Filter) > 0 {
		f := conditionText(p.Filter)
		if p.LocalFilter {
			f += " (reads a key attribute: applied to the Query's items)"
		}
		line("Filter", f+" — applied after reading: filtered items still cost capacity")
	} else {
		line("Filter", "none")
	}
	line("Projection", projectionText(p.Projection))
	if p.Operation == OperationQuery {
		dir := "ascending sort key (ScanIndexForward: true)"
		if !p.ScanIndexForward {
			dir = "descending sort key (ScanIndexForward: false)"
		}
		line("Order", dir)
	}
	whole := "no"
	if p.WholeTable {
		whole = "yes — every item is read, however few match"
	}
	line("Reads whole table", whole)
}

func explainWrite(p *Plan, line func(string, string)) {
	line("Key", itemText(p.Key, p.KeyAttributes))
	if u, ok := p.Statement.(*Update); ok {
		var acts []string
		for _, a := range u.Actions {
			acts = append(acts, Format(a))
		}
		line("Update", strings.Join(acts, ", "))
	}
	cond := conditionText(p.Filter)
	switch p.Operation {
	case OperationPutItem:
		cond = "the key is new (attribute_not_exists), else DuplicateItemException"
	case OperationUpdateItem, OperationConditionCheck:
		cond = strings.TrimSuffix("the item exists AND "+cond, " AND ")
	case OperationDeleteItem:
		if cond == "" {
			cond = "none"
		}
	}
	line("Condition", cond)
	if p.Returning != ReturnNone {
		line("Returns", p.Returning.String())
	}
	line("Reads whole table", "no")
}

func explainExpressions(p *Plan, line func(string, string)) {
	x := p.Expressions
	for _, e := range []struct{ label, text string }{
		{"KeyCondition", x.KeyCondition}, {"FilterExpression", x.Filter}, {"ConditionExpr", x.Condition},
		{"UpdateExpression", x.Update}, {"ProjectionExpr", x.Projection},
	} {
		if e.text != "" {
			line(e.label, e.text)
		}
	}
	if len(x.Names) > 0 {
		line("Names", placeholdersText(x.Names, func(v string) string { return v }))
	}
	if len(x.Values) > 0 {
		line("Values", placeholdersText(x.Values, func(v attr.Value) string { return v.String() }))
	}
}

func explainEstimate(p *Plan, est *Estimate, line func(string, string)) {
	if est.Outcome != "" {
		text := est.Outcome
		if est.WriteUnits > 0 {
			text += fmt.Sprintf("; %s WCU", unitsText(est.WriteUnits))
		}
		line("Estimate", text)
		return
	}
	at := ""
	if est.Truncated {
		at = "at least "
	}
	consistency, unit := "eventually consistent", 0.5
	if p.ConsistentRead {
		consistency, unit = "strongly consistent", 1
	}
	if n := est.Partitions; n > 0 {
		// Why a Scan of a few small items costs more than a Query of
		// them: each partition read is rounded up on its own.
		consistency += fmt.Sprintf("; a Scan reads each of the table's %d partition%s and rounds each up to a whole 4 KB unit: at least %s RCU",
			n, plural(n), unitsText(unit*float64(n)))
	}
	line("Estimate", fmt.Sprintf("examines %s%d item%s, returns %d; consumes %s%s RCU (%s)",
		at, est.Examined, plural(est.Examined), est.Returned, at, unitsText(est.ReadUnits), consistency))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func unitsText(u float64) string { return strconv.FormatFloat(u, 'f', -1, 64) }

// conditionText prints conjuncts in canonical PartiQL.
func conditionText(conds []Expr) string {
	parts := make([]string, len(conds))
	for i, c := range conds {
		parts[i] = Format(c)
		if b, ok := c.(*Binary); ok && b.Op == OpOr && len(conds) > 1 {
			parts[i] = "(" + parts[i] + ")"
		}
	}
	return strings.Join(parts, " AND ")
}

func projectionText(paths []*Path) string {
	if paths == nil {
		return "* (whole items)"
	}
	parts := make([]string, len(paths))
	for i, p := range paths {
		parts[i] = Format(p)
	}
	return strings.Join(parts, ", ")
}

func valuesText(vals []attr.Value) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = Format(&Literal{Value: v})
	}
	return strings.Join(parts, ", ")
}

// itemText prints a key as PartiQL equalities, key attributes in order.
func itemText(key attr.Item, order []string) string {
	var parts []string
	for _, n := range order {
		if v, ok := key[n]; ok {
			parts = append(parts, QuoteName(n)+" = "+Format(&Literal{Value: v}))
		}
	}
	return strings.Join(parts, " AND ")
}

func placeholdersText[V any](m map[string]V, show func(V) string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if len(a) != len(b) {
			return len(a) - len(b)
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + show(m[k])
	}
	return strings.Join(parts, ", ")
}
