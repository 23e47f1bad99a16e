package partiql

import (
	"io"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// The lexer is one scanning function, scan, driven by the tables below. Three
// consumers share it: the parser (significant tokens only, errors fatal),
// Tokens (every token, errors become tokens) and the script splitter (which
// only needs to know where strings, identifiers and comments end). One
// scanner for all three means the REPL highlights exactly what the parser
// sees, and the splitter can never disagree with it about where a string
// ends.

// Token types, shared with participle. The names in symbols are the ones the
// grammar tags use.
const (
	tokKeyword lexer.TokenType = iota + 1
	tokIdent
	tokQuotedIdent
	tokString
	tokNumber
	tokParam
	tokIon
	tokOperator
	tokPunct
	tokComment // never reaches the parser
	tokSpace   // never reaches the parser
	tokInvalid // a lexical error; never reaches the parser
)

// symbols names the token types for participle's grammar tags.
var symbols = map[string]lexer.TokenType{
	"EOF":      lexer.EOF,
	"Keyword":  tokKeyword,
	"Ident":    tokIdent,
	"QIdent":   tokQuotedIdent,
	"String":   tokString,
	"Number":   tokNumber,
	"Param":    tokParam,
	"Ion":      tokIon,
	"Operator": tokOperator,
	"Punct":    tokPunct,
}

// operators lists the symbolic operators, longest first so that the scanner
// can take the first prefix that matches (maximal munch).
var operators = [...]string{
	"<<", ">>", "<=", ">=", "<>", "!=", "||",
	"+", "-", "*", "/", "%", "<", ">", "=", "@",
}

// punctuation lists the one-character punctuation marks.
const punctuation = "()[]{},.:;"

// Lexical problems. The service reports every lexer failure with nothing
// after "can't be processed: ", so these texts are ours; they appear in
// Error.Message, never in Error.ServiceMessage.
const (
	lexInvalidChar       = "Invalid character"
	lexUnterminatedStr   = "Unterminated string literal"
	lexUnterminatedIdent = "Unterminated quoted identifier"
	lexUnterminatedIon   = "Unterminated Ion literal"
	lexUnterminatedBlock = "Unterminated block comment"
	lexNumberRange       = "Number literal out of range"
)

// scan classifies the token starting at src[i] (i < len(src)) and returns its
// type, the offset just past it, and a problem description when the text is
// not a valid token (the type is then tokInvalid, or the type of the
// unterminated construct, which then runs to the end of src).
func scan(src string, i int) (typ lexer.TokenType, end int, problem string) {
	c := src[i]
	switch {
	case isSpace(c):
		j := i + 1
		for j < len(src) && isSpace(src[j]) {
			j++
		}
		return tokSpace, j, ""
	case c == '-' && i+1 < len(src) && src[i+1] == '-':
		j := strings.IndexByte(src[i:], '\n')
		if j < 0 {
			return tokComment, len(src), ""
		}
		return tokComment, i + j, ""
	case c == '/' && i+1 < len(src) && src[i+1] == '*':
		j := strings.Index(src[i+2:], "*/")
		if j < 0 {
			return tokComment, len(src), lexUnterminatedBlock
		}
		return tokComment, i + 2 + j + 2, ""
	case isIdentStart(c):
		j := i + 1
		for j < len(src) && isIdentPart(src[j]) {
			j++
		}
		if isReserved(src[i:j]) {
			return tokKeyword, j, ""
		}
		return tokIdent, j, ""
	case c == '"':
		return scanQuoted(src, i, '"', tokQuotedIdent, lexUnterminatedIdent)
	case c == '\'':
		return scanQuoted(src, i, '\'', tokString, lexUnterminatedStr)
	case c == '`':
		j := strings.IndexByte(src[i+1:], '`')
		if j < 0 {
			return tokIon, len(src), lexUnterminatedIon
		}
		return tokIon, i + 1 + j + 1, ""
	case isDigit(c) || (c == '.' && i+1 < len(src) && isDigit(src[i+1])):
		return scanNumber(src, i)
	case c == '?':
		return tokParam, i + 1, ""
	case strings.IndexByte(punctuation, c) >= 0:
		return tokPunct, i + 1, ""
	}
	for _, op := range operators {
		if strings.HasPrefix(src[i:], op) {
			return tokOperator, i + len(op), ""
		}
	}
	_, size := utf8.DecodeRuneInString(src[i:])
	return tokInvalid, i + size, lexInvalidChar
}

// scanQuoted scans a quote-delimited token in which the quote is escaped by
// doubling it ('it”s', "a""b").
func scanQuoted(src string, i int, quote byte, typ lexer.TokenType, unterminated string) (lexer.TokenType, int, string) {
	j := i + 1
	for {
		k := strings.IndexByte(src[j:], quote)
		if k < 0 {
			return typ, len(src), unterminated
		}
		j += k + 1
		if j < len(src) && src[j] == quote {
			j++
			continue
		}
		return typ, j, ""
	}
}

// scanNumber scans digits [ "." digits ] [ ("e"|"E") [sign] digits ]. An
// exponent without digits is not part of the number ("1e" is 1 then e). The
// service reads number literals as Java BigDecimals, whose exponent and scale
// are 32-bit: a literal outside that range fails in its lexer.
func scanNumber(src string, i int) (lexer.TokenType, int, string) {
	j := i
	for j < len(src) && isDigit(src[j]) {
		j++
	}
	frac := 0
	if j < len(src) && src[j] == '.' {
		j++
		for j < len(src) && isDigit(src[j]) {
			j++
			frac++
		}
	}
	if j < len(src) && (src[j] == 'e' || src[j] == 'E') {
		k := j + 1
		neg := false
		if k < len(src) && (src[k] == '+' || src[k] == '-') {
			neg = src[k] == '-'
			k++
		}
		if k < len(src) && isDigit(src[k]) {
			exp := int64(0)
			for k < len(src) && isDigit(src[k]) {
				if exp <= math.MaxInt32+1 {
					exp = exp*10 + int64(src[k]-'0')
				}
				k++
			}
			if neg {
				exp = -exp
			}
			scale := int64(frac) - exp
			if exp > math.MaxInt32 || exp < math.MinInt32 || scale > math.MaxInt32 || scale < math.MinInt32 {
				return tokNumber, k, lexNumberRange
			}
			j = k
		}
	}
	return tokNumber, j, ""
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

func isIdentStart(c byte) bool { return isLetter(c) || c == '_' }

func isIdentPart(c byte) bool { return isIdentStart(c) || isDigit(c) || c == '$' }

// cursor tracks line and column while the scanner walks the source.
type cursor struct {
	Pos
}

// advance moves the cursor over src[c.Offset:to].
func (c *cursor) advance(src string, to int) {
	for c.Offset < to {
		r := src[c.Offset]
		if r == '\n' {
			c.Line++
			c.Column = 1
			c.Offset++
			continue
		}
		if r < utf8.RuneSelf {
			c.Offset++
		} else {
			_, size := utf8.DecodeRuneInString(src[c.Offset:])
			c.Offset += size
		}
		c.Column++
	}
}

// lexAll returns the significant tokens of src (no spaces or comments),
// ending with an EOF token, or the first lexical error. base is the position
// of src[0] within its script; Offset in base is added to token offsets.
func lexAll(src string, base Pos) ([]lexer.Token, *Error) {
	toks := make([]lexer.Token, 0, len(src)/4+2)
	cur := cursor{Pos{Offset: 0, Line: base.Line, Column: base.Column}}
	for cur.Offset < len(src) {
		start := cur.Pos
		typ, end, problem := scan(src, cur.Offset)
		if problem != "" {
			return nil, &Error{
				Line: start.Line, Column: start.Column, Offset: base.Offset + start.Offset,
				Kind: LexicalError, Message: problem,
			}
		}
		cur.advance(src, end)
		if typ == tokSpace || typ == tokComment {
			continue
		}
		toks = append(toks, lexer.Token{
			Type:  typ,
			Value: src[start.Offset:end],
			Pos:   lexer.Position{Offset: base.Offset + start.Offset, Line: start.Line, Column: start.Column},
		})
	}
	toks = append(toks, lexer.EOFToken(lexer.Position{Offset: base.Offset + cur.Offset, Line: cur.Line, Column: cur.Column}))
	return toks, nil
}

// definition adapts the scanner to participle. The parser is always fed
// pre-lexed tokens (see parse.go); Lex exists to satisfy the interface and
// for participle's own tooling.
type definition struct{}

func (definition) Symbols() map[string]lexer.TokenType { return symbols }

func (definition) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return definition{}.LexString(filename, string(b))
}

func (definition) LexString(_ string, src string) (lexer.Lexer, error) {
	toks, lerr := lexAll(src, Pos{Line: 1, Column: 1})
	if lerr != nil {
		return nil, lerr
	}
	return &tokenList{toks: toks}, nil
}

// tokenList replays a token slice; the EOF token repeats forever.
type tokenList struct {
	toks []lexer.Token
	i    int
}

func (l *tokenList) Next() (lexer.Token, error) {
	t := l.toks[l.i]
	if l.i < len(l.toks)-1 {
		l.i++
	}
	return t, nil
}
