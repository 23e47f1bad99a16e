package transfer

import (
	"bufio"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"io"
	"slices"

	"dynalab/engine/attr"
)

// EncodeLine appends one item's line (with its newline) in a JSON-lines
// format: ddb-json (canonical DynamoDB JSON) or json (plain JSON).
func EncodeLine(dst []byte, f Format, it attr.Item) ([]byte, error) {
	switch f {
	case FormatDDB:
		dst = attr.AppendItem(dst, it)
	case FormatJSON:
		dst = appendPlainItem(dst, it)
	default:
		return dst, fmt.Errorf("format %q has no line encoder", f)
	}
	return append(dst, '\n'), nil
}

// appendPlainItem appends it as plain JSON, attributes in byte order.
func appendPlainItem(dst []byte, it attr.Item) []byte {
	dst = append(dst, '{')
	for i, k := range it.Names() {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = attr.AppendString(dst, k)
		dst = append(dst, ':')
		dst = appendPlainValue(dst, it[k])
	}
	return append(dst, '}')
}

// appendPlainValue appends v as plain JSON: N as a number with its exact
// text, B as base64, sets as arrays.
func appendPlainValue(dst []byte, v attr.Value) []byte {
	switch v.Type() {
	case attr.TypeS:
		return attr.AppendString(dst, v.Str())
	case attr.TypeN:
		return append(dst, v.Str()...)
	case attr.TypeB:
		return attr.AppendString(dst, base64.StdEncoding.EncodeToString(v.Bytes()))
	case attr.TypeBOOL:
		if v.BoolValue() {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case attr.TypeSS, attr.TypeNS, attr.TypeBS:
		return appendPlainList(dst, v.Members())
	case attr.TypeL:
		return appendPlainList(dst, v.List())
	case attr.TypeM:
		return appendPlainItem(dst, v.Map())
	}
	return append(dst, "null"...)
}

func appendPlainList(dst []byte, list []attr.Value) []byte {
	dst = append(dst, '[')
	for i, e := range list {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendPlainValue(dst, e)
	}
	return append(dst, ']')
}

// plainable reports whether plain JSON carries v exactly: it holds only S,
// N, BOOL, NULL, L and M.
func plainable(v attr.Value) bool {
	switch v.Type() {
	case attr.TypeS, attr.TypeN, attr.TypeBOOL, attr.TypeNULL:
		return true
	case attr.TypeL:
		for _, e := range v.List() {
			if !plainable(e) {
				return false
			}
		}
		return true
	case attr.TypeM:
		for _, e := range v.Map() {
			if !plainable(e) {
				return false
			}
		}
		return true
	}
	return false
}

// itemWriter writes exported items in one format.
type itemWriter interface {
	write(it attr.Item) error
	flush() error
}

// lineWriter writes a JSON-lines format.
type lineWriter struct {
	w      *bufio.Writer
	format Format
	buf    []byte
}

func (lw *lineWriter) write(it attr.Item) error {
	var err error
	lw.buf, err = EncodeLine(lw.buf[:0], lw.format, it)
	if err != nil {
		return err
	}
	_, err = lw.w.Write(lw.buf)
	return err
}

func (lw *lineWriter) flush() error { return lw.w.Flush() }

// csvWriter writes CSV, choosing its header from the first sampleSize
// items unless the columns are given.
type csvWriter struct {
	w          *csv.Writer
	ks         KeySchema
	cols       []Column // nil until decided
	rest       int      // index of the RestColumn, -1 when none
	sample     []attr.Item
	sampleSize int
	record     []string
	dropped    int64 // attribute values not written (no rest column)
	headerDue  bool  // the given columns' header is not written yet
}

func newCSVWriter(w io.Writer, ks KeySchema, cols []Column, sampleSize int) *csvWriter {
	cw := &csvWriter{w: csv.NewWriter(w), ks: ks, sampleSize: sampleSize}
	if cols != nil {
		cw.setColumns(cols)
		cw.headerDue = true
	}
	return cw
}

// writeHeader writes the columns' header line, which an import reads the
// types from.
func (cw *csvWriter) writeHeader() error {
	header := make([]string, len(cw.cols))
	for i, c := range cw.cols {
		header[i] = c.String()
	}
	cw.headerDue = false
	return cw.w.Write(header)
}

func (cw *csvWriter) setColumns(cols []Column) {
	cw.cols, cw.rest = cols, -1
	for i, c := range cols {
		if c.Type == "" {
			cw.rest = i
		}
	}
	cw.record = make([]string, len(cols))
}

func (cw *csvWriter) write(it attr.Item) error {
	if cw.headerDue {
		if err := cw.writeHeader(); err != nil {
			return err
		}
	}
	if cw.cols == nil {
		cw.sample = append(cw.sample, it)
		if len(cw.sample) < cw.sampleSize {
			return nil
		}
		return cw.writeSample()
	}
	return cw.writeItem(it)
}

func (cw *csvWriter) flush() error {
	if cw.headerDue { // an empty table still gets its header
		if err := cw.writeHeader(); err != nil {
			return err
		}
	}
	if cw.cols == nil {
		if err := cw.writeSample(); err != nil {
			return err
		}
	}
	cw.w.Flush()
	return cw.w.Error()
}

// writeSample decides the header from the sampled items and writes it and
// them.
func (cw *csvWriter) writeSample() error {
	cw.setColumns(sampleColumns(cw.ks, cw.sample))
	if err := cw.writeHeader(); err != nil {
		return err
	}
	for _, it := range cw.sample {
		if err := cw.writeItem(it); err != nil {
			return err
		}
	}
	cw.sample = nil
	return nil
}

// writeItem writes one record: each column's cell, and everything that
// fits no column in the rest column.
func (cw *csvWriter) writeItem(it attr.Item) error {
	var rest attr.Item
	used := 0
	for i, c := range cw.cols {
		cw.record[i] = ""
		if c.Type == "" {
			continue
		}
		v, ok := it[c.Name]
		if !ok {
			continue
		}
		used++
		if cell, ok := encodeCell(c.Type, v); ok {
			cw.record[i] = cell
			continue
		}
		if rest == nil {
			rest = attr.Item{}
		}
		rest[c.Name] = v
	}
	if used < len(it) {
		for k, v := range it {
			if !cw.hasColumn(k) {
				if rest == nil {
					rest = attr.Item{}
				}
				rest[k] = v
			}
		}
	}
	if rest != nil {
		if cw.rest < 0 {
			cw.dropped += int64(len(rest))
		} else {
			cw.record[cw.rest] = string(attr.AppendItem(nil, rest))
		}
	}
	return cw.w.Write(cw.record)
}

func (cw *csvWriter) hasColumn(name string) bool {
	for _, c := range cw.cols {
		if c.Name == name && c.Type != "" {
			return true
		}
	}
	return false
}

// encodeCell renders v for a column of type typ; false when the column
// cannot carry it exactly (it then goes to the rest column).
func encodeCell(typ string, v attr.Value) (string, bool) {
	t := v.Type()
	if typ == TypeDDB {
		return string(attr.AppendValue(nil, v)), true
	}
	if t.String() != typ {
		return "", false
	}
	switch t {
	case attr.TypeS:
		return v.Str(), v.Str() != ""
	case attr.TypeN:
		return v.Str(), true
	case attr.TypeB:
		return base64.StdEncoding.EncodeToString(v.Bytes()), v.Len() > 0
	case attr.TypeBOOL:
		if v.BoolValue() {
			return "true", true
		}
		return "false", true
	case attr.TypeNULL:
		return "true", true
	case attr.TypeSS, attr.TypeNS, attr.TypeBS, attr.TypeL, attr.TypeM:
		if (t == attr.TypeL || t == attr.TypeM) && !plainable(v) {
			return "", false
		}
		return string(appendPlainValue(nil, v)), true
	}
	return "", false
}

// sampleColumns makes a header: the key attributes, the other attributes
// of the sample by name, typed by what they held there, and the rest
// column.
func sampleColumns(ks KeySchema, sample []attr.Item) []Column {
	cols := []Column{{ks.Hash.Name, ks.Hash.Type.String()}}
	if ks.Range.Name != "" {
		cols = append(cols, Column{ks.Range.Name, ks.Range.Type.String()})
	}
	types := map[string]string{}
	for _, it := range sample {
		for k, v := range it {
			if k == ks.Hash.Name || k == ks.Range.Name {
				continue
			}
			typ := v.Type().String()
			if (typ == "L" || typ == "M") && !plainable(v) {
				typ = TypeDDB
			}
			if old, seen := types[k]; seen && old != typ {
				typ = TypeDDB
			}
			types[k] = typ
		}
	}
	names := make([]string, 0, len(types))
	for k := range types {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if k == RestColumn {
			continue // an attribute named "*" stays in the rest column
		}
		cols = append(cols, Column{k, types[k]})
	}
	return append(cols, Column{Name: RestColumn})
}
