package partiql

import (
	"dynalab/engine"
	"dynalab/engine/attr"
)

// This file finds key conditions in WHERE clauses the way DynamoDB's
// translator does (ddb.partiql.shared KeyAndConditionExpressionExtractor):
// only AND-connected "terminal" conditions count — a comparison, BETWEEN,
// IN, IS or function call whose operands are one attribute path and
// values. What is not extracted stays in the condition or filter.

// terminal is a condition over one attribute path and values.
type terminal struct {
	path   *Path
	op     keyOp
	values []attr.Value // the value operands, in order (BETWEEN: low, high)
	exprs  []Expr       // the same, unevaluated
}

// keyOp is the operator of a terminal condition.
type keyOp uint8

const (
	keyOther keyOp = iota // anything a key condition cannot use
	keyEq
	keyLt
	keyLe
	keyGt
	keyGe
	keyBetween
	keyBeginsWith
	keyIn
)

// isValueExpr reports whether e is a value operand (not a path, not an
// operator over paths).
func isValueExpr(e Expr) bool {
	switch e := e.(type) {
	case *Literal, *Param, *List, *Map, *Bag:
		return true
	case *Binary:
		return (e.Op == OpAdd || e.Op == OpSub) && isValueExpr(e.Left) && isValueExpr(e.Right)
	}
	return false
}

// flipped returns the operator with its operands swapped (v < k is k > v).
func (op keyOp) flipped() keyOp {
	switch op {
	case keyLt:
		return keyGt
	case keyLe:
		return keyGe
	case keyGt:
		return keyLt
	case keyGe:
		return keyLe
	}
	return op
}

var compareKeyOps = map[Op]keyOp{OpEq: keyEq, OpLt: keyLt, OpLe: keyLe, OpGt: keyGt, OpGe: keyGe}

// asTerminal classifies a conjunct. It returns ok=false for conditions that
// are not terminal (AND/OR/NOT trees, operands that are operators over
// attributes) and path=nil for terminal conditions without an attribute.
// Values are evaluated with params, unless params is noEval (then only
// exprs is filled); evaluation errors are returned.
func asTerminal(e Expr, params []attr.Value) (t terminal, ok bool, err error) {
	var operands []Expr
	switch e := e.(type) {
	case *Binary:
		if !e.Op.IsComparison() {
			return t, false, nil
		}
		operands = []Expr{e.Left, e.Right}
		t.op = compareKeyOps[e.Op] // keyOther for <>
		if _, isPath := e.Left.(*Path); !isPath {
			if _, rightPath := e.Right.(*Path); rightPath {
				t.op = t.op.flipped()
			}
		}
	case *Between:
		operands = []Expr{e.Expr, e.Low, e.High}
		t.op = keyBetween
	case *In:
		operands = append([]Expr{e.Expr}, e.Values...)
		t.op = keyIn
	case *Is:
		operands = []Expr{e.Expr}
		if e.Type == IsNull && !e.Not {
			t.op = keyEq
			t.values, t.exprs = []attr.Value{attr.Null()}, []Expr{&Literal{Pos: e.Pos, Value: attr.Null()}}
		}
	case *Call:
		if e.Name == FuncSize {
			return t, false, nil
		}
		operands = e.Args
		if e.Name == FuncBeginsWith {
			t.op = keyBeginsWith
		}
	default:
		return t, false, nil
	}
	for _, o := range operands {
		switch o := o.(type) {
		case *Path:
			if t.path == nil {
				t.path = o
			}
		default:
			if !isValueExpr(o) {
				return t, false, nil
			}
			t.exprs = append(t.exprs, o)
		}
	}
	if !evaluate(params) {
		return t, true, nil
	}
	for _, o := range t.exprs[len(t.values):] {
		v, _, err := constValue(o, params, "root")
		if err != nil {
			return t, true, err
		}
		t.values = append(t.values, v)
	}
	if b, isBegins := e.(*Call); isBegins && b.Name == FuncBeginsWith {
		if _, first := b.Args[0].(*Path); !first {
			t.op = keyOther
		}
	}
	return t, true, nil
}

// noEval, passed as params, asks asTerminal for the shape of a condition
// only: its values are left unevaluated.
var noEval = []attr.Value{{}}

func evaluate(params []attr.Value) bool { return len(params) != 1 || !params[0].IsZero() }

// keyOfPath returns the key attribute a terminal's path names, or "".
func keyOfPath(p *Path, ks KeySchema) string {
	if p != nil && ks.Has(p.Name) {
		return p.Name
	}
	return ""
}

// extractMode says which rules extractItemKey applies.
type extractMode uint8

const (
	extractDML    extractMode = iota // UPDATE, DELETE, and single-item SELECTs
	extractExists                    // EXISTS(SELECT ...)
)

// extractItemKey takes the equalities on every key attribute out of a
// WHERE clause: the item an UPDATE, DELETE, EXISTS or transaction/batch
// SELECT addresses. rest is what remains of the condition. The errors are
// the service's.
func extractItemKey(where Expr, ks KeySchema, params []attr.Value, mode extractMode) (key attr.Item, rest []Expr, err error) {
	key = attr.Item{}
	for _, c := range Conjuncts(where) {
		t, ok, err := asTerminal(c, params)
		if err != nil {
			return nil, nil, err
		}
		name := ""
		if ok && len(t.values) > 0 {
			name = keyOfPath(t.path, ks)
		}
		if name != "" && !t.path.IsTopLevel() {
			return nil, nil, engine.Validationf(msgKeyScalarPath, name)
		}
		if name == "" || t.op != keyEq {
			rest = append(rest, c)
			continue
		}
		if old, seen := key[name]; seen {
			if mode == extractExists {
				rest = append(rest, c)
				continue
			}
			if !attr.Equal(old, t.values[0]) || old.Type() != t.values[0].Type() {
				return nil, nil, engine.Validationf(msgMultipleKeyConds, name)
			}
			continue
		}
		key[name] = t.values[0]
	}
	for _, n := range ks.Names() {
		if _, ok := key[n]; !ok {
			if mode == extractExists {
				return nil, nil, engine.Validationf(msgExistsShape)
			}
			return nil, nil, engine.Validationf(msgNoKeyEquality)
		}
	}
	return key, rest, nil
}

// checkKeyTypes applies the service's checks to the values of an item's
// key: scalar (unless schemaOnly), then the schema's type.
func checkKeyTypes(key attr.Item, ks KeySchema, schemaOnly bool) error {
	if !schemaOnly {
		for _, n := range ks.Names() {
			if v := key[n]; !v.Type().IsScalarKey() {
				return engine.Validationf(msgKeyValueType, n, v.Type())
			}
		}
	}
	for _, n := range ks.Names() {
		if key[n].Type() != ks.typeOf(n) {
			return engine.Validationf(msgKeySchemaType, n)
		}
	}
	return nil
}

// selectKeys is what a SELECT's WHERE clause says about the key of the
// table or index it reads.
type selectKeys struct {
	hash       attr.Value   // the partition key value of a Query
	hashExpr   Expr         // the conjunct it came from
	fanout     []attr.Value // several partitions: one Query each
	fanoutExpr Expr         // the IN or OR conjunct they came from
	rng        *terminal    // the sort key condition, if any
	rngExpr    Expr
	rest       []Expr // the filter
}

// query reports whether the keys allow a Query (one or several).
func (k *selectKeys) query() bool { return !k.hash.IsZero() || k.fanout != nil }

// extractSelectKeys finds a SELECT's key condition. Anything the service's
// extractor gives up on — a key attribute under NOT, a partition key
// compared with anything but =, two different equalities on it, an
// operator a sort key condition cannot use, two sort key conditions — means
// no key condition: the whole WHERE clause is then a Scan's filter.
func extractSelectKeys(where Expr, ks KeySchema, params []attr.Value) (*selectKeys, error) {
	k := &selectKeys{}
	scan := &selectKeys{rest: Conjuncts(where)}
	hashes := 0
	fanouts := 0
	for _, c := range Conjuncts(where) {
		if notOnKey(c, ks) {
			return scan, nil
		}
		if vals, ok, err := fanoutValues(c, ks, params); err != nil {
			return nil, err
		} else if ok {
			fanouts++
			k.fanout, k.fanoutExpr = vals, c
			continue
		}
		t, ok, err := asTerminal(c, params)
		if err != nil {
			return nil, err
		}
		name := ""
		if ok {
			name = keyOfPath(t.path, ks)
		}
		if name != "" && !t.path.IsTopLevel() {
			return scan, nil
		}
		switch {
		case name == "":
			k.rest = append(k.rest, c)
		case name == ks.Hash.Name:
			if t.op != keyEq {
				return scan, nil
			}
			if len(t.values) == 0 {
				k.rest = append(k.rest, c)
				continue
			}
			if hashes > 0 && !sameValue(k.hash, t.values[0]) {
				return scan, nil
			}
			if hashes == 0 {
				k.hash, k.hashExpr = t.values[0], c
			}
			hashes++
		default: // the sort key
			if t.op == keyOther || t.op == keyIn {
				return scan, nil
			}
			if len(t.values) == 0 || (t.op == keyBetween && len(t.values) != 2) {
				k.rest = append(k.rest, c)
				continue
			}
			if k.rng != nil && !sameTerminal(*k.rng, t) {
				return scan, nil
			}
			if k.rng == nil {
				k.rng, k.rngExpr = &t, c
			}
		}
	}
	switch {
	case hashes > 0:
		if k.fanoutExpr != nil {
			k.rest = append(k.rest, k.fanoutExpr) // the equality decides; the IN filters
			k.fanout, k.fanoutExpr = nil, nil
		}
		return k, nil
	case fanouts == 1:
		return k, nil
	}
	return scan, nil
}

// notOnKey reports a NOT directly over a condition on a key attribute
// (which makes the service's extractor give up), including IS NOT, which
// the service translates into a NOT.
func notOnKey(c Expr, ks KeySchema) bool {
	switch c := c.(type) {
	case *Not:
		if t, ok, _ := asTerminal(c.Expr, noEval); ok && keyOfPath(t.path, ks) != "" {
			return true
		}
		if p := firstPath(c.Expr); p != nil && ks.Has(p.Name) {
			return true
		}
	case *Is:
		if p, ok := c.Expr.(*Path); ok && c.Not && ks.Has(p.Name) {
			return true
		}
	}
	return false
}

// firstPath returns the first direct path operand of a terminal condition.
func firstPath(e Expr) *Path {
	var ops []Expr
	switch e := e.(type) {
	case *Binary:
		if e.Op.IsComparison() {
			ops = []Expr{e.Left, e.Right}
		}
	case *Between:
		ops = []Expr{e.Expr}
	case *In:
		ops = []Expr{e.Expr}
	case *Is:
		ops = []Expr{e.Expr}
	case *Call:
		ops = e.Args
	}
	for _, o := range ops {
		if p, ok := o.(*Path); ok {
			return p
		}
	}
	return nil
}

// fanoutValues recognizes a conjunct that names several partitions:
// pk IN [v1, v2, ...] or pk = v1 OR pk = v2 OR ... with values only. The
// values are returned without duplicates, in order of appearance.
func fanoutValues(c Expr, ks KeySchema, params []attr.Value) ([]attr.Value, bool, error) {
	var exprs []Expr
	switch c := c.(type) {
	case *In:
		p, ok := c.Expr.(*Path)
		if !ok || p.Name != ks.Hash.Name || !p.IsTopLevel() {
			return nil, false, nil
		}
		exprs = c.Values
	case *Binary:
		if c.Op != OpOr {
			return nil, false, nil
		}
		for _, d := range Disjuncts(c) {
			b, ok := d.(*Binary)
			if !ok || b.Op != OpEq {
				return nil, false, nil
			}
			p, v := b.Left, b.Right
			if _, isPath := p.(*Path); !isPath {
				p, v = v, p
			}
			path, ok := p.(*Path)
			if !ok || path.Name != ks.Hash.Name || !path.IsTopLevel() {
				return nil, false, nil
			}
			exprs = append(exprs, v)
		}
	default:
		return nil, false, nil
	}
	var vals []attr.Value
	for _, e := range exprs {
		if !isValueExpr(e) {
			return nil, false, nil
		}
		v, _, err := constValue(e, params, "root")
		if err != nil {
			return nil, false, err
		}
		dup := false
		for _, w := range vals {
			dup = dup || sameValue(v, w)
		}
		if !dup {
			vals = append(vals, v)
		}
	}
	return vals, true, nil
}

func sameValue(a, b attr.Value) bool { return a.Type() == b.Type() && attr.Equal(a, b) }

func sameTerminal(a, b terminal) bool {
	if a.op != b.op || len(a.values) != len(b.values) {
		return false
	}
	for i := range a.values {
		if !sameValue(a.values[i], b.values[i]) {
			return false
		}
	}
	return true
}

// hashRequired reports whether every way of satisfying cond constrains the
// partition key with a value (the service's "non-optional hash key
// condition" that ORDER BY needs): any AND operand having one, or every OR
// operand.
func hashRequired(cond Expr, ks KeySchema) bool {
	switch c := cond.(type) {
	case *Binary:
		switch c.Op {
		case OpAnd:
			return hashRequired(c.Left, ks) || hashRequired(c.Right, ks)
		case OpOr:
			return hashRequired(c.Left, ks) && hashRequired(c.Right, ks)
		}
	case *Not:
		return false
	}
	t, ok, _ := asTerminal(cond, noEval)
	return ok && t.path != nil && t.path.Name == ks.Hash.Name && hasValueOperand(cond)
}

// hasValueOperand reports whether a terminal condition has a value operand.
func hasValueOperand(e Expr) bool {
	var ops []Expr
	switch e := e.(type) {
	case *Binary:
		ops = []Expr{e.Left, e.Right}
	case *Between:
		ops = []Expr{e.Low, e.High}
	case *In:
		ops = e.Values
	case *Is:
		return e.Type == IsNull
	case *Call:
		ops = e.Args
	}
	for _, o := range ops {
		if isValueExpr(o) {
			return true
		}
	}
	return false
}
