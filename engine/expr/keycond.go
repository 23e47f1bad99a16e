package expr

import (
	"strings"

	"dynalab/engine/attr"
)

// KeyOp is the operator of one key condition.
type KeyOp uint8

// The key condition operators, named like the legacy ComparisonOperator.
const (
	KeyNone KeyOp = iota
	KeyEQ
	KeyLT
	KeyLE
	KeyGT
	KeyGE
	KeyBetween
	KeyBeginsWith
)

var keyOpNames = [...]string{"", "EQ", "LT", "LE", "GT", "GE", "BETWEEN", "BEGINS_WITH"}

// String returns the legacy ComparisonOperator name (EQ, BETWEEN, ...).
func (op KeyOp) String() string {
	if int(op) < len(keyOpNames) {
		return keyOpNames[op]
	}
	return ""
}

// KeyTerm is one condition on one key attribute: Name Op Values.
type KeyTerm struct {
	Name   string
	Op     KeyOp
	Values []attr.Value
}

// KeySchema describes the key of the table or index being queried.
type KeySchema struct {
	HashName  string
	HashType  attr.Type
	RangeName string // "" for a hash-only key
	RangeType attr.Type
}

// KeyCondition is a validated Query key condition: the partition key value
// and an optional sort key condition.
type KeyCondition struct {
	HashName    string
	HashValue   attr.Value
	RangeName   string // "" when the sort key is not constrained
	RangeOp     KeyOp  // KeyNone when the sort key is not constrained
	RangeValues [2]attr.Value
	// Multi-attribute keys (a GSI with several HASH or RANGE attributes,
	// keycond_multi.go): Hashes is every partition attribute with its
	// value, in key schema order (HashName and HashValue are the first);
	// SortPrefix the sort attributes pinned by equality before RangeName.
	// Both are nil for a single-attribute key.
	Hashes     []NamedValue
	SortPrefix []NamedValue
}

// BindKeyCondition binds a parsed KeyConditionExpression and checks it
// against the key schema: Bind, KeyTerms, then ResolveKeyCondition. A
// request that must report unused placeholders before key-condition errors
// (the service does) calls the three steps itself.
func BindKeyCondition(e *ConditionExpr, p *Params, schema KeySchema) (*KeyCondition, error) {
	c, err := e.Bind(p)
	if err != nil {
		return nil, err
	}
	terms, err := KeyTerms(c)
	if err != nil {
		return nil, err
	}
	return ResolveKeyCondition(terms, schema)
}

// KeyTerms splits a bound key condition into one term per key attribute,
// checking what can be checked without the key schema: only AND, only
// = < <= > >= BETWEEN begins_with, one top-level attribute per condition,
// one condition per attribute, value types valid for the operator, and one
// or two conditions in all. Comparisons written value-first are flipped.
func KeyTerms(c *Condition) ([]KeyTerm, error) {
	return KeyTermsUpTo(c, 2)
}

// KeyTermsUpTo is KeyTerms allowing up to max conditions: a Query on a GSI
// with a multi-attribute key constrains up to MaxMultiKeyTerms attributes,
// so a Query on an index defers the "1 or 2" rule until the index is known
// (keycond_multi.go).
func KeyTermsUpTo(c *Condition, max int) ([]KeyTerm, error) {
	var terms []KeyTerm
	if err := keyTerms(c, &terms); err != nil {
		return nil, err
	}
	for _, t := range terms {
		if err := checkKeyTermValues(t); err != nil {
			return nil, err
		}
	}
	if len(terms) < 1 || len(terms) > max {
		return nil, newError(MsgKeyConditionsLength)
	}
	return terms, nil
}

var keyOpOf = [...]KeyOp{CondEQ: KeyEQ, CondLT: KeyLT, CondLE: KeyLE, CondGT: KeyGT, CondGE: KeyGE, CondBetween: KeyBetween}

var flipped = [...]KeyOp{KeyEQ: KeyEQ, KeyLT: KeyGT, KeyLE: KeyGE, KeyGT: KeyLT, KeyGE: KeyLE}

func keyTerms(c *Condition, terms *[]KeyTerm) error {
	switch c.Kind {
	case CondAnd:
		if err := keyTerms(c.Left, terms); err != nil {
			return err
		}
		return keyTerms(c.Right, terms)
	case CondOr, CondNot, CondIn, CondNE:
		return newError("Invalid operator used in KeyConditionExpression: " + keyOpSymbol(c))
	case CondFunc:
		if c.Func != FuncBeginsWith {
			return newError("Invalid operator used in KeyConditionExpression: " + c.Func.String())
		}
		if len(c.Args) == 0 || c.Args[0].Kind != OperandPath {
			return newError("Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand")
		}
	case CondBetween:
		if len(c.Args) == 0 || c.Args[0].Kind != OperandPath {
			return newError("Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand")
		}
	}
	t, err := keyTerm(c)
	if err != nil {
		return err
	}
	for _, prev := range *terms {
		if prev.Name == t.Name {
			return newError("KeyConditionExpressions must only contain one condition per key")
		}
	}
	*terms = append(*terms, t)
	return nil
}

func keyOpSymbol(c *Condition) string {
	switch c.Kind {
	case CondOr:
		return "OR"
	case CondNot:
		return "NOT"
	case CondIn:
		return "IN"
	}
	return "<>"
}

// keyTerm turns one comparison, BETWEEN or begins_with into a term.
func keyTerm(c *Condition) (KeyTerm, error) {
	t := KeyTerm{Op: KeyBeginsWith}
	if c.Kind != CondFunc {
		t.Op = keyOpOf[c.Kind]
	}
	keyAt := -1
	for i := range c.Args {
		o := &c.Args[i]
		switch o.Kind {
		case OperandPath:
			if keyAt >= 0 {
				return t, newError("Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition")
			}
			if len(o.Path) != 1 {
				return t, newError("KeyConditionExpressions cannot have conditions on nested attributes")
			}
			keyAt, t.Name = i, o.Path[0].Name
		case OperandValue:
			t.Values = append(t.Values, o.Value)
		default:
			return t, newError("KeyConditionExpressions cannot contain nested operations")
		}
	}
	if keyAt < 0 {
		return t, newError("Invalid condition in KeyConditionExpression: No key attribute specified")
	}
	if keyAt > 0 {
		t.Op = flipped[t.Op]
	}
	return t, nil
}

// checkKeyTermValues applies the legacy ComparisonOperator rules to a term.
func checkKeyTermValues(t KeyTerm) error {
	allowed := orderedTypes
	switch t.Op {
	case KeyEQ:
		allowed = typeSet(attr.TypeS, attr.TypeN, attr.TypeB, attr.TypeSS, attr.TypeNS, attr.TypeBS)
	case KeyBeginsWith:
		allowed = stringBinary
	}
	for _, v := range t.Values {
		if allowed&(1<<v.Type()) == 0 {
			return newError("One or more parameter values were invalid: ComparisonOperator " + t.Op.String() +
				" is not valid for " + v.Type().String() + " AttributeValue type")
		}
	}
	if t.Op == KeyBetween && len(t.Values) == 2 {
		if t.Values[0].Type() != t.Values[1].Type() {
			return newError("One or more parameter values were invalid: AttributeValues inside AttributeValueList must be of same type")
		}
		if c, ok := attr.Compare(t.Values[0], t.Values[1]); ok && c > 0 {
			return newError("The BETWEEN condition was provided a range where the lower bound is greater than the upper bound")
		}
	}
	return nil
}

// ResolveKeyCondition matches the terms against the key schema of the
// table or index: the partition key needs an equality, the sort key at most
// one condition, nothing else may be constrained, and values must have the
// key's type.
func ResolveKeyCondition(terms []KeyTerm, schema KeySchema) (*KeyCondition, error) {
	if schema.RangeName == "" && len(terms) > 1 {
		return nil, newError(msgKeyNotSupported)
	}
	k := &KeyCondition{HashName: schema.HashName}
	var hash, rng *KeyTerm
	for i := range terms {
		switch terms[i].Name {
		case schema.HashName:
			hash = &terms[i]
		case schema.RangeName:
			rng = &terms[i]
		}
	}
	if hash == nil {
		return nil, newError("Query condition missed key schema element: " + schema.HashName)
	}
	if len(terms) > 1 && rng == nil {
		return nil, newError(msgKeyNotSupported)
	}
	if !valuesOfType(hash.Values, schema.HashType) {
		return nil, newError(msgKeyTypeMismatch)
	}
	if hash.Op != KeyEQ || len(hash.Values) != 1 {
		return nil, newError(msgKeyNotSupported)
	}
	k.HashValue = hash.Values[0]
	if rng == nil {
		return k, nil
	}
	if !valuesOfType(rng.Values, schema.RangeType) {
		return nil, newError(msgKeyTypeMismatch)
	}
	k.RangeName, k.RangeOp = rng.Name, rng.Op
	copy(k.RangeValues[:], rng.Values)
	return k, nil
}

const (
	msgKeyNotSupported = "Query key condition not supported"
	msgKeyTypeMismatch = "One or more parameter values were invalid: Condition parameter type does not match schema type"
)

func valuesOfType(vs []attr.Value, t attr.Type) bool {
	for _, v := range vs {
		if v.Type() != t {
			return false
		}
	}
	return true
}

// MatchRange reports whether a sort key value satisfies the sort key
// condition (true when there is none).
func (k *KeyCondition) MatchRange(v attr.Value) bool {
	if k.RangeOp == KeyNone {
		return true
	}
	lo := k.RangeValues[0]
	if k.RangeOp == KeyBeginsWith {
		return sameStringOrBinary(v, lo) && strings.HasPrefix(v.Str(), lo.Str())
	}
	c, ok := attr.Compare(v, lo)
	if !ok {
		return false
	}
	switch k.RangeOp {
	case KeyEQ:
		return c == 0
	case KeyLT:
		return c < 0
	case KeyLE:
		return c <= 0
	case KeyGT:
		return c > 0
	case KeyGE:
		return c >= 0
	}
	hi, ok := attr.Compare(v, k.RangeValues[1])
	return c >= 0 && ok && hi <= 0
}

// Match reports whether item has the condition's partition key value and
// satisfies its sort key condition.
func (k *KeyCondition) Match(item attr.Item) bool {
	h, ok := item[k.HashName]
	if !ok || !attr.Equal(h, k.HashValue) {
		return false
	}
	if k.RangeOp == KeyNone {
		return true
	}
	r, ok := item[k.RangeName]
	return ok && k.MatchRange(r)
}
