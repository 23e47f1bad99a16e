package engine

import (
	"encoding/json"
	"strings"

	"dynalab/engine/attr"
	"dynalab/engine/expr"
)

// The legacy (pre-expression) parameters — Expected, QueryFilter,
// ScanFilter, KeyConditions, AttributeUpdates and ConditionalOperator — are
// translated into the engine/expr nodes their expression counterparts
// would bind to, so that evaluation, capacity and streams have one code
// path. The nodes are built already bound (paths and literal values, no
// placeholders), so nothing can collide with the request's own
// ExpressionAttributeNames and ExpressionAttributeValues. The rules and
// messages follow the Developer Guide's legacy conditional parameters
// pages and dynalite's validations and tests; the
// validation order follows dynalite's validations/*.js, checked against the
// AWS-verified ExtendDB test_conditional_operator.py where they overlap.

// legacyIn holds the legacy members of one request and which of their
// expression counterparts are present. Raw members are nil when absent.
type legacyIn struct {
	attributesToGet  []string
	attributeUpdates json.RawMessage
	expected         json.RawMessage
	queryFilter      json.RawMessage
	scanFilter       json.RawMessage
	keyConditions    json.RawMessage
	condOp           string

	projection, update, filter, condition, keyCondition bool // expressions present
	names, values                                       bool // placeholder maps present
	valuesNull                                          string
}

// legacyCond is one entry of Expected, QueryFilter, ScanFilter or
// KeyConditions.
type legacyCond struct {
	name    string
	op      string       // ComparisonOperator, "" when absent
	list    []attr.Value // AttributeValueList
	hasList bool
	value   attr.Value // Value (Expected only)
	exists  *bool      // Exists (Expected only)
	invalid error      // first invalid attribute value of the entry
}

// values returns the operator's operands: AttributeValueList, or Value as
// a one-element list.
func (c *legacyCond) values() []attr.Value {
	if c.hasList {
		return c.list
	}
	if !c.value.IsZero() {
		return []attr.Value{c.value}
	}
	return nil
}

// legacy is a request's parsed legacy members.
type legacy struct {
	in            legacyIn
	expected      []legacyCond
	filter        []legacyCond // QueryFilter or ScanFilter
	filterName    string       // "QueryFilter" or "ScanFilter"
	keyConditions []legacyCond
	updates       []legacyUpdate
	hasExpected   bool
	hasFilter     bool
	hasKeyConds   bool
	hasUpdates    bool
}

// comparisonOperators is the ComparisonOperator enum in the order the
// service lists it in its constraint message (dynalite validations/*.js).
var comparisonOperators = []string{"IN", "NULL", "BETWEEN", "LT", "NOT_CONTAINS", "EQ", "GT", "NOT_NULL", "NE", "LE", "BEGINS_WITH", "GE", "CONTAINS"}

// parseLegacy decodes the legacy members of a request and adds their
// framework-level constraints to c. Malformed JSON and wrong JSON types in
// them are the service's SerializationException, returned at once.
func parseLegacy(c *constraints, in legacyIn) (*legacy, error) {
	l := &legacy{in: in}
	var err error
	if in.attributeUpdates != nil {
		l.hasUpdates = true
		if l.updates, err = parseAttributeUpdates(in.attributeUpdates); err != nil {
			return nil, err
		}
	}
	if in.expected != nil {
		l.hasExpected = true
		if l.expected, err = parseConds(in.expected, true); err != nil {
			return nil, err
		}
	}
	if in.queryFilter != nil || in.scanFilter != nil {
		l.hasFilter = true
		raw := in.queryFilter
		l.filterName = "QueryFilter"
		if raw == nil {
			raw, l.filterName = in.scanFilter, "ScanFilter"
		}
		if l.filter, err = parseConds(raw, false); err != nil {
			return nil, err
		}
	}
	if in.keyConditions != nil {
		l.hasKeyConds = true
		if l.keyConditions, err = parseConds(in.keyConditions, false); err != nil {
			return nil, err
		}
	}
	l.constraints(c)
	return l, nil
}

// constraints adds the model constraints of the legacy members, in the
// member order of dynalite's validations (which mirrors the API model).
func (l *legacy) constraints(c *constraints) {
	attributesToGetConstraint(c, l.in.attributesToGet, "attributesToGet")
	for i := range l.updates {
		u := &l.updates[i]
		c.enum(u.action, "attributeUpdates."+u.name+".member.action", "ADD", "PUT", "DELETE")
	}
	for i := range l.expected {
		e := &l.expected[i]
		c.enum(e.op, "expected."+e.name+".member.comparisonOperator", comparisonOperators...)
	}
	path := "queryFilter"
	if l.filterName == "ScanFilter" {
		path = "scanFilter"
	}
	l.condConstraints(c, l.filter, path)
	c.enum(l.in.condOp, "conditionalOperator", "OR", "AND")
	l.condConstraints(c, l.keyConditions, "keyConditions")
}

func (l *legacy) condConstraints(c *constraints, conds []legacyCond, path string) {
	for i := range conds {
		p := path + "." + conds[i].name + ".member.comparisonOperator"
		c.notNull(conds[i].op != "", p)
		c.enum(conds[i].op, p, comparisonOperators...)
	}
}

// parseConds decodes a map of attribute names to conditions, keeping
// request order; a name given twice keeps its last entry, as a JSON map
// would.
func parseConds(raw json.RawMessage, expected bool) ([]legacyCond, error) {
	r := attr.NewReader(raw)
	var conds []legacyCond
	err := r.Object(func(name string) error {
		c := legacyCond{name: name}
		err := r.Object(func(k string) (err error) {
			switch k {
			case "ComparisonOperator":
				c.op, err = r.String()
			case "AttributeValueList":
				c.hasList = !r.Null()
				if !c.hasList {
					return nil
				}
				c.list = []attr.Value{}
				err = r.List(func() error {
					v, invalid, err := r.Value()
					if invalid != nil && c.invalid == nil {
						c.invalid = invalid
					}
					if !v.IsZero() {
						c.list = append(c.list, v)
					}
					return err
				})
			case "Value":
				if !expected {
					return r.Skip()
				}
				var invalid error
				c.value, invalid, err = r.Value()
				if invalid != nil && c.invalid == nil {
					c.invalid = invalid
				}
			case "Exists":
				if !expected {
					return r.Skip()
				}
				var v, present bool
				if v, present, err = r.BoolPtr(); present {
					c.exists = &v
				}
			default:
				err = r.Skip()
			}
			return err
		})
		for i := range conds {
			if conds[i].name == name {
				conds = append(conds[:i], conds[i+1:]...)
				break
			}
		}
		conds = append(conds, c)
		return err
	})
	if err == nil {
		err = r.End()
	}
	if err != nil {
		return nil, fromAttrError(err)
	}
	return conds, nil
}

// check applies the request-level rules of the legacy members in the
// service's order: expression and non-expression parameters mixed
// (dynalite validations/index.js; KeyConditions may go with
// FilterExpression and ProjectionExpression, as there), placeholder maps
// without expressions, ConditionalOperator without a map of two or more
// conditions, then each map's own rules.
func (l *legacy) check() error {
	if err := l.checkMixing(); err != nil {
		return err
	}
	in := &l.in
	anyExpr := in.projection || in.update || in.filter || in.condition || in.keyCondition
	if l.hasKeyConds && !in.keyCondition {
		// Query's exception: legacy key conditions with expressions.
		if in.names && !anyExpr {
			return validationError("ExpressionAttributeNames can only be specified when using expressions")
		}
		if in.values && !in.filter {
			return validationError("ExpressionAttributeValues can only be specified when using expressions: " + in.valuesNull)
		}
	}
	if err := l.checkConditionalOperator(); err != nil {
		return err
	}
	if err := checkUpdates(l.updates); err != nil {
		return err
	}
	if err := checkExpected(l.expected); err != nil {
		return err
	}
	if err := checkConds(l.filter, true); err != nil {
		return err
	}
	return nil
}

func (l *legacy) checkMixing() error {
	in := &l.in
	var exprs []string
	for _, e := range []struct {
		present bool
		name    string
	}{
		{in.projection, "ProjectionExpression"}, {in.update, "UpdateExpression"}, {in.filter, "FilterExpression"},
		{in.condition, "ConditionExpression"}, {in.keyCondition, "KeyConditionExpression"},
	} {
		if e.present {
			exprs = append(exprs, e.name)
		}
	}
	if len(exprs) == 0 {
		return nil
	}
	var legacyNames []string
	for _, e := range []struct {
		present bool
		name    string
	}{
		{in.attributesToGet != nil, "AttributesToGet"}, {l.hasUpdates, "AttributeUpdates"}, {l.hasExpected, "Expected"},
		{in.queryFilter != nil, "QueryFilter"}, {in.scanFilter != nil, "ScanFilter"}, {in.condOp != "", "ConditionalOperator"},
		{l.hasKeyConds && in.keyCondition, "KeyConditions"},
	} {
		if e.present {
			legacyNames = append(legacyNames, e.name)
		}
	}
	if len(legacyNames) == 0 {
		return nil
	}
	return Validationf("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {%s} Expression parameters: {%s}",
		strings.Join(legacyNames, ", "), strings.Join(exprs, ", "))
}

// checkConditionalOperator: ConditionalOperator needs Expected or a filter
// with two or more conditions (AWS-verified texts, ExtendDB
// test_conditional_operator.py; DynamoDB Local has the same).
func (l *legacy) checkConditionalOperator() error {
	if l.in.condOp == "" {
		return nil
	}
	n := len(l.expected) + len(l.filter)
	switch {
	case n == 0:
		return validationError("ConditionalOperator cannot be used without Filter or Expected")
	case n == 1:
		return validationError("ConditionalOperator can only be used when Filter or Expected has two or more elements")
	}
	return nil
}

// operandCount reports whether n operands suit op (Developer Guide, legacy
// conditional parameters: Conditions).
func operandCount(op string, n int) bool {
	switch op {
	case "NULL", "NOT_NULL":
		return n == 0
	case "IN":
		return n >= 1
	case "BETWEEN":
		return n == 2
	}
	return n == 1
}

// operandTypesOK reports whether values of type t may be given to op
// (Developer Guide, legacy conditional parameters: Conditions);
// anyEquality lets EQ and NE take every type, as
// Expected does.
func operandTypesOK(op string, t attr.Type, anyEquality bool) bool {
	switch op {
	case "EQ", "NE":
		return anyEquality || t.IsScalarKey() || t.IsSet()
	case "BEGINS_WITH":
		return t == attr.TypeS || t == attr.TypeB
	}
	return t.IsScalarKey()
}

// checkOperands applies the count, same-type, operand-type and BETWEEN
// order rules to one condition's values.
func checkOperands(op string, vs []attr.Value, anyEquality bool) error {
	if !operandCount(op, len(vs)) {
		return invalidParam("Invalid number of argument(s) for the %s ComparisonOperator", op)
	}
	for _, v := range vs[min(1, len(vs)):] {
		if v.Type() != vs[0].Type() {
			return invalidParam("AttributeValues inside AttributeValueList must be of same type")
		}
	}
	for _, v := range vs {
		if !operandTypesOK(op, v.Type(), anyEquality) {
			return invalidParam("ComparisonOperator %s is not valid for %s AttributeValue type", op, v.Type())
		}
	}
	if op == "BETWEEN" {
		if c, ok := attr.Compare(vs[0], vs[1]); ok && c > 0 {
			return validationError("The BETWEEN condition was provided a range where the lower bound is greater than the upper bound")
		}
	}
	return nil
}

// checkConds validates QueryFilter, ScanFilter or KeyConditions entries
// (dynalite validateConditions); anyEquality lets EQ and NE take every
// type, as QueryFilter and ScanFilter do on the service (ScyllaDB's
// test/alternator/test_query_filter.py test_query_filter_eq and
// test_query_filter_ne, run against DynamoDB, filter lists, maps, sets and
// BOOL with them; dynalite's narrower table is wrong there).
func checkConds(conds []legacyCond, anyEquality bool) error {
	for i := range conds {
		c := &conds[i]
		if c.invalid != nil {
			return fromAttrError(c.invalid)
		}
		if err := checkOperands(c.op, c.list, anyEquality); err != nil {
			return err
		}
	}
	return nil
}

// checkExpected validates Expected entries (dynalite
// validateAttributeConditions; Developer Guide, legacy Expected).
func checkExpected(conds []legacyCond) error {
	for i := range conds {
		c := &conds[i]
		if c.invalid != nil {
			return fromAttrError(c.invalid)
		}
		hasValue := !c.value.IsZero()
		switch {
		case c.hasList && hasValue:
			return invalidParam("Value and AttributeValueList cannot be used together for Attribute: %s", c.name)
		case c.op != "" && c.exists != nil:
			return invalidParam("Exists and ComparisonOperator cannot be used together for Attribute: %s", c.name)
		case c.op != "" && c.op != "NULL" && c.op != "NOT_NULL" && !c.hasList && !hasValue:
			return invalidParam("Value or AttributeValueList must be used with ComparisonOperator: %s for Attribute: %s", c.op, c.name)
		case c.op != "":
			if err := checkOperands(c.op, c.values(), true); err != nil {
				return err
			}
		case c.hasList:
			return invalidParam("AttributeValueList can only be used with a ComparisonOperator for Attribute: %s", c.name)
		case c.exists == nil && !hasValue:
			return invalidParam("Value must be provided when Exists is null for Attribute: %s", c.name)
		case c.exists != nil && *c.exists && !hasValue:
			return invalidParam("Value must be provided when Exists is true for Attribute: %s", c.name)
		case c.exists != nil && !*c.exists && hasValue:
			return invalidParam("Value cannot be used when Exists is false for Attribute: %s", c.name)
		}
	}
	return nil
}

// conditionOf translates a map of validated conditions, joined by AND or
// OR (ConditionalOperator), into one bound condition; nil when empty.
func conditionOf(conds []legacyCond, condOp string) *expr.Condition {
	var out *expr.Condition
	for i := range conds {
		c := legacyCondition(&conds[i])
		switch {
		case out == nil:
			out = c
		case condOp == "OR":
			out = expr.Or(out, c)
		default:
			out = expr.And(out, c)
		}
	}
	return out
}

// legacyCondition is one entry as an expression node. The legacy operators
// mean what their expression counterparts mean (Developer Guide, legacy
// conditional parameters and comparison operators):
// EQ on another type is false, NE on a missing attribute true; NULL and
// NOT_NULL are existence checks; CONTAINS is contains(); NOT_CONTAINS is
// false on a missing attribute, so it is attribute_exists AND NOT contains.
func legacyCondition(c *legacyCond) *expr.Condition {
	path := expr.PathOperand(expr.NewPath(c.name))
	vs := c.values()
	val := func(i int) expr.Operand { return expr.ValueOperand(vs[i]) }
	switch c.op {
	case "":
		if c.exists != nil && !*c.exists {
			return expr.Call(expr.FuncAttributeNotExists, path)
		}
		return expr.Compare(expr.CondEQ, path, expr.ValueOperand(c.value))
	case "EQ":
		return expr.Compare(expr.CondEQ, path, val(0))
	case "NE":
		return expr.Compare(expr.CondNE, path, val(0))
	case "LT":
		return expr.Compare(expr.CondLT, path, val(0))
	case "LE":
		return expr.Compare(expr.CondLE, path, val(0))
	case "GT":
		return expr.Compare(expr.CondGT, path, val(0))
	case "GE":
		return expr.Compare(expr.CondGE, path, val(0))
	case "NOT_NULL":
		return expr.Call(expr.FuncAttributeExists, path)
	case "NULL":
		return expr.Call(expr.FuncAttributeNotExists, path)
	case "CONTAINS":
		return expr.Call(expr.FuncContains, path, val(0))
	case "NOT_CONTAINS":
		return expr.And(expr.Call(expr.FuncAttributeExists, path), expr.Not(expr.Call(expr.FuncContains, path, val(0))))
	case "BEGINS_WITH":
		return expr.Call(expr.FuncBeginsWith, path, val(0))
	case "IN":
		list := make([]expr.Operand, len(vs))
		for i := range vs {
			list[i] = val(i)
		}
		return expr.In(path, list...)
	case "BETWEEN":
		return expr.Between(path, val(0), val(1))
	}
	return nil
}

// condition returns the request's ConditionExpression, or its Expected
// translated.
func (l *legacy) condition(ex *exprContext, param string, text *string) (condition, error) {
	if l.hasExpected {
		return condition{c: conditionOf(l.expected, l.in.condOp)}, nil
	}
	return ex.condition(param, text)
}

// filterCondition returns the request's FilterExpression, or its
// QueryFilter or ScanFilter translated.
func (l *legacy) filterCondition(ex *exprContext, text *string) (condition, error) {
	if l.hasFilter {
		return condition{c: conditionOf(l.filter, l.in.condOp), legacyName: l.filterName}, nil
	}
	return ex.condition("FilterExpression", text)
}

// attributesToGetConstraint is AttributesToGet's model constraint: present
// means at least one name (API model: AttributesToGet min 1).
func attributesToGetConstraint(c *constraints, names []string, path string) {
	if names != nil && len(names) == 0 {
		c.add("'[]'", path, "Member must have length greater than or equal to 1")
	}
}
