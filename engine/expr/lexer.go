package expr

import (
	"strings"
	"unicode/utf8"
)

// tokKind is a token type of the service's expression lexer. One lexer
// serves every expression type, so SET or AND are keywords everywhere.
type tokKind uint8

const (
	tEOF tokKind = iota
	tComma
	tLParen
	tRParen
	tDot
	tLBracket
	tRBracket
	tEQ
	tNE
	tLT
	tLE
	tGT
	tGE
	tPlus
	tMinus
	tIN
	tBETWEEN
	tNOT
	tAND
	tOR
	tSET
	tADD
	tDELETE
	tREMOVE
	tIndex   // 0 | [1-9][0-9]*  (so "01" is two tokens)
	tID      // [A-Za-z][A-Za-z0-9_]*
	tName    // #[A-Za-z0-9_]+
	tValue   // :[A-Za-z0-9_]+
	tUnknown // any other single character
)

// token is one on-channel token; whitespace is a hidden channel that only
// shows up in syntax error messages, as the text between tokens.
type token struct {
	kind       tokKind
	start, end int32
}

// lex splits src into tokens, ending with a tEOF token at len(src).
func lex(src string) []token {
	toks := make([]token, 0, len(src)/3+2)
	for i := 0; i < len(src); {
		c := src[i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			i++
			continue
		}
		kind, n := lexOne(src, i)
		toks = append(toks, token{kind: kind, start: int32(i), end: int32(i + n)})
		i += n
	}
	return append(toks, token{kind: tEOF, start: int32(len(src)), end: int32(len(src))})
}

// lexOne returns the kind and byte length of the token starting at src[i].
func lexOne(src string, i int) (tokKind, int) {
	c := src[i]
	switch {
	case isIDStart(c):
		n := scanIDChars(src, i+1) - i
		return keyword(src[i : i+n]), n
	case c == '0':
		return tIndex, 1
	case '1' <= c && c <= '9':
		j := i + 1
		for j < len(src) && isDigit(src[j]) {
			j++
		}
		return tIndex, j - i
	case c == '#' || c == ':':
		j := scanIDChars(src, i+1)
		if j == i+1 {
			return tUnknown, 1
		}
		if c == '#' {
			return tName, j - i
		}
		return tValue, j - i
	}
	if k, n := lexPunct(src, i); n > 0 {
		return k, n
	}
	_, n := utf8.DecodeRuneInString(src[i:])
	return tUnknown, n
}

// lexPunct recognizes punctuation and comparison symbols.
func lexPunct(src string, i int) (tokKind, int) {
	next := byte(0)
	if i+1 < len(src) {
		next = src[i+1]
	}
	switch src[i] {
	case ',':
		return tComma, 1
	case '(':
		return tLParen, 1
	case ')':
		return tRParen, 1
	case '.':
		return tDot, 1
	case '[':
		return tLBracket, 1
	case ']':
		return tRBracket, 1
	case '=':
		return tEQ, 1
	case '+':
		return tPlus, 1
	case '-':
		return tMinus, 1
	case '<':
		switch next {
		case '>':
			return tNE, 2
		case '=':
			return tLE, 2
		}
		return tLT, 1
	case '>':
		if next == '=' {
			return tGE, 2
		}
		return tGT, 1
	}
	return tUnknown, 0
}

func isIDStart(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool   { return '0' <= c && c <= '9' }
func isIDChar(c byte) bool  { return isIDStart(c) || isDigit(c) || c == '_' }

// scanIDChars returns the index just past the run of [A-Za-z0-9_] at src[i:].
func scanIDChars(src string, i int) int {
	for i < len(src) && isIDChar(src[i]) {
		i++
	}
	return i
}

// keyword returns the keyword token for an identifier, or tID.
func keyword(s string) tokKind {
	switch len(s) {
	case 2:
		switch {
		case strings.EqualFold(s, "IN"):
			return tIN
		case strings.EqualFold(s, "OR"):
			return tOR
		}
	case 3:
		switch {
		case strings.EqualFold(s, "NOT"):
			return tNOT
		case strings.EqualFold(s, "AND"):
			return tAND
		case strings.EqualFold(s, "SET"):
			return tSET
		case strings.EqualFold(s, "ADD"):
			return tADD
		}
	case 6:
		switch {
		case strings.EqualFold(s, "DELETE"):
			return tDELETE
		case strings.EqualFold(s, "REMOVE"):
			return tREMOVE
		}
	case 7:
		if strings.EqualFold(s, "BETWEEN") {
			return tBETWEEN
		}
	}
	return tID
}

// isComparator reports whether k is one of = <> < <= > >=.
func isComparator(k tokKind) bool { return k >= tEQ && k <= tGE }

// validPlaceholder reports whether key is prefix followed by one or more
// [A-Za-z0-9_] characters.
func validPlaceholder(key string, prefix byte) bool {
	return len(key) > 1 && key[0] == prefix && scanIDChars(key, 1) == len(key)
}
