package expr

import (
	"slices"
	"strings"

	"dynalab/engine/attr"
)

// Params holds a request's ExpressionAttributeNames and
// ExpressionAttributeValues, and records which of them the request's
// expressions used. Use one Params per request, for all of its expressions,
// then call Unused; do not copy a Params once used. A nil *Params has no
// placeholders.
type Params struct {
	Names  map[string]string
	Values attr.Item

	usedNames  []string
	usedValues []string
	buf        [8]string // backing store for the first few used keys
}

// name resolves a #placeholder and marks it used.
func (p *Params) name(key string) (string, bool) {
	if p == nil {
		return "", false
	}
	v, ok := p.Names[key]
	if ok && !slices.Contains(p.usedNames, key) {
		if p.usedNames == nil {
			p.usedNames = p.buf[0:0:4]
		}
		p.usedNames = append(p.usedNames, key)
	}
	return v, ok
}

// value resolves a :placeholder and marks it used.
func (p *Params) value(key string) (attr.Value, bool) {
	if p == nil {
		return attr.Value{}, false
	}
	v, ok := p.Values[key]
	if ok && !slices.Contains(p.usedValues, key) {
		if p.usedValues == nil {
			p.usedValues = p.buf[4:4:8]
		}
		p.usedValues = append(p.usedValues, key)
	}
	return v, ok
}

// UsedNames returns the ExpressionAttributeNames keys bound so far.
func (p *Params) UsedNames() []string { return slices.Clone(p.usedNames) }

// UsedValues returns the ExpressionAttributeValues keys bound so far.
func (p *Params) UsedValues() []string { return slices.Clone(p.usedValues) }

// Unused reports names, then values, that no bound expression used:
// "Value provided in ExpressionAttributeNames unused in expressions: keys:
// {#a, #b}". Keys are listed in sorted order.
func (p *Params) Unused() error {
	if p == nil {
		return nil
	}
	var unused []string
	for k := range p.Names {
		if !slices.Contains(p.usedNames, k) {
			unused = append(unused, k)
		}
	}
	if len(unused) > 0 {
		return unusedError("ExpressionAttributeNames", unused)
	}
	for k := range p.Values {
		if !slices.Contains(p.usedValues, k) {
			unused = append(unused, k)
		}
	}
	if len(unused) > 0 {
		return unusedError("ExpressionAttributeValues", unused)
	}
	return nil
}

func unusedError(param string, keys []string) error {
	slices.Sort(keys)
	return newError("Value provided in " + param + " unused in expressions: keys: {" + strings.Join(keys, ", ") + "}")
}

// CheckPlaceholders validates the placeholder maps before any expression is
// parsed: a present map must not be empty, and every key must be "#" (or
// ":") followed by one or more of [A-Za-z0-9_], at most 255 bytes in all.
// Pass nil for an absent map. Keys are checked in sorted order.
func CheckPlaceholders(names map[string]string, values attr.Item) error {
	if names != nil {
		if len(names) == 0 {
			return newError("ExpressionAttributeNames must not be empty")
		}
		if err := checkKeys("ExpressionAttributeNames", sortedKeys(names), '#'); err != nil {
			return err
		}
	}
	if values != nil {
		if len(values) == 0 {
			return newError("ExpressionAttributeValues must not be empty")
		}
		if err := checkKeys("ExpressionAttributeValues", values.Names(), ':'); err != nil {
			return err
		}
	}
	return nil
}

func checkKeys(param string, keys []string, prefix byte) error {
	for _, k := range keys {
		switch {
		case k == "":
			return newError(param + " contains invalid key: The expression attribute map contains an empty key;")
		case len(k) > maxPlaceholderLen && prefix == '#':
			return newError(param + " contains invalid key: The expression attribute map contains a key that is too long; size of key: " + itoa(len(k)))
		case len(k) > maxPlaceholderLen:
			return newError(param + " contains invalid key: The expression attribute map contains a key that is too long;")
		case !validPlaceholder(k, prefix):
			return newError(param + ` contains invalid key: Syntax error; key: "` + k + `"`)
		}
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// resolvePath returns p with its #placeholders replaced, or p itself when it
// has none. On an undefined name it returns the name's token.
func (p *Params) resolvePath(path Path) (Path, string) {
	out := path
	for i, e := range path {
		if e.Kind != ElemPlaceholder {
			continue
		}
		name, ok := p.name(e.Name)
		if !ok {
			return nil, e.Name
		}
		if &out[0] == &path[0] {
			out = slices.Clone(path)
		}
		out[i] = PathElem{Kind: ElemName, Name: name, pos: e.pos}
	}
	return out, ""
}
