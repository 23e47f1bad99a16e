package widgets

import (
	"slices"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"dynalab/engine/attr"
	"dynalab/themes"
)

// The pretty DynamoDB JSON form of an item: one attribute per line, key
// attributes first and the rest in byte order, maps and lists opened one
// element per line, every other value on its line exactly as the service
// encodes it. It is what the detail view shows (colored) and what $EDITOR
// edits (plain); DecodeItem reads it back, and an unchanged text gives back
// an item whose stored bytes are identical for every type.

// segKind classifies a piece of the pretty form for coloring.
type segKind uint8

const (
	segPunct segKind = iota // braces, brackets, colons, commas, indentation
	segName                 // an attribute or map key name
	segType                 // a type tag ("S")
	segValue                // a value's payload
)

type segment struct {
	kind segKind
	typ  attr.Type // for segType and segValue
	text string    // "\n" is its own segment
}

type jsonWriter struct {
	segs []segment
}

func (w *jsonWriter) add(kind segKind, typ attr.Type, text string) {
	w.segs = append(w.segs, segment{kind, typ, text})
}

func (w *jsonWriter) newline(indent int) {
	w.add(segPunct, 0, "\n")
	if indent > 0 {
		w.add(segPunct, 0, strings.Repeat(" ", indent))
	}
}

// item writes an item or map: names in order.
func (w *jsonWriter) item(it attr.Item, names []string, indent int) {
	if len(names) == 0 {
		w.add(segPunct, 0, "{}")
		return
	}
	w.add(segPunct, 0, "{")
	for i, n := range names {
		w.newline(indent + 2)
		w.add(segName, 0, string(attr.AppendString(nil, n)))
		w.add(segPunct, 0, ": ")
		w.value(it[n], indent+2)
		if i < len(names)-1 {
			w.add(segPunct, 0, ",")
		}
	}
	w.newline(indent)
	w.add(segPunct, 0, "}")
}

func (w *jsonWriter) value(v attr.Value, indent int) {
	t := v.Type()
	w.add(segPunct, 0, "{")
	w.add(segType, t, `"`+t.String()+`"`)
	w.add(segPunct, 0, ": ")
	switch t {
	case attr.TypeM:
		w.item(v.Map(), attr.Item(v.Map()).Names(), indent)
	case attr.TypeL:
		elems := v.List()
		if len(elems) == 0 {
			w.add(segPunct, 0, "[]")
			break
		}
		w.add(segPunct, 0, "[")
		for i, e := range elems {
			w.newline(indent + 2)
			w.value(e, indent+2)
			if i < len(elems)-1 {
				w.add(segPunct, 0, ",")
			}
		}
		w.newline(indent)
		w.add(segPunct, 0, "]")
	default:
		enc := attr.AppendValue(nil, v) // {"T":payload}
		payload := string(enc[len(t.String())+4 : len(enc)-1])
		w.add(segValue, t, payload)
	}
	w.add(segPunct, 0, "}")
}

// orderedNames returns the item's names, keyNames (those present) first.
func orderedNames(it attr.Item, keyNames []string) []string {
	names := make([]string, 0, len(it))
	for _, k := range keyNames {
		if _, ok := it[k]; ok {
			names = append(names, k)
		}
	}
	for _, n := range it.Names() {
		if !slices.Contains(keyNames, n) {
			names = append(names, n)
		}
	}
	return names
}

func encodeSegments(it attr.Item, keyNames []string) []segment {
	var w jsonWriter
	w.item(it, orderedNames(it, keyNames), 0)
	return w.segs
}

// EncodeItem renders an item in the pretty DynamoDB JSON form, ending in a
// newline, for $EDITOR.
func EncodeItem(it attr.Item, keyNames []string) []byte {
	var b []byte
	for _, s := range encodeSegments(it, keyNames) {
		b = append(b, s.text...)
	}
	return append(b, '\n')
}

// DecodeItem reads an item in DynamoDB JSON (the pretty form or any
// other), with the service's validation.
func DecodeItem(data []byte) (attr.Item, error) {
	it, err := attr.ParseItem(data)
	if err != nil {
		return nil, err
	}
	if it == nil {
		return nil, errNullItem
	}
	return it, nil
}

type decodeError string

func (e decodeError) Error() string { return string(e) }

const errNullItem = decodeError("the file holds null, not an item: write a JSON object")

// ItemLines renders an item in the pretty form with type colors, one
// string per line.
func ItemLines(th *themes.Theme, it attr.Item, keyNames []string) []string {
	var lines []string
	var cur strings.Builder
	for _, s := range encodeSegments(it, keyNames) {
		if s.text == "\n" {
			lines = append(lines, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteString(segmentStyle(th, s).Render(s.text))
	}
	return append(lines, cur.String())
}

func segmentStyle(th *themes.Theme, s segment) lipgloss.Style {
	switch s.kind {
	case segName:
		return th.Text
	case segType:
		return th.Type(s.typ.String()).Bold(true)
	case segValue:
		return th.Type(s.typ.String())
	}
	return th.Muted
}
