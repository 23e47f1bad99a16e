package partiql

import (
	"slices"

	"dynalab/engine/attr"
)

// GSIs with a multi-attribute key (up to four HASH and four RANGE
// attributes, the service's November 2025 feature). The service's PartiQL
// refuses to read them (planSelect, msgMultiKeyIndex): they are read with
// the API's Query, whose KeyConditionExpression takes every partition
// attribute with = and the sort attributes left to right. The schema
// keeps their attributes so that EXPLAIN's advice can point at the API
// Query (multiKeyQueryable) and writes know every key attribute.

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

// multiKeyQueryable reports whether the API's Query could read an index
// with the multi-attribute key ks for this WHERE clause: an equality on
// every partition attribute, each a conjunct of its own.
func multiKeyQueryable(where Expr, ks KeySchema, params []attr.Value) bool {
	eq := map[string]bool{}
	for _, c := range Conjuncts(where) {
		t, ok, err := asTerminal(c, params)
		if err != nil || !ok || t.op != keyEq || len(t.values) != 1 || !t.path.IsTopLevel() {
			continue
		}
		eq[keyOfPath(t.path, ks)] = true
	}
	return !slices.ContainsFunc(ks.Hashes, func(a KeyAttribute) bool { return !eq[a.Name] })
}
