package widgets

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"

	"dynalab/engine/attr"
)

// ValueText renders a value compactly for a table cell, in at most about
// max characters (the caller fits it to the cell): S as its text, N as its
// digits, B as base64, BOOL and NULL as words, sets in braces, lists in
// brackets and maps as {name: value}; strings inside lists and maps are
// quoted. Control characters are shown escaped, so a cell is one line.
func ValueText(v attr.Value, max int) string {
	var b strings.Builder
	appendValueText(&b, v, false, max)
	return b.String()
}

func appendValueText(b *strings.Builder, v attr.Value, nested bool, max int) {
	if b.Len() > max*4 {
		return
	}
	switch v.Type() {
	case attr.TypeS:
		if nested {
			b.WriteByte('"')
			writeEscaped(b, v.Str(), max)
			b.WriteByte('"')
		} else {
			writeEscaped(b, v.Str(), max)
		}
	case attr.TypeN:
		b.WriteString(v.Str())
	case attr.TypeB:
		if nested {
			b.WriteString(`b"`)
		}
		writeBase64(b, v.Str(), max)
		if nested {
			b.WriteByte('"')
		}
	case attr.TypeBOOL:
		if v.BoolValue() {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case attr.TypeNULL:
		b.WriteString("null")
	case attr.TypeSS, attr.TypeNS, attr.TypeBS:
		b.WriteByte('{')
		for i, m := range v.Members() {
			if i > 0 {
				b.WriteString(", ")
			}
			if b.Len() > max*4 {
				b.WriteString("…")
				break
			}
			switch v.Type() {
			case attr.TypeSS:
				writeEscaped(b, m.Str(), max)
			case attr.TypeNS:
				b.WriteString(m.Str())
			default:
				writeBase64(b, m.Str(), max)
			}
		}
		b.WriteByte('}')
	case attr.TypeL:
		b.WriteByte('[')
		for i, e := range v.List() {
			if i > 0 {
				b.WriteString(", ")
			}
			if b.Len() > max*4 {
				b.WriteString("…")
				break
			}
			appendValueText(b, e, true, max)
		}
		b.WriteByte(']')
	case attr.TypeM:
		b.WriteByte('{')
		m := v.Map()
		for i, name := range attr.Item(m).Names() {
			if i > 0 {
				b.WriteString(", ")
			}
			if b.Len() > max*4 {
				b.WriteString("…")
				break
			}
			writeEscaped(b, name, max)
			b.WriteString(": ")
			appendValueText(b, m[name], true, max)
		}
		b.WriteByte('}')
	default:
		b.WriteString("?")
	}
}

// writeEscaped writes s with control characters and invalid UTF-8 escaped.
func writeEscaped(b *strings.Builder, s string, max int) {
	if len(s) > max*4 {
		s = s[:max*4]
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x`)
			b.WriteByte("0123456789abcdef"[s[i]>>4])
			b.WriteByte("0123456789abcdef"[s[i]&0xf])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			b.WriteString(`\u00`)
			b.WriteByte("0123456789abcdef"[r>>4])
			b.WriteByte("0123456789abcdef"[r&0xf])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
}

func writeBase64(b *strings.Builder, raw string, max int) {
	if len(raw) > max*3 {
		raw = raw[:max*3]
	}
	b.WriteString(base64.StdEncoding.EncodeToString([]byte(raw)))
}

// KeyText renders an item's key attributes as "PK=USER#1, SK=ORDER#2", in
// the order of names.
func KeyText(it attr.Item, names []string) string {
	var b strings.Builder
	for _, n := range names {
		v, ok := it[n]
		if !ok {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(n)
		b.WriteByte('=')
		b.WriteString(ValueText(v, 60))
	}
	return b.String()
}

// TypeName returns a value's type as the wire names it ("S", "NS", ...).
func TypeName(v attr.Value) string { return v.Type().String() }
