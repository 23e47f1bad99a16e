package expr

import "dynalab/engine/attr"

// Multi-attribute keys. Since November 2025 a GSI's partition key and sort
// key may each be made of up to four attributes (the KeySchema lists
// several HASH and/or RANGE elements, HASH first). A Query on such an index
// must constrain every partition attribute with an equality and the sort
// attributes left to right: equalities on a prefix of them, then at most
// one range condition (<, <=, >, >=, BETWEEN, begins_with) on the next one
// ("GSI.html#GSI.MultiAttributeKeys": "you must specify all partition key
// attributes using equality conditions"; the left-to-right rule as
// moto's AWS-verified test_dynamodb_multi_attribute_gsi and Alternator's
// test_gsi_composite_keys.py record it).

// MaxMultiKeyTerms is the most conditions a key condition can have: four
// partition and four sort attributes.
const MaxMultiKeyTerms = 8

// MsgKeyConditionsLength is the service's error for a key condition with
// more conditions than the key has attributes (single-attribute keys).
const MsgKeyConditionsLength = "Conditions can be of length 1 or 2 only"

// KeyAttr is one attribute of a key schema.
type KeyAttr struct {
	Name string
	Type attr.Type
}

// MultiKeySchema is a multi-attribute key: partition attributes and sort
// attributes, each in key schema order.
type MultiKeySchema struct {
	Hash  []KeyAttr
	Range []KeyAttr
}

// NamedValue is a key attribute's value in a key condition.
type NamedValue struct {
	Name  string
	Value attr.Value
}

// ResolveMultiKeyCondition matches key condition terms against a
// multi-attribute key. The checks, in order: every partition attribute is
// constrained (else "Query condition missed key schema element", naming the
// first one missing), no other attribute than the key's is, each partition
// attribute by an equality of its type, each sort value of its attribute's
// type, and then the sort attributes left to right: every sort attribute
// before one that carries a condition must carry an equality. That last
// rule's message is the service's, as paritysuite's
// tests/tier1/query/multiAttributeGsiKey.test.ts records it against AWS
// (October 2026): "RANGE key attributes b must have equality conditions
// specified in the query because a condition is present on key attribute
// c", for a gap (a = AND c =), for a range condition before the last
// (b > AND c =) and for a skipped first sort attribute (b = alone names
// a). It names the first such attribute and the first later one
// conditioned; a request with several gaps may list more names on the
// service (not recorded). The partition attributes' messages are the
// single-key ones (the service's for a multi-attribute partition key are
// not recorded).
func ResolveMultiKeyCondition(terms []KeyTerm, schema MultiKeySchema) (*KeyCondition, error) {
	byName := make(map[string]*KeyTerm, len(terms))
	for i := range terms {
		byName[terms[i].Name] = &terms[i]
	}
	for _, h := range schema.Hash {
		if byName[h.Name] == nil {
			return nil, newError("Query condition missed key schema element: " + h.Name)
		}
	}
	known := len(schema.Hash)
	for _, r := range schema.Range {
		if byName[r.Name] != nil {
			known++
		}
	}
	if known != len(terms) {
		return nil, newError(msgKeyNotSupported)
	}
	k := &KeyCondition{Hashes: make([]NamedValue, len(schema.Hash))}
	for i, h := range schema.Hash {
		t := byName[h.Name]
		if !valuesOfType(t.Values, h.Type) {
			return nil, newError(msgKeyTypeMismatch)
		}
		if t.Op != KeyEQ || len(t.Values) != 1 {
			return nil, newError(msgKeyNotSupported)
		}
		k.Hashes[i] = NamedValue{Name: h.Name, Value: t.Values[0]}
	}
	k.HashName, k.HashValue = k.Hashes[0].Name, k.Hashes[0].Value
	for _, r := range schema.Range {
		if t := byName[r.Name]; t != nil && !valuesOfType(t.Values, r.Type) {
			return nil, newError(msgKeyTypeMismatch)
		}
	}
	for j, later := range schema.Range {
		if byName[later.Name] == nil {
			continue
		}
		for _, prior := range schema.Range[:j] {
			if t := byName[prior.Name]; t == nil || t.Op != KeyEQ {
				return nil, newError("RANGE key attributes " + prior.Name +
					" must have equality conditions specified in the query because a condition is present on key attribute " + later.Name)
			}
		}
	}
	var sorts []*KeyTerm
	for _, r := range schema.Range {
		t := byName[r.Name]
		if t == nil {
			break
		}
		sorts = append(sorts, t)
	}
	for i, t := range sorts {
		if i == len(sorts)-1 {
			k.RangeName, k.RangeOp = t.Name, t.Op
			copy(k.RangeValues[:], t.Values)
			break
		}
		k.SortPrefix = append(k.SortPrefix, NamedValue{Name: t.Name, Value: t.Values[0]})
	}
	return k, nil
}

// MatchKey reports whether the key attributes of item (an index entry or
// an ExclusiveStartKey) satisfy the condition, multi-attribute keys
// included.
func (k *KeyCondition) MatchKey(item attr.Item) bool {
	if k.Hashes == nil {
		return k.Match(item)
	}
	for _, nv := range k.Hashes {
		if v, ok := item[nv.Name]; !ok || !attr.Equal(v, nv.Value) {
			return false
		}
	}
	for _, nv := range k.SortPrefix {
		if v, ok := item[nv.Name]; !ok || !attr.Equal(v, nv.Value) {
			return false
		}
	}
	if k.RangeOp == KeyNone {
		return true
	}
	v, ok := item[k.RangeName]
	return ok && k.MatchRange(v)
}
