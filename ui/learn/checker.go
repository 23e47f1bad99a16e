package learn

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/partiql"
	"dynalab/sessions"
)

// Planner plans a statement the way the session runs it: a
// *partiql.Executor.
type Planner interface {
	Plan(ctx context.Context, stmt partiql.Statement, params []attr.Value) (*partiql.Plan, error)
}

// Outcome is what the learner's statement did: its text and its result or
// error, as the REPL ran it (a check never runs the statement again: a
// write would not do the same twice).
type Outcome struct {
	Statement string
	Result    *sessions.Result
	Err       error
}

// Verdict is a check's answer: passed, or what differs from the task.
type Verdict struct {
	Pass  bool
	Diffs []string // in the checker's language, the most telling first
}

// Checker compares outcomes with tasks on a session.
type Checker struct {
	backend sessions.Backend
	planner Planner
	msg     *messages
}

// NewChecker returns a checker for a session, speaking lang. A local
// session plans with its own executor; another backend with an executor
// over its item API (the same planner).
func NewChecker(b sessions.Backend, lang Lang) *Checker {
	return &Checker{backend: b, planner: sessions.Planner(b), msg: messagesFor(lang)}
}

// Check compares what the learner's statement did with the task.
func (c *Checker) Check(ctx context.Context, t *Task, o Outcome) Verdict {
	m := c.msg
	text := strings.TrimSpace(o.Statement)
	if text == "" {
		return Verdict{Diffs: []string{m.runFirst}}
	}
	stmt, err := partiql.Parse(text)
	if err != nil {
		return Verdict{Diffs: []string{fmt.Sprintf(m.noParse, err)}}
	}
	var diffs []string
	_, isExplain := stmt.(*partiql.Explain)
	switch {
	case t.Explain && !isExplain:
		diffs = append(diffs, m.askExplain)
	case !t.Explain && isExplain:
		diffs = append(diffs, m.notExplain)
	}
	if d := c.compareError(t, stmt, o.Err); d != "" {
		diffs = append(diffs, d)
		if o.Err != nil && t.Error == "" {
			return Verdict{Diffs: diffs} // nothing else to compare
		}
	}
	plan, err := c.planner.Plan(ctx, stmt, nil)
	if err != nil {
		if t.Error == "" {
			diffs = append(diffs, fmt.Sprintf(m.cannotPlan, errText(err)))
		} else if sel, ok := unwrapExplain(stmt).(*partiql.Select); ok && t.Plan != nil {
			// A statement the service refuses before planning (PartiQL
			// on an index with a multi-attribute key) still has to name
			// the task's table or index, or any failing statement would
			// pass.
			diffs = append(diffs, c.compareTarget(t.Plan, sel.From.Table, sel.From.Index)...)
		}
	} else {
		diffs = append(diffs, c.comparePlan(t, plan)...)
	}
	if t.Error == "" && !t.Explain {
		diffs = append(diffs, c.compareResult(ctx, t, o.Result)...)
	}
	return Verdict{Pass: len(diffs) == 0, Diffs: diffs}
}

// compareTarget says how the table and index read differ from the task's.
func (c *Checker) compareTarget(w *PlanSpec, table, index string) []string {
	m := c.msg
	switch {
	case !strings.EqualFold(table, w.Table):
		return []string{fmt.Sprintf(m.tableInstead, table, w.Table)}
	case index == "" && w.Index != "":
		return []string{fmt.Sprintf(m.tableNotIndex, table, w.Index)}
	case index != "" && w.Index == "":
		return []string{fmt.Sprintf(m.indexNotTable, index, w.Table)}
	case index != w.Index:
		return []string{fmt.Sprintf(m.indexInstead, index, w.Index)}
	}
	return nil
}

func unwrapExplain(s partiql.Statement) partiql.Statement {
	if e, ok := s.(*partiql.Explain); ok {
		return e.Statement
	}
	return s
}

// compareError says how the statement's error (or success) differs from
// the task's.
func (c *Checker) compareError(t *Task, stmt partiql.Statement, err error) string {
	m := c.msg
	code := errorCode(err)
	switch {
	case t.Error == "" && err != nil:
		return fmt.Sprintf(m.failed, errText(err))
	case t.Error != "" && err == nil:
		if isWriteStatement(stmt) {
			return fmt.Sprintf(m.wantErrWrite, t.Error)
		}
		return fmt.Sprintf(m.wantErrRead, t.Error)
	case t.Error != "" && code != t.Error:
		return fmt.Sprintf(m.wantErrGot, t.Error, errText(err))
	}
	return ""
}

func isWriteStatement(s partiql.Statement) bool {
	switch s.(type) {
	case *partiql.Insert, *partiql.Update, *partiql.Delete:
		return true
	}
	return false
}

// errorCode is an error's service code ("ConditionalCheckFailedException");
// a statement that does not parse is a ValidationException.
func errorCode(err error) string {
	var api *engine.APIError
	if errors.As(err, &api) {
		return api.Code
	}
	var pe *partiql.Error
	if errors.As(err, &pe) {
		return "ValidationException"
	}
	return ""
}

func errText(err error) string {
	var api *engine.APIError
	if errors.As(err, &api) {
		return api.Code + ": " + api.Message
	}
	return err.Error()
}

func (c *Checker) comparePlan(t *Task, p *partiql.Plan) []string {
	m := c.msg
	var diffs []string
	if w := t.Plan; w != nil {
		if p.Operation != w.Operation {
			diffs = append(diffs, fmt.Sprintf(m.opInstead, m.op(string(p.Operation)), m.op(string(w.Operation))))
		}
		diffs = append(diffs, c.compareTarget(w, p.Table, p.Index)...)
	}
	if p.Operation != partiql.OperationQuery {
		return diffs // key, partitions and order describe a Query (the check file says so)
	}
	if t.Key != nil {
		got := keyShape(p)
		if !sameKeys(got, t.Key) {
			diffs = append(diffs, fmt.Sprintf(m.keyInstead, keysText(got), keysText(t.Key)))
		}
	}
	if t.Partitions > 0 && len(p.Partitions) != t.Partitions {
		diffs = append(diffs, fmt.Sprintf(m.partitionsInstead, len(p.Partitions), t.Partitions))
	}
	if t.Filter != nil {
		got := filterAttrs(p)
		switch {
		case len(t.Filter) == 0 && len(got) > 0:
			diffs = append(diffs, fmt.Sprintf(m.filterNone, strings.Join(got, ", ")))
		case len(t.Filter) > 0 && len(got) == 0:
			diffs = append(diffs, fmt.Sprintf(m.filterMissing, strings.Join(t.Filter, ", ")))
		case !sameSet(got, t.Filter):
			diffs = append(diffs, fmt.Sprintf(m.filterInstead, strings.Join(got, ", "), strings.Join(t.Filter, ", ")))
		}
	}
	if t.Order != "" {
		got := OldestFirst
		if !p.ScanIndexForward {
			got = NewestFirst
		}
		if got != t.Order {
			diffs = append(diffs, fmt.Sprintf(m.order, m.orderName(got), m.orderName(t.Order)))
		}
	}
	return diffs
}

// compareResult compares the rows, count and capacity.
func (c *Checker) compareResult(ctx context.Context, t *Task, res *sessions.Result) []string {
	m := c.msg
	if res == nil {
		res = &sessions.Result{}
	}
	var diffs []string
	if t.HasCap && math.Abs(res.Capacity-t.Capacity) > 1e-9 {
		diffs = append(diffs, fmt.Sprintf(m.capInstead, units(res.Capacity), units(t.Capacity)))
	}
	if t.Rows == nil && t.Count < 0 {
		return diffs
	}
	items := res.Items
	if t.Verify != "" {
		vr, err := c.backend.Run(ctx, t.Verify, nil, "")
		if err != nil {
			return append(diffs, fmt.Sprintf(m.verifyFailed, t.Verify, errText(err)))
		}
		items = vr.Items
	}
	want := len(t.Rows)
	if t.Rows == nil {
		want = t.Count
	}
	if len(items) != want {
		d := fmt.Sprintf(m.rowsInstead, m.rows(len(items)), m.rows(want))
		if t.Verify != "" {
			d += " " + fmt.Sprintf(m.afterVerify, t.Verify)
		}
		return append(diffs, d)
	}
	if t.Rows == nil {
		return diffs
	}
	got := make([]Row, len(items))
	for i, it := range items {
		got[i] = project(it, t.Rows[0])
	}
	if t.Unordered {
		missing, extra := multisetDiff(got, t.Rows)
		if len(missing) > 0 {
			diffs = append(diffs, fmt.Sprintf(m.rowsMissing, rowsText(missing), rowsText(extra)))
		}
		return diffs
	}
	for i := range got {
		if !rowMatches(items[i], t.Rows[i]) {
			if missing, _ := multisetDiff(got, t.Rows); len(missing) == 0 && sameAttrs(items, t.Rows) {
				return append(diffs, fmt.Sprintf(m.wrongOrder, rowsText(got), rowsText(t.Rows)))
			}
			return append(diffs, fmt.Sprintf(m.rowDiff, i+1, project(items[i], t.Rows[i]).String(), t.Rows[i].String()))
		}
	}
	return diffs
}

// keyShape is a Query plan's key condition as attributes and operators.
func keyShape(p *partiql.Plan) []KeyCond {
	var out []KeyCond
	for _, e := range p.KeyCondition {
		switch e := e.(type) {
		case *partiql.Binary:
			if e.Op == partiql.OpOr {
				if name := firstPath(e); name != "" {
					out = append(out, KeyCond{Attr: name, Op: "IN"})
				}
				continue
			}
			name := pathName(e.Left)
			op := e.Op.String()
			if name == "" {
				name, op = pathName(e.Right), flip(op)
			}
			out = append(out, KeyCond{Attr: name, Op: op})
		case *partiql.In:
			out = append(out, KeyCond{Attr: pathName(e.Expr), Op: "IN"})
		case *partiql.Between:
			out = append(out, KeyCond{Attr: pathName(e.Expr), Op: "BETWEEN"})
		case *partiql.Call:
			if strings.EqualFold(e.Name, "begins_with") && len(e.Args) > 0 {
				out = append(out, KeyCond{Attr: pathName(e.Args[0]), Op: "begins_with"})
			}
		}
	}
	return out
}

func flip(op string) string {
	switch op {
	case "<":
		return ">"
	case "<=":
		return ">="
	case ">":
		return "<"
	case ">=":
		return "<="
	}
	return op
}

func pathName(e partiql.Expr) string {
	if p, ok := e.(*partiql.Path); ok {
		return p.Name
	}
	return ""
}

func firstPath(e partiql.Expr) string {
	name := ""
	partiql.Walk(e, func(n partiql.Node) bool {
		if p, ok := n.(*partiql.Path); ok && name == "" {
			name = p.Name
		}
		return name == ""
	})
	return name
}

// sameKeys compares key shapes in any order ("PK =" twice, as in a
// multi-attribute key, counts twice).
func sameKeys(a, b []KeyCond) bool {
	if len(a) != len(b) {
		return false
	}
	left := slices.Clone(b)
	for _, k := range a {
		i := slices.IndexFunc(left, func(x KeyCond) bool { return x.Op == k.Op && strings.EqualFold(x.Attr, k.Attr) })
		if i < 0 {
			return false
		}
		left = slices.Delete(left, i, i+1)
	}
	return true
}

func keysText(ks []KeyCond) string {
	if len(ks) == 0 {
		return "—"
	}
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = k.String()
	}
	return strings.Join(parts, " AND ")
}

// filterAttrs are the top-level attributes a plan's filter reads, sorted.
func filterAttrs(p *partiql.Plan) []string {
	seen := map[string]bool{}
	for _, f := range p.Filter {
		partiql.Walk(f, func(n partiql.Node) bool {
			if path, ok := n.(*partiql.Path); ok {
				seen[path.Name] = true
			}
			return true
		})
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

// valueText renders a value as a check file writes it.
func valueText(v attr.Value) string {
	switch v.Type() {
	case attr.TypeS, attr.TypeN:
		return v.Str()
	case attr.TypeBOOL:
		return strconv.FormatBool(v.BoolValue())
	case attr.TypeNULL:
		return "null"
	}
	b := v.Brief()
	return strings.TrimSuffix(b[strings.IndexByte(b, ':')+1:], "}")
}

// project renders an item's attributes named in like, in like's order
// ("" stands for a missing attribute).
func project(it attr.Item, like Row) Row {
	out := make(Row, len(like))
	for i, a := range like {
		out[i].Name = a.Name
		if v, ok := it[a.Name]; ok {
			out[i].Value = valueText(v)
		} else {
			out[i].Value = "(missing)"
		}
	}
	return out
}

func rowMatches(it attr.Item, r Row) bool {
	for _, a := range r {
		v, ok := it[a.Name]
		if !ok || valueText(v) != a.Value {
			return false
		}
	}
	return true
}

// sameAttrs reports whether every expected row names the same attributes
// as the first (so that projecting by the first is fair).
func sameAttrs(_ []attr.Item, rows []Row) bool {
	for _, r := range rows[1:] {
		if len(r) != len(rows[0]) {
			return false
		}
		for i := range r {
			if r[i].Name != rows[0][i].Name {
				return false
			}
		}
	}
	return true
}

// multisetDiff returns the expected rows not found and the rows found but
// not expected.
func multisetDiff(got, want []Row) (missing, extra []Row) {
	left := slices.Clone(got)
	for _, w := range want {
		i := slices.IndexFunc(left, func(g Row) bool { return g.String() == w.String() })
		if i < 0 {
			missing = append(missing, w)
			continue
		}
		left = slices.Delete(left, i, i+1)
	}
	return missing, left
}

func rowsText(rows []Row) string {
	if len(rows) == 0 {
		return "—"
	}
	parts := make([]string, len(rows))
	for i, r := range rows {
		parts[i] = "[" + r.String() + "]"
	}
	return strings.Join(parts, ", ")
}

func units(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
