package expr

import (
	"strings"

	"dynalab/engine/attr"
)

// ElemKind says what one document path element is.
type ElemKind uint8

const (
	// ElemName is an attribute name (first element) or a map key.
	ElemName ElemKind = iota
	// ElemIndex is a list index.
	ElemIndex
	// ElemPlaceholder is an unresolved "#name"; only parsed, unbound ASTs
	// contain it.
	ElemPlaceholder
)

// PathElem is one element of a document path.
type PathElem struct {
	Kind  ElemKind
	Name  string // attribute name or map key; the "#name" token for placeholders
	Index int    // list index, for ElemIndex
	pos   int32  // token index in the expression, for error ordering
}

// Name returns a map-key (or attribute-name) path element.
func Name(name string) PathElem { return PathElem{Kind: ElemName, Name: name} }

// Index returns a list-index path element.
func Index(i int) PathElem { return PathElem{Kind: ElemIndex, Index: i} }

// Path is a document path such as a.b[1].c. A bound path starts with an
// ElemName and contains no placeholders.
type Path []PathElem

// NewPath returns the path of one top-level attribute followed by map keys.
func NewPath(names ...string) Path {
	p := make(Path, len(names))
	for i, n := range names {
		p[i] = Name(n)
	}
	return p
}

// Equal reports whether two paths have the same elements.
func (p Path) Equal(q Path) bool {
	if len(p) != len(q) {
		return false
	}
	for i := range p {
		if !p[i].same(q[i]) {
			return false
		}
	}
	return true
}

func (e PathElem) same(f PathElem) bool {
	if e.Kind != f.Kind {
		return false
	}
	if e.Kind == ElemIndex {
		return e.Index == f.Index
	}
	return e.Name == f.Name
}

// String renders the path in expression syntax, e.g. a.b[1]; names are
// written as they are, without placeholders or escaping.
func (p Path) String() string {
	var b strings.Builder
	for i, e := range p {
		switch {
		case e.Kind == ElemIndex:
			b.WriteByte('[')
			b.WriteString(itoa(e.Index))
			b.WriteByte(']')
		case i > 0:
			b.WriteByte('.')
			b.WriteString(e.Name)
		default:
			b.WriteString(e.Name)
		}
	}
	return b.String()
}

// render formats a path the way the service quotes it in messages:
// [a, b, [1]].
func (p Path) render() string {
	var b strings.Builder
	b.WriteByte('[')
	for i, e := range p {
		if i > 0 {
			b.WriteString(", ")
		}
		if e.Kind == ElemIndex {
			b.WriteByte('[')
			b.WriteString(itoa(e.Index))
			b.WriteByte(']')
		} else {
			b.WriteString(e.Name)
		}
	}
	b.WriteByte(']')
	return b.String()
}

// Resolve returns the value at the path in item. Missing elements, a name
// applied to a non-map, an index applied to a non-list or an index past the
// end make the path absent (ok false).
func (p Path) Resolve(item attr.Item) (v attr.Value, ok bool) {
	if len(p) == 0 || p[0].Kind != ElemName {
		return attr.Value{}, false
	}
	v, ok = item[p[0].Name]
	for i := 1; ok && i < len(p); i++ {
		v, ok = child(v, p[i])
	}
	return v, ok
}

// child returns the element e of a map or list value.
func child(v attr.Value, e PathElem) (attr.Value, bool) {
	switch e.Kind {
	case ElemName:
		if v.Type() == attr.TypeM {
			c, ok := v.Map()[e.Name]
			return c, ok
		}
	case ElemIndex:
		if l := v.List(); v.Type() == attr.TypeL && e.Index >= 0 && e.Index < len(l) {
			return l[e.Index], true
		}
	}
	return attr.Value{}, false
}

// Func is a function of the expression language.
type Func uint8

// The functions. Condition functions return a truth value (except size);
// if_not_exists and list_append are for update expressions only.
const (
	FuncNone Func = iota
	FuncAttributeExists
	FuncAttributeNotExists
	FuncAttributeType
	FuncBeginsWith
	FuncContains
	FuncSize
	FuncIfNotExists
	FuncListAppend
)

var funcNames = [...]string{"", "attribute_exists", "attribute_not_exists", "attribute_type",
	"begins_with", "contains", "size", "if_not_exists", "list_append"}

// String returns the function's name as written in expressions.
func (f Func) String() string {
	if int(f) < len(funcNames) {
		return funcNames[f]
	}
	return ""
}

// lookupFunc finds a function by its case-sensitive name.
func lookupFunc(name string) Func {
	for i := 1; i < len(funcNames); i++ {
		if funcNames[i] == name {
			return Func(i)
		}
	}
	return FuncNone
}

// arity returns how many operands a function takes.
func (f Func) arity() int {
	switch f {
	case FuncAttributeExists, FuncAttributeNotExists, FuncSize:
		return 1
	}
	return 2
}

// isValueFunc reports whether f belongs to update expressions.
func (f Func) isValueFunc() bool { return f == FuncIfNotExists || f == FuncListAppend }

// OperandKind says what an Operand is.
type OperandKind uint8

const (
	// OperandPath reads a document path.
	OperandPath OperandKind = iota
	// OperandValue is a literal value (a bound :placeholder).
	OperandValue
	// OperandPlaceholder is an unresolved ":name"; only parsed ASTs have it.
	OperandPlaceholder
	// OperandFunc calls Func with Args: size in conditions, if_not_exists
	// and list_append in updates.
	OperandFunc
	// OperandPlus is Args[0] + Args[1] (updates).
	OperandPlus
	// OperandMinus is Args[0] - Args[1] (updates).
	OperandMinus
)

// Operand is a value-producing node: a path, a literal, a function call or
// an arithmetic operation.
type Operand struct {
	Kind  OperandKind
	Path  Path       // OperandPath
	Value attr.Value // OperandValue
	Name  string     // OperandPlaceholder: the ":name" token
	Func  Func       // OperandFunc
	Args  []Operand  // OperandFunc, OperandPlus, OperandMinus
	pos   int32      // token index of the placeholder or function name
	paren bool       // parsed inside its own parentheses
	call  bool       // a bare function call that may still be a condition
}

// PathOperand returns an operand reading path p.
func PathOperand(p Path) Operand { return Operand{Kind: OperandPath, Path: p} }

// ValueOperand returns a literal operand.
func ValueOperand(v attr.Value) Operand { return Operand{Kind: OperandValue, Value: v} }

// CallOperand returns a function-call operand.
func CallOperand(f Func, args ...Operand) Operand {
	return Operand{Kind: OperandFunc, Func: f, Args: args}
}

// CondKind says what a Condition node is.
type CondKind uint8

const (
	// CondAnd is Left AND Right.
	CondAnd CondKind = iota
	// CondOr is Left OR Right.
	CondOr
	// CondNot is NOT Left.
	CondNot
	// CondEQ is Args[0] = Args[1].
	CondEQ
	// CondNE is Args[0] <> Args[1].
	CondNE
	// CondLT is Args[0] < Args[1].
	CondLT
	// CondLE is Args[0] <= Args[1].
	CondLE
	// CondGT is Args[0] > Args[1].
	CondGT
	// CondGE is Args[0] >= Args[1].
	CondGE
	// CondBetween is Args[0] BETWEEN Args[1] AND Args[2].
	CondBetween
	// CondIn is Args[0] IN (Args[1:]...).
	CondIn
	// CondFunc is a boolean function call Func(Args...).
	CondFunc
)

var comparatorSymbols = [...]string{CondEQ: "=", CondNE: "<>", CondLT: "<", CondLE: "<=",
	CondGT: ">", CondGE: ">=", CondBetween: "BETWEEN", CondIn: "IN"}

// Condition is a node of a condition, filter or key condition expression.
type Condition struct {
	Kind        CondKind
	Left, Right *Condition // CondAnd, CondOr; CondNot uses Left
	Func        Func       // CondFunc
	Args        []Operand  // comparisons, BETWEEN, IN, CondFunc
	pos         int32      // token index of the function name (CondFunc)
	grouped     bool       // parsed inside its own parentheses
}

// And returns l AND r.
func And(l, r *Condition) *Condition { return &Condition{Kind: CondAnd, Left: l, Right: r} }

// Or returns l OR r.
func Or(l, r *Condition) *Condition { return &Condition{Kind: CondOr, Left: l, Right: r} }

// Not returns NOT c.
func Not(c *Condition) *Condition { return &Condition{Kind: CondNot, Left: c} }

// Compare returns a comparison; kind is one of CondEQ through CondGE.
func Compare(kind CondKind, a, b Operand) *Condition {
	return &Condition{Kind: kind, Args: []Operand{a, b}}
}

// Between returns x BETWEEN lo AND hi.
func Between(x, lo, hi Operand) *Condition {
	return &Condition{Kind: CondBetween, Args: []Operand{x, lo, hi}}
}

// In returns x IN (list...).
func In(x Operand, list ...Operand) *Condition {
	return &Condition{Kind: CondIn, Args: append([]Operand{x}, list...)}
}

// Call returns a boolean function condition such as attribute_exists(p).
func Call(f Func, args ...Operand) *Condition {
	return &Condition{Kind: CondFunc, Func: f, Args: args}
}

// TopLevelNames returns the distinct first elements of every path the
// condition reads, in order; the engine uses it to keep key attributes out of
// Query filters.
func (c *Condition) TopLevelNames() []string {
	var names []string
	c.walkPaths(func(p Path) {
		if len(p) == 0 || p[0].Kind != ElemName {
			return
		}
		for _, n := range names {
			if n == p[0].Name {
				return
			}
		}
		names = append(names, p[0].Name)
	})
	return names
}

func (c *Condition) walkPaths(fn func(Path)) {
	if c == nil {
		return
	}
	c.Left.walkPaths(fn)
	c.Right.walkPaths(fn)
	for i := range c.Args {
		c.Args[i].walkPaths(fn)
	}
}

func (o *Operand) walkPaths(fn func(Path)) {
	if o.Kind == OperandPath {
		fn(o.Path)
	}
	for i := range o.Args {
		o.Args[i].walkPaths(fn)
	}
}

// ActionKind says what an update action does.
type ActionKind uint8

const (
	// ActionSet is SET Path = Value.
	ActionSet ActionKind = iota
	// ActionRemove is REMOVE Path.
	ActionRemove
	// ActionAdd is ADD Path Value.
	ActionAdd
	// ActionDelete is DELETE Path Value.
	ActionDelete
)

// Action is one action of an update expression.
type Action struct {
	Kind  ActionKind
	Path  Path    // the target
	Value Operand // SET: the new value; ADD and DELETE: the literal operand
}
