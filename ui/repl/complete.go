package repl

import (
	"strings"
	"unicode"

	"dynalab/partiql"
)

// Sources are what completion draws names from.
type Sources struct {
	Tables  []string                    // table names
	Indexes map[string][]string         // index names by table
	Attrs   func(table string) []string // attribute names seen in a table ("" for any table)
}

// Completion is the result of completing at the cursor: the byte range of
// the text to replace and the candidates, as they would be inserted.
type Completion struct {
	Start, End int
	Prefix     string // what was typed of the word (without a quote)
	Candidates []string
}

func isIdentRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// Complete finds the candidates for the word before cursor (a byte offset
// in text): table names after FROM, INTO and UPDATE, index names after
// "Table"., and otherwise keywords, functions and the attribute names seen
// in the statement's table. Tables and indexes come double-quoted;
// attribute names are quoted when they must be.
func Complete(text string, cursor int, src Sources) Completion {
	cursor = max(0, min(cursor, len(text)))
	start := cursor
	quoted := false
	if toks := partiql.Tokens(text[:cursor]); len(toks) > 0 {
		if t := toks[len(toks)-1]; t.Kind == partiql.TokenQuotedIdent && t.Unterminated && t.End == cursor {
			start, quoted = t.Start, true
		}
	}
	if !quoted {
		for start > 0 {
			r := rune(text[start-1])
			if r >= 0x80 || isIdentRune(r) {
				start--
				continue
			}
			break
		}
	}
	prefix := text[start:cursor]
	if quoted {
		prefix = prefix[1:]
	}
	c := Completion{Start: start, End: cursor, Prefix: prefix}

	prev, prev2 := lastTokens(text[:start])
	table := statementTable(text)
	var pool []string
	switch {
	case prev.Kind == partiql.TokenKeyword && isTableKeyword(prev.Text):
		for _, t := range src.Tables {
			pool = append(pool, quote(t))
		}
	case prev.Kind == partiql.TokenPunct && prev.Text == "." &&
		(prev2.Kind == partiql.TokenQuotedIdent || prev2.Kind == partiql.TokenIdent):
		for _, ix := range src.Indexes[unquote(prev2.Text)] {
			pool = append(pool, quote(ix))
		}
	default:
		if !quoted {
			pool = append(pool, partiql.Keywords()...)
			pool = append(pool, partiql.Functions()...)
		}
		if src.Attrs != nil {
			for _, a := range src.Attrs(table) {
				pool = append(pool, attrName(a, quoted))
			}
		}
	}
	lp := strings.ToLower(prefix)
	seen := map[string]bool{}
	for _, cand := range pool {
		bare := strings.ToLower(strings.Trim(cand, `"`))
		if strings.HasPrefix(bare, lp) && !seen[cand] {
			seen[cand] = true
			c.Candidates = append(c.Candidates, cand)
		}
	}
	return c
}

// lastTokens returns the last two tokens of src that are not comments.
func lastTokens(src string) (last, before partiql.Token) {
	toks := partiql.Tokens(src)
	var sig []partiql.Token
	for i := len(toks) - 1; i >= 0 && len(sig) < 2; i-- {
		if toks[i].Kind != partiql.TokenComment {
			sig = append(sig, toks[i])
		}
	}
	last = partiql.Token{Kind: partiql.TokenInvalid}
	before = last
	if len(sig) > 0 {
		last = sig[0]
	}
	if len(sig) > 1 {
		before = sig[1]
	}
	return last, before
}

func isTableKeyword(kw string) bool {
	switch strings.ToUpper(kw) {
	case "FROM", "INTO", "UPDATE":
		return true
	}
	return false
}

// statementTable returns the table the statement names (after FROM, INTO
// or UPDATE), or "".
func statementTable(text string) string {
	toks := partiql.Tokens(text)
	for i := 0; i+1 < len(toks); i++ {
		if toks[i].Kind == partiql.TokenKeyword && isTableKeyword(toks[i].Text) {
			next := toks[i+1]
			if next.Kind == partiql.TokenQuotedIdent || next.Kind == partiql.TokenIdent {
				return unquote(next.Text)
			}
		}
	}
	return ""
}

func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return strings.ReplaceAll(s[1:len(s)-1], `""`, `"`)
	}
	return strings.TrimPrefix(s, `"`)
}

// attrName writes an attribute name as it must appear in a statement:
// bare when it is a plain identifier that is not reserved, else quoted.
func attrName(name string, forceQuote bool) string {
	if forceQuote || !plainIdent(name) || partiql.IsReserved(name) {
		return quote(name)
	}
	return name
}

func plainIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// commonPrefix returns the longest prefix shared by all candidates,
// compared without regard to case (the first candidate's spelling).
func commonPrefix(cands []string) string {
	if len(cands) == 0 {
		return ""
	}
	p := cands[0]
	for _, c := range cands[1:] {
		n := 0
		for n < len(p) && n < len(c) && unicode.ToLower(rune(p[n])) == unicode.ToLower(rune(c[n])) {
			n++
		}
		p = p[:n]
	}
	return p
}
