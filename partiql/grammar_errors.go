package partiql

import (
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// Error productions. Each is the last alternative at a place where the
// service's parser (partiql-lang-kotlin) has a specific complaint; it never
// matches, it fails with that complaint at the token it was offered. This
// keeps the service's wording in the grammar, where the situations are,
// rather than in a guess made afterwards from participle's generic error.

// errTerm: no operand where one is required.
type errTerm struct{}

func (*errTerm) Parse(lex *lexer.PeekingLexer) error {
	tok := lex.Peek()
	if tok.EOF() {
		if prev, ok := previousToken(lex); ok && isInfixOperator(lex, prev) {
			// partiql-lang-kotlin checks for this before parsing the operand.
			return syntaxAt(prev.Pos, detMissingRHS)
		}
	}
	return syntaxAt(tok.Pos, unexpectedTermDetail(classify(*tok), tok.Value))
}

// errStatement: the text does not start a statement.
type errStatement struct{}

func (*errStatement) Parse(lex *lexer.PeekingLexer) error {
	tok := lex.Peek()
	return syntaxAt(tok.Pos, unexpectedTermDetail(classify(*tok), tok.Value))
}

// errSimplePath: a table name, SET target or REMOVE path does not start
// with an identifier.
type errSimplePath struct{}

func (*errSimplePath) Parse(lex *lexer.PeekingLexer) error {
	return syntaxAt(lex.Peek().Pos, detSimplePath)
}

// errPathDot: a dot in a path is not followed by a name or *.
type errPathDot struct{}

func (*errPathDot) Parse(lex *lexer.PeekingLexer) error {
	return syntaxAt(lex.Peek().Pos, detPathDot)
}

// errTypeName: IS is not followed by a type name.
type errTypeName struct{}

func (*errTypeName) Parse(lex *lexer.PeekingLexer) error {
	return syntaxAt(lex.Peek().Pos, detTypeName)
}

// errDML: UPDATE t (or FROM t) is not followed by SET or REMOVE.
type errDML struct{}

func (*errDML) Parse(lex *lexer.PeekingLexer) error {
	return syntaxAt(lex.Peek().Pos, detDataManipulation)
}

// errFromSelect: the projection is not followed by FROM.
type errFromSelect struct{}

func (*errFromSelect) Parse(lex *lexer.PeekingLexer) error {
	return syntaxAt(lex.Peek().Pos, detFromAfterSelect)
}

// errFromDelete: DELETE is not followed by FROM.
type errFromDelete struct{}

func (*errFromDelete) Parse(lex *lexer.PeekingLexer) error {
	return syntaxAt(lex.Peek().Pos, detFromAfterDelete)
}

// errReturning: RETURNING is not followed by (MODIFIED|ALL) (OLD|NEW).
type errReturning struct{}

func (*errReturning) Parse(lex *lexer.PeekingLexer) error {
	return syntaxAt(lex.Peek().Pos, detReturning)
}

// anyRest swallows the rest of the statement: INSERT INTO t VALUES ... and
// INSERT INTO t SELECT ... are refused whole, whatever follows.
type anyRest struct{}

func (*anyRest) Parse(lex *lexer.PeekingLexer) error {
	for !lex.Peek().EOF() {
		lex.Next()
	}
	return nil
}

func syntaxAt(p lexer.Position, detail string) *Error {
	return &Error{Line: p.Line, Column: p.Column, Offset: p.Offset, Kind: SyntaxError, Message: detail}
}

// previousToken returns the token before the next one, if any.
func previousToken(lex *lexer.PeekingLexer) (lexer.Token, bool) {
	raw := lex.MakeCheckpoint().RawCursor()
	if raw == 0 {
		return lexer.Token{}, false
	}
	return lex.Range(raw-1, raw)[0], true
}

// infixWords are the keyword operators that take a right operand.
var infixWords = map[string]bool{"and": true, "or": true, "in": true, "like": true, "between": true, "escape": true}

// isInfixOperator reports whether prev, the token just before the next one,
// is a binary operator (rather than, say, a unary minus).
func isInfixOperator(lex *lexer.PeekingLexer, prev lexer.Token) bool {
	switch prev.Type {
	case tokKeyword:
		return infixWords[strings.ToLower(prev.Value)]
	case tokOperator:
		if prev.Value != "-" && prev.Value != "+" {
			return prev.Value != "<<" && prev.Value != "@"
		}
		// + and - are binary only after an operand.
		raw := lex.MakeCheckpoint().RawCursor()
		if raw < 2 {
			return false
		}
		return endsOperand(lex.Range(raw-2, raw-1)[0])
	}
	return false
}

// endsOperand reports whether an operand can end with tok.
func endsOperand(tok lexer.Token) bool {
	switch tok.Type {
	case tokIdent, tokQuotedIdent, tokString, tokNumber, tokParam, tokIon:
		return true
	case tokKeyword:
		switch strings.ToLower(tok.Value) {
		case "null", "missing", "true", "false":
			return true
		}
	case tokPunct:
		return tok.Value == ")" || tok.Value == "]" || tok.Value == "}"
	case tokOperator:
		return tok.Value == ">>" || tok.Value == "*"
	}
	return false
}

// classify gives the coarse class of a token for error wording.
func classify(tok lexer.Token) tokenClass {
	switch {
	case tok.EOF():
		return classEOF
	case tok.Type == tokKeyword:
		return classKeyword
	case tok.Type == tokOperator:
		return classOperator
	}
	return classOther
}
