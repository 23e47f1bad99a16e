package partiql

import (
	"strconv"
	"strings"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// This file translates WHERE clauses, SET/REMOVE lists and projections
// into DynamoDB expression text. Every attribute name becomes a #n
// placeholder and every value a :v placeholder, so reserved words and odd
// characters never matter and the engine's expression cache sees the same
// text for every run of a statement whatever its parameters.

// exprBuilder allocates placeholders for one request.
type exprBuilder struct {
	params []attr.Value      // the request's Parameters, bound to ? in order
	names  map[string]string // #placeholder → attribute name
	byName map[string]string // attribute name → #placeholder
	values map[string]attr.Value
	b      strings.Builder
}

func newBuilder(params []attr.Value) *exprBuilder { return &exprBuilder{params: params} }

// name returns the placeholder of an attribute name, one per distinct name.
func (x *exprBuilder) name(n string) string {
	if p, ok := x.byName[n]; ok {
		return p
	}
	if x.names == nil {
		x.names = map[string]string{}
		x.byName = map[string]string{}
	}
	p := "#n" + strconv.Itoa(len(x.names))
	x.names[p] = n
	x.byName[n] = p
	return p
}

// value returns a new placeholder for a value.
func (x *exprBuilder) value(v attr.Value) string {
	if x.values == nil {
		x.values = map[string]attr.Value{}
	}
	p := ":v" + strconv.Itoa(len(x.values))
	x.values[p] = v
	return p
}

// placeholders returns the request's ExpressionAttributeNames and
// ExpressionAttributeValues (nil when empty, as the service requires).
func (x *exprBuilder) placeholders() (map[string]string, engine.Values) {
	var vals engine.Values
	if len(x.values) > 0 {
		vals = engine.Values(x.values)
	}
	return x.names, vals
}

// take returns the text written so far and resets the buffer.
func (x *exprBuilder) take() string {
	s := x.b.String()
	x.b.Reset()
	return s
}

func (x *exprBuilder) str(s string) { x.b.WriteString(s) }

// path writes a document path: #n0.#n1[2].
func (x *exprBuilder) path(p *Path) {
	x.str(x.name(p.Name))
	for _, s := range p.Steps {
		if s.IsIndex {
			x.str("[")
			x.str(strconv.Itoa(s.Index))
			x.str("]")
			continue
		}
		x.str(".")
		x.str(x.name(s.Name))
	}
}

// pathText returns p as expression text.
func (x *exprBuilder) pathText(p *Path) string {
	x.path(p)
	return x.take()
}

// condition writes a WHERE condition (or one conjunct of it).
func (x *exprBuilder) condition(e Expr) error {
	switch e := e.(type) {
	case *Binary:
		switch {
		case e.Op == OpAnd || e.Op == OpOr:
			prec := precAnd
			if e.Op == OpOr {
				prec = precOr
			}
			if err := x.conditionOperand(e.Left, prec); err != nil {
				return err
			}
			x.str(" " + e.Op.String() + " ")
			return x.conditionOperand(e.Right, prec)
		case e.Op.IsComparison():
			if err := x.operand(e.Left); err != nil {
				return err
			}
			x.str(" " + e.Op.String() + " ")
			return x.operand(e.Right)
		}
	case *Not:
		x.str("NOT ")
		return x.conditionOperand(e.Expr, precNot)
	case *Between:
		if err := x.operand(e.Expr); err != nil {
			return err
		}
		x.str(" BETWEEN ")
		if err := x.operand(e.Low); err != nil {
			return err
		}
		x.str(" AND ")
		return x.operand(e.High)
	case *In:
		if err := x.operand(e.Expr); err != nil {
			return err
		}
		x.str(" IN (")
		for i, v := range e.Values {
			if i > 0 {
				x.str(", ")
			}
			if err := x.operand(v); err != nil {
				return err
			}
		}
		x.str(")")
		return nil
	case *Is:
		return x.is(e)
	case *Call:
		return x.call(e)
	}
	return conditionOperatorError(e)
}

// conditionOperand writes an operand of AND, OR or NOT (parent is the
// operator's precedence, format.go's levels), parenthesized when it binds more loosely than its
// parent (NOT > AND > OR). Parentheses are never doubled: DynamoDB refuses
// redundant ones.
func (x *exprBuilder) conditionOperand(e Expr, parent int) error {
	prec := 3
	if b, ok := e.(*Binary); ok && b.Op == OpOr {
		prec = 1
	} else if ok && b.Op == OpAnd {
		prec = 2
	}
	wrap := prec < parent
	if wrap {
		x.str("(")
	}
	err := x.condition(e)
	if wrap {
		x.str(")")
	}
	return err
}

// is writes an IS test the way the service translates it: IS MISSING is
// attribute_not_exists, IS NULL is = NULL, the type tests attribute_type,
// and IS NOT negates the test.
func (x *exprBuilder) is(e *Is) error {
	if e.Not {
		x.str("NOT ")
	}
	switch e.Type {
	case IsMissing:
		x.str("attribute_not_exists(")
		if err := x.operand(e.Expr); err != nil {
			return err
		}
		x.str(")")
	case IsNull:
		if err := x.operand(e.Expr); err != nil {
			return err
		}
		x.str(" = ")
		x.str(x.value(attr.Null()))
	default:
		x.str("attribute_type(")
		if err := x.operand(e.Expr); err != nil {
			return err
		}
		x.str(", ")
		x.str(x.value(attr.S(e.Type.AttributeType())))
		x.str(")")
	}
	return nil
}

// call writes a function call, in a condition or as an operand.
func (x *exprBuilder) call(c *Call) error {
	x.str(c.Name)
	x.str("(")
	for i, a := range c.Args {
		if i > 0 {
			x.str(", ")
		}
		if err := x.operand(a); err != nil {
			return err
		}
	}
	x.str(")")
	return nil
}

// operand writes a value-producing expression: a path, a value (literal,
// ? or constructor), size(...) or, in SET values, arithmetic and
// list_append/if_not_exists.
func (x *exprBuilder) operand(e Expr) error {
	switch e := e.(type) {
	case *Path:
		x.path(e)
		return nil
	case *Call:
		return x.call(e)
	case *Binary:
		if e.Op == OpAdd || e.Op == OpSub {
			if v, ok, err := x.constant(e, "root"); ok || err != nil {
				if err == nil {
					x.str(x.value(v))
				}
				return err
			}
			return conditionOperatorError(e)
		}
	}
	v, ok, err := x.constant(e, "root")
	if err != nil {
		return err
	}
	if !ok {
		return conditionOperatorError(e)
	}
	x.str(x.value(v))
	return nil
}

// updateOperand writes a SET value: like operand, but + and - stay
// arithmetic of the update expression.
func (x *exprBuilder) updateOperand(e Expr) error {
	switch e := e.(type) {
	case *Binary:
		if e.Op == OpAdd || e.Op == OpSub {
			if err := x.updateOperand(e.Left); err != nil {
				return err
			}
			x.str(" " + e.Op.String() + " ")
			return x.updateOperand(e.Right)
		}
	case *Call:
		x.str(e.Name)
		x.str("(")
		for i, a := range e.Args {
			if i > 0 {
				x.str(", ")
			}
			if err := x.updateOperand(a); err != nil {
				return err
			}
		}
		x.str(")")
		return nil
	}
	return x.operand(e)
}

// conditionOperatorError refuses an expression DynamoDB's condition
// language cannot state (arithmetic on attributes in a WHERE clause).
func conditionOperatorError(e Expr) error {
	op := "?"
	if b, ok := e.(*Binary); ok {
		op = b.Op.String()
	}
	return engine.Validationf(msgConditionOperator, op)
}

// update writes the UpdateExpression of an UPDATE's actions: one SET, REMOVE,
// ADD and DELETE clause each, actions in source order within a clause.
func (x *exprBuilder) update(actions []*Action) (string, error) {
	for _, kind := range [...]ActionKind{ActionSet, ActionRemove, ActionAdd, ActionDelete} {
		first := true
		for _, a := range actions {
			if a.Kind != kind {
				continue
			}
			if first {
				if x.b.Len() > 0 {
					x.str(" ")
				}
				x.str([...]string{"SET ", "REMOVE ", "ADD ", "DELETE "}[kind])
				first = false
			} else {
				x.str(", ")
			}
			x.path(a.Path)
			switch kind {
			case ActionSet:
				x.str(" = ")
				if err := x.updateOperand(a.Value); err != nil {
					return "", err
				}
			case ActionAdd, ActionDelete:
				x.str(" ")
				if err := x.operand(a.Value); err != nil {
					return "", err
				}
			}
		}
	}
	return x.take(), nil
}

// projection writes a ProjectionExpression, or returns nil for *.
func (x *exprBuilder) projection(paths []*Path) *string {
	if paths == nil {
		return nil
	}
	for i, p := range paths {
		if i > 0 {
			x.str(", ")
		}
		x.path(p)
	}
	s := x.take()
	return &s
}

// conjunction writes conds joined by AND and returns the text, or nil
// when there are none.
func (x *exprBuilder) conjunction(conds []Expr) (*string, error) {
	if len(conds) == 0 {
		return nil, nil
	}
	parent := precAnd
	if len(conds) == 1 {
		parent = precOr
	}
	for i, c := range conds {
		if i > 0 {
			x.str(" AND ")
		}
		if err := x.conditionOperand(c, parent); err != nil {
			return nil, err
		}
	}
	s := x.take()
	return &s, nil
}

// constant evaluates an expression made of literals, ? parameters,
// constructors and arithmetic on numbers; ok is false when it reads an
// attribute. path names the value in error messages, as the service does
// ("root", "root.a[1]").
func (x *exprBuilder) constant(e Expr, path string) (v attr.Value, ok bool, err error) {
	return constValue(e, x.params, path)
}

// constValue is exprBuilder.constant without a builder.
func constValue(e Expr, params []attr.Value, path string) (attr.Value, bool, error) {
	switch e := e.(type) {
	case *Literal:
		return e.Value, true, nil
	case *Param:
		if e.Index >= len(params) {
			return attr.Value{}, false, engine.Validationf(msgParamCount)
		}
		return params[e.Index], true, nil
	case *List:
		elems := make([]attr.Value, len(e.Elems))
		for i, m := range e.Elems {
			v, ok, err := constValue(m, params, path+"["+strconv.Itoa(i)+"]")
			if !ok || err != nil {
				return attr.Value{}, ok, err
			}
			elems[i] = v
		}
		return attr.L(elems), true, nil
	case *Map:
		m := make(map[string]attr.Value, len(e.Fields))
		for _, f := range e.Fields {
			v, ok, err := constValue(f.Value, params, path+"."+f.Name)
			if !ok || err != nil {
				return attr.Value{}, ok, err
			}
			m[f.Name] = v
		}
		return attr.M(m), true, nil
	case *Bag:
		return bagValue(e, params, path)
	case *Binary:
		if e.Op != OpAdd && e.Op != OpSub {
			return attr.Value{}, false, nil
		}
		l, ok, err := constValue(e.Left, params, path)
		if !ok || err != nil {
			return attr.Value{}, ok, err
		}
		r, ok, err := constValue(e.Right, params, path)
		if !ok || err != nil {
			return attr.Value{}, ok, err
		}
		var v attr.Value
		if e.Op == OpAdd {
			v, err = attr.Add(l, r)
		} else {
			v, err = attr.Sub(l, r)
		}
		if err != nil {
			return attr.Value{}, true, engine.Validationf("%s", attrMessage(err))
		}
		return v, true, nil
	}
	return attr.Value{}, false, nil
}

// bagValue builds the set a <<...>> with ? members denotes. Its type is
// that of its constant members, or of its first parameter.
func bagValue(b *Bag, params []attr.Value, path string) (attr.Value, bool, error) {
	members := make([]attr.Value, len(b.Elems))
	for i, m := range b.Elems {
		v, ok, err := constValue(m, params, path)
		if !ok || err != nil {
			return attr.Value{}, ok, err
		}
		members[i] = v
	}
	setType := b.Type
	if setType == 0 {
		switch members[0].Type() {
		case attr.TypeS, attr.TypeN, attr.TypeB:
			setType = members[0].Type().SetOf()
		default:
			return attr.Value{}, true, engine.Validationf(msgBagType)
		}
	}
	elem := setType.ElemType()
	for _, m := range members {
		if m.Type() != elem {
			kind := map[attr.Type]string{attr.TypeS: "String", attr.TypeN: "Number", attr.TypeB: "Binary"}[elem]
			return attr.Value{}, true, engine.Validationf(msgBagMember, m.Type(), kind, path)
		}
	}
	set, err := attr.NewSet(setType, members)
	if err != nil {
		return attr.Value{}, true, engine.Validationf("%s", attrMessage(err))
	}
	return set, true, nil
}

// Messages of the executor, verbatim from the service's catalogue unless
// DESIGN.md lists them as guesses.
const (
	msgParamCount        = "Number of parameters in request and statement don't match."
	msgBagMember         = "Unexpected data type %s in %s Set under key %s"
	msgNotFound          = "Requested resource not found"
	msgNoKeyEquality     = "Where clause does not contain a mandatory equality on all key attributes"
	msgMultipleKeyConds  = "Multiple conditions on same key %s. Only single item Update/Insert/Delete are supported"
	msgKeyScalarPath     = "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key %s"
	msgKeyValueType      = "Key value must be of type S, N, or B. Key name: %s, Key type: %s"
	msgKeySchemaType     = "Key attribute's data type should match its data type in table's schema: Key %s"
	msgKeyInItem         = "Key attribute should be present in the item: Key %s"
	msgDuplicateItem     = "Duplicate primary key exists in table"
	msgExistsOnly        = "EXISTS can only be used in ExecuteTransaction write requests."
	msgExistsShape       = "EXISTS() must contain a single item read with additional condition"
	msgTxSelectKey       = "Select statements within ExecuteTransaction must specify the primary key in the where clause."
	msgTxIndexRead       = "Reads on indices are not supported within transactions."
	msgTxIndexOp         = "Operations on indices are not supported in transactions"
	msgTxReturning       = "RETURNING clause is not supported in ExecuteTransaction."
	msgTxMixed           = "ExecuteTransaction API does not support both read and write operations in the same request."
	msgBatchSelect       = "Only single item select is supported"
	msgBatchIndexSelect  = "Select statements within BatchExecuteStatement must specify the primary key in the where clause."
	msgBatchMixed        = "Read and write requests together in the same batch is not supported."
	msgBatchDuplicates   = "Provided list of item keys contains duplicates"
	msgNoIndex           = "The table does not have the specified index: %s"
	msgGSIConsistent     = "Strongly consistent read is not supported on Global Secondary Indexes"
	msgOrderByWhere      = "Must have WHERE clause in the statement when using ORDER BY clause."
	msgOrderByHash       = "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause."
	msgOrderByKey        = "Variable reference %s in ORDER BY clause must be part of the primary key"
	msgOrderByFanout     = "Must have hash key in ORDER BY clause when more than one hash key condition specified in WHERE clause."
	msgTooManyReads      = "Too many decomposed read operations for a given query."
	msgTokenMismatch     = "NextToken does not match request"
	msgTokenExpired      = "Given NextToken has already expired"
	msgTokenInvalid      = "Invalid NextToken"
	msgExplainOverWire   = "Unexpected term"
	msgMultiKeyIndex     = "PartiQL statements cannot be executed on tables with multi-attribute HASH keys or multi-attribute RANGE keys."
	maxDecomposedQueries = 50
)

func errNotFound() *engine.APIError {
	return &engine.APIError{Code: engine.CodeResourceNotFound, Message: msgNotFound}
}
