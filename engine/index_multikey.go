package engine

import (
	"dynalab/engine/attr"
	"dynalab/engine/expr"
	"dynalab/engine/internal/keys"
)

// Multi-attribute GSI keys (the service's November 2025 feature): a GSI's
// KeySchema may list up to four HASH elements and then up to four RANGE
// elements (API_CreateGlobalSecondaryIndexAction: "Global secondary index
// supports up to 4 partition and up to 4 sort keys"; GSI.html
// "Multi-attribute key schema"). Tables and LSIs keep one HASH and at most
// one RANGE.
//
// Entry key of such an index:
//
//	n/<iid><hash><ipk1>…<ipkN><isk1>…<iskM><pk><sk>
//
// hash is the FNV-1a of the partition attributes' encodings concatenated
// in key schema order ("hashing them together"), and each attribute is
// encoded with its own type's order-preserving, self-delimiting encoding
// (internal/keys), so a partition is one range ordered by the sort
// attributes left to right, each compared by its type, then by table key.
// An item is in the index only when it has every key attribute.

// Limits of a multi-attribute key.
const (
	maxIndexHashAttrs  = 4
	maxIndexRangeAttrs = 4
)

// multiKey is the key of an index with several HASH or RANGE attributes.
type multiKey struct {
	hash, rng []expr.KeyAttr
	names     []string // hash attributes, then range attributes
	types     map[string]attr.Type
}

// isMultiKey reports whether a key schema has more than one HASH or more
// than one RANGE element.
func isMultiKey(ks []KeySchemaElement) bool {
	h, r := 0, 0
	for _, k := range ks {
		if k.KeyType == KeyTypeHash {
			h++
		} else {
			r++
		}
	}
	return h > 1 || r > 1
}

// initMultiKey sets ix.mk for a multi-attribute key; hashName and
// rangeName then name the first partition and sort attributes (the
// partition key auth's LeadingKeys and the meters see).
func (ix *index) initMultiKey(types map[string]attr.Type) {
	if !isMultiKey(ix.meta.KeySchema) {
		return
	}
	mk := &multiKey{types: make(map[string]attr.Type, len(ix.meta.KeySchema))}
	for _, k := range ix.meta.KeySchema {
		a := expr.KeyAttr{Name: k.AttributeName, Type: types[k.AttributeName]}
		if k.KeyType == KeyTypeHash {
			mk.hash = append(mk.hash, a)
		} else {
			mk.rng = append(mk.rng, a)
		}
		mk.types[a.Name] = a.Type
	}
	for _, a := range mk.hash {
		mk.names = append(mk.names, a.Name)
	}
	for _, a := range mk.rng {
		mk.names = append(mk.names, a.Name)
	}
	ix.hashName, ix.hashType = mk.hash[0].Name, mk.hash[0].Type
	ix.rangeName, ix.rangeType = "", 0
	if len(mk.rng) > 0 {
		ix.rangeName, ix.rangeType = mk.rng[0].Name, mk.rng[0].Type
	}
	ix.mk = mk
}

func (mk *multiKey) has(name string) bool {
	_, ok := mk.types[name]
	return ok
}

func (mk *multiKey) isHash(name string) bool {
	for _, a := range mk.hash {
		if a.Name == name {
			return true
		}
	}
	return false
}

// checkValues is index.checkValues for a multi-attribute key: each key
// attribute the item carries has its defined type and is not empty; a
// partition attribute is at most 2048 bytes and the sort attributes
// together at most 1024 (the per-attribute rule of single keys applied to
// each partition attribute and, as the service's message says "aggregated
// size of all range keys", to the sort attributes' sum: a guess).
func (mk *multiKey) checkValues(ix *index, item attr.Item) error {
	rangeBytes := 0
	for _, name := range mk.names {
		v, ok := item[name]
		if !ok {
			continue
		}
		want := mk.types[name]
		if v.Type() != want {
			return keyMismatchError(invalidParam("Type mismatch for Index Key %s Expected: %s Actual: %s IndexName: %s", name, want, v.Type(), ix.meta.Name))
		}
		if (want == attr.TypeS || want == attr.TypeB) && v.Len() == 0 {
			kind := "string"
			if want == attr.TypeB {
				kind = "binary"
			}
			return Validationf("One or more parameter values are not valid. A value specified for a secondary index key is not supported. "+
				"The AttributeValue for a key attribute cannot contain an empty %s value. IndexName: %s, IndexKey: %s", kind, ix.meta.Name, name)
		}
		if mk.isHash(name) {
			if v.Len() > maxHashKeyBytes {
				return invalidParam("Size of hashkey has exceeded the maximum size limit of2048 bytes")
			}
			continue
		}
		if rangeBytes += v.Len(); rangeBytes > maxRangeKeyBytes {
			return invalidParam("Aggregated size of all range keys has exceeded the size limit of 1024 bytes")
		}
	}
	return nil
}

// complete reports whether item has every key attribute.
func (mk *multiKey) complete(item attr.Item) bool {
	if item == nil {
		return false
	}
	for _, name := range mk.names {
		if _, ok := item[name]; !ok {
			return false
		}
	}
	return true
}

// partition appends the partition hash and the partition attributes'
// encodings of values (in key schema order) to buf.
func appendMultiHashed(buf []byte, values []attr.Value) []byte {
	start := len(buf)
	buf = append(buf, make([]byte, 8)...)
	pkStart := len(buf)
	for _, v := range values {
		buf = keys.AppendValue(buf, v)
	}
	keys.AppendHash(buf[start:start], keys.Hash(buf[pkStart:]))
	return buf
}

// entryKey is index.entryKey for a multi-attribute key.
func (mk *multiKey) entryKey(ix *index, t *table, item attr.Item) (string, bool) {
	if !mk.complete(item) {
		return "", false
	}
	hv := make([]attr.Value, len(mk.hash))
	for i, a := range mk.hash {
		hv[i] = item[a.Name]
	}
	buf := make([]byte, 0, len(ix.prefix)+8+48*len(mk.names)+64)
	buf = append(buf, ix.prefix...)
	buf = appendMultiHashed(buf, hv)
	for _, a := range mk.rng {
		buf = keys.AppendValue(buf, item[a.Name])
	}
	buf = keys.AppendValue(buf, item[t.hashName])
	if t.rangeName != "" {
		buf = keys.AppendValue(buf, item[t.rangeName])
	}
	return string(buf), true
}

// projectKeys adds the key attributes of item to a projection.
func (mk *multiKey) projectKeys(p, item attr.Item) {
	for _, name := range mk.names {
		if v, ok := item[name]; ok {
			p[name] = v
		}
	}
}

// keyChanged reports whether the change old → item moves the item's
// entry (any index key attribute differs); both items are in the index.
func (ix *index) keyChanged(old, item attr.Item) bool {
	for _, name := range ix.keyNames() {
		if !attr.Equal(old[name], item[name]) {
			return true
		}
	}
	return false
}

// resolveKeyCondition checks a Query's key condition terms against the
// multi-attribute key.
func (mk *multiKey) resolveKeyCondition(terms []expr.KeyTerm) (*expr.KeyCondition, error) {
	kc, err := expr.ResolveMultiKeyCondition(terms, expr.MultiKeySchema{Hash: mk.hash, Range: mk.rng})
	return kc, exprError(err)
}

// multiQueryRange is indexRead.queryRange for a multi-attribute key: the
// partition, narrowed by the sort attributes pinned by equality, then the
// last sort condition on the next attribute, as for a single sort key.
func (r *indexRead) multiQueryRange(kc *expr.KeyCondition, start attr.Item) (keyRange, error) {
	ix := r.ix
	hv := make([]attr.Value, len(kc.Hashes))
	for i, nv := range kc.Hashes {
		hv[i] = nv.Value
	}
	base := appendMultiHashed(append([]byte(nil), ix.prefix...), hv)
	for _, nv := range kc.SortPrefix {
		base = keys.AppendValue(base, nv.Value)
	}
	part := string(base)
	kr := sortBounds(part, kc.RangeOp, kc.RangeValues)
	if start == nil {
		return kr, nil
	}
	if err := r.checkStartKey(start); err != nil {
		return kr, validationError("The provided starting key is invalid")
	}
	kr.after, _ = ix.entryKey(r.t, start)
	if !kc.MatchKey(start) {
		return kr, validationError("The provided starting key is outside query boundaries based on provided conditions")
	}
	return kr, nil
}

// checkMultiKeySchema applies the rules of a GSI key schema with several
// HASH or RANGE elements (CreateTable and UpdateTable Create), after the
// definitions check: no attribute twice, HASH elements first, at most four
// of each. The texts are the service's (the ack-api-quirks lab's
// ValidationException catalogue, DDB-TABLE-442, verified 2026-10-09).
func checkMultiKeySchema(s indexSpec) error {
	seen := make(map[string]bool, len(s.keySchema))
	hashes, ranges := 0, 0
	for _, k := range s.keySchema {
		if seen[k.AttributeName] {
			return validationError("The KeySchema contains multiple key attributes with the same name")
		}
		seen[k.AttributeName] = true
		if k.KeyType == KeyTypeHash {
			if ranges > 0 {
				return invalidParam("All HASH key attributes must precede RANGE key attributes in the KeySchema")
			}
			hashes++
		} else {
			ranges++
		}
	}
	if hashes > maxIndexHashAttrs {
		return invalidParam("The KeySchema exceeds the maximum allowed number of HASH key attributes")
	}
	if ranges > maxIndexRangeAttrs {
		return invalidParam("The KeySchema exceeds the maximum allowed number of RANGE key attributes")
	}
	return nil
}

// typeOf returns the type of a key attribute of a multi-attribute key; ok
// is false for other names and for a nil multiKey.
func (mk *multiKey) typeOf(name string) (attr.Type, bool) {
	if mk == nil {
		return 0, false
	}
	t, ok := mk.types[name]
	return t, ok
}
