package partiql

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"

	"dynalab/engine/attr"
)

// exprCtx says where an expression stands, which decides what it may
// contain and how refusals are worded.
type exprCtx uint8

const (
	inCond   exprCtx = iota // a WHERE clause: conditions and their operands
	inUpdate                // a SET value
	inValue                 // INSERT values and constructor members: constants and ?
)

// condition lowers a WHERE clause, which must be a condition.
func (l *lowerer) condition(e *synExpr) (Expr, *Error) {
	x, err := l.expr(e, inCond)
	if err != nil {
		return nil, err
	}
	if !isBoolean(x) {
		return nil, validationAt(pos(e.Pos), msgWhereBoolean)
	}
	return x, nil
}

// isBoolean reports whether an expression is a condition rather than an
// operand.
func isBoolean(e Expr) bool {
	switch e := e.(type) {
	case *Binary:
		return e.Op == OpOr || e.Op == OpAnd || e.Op.IsComparison()
	case *Not, *Between, *In, *Is:
		return true
	case *Call:
		return e.Name != FuncSize
	}
	return false
}

// badOperator refuses an operator the context does not allow.
func badOperator(c exprCtx, p lexer.Position, op string) *Error {
	op = strings.ToUpper(op)
	if c == inUpdate {
		return validationAt(pos(p), msgUpdateOperator, op)
	}
	return validationAt(pos(p), msgConditionOperator, op)
}

func (l *lowerer) expr(e *synExpr, c exprCtx) (Expr, *Error) {
	if c == inValue {
		return l.value(e, "root")
	}
	left, err := l.and(e.Left, c)
	if err != nil {
		return nil, err
	}
	for _, or := range e.Ors {
		if left, err = logical(c, or.Pos, OpOr, left, func() (Expr, *Error) { return l.and(or.Right, c) }); err != nil {
			return nil, err
		}
	}
	return left, nil
}

func (l *lowerer) and(a *synAnd, c exprCtx) (Expr, *Error) {
	left, err := l.not(a.Left, c)
	if err != nil {
		return nil, err
	}
	for _, and := range a.Ands {
		if left, err = logical(c, and.Pos, OpAnd, left, func() (Expr, *Error) { return l.not(and.Right, c) }); err != nil {
			return nil, err
		}
	}
	return left, nil
}

// logical joins left and the next operand with AND or OR, where only
// conditions may stand on either side (WHERE clauses only).
func logical(c exprCtx, at lexer.Position, op Op, left Expr, next func() (Expr, *Error)) (Expr, *Error) {
	if c != inCond {
		return nil, badOperator(c, at, op.String())
	}
	if !isBoolean(left) {
		return nil, validationAt(left.Position(), msgAndOrOperand)
	}
	right, err := next()
	if err != nil {
		return nil, err
	}
	if !isBoolean(right) {
		return nil, validationAt(right.Position(), msgAndOrOperand)
	}
	return &Binary{Pos: pos(at), Op: op, Left: left, Right: right}, nil
}

func (l *lowerer) not(n *synNot, c exprCtx) (Expr, *Error) {
	if n.Pred != nil {
		return l.predicate(n.Pred, c)
	}
	if c != inCond {
		return nil, badOperator(c, n.Pos, "NOT")
	}
	x, err := l.not(n.Not, c)
	if err != nil {
		return nil, err
	}
	if !isBoolean(x) {
		return nil, validationAt(x.Position(), msgNotOperand)
	}
	return &Not{Pos: pos(n.Pos), Expr: x}, nil
}

var compareOps = map[string]Op{"=": OpEq, "<>": OpNe, "!=": OpNe, "<": OpLt, "<=": OpLe, ">": OpGt, ">=": OpGe}

func (l *lowerer) predicate(p *synPredicate, c exprCtx) (Expr, *Error) {
	left, err := l.sum(p.Left, c)
	if err != nil || p.Tail == nil {
		return left, err
	}
	t := p.Tail
	tp := pos(t.Pos)
	switch {
	case t.Compare != "":
		if c != inCond {
			return nil, badOperator(c, t.Pos, t.Compare)
		}
		right, err := l.sum(t.Right, c)
		if err != nil {
			return nil, err
		}
		return &Binary{Pos: tp, Op: compareOps[t.Compare], Left: left, Right: right}, nil
	case t.Is:
		if c == inUpdate {
			return nil, validationAt(tp, msgIsInUpdate)
		}
		switch left.(type) {
		case *Path, *Literal:
		default:
			return nil, validationAt(left.Position(), msgIsOperand)
		}
		typ, err := isType(t.Type)
		if err != nil {
			return nil, err
		}
		return &Is{Pos: tp, Expr: left, Not: t.IsNot, Type: typ}, nil
	}
	var out Expr
	switch {
	case t.In != nil:
		if c != inCond {
			return nil, badOperator(c, t.Pos, "IN")
		}
		if out, err = l.in(tp, left, t.In); err != nil {
			return nil, err
		}
	case t.Between != nil:
		if c != inCond {
			return nil, badOperator(c, t.Pos, "BETWEEN")
		}
		low, err := l.sum(t.Between, c)
		if err != nil {
			return nil, err
		}
		high, err := l.sum(t.And, c)
		if err != nil {
			return nil, err
		}
		out = &Between{Pos: tp, Expr: left, Low: low, High: high}
	default:
		return nil, badOperator(c, t.Pos, "LIKE")
	}
	if t.Not {
		out = &Not{Pos: tp, Expr: out}
	}
	return out, nil
}

// in lowers x IN [...] (or x IN (...)): a path on the left, a non-empty
// list on the right.
func (l *lowerer) in(p Pos, left Expr, right *synSum) (Expr, *Error) {
	if _, ok := left.(*Path); !ok {
		return nil, validationAt(p, msgInOperator)
	}
	var elems []*synExpr
	if len(right.Ops) == 0 && right.Left.Operand == nil {
		prim := right.Left
		switch {
		case prim.List != nil:
			elems = prim.List.Elems
		case len(prim.Paren) > 0:
			elems = prim.Paren
		}
	}
	if len(elems) == 0 {
		return nil, validationAt(p, msgInOperator)
	}
	values := make([]Expr, len(elems))
	for i, e := range elems {
		v, err := l.expr(e, inCond)
		if err != nil {
			return nil, err
		}
		values[i] = v
	}
	return &In{Pos: p, Expr: left, Values: values}, nil
}

// isTypes maps the type names DynamoDB supports after IS.
var isTypes = map[string]IsType{
	"MISSING": IsMissing, "NULL": IsNull, "BOOLEAN": IsBoolean, "NUMERIC": IsNumeric,
	"STRING": IsString, "BLOB": IsBlob, "STRUCT": IsStruct, "TUPLE": IsTuple, "LIST": IsList,
}

func isType(t *synTypeName) (IsType, *Error) {
	words := t.Name
	if len(words) == 0 {
		words = t.Two
	}
	name := strings.ToUpper(strings.Join(words, " "))
	if typ, ok := isTypes[name]; ok && len(t.Args) == 0 {
		return typ, nil
	}
	return 0, validationAt(pos(t.Pos), msgIsType, name)
}

func (l *lowerer) sum(s *synSum, c exprCtx) (Expr, *Error) {
	left, err := l.unary(s.Left, c, "root")
	if err != nil {
		return nil, err
	}
	for _, op := range s.Ops {
		if op.Op != "+" && op.Op != "-" {
			return nil, badOperator(c, op.Pos, op.Op)
		}
		right, err := l.unary(op.Right, c, "root")
		if err != nil {
			return nil, err
		}
		o := OpAdd
		if op.Op == "-" {
			o = OpSub
		}
		left = &Binary{Pos: pos(op.Pos), Op: o, Left: left, Right: right}
	}
	return left, nil
}

// unary lowers a signed operand. As partiql-lang-kotlin does, a sign on a
// number literal is folded into the literal; a sign on anything else is an
// operator DynamoDB does not have.
func (l *lowerer) unary(u *synPrimary, c exprCtx, path string) (Expr, *Error) {
	if u.Operand == nil {
		return l.primary(u, c, path)
	}
	x, err := l.unary(u.Operand, c, path)
	if err != nil {
		return nil, err
	}
	lit, ok := x.(*Literal)
	if !ok || lit.Value.Type() != attr.TypeN {
		if c == inValue {
			return nil, validationAt(pos(u.Pos), msgUnsupportedToken, l.text(u.Pos, u.EndPos))
		}
		return nil, badOperator(c, u.Pos, u.Sign)
	}
	if u.Sign == "+" {
		return &Literal{Pos: pos(u.Pos), Value: lit.Value}, nil
	}
	text := lit.Value.Str()
	switch {
	case text == "0":
		if isDecimalText(numberText(u.Operand)) {
			return nil, validationAt(pos(u.Pos), msgNegativeZero, path)
		}
	case strings.HasPrefix(text, "-"):
		text = text[1:]
	default:
		text = "-" + text
	}
	return &Literal{Pos: pos(u.Pos), Value: attr.MustN(text)}, nil
}

// numberText returns the number literal under signs and parentheses.
func numberText(p *synPrimary) string {
	for p.Operand != nil {
		p = p.Operand
	}
	if len(p.Paren) == 1 {
		if v := bareUnary(p.Paren[0]); v != nil {
			return numberText(v)
		}
	}
	return p.Number
}

// isDecimalText reports whether a number literal is a decimal (has a point
// or an exponent) rather than an integer; only decimals have a negative zero.
func isDecimalText(s string) bool { return strings.ContainsAny(s, ".eE") }

func (l *lowerer) primary(p *synPrimary, c exprCtx, path string) (Expr, *Error) {
	at := pos(p.Pos)
	switch {
	case p.Number != "":
		v, err := attr.N(p.Number)
		if err != nil {
			return nil, validationAt(at, msgNumberUnderRoot, attrMessage(err), path)
		}
		return &Literal{Pos: at, Value: v}, nil
	case p.String != "":
		return &Literal{Pos: at, Value: attr.S(unquote(p.String, '\''))}, nil
	case p.Bool != "":
		return &Literal{Pos: at, Value: attr.Bool(strings.EqualFold(p.Bool, "TRUE"))}, nil
	case p.Null:
		return &Literal{Pos: at, Value: attr.Null()}, nil
	case p.Missing:
		return nil, validationAt(at, msgMissingLiteral)
	case p.Param:
		l.params++
		return &Param{Pos: at, Index: l.params - 1}, nil
	case p.Ion != "":
		return nil, validationAt(at, msgIonLiteral, p.Ion[1:len(p.Ion)-1], path)
	case len(p.Paren) == 1:
		if c == inValue {
			return l.value(p.Paren[0], path)
		}
		return l.expr(p.Paren[0], c)
	case len(p.Paren) > 1:
		return l.list(at, p.Paren, path)
	case p.List != nil:
		return l.list(at, p.List.Elems, path)
	case p.Bag != nil:
		return l.bag(at, p.Bag.Elems, path)
	case p.Struct != nil:
		return l.mapValue(at, p.Struct, path)
	}
	if c == inValue {
		return nil, validationAt(at, msgUnsupportedToken, l.text(p.Pos, p.EndPos))
	}
	if p.Ref.Call != nil {
		return l.call(p.Ref, c)
	}
	return l.refPath(p.Ref)
}

// refPath lowers a path in an expression.
func (l *lowerer) refPath(r *synRef) (*Path, *Error) {
	if isKeywordName(r.Name) {
		return nil, syntaxAt(r.Pos, detUnexpectedKeyword)
	}
	return l.path(r.Pos, r.Name, r.Steps, false)
}

func (l *lowerer) call(call *synRef, c exprCtx) (Expr, *Error) {
	name := strings.ToLower(identName(call.Name))
	if len(call.Steps) > 0 {
		return nil, validationAt(pos(call.Steps[0].Pos), msgPathComponent)
	}
	known := conditionFuncs
	if c == inUpdate {
		known = []string{FuncListAppend, FuncIfNotExists}
	}
	if !slices.Contains(known, name) {
		return nil, validationAt(pos(call.Pos), msgUnknownFunction, name)
	}
	out := &Call{Pos: pos(call.Pos), Name: name, Args: make([]Expr, len(call.Call.Args))}
	for i, a := range call.Call.Args {
		x, err := l.expr(a, c)
		if err != nil {
			return nil, err
		}
		out.Args[i] = x
	}
	return out, nil
}

// value lowers an expression that must be a constant or a ?: an INSERT
// value or a member of a list, map or set. path names it in messages the
// way the service does ("root", "root.a", "root[1]").
func (l *lowerer) value(e *synExpr, path string) (Expr, *Error) {
	u := bareUnary(e)
	if u == nil {
		return nil, validationAt(pos(e.Pos), msgUnsupportedToken, l.text(e.Pos, e.EndPos))
	}
	return l.unary(u, inValue, path)
}

// bareUnary returns the (possibly signed) operand an expression consists
// of, or nil when it has binary operators.
func bareUnary(e *synExpr) *synPrimary {
	if e == nil || len(e.Ors) > 0 || len(e.Left.Ands) > 0 {
		return nil
	}
	n := e.Left.Left
	if n.Not != nil || n.Pred.Tail != nil {
		return nil
	}
	if len(n.Pred.Left.Ops) > 0 {
		return nil
	}
	return n.Pred.Left.Left
}

func (l *lowerer) list(p Pos, elems []*synExpr, path string) (Expr, *Error) {
	members := make([]Expr, len(elems))
	constant := true
	for i, e := range elems {
		v, err := l.value(e, path+"["+itoa(i)+"]")
		if err != nil {
			return nil, err
		}
		members[i] = v
		_, isLit := v.(*Literal)
		constant = constant && isLit
	}
	if !constant {
		return &List{Pos: p, Elems: members}, nil
	}
	vals := make([]attr.Value, len(members))
	for i, m := range members {
		vals[i] = m.(*Literal).Value
	}
	return &Literal{Pos: p, Value: attr.L(vals)}, nil
}

func (l *lowerer) bag(p Pos, elems []*synExpr, path string) (Expr, *Error) {
	if len(elems) == 0 {
		return nil, validationAt(p, msgEmptyBag)
	}
	members := make([]Expr, len(elems))
	var typ attr.Type
	constant := true
	for i, e := range elems {
		v, err := l.value(e, path+"["+itoa(i)+"]")
		if err != nil {
			return nil, err
		}
		members[i] = v
		lit, isLit := v.(*Literal)
		if !isLit {
			constant = false
			continue
		}
		t := lit.Value.Type()
		if (t != attr.TypeN && t != attr.TypeS) || (typ != 0 && t != typ) {
			return nil, validationAt(v.Position(), msgBagType)
		}
		typ = t
	}
	setType := typ.SetOf()
	if !constant {
		return &Bag{Pos: p, Type: setType, Elems: members}, nil
	}
	vals := make([]attr.Value, len(members))
	for i, m := range members {
		vals[i] = m.(*Literal).Value
	}
	set, err := attr.NewSet(setType, vals)
	if err != nil {
		return nil, validationAt(p, "%s", attrMessage(err))
	}
	return &Literal{Pos: p, Value: set}, nil
}

func (l *lowerer) mapValue(p Pos, s *synStruct, path string) (Expr, *Error) {
	fields, err := l.fields(s, path)
	if err != nil {
		return nil, err
	}
	m := make(map[string]attr.Value, len(fields))
	for _, f := range fields {
		lit, ok := f.Value.(*Literal)
		if !ok {
			return &Map{Pos: p, Fields: fields}, nil
		}
		m[f.Name] = lit.Value
	}
	return &Literal{Pos: p, Value: attr.M(m)}, nil
}

// fields lowers the members of a {...} constructor. For an INSERT item
// (path "root") each attribute's value is its own root, as in the
// service's messages.
func (l *lowerer) fields(s *synStruct, path string) ([]Field, *Error) {
	fields := make([]Field, 0, len(s.Fields))
	seen := make(map[string]bool, len(s.Fields))
	for _, f := range s.Fields {
		u := bareUnary(f.Key)
		if u == nil || u.String == "" {
			return nil, validationAt(pos(f.Key.Pos), msgTupleKeyType, keyTypeName(u), path)
		}
		name := unquote(u.String, '\'')
		if seen[name] {
			return nil, validationAt(pos(f.Key.Pos), msgDuplicateKey, name, path)
		}
		seen[name] = true
		vpath := path + "." + name
		if path == "root" && l.insertItem(s) {
			vpath = "root"
		}
		v, err := l.value(f.Value, vpath)
		if err != nil {
			return nil, err
		}
		fields = append(fields, Field{Pos: pos(f.Key.Pos), Name: name, Value: v})
	}
	return fields, nil
}

// insertItem reports whether s is the item of the INSERT being lowered.
func (l *lowerer) insertItem(s *synStruct) bool { return s == l.item }

// keyTypeName names the type of a non-string map key as the service's
// messages do (Ion type names).
func keyTypeName(p *synPrimary) string {
	if p == nil {
		return "EXPRESSION"
	}
	for p.Operand != nil {
		p = p.Operand
	}
	switch {
	case p.Number != "":
		if isDecimalText(p.Number) {
			return "DECIMAL"
		}
		return "INT"
	case p.Bool != "":
		return "BOOL"
	case p.Null:
		return "NULL"
	case p.Missing:
		return "MISSING"
	case p.List != nil || len(p.Paren) > 1:
		return "LIST"
	case p.Bag != nil:
		return "BAG"
	case p.Struct != nil:
		return "STRUCT"
	case p.Param:
		return "PARAMETER"
	}
	return "EXPRESSION"
}

// attrMessage returns the service message of an attr error.
func attrMessage(err error) string {
	var aerr *attr.Error
	if errors.As(err, &aerr) {
		return aerr.Message
	}
	return err.Error()
}

// path lowers a path. simple paths (DML targets, SET and REMOVE targets)
// follow partiql-lang-kotlin's stricter syntax: names, and literal indexes.
func (l *lowerer) path(p lexer.Position, root string, steps []*synStep, simple bool) (*Path, *Error) {
	out := &Path{Pos: pos(p), Name: identName(root)}
	if out.Name == "" {
		return nil, validationAt(out.Pos, msgPathEmpty)
	}
	for _, s := range steps {
		sp := pos(s.Pos)
		switch {
		case s.Name != "":
			name := identName(s.Name)
			if name == "" {
				return nil, validationAt(sp, msgPathEmpty)
			}
			out.Steps = append(out.Steps, Step{Pos: sp, Name: name})
			continue
		case s.Unpivot && simple:
			return nil, syntaxAt(s.Pos, detSimplePathDot)
		case s.Unpivot:
			return nil, validationAt(sp, msgUnpivotPath)
		case s.Wildcard && simple:
			return nil, syntaxAt(s.Pos, detSimplePathIndex)
		case s.Wildcard:
			return nil, validationAt(sp, msgWildcardPath)
		}
		if simple {
			if u := bareUnary(s.Index); u == nil || (numberText(u) == "" && (u.Operand != nil || u.String == "")) {
				return nil, syntaxAt(s.Pos, detSimplePathIndex)
			}
		}
		step, err := l.indexStep(sp, s.Index)
		if err != nil {
			return nil, err
		}
		out.Steps = append(out.Steps, step)
	}
	return out, nil
}

// indexStep lowers a [...] step: a list index, or a map key as a string.
func (l *lowerer) indexStep(sp Pos, e *synExpr) (Step, *Error) {
	v, err := l.value(e, "root")
	if err != nil {
		return Step{}, err
	}
	lit, ok := v.(*Literal)
	switch {
	case ok && lit.Value.Type() == attr.TypeS:
		if lit.Value.Str() == "" {
			return Step{}, validationAt(sp, msgPathEmpty)
		}
		return Step{Pos: sp, Name: lit.Value.Str()}, nil
	case ok && lit.Value.Type() == attr.TypeN:
		text := lit.Value.Str()
		i, perr := strconv.ParseInt(text, 10, 64)
		if perr != nil && strings.Contains(text, ".") {
			return Step{}, validationAt(sp, msgPathComponent)
		}
		if perr != nil || i < 0 || i > math.MaxInt32 {
			return Step{}, validationAt(sp, msgPathIndexRange, text)
		}
		return Step{Pos: sp, Index: int(i), IsIndex: true}, nil
	}
	return Step{}, validationAt(sp, msgPathComponent)
}

func (l *lowerer) simplePath(sp *synSimplePath) (*Path, *Error) {
	return l.path(sp.Pos, sp.Root, sp.Steps, true)
}

// assignment lowers one SET path = value. set_add and set_delete, which
// DynamoDB runs as the ADD and DELETE actions, must be the whole value.
func (l *lowerer) assignment(a *synAssignment) (*Action, *Error) {
	target, err := l.simplePath(a.Target)
	if err != nil {
		return nil, err
	}
	if call := barePrimary(a.Value).asCall(); call != nil && len(call.Steps) == 0 {
		name := strings.ToLower(identName(call.Name))
		if name == FuncSetAdd || name == FuncSetDelete {
			return l.setFunc(a, target, call, name)
		}
	}
	v, err := l.expr(a.Value, inUpdate)
	if err != nil {
		return nil, err
	}
	return &Action{Pos: pos(a.Pos), Kind: ActionSet, Path: target, Value: v}, nil
}

func (l *lowerer) setFunc(a *synAssignment, target *Path, call *synRef, name string) (*Action, *Error) {
	kind, suffix := ActionAdd, "ADD"
	if name == FuncSetDelete {
		kind, suffix = ActionDelete, "DELETE"
	}
	cp := pos(call.Pos)
	args := call.Call.Args
	if len(args) != 2 {
		return nil, validationAt(cp, msgSetFuncArgs, suffix)
	}
	first := barePrimary(args[0]).asPath()
	if first == nil {
		return nil, validationAt(pos(args[0].Pos), msgSetFuncFirst, suffix)
	}
	fp, err := l.refPath(first)
	if err != nil {
		return nil, err
	}
	if !fp.Equal(target) {
		return nil, validationAt(fp.Pos, msgSetFuncFirst, suffix)
	}
	v, err := l.value(args[1], "root")
	if err != nil {
		return nil, err
	}
	switch v := v.(type) {
	case *Bag, *Param:
	case *Literal:
		if !v.Value.Type().IsSet() {
			return nil, validationAt(v.Pos, msgSetFuncSecond, suffix)
		}
	default:
		return nil, validationAt(v.Position(), msgSetFuncSecond, suffix)
	}
	return &Action{Pos: pos(a.Pos), Kind: kind, Path: target, Value: v}, nil
}
