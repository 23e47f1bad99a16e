package model

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// Facets are inferred from the shape of key values in single-table
// designs: a key value is split at '#'; its first segment, when it is a
// word (USER, ORDER, sensor), is a constant prefix, and the other
// segments are values. A whole value that is an upper-case word (PROFILE,
// EMAIL) is a constant. Items whose partition and sort keys have the same
// shape (USER#… / ORDER#…#…) are one facet. Each value segment is named
// after the attribute that holds the same value in every item of the
// facet (USER#u123 with userId u123 gives USER#{userId}); when none does,
// after the same prefix in another facet, else after the prefix itself.

var (
	prefixWord   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	constantWord = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)
)

// typeAttributes are the attributes single-table designs commonly name an
// item's entity type with, in order of preference.
var typeAttributes = []string{"type", "Type", "entityType", "EntityType", "_type", "__typename", "entity", "kind", "_et"}

// segment is one '#'-separated part of a key value.
type segment struct {
	text     string
	constant bool
}

// shape splits a key value into segments.
func shape(v attr.Value) []segment {
	text, ok := keyValueText(v)
	if !ok || v.Type() == attr.TypeN {
		return []segment{{text: text}}
	}
	parts := strings.Split(text, "#")
	if len(parts) == 1 {
		return []segment{{text: text, constant: constantWord.MatchString(text)}}
	}
	out := make([]segment, len(parts))
	for i, p := range parts {
		out[i] = segment{text: p, constant: i == 0 && prefixWord.MatchString(p)}
	}
	return out
}

// signature is a shape with its values blanked: what items of one facet
// share.
func signature(segs []segment) string {
	parts := make([]string, len(segs))
	for i, s := range segs {
		parts[i] = "\x00"
		if s.constant {
			parts[i] = s.text
		}
	}
	return strings.Join(parts, "#")
}

type facetGroup struct {
	sig   string
	items []attr.Item
	first int // index of the first item, for a stable order
}

// InferFacets infers a table's facets from items; nil when its keys have
// no constant parts (nothing tells entity types apart).
func InferFacets(t *Table, items []attr.Item) []Facet {
	hash, rng := t.keyName(engine.KeyTypeHash), t.keyName(engine.KeyTypeRange)
	groups := map[string]*facetGroup{}
	var order []*facetGroup
	anyConstant := false
	for i, it := range items {
		pk, ok := it[hash]
		if !ok {
			continue
		}
		sig := signature(shape(pk))
		for _, s := range shape(pk) {
			anyConstant = anyConstant || s.constant
		}
		if rng != "" {
			for _, s := range shape(it[rng]) {
				anyConstant = anyConstant || s.constant
			}
			sig += "\x01" + signature(shape(it[rng]))
		}
		g := groups[sig]
		if g == nil {
			g = &facetGroup{sig: sig, first: i}
			groups[sig] = g
			order = append(order, g)
		}
		g.items = append(g.items, it)
	}
	if !anyConstant {
		return nil
	}
	// First pass: patterns with the placeholders attributes name; learn
	// which name each prefix's value has.
	prefixNames := map[string]string{}
	var out []Facet
	facetNames := map[string]int{}
	for _, g := range order {
		f := Facet{Name: facetName(g.items, hash, rng)}
		if n := facetNames[f.Name]; n > 0 {
			facetNames[f.Name]++
			f.Name += string(rune('0' + min(n+1, 9)))
		} else {
			facetNames[f.Name] = 1
		}
		f.PartitionKey = keyPattern(g.items, hash, t, prefixNames)
		if rng != "" {
			f.SortKey = keyPattern(g.items, rng, t, prefixNames)
		}
		out = append(out, f)
	}
	// Second pass: values no attribute holds take the name their prefix
	// has elsewhere, else the prefix's own; then the attributes.
	for i := range out {
		f := &out[i]
		f.PartitionKey = nameUnnamed(f.PartitionKey, prefixNames)
		if rng != "" {
			f.SortKey = nameUnnamed(f.SortKey, prefixNames)
		}
		f.Attributes = facetAttributes(order[i].items, hash, rng, f)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// facetName names a group: its type attribute's value when every item has
// the same one, else its constant prefixes in title case.
func facetName(items []attr.Item, hash, rng string) string {
	for _, a := range typeAttributes {
		v, ok := items[0][a]
		if !ok || v.Type() != attr.TypeS || v.Str() == "" {
			continue
		}
		same := true
		for _, it := range items[1:] {
			if w := it[a]; w.Type() != attr.TypeS || w.Str() != v.Str() {
				same = false
				break
			}
		}
		if same {
			return v.Str()
		}
	}
	var b strings.Builder
	for _, k := range []string{hash, rng} {
		if k == "" {
			continue
		}
		for _, s := range shape(items[0][k]) {
			if s.constant {
				b.WriteString(titleCase(s.text))
			}
		}
	}
	if b.Len() == 0 {
		return "Item"
	}
	return b.String()
}

func titleCase(s string) string {
	var b strings.Builder
	up := true
	for _, r := range strings.ToLower(s) {
		if r == '_' || r == '-' {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
		}
		up = false
		b.WriteRune(r)
	}
	return b.String()
}

// unnamedMark marks a value segment no attribute names, with its prefix:
// "{\x00PREFIX}".
const unnamedMark = "\x00"

// keyPattern builds a key's pattern for a group, naming each value segment
// after the attribute that holds it in every item, and records the
// prefix → name pairs it learns.
func keyPattern(items []attr.Item, key string, t *Table, prefixNames map[string]string) string {
	segs := shape(items[0][key])
	if len(segs) == 1 && !segs[0].constant {
		if name := holder(items, key, 0, 1, t); name != "" {
			return "{" + name + "}"
		}
		return "{" + key + "}" // the key's own value
	}
	parts := make([]string, len(segs))
	prefix := ""
	for i, s := range segs {
		if s.constant {
			parts[i], prefix = s.text, s.text
			continue
		}
		name := holder(items, key, i, len(segs), t)
		switch {
		case name != "":
			parts[i] = "{" + name + "}"
			if prefix != "" {
				if _, seen := prefixNames[prefix]; !seen {
					prefixNames[prefix] = name
				}
			}
		case allSame(items, key, i):
			parts[i] = s.text
		default:
			parts[i] = "{" + unnamedMark + prefix + "}"
		}
		prefix = ""
	}
	return strings.Join(parts, "#")
}

// holder returns the attribute (not a key of the table) whose value is
// segment i of key in every item, "" when none is.
func holder(items []attr.Item, key string, i, n int, t *Table) string {
	keys := t.keyAttributes()
	var cands []string
	for name, v := range items[0] {
		if name == key || keys[name] && !isPlainKey(t, name) {
			continue
		}
		if _, ok := keyValueText(v); ok {
			cands = append(cands, name)
		}
	}
	slices.Sort(cands)
	for _, c := range cands {
		ok := true
		for _, it := range items {
			segs := shape(it[key])
			v, has := it[c]
			text, isText := keyValueText(v)
			if !has || !isText || len(segs) != n || segs[i].text != text {
				ok = false
				break
			}
		}
		if ok {
			return c
		}
	}
	return ""
}

// isPlainKey reports whether an index key attribute is also an entity's
// own attribute (userId as a GSI key), which can name a placeholder,
// unlike the generic GSI1PK of overloaded indexes.
func isPlainKey(t *Table, name string) bool {
	return !strings.HasSuffix(strings.ToUpper(name), "PK") && !strings.HasSuffix(strings.ToUpper(name), "SK") && t.keyName(engine.KeyTypeHash) != name && t.keyName(engine.KeyTypeRange) != name
}

func allSame(items []attr.Item, key string, i int) bool {
	first := shape(items[0][key])[i].text
	for _, it := range items[1:] {
		segs := shape(it[key])
		if i >= len(segs) || segs[i].text != first {
			return false
		}
	}
	return true
}

// nameUnnamed names the values no attribute holds.
func nameUnnamed(pattern string, prefixNames map[string]string) string {
	for {
		start := strings.Index(pattern, "{"+unnamedMark)
		if start < 0 {
			return pattern
		}
		end := strings.Index(pattern[start:], "}") + start
		prefix := pattern[start+2 : end]
		name := prefixNames[prefix]
		if name == "" {
			name = strings.ToLower(prefix[:min(1, len(prefix))]) + titleCase(prefix)[min(1, len(prefix)):]
			if name == "" {
				name = "value"
			}
		}
		pattern = pattern[:start] + "{" + name + "}" + pattern[end+1:]
	}
}

// facetAttributes lists a facet's attributes: those of its items (not the
// table's keys) and its patterns' placeholders, sorted.
func facetAttributes(items []attr.Item, hash, rng string, f *Facet) []string {
	set := map[string]bool{}
	for _, it := range items {
		for name := range it {
			set[name] = true
		}
	}
	for _, text := range []string{f.PartitionKey, f.SortKey} {
		if p, err := ParsePattern(text); err == nil {
			for _, v := range p.Vars() {
				set[v] = true
			}
		}
	}
	delete(set, hash)
	delete(set, rng)
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}
