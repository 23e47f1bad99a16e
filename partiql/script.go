package partiql

// ScriptStatement is one statement of a script, as SplitScript finds it.
type ScriptStatement struct {
	Text string // from the statement's first token to its last, without the ';'
	Pos  Pos    // where Text starts in the script
}

// Parse parses the statement. Positions in the tree and in the error are
// positions in the whole script, so a runner can report file:line:column.
func (s ScriptStatement) Parse() (Statement, error) {
	stmt, err := parseAt(s.Text, s.Pos)
	if err != nil {
		return nil, err
	}
	return stmt, nil
}

// SplitScript splits a script into its ';'-separated statements. A ';'
// inside a string, a quoted identifier, an Ion literal or a comment does not
// separate; comments and blank space between statements are dropped, and so
// are empty statements. A string or comment left open runs to the end of
// the script, inside the last statement, whose Parse then reports it.
func SplitScript(src string) []ScriptStatement {
	var out []ScriptStatement
	cur := cursor{Pos{Line: 1, Column: 1}}
	start, end := -1, -1 // offsets of the current statement's text
	var startPos Pos
	flush := func() {
		if start >= 0 {
			out = append(out, ScriptStatement{Text: src[start:end], Pos: startPos})
		}
		start, end = -1, -1
	}
	for cur.Offset < len(src) {
		here := cur.Pos
		typ, stop, _ := scan(src, cur.Offset)
		cur.advance(src, stop)
		switch {
		case typ == tokSpace || typ == tokComment:
		case typ == tokPunct && src[here.Offset] == ';':
			flush()
		default:
			if start < 0 {
				start, startPos = here.Offset, here
			}
			end = stop
		}
	}
	flush()
	return out
}

// IsComplete reports whether src, as typed into a REPL, is ready to run:
// its last token (comments aside) is a ';' that is not inside a string,
// quoted identifier or comment.
func IsComplete(src string) bool {
	lastSemi := false
	for i := 0; i < len(src); {
		typ, end, problem := scan(src, i)
		if problem != "" && typ != tokInvalid && typ != tokNumber {
			return false // an unterminated string, identifier or comment
		}
		if typ != tokSpace && typ != tokComment {
			lastSemi = typ == tokPunct && src[i] == ';'
		}
		i = end
	}
	return lastSemi
}
