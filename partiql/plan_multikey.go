package partiql

import (
	"slices"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// SELECT on a GSI with a multi-attribute key (up to four HASH and four
// RANGE attributes, the service's November 2025 feature). The statement
// plans as a Query when the WHERE clause has an equality on every
// partition attribute; the sort attributes join the key condition left to
// right while they are pinned by equality, and the first one with a range
// condition (<, <=, >, >=, BETWEEN, begins_with) ends it, as Query's key
// condition rules require. Conditions on sort attributes past that point
// (or past a gap) stay in the filter, which the executor then applies to
// the Query's items itself (LocalFilter: a FilterExpression may not read
// key attributes). What the service's translator does with such leftovers
// is not documented; this is a guess. IN on a partition attribute (one
// Query per value) is not planned for these keys: the statement scans.

// Multi reports whether the key has several HASH or RANGE attributes.
func (k KeySchema) Multi() bool { return len(k.Hashes) > 0 }

func (k KeySchema) multiNames() []string {
	names := make([]string, 0, len(k.Hashes)+len(k.Ranges))
	for _, a := range k.Hashes {
		names = append(names, a.Name)
	}
	for _, a := range k.Ranges {
		names = append(names, a.Name)
	}
	return names
}

// multiType returns the type of an attribute of a multi-attribute key.
func (k KeySchema) multiType(name string) (attr.Type, bool) {
	for _, a := range k.Hashes {
		if a.Name == name {
			return a.Type, true
		}
	}
	for _, a := range k.Ranges {
		if a.Name == name {
			return a.Type, true
		}
	}
	return 0, false
}

func (k KeySchema) isHash(name string) bool {
	return slices.ContainsFunc(k.Hashes, func(a KeyAttribute) bool { return a.Name == name })
}

// settle keeps Hashes and Ranges only for a multi-attribute key.
func (k KeySchema) settle() KeySchema {
	if len(k.Hashes) > 1 || len(k.Ranges) > 1 {
		k.Hash = k.Hashes[0]
		k.Range = KeyAttribute{}
		if len(k.Ranges) > 0 {
			k.Range = k.Ranges[0]
		}
		return k
	}
	k.Hashes, k.Ranges = nil, nil
	return k
}

// multiKeys is the key condition a WHERE clause gives a multi-attribute
// key: one equality per partition attribute and the sort conditions used,
// each with the conjunct it came from.
type multiKeys struct {
	hashes, sorts        []terminal
	hashExprs, sortExprs []Expr
	rest                 []Expr
	queryAllowed         bool
}

// extractMultiKeys finds the key condition of a SELECT on a
// multi-attribute key; like extractSelectKeys it gives up (the whole WHERE
// clause filters a Scan) on a key attribute under NOT, a partition
// attribute compared with anything but =, two different conditions on one
// key attribute, or an operator a sort key condition cannot use.
func extractMultiKeys(where Expr, ks KeySchema, params []attr.Value) (*multiKeys, error) {
	conj := Conjuncts(where)
	scan := &multiKeys{rest: conj}
	terms := map[string]terminal{}
	exprs := map[string]Expr{}
	drop := map[Expr]bool{}
	for _, c := range conj {
		if notOnKey(c, ks) {
			return scan, nil
		}
		t, ok, err := asTerminal(c, params)
		if err != nil {
			return nil, err
		}
		name := ""
		if ok {
			name = keyOfPath(t.path, ks)
		}
		if name == "" {
			continue
		}
		if !t.path.IsTopLevel() {
			return scan, nil
		}
		if ks.isHash(name) {
			if t.op != keyEq {
				return scan, nil
			}
		} else if t.op == keyOther || t.op == keyIn {
			return scan, nil
		}
		if len(t.values) == 0 || (t.op == keyBetween && len(t.values) != 2) {
			continue // stays in the filter
		}
		if prev, seen := terms[name]; seen {
			if !sameTerminal(prev, t) {
				return scan, nil
			}
			drop[c] = true
			continue
		}
		terms[name], exprs[name] = t, c
	}
	k := &multiKeys{}
	for _, a := range ks.Hashes {
		t, ok := terms[a.Name]
		if !ok {
			return scan, nil
		}
		k.hashes, k.hashExprs = append(k.hashes, t), append(k.hashExprs, exprs[a.Name])
	}
	for _, a := range ks.Ranges {
		t, ok := terms[a.Name]
		if !ok {
			break
		}
		k.sorts, k.sortExprs = append(k.sorts, t), append(k.sortExprs, exprs[a.Name])
		if t.op != keyEq {
			break
		}
	}
	used := map[Expr]bool{}
	for _, e := range append(slices.Clone(k.hashExprs), k.sortExprs...) {
		used[e] = true
	}
	for _, c := range conj {
		if !used[c] && !drop[c] {
			k.rest = append(k.rest, c)
		}
	}
	k.queryAllowed = true
	return k, nil
}

// planMultiKeySelect plans a SELECT (ExecuteStatement) on an index with a
// multi-attribute key: a Query or a Scan, never a GetItem.
func (x *Executor) planMultiKeySelect(p *Plan, s *Select, ks KeySchema, params []attr.Value) (*Plan, error) {
	if len(s.OrderBy) > 0 && s.Where == nil {
		return nil, engine.Validationf(msgOrderByWhere)
	}
	keys, err := extractMultiKeys(s.Where, ks, params)
	if err != nil {
		return nil, err
	}
	if len(s.OrderBy) > 0 {
		if !keys.queryAllowed {
			return nil, engine.Validationf(msgOrderByHash)
		}
		dir := false
		for _, o := range s.OrderBy {
			if !ks.Has(o.Name) {
				return nil, engine.Validationf(msgOrderByKey, o.Name)
			}
			if !ks.isHash(o.Name) && !dir {
				p.ScanIndexForward, dir = !o.Desc, true
			}
		}
	}
	p.Filter = keys.rest
	if !keys.queryAllowed {
		p.WholeTable = true
		return p, p.buildRead(ks, nil)
	}
	for i, a := range ks.Hashes {
		if keys.hashes[i].values[0].Type() != a.Type {
			return nil, engine.Validationf(msgKeySchemaType, a.Name)
		}
	}
	for i, t := range keys.sorts {
		if t.values[0].Type() != ks.Ranges[i].Type {
			return nil, engine.Validationf(msgKeySchemaType, ks.Ranges[i].Name)
		}
	}
	p.Operation = OperationQuery
	p.KeyCondition = append(slices.Clone(keys.hashExprs), keys.sortExprs...)
	p.Partitions = []attr.Value{keys.hashes[0].values[0]}
	p.LocalFilter = readsKey(keys.rest, ks)
	p.multi = keys
	return p, p.buildRead(ks, nil)
}

// writeMultiKeyCondition writes the key condition of a multi-attribute
// key's Query: every partition attribute's equality (the first one's
// placeholder is hashPH), then the sort conditions.
func (p *Plan) writeMultiKeyCondition(b *exprBuilder, ks KeySchema) {
	for i, a := range ks.Hashes {
		if i > 0 {
			b.str(" AND ")
		}
		b.str(b.name(a.Name))
		b.str(" = ")
		ph := b.value(p.multi.hashes[i].values[0])
		if i == 0 {
			p.hashPH = ph
		}
		b.str(ph)
	}
	for i := range p.multi.sorts {
		b.str(" AND ")
		b.rangeCondition(ks.Ranges[i].Name, &p.multi.sorts[i])
	}
}
