package partiql

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"dynalab/engine"
	"dynalab/engine/attr"
)

// OutputFormat is how the runner prints results.
type OutputFormat string

// The output formats.
const (
	// FormatTable prints items as a table: one column per attribute
	// name, key attributes first, then the others in alphabetical order.
	FormatTable OutputFormat = "table"
	// FormatJSON prints each statement's items as a JSON array of plain
	// JSON objects (numbers as JSON numbers, sets as arrays, binary as
	// base64).
	FormatJSON OutputFormat = "json"
	// FormatDDB prints each statement's items as a JSON array of items in
	// DynamoDB JSON ({"S": "..."}), one item per line.
	FormatDDB OutputFormat = "ddb"
)

// ParseOutputFormat reads an output format name.
func ParseOutputFormat(s string) (OutputFormat, error) {
	switch f := OutputFormat(s); f {
	case FormatTable, FormatJSON, FormatDDB:
		return f, nil
	}
	return "", fmt.Errorf("unknown output format %q (want table, json or ddb)", s)
}

// WriteResult prints a statement's result in a format. EXPLAIN prints the
// plan as text (table) or as a JSON object (json, ddb); writes without
// returned items print "OK" (table) or [] (json, ddb).
func WriteResult(w io.Writer, f OutputFormat, res *Result) error {
	var b bytes.Buffer
	switch {
	case res.Explanation != nil && f != FormatJSON && f != FormatDDB:
		b.WriteString(res.Explanation.String())
	case res.Explanation != nil:
		data, err := json.MarshalIndent(explainJSON(res.Explanation), "", "  ")
		if err != nil {
			return err
		}
		b.Write(data)
		b.WriteByte('\n')
	case f == FormatJSON:
		writeJSONItems(&b, res.Items)
	case f == FormatDDB:
		writeDDBItems(&b, res.Items)
	default:
		if _, isSelect := res.Parsed.(*Select); !isSelect && len(res.Items) == 0 {
			b.WriteString("OK\n")
			break
		}
		writeTable(&b, res.Items, res.KeyAttributes)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// writeTable prints items as an aligned table followed by "(n items)".
func writeTable(b *bytes.Buffer, items []attr.Item, keys []string) {
	cols := Columns(items, keys)
	rows := make([][]string, len(items))
	widths := make([]int, len(cols))
	for i, c := range cols {
		widths[i] = utf8.RuneCountInString(c)
	}
	for r, it := range items {
		rows[r] = make([]string, len(cols))
		for i, c := range cols {
			if v, ok := it[c]; ok {
				rows[r][i] = CellText(v)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(rows[r][i]))
		}
	}
	if len(cols) > 0 {
		writeRow(b, cols, widths)
		for i, w := range widths {
			if i > 0 {
				b.WriteString("-+-")
			}
			b.WriteString(strings.Repeat("-", w))
		}
		b.WriteByte('\n')
		for _, r := range rows {
			writeRow(b, r, widths)
		}
	}
	fmt.Fprintf(b, "(%d item%s)\n", len(items), plural(len(items)))
}

func writeRow(b *bytes.Buffer, cells []string, widths []int) {
	var line strings.Builder
	for i, c := range cells {
		if i > 0 {
			line.WriteString(" | ")
		}
		line.WriteString(c)
		line.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)))
	}
	b.WriteString(strings.TrimRight(line.String(), " "))
	b.WriteByte('\n')
}

// Columns returns the column names of a table of items: the union of their
// attribute names, the given key attributes first (those present), then
// the others in alphabetical order.
func Columns(items []attr.Item, keys []string) []string {
	seen := map[string]bool{}
	var rest []string
	for _, it := range items {
		for n := range it {
			if !seen[n] {
				seen[n] = true
				if !slices.Contains(keys, n) {
					rest = append(rest, n)
				}
			}
		}
	}
	slices.Sort(rest)
	var cols []string
	for _, k := range keys {
		if seen[k] && !slices.Contains(cols, k) {
			cols = append(cols, k)
		}
	}
	return append(cols, rest...)
}

// maxCellRunes bounds a table cell; longer values are cut with "…".
const maxCellRunes = 60

// CellText renders a value for a table cell: strings and numbers as they
// are, other values as PartiQL literals, on one line.
func CellText(v attr.Value) string {
	var s string
	switch v.Type() {
	case attr.TypeS:
		s = v.Str()
	case attr.TypeN:
		s = v.Str()
	case attr.TypeBOOL:
		s = fmt.Sprint(v.BoolValue())
	case attr.TypeNULL:
		s = "NULL"
	case attr.TypeB:
		s = base64.StdEncoding.EncodeToString(v.Bytes())
	default:
		s = Format(&Literal{Value: v})
	}
	s = strings.NewReplacer("\n", `\n`, "\r", `\r`, "\t", `\t`).Replace(s)
	if utf8.RuneCountInString(s) > maxCellRunes {
		r := []rune(s)
		s = string(r[:maxCellRunes-1]) + "…"
	}
	return s
}

// writeJSONItems prints items as an indented JSON array of plain objects.
func writeJSONItems(b *bytes.Buffer, items []attr.Item) {
	plain := make([]any, len(items))
	for i, it := range items {
		plain[i] = PlainItem(it)
	}
	data, _ := json.MarshalIndent(plain, "", "  ") // plain values always marshal
	b.Write(data)
	b.WriteByte('\n')
}

// writeDDBItems prints items in DynamoDB JSON, one per line.
func writeDDBItems(b *bytes.Buffer, items []attr.Item) {
	if len(items) == 0 {
		b.WriteString("[]\n")
		return
	}
	b.WriteString("[\n")
	for i, it := range items {
		b.WriteString("  ")
		b.Write(attr.AppendItem(nil, it))
		if i < len(items)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("]\n")
}

// PlainItem converts an item to plain Go values for JSON: strings, numbers
// (json.Number), booleans, nil, slices and maps; sets become slices,
// binary []byte (base64 in JSON).
func PlainItem(it attr.Item) map[string]any {
	m := make(map[string]any, len(it))
	for k, v := range it {
		m[k] = PlainValue(v)
	}
	return m
}

// PlainValue converts one value; see PlainItem.
func PlainValue(v attr.Value) any {
	switch v.Type() {
	case attr.TypeS:
		return v.Str()
	case attr.TypeN:
		return json.Number(v.Str())
	case attr.TypeB:
		return v.Bytes()
	case attr.TypeBOOL:
		return v.BoolValue()
	case attr.TypeNULL:
		return nil
	case attr.TypeM:
		return PlainItem(v.Map())
	case attr.TypeL, attr.TypeSS, attr.TypeNS, attr.TypeBS:
		var elems []attr.Value
		if v.Type() == attr.TypeL {
			elems = v.List()
		} else {
			elems = v.Members()
		}
		out := make([]any, len(elems))
		for i, e := range elems {
			out[i] = PlainValue(e)
		}
		return out
	}
	return nil
}

// explainJSON is EXPLAIN's answer as JSON.
func explainJSON(e *Explanation) any {
	p := e.Plan
	type expressions struct {
		KeyConditionExpression    string            `json:",omitempty"`
		FilterExpression          string            `json:",omitempty"`
		ConditionExpression       string            `json:",omitempty"`
		UpdateExpression          string            `json:",omitempty"`
		ProjectionExpression      string            `json:",omitempty"`
		ExpressionAttributeNames  map[string]string `json:",omitempty"`
		ExpressionAttributeValues map[string]any    `json:",omitempty"`
	}
	x := expressions{p.Expressions.KeyCondition, p.Expressions.Filter, p.Expressions.Condition,
		p.Expressions.Update, p.Expressions.Projection, p.Expressions.Names, nil}
	if len(p.Expressions.Values) > 0 {
		x.ExpressionAttributeValues = map[string]any{}
		for k, v := range p.Expressions.Values {
			x.ExpressionAttributeValues[k] = json.RawMessage(attr.AppendValue(nil, v))
		}
	}
	out := struct {
		Operation    Operation
		Table        string
		Index        string `json:",omitempty"`
		KeyCondition string `json:",omitempty"`
		Partitions   int    `json:",omitempty"`
		Filter       string `json:",omitempty"`
		Projection   string
		WholeTable   bool
		Expressions  expressions
		Estimate     *Estimate `json:",omitempty"`
		NoEstimate   string    `json:",omitempty"`
		Advice       any       `json:",omitempty"`
		Text         string
	}{p.Operation, p.Table, p.Index, conditionText(p.KeyCondition), len(p.Partitions), conditionText(p.Filter),
		projectionText(p.Projection), p.WholeTable, x, e.Estimate, e.NoEstimate, adviceJSON(e.Advice), e.String()}
	return out
}

// adviceJSON is EXPLAIN's index advice as JSON: an index to use (Index
// "" is the table), or a GSI to add (the UpdateTable request's parts).
func adviceJSON(a *Advice) any {
	switch {
	case a == nil:
		return nil
	case a.Use != nil:
		u := a.Use
		return struct {
			Index, Reason, Statement string
			Operation                Operation
			Current, Rewritten       *Estimate `json:",omitempty"`
			Caveats                  []string  `json:",omitempty"`
		}{u.Index, u.Reason, u.Statement, u.Plan.Operation, u.Current, u.Rewritten, u.Caveats}
	case a.Add != nil:
		n := a.Add
		return struct {
			AttributeDefinitions        []engine.AttributeDefinition
			GlobalSecondaryIndexUpdates []engine.GlobalSecondaryIndexUpdate
			Statement                   string
			WriteCost                   *WriteCost `json:",omitempty"`
		}{n.AttributeDefinitions(), []engine.GlobalSecondaryIndexUpdate{n.Update()}, n.Statement, n.Cost}
	}
	return struct{ Note string }{a.Note}
}
