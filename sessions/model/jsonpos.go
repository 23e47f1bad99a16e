package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// encoding/json keeps no positions, so a model file is read in two steps:
// its tokens (encoding/json's tokenizer, which does the escaping and
// validation) become a tree of nodes that know their byte offsets, and the
// tree is decoded into Go values by a small reflective decoder that records
// the line of every value it fills, keyed by the value's address. Problems
// are then reported as FILE:LINE.

// node is a JSON value with its place in the file.
type node struct {
	kind  byte   // '{' object, '[' array, '"' string, '0' number, 't' bool, 'n' null
	start int    // byte offset of the value's first byte
	end   int    // byte offset just past it
	str   string // a string's value; a number's text
	b     bool
	keys  []string // an object's member names, in order
	klin  []int    // the offset of each member's name
	elems []*node  // an object's member values or an array's elements
}

// maxDepth bounds nesting, so that a hostile file cannot exhaust the stack.
const maxDepth = 512

// parseTree reads one JSON document.
func parseTree(data []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	root, err := readNode(dec, data, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &syntaxError{offset: skipSpace(data, root.end), msg: "unexpected data after the top-level value"}
	}
	return root, nil
}

// syntaxError is a JSON syntax error at a byte offset.
type syntaxError struct {
	offset int
	msg    string
}

func (e *syntaxError) Error() string { return e.msg }

// skipSpace returns the offset of the next token at or after off, past
// whitespace and the separators the tokenizer consumes silently.
func skipSpace(data []byte, off int) int {
	for off < len(data) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
		default:
			return off
		}
	}
	return off
}

func tokenError(dec *json.Decoder, data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return &syntaxError{offset: int(se.Offset), msg: "invalid JSON: " + se.Error()}
	}
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return &syntaxError{offset: len(data), msg: "invalid JSON: unexpected end of the file"}
	}
	return &syntaxError{offset: int(dec.InputOffset()), msg: "invalid JSON: " + err.Error()}
}

func readNode(dec *json.Decoder, data []byte, depth int) (*node, error) {
	start := skipSpace(data, int(dec.InputOffset()))
	if depth > maxDepth {
		return nil, &syntaxError{offset: start, msg: fmt.Sprintf("invalid JSON: nested deeper than %d levels", maxDepth)}
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, tokenError(dec, data, err)
	}
	n := &node{start: start}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			n.kind = '{'
			for dec.More() {
				kstart := skipSpace(data, int(dec.InputOffset()))
				kt, err := dec.Token()
				if err != nil {
					return nil, tokenError(dec, data, err)
				}
				key, ok := kt.(string)
				if !ok {
					return nil, &syntaxError{offset: kstart, msg: "invalid JSON: object key is not a string"}
				}
				v, err := readNode(dec, data, depth+1)
				if err != nil {
					return nil, err
				}
				n.keys, n.klin, n.elems = append(n.keys, key), append(n.klin, kstart), append(n.elems, v)
			}
		} else {
			n.kind = '['
			for dec.More() {
				v, err := readNode(dec, data, depth+1)
				if err != nil {
					return nil, err
				}
				n.elems = append(n.elems, v)
			}
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return nil, tokenError(dec, data, err)
		}
	case string:
		n.kind, n.str = '"', t
	case json.Number:
		n.kind, n.str = '0', string(t)
	case bool:
		n.kind, n.b = 't', t
	case nil:
		n.kind = 'n'
	}
	n.end = int(dec.InputOffset())
	return n, nil
}

// member returns an object's member value by name, or nil.
func (n *node) member(name string) *node {
	for i, k := range n.keys {
		if k == name {
			return n.elems[i]
		}
	}
	return nil
}

func (n *node) kindName() string {
	switch n.kind {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't':
		return "a boolean"
	}
	return "null"
}

// lineIndex turns byte offsets into 1-based line numbers.
type lineIndex []int // offsets of line starts

func newLineIndex(data []byte) lineIndex {
	idx := lineIndex{0}
	for i, c := range data {
		if c == '\n' {
			idx = append(idx, i+1)
		}
	}
	return idx
}

func (idx lineIndex) line(off int) int {
	return sort.Search(len(idx), func(i int) bool { return idx[i] > off })
}

// posKey identifies a decoded value: its address and type (a struct and
// its first field share an address).
type posKey struct {
	addr uintptr
	typ  reflect.Type
}

// decoder fills Go values from nodes, recording lines and problems.
type decoder struct {
	data     []byte
	lines    lineIndex
	pos      map[posKey]int
	problems []problem
}

// problem is a decoding problem at a byte offset.
type problem struct {
	offset int
	msg    string
}

func (d *decoder) fail(n *node, format string, args ...any) {
	d.problems = append(d.problems, problem{offset: n.start, msg: fmt.Sprintf(format, args...)})
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// decode fills v (addressable) from n; path names the value in messages.
func (d *decoder) decode(n *node, v reflect.Value, path string) {
	if v.CanAddr() {
		d.pos[posKey{v.Addr().Pointer(), v.Type()}] = d.lines.line(n.start)
	}
	if n.kind == 'n' {
		return // null leaves the zero value, as encoding/json does
	}
	if v.CanAddr() && v.Addr().Type().Implements(unmarshalerType) {
		raw := d.data[n.start:n.end]
		if err := v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(raw); err != nil {
			d.fail(n, "%s: %v", path, err)
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem(), path)
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.Slice:
		if n.kind != '[' {
			d.fail(n, "%s: want an array, not %s", path, n.kindName())
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.elems), len(n.elems))
		v.Set(s) // before decoding, so that recorded addresses stay valid
		for i, e := range n.elems {
			d.decode(e, v.Index(i), path+"["+strconv.Itoa(i)+"]")
		}
	case reflect.Map:
		if n.kind != '{' || v.Type().Key().Kind() != reflect.String {
			d.fail(n, "%s: want an object, not %s", path, n.kindName())
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), len(n.keys))
		for i, k := range n.keys {
			e := reflect.New(v.Type().Elem()).Elem()
			d.decode(n.elems[i], e, path+"."+k)
			m.SetMapIndex(reflect.ValueOf(k).Convert(v.Type().Key()), e)
		}
		v.Set(m)
	case reflect.String:
		if n.kind != '"' {
			d.fail(n, "%s: want a string, not %s", path, n.kindName())
			return
		}
		v.SetString(n.str)
	case reflect.Bool:
		if n.kind != 't' {
			d.fail(n, "%s: want true or false, not %s", path, n.kindName())
			return
		}
		v.SetBool(n.b)
	case reflect.Int, reflect.Int64, reflect.Int32:
		i, err := strconv.ParseInt(n.str, 10, 64)
		if n.kind != '0' || err != nil || v.OverflowInt(i) {
			d.fail(n, "%s: want a whole number, not %s", path, strings.TrimSpace(string(d.data[n.start:min(n.end, n.start+40)])))
			return
		}
		v.SetInt(i)
	case reflect.Float64:
		f, err := strconv.ParseFloat(n.str, 64)
		if n.kind != '0' || err != nil {
			d.fail(n, "%s: want a number, not %s", path, n.kindName())
			return
		}
		v.SetFloat(f)
	case reflect.Interface:
		var x any
		if err := json.Unmarshal(d.data[n.start:n.end], &x); err != nil {
			d.fail(n, "%s: %v", path, err)
			return
		}
		if x != nil {
			v.Set(reflect.ValueOf(x))
		}
	default:
		d.fail(n, "%s: cannot hold %s", path, n.kindName())
	}
}

// decodeStruct fills a struct from an object by the fields' JSON names,
// case-sensitively, reporting unknown and repeated members.
func (d *decoder) decodeStruct(n *node, v reflect.Value, path string) {
	if n.kind != '{' {
		d.fail(n, "%s: want an object, not %s", path, n.kindName())
		return
	}
	fields := jsonFields(v.Type())
	seen := map[string]bool{}
	for i, k := range n.keys {
		at := &node{start: n.klin[i]}
		if seen[k] {
			d.fail(at, "%s: %q appears twice", path, k)
			continue
		}
		seen[k] = true
		idx, ok := fields[k]
		if !ok {
			msg := fmt.Sprintf("%s: unknown member %q", path, k)
			for name := range fields {
				if strings.EqualFold(name, k) {
					msg += fmt.Sprintf(" (did you mean %q?)", name)
				}
			}
			d.fail(at, "%s", msg)
			continue
		}
		sub := k
		if path != "" {
			sub = path + "." + k
		}
		d.decode(n.elems[i], v.FieldByIndex(idx), sub)
	}
}

// jsonFields maps a struct's JSON member names to field indexes,
// including those of embedded structs.
func jsonFields(t reflect.Type) map[string][]int {
	out := map[string][]int{}
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Index
	}
	return out
}
