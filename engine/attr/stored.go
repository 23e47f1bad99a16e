package attr

import (
	"encoding/binary"
	"errors"
)

// The stored form: the binary encoding the engine keeps its items in.
// Reading it touches only the framing, never the bytes of string and
// binary values, which the decoded item shares with the stored string;
// a GetItem of a 1 KB item reads a few dozen bytes, not a kilobyte of
// JSON (issue #2's GetItem budget).
//
//	item  = marker uvarint(size) uvarint(count) {name value}  names in byte order
//	name  = uvarint(len) bytes
//	value = type byte, then
//	        S, N, B     uvarint(len) bytes   (B raw, N canonical text;
//	                    S's type byte has plainFlag set when the text
//	                    needs no escaping in JSON)
//	        BOOL        0 or 1
//	        NULL        nothing
//	        SS, NS, BS  uvarint(count) {uvarint(len) bytes}
//	        L           uvarint(count) {value}
//	        M           uvarint(count) {name value}
//
// size is the item's Size, so reading it needs no second walk. Databases
// written before this form hold DynamoDB JSON (AppendItem); the marker,
// which no JSON text starts with, tells the two apart, and
// ParseStoredItem reads both.
const storedMarker = 0x01

// plainFlag marks, in an S value's type byte, text that needs no escaping
// in JSON, so that responses copy it instead of scanning it.
const plainFlag = 0x80

// AppendStored appends the stored form of it, whose Size is size, to dst.
// Equal items encode to equal bytes when their S values' plain hints agree
// (AppendItem's JSON is canonical regardless).
func AppendStored(dst []byte, it Item, size int) []byte {
	dst = append(dst, storedMarker)
	dst = binary.AppendUvarint(dst, uint64(size))
	return appendStoredMap(dst, it)
}

// StoredCap is a capacity for AppendStored's buffer that usually fits the
// stored form of an item of len(it) attributes and the given size.
func StoredCap(it Item, size int) int { return size + 4*len(it) + 16 }

func appendStoredMap(dst []byte, m map[string]Value) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(m)))
	var buf [16]string
	for _, k := range appendSortedNames(buf[:0], m) {
		dst = appendStoredString(dst, k)
		dst = appendStoredValue(dst, m[k])
	}
	return dst
}

func appendStoredString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

func appendStoredValue(dst []byte, v Value) []byte {
	if v.t == TypeS && v.plain {
		dst = append(dst, byte(v.t)|plainFlag)
	} else {
		dst = append(dst, byte(v.t))
	}
	switch v.t {
	case TypeS, TypeN, TypeB:
		dst = appendStoredString(dst, v.s)
	case TypeBOOL:
		if v.b {
			dst = append(dst, 1)
		} else {
			dst = append(dst, 0)
		}
	case TypeSS, TypeNS, TypeBS:
		dst = binary.AppendUvarint(dst, uint64(len(v.elems())))
		for _, e := range v.elems() {
			dst = appendStoredString(dst, e.s)
		}
	case TypeL:
		dst = binary.AppendUvarint(dst, uint64(len(v.elems())))
		for _, e := range v.elems() {
			dst = appendStoredValue(dst, e)
		}
	case TypeM:
		dst = appendStoredMap(dst, v.fields())
	}
	return dst
}

var errCorruptStored = errors.New("corrupt stored item")

// storedDecoder reads the stored form. The input is trusted to be what
// AppendStored wrote, but a damaged file must still give an error, never a
// panic or a huge allocation: every count is checked against the bytes
// left, and nesting is bounded.
type storedDecoder struct {
	s   string
	pos int
}

// uvarint reads a length or count; no honest one comes near 1<<40.
func (d *storedDecoder) uvarint() (int, error) {
	if d.pos < len(d.s) && d.s[d.pos] < 0x80 { // one byte: most of them
		d.pos++
		return int(d.s[d.pos-1]), nil
	}
	x, n := binary.Uvarint(words(d.s)[d.pos:])
	if n <= 0 || x > 1<<40 {
		return 0, errCorruptStored
	}
	d.pos += n
	return int(x), nil
}

// count reads a number of elements, each at least min bytes long.
func (d *storedDecoder) count(min int) (int, error) {
	n, err := d.uvarint()
	if err != nil || n*min > len(d.s)-d.pos {
		return 0, errCorruptStored
	}
	return n, nil
}

func (d *storedDecoder) str() (string, error) {
	n, err := d.uvarint()
	if err != nil || n > len(d.s)-d.pos {
		return "", errCorruptStored
	}
	s := d.s[d.pos : d.pos+n]
	d.pos += n
	return s, nil
}

func (d *storedDecoder) item(depth int) (Item, error) {
	n, err := d.count(2)
	if err != nil {
		return nil, err
	}
	it := make(Item, n)
	for range n {
		name, err := d.str()
		if err != nil {
			return nil, err
		}
		v, err := d.value(depth + 1)
		if err != nil {
			return nil, err
		}
		it[name] = v
	}
	return it, nil
}

func (d *storedDecoder) value(depth int) (Value, error) {
	if d.pos >= len(d.s) || depth > MaxDepth+1 {
		return Value{}, errCorruptStored
	}
	t := Type(d.s[d.pos])
	d.pos++
	switch t {
	case TypeS | plainFlag:
		s, err := d.str()
		return Value{t: TypeS, s: s, plain: true}, err
	case TypeS, TypeN, TypeB:
		s, err := d.str()
		return Value{t: t, s: s}, err
	case TypeBOOL:
		if d.pos >= len(d.s) || d.s[d.pos] > 1 {
			return Value{}, errCorruptStored
		}
		d.pos++
		return Bool(d.s[d.pos-1] == 1), nil
	case TypeNULL:
		return Null(), nil
	case TypeSS, TypeNS, TypeBS:
		n, err := d.count(1)
		if err != nil {
			return Value{}, err
		}
		list := make([]Value, n)
		for i := range list {
			s, err := d.str()
			if err != nil {
				return Value{}, err
			}
			list[i] = Value{t: t.ElemType(), s: s}
		}
		return Value{t: t, x: &composite{list: list}}, nil
	case TypeL:
		n, err := d.count(1)
		if err != nil {
			return Value{}, err
		}
		list := make([]Value, n)
		for i := range list {
			if list[i], err = d.value(depth + 1); err != nil {
				return Value{}, err
			}
		}
		return Value{t: t, x: &composite{list: list}}, nil
	case TypeM:
		m, err := d.item(depth)
		return Value{t: t, x: &composite{m: m}}, err
	}
	return Value{}, errCorruptStored
}

// StoredSize returns the Size of a stored item without decoding it (the
// stored form carries it; an item of an older file is decoded).
func StoredSize(s string) (int, error) {
	if s != "" && s[0] == storedMarker {
		d := storedDecoder{s: s, pos: 1}
		return d.uvarint()
	}
	_, size, err := ParseStoredItemSize(s)
	return size, err
}

// parseStored decodes the stored form (s starts with storedMarker).
func parseStored(s string) (Item, int, error) {
	d := storedDecoder{s: s, pos: 1}
	size, err := d.uvarint()
	if err != nil {
		return nil, 0, err
	}
	it, err := d.item(1)
	if err != nil {
		return nil, 0, err
	}
	if d.pos != len(s) {
		return nil, 0, errCorruptStored
	}
	return it, size, nil
}
