package expr

import "dynalab/engine/attr"

// Bind resolves the expression's placeholders from p and applies the
// value-dependent checks, returning an executable condition. It walks the
// tree like the service's validator: each operator after its operands,
// reporting undefined placeholders, then operand count, operand types,
// distinct operands and the function's own rules.
func (e *ConditionExpr) Bind(p *Params) (*Condition, error) {
	b := condBinder{param: e.param, p: p}
	c := b.cond(e.root)
	if b.err != nil {
		return nil, b.err
	}
	return c, nil
}

// condBinder binds a condition tree, copying only the nodes that change.
// Like the service's validator it also applies the text-only limits (path
// depth, IN operand count, operator count) during its post-order walk, so
// they interleave with the other errors as they do there.
type condBinder struct {
	param string
	p     *Params
	err   *Error
	ops   int
}

// countOp counts one operator or function against the limit.
func (b *condBinder) countOp() {
	b.ops++
	if b.ops > maxOperators {
		b.fail(msgTooManyOps + itoa(b.ops))
	}
}

func (b *condBinder) fail(msg string) {
	if b.err == nil {
		b.err = invalid(b.param, msg)
	}
}

func (b *condBinder) cond(c *Condition) *Condition {
	if b.err != nil || c == nil {
		return c
	}
	switch c.Kind {
	case CondAnd, CondOr, CondNot:
		l := b.cond(c.Left)
		r := b.cond(c.Right)
		b.countOp()
		if l == c.Left && r == c.Right {
			return c
		}
		n := *c
		n.Left, n.Right = l, r
		return &n
	}
	args := b.operands(c.Args)
	if b.err != nil {
		return c
	}
	b.checkCondition(c, args)
	b.countOp()
	if sameSlice(args, c.Args) {
		return c
	}
	n := *c
	n.Args = args
	return &n
}

// operands binds a list of operands, returning args itself when unchanged.
func (b *condBinder) operands(args []Operand) []Operand {
	out := args
	for i := range args {
		o, changed := b.operand(&args[i])
		if b.err != nil {
			return args
		}
		if changed {
			if sameSlice(out, args) {
				out = make([]Operand, len(args))
				copy(out, args)
			}
			out[i] = o
		}
	}
	return out
}

func (b *condBinder) operand(o *Operand) (Operand, bool) {
	switch o.Kind {
	case OperandPath:
		if len(o.Path) > maxPathDepth {
			b.fail(msgTooDeep + itoa(len(o.Path)))
			return *o, false
		}
		path, undefined := b.p.resolvePath(o.Path)
		if undefined != "" {
			b.fail(msgUndefinedName + undefined)
			return *o, false
		}
		if len(path) > 0 && &path[0] == &o.Path[0] {
			return *o, false
		}
		return Operand{Kind: OperandPath, Path: path}, true
	case OperandPlaceholder:
		v, ok := b.p.value(o.Name)
		if !ok {
			b.fail(msgUndefinedVal + o.Name)
			return *o, false
		}
		return Operand{Kind: OperandValue, Value: v}, true
	case OperandFunc, OperandPlus, OperandMinus:
		if len(o.Args) == 0 {
			return *o, false
		}
		args := b.operands(o.Args)
		if b.err != nil {
			return *o, false
		}
		if o.Kind == OperandFunc {
			b.checkFunc(o.Func, args)
		}
		b.countOp()
		if sameSlice(args, o.Args) {
			return *o, false
		}
		n := *o
		n.Args = args
		return n, true
	}
	return *o, false
}

// Operand type sets of the service's operators.
var (
	orderedTypes = typeSet(attr.TypeS, attr.TypeN, attr.TypeB)
	stringBinary = typeSet(attr.TypeS, attr.TypeB)
	iterable     = typeSet(attr.TypeS, attr.TypeB, attr.TypeSS, attr.TypeNS, attr.TypeBS, attr.TypeL, attr.TypeM)
)

func typeSet(types ...attr.Type) uint16 {
	var s uint16
	for _, t := range types {
		s |= 1 << t
	}
	return s
}

// returnType is the type an operand is known to produce before it is
// evaluated, or 0 when it may be of any type (paths, if_not_exists).
func returnType(o *Operand) attr.Type {
	switch o.Kind {
	case OperandValue:
		return o.Value.Type()
	case OperandPlus, OperandMinus:
		return attr.TypeN
	case OperandFunc:
		switch o.Func {
		case FuncSize:
			return attr.TypeN
		case FuncListAppend:
			return attr.TypeL
		}
	}
	return 0
}

// checkTypes fails on the first operand whose known type is outside set.
func (b *condBinder) checkTypes(name string, set uint16, args []Operand) {
	for i := range args {
		if t := returnType(&args[i]); t != 0 && set&(1<<t) == 0 {
			b.fail(msgOperandType + name + ", operand type: " + t.String())
			return
		}
	}
}

// checkDistinct fails when the first operand is a path repeated later.
func (b *condBinder) checkDistinct(name string, args []Operand) {
	if len(args) < 2 || args[0].Kind != OperandPath {
		return
	}
	for i := 1; i < len(args); i++ {
		if args[i].Kind == OperandPath && args[i].Path.Equal(args[0].Path) {
			b.fail(msgNotDistinct + name + ", first operand: " + args[0].Path.render())
			return
		}
	}
}

// checkCondition validates a comparison, BETWEEN, IN or function node.
func (b *condBinder) checkCondition(c *Condition, args []Operand) {
	switch c.Kind {
	case CondEQ, CondNE:
		b.checkDistinct(comparatorSymbols[c.Kind], args)
	case CondIn:
		b.checkDistinct(comparatorSymbols[c.Kind], args)
		if len(args)-1 > maxInOperands {
			b.fail(msgTooManyIn + itoa(len(args)-1))
		}
	case CondLT, CondLE, CondGT, CondGE, CondBetween:
		name := comparatorSymbols[c.Kind]
		b.checkTypes(name, orderedTypes, args)
		b.checkDistinct(name, args)
		if c.Kind == CondBetween && b.err == nil {
			b.checkBetween(args)
		}
	case CondFunc:
		b.checkFunc(c.Func, args)
	}
}

// checkFunc validates a function call: operand count, operand types,
// distinct operands, then the function's own rules.
func (b *condBinder) checkFunc(f Func, args []Operand) {
	name := f.String()
	if len(args) != f.arity() {
		b.fail(msgOperandCount + name + ", number of operands: " + itoa(len(args)))
		return
	}
	switch f {
	case FuncBeginsWith:
		b.checkTypes(name, stringBinary, args)
	case FuncSize:
		b.checkTypes(name, iterable, args)
	}
	b.checkDistinct(name, args)
	if b.err != nil {
		return
	}
	switch f {
	case FuncAttributeExists, FuncAttributeNotExists:
		if args[0].Kind != OperandPath {
			b.fail(msgNeedsPath + name)
		}
	case FuncAttributeType:
		b.checkAttributeType(args[1])
	}
}

func (b *condBinder) checkAttributeType(o Operand) {
	switch {
	case o.Kind == OperandValue && o.Value.Type() == attr.TypeS:
		if _, ok := attr.ParseType(o.Value.Str()); !ok {
			b.fail(msgTypeName + o.Value.Str() + msgValidTypes)
		}
	case o.Kind == OperandValue:
		b.fail(msgOperandType + "attribute_type, operand type: " + o.Value.Type().String())
	case returnType(&o) != 0:
		b.fail(msgOperandType + "attribute_type, operand type: " + returnType(&o).String())
	default:
		b.fail(msgOperandType + "attribute_type, operand type: " + allTypeSymbols)
	}
}

// checkBetween requires literal bounds to share a type and be in order.
func (b *condBinder) checkBetween(args []Operand) {
	lo, hi := args[1], args[2]
	if lo.Kind != OperandValue || hi.Kind != OperandValue {
		return
	}
	bounds := lo.Value.Brief() + msgBetweenUpper + hi.Value.Brief()
	if lo.Value.Type() != hi.Value.Type() {
		b.fail(msgBetweenTypes + bounds)
		return
	}
	if c, ok := attr.Compare(lo.Value, hi.Value); ok && c > 0 {
		b.fail(msgBetweenOrder + bounds)
	}
}

// sameSlice reports whether a is b (not merely equal), treating empty
// slices as the same.
func sameSlice(a, b []Operand) bool { return len(a) == 0 || len(b) == 0 || &a[0] == &b[0] }
