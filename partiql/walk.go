package partiql

// Walk calls fn for n and then, if fn returns true, walks n's children in
// source order. Children of a statement include its paths, conditions,
// values and, for Update, its *Action nodes; for Select, its *OrderKey
// nodes.
func Walk(n Node, fn func(Node) bool) {
	if n == nil || !fn(n) {
		return
	}
	walkExpr := func(e Expr) {
		if e != nil {
			Walk(e, fn)
		}
	}
	switch n := n.(type) {
	case *Select:
		for _, p := range n.Projection {
			Walk(p, fn)
		}
		walkExpr(n.Where)
		for _, k := range n.OrderBy {
			Walk(k, fn)
		}
	case *Insert:
		for _, f := range n.Item {
			walkExpr(f.Value)
		}
	case *Update:
		for _, a := range n.Actions {
			Walk(a, fn)
		}
		walkExpr(n.Where)
	case *Action:
		Walk(n.Path, fn)
		walkExpr(n.Value)
	case *Delete:
		walkExpr(n.Where)
	case *Exists:
		Walk(n.Select, fn)
	case *Explain:
		Walk(n.Statement, fn)
	case *Binary:
		walkExpr(n.Left)
		walkExpr(n.Right)
	case *Not:
		walkExpr(n.Expr)
	case *Between:
		walkExpr(n.Expr)
		walkExpr(n.Low)
		walkExpr(n.High)
	case *In:
		walkExpr(n.Expr)
		for _, v := range n.Values {
			walkExpr(v)
		}
	case *Is:
		walkExpr(n.Expr)
	case *Call:
		for _, a := range n.Args {
			walkExpr(a)
		}
	case *List:
		for _, e := range n.Elems {
			walkExpr(e)
		}
	case *Map:
		for _, f := range n.Fields {
			walkExpr(f.Value)
		}
	case *Bag:
		for _, e := range n.Elems {
			walkExpr(e)
		}
	}
}

// ParamCount returns the number of ? placeholders in a statement, which
// must equal the number of Parameters in the request ("Number of parameters
// in request and statement don't match.").
func ParamCount(s Statement) int {
	n := 0
	Walk(s, func(x Node) bool {
		if _, ok := x.(*Param); ok {
			n++
		}
		return true
	})
	return n
}

// Conjuncts flattens a condition's top-level ANDs: a AND (b AND c) gives
// [a, b, c]. A planner looks for key conditions among them. A nil condition
// has no conjuncts.
func Conjuncts(e Expr) []Expr { return flatten(e, OpAnd, nil) }

// Disjuncts flattens a condition's top-level ORs: a OR b OR c gives
// [a, b, c].
func Disjuncts(e Expr) []Expr { return flatten(e, OpOr, nil) }

func flatten(e Expr, op Op, out []Expr) []Expr {
	if e == nil {
		return out
	}
	if b, ok := e.(*Binary); ok && b.Op == op {
		out = flatten(b.Left, op, out)
		return flatten(b.Right, op, out)
	}
	return append(out, e)
}

// Equal reports whether two paths name the same place (positions aside).
func (p *Path) Equal(q *Path) bool {
	if p == nil || q == nil {
		return p == q
	}
	if p.Name != q.Name || len(p.Steps) != len(q.Steps) {
		return false
	}
	for i, s := range p.Steps {
		t := q.Steps[i]
		if s.IsIndex != t.IsIndex || s.Name != t.Name || s.Index != t.Index {
			return false
		}
	}
	return true
}

// IsTopLevel reports whether the path is a bare attribute name, as key
// attributes must be.
func (p *Path) IsTopLevel() bool { return len(p.Steps) == 0 }

// String returns the path in canonical form: a.b[0]."c d".
func (p *Path) String() string { return Format(p) }
