package model

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"dynalab/engine/attr"
	"dynalab/partiql"
	"dynalab/sessions"
)

// An access pattern is kept in a session as a saved query (NAME.sql), so
// that .queries, .q NAME and `dynalab run` see it: its description as the
// leading "--" lines, then annotation lines "-- @key value" that
// sessions' descriptions skip, then the statement, runnable as is:
//
//	-- A user's orders, newest first.
//	-- @facet Order
//	-- @statement SELECT * FROM "AppTable" WHERE PK = ? AND begins_with(SK, 'ORDER#')
//	-- @parameters [{"S":"USER#u123"}]
//	SELECT * FROM "AppTable" WHERE PK = 'USER#u123' AND begins_with(SK, 'ORDER#');
//
// @statement and @parameters appear only when the pattern has parameters:
// the runnable statement has their example values in place of the ?s.
// A pattern given as an API request has "-- @request OPERATION {json}"
// and no statement.

// QueryText renders an access pattern as a saved query's text.
func (ap *AccessPattern) QueryText() (string, error) {
	var b strings.Builder
	for line := range strings.SplitSeq(strings.TrimSpace(ap.Description), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			b.WriteString("-- " + line + "\n")
		}
	}
	if ap.Facet != "" {
		b.WriteString("-- @facet " + ap.Facet + "\n")
	}
	if ap.Request != nil {
		var compact bytes.Buffer
		if err := json.Compact(&compact, ap.Request.Input); err != nil {
			return "", fmt.Errorf("access pattern %s: request input: %w", ap.Name, err)
		}
		b.WriteString("-- @request " + ap.Request.Operation + " " + compact.String() + "\n")
		return b.String(), nil
	}
	stmt := oneLine(ap.Statement)
	if len(ap.Parameters) > 0 {
		params, err := json.Marshal(ap.Parameters)
		if err != nil {
			return "", fmt.Errorf("access pattern %s: parameters: %w", ap.Name, err)
		}
		b.WriteString("-- @statement " + stmt + "\n")
		b.WriteString("-- @parameters " + string(params) + "\n")
		stmt = inline(stmt, ap.Parameters)
	}
	b.WriteString(stmt + ";\n")
	return b.String(), nil
}

// oneLine puts a statement on one line (an annotation is one comment
// line), keeping the text of strings and names as it is.
func oneLine(stmt string) string {
	stmt = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(stmt), ";"))
	if !strings.ContainsAny(stmt, "\r\n") {
		return stmt
	}
	var b strings.Builder
	last := 0
	for _, t := range partiql.Tokens(stmt) {
		if t.Kind == partiql.TokenComment {
			continue
		}
		if b.Len() > 0 && t.Start > last {
			b.WriteByte(' ')
		}
		b.WriteString(t.Text)
		last = t.End
	}
	return b.String()
}

// inline writes the parameters' values in place of the statement's ?s.
func inline(stmt string, params []attr.Value) string {
	var b strings.Builder
	last, i := 0, 0
	for _, t := range partiql.Tokens(stmt) {
		if t.Kind != partiql.TokenParam || i >= len(params) {
			continue
		}
		b.WriteString(stmt[last:t.Start])
		b.WriteString(partiql.Format(&partiql.Literal{Value: params[i]}))
		last, i = t.End, i+1
	}
	b.WriteString(stmt[last:])
	return b.String()
}

// PatternFromQuery reads an access pattern back from a saved query.
func PatternFromQuery(q sessions.SavedQuery) (AccessPattern, error) {
	ap := AccessPattern{Name: q.Name, Description: q.Description}
	var body []string
	header := true
	for line := range strings.Lines(q.Text) {
		trimmed := strings.TrimSpace(line)
		if header {
			if trimmed == "" {
				continue
			}
			if rest, ok := strings.CutPrefix(trimmed, "--"); ok {
				rest = strings.TrimSpace(rest)
				if key, val, ok := strings.Cut(strings.TrimPrefix(rest, "@"), " "); ok && strings.HasPrefix(rest, "@") {
					if err := ap.annotate(key, strings.TrimSpace(val)); err != nil {
						return ap, fmt.Errorf("saved query %s: %w", q.Name, err)
					}
				}
				continue
			}
			header = false
		}
		body = append(body, strings.TrimRight(line, "\r\n"))
	}
	if ap.Request != nil || ap.Statement != "" {
		return ap, nil
	}
	stmts := partiql.SplitScript(strings.Join(body, "\n"))
	switch len(stmts) {
	case 0:
		return ap, fmt.Errorf("saved query %s holds no statement", q.Name)
	case 1:
	default:
		return ap, fmt.Errorf("saved query %s holds %d statements; an access pattern is one", q.Name, len(stmts))
	}
	ap.Statement = stmts[0].Text
	return ap, nil
}

func (ap *AccessPattern) annotate(key, val string) error {
	switch key {
	case "facet":
		ap.Facet = val
	case "statement":
		ap.Statement = val
	case "parameters":
		if err := json.Unmarshal([]byte(val), &ap.Parameters); err != nil {
			return fmt.Errorf("@parameters: %w", err)
		}
	case "request":
		op, input, _ := strings.Cut(val, " ")
		if !json.Valid([]byte(input)) {
			return fmt.Errorf("@request %s: the input is not JSON", op)
		}
		ap.Request = &Request{Operation: op, Input: json.RawMessage(input)}
	}
	return nil // unknown annotations belong to later versions
}
