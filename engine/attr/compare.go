package attr

import "strings"

// Compare orders two values of the same orderable type: N numerically, S and
// B by bytes. ok is false when the types differ or are not orderable; the
// service then treats <, <=, >, >= and BETWEEN as false.
func Compare(a, b Value) (c int, ok bool) {
	if a.t != b.t {
		return 0, false
	}
	switch a.t {
	case TypeS, TypeB:
		return strings.Compare(a.s, b.s), true
	case TypeN:
		return compareNumbers(a.s, b.s), true
	}
	return 0, false
}

// Equal reports deep equality as the service defines it: same type, numbers
// by value, sets as unordered sets, lists in order, maps by keys and values.
func Equal(a, b Value) bool {
	if a.t != b.t {
		return false
	}
	switch a.t {
	case TypeS, TypeB, TypeN:
		return a.s == b.s // numbers are canonical, so text equality is value equality
	case TypeBOOL, TypeNULL:
		return a.b == b.b
	case TypeL:
		if len(a.elems()) != len(b.elems()) {
			return false
		}
		for i := range a.elems() {
			if !Equal(a.elems()[i], b.elems()[i]) {
				return false
			}
		}
		return true
	case TypeM:
		if len(a.fields()) != len(b.fields()) {
			return false
		}
		for k, av := range a.fields() {
			bv, ok := b.fields()[k]
			if !ok || !Equal(av, bv) {
				return false
			}
		}
		return true
	case TypeSS, TypeNS, TypeBS:
		if len(a.elems()) != len(b.elems()) {
			return false
		}
		for _, e := range a.elems() {
			if !b.HasMember(e) {
				return false
			}
		}
		return true
	}
	return true
}

// HasMember reports whether a set contains m (by value).
func (v Value) HasMember(m Value) bool {
	if !v.t.IsSet() || m.t != v.t.ElemType() {
		return false
	}
	for _, e := range v.elems() {
		if e.s == m.s {
			return true
		}
	}
	return false
}

// Equal reports whether two items have the same attributes with Equal values.
func (it Item) Equal(other Item) bool {
	if len(it) != len(other) {
		return false
	}
	for k, v := range it {
		o, ok := other[k]
		if !ok || !Equal(v, o) {
			return false
		}
	}
	return true
}

// Union returns the members of a and b (same set type), a's first.
func Union(a, b Value) Value {
	out := append([]Value(nil), a.elems()...)
	for _, m := range b.elems() {
		if !a.HasMember(m) {
			out = append(out, m)
		}
	}
	return setFromValidMembers(a.t, out)
}

// Difference returns the members of a not in b; the zero Value when none
// remain (the service then removes the attribute).
func Difference(a, b Value) Value {
	var out []Value
	for _, m := range a.elems() {
		if !b.HasMember(m) {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		return Value{}
	}
	return setFromValidMembers(a.t, out)
}
