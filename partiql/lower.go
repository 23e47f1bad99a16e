package partiql

import (
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// Lowering turns participle's concrete syntax into the AST, enforcing every
// rule of DynamoDB's translation that needs no table schema, with the
// service's messages. It runs in source order and stops at the first
// problem, so parameters are numbered in order of appearance.

type lowerer struct {
	src    string     // the statement text
	base   int        // script offset of src[0]
	params int        // ? seen so far
	item   *synStruct // the item of the INSERT being lowered
}

// text returns the source text from p up to (not including) end.
func (l *lowerer) text(p, end lexer.Position) string {
	a, b := p.Offset-l.base, end.Offset-l.base
	if a < 0 || b > len(l.src) || a > b {
		return ""
	}
	return strings.TrimSpace(l.src[a:b])
}

func (l *lowerer) root(r *synRoot) (Statement, *Error) {
	s, err := l.statement(r.Stmt)
	if err != nil {
		return nil, err
	}
	if r.Explain {
		return &Explain{Pos: pos(r.Pos), Statement: s}, nil
	}
	return s, nil
}

func (l *lowerer) statement(s *synStatement) (Statement, *Error) {
	switch {
	case s.Select != nil:
		return l.selectStmt(s.Select)
	case s.Insert != nil:
		return l.insert(s.Insert)
	case s.Update != nil:
		return l.update(s.Update)
	case s.Delete != nil:
		return l.delete(s.Delete)
	case s.Exists != nil:
		sel, err := l.selectStmt(s.Exists.Select)
		if err != nil {
			return nil, err
		}
		return &Exists{Pos: pos(s.Exists.Pos), Select: sel}, nil
	case s.From != nil:
		return l.fromDML(s.From)
	}
	return nil, syntaxAt(lexer.Position{Line: 1, Column: 1}, detUnexpectedTerm)
}

func (l *lowerer) selectStmt(s *synSelect) (*Select, *Error) {
	out := &Select{Pos: pos(s.Pos)}
	// The shape of the statement first: what DynamoDB cannot do at all.
	if q := s.Quantifier; q != nil && strings.EqualFold(q.Word, "DISTINCT") {
		return nil, validationAt(pos(q.Pos), msgUnsupportedClause, "DISTINCT")
	}
	if s.Projection.Value != nil {
		return nil, validationAt(pos(s.Projection.Pos), msgValueOrPivot)
	}
	if s.From.Alias != nil {
		return nil, validationAt(pos(s.From.Alias.Pos), msgAliasing)
	}
	if len(s.Joins) > 0 {
		return nil, validationAt(pos(s.Joins[0].Pos), msgSingleSource)
	}
	var orderBy *synClause
	for _, c := range s.Clauses {
		if c.Unsupported != "" {
			name := strings.ToUpper(c.Unsupported)
			if name == "GROUP" {
				name = "GROUP BY"
			}
			return nil, validationAt(pos(c.Pos), msgUnsupportedClause, name)
		}
		if orderBy != nil {
			return nil, syntaxAt(c.Pos, detTrailing)
		}
		orderBy = c
	}
	proj, err := l.projection(s.Projection)
	if err != nil {
		return nil, err
	}
	out.Projection = proj
	if out.From, err = l.fromSource(s.From.Expr); err != nil {
		return nil, err
	}
	if s.Where != nil {
		if out.Where, err = l.condition(s.Where); err != nil {
			return nil, err
		}
	}
	if orderBy != nil {
		for _, k := range orderBy.OrderBy {
			key, err := l.orderKey(k)
			if err != nil {
				return nil, err
			}
			out.OrderBy = append(out.OrderBy, key)
		}
	}
	return out, nil
}

// projection returns the projected paths, nil for *.
func (l *lowerer) projection(p *synProjection) ([]*Path, *Error) {
	var star *synProjItem
	for _, it := range p.Items {
		if it.Star {
			star = it
		}
	}
	if star != nil {
		if len(p.Items) > 1 {
			return nil, validationAt(pos(star.Pos), msgStarAndOthers)
		}
		return nil, nil
	}
	paths := make([]*Path, 0, len(p.Items))
	seen := map[string]bool{}
	for _, it := range p.Items {
		if it.Alias != nil {
			return nil, validationAt(pos(it.Alias.Pos), msgAliasing)
		}
		ref := barePrimary(it.Expr).asPath()
		if ref == nil {
			return nil, validationAt(pos(it.Pos), msgPathComponent)
		}
		path, err := l.refPath(ref)
		if err != nil {
			return nil, err
		}
		name := projectedName(path)
		if seen[name] {
			return nil, validationAt(pos(it.Pos), msgDuplicateSelect, name)
		}
		seen[name] = true
		paths = append(paths, path)
	}
	return paths, nil
}

// projectedName is the attribute name a projected path gets in the result:
// the last name, followed by the list indexes after it ("a.b[1]" → "b[1]").
func projectedName(p *Path) string {
	name, i := p.Name, 0
	for j, s := range p.Steps {
		if !s.IsIndex {
			name, i = s.Name, j+1
		}
	}
	var b strings.Builder
	b.WriteString(name)
	for _, s := range p.Steps[i:] {
		b.WriteString("[")
		b.WriteString(itoa(s.Index))
		b.WriteString("]")
	}
	return b.String()
}

// fromSource reads SELECT's FROM: a table or "table"."index".
func (l *lowerer) fromSource(e *synExpr) (Target, *Error) {
	prim := barePrimary(e)
	switch {
	case prim == nil:
		return Target{}, validationAt(pos(e.Pos), msgFromSource)
	case prim.List != nil || len(prim.Paren) > 1:
		return Target{}, validationAt(pos(e.Pos), msgFromList)
	case prim.asPath() == nil:
		return Target{}, validationAt(pos(e.Pos), msgFromSource)
	}
	ref := prim.asPath()
	if isKeywordName(ref.Name) {
		return Target{}, syntaxAt(ref.Pos, detUnexpectedKeyword)
	}
	return l.target(ref.Pos, ref.Name, ref.Steps, true)
}

// target reads a table name, optionally followed by an index name.
func (l *lowerer) target(p lexer.Position, root string, steps []*synStep, indexOK bool) (Target, *Error) {
	t := Target{Pos: pos(p), Table: identName(root)}
	for i, s := range steps {
		if s.Name == "" {
			return Target{}, validationAt(pos(s.Pos), msgFromSourceDot)
		}
		if i > 0 {
			return Target{}, validationAt(pos(s.Pos), msgFromComponents)
		}
		t.Index = identName(s.Name)
		if t.Index == "" {
			return Target{}, validationAt(pos(s.Pos), msgPathEmpty)
		}
	}
	if !validTableName(t.Table) {
		return Target{}, validationAt(t.Pos, msgTableName)
	}
	if t.Index != "" && !indexOK {
		return Target{}, validationAt(t.Pos, msgOnIndex)
	}
	return t, nil
}

// validTableName applies the service's table name rule.
func validTableName(name string) bool {
	if len(name) < 3 || len(name) > 255 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !isLetter(c) && !isDigit(c) && c != '_' && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

func (l *lowerer) simpleTarget(p *synSimplePath) (Target, *Error) {
	return l.target(p.Pos, p.Root, p.Steps, false)
}

func (l *lowerer) orderKey(k *synOrderKey) (*OrderKey, *Error) {
	prim := barePrimary(k.Key)
	ref := prim.asPath()
	if ref == nil || len(ref.Steps) > 0 {
		kind := "NAry"
		switch {
		case prim == nil || prim.asCall() != nil:
		case ref != nil:
			kind = "Path"
		case prim.Param:
			kind = "Parameter"
		default:
			kind = "Literal"
		}
		return nil, validationAt(pos(k.Pos), msgOrderByPath, kind)
	}
	if isKeywordName(ref.Name) {
		return nil, syntaxAt(ref.Pos, detUnexpectedKeyword)
	}
	name := identName(ref.Name)
	if name == "" {
		return nil, validationAt(pos(k.Pos), msgPathEmpty)
	}
	return &OrderKey{Pos: pos(k.Pos), Name: name, Desc: strings.EqualFold(k.Dir, "DESC")}, nil
}

func (l *lowerer) insert(s *synInsert) (*Insert, *Error) {
	t, err := l.simpleTarget(s.Target)
	if err != nil {
		return nil, err
	}
	switch {
	case s.Multi != nil:
		return nil, validationAt(pos(s.Multi.Pos), msgInsertMulti)
	case s.Other != nil:
		return nil, validationAt(pos(s.Other.Pos), msgInsertMulti)
	case s.At != nil:
		return nil, validationAt(pos(s.At.Pos), msgInsertAt)
	case s.Returning != nil:
		return nil, validationAt(pos(s.Returning.Pos), msgInsertReturning)
	}
	prim := barePrimary(s.Value)
	if prim == nil || prim.Struct == nil {
		return nil, validationAt(pos(s.Value.Pos), msgInsertFormat)
	}
	l.item = prim.Struct
	item, err := l.fields(prim.Struct, "root")
	if err != nil {
		return nil, err
	}
	return &Insert{Pos: pos(s.Pos), Table: t, Item: item}, nil
}

func (l *lowerer) update(s *synUpdate) (*Update, *Error) {
	t, err := l.simpleTarget(s.Target)
	if err != nil {
		return nil, err
	}
	if s.Alias != nil {
		return nil, validationAt(pos(s.Alias.Pos), msgAliasing)
	}
	out := &Update{Pos: pos(s.Pos), Table: t}
	for _, op := range s.Ops {
		if err := l.dmlOp(op, out); err != nil {
			return nil, err
		}
	}
	if s.Where != nil {
		if out.Where, err = l.condition(s.Where); err != nil {
			return nil, err
		}
	}
	if out.Returning, err = l.returning(s.Returning); err != nil {
		return nil, err
	}
	return out, nil
}

// fromDML reads PartiQL's FROM-first update: FROM t [WHERE c] SET ... or
// FROM t [WHERE c] REMOVE ..., which is an UPDATE.
func (l *lowerer) fromDML(s *synFromDML) (*Update, *Error) {
	t, err := l.simpleTarget(s.Target)
	if err != nil {
		return nil, err
	}
	if s.Alias != nil {
		return nil, validationAt(pos(s.Alias.Pos), msgAliasing)
	}
	out := &Update{Pos: pos(s.Pos), Table: t}
	if s.Where != nil {
		if out.Where, err = l.condition(s.Where); err != nil {
			return nil, err
		}
	}
	if err := l.dmlOp(s.Op, out); err != nil {
		return nil, err
	}
	return out, nil
}

// dmlOp appends the actions of one SET or REMOVE clause.
func (l *lowerer) dmlOp(op *synDMLOp, u *Update) *Error {
	for _, a := range op.Set {
		act, err := l.assignment(a)
		if err != nil {
			return err
		}
		u.Actions = append(u.Actions, act)
	}
	for _, r := range op.Remove {
		p, err := l.simplePath(r)
		if err != nil {
			return err
		}
		u.Actions = append(u.Actions, &Action{Pos: pos(r.Pos), Kind: ActionRemove, Path: p})
	}
	return nil
}

func (l *lowerer) delete(s *synDelete) (*Delete, *Error) {
	t, err := l.simpleTarget(s.Target)
	if err != nil {
		return nil, err
	}
	if s.Alias != nil {
		return nil, validationAt(pos(s.Alias.Pos), msgAliasing)
	}
	out := &Delete{Pos: pos(s.Pos), Table: t}
	if s.Where != nil {
		if out.Where, err = l.condition(s.Where); err != nil {
			return nil, err
		}
	}
	if out.Returning, err = l.returning(s.Returning); err != nil {
		return nil, err
	}
	if out.Returning != ReturnNone && out.Returning != ReturnAllOld {
		return nil, validationAt(pos(s.Returning.Pos), msgDeleteReturning, returnClauses[out.Returning])
	}
	return out, nil
}

func (l *lowerer) returning(r *synReturning) (ReturnValues, *Error) {
	if r == nil {
		return ReturnNone, nil
	}
	if len(r.Elems) > 1 {
		return 0, validationAt(pos(r.Elems[1].Pos), msgReturningMulti)
	}
	e := r.Elems[0]
	if !e.Star {
		return 0, validationAt(pos(e.Expr.Pos), msgReturningStar)
	}
	all := strings.EqualFold(e.Which, "ALL")
	switch {
	case all && strings.EqualFold(e.Image, "OLD"):
		return ReturnAllOld, nil
	case all:
		return ReturnAllNew, nil
	case strings.EqualFold(e.Image, "OLD"):
		return ReturnUpdatedOld, nil
	}
	return ReturnUpdatedNew, nil
}

// identName returns the name an identifier token stands for: bare names as
// written, quoted ones unquoted.
func identName(raw string) string {
	if strings.HasPrefix(raw, `"`) {
		return unquote(raw, '"')
	}
	return raw
}

// unquote strips the quotes of a quoted token and undoubles inner quotes.
func unquote(raw string, q byte) string {
	inner := raw[1 : len(raw)-1]
	double := string([]byte{q, q})
	if !strings.Contains(inner, double) {
		return inner
	}
	return strings.ReplaceAll(inner, double, string(q))
}

// asPath returns the primary as a path, or nil when it is something else.
func (p *synPrimary) asPath() *synRef {
	if p != nil && p.Ref != nil && p.Ref.Call == nil {
		return p.Ref
	}
	return nil
}

// asCall returns the primary as a function call, or nil.
func (p *synPrimary) asCall() *synRef {
	if p != nil && p.Ref != nil && p.Ref.Call != nil {
		return p.Ref
	}
	return nil
}

// isKeywordName reports whether a name token is a bare reserved word: the
// grammar lets those through as function names, so as a path they are the
// service's "Unexpected keyword".
func isKeywordName(raw string) bool { return !strings.HasPrefix(raw, `"`) && isReserved(raw) }

// barePrimary returns the primary an expression consists of, or nil when
// the expression has operators.
func barePrimary(e *synExpr) *synPrimary {
	if e == nil || len(e.Ors) > 0 || len(e.Left.Ands) > 0 {
		return nil
	}
	n := e.Left.Left
	if n.Not != nil || n.Pred.Tail != nil {
		return nil
	}
	s := n.Pred.Left
	if len(s.Ops) > 0 || s.Left.Operand != nil {
		return nil
	}
	p := s.Left
	if len(p.Paren) == 1 {
		return barePrimary(p.Paren[0])
	}
	return p
}

func itoa(i int) string { return strconv.Itoa(i) }
