package engine

import (
	"errors"
	"strings"

	"dynalab/engine/attr"
	"dynalab/engine/expr"
	"dynalab/engine/internal/keys"
	"dynalab/engine/internal/store"
)

// indexRead is a Query or Scan on a secondary index.
type indexRead struct {
	t          *table
	ix         *index
	consistent bool
	// fetch: an LSI read that needs attributes the index does not project
	// reads each base item too (and is charged for it).
	fetch      bool
	fetchUnits float64
	past       *pastView // a delayed GSI read (index_delay.go)
}

// planIndexRead looks up the index of a Query or Scan and applies the
// service's rules on consistency, Select and projections.
func (t *table) planIndexRead(name string, consistent bool, sel string, proj projector, filter condition) (*indexRead, error) {
	ix := t.index(name)
	if ix != nil && ix.meta.Status == StatusCreating {
		return nil, validationError(msgBackfillingIndex + name)
	}
	if ix == nil || !ix.readable() {
		return nil, validationError("The table does not have the specified index: " + name)
	}
	if ix.meta.Global && consistent {
		return nil, validationError("Consistent reads are not supported on global secondary indexes")
	}
	r := &indexRead{t: t, ix: ix, consistent: consistent, past: t.pastView(ix)}
	if ix.all {
		return r, nil
	}
	if sel == SelectAllAttributes {
		if ix.meta.Global {
			return nil, invalidParam("Select type ALL_ATTRIBUTES is not supported for global secondary index %s because its projection type is not ALL", name)
		}
		r.fetch = true
	}
	var missing []string
	if proj.p != nil {
		for _, p := range proj.p.Paths {
			if len(p) > 0 && p[0].Kind == expr.ElemName && !ix.projects(t, p[0].Name) && !contains(missing, p[0].Name) {
				missing = append(missing, p[0].Name)
			}
		}
	}
	if len(missing) > 0 && ix.meta.Global {
		// Wording in no public source found (a guess; see the issue note).
		return nil, invalidParam("Global secondary index %s does not project [%s]", name, strings.Join(missing, ", "))
	}
	if filter.c != nil {
		for _, n := range filter.c.TopLevelNames() {
			if !ix.projects(t, n) {
				missing = append(missing, n)
			}
		}
	}
	if len(missing) > 0 && !ix.meta.Global {
		r.fetch = true
	}
	return r, nil
}

// load is readPage's loader for an LSI read that fetches base items.
func (r *indexRead) load(tx *store.Tx) func(attr.Item) (attr.Item, error) {
	if !r.fetch {
		return nil
	}
	return func(entry attr.Item) (attr.Item, error) {
		item, err := readItem(tx, r.t.storageKey(entry))
		if err != nil {
			return nil, err
		}
		if item == nil {
			return nil, errors.New("index entry without its item")
		}
		r.fetchUnits += readUnits(item.Size(), r.consistent)
		return item, nil
	}
}

// resolveKeyCondition checks key-condition terms against the index's key.
func (r *indexRead) resolveKeyCondition(terms []expr.KeyTerm) (*expr.KeyCondition, error) {
	ix := r.ix
	if ix.mk != nil {
		kc, err := ix.mk.resolveKeyCondition(terms)
		if err != nil {
			return nil, err
		}
		return kc, checkKeyConditionSizes(kc)
	}
	if len(terms) > 2 {
		return nil, validationError(expr.MsgKeyConditionsLength)
	}
	kc, err := expr.ResolveKeyCondition(terms, expr.KeySchema{
		HashName: ix.hashName, HashType: ix.hashType, RangeName: ix.rangeName, RangeType: ix.rangeType,
	})
	if err != nil {
		return nil, exprError(err)
	}
	return kc, checkKeyConditionSizes(kc)
}

// rejectKeyAttributes applies Query's rule that a filter may not use the
// key attributes of the index queried.
func (r *indexRead) rejectKeyAttributes(filter condition) error {
	if filter.c == nil {
		return nil
	}
	for _, name := range filter.c.TopLevelNames() {
		if r.ix.isKeyAttr(name) {
			return validationError("Filter Expression can only contain non-primary key attributes: Primary key attribute: " + name)
		}
	}
	return nil
}

// queryRange is the store range of an index Query. Entries with equal
// index keys differ in the table key that follows, so a bound that must
// include a sort-key value covers every key beginning with its encoding.
func (r *indexRead) queryRange(kc *expr.KeyCondition, start attr.Item) (keyRange, error) {
	ix := r.ix
	if ix.mk != nil {
		kr, err := r.multiQueryRange(kc, start)
		kr.past = r.past
		return kr, err
	}
	part := string(appendHashed(append([]byte(nil), ix.prefix...), kc.HashValue))
	kr := sortBounds(part, kc.RangeOp, kc.RangeValues)
	kr.past = r.past
	if start == nil {
		return kr, nil
	}
	if err := r.checkStartKey(start); err != nil {
		return kr, validationError("The provided starting key is invalid")
	}
	kr.after, _ = ix.entryKey(r.t, start)
	var rv attr.Value
	if ix.rangeName != "" {
		rv = start[ix.rangeName]
	}
	if !attr.Equal(start[ix.hashName], kc.HashValue) || (ix.rangeName != "" && !kc.MatchRange(rv)) {
		return kr, validationError("The provided starting key is outside query boundaries based on provided conditions")
	}
	return kr, nil
}

// scanRange is the store range of an index Scan or of one segment of it.
func (r *indexRead) scanRange(segment, total *int64, start attr.Item) (keyRange, error) {
	ix := r.ix
	kr := keyRange{prefix: string(ix.prefix), hashAt: len(ix.prefix), past: r.past}
	if total != nil {
		lo, hi := keys.SegmentRange(int(*segment), int(*total))
		kr.lo, kr.loIncl = string(keys.AppendHash(append([]byte(nil), ix.prefix...), lo)), true
		kr.maxHash = &hi
	}
	if start != nil {
		if err := r.checkStartKey(start); err != nil {
			return kr, validationError("The provided starting key is invalid: The provided key element does not match the schema")
		}
		kr.after, _ = ix.entryKey(r.t, start)
		if err := checkStartSegment(kr.after, kr.hashAt, segment, total); err != nil {
			return kr, err
		}
	}
	return kr, nil
}

// checkStartKey validates an ExclusiveStartKey of an index read: exactly
// the table's and the index's key attributes, with their types.
func (r *indexRead) checkStartKey(start attr.Item) error {
	names := r.keyNames()
	if len(start) != len(names) {
		return errKeySchema
	}
	for _, n := range names {
		v, ok := start[n]
		if !ok || v.Type() != r.keyType(n) || ((v.Type() == attr.TypeS || v.Type() == attr.TypeB) && v.Len() == 0) {
			return errKeySchema
		}
	}
	return nil
}

// keyNames returns the index's and the table's key attribute names.
func (r *indexRead) keyNames() []string {
	names := r.ix.keyNames()
	for _, n := range r.t.keyNames() {
		if !contains(names, n) {
			names = append(names, n)
		}
	}
	return names
}

func (r *indexRead) keyType(name string) attr.Type {
	if typ, ok := r.ix.mk.typeOf(name); ok {
		return typ
	}
	switch name {
	case r.ix.hashName:
		return r.ix.hashType
	case r.ix.rangeName:
		return r.ix.rangeType
	}
	return r.t.keyType(name)
}

// pageOutput shapes a page of an index read: Select ALL_PROJECTED_ATTRIBUTES
// (the default) returns entries as stored, LastEvaluatedKey carries the
// index key and the table key.
func (r *indexRead) pageOutput(p *page, sel string, proj projector) *QueryOutput {
	out := &QueryOutput{Count: len(p.items), ScannedCount: p.scanned}
	if sel != SelectCount {
		out.Items = make([]attr.Item, len(p.items))
		for i, it := range p.items {
			if r.fetch && proj.p == nil && sel != SelectAllAttributes {
				it = r.ix.project(r.t, it) // fetched for the filter only
			}
			out.Items[i] = proj.apply(it)
		}
	}
	if p.last != nil {
		k := make(attr.Item, 4)
		for _, n := range r.keyNames() {
			k[n] = p.last[n]
		}
		out.LastEvaluatedKey = k
	}
	return out
}

// sortBounds is the range of index entries under part (the store key
// prefix up to the sort-key attribute) that satisfy op on that attribute.
// Bounds that must include a value use the smallest key after everything
// starting with its encoding, so the table key after it does not cut
// entries off.
func sortBounds(part string, op expr.KeyOp, vs [2]attr.Value) keyRange {
	kr := keyRange{prefix: part}
	enc := func(v attr.Value) string { return part + string(keys.AppendValue(nil, v)) }
	past := func(v attr.Value) string { return successor(enc(v)) }
	v1, v2 := vs[0], vs[1]
	switch op {
	case expr.KeyEQ:
		kr.prefix = enc(v1)
	case expr.KeyLT:
		kr.hi = enc(v1)
	case expr.KeyLE:
		kr.hi = past(v1)
	case expr.KeyGT:
		kr.lo, kr.loIncl = past(v1), true
	case expr.KeyGE:
		kr.lo, kr.loIncl = enc(v1), true
	case expr.KeyBetween:
		kr.lo, kr.loIncl, kr.hi = enc(v1), true, past(v2)
	case expr.KeyBeginsWith:
		kr.prefix = part + string(keys.AppendPrefix(nil, v1))
	}
	return kr
}
