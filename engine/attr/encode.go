package attr

import (
	"encoding/base64"
	"slices"
)

// The DynamoDB JSON encoder: canonical output (attributes in byte order, no
// white space), so equal items always encode to equal bytes.

// AppendItem appends the item's DynamoDB JSON to dst, attributes in byte
// order so that equal items always encode to equal bytes.
func AppendItem(dst []byte, it Item) []byte {
	if it == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '{')
	var buf [16]string
	for i, k := range appendSortedNames(buf[:0], it) {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, k)
		dst = append(dst, ':')
		dst = AppendValue(dst, it[k])
	}
	return append(dst, '}')
}

// appendSortedNames appends m's names to names and sorts them. Callers
// pass a small array's slice, so that the usual item sorts on the stack.
func appendSortedNames(names []string, m map[string]Value) []string {
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// AppendValue appends one AttributeValue's DynamoDB JSON to dst.
func AppendValue(dst []byte, v Value) []byte {
	switch v.t {
	case TypeS:
		if v.plain {
			dst = append(dst, `{"S":"`...)
			dst = append(dst, v.s...)
			dst = append(dst, '"')
			break
		}
		dst = append(dst, `{"S":`...)
		dst = appendString(dst, v.s)
	case TypeN:
		dst = append(dst, `{"N":"`...)
		dst = append(dst, v.s...)
		dst = append(dst, '"')
	case TypeB:
		dst = append(dst, `{"B":"`...)
		dst = base64.StdEncoding.AppendEncode(dst, []byte(v.s))
		dst = append(dst, '"')
	case TypeBOOL:
		if v.b {
			return append(dst, `{"BOOL":true}`...)
		}
		return append(dst, `{"BOOL":false}`...)
	case TypeNULL:
		return append(dst, `{"NULL":true}`...)
	case TypeSS, TypeNS, TypeBS:
		dst = append(dst, `{"`...)
		dst = append(dst, v.t.String()...)
		dst = append(dst, `":[`...)
		for i, m := range v.elems() {
			if i > 0 {
				dst = append(dst, ',')
			}
			switch v.t {
			case TypeSS:
				dst = appendString(dst, m.s)
			case TypeNS:
				dst = append(dst, '"')
				dst = append(dst, m.s...)
				dst = append(dst, '"')
			default:
				dst = append(dst, '"')
				dst = base64.StdEncoding.AppendEncode(dst, []byte(m.s))
				dst = append(dst, '"')
			}
		}
		dst = append(dst, ']')
	case TypeL:
		dst = append(dst, `{"L":[`...)
		for i, e := range v.elems() {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendValue(dst, e)
		}
		dst = append(dst, ']')
	case TypeM:
		dst = append(dst, `{"M":`...)
		dst = AppendItem(dst, v.fields())
	default:
		return append(dst, "null"...)
	}
	return append(dst, '}')
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaping only what JSON requires.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := indexEscape(s) // nothing before it needs escaping
	if start == len(s) {
		dst = append(dst, s...)
		return append(dst, '"')
	}
	dst = append(dst, s[:start]...)
	for i := start; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// AppendString appends s as a JSON string literal; exported for encoders of
// response shapes that embed attribute names.
func AppendString(dst []byte, s string) []byte { return appendString(dst, s) }
