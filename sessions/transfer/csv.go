package transfer

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"dynalab/engine/attr"
)

// TypeDDB is the CSV column type whose cells are DynamoDB JSON attribute
// values of any type.
const TypeDDB = "DDB"

// RestColumn is the header of the CSV column holding, as a DynamoDB JSON
// object, the attributes that have no column of their own.
const RestColumn = "*"

// Column is one CSV column: an attribute and the type its cells hold (an
// attribute type's name, or TypeDDB), or the RestColumn (Name "*", no Type).
type Column struct {
	Name string
	Type string
}

// String returns the column's header cell.
func (c Column) String() string {
	if c.Name == RestColumn && c.Type == "" {
		return RestColumn
	}
	return c.Name + ":" + c.Type
}

// ParseColumn parses a header cell: NAME or NAME:TYPE (see the package
// documentation).
func ParseColumn(cell string) (Column, error) {
	if cell == RestColumn {
		return Column{Name: RestColumn}, nil
	}
	name, typ := cell, "S"
	if i := strings.LastIndexByte(cell, ':'); i >= 0 {
		t := cell[i+1:] // upper case only: "a:b" is the attribute "a:b"
		if _, ok := attr.ParseType(t); ok || t == TypeDDB {
			name, typ = cell[:i], t
		}
	}
	if name == "" {
		return Column{}, fmt.Errorf("header cell %q names no attribute", cell)
	}
	return Column{Name: name, Type: typ}, nil
}

// ParseColumns parses a header, given as its cells.
func ParseColumns(cells []string) ([]Column, error) {
	cols := make([]Column, 0, len(cells))
	seen := map[string]bool{}
	for i, cell := range cells {
		c, err := ParseColumn(cell)
		if err != nil {
			return nil, fmt.Errorf("column %d: %w", i+1, err)
		}
		if seen[c.Name] {
			return nil, fmt.Errorf("column %d: %q appears twice in the header", i+1, c.Name)
		}
		seen[c.Name] = true
		cols = append(cols, c)
	}
	if len(cols) == 0 {
		return nil, errors.New("the header is empty")
	}
	return cols, nil
}

// ParseColumnList parses a header written as one CSV line, such as the
// --columns flag: "pk:S,sk:S,price:N,*".
func ParseColumnList(s string) ([]Column, error) {
	cells, complete, err := splitCSV([]byte(s), nil)
	if err == nil && !complete {
		err = errors.New("a quoted cell is not closed")
	}
	if err != nil {
		return nil, fmt.Errorf("columns %q: %w", s, err)
	}
	return ParseColumns(cells)
}

// splitCSV splits one CSV record into cells (RFC 4180: quoted cells may
// hold commas, doubled quotes and line breaks; a quote inside an unquoted
// cell is taken literally). complete is false when the text ends inside a
// quoted cell: the record continues on the next line.
func splitCSV(text []byte, cells []string) (_ []string, complete bool, _ error) {
	cells = cells[:0]
	var cell []byte
	i := 0
	for {
		if i < len(text) && text[i] == '"' { // quoted cell
			i++
			cell = cell[:0]
			for {
				j := bytes.IndexByte(text[i:], '"')
				if j < 0 {
					return cells, false, nil
				}
				cell = append(cell, text[i:i+j]...)
				i += j + 1
				if i < len(text) && text[i] == '"' {
					cell = append(cell, '"')
					i++
					continue
				}
				break
			}
			cells = append(cells, string(cell))
			if i == len(text) {
				return cells, true, nil
			}
			if text[i] != ',' {
				return cells, true, fmt.Errorf("column %d: unexpected %q after a closing quote (double a quote inside a quoted cell)", len(cells), text[i])
			}
			i++
			if i == len(text) {
				return append(cells, ""), true, nil
			}
			continue
		}
		j := bytes.IndexByte(text[i:], ',')
		if j < 0 {
			return append(cells, string(text[i:])), true, nil
		}
		cells = append(cells, string(text[i:i+j]))
		i += j + 1
		if i == len(text) {
			return append(cells, ""), true, nil
		}
	}
}

// csvDecoder turns CSV records into items by a header's columns.
type csvDecoder struct {
	cols []Column
}

// decode builds the item of one record's cells.
func (d *csvDecoder) decode(cells []string) (attr.Item, error) {
	if len(cells) != len(d.cols) {
		return nil, fmt.Errorf("%d cells, but the header has %d columns", len(cells), len(d.cols))
	}
	it := make(attr.Item, len(cells))
	var rest attr.Item
	for i, cell := range cells {
		if cell == "" {
			continue
		}
		c := d.cols[i]
		if c.Type == "" { // the rest column
			r, err := attr.ParseItem([]byte(cell))
			if err != nil {
				return nil, fmt.Errorf("column %s: %w", RestColumn, ddbError([]byte(cell), err))
			}
			rest = r
			continue
		}
		v, err := decodeCell(c.Type, cell)
		if err != nil {
			return nil, fmt.Errorf("column %s: %s: %w", c, quoteCut(cell, 40), err)
		}
		it[c.Name] = v
	}
	for k, v := range rest {
		if _, dup := it[k]; dup {
			return nil, fmt.Errorf("attribute %q is given both in its column and in the %s column", k, RestColumn)
		}
		it[k] = v
	}
	return it, nil
}

// decodeCell reads a non-empty cell of a column of type typ.
func decodeCell(typ, cell string) (attr.Value, error) {
	switch typ {
	case "S":
		return attr.S(cell), nil
	case "N":
		return attr.N(strings.TrimSpace(cell))
	case "B":
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cell))
		if err != nil {
			return attr.Value{}, errors.New("not base64")
		}
		return attr.B(b), nil
	case "BOOL":
		switch strings.ToLower(strings.TrimSpace(cell)) {
		case "true":
			return attr.Bool(true), nil
		case "false":
			return attr.Bool(false), nil
		}
		return attr.Value{}, errors.New("want true or false")
	case "NULL":
		switch strings.ToLower(strings.TrimSpace(cell)) {
		case "true", "null":
			return attr.Null(), nil
		}
		return attr.Value{}, errors.New("want true or null (leave the cell empty for no attribute)")
	case "SS", "NS", "BS":
		return decodeSetCell(typ, cell)
	case "L", "M":
		x, err := decodeJSONCell(cell)
		if err != nil {
			return attr.Value{}, err
		}
		if _, ok := x.([]any); typ == "L" && !ok {
			return attr.Value{}, fmt.Errorf("want a JSON array, not %s", jsonKind(x))
		}
		if _, ok := x.(map[string]any); typ == "M" && !ok {
			return attr.Value{}, fmt.Errorf("want a JSON object, not %s", jsonKind(x))
		}
		return inferValue(x, 2)
	case TypeDDB:
		v, err := attr.ParseValue([]byte(cell))
		if err != nil {
			return attr.Value{}, ddbError([]byte(cell), err)
		}
		return v, nil
	}
	return attr.Value{}, fmt.Errorf("unknown column type %s", typ)
}

// decodeSetCell reads an SS, NS or BS cell: a JSON array.
func decodeSetCell(typ, cell string) (attr.Value, error) {
	x, err := decodeJSONCell(cell)
	if err != nil {
		return attr.Value{}, err
	}
	arr, ok := x.([]any)
	if !ok {
		return attr.Value{}, fmt.Errorf("want a JSON array, not %s", jsonKind(x))
	}
	t, _ := attr.ParseType(typ)
	members := make([]attr.Value, len(arr))
	for i, e := range arr {
		var m attr.Value
		var err error
		switch e := e.(type) {
		case string:
			switch t {
			case attr.TypeSS:
				m = attr.S(e)
			case attr.TypeNS:
				m, err = attr.N(e)
			default:
				var b []byte
				if b, err = base64.StdEncoding.DecodeString(e); err != nil {
					err = errors.New("not base64")
				}
				m = attr.B(b)
			}
		case json.Number:
			if t != attr.TypeNS {
				err = fmt.Errorf("a number in a %s cell", typ)
			} else {
				m, err = attr.N(string(e))
			}
		default:
			err = fmt.Errorf("%s in a %s cell", jsonKind(e), typ)
		}
		if err != nil {
			return attr.Value{}, fmt.Errorf("member %d: %w", i+1, err)
		}
		members[i] = m
	}
	if len(members) == 0 {
		return attr.Value{}, errors.New("a set cannot be empty (leave the cell empty for no attribute)")
	}
	return attr.NewSet(t, members)
}

func decodeJSONCell(cell string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(cell))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		if serr := jsonSyntaxError([]byte(cell)); serr != nil {
			return nil, serr
		}
		return nil, fmt.Errorf("malformed JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("malformed JSON: more than one value in the cell")
	}
	return x, nil
}
