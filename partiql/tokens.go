package partiql

import "strings"

// TokenKind classifies a token for syntax highlighting.
type TokenKind uint8

// The token kinds. Whitespace is not a token: it is whatever lies between
// tokens.
const (
	TokenKeyword     TokenKind = iota // SELECT, where, NULL, ... (and EXPLAIN starting a statement)
	TokenIdent                        // a bare name: attribute, table, function
	TokenQuotedIdent                  // a "double-quoted" name
	TokenString                       // a 'string'
	TokenNumber                       // 1, -2.5 (the sign is an operator), 1e3
	TokenOperator                     // = <> != < <= > >= + - * / % || @
	TokenPunct                        // ( ) [ ] { } << >> , . : ;
	TokenParam                        // ?
	TokenComment                      // -- to end of line, or /* ... */
	TokenIon                          // a `backtick` Ion literal (which DynamoDB rejects)
	TokenInvalid                      // a character that starts no token
)

var tokenKindNames = [...]string{
	"keyword", "identifier", "quoted identifier", "string", "number", "operator",
	"punctuation", "parameter", "comment", "ion", "invalid",
}

// String returns the kind's name ("keyword", "quoted identifier", ...).
func (k TokenKind) String() string {
	if int(k) < len(tokenKindNames) {
		return tokenKindNames[k]
	}
	return "?"
}

// Token is one token of statement text, for highlighting.
type Token struct {
	Kind       TokenKind
	Start, End int    // byte offsets: the token is src[Start:End]
	Text       string // src[Start:End]
	// Unterminated is set on a string, quoted identifier, Ion literal or
	// block comment that runs to the end of the input without closing.
	Unterminated bool
}

// Tokens splits src into tokens for syntax highlighting. It never fails:
// unterminated strings and comments run to the end of src, and characters
// that start no token come back as TokenInvalid. The tokens are exactly the
// ones the parser sees (plus comments and invalid characters).
func Tokens(src string) []Token {
	var out []Token
	statementStart := true
	for i := 0; i < len(src); {
		typ, end, problem := scan(src, i)
		t := Token{Start: i, End: end, Text: src[i:end], Unterminated: problem != "" && typ != tokInvalid && typ != tokNumber}
		i = end
		switch typ {
		case tokSpace:
			continue
		case tokComment:
			t.Kind = TokenComment
			out = append(out, t)
			continue
		case tokKeyword:
			t.Kind = TokenKeyword
		case tokIdent:
			t.Kind = TokenIdent
			if statementStart && strings.EqualFold(t.Text, "EXPLAIN") {
				t.Kind = TokenKeyword
			}
		case tokQuotedIdent:
			t.Kind = TokenQuotedIdent
		case tokString:
			t.Kind = TokenString
		case tokNumber:
			t.Kind = TokenNumber
		case tokParam:
			t.Kind = TokenParam
		case tokIon:
			t.Kind = TokenIon
		case tokOperator:
			t.Kind = TokenOperator
			if t.Text == "<<" || t.Text == ">>" {
				t.Kind = TokenPunct
			}
		case tokPunct:
			t.Kind = TokenPunct
		default:
			t.Kind = TokenInvalid
		}
		statementStart = t.Text == ";"
		out = append(out, t)
	}
	return out
}
