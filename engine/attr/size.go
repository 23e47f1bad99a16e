package attr

// MaxItemSize is the largest item the service stores: 400 KB.
const MaxItemSize = 400 * 1024

// MaxDepth is the deepest nesting allowed, counting the item itself and each
// M or L level below it.
const MaxDepth = 32

// MsgNestingTooDeep is the service's error for a value nested deeper than
// MaxDepth, as us-east-1 and eu-west-2 word it (captured in
// paritysuite/dynamodb-conformance tests/tier3/validation-ordering/
// transactions.test.ts, NEST_BARE, and tests/tier3/limits/nestingDepth.test.ts;
// older captures, dynalite's among them, end after "limits").
const MsgNestingTooDeep = "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit"

// Size returns the value's size in bytes by the service's rules: UTF-8 bytes
// of strings, raw bytes of binaries, the number formula, one byte for BOOL and
// NULL, three bytes plus one per element for L and M (plus the key bytes of
// M), and the sum of members for sets.
func (v Value) Size() int {
	switch v.t {
	case TypeS, TypeB:
		return len(v.s)
	case TypeN:
		return numberSize(v.s)
	case TypeBOOL, TypeNULL:
		return 1
	case TypeSS, TypeBS:
		n := 0
		for _, e := range v.elems() {
			n += len(e.s)
		}
		return n
	case TypeNS:
		n := 0
		for _, e := range v.elems() {
			n += numberSize(e.s)
		}
		return n
	case TypeL:
		n := 3
		for _, e := range v.elems() {
			n += 1 + e.Size()
		}
		return n
	case TypeM:
		n := 3
		for k, e := range v.fields() {
			n += 1 + len(k) + e.Size()
		}
		return n
	}
	return 0
}

// Size returns the item's size: for each attribute, the UTF-8 length of its
// name plus the size of its value.
func (it Item) Size() int {
	n := 0
	for k, v := range it {
		n += len(k) + v.Size()
	}
	return n
}

// Depth returns the nesting depth of v counted from its own level: 0 for
// scalars and sets, 1 + the deepest element for L and M.
func (v Value) Depth() int {
	d := 0
	switch v.t {
	case TypeL:
		for _, e := range v.elems() {
			d = max(d, e.Depth())
		}
		return d + 1
	case TypeM:
		for _, e := range v.fields() {
			d = max(d, e.Depth())
		}
		return d + 1
	}
	return 0
}

// Depth returns the nesting depth of an item: 1 for the item itself plus the
// deepest attribute value.
func (it Item) Depth() int {
	d := 0
	for _, v := range it {
		d = max(d, v.Depth())
	}
	return d + 1
}
