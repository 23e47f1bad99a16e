package expr

import (
	"strings"

	"dynalab/engine/attr"
)

// Eval evaluates a bound condition against item; a nil or empty item
// stands for "no item". Comparisons with a missing operand are false except
// <>, which is true; <, <=, >, >= and BETWEEN are false across types and for
// types that have no order; a type mismatch inside a function makes it
// false. A nil condition is true.
func (c *Condition) Eval(item attr.Item) bool {
	if c == nil {
		return true
	}
	switch c.Kind {
	case CondAnd:
		return c.Left.Eval(item) && c.Right.Eval(item)
	case CondOr:
		return c.Left.Eval(item) || c.Right.Eval(item)
	case CondNot:
		return !c.Left.Eval(item)
	case CondNE:
		return !c.compare(item, CondEQ)
	case CondEQ, CondLT, CondLE, CondGT, CondGE:
		return c.compare(item, c.Kind)
	case CondBetween:
		return c.between(item)
	case CondIn:
		return c.in(item)
	case CondFunc:
		return c.call(item)
	}
	return false
}

// compare evaluates Args[0] <kind> Args[1].
func (c *Condition) compare(item attr.Item, kind CondKind) bool {
	if len(c.Args) != 2 {
		return false
	}
	a, ok := c.Args[0].eval(item)
	if !ok {
		return false
	}
	b, ok := c.Args[1].eval(item)
	if !ok {
		return false
	}
	if kind == CondEQ {
		return attr.Equal(a, b)
	}
	n, ok := attr.Compare(a, b)
	if !ok {
		return false
	}
	switch kind {
	case CondLT:
		return n < 0
	case CondLE:
		return n <= 0
	case CondGT:
		return n > 0
	}
	return n >= 0
}

func (c *Condition) between(item attr.Item) bool {
	if len(c.Args) != 3 {
		return false
	}
	var v [3]attr.Value
	for i := range v {
		var ok bool
		if v[i], ok = c.Args[i].eval(item); !ok {
			return false
		}
	}
	hi, ok1 := attr.Compare(v[0], v[2])
	lo, ok2 := attr.Compare(v[0], v[1])
	return ok1 && ok2 && hi <= 0 && lo >= 0
}

func (c *Condition) in(item attr.Item) bool {
	if len(c.Args) < 2 {
		return false
	}
	x, ok := c.Args[0].eval(item)
	if !ok {
		return false
	}
	for i := 1; i < len(c.Args); i++ {
		if v, ok := c.Args[i].eval(item); ok && attr.Equal(x, v) {
			return true
		}
	}
	return false
}

// call evaluates a boolean function.
func (c *Condition) call(item attr.Item) bool {
	if len(c.Args) != c.Func.arity() {
		return false
	}
	a, aok := c.Args[0].eval(item)
	switch c.Func {
	case FuncAttributeExists:
		return aok
	case FuncAttributeNotExists:
		return !aok
	}
	if len(c.Args) < 2 {
		return false
	}
	b, bok := c.Args[1].eval(item)
	if !aok || !bok {
		return false
	}
	switch c.Func {
	case FuncAttributeType:
		return b.Type() == attr.TypeS && a.Type().String() == b.Str()
	case FuncBeginsWith:
		return sameStringOrBinary(a, b) && strings.HasPrefix(a.Str(), b.Str())
	case FuncContains:
		return contains(a, b)
	}
	return false
}

func sameStringOrBinary(a, b attr.Value) bool {
	return a.Type() == b.Type() && (a.Type() == attr.TypeS || a.Type() == attr.TypeB)
}

// contains is a substring test for S and B, membership for sets (of the
// element's type) and element equality for lists.
func contains(a, b attr.Value) bool {
	switch a.Type() {
	case attr.TypeS, attr.TypeB:
		return a.Type() == b.Type() && strings.Contains(a.Str(), b.Str())
	case attr.TypeL:
		for _, e := range a.List() {
			if attr.Equal(e, b) {
				return true
			}
		}
		return false
	case attr.TypeSS, attr.TypeNS, attr.TypeBS:
		return a.HasMember(b)
	}
	return false
}

// eval returns the operand's value in a condition; false means missing,
// which includes size() of a type without a size and failed arithmetic.
func (o *Operand) eval(item attr.Item) (attr.Value, bool) {
	switch o.Kind {
	case OperandPath:
		return o.Path.Resolve(item)
	case OperandValue:
		return o.Value, !o.Value.IsZero()
	case OperandFunc:
		if o.Func == FuncSize && len(o.Args) == 1 {
			v, ok := o.Args[0].eval(item)
			if !ok || v.Len() < 0 {
				return attr.Value{}, false
			}
			return attr.Int(int64(v.Len())), true
		}
	}
	v, ok, err := o.value(item)
	return v, ok && err == nil
}
