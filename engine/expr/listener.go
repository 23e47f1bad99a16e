package expr

// The checks below run after a successful parse, like the service's listener
// walk over its parse tree: they record events (see parser.event) so the
// earliest, in text order, is reported. The limits type applies the
// text-only limits of update and projection expressions.

// walkCondFuncs records, as listener events, functions used where the
// service's listener rejects them.
func walkCondFuncs(p *parser, c *Condition) {
	switch c.Kind {
	case CondAnd, CondOr:
		walkCondFuncs(p, c.Left)
		walkCondFuncs(p, c.Right)
	case CondNot:
		walkCondFuncs(p, c.Left)
	case CondFunc:
		switch {
		case c.Func == FuncNone:
		case c.Func.isValueFunc():
			p.event(int(c.pos), 0, msgNotInCond+c.Func.String())
		case c.Func == FuncSize:
			p.event(int(c.pos), 0, msgMisused+c.Func.String())
		}
		walkOperandFuncs(p, c.Args, 1, false)
	default:
		walkOperandFuncs(p, c.Args, 1, false)
	}
}

// walkOperandFuncs checks function calls among operands at the given
// nesting level (the service's listener counts comparators, IN, BETWEEN,
// arithmetic and function calls as nesting).
func walkOperandFuncs(p *parser, args []Operand, nesting int, update bool) {
	for i := range args {
		o := &args[i]
		switch o.Kind {
		case OperandFunc:
			if msg := funcContextError(o.Func, nesting, update); msg != "" {
				p.event(int(o.pos), 0, msg+o.Func.String())
			}
			walkOperandFuncs(p, o.Args, nesting+1, update)
		case OperandPlus, OperandMinus:
			walkOperandFuncs(p, o.Args, nesting+1, update)
		}
	}
}

// funcContextError returns the message prefix for a function call that is
// not allowed where it stands, or "".
func funcContextError(f Func, nesting int, update bool) string {
	switch {
	case f == FuncNone:
		return ""
	case update && !f.isValueFunc():
		return msgNotInUpdate
	case update && nesting > 0 && f != FuncIfNotExists:
		return msgMisused
	case !update && f.isValueFunc():
		return msgNotInCond
	case !update && f != FuncSize:
		return msgMisused
	}
	return ""
}

// limits applies path depth and the operator limit to update and
// projection expressions (conditions do it while binding, see condBinder).
type limits struct {
	param string
	ops   int
	err   *Error
}

func (l *limits) operands(args []Operand) {
	for i := range args {
		if l.err != nil {
			return
		}
		o := &args[i]
		switch o.Kind {
		case OperandPath:
			l.path(o.Path)
		case OperandFunc, OperandPlus, OperandMinus:
			l.operands(o.Args)
			l.op()
		}
	}
}

func (l *limits) path(p Path) {
	if len(p) > maxPathDepth && l.err == nil {
		l.err = invalid(l.param, msgTooDeep+itoa(len(p)))
	}
}

func (l *limits) op() {
	l.ops++
	if l.ops > maxOperators && l.err == nil {
		l.err = invalid(l.param, msgTooManyOps+itoa(l.ops))
	}
}
