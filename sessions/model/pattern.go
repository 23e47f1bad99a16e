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

// Matches reports whether a key's text matches the pattern, as Match
// does, without the regular expression (Matcher classifies every loaded
// row with it): the literal parts in order, each placeholder one or more
// characters other than a newline (the expression's "."), trying each
// place a placeholder may end.
func (p Pattern) Matches(s string) bool {
	return p.parts != nil && matchParts(p.parts, s)
}

func matchParts(parts []part, s string) bool {
	if len(parts) == 0 {
		return s == ""
	}
	if pt := parts[0]; !pt.isVar {
		return strings.HasPrefix(s, pt.text) && matchParts(parts[1:], s[len(pt.text):])
	}
	if len(parts) == 1 {
		return s != "" && !strings.Contains(s, "\n")
	}
	next := parts[1].text // placeholders are separated by literal text
	for i := 1; i <= len(s); {
		j := strings.Index(s[i:], next)
		if j < 0 {
			return false
		}
		k := i + j // the placeholder is s[:k]
		if strings.Contains(s[:k], "\n") {
			return false // so is every longer one
		}
		if matchParts(parts[2:], s[k+len(next):]) {
			return true
		}
		i = k + 1
	}
	return false
}

// MatchValue matches a key value: a string against the pattern, a
// number or binary only against a whole-value or constant pattern.
func (p Pattern) MatchValue(v attr.Value) bool {
	switch v.Type() {
	case attr.TypeS:
		return p.Matches(v.Str())
	case attr.TypeN:
		if p.Whole() {
			return true
		}
		return p.Constant() && p.Matches(v.Str()) // the canonical number text
	case attr.TypeB:
		return p.Whole()
	}
	return false
}
