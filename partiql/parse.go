package partiql

import (
	"errors"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// Parse parses one statement, optionally followed by a ';'. The error, if
// any, is an *Error.
func Parse(src string) (Statement, error) {
	s, err := parseAt(src, Pos{Line: 1, Column: 1})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// parseAt parses src, which starts at base within its script: positions in
// the tree and in errors are script positions.
func parseAt(src string, base Pos) (Statement, *Error) {
	toks, lerr := lexAll(src, base)
	if lerr != nil {
		return nil, lerr
	}
	if tok, ok := tooDeep(toks); ok {
		return nil, syntaxAt(tok.Pos, detTooDeep)
	}
	plex, err := lexer.Upgrade(&tokenList{toks: toks})
	if err != nil { // tokenList never fails
		return nil, syntaxAt(toks[0].Pos, err.Error())
	}
	root, err := parser.ParseFromLexer(plex)
	if err != nil {
		return nil, parseError(err, toks)
	}
	l := lowerer{src: src, base: base.Offset}
	return l.root(root)
}

// parseError turns participle's error into the service's wording. Errors
// from the error productions (grammar_errors.go) already are; what remains
// is a token left over after a complete statement, or a missing required
// token, which partiql-lang-kotlin words after the token it expected.
func parseError(err error, toks []lexer.Token) *Error {
	var perr *Error
	if errors.As(err, &perr) {
		return perr
	}
	var uerr *participle.UnexpectedTokenError
	if errors.As(err, &uerr) {
		tok := uerr.Unexpected
		expected := expectedLiteral(uerr)
		if expected == "" {
			if prev, ok := tokenBefore(toks, tok); ok && prev.Value == ";" {
				return validationAt(pos(tok.Pos), msgOneOperation)
			}
			return syntaxAt(tok.Pos, detTrailing)
		}
		if strings.EqualFold(expected, "INTO") {
			// partiql-lang-kotlin lexes INSERT INTO as one keyword; a lone
			// INSERT is a keyword where a term should be.
			if prev, ok := tokenBefore(toks, tok); ok {
				return syntaxAt(prev.Pos, detUnexpectedKeyword)
			}
		}
		if detail, ok := expectedDetails[strings.ToUpper(expected)]; ok {
			return syntaxAt(tok.Pos, detail)
		}
		return syntaxAt(tok.Pos, unexpectedTermDetail(classify(tok), tok.Value))
	}
	var pe participle.Error
	if errors.As(err, &pe) {
		p := pe.Position()
		if tok, ok := tokenAt(toks, p.Offset); ok {
			return syntaxAt(p, unexpectedTermDetail(classify(tok), tok.Value))
		}
		return syntaxAt(p, detUnexpectedTerm)
	}
	return syntaxAt(toks[len(toks)-1].Pos, err.Error())
}

// expectedDetails words a missing required token the way
// partiql-lang-kotlin does.
var expectedDetails = map[string]string{
	")":   "Expected RIGHT_PAREN",
	"(":   "Expected LEFT_PAREN",
	"]":   "Expected RIGHT_BRACKET",
	"}":   "Expected RIGHT_CURLY",
	">>":  "Expected RIGHT_DOUBLE_ANGLE_BRACKET",
	":":   "Expected COLON",
	"=":   detAssignment,
	"AND": "Expected AND keyword",
	"BY":  "Expected BY keyword",
}

// expectedLiteral returns the literal token participle expected next, when
// the expectation starts with one ("" for a token left over after a complete
// parse, or when a production was expected).
func expectedLiteral(u *participle.UnexpectedTokenError) string {
	msg := u.Message()
	i := strings.Index(msg, " (expected ")
	if i < 0 {
		return ""
	}
	exp := strings.TrimLeft(msg[i+len(" (expected "):], "(")
	if !strings.HasPrefix(exp, `"`) {
		return "?"
	}
	end := strings.IndexByte(exp[1:], '"')
	if end < 0 {
		return "?"
	}
	return exp[1 : 1+end]
}

// tokenBefore returns the token preceding tok.
func tokenBefore(toks []lexer.Token, tok lexer.Token) (lexer.Token, bool) {
	for i := 1; i < len(toks); i++ {
		if toks[i].Pos.Offset == tok.Pos.Offset {
			return toks[i-1], true
		}
	}
	return lexer.Token{}, false
}

// tokenAt returns the token starting at a byte offset.
func tokenAt(toks []lexer.Token, offset int) (lexer.Token, bool) {
	for _, t := range toks {
		if t.Pos.Offset == offset {
			return t, true
		}
	}
	return lexer.Token{}, false
}

// maxNesting bounds bracket nesting. Parsing time grows faster than
// linearly with depth; no statement within the service's 8192-character
// limit can nest deeper, so the bound refuses nothing the service accepts.
const maxNesting = 4096

// tooDeep returns the first opening bracket nested deeper than maxNesting.
func tooDeep(toks []lexer.Token) (lexer.Token, bool) {
	depth := 0
	for _, t := range toks {
		switch t.Value {
		case "(", "[", "{", "<<":
			if depth++; depth > maxNesting {
				return t, true
			}
		case ")", "]", "}", ">>":
			depth--
		}
	}
	return lexer.Token{}, false
}

func pos(p lexer.Position) Pos { return Pos{Offset: p.Offset, Line: p.Line, Column: p.Column} }
