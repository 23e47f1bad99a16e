package model

import (
	"dynalab/engine"
	"dynalab/engine/attr"
)

// Matcher tells which of a table's facets an item is, by the facets' key
// patterns. It compiles every pattern once, so that classifying many
// items (a grid's pages, an export's sample) costs one regular-expression
// match per pattern and item. A facet whose pattern does not parse never
// matches.
type Matcher struct {
	hash, rng string
	facets    []compiledFacet
}

type compiledFacet struct {
	pk, sk  Pattern
	ok      bool
	literal int // literal characters in both patterns: how specific it is
}

// NewMatcher compiles the facets of t against t's key schema.
func NewMatcher(t *Table) *Matcher {
	m := &Matcher{hash: t.keyName(engine.KeyTypeHash), rng: t.keyName(engine.KeyTypeRange)}
	for i := range t.Facets {
		f := &t.Facets[i]
		var c compiledFacet
		pk, err := ParsePattern(f.PartitionKey)
		c.pk, c.ok = pk, err == nil
		if m.rng != "" {
			sk, err := ParsePattern(f.SortKey)
			c.sk, c.ok = sk, c.ok && err == nil
		}
		c.literal = c.pk.literal() + c.sk.literal()
		m.facets = append(m.facets, c)
	}
	return m
}

// Len returns the number of facets.
func (m *Matcher) Len() int { return len(m.facets) }

// Match returns the index (into the table's Facets) of the facet item is,
// or -1 when none matches. When several match, the most specific wins:
// the one whose patterns have the most literal text (USER#{id} + PROFILE
// before USER#{id} + {sk}); among equals, the first declared.
func (m *Matcher) Match(item attr.Item) int {
	best, bestLit := -1, -1
	pkv := item[m.hash]
	var skv attr.Value
	if m.rng != "" {
		skv = item[m.rng]
	}
	for i, c := range m.facets {
		if !c.ok || c.literal <= bestLit {
			continue
		}
		if !c.pk.MatchValue(pkv) || (m.rng != "" && !c.sk.MatchValue(skv)) {
			continue
		}
		best, bestLit = i, c.literal
	}
	return best
}

// literal counts the pattern's literal characters.
func (p Pattern) literal() int {
	n := 0
	for _, pt := range p.parts {
		if !pt.isVar {
			n += len(pt.text)
		}
	}
	return n
}
