package partiql

import (
	"encoding/base64"
	"slices"
	"strings"

	"dynalab/engine/attr"
)

// Format prints a statement, expression or other node in canonical form:
// keywords upper-case, function names lower-case, single spaces, names
// quoted only when they must be, literals canonical (numbers as DynamoDB
// stores them, map keys sorted), != written <>, IN lists in brackets,
// consecutive SET assignments in one clause. For every statement s that
// parses, Parse(Format(s)) gives s again, positions aside.
//
// Binary values have no PartiQL literal; a Literal holding one (which the
// parser never produces) prints as an Ion blob, which does not parse.
func Format(n Node) string {
	var f formatter
	f.node(n)
	return f.b.String()
}

// QuoteName returns name as it must be written in a statement: bare when
// it is a valid identifier and not a reserved word, double-quoted otherwise.
func QuoteName(name string) string {
	var f formatter
	f.name(name)
	return f.b.String()
}

type formatter struct {
	b strings.Builder
}

func (f *formatter) str(s string) { f.b.WriteString(s) }

func (f *formatter) node(n Node) {
	switch n := n.(type) {
	case Statement:
		f.statement(n)
	case Expr:
		f.expr(n, 0)
	case *Action:
		f.action(n)
	case *OrderKey:
		f.orderKey(n)
	}
}

func (f *formatter) statement(s Statement) {
	switch s := s.(type) {
	case *Select:
		f.selectStmt(s)
	case *Insert:
		f.str("INSERT INTO ")
		f.target(s.Table)
		f.str(" VALUE {")
		f.fields(s.Item)
		f.str("}")
	case *Update:
		f.str("UPDATE ")
		f.target(s.Table)
		for i, a := range s.Actions {
			switch {
			case a.Kind == ActionRemove:
				f.str(" REMOVE ")
			case i == 0 || s.Actions[i-1].Kind == ActionRemove:
				f.str(" SET ")
			default:
				f.str(", ")
			}
			f.action(a)
		}
		f.where(s.Where)
		f.returning(s.Returning)
	case *Delete:
		f.str("DELETE FROM ")
		f.target(s.Table)
		f.where(s.Where)
		f.returning(s.Returning)
	case *Exists:
		f.str("EXISTS(")
		f.selectStmt(s.Select)
		f.str(")")
	case *Explain:
		f.str("EXPLAIN ")
		f.statement(s.Statement)
	}
}

func (f *formatter) selectStmt(s *Select) {
	f.str("SELECT ")
	if s.Star() {
		f.str("*")
	}
	for i, p := range s.Projection {
		if i > 0 {
			f.str(", ")
		}
		f.path(p)
	}
	f.str(" FROM ")
	f.target(s.From)
	f.where(s.Where)
	for i, k := range s.OrderBy {
		if i == 0 {
			f.str(" ORDER BY ")
		} else {
			f.str(", ")
		}
		f.orderKey(k)
	}
}

func (f *formatter) orderKey(k *OrderKey) {
	f.name(k.Name)
	if k.Desc {
		f.str(" DESC")
	}
}

func (f *formatter) target(t Target) {
	f.name(t.Table)
	if t.Index != "" {
		f.str(".")
		f.name(t.Index)
	}
}

func (f *formatter) where(e Expr) {
	if e != nil {
		f.str(" WHERE ")
		f.expr(e, 0)
	}
}

func (f *formatter) returning(r ReturnValues) {
	if r != ReturnNone && int(r) < len(returnClauses) {
		f.str(" RETURNING ")
		f.str(returnClauses[r])
	}
}

func (f *formatter) action(a *Action) {
	f.path(a.Path)
	switch a.Kind {
	case ActionSet:
		f.str(" = ")
		f.expr(a.Value, 0)
	case ActionAdd, ActionDelete:
		fn := FuncSetAdd
		if a.Kind == ActionDelete {
			fn = FuncSetDelete
		}
		f.str(" = " + fn + "(")
		f.path(a.Path)
		f.str(", ")
		f.expr(a.Value, 0)
		f.str(")")
	}
}

func (f *formatter) fields(fields []Field) {
	for i, fl := range fields {
		if i > 0 {
			f.str(", ")
		}
		f.quoted(fl.Name, '\'')
		f.str(": ")
		f.expr(fl.Value, 0)
	}
}

// Precedence levels, loosest first. An operand printed where a tighter
// level is required gets parentheses.
const (
	precOr = iota + 1
	precAnd
	precNot
	precPredicate
	precAdd
	precPrimary
)

func precedence(e Expr) int {
	switch e := e.(type) {
	case *Binary:
		switch {
		case e.Op == OpOr:
			return precOr
		case e.Op == OpAnd:
			return precAnd
		case e.Op.IsComparison():
			return precPredicate
		}
		return precAdd
	case *Not:
		return precNot
	case *Between, *In, *Is:
		return precPredicate
	}
	return precPrimary
}

// expr prints e, in parentheses when it binds looser than min.
func (f *formatter) expr(e Expr, min int) {
	if precedence(e) < min {
		f.str("(")
		f.expr(e, 0)
		f.str(")")
		return
	}
	switch e := e.(type) {
	case *Path:
		f.path(e)
	case *Literal:
		f.value(e.Value)
	case *Param:
		f.str("?")
	case *Binary:
		p := precedence(e)
		right := p + 1
		if p == precPredicate {
			// Comparisons do not chain: both sides are sums.
			p, right = precAdd, precAdd
		}
		f.expr(e.Left, p)
		f.str(" " + e.Op.String() + " ")
		f.expr(e.Right, right)
	case *Not:
		f.str("NOT ")
		f.expr(e.Expr, precPrimary)
	case *Between:
		f.expr(e.Expr, precAdd)
		f.str(" BETWEEN ")
		f.expr(e.Low, precAdd)
		f.str(" AND ")
		f.expr(e.High, precAdd)
	case *In:
		f.expr(e.Expr, precAdd)
		f.str(" IN [")
		f.exprs(e.Values)
		f.str("]")
	case *Is:
		f.expr(e.Expr, precAdd)
		f.str(" IS ")
		if e.Not {
			f.str("NOT ")
		}
		f.str(e.Type.String())
	case *Call:
		f.str(e.Name)
		f.str("(")
		f.exprs(e.Args)
		f.str(")")
	case *List:
		f.str("[")
		f.exprs(e.Elems)
		f.str("]")
	case *Map:
		f.str("{")
		f.fields(e.Fields)
		f.str("}")
	case *Bag:
		f.str("<<")
		f.exprs(e.Elems)
		f.str(">>")
	}
}

func (f *formatter) exprs(list []Expr) {
	for i, e := range list {
		if i > 0 {
			f.str(", ")
		}
		f.expr(e, 0)
	}
}

func (f *formatter) path(p *Path) {
	f.name(p.Name)
	for _, s := range p.Steps {
		if s.IsIndex {
			f.str("[")
			f.str(itoa(s.Index))
			f.str("]")
			continue
		}
		f.str(".")
		f.name(s.Name)
	}
}

// name writes an identifier, quoting it when it is not a valid bare
// identifier or is a reserved word.
func (f *formatter) name(n string) {
	if isBareName(n) {
		f.str(n)
		return
	}
	f.quoted(n, '"')
}

func isBareName(n string) bool {
	if n == "" || !isIdentStart(n[0]) {
		return false
	}
	for i := 1; i < len(n); i++ {
		if !isIdentPart(n[i]) {
			return false
		}
	}
	return !isReserved(n)
}

// quoted writes s between q quotes, doubling any q inside.
func (f *formatter) quoted(s string, q byte) {
	f.b.WriteByte(q)
	for i := 0; i < len(s); i++ {
		if s[i] == q {
			f.b.WriteByte(q)
		}
		f.b.WriteByte(s[i])
	}
	f.b.WriteByte(q)
}

// value writes an attribute value as a PartiQL literal.
func (f *formatter) value(v attr.Value) {
	switch v.Type() {
	case attr.TypeS:
		f.quoted(v.Str(), '\'')
	case attr.TypeN:
		f.str(v.Str())
	case attr.TypeBOOL:
		if v.BoolValue() {
			f.str("TRUE")
		} else {
			f.str("FALSE")
		}
	case attr.TypeNULL:
		f.str("NULL")
	case attr.TypeL:
		f.str("[")
		for i, e := range v.List() {
			if i > 0 {
				f.str(", ")
			}
			f.value(e)
		}
		f.str("]")
	case attr.TypeM:
		m := v.Map()
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		f.str("{")
		for i, k := range keys {
			if i > 0 {
				f.str(", ")
			}
			f.quoted(k, '\'')
			f.str(": ")
			f.value(m[k])
		}
		f.str("}")
	case attr.TypeSS, attr.TypeNS, attr.TypeBS:
		f.str("<<")
		for i, e := range v.Members() {
			if i > 0 {
				f.str(", ")
			}
			f.value(e)
		}
		f.str(">>")
	case attr.TypeB:
		f.str("`{{" + base64.StdEncoding.EncodeToString(v.Bytes()) + "}}`")
	default:
		f.str("MISSING")
	}
}
