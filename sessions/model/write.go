package model

import (
	"bytes"
	"encoding/json"
	"strings"
)

// lineWidth is the width under which Marshal keeps an object or array on
// one line.
const lineWidth = 100

// Marshal writes a model file: indented JSON in which an object or array
// that fits in 100 columns stays on one line, and each facet and sample
// item has a line of its own however long, so that a model with a few
// hundred items stays readable and diffs line by line.
func Marshal(m *Model) ([]byte, error) {
	data, err := encode(m)
	if err != nil {
		return nil, err
	}
	root, err := parseTree(data)
	if err != nil {
		return nil, err // our own encoding: never
	}
	var b bytes.Buffer
	layout(&b, data, root, 0, 0)
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// linePerElement are the members whose elements are written one per line.
var linePerElement = map[string]bool{"Items": true, "Facets": true}

// layout writes n, which starts at column col, nested depth deep.
func layout(b *bytes.Buffer, data []byte, n *node, depth, col int) {
	raw := data[n.start:n.end]
	if (n.kind != '{' && n.kind != '[') || col+len(raw) <= lineWidth || len(n.elems) == 0 {
		b.Write(raw)
		return
	}
	pad := strings.Repeat("  ", depth+1)
	open, close := byte('{'), byte('}')
	if n.kind == '[' {
		open, close = '[', ']'
	}
	b.WriteByte(open)
	for i, e := range n.elems {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n" + pad)
		child, at := false, len(pad)
		if n.kind == '{' {
			key, _ := encode(n.keys[i])
			b.Write(key)
			b.WriteString(": ")
			child, at = linePerElement[n.keys[i]], at+len(key)+2
		}
		if child && e.kind == '[' && len(e.elems) > 0 {
			b.WriteByte('[')
			for j, x := range e.elems {
				if j > 0 {
					b.WriteByte(',')
				}
				b.WriteString("\n" + pad + "  ")
				b.Write(data[x.start:x.end])
			}
			b.WriteString("\n" + pad + "]")
			continue
		}
		layout(b, data, e, depth+1, at)
	}
	b.WriteString("\n" + strings.Repeat("  ", depth) + string(close))
}

// encode marshals v on one line without HTML escaping (statements have <
// and >).
func encode(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
