package attr

import (
	"slices"
	"strings"
)

// Type is a DynamoDB attribute type.
type Type uint8

// The ten DynamoDB attribute types. The zero Type is invalid.
const (
	TypeS Type = iota + 1
	TypeN
	TypeB
	TypeBOOL
	TypeNULL
	TypeM
	TypeL
	TypeSS
	TypeNS
	TypeBS
)

var typeNames = [...]string{"", "S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"}

// String returns the type's wire name ("S", "NS", "BOOL", ...).
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "?"
}

// ParseType returns the Type named by its wire name, or false.
func ParseType(name string) (Type, bool) {
	switch name {
	case "S":
		return TypeS, true
	case "N":
		return TypeN, true
	case "B":
		return TypeB, true
	case "BOOL":
		return TypeBOOL, true
	case "NULL":
		return TypeNULL, true
	case "M":
		return TypeM, true
	case "L":
		return TypeL, true
	case "SS":
		return TypeSS, true
	case "NS":
		return TypeNS, true
	case "BS":
		return TypeBS, true
	}
	return 0, false
}

// IsSet reports whether t is one of SS, NS, BS.
func (t Type) IsSet() bool { return t == TypeSS || t == TypeNS || t == TypeBS }

// IsScalarKey reports whether t can be a key attribute type (S, N, B).
func (t Type) IsScalarKey() bool { return t == TypeS || t == TypeN || t == TypeB }

// ElemType returns the element type of a set type (SS → S), or 0.
func (t Type) ElemType() Type {
	switch t {
	case TypeSS:
		return TypeS
	case TypeNS:
		return TypeN
	case TypeBS:
		return TypeB
	}
	return 0
}

// SetOf returns the set type whose elements have type t (S → SS), or 0.
func (t Type) SetOf() Type {
	switch t {
	case TypeS:
		return TypeSS
	case TypeN:
		return TypeNS
	case TypeB:
		return TypeBS
	}
	return 0
}

// Value is one attribute value. The zero Value is invalid (Type 0) and is
// used to mean "absent".
type Value struct {
	t Type
	b bool // BOOL
	// plain, for S, says the text needs no escaping in JSON, so encoding
	// it is a copy (a hint: set where it is known for free — a decoded
	// request, the stored form — and false is always right).
	plain bool
	s     string // S text, N canonical decimal, B raw bytes
	// x holds what only L, M and sets have, behind a pointer so that a
	// Value is 32 bytes, not 56: items are maps of Values, and the size of
	// their slots is what decoding one allocates and touches.
	x *composite
}

// composite holds what only L, M and set values have.
type composite struct {
	list []Value          // L elements; SS/NS/BS members (as S/N/B values)
	m    map[string]Value // M
}

// elems returns an L value's elements or a set's members.
func (v Value) elems() []Value {
	if v.x == nil {
		return nil
	}
	return v.x.list
}

// fields returns an M value's map.
func (v Value) fields() map[string]Value {
	if v.x == nil {
		return nil
	}
	return v.x.m
}

// Item is an item, a key, or any other map from attribute names to values.
type Item map[string]Value

// S returns a string value.
func S(s string) Value { return Value{t: TypeS, s: s} }

// B returns a binary value holding a copy of b.
func B(b []byte) Value { return Value{t: TypeB, s: string(b)} }

// BString returns a binary value whose raw bytes are the bytes of s.
func BString(s string) Value { return Value{t: TypeB, s: s} }

// Bool returns a BOOL value.
func Bool(b bool) Value { return Value{t: TypeBOOL, b: b} }

// Null returns the NULL value.
func Null() Value { return Value{t: TypeNULL, b: true} }

// L returns a list value. The slice is kept, not copied.
func L(elems []Value) Value {
	if elems == nil {
		elems = []Value{}
	}
	return Value{t: TypeL, x: &composite{list: elems}}
}

// M returns a map value. The map is kept, not copied.
func M(m map[string]Value) Value {
	if m == nil {
		m = map[string]Value{}
	}
	return Value{t: TypeM, x: &composite{m: m}}
}

// N returns a number value from decimal text, validated and canonicalized
// exactly as the service does ("1e3" → "1000").
func N(text string) (Value, error) {
	c, err := CanonicalNumber(text)
	if err != nil {
		return Value{}, err
	}
	return Value{t: TypeN, s: c}, nil
}

// MustN is N for literals in tests and code; it panics on invalid text.
func MustN(text string) Value {
	v, err := N(text)
	if err != nil {
		panic(err)
	}
	return v
}

// Int returns the number value of i.
func Int(i int64) Value {
	v, _ := N(strconvInt(i))
	return v
}

// NewSet builds a set of type t (SS, NS or BS) from member values of the
// element type. It validates like the wire decoder: non-empty, no
// duplicates (numbers compared by value).
func NewSet(t Type, members []Value) (Value, error) {
	et := t.ElemType()
	if et == 0 {
		return Value{}, validationf("invalid set type %s", t)
	}
	texts := make([]string, len(members))
	for i, m := range members {
		if m.t != et {
			return Value{}, validationf("One or more parameter values were invalid: set members must be of type %s", et)
		}
		texts[i] = m.s
	}
	if err := checkSet(t, texts, nil); err != nil {
		return Value{}, err
	}
	return Value{t: t, x: &composite{list: members}}, nil
}

// SS returns a string set; see NewSet for the rules.
func SS(members ...string) (Value, error) {
	vs := make([]Value, len(members))
	for i, m := range members {
		vs[i] = S(m)
	}
	return NewSet(TypeSS, vs)
}

// NS returns a number set from decimal texts; see NewSet for the rules.
func NS(members ...string) (Value, error) {
	vs := make([]Value, len(members))
	for i, m := range members {
		v, err := N(m)
		if err != nil {
			return Value{}, err
		}
		vs[i] = v
	}
	return NewSet(TypeNS, vs)
}

// BS returns a binary set; see NewSet for the rules.
func BS(members ...[]byte) (Value, error) {
	vs := make([]Value, len(members))
	for i, m := range members {
		vs[i] = B(m)
	}
	return NewSet(TypeBS, vs)
}

// setFromValidMembers builds a set whose members are known to be valid and
// distinct (set arithmetic results).
func setFromValidMembers(t Type, members []Value) Value {
	return Value{t: t, x: &composite{list: members}}
}

// Type returns the value's type; 0 for the zero (absent) Value.
func (v Value) Type() Type { return v.t }

// IsZero reports whether v is the zero Value, which stands for "absent".
func (v Value) IsZero() bool { return v.t == 0 }

// Str returns the text of an S value, the canonical decimal of an N value,
// or the raw bytes of a B value as a string. Other types return "".
func (v Value) Str() string { return v.s }

// Bytes returns a copy of a B value's raw bytes.
func (v Value) Bytes() []byte { return []byte(v.s) }

// BoolValue returns a BOOL value's truth.
func (v Value) BoolValue() bool { return v.t == TypeBOOL && v.b }

// List returns an L value's elements (read-only).
func (v Value) List() []Value { return v.elems() }

// Map returns an M value's entries (read-only).
func (v Value) Map() map[string]Value { return v.fields() }

// Members returns the members of a set as S, N or B values (read-only).
func (v Value) Members() []Value {
	if v.t.IsSet() {
		return v.elems()
	}
	return nil
}

// Len returns the element count of L, M and set values, the UTF-8 byte length
// of S and the byte length of B; -1 for other types. It is size() in
// expressions.
func (v Value) Len() int {
	switch v.t {
	case TypeS, TypeB:
		return len(v.s)
	case TypeL, TypeSS, TypeNS, TypeBS:
		return len(v.elems())
	case TypeM:
		return len(v.fields())
	}
	return -1
}

// Clone returns a deep copy, so that the copy's lists and maps can be
// changed without touching v.
func (v Value) Clone() Value {
	switch v.t {
	case TypeL, TypeSS, TypeNS, TypeBS:
		l := make([]Value, len(v.elems()))
		for i, e := range v.elems() {
			l[i] = e.Clone()
		}
		v.x = &composite{list: l}
	case TypeM:
		m := make(map[string]Value, len(v.fields()))
		for k, e := range v.fields() {
			m[k] = e.Clone()
		}
		v.x = &composite{m: m}
	}
	return v
}

// Clone returns a deep copy of the item.
func (it Item) Clone() Item {
	if it == nil {
		return nil
	}
	c := make(Item, len(it))
	for k, v := range it {
		c[k] = v.Clone()
	}
	return c
}

// Names returns the item's attribute names in byte order.
func (it Item) Names() []string {
	names := make([]string, 0, len(it))
	for k := range it {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// String renders the value in DynamoDB JSON, for messages and debugging.
func (v Value) String() string { return string(AppendValue(nil, v)) }

// String renders the item in DynamoDB JSON.
func (it Item) String() string { return string(AppendItem(nil, it)) }

// GoString is like String; it keeps %#v readable in test failures.
func (v Value) GoString() string { return v.String() }

// Brief renders a value the way the service quotes operands in error
// messages: "{N:5}", "{S:a}".
func (v Value) Brief() string {
	var b strings.Builder
	b.WriteString("{")
	b.WriteString(v.t.String())
	b.WriteString(":")
	switch v.t {
	case TypeS, TypeN:
		b.WriteString(v.s)
	case TypeB:
		b.WriteString(encodeBase64(v.s))
	default:
		b.WriteString(string(AppendValue(nil, v)))
	}
	b.WriteString("}")
	return b.String()
}
