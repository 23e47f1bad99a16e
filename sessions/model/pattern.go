package model

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"dynalab/engine/attr"
)

// Pattern is a parsed key pattern: literal text and {name} placeholders,
// e.g. USER#{userId}.
type Pattern struct {
	Text  string
	parts []part
	re    *regexp.Regexp
}

type part struct {
	text  string
	isVar bool
}

// ParsePattern parses a key pattern. Two placeholders must be separated
// by literal text (else where one ends is ambiguous); names are attribute
// names, without braces.
func ParsePattern(s string) (Pattern, error) {
	p := Pattern{Text: s}
	if s == "" {
		return p, errors.New("the pattern is empty")
	}
	rest := s
	for rest != "" {
		open := strings.IndexAny(rest, "{}")
		if open < 0 {
			p.parts = append(p.parts, part{text: rest})
			break
		}
		if rest[open] == '}' {
			return p, fmt.Errorf("%q: } without {", s)
		}
		if open > 0 {
			p.parts = append(p.parts, part{text: rest[:open]})
		}
		end := strings.IndexAny(rest[open+1:], "{}")
		if end < 0 || rest[open+1+end] == '{' {
			return p, fmt.Errorf("%q: { without }", s)
		}
		name := rest[open+1 : open+1+end]
		if strings.TrimSpace(name) == "" {
			return p, fmt.Errorf("%q: empty placeholder {}", s)
		}
		if n := len(p.parts); n > 0 && p.parts[n-1].isVar {
			return p, fmt.Errorf("%q: placeholders {%s} and {%s} need literal text between them", s, p.parts[n-1].text, name)
		}
		p.parts = append(p.parts, part{text: name, isVar: true})
		rest = rest[open+1+end+1:]
	}
	var re strings.Builder
	re.WriteString("^")
	for i, pt := range p.parts {
		switch {
		case !pt.isVar:
			re.WriteString(regexp.QuoteMeta(pt.text))
		case i == len(p.parts)-1:
			re.WriteString("(.+)")
		default:
			re.WriteString("(.+?)")
		}
	}
	re.WriteString("$")
	p.re = regexp.MustCompile(re.String()) // built from quoted text: always valid
	return p, nil
}

// Vars returns the placeholders' names, in order.
func (p Pattern) Vars() []string {
	var out []string
	for _, pt := range p.parts {
		if pt.isVar {
			out = append(out, pt.text)
		}
	}
	return out
}

// Whole reports whether the pattern is one placeholder and nothing else:
// the key is the attribute's own value (the only pattern a number or
// binary key can have, besides a constant).
func (p Pattern) Whole() bool { return len(p.parts) == 1 && p.parts[0].isVar }

// Constant reports whether the pattern has no placeholder.
func (p Pattern) Constant() bool { return len(p.Vars()) == 0 }

// Match matches a key's text against the pattern and returns the
// placeholders' values.
func (p Pattern) Match(s string) (map[string]string, bool) {
	if p.re == nil {
		return nil, false
	}
	m := p.re.FindStringSubmatch(s)
	if m == nil {
		return nil, false
	}
	out := map[string]string{}
	for i, v := range p.Vars() {
		out[v] = m[i+1]
	}
	return out, true
}

// MatchValue matches a key value: a string against the pattern, a
// number or binary only against a whole-value or constant pattern.
func (p Pattern) MatchValue(v attr.Value) bool {
	switch v.Type() {
	case attr.TypeS:
		_, ok := p.Match(v.Str())
		return ok
	case attr.TypeN:
		if p.Whole() {
			return true
		}
		_, ok := p.Match(v.Str()) // the canonical number text
		return ok && p.Constant()
	case attr.TypeB:
		return p.Whole()
	}
	return false
}
