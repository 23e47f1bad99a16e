package browser

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"dynalab/engine/attr"
)

// The filter bar's language: conditions on attributes, turned into a
// DynamoDB FilterExpression with placeholders so that no name is reserved
// and no value needs escaping.
//
//	expr       = and { "or" and }
//	and        = unary { "and" unary }
//	unary      = "not" unary | "(" expr ")" | function | comparison
//	function   = ("begins_with" | "contains") "(" path "," value ")"
//	           | ("exists" | "not_exists") "(" path ")"
//	comparison = operand ("=" | "<>" | "!=" | "<" | "<=" | ">" | ">=") value
//	           | operand "between" value "and" value
//	           | operand "in" "(" value { "," value } ")"
//	operand    = path | "size" "(" path ")"
//	path       = name { "." name }
//	value      = 'text' | "text" | number | true | false | null | bareword
//
// Numbers are N, quoted text and bare words S, true/false BOOL, null NULL:
// status = shipped, total > 10, "total" = '10' (a string), gift = true.

// filterExpr is a compiled filter.
type filterExpr struct {
	source string
	expr   string
	names  map[string]string
	values map[string]attr.Value
}

// filterError is a mistake in the filter, at a 1-based column.
type filterError struct {
	col int
	msg string
}

func (e *filterError) Error() string { return fmt.Sprintf("filter, column %d: %s", e.col, e.msg) }

type ftoken struct {
	kind byte // 'i' identifier, 's' string, 'n' number, 'o' operator, 'p' punctuation, 0 end
	text string
	pos  int
}

func lexFilter(src string) ([]ftoken, error) {
	var out []ftoken
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '\'' || c == '"':
			j := i + 1
			var b strings.Builder
			for ; j < len(src) && src[j] != c; j++ {
				if src[j] == '\\' && j+1 < len(src) {
					j++
				}
				b.WriteByte(src[j])
			}
			if j >= len(src) {
				return nil, &filterError{i + 1, "unterminated string"}
			}
			out = append(out, ftoken{'s', b.String(), i})
			i = j + 1
		case c >= '0' && c <= '9' || (c == '-' || c == '+') && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9':
			j := i + 1
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '.' || src[j] == 'e' || src[j] == 'E' ||
				(src[j] == '-' || src[j] == '+') && (src[j-1] == 'e' || src[j-1] == 'E')) {
				j++
			}
			out = append(out, ftoken{'n', src[i:j], i})
			i = j
		case strings.ContainsRune("=<>!", rune(c)):
			j := i + 1
			if j < len(src) && (src[j] == '=' || c == '<' && src[j] == '>') {
				j++
			}
			op := src[i:j]
			if op == "!" {
				return nil, &filterError{i + 1, "expected != "}
			}
			out = append(out, ftoken{'o', op, i})
			i = j
		case strings.ContainsRune("(),.", rune(c)):
			out = append(out, ftoken{'p', string(c), i})
			i++
		default:
			j := i
			for j < len(src) {
				r := rune(src[j])
				if r < 0x80 && !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '#' || r == '-' || r == ':' || r == '@' || r == '/') {
					break
				}
				j++
			}
			if j == i {
				return nil, &filterError{i + 1, fmt.Sprintf("unexpected %q", c)}
			}
			out = append(out, ftoken{'i', src[i:j], i})
			i = j
		}
	}
	return append(out, ftoken{0, "", len(src)}), nil
}

type filterParser struct {
	toks   []ftoken
	i      int
	out    *filterExpr
	nameOf map[string]string
}

// parseFilter compiles the filter bar's text.
func parseFilter(src string) (*filterExpr, error) {
	toks, err := lexFilter(src)
	if err != nil {
		return nil, err
	}
	p := &filterParser{toks: toks, out: &filterExpr{source: src, names: map[string]string{}, values: map[string]attr.Value{}}, nameOf: map[string]string{}}
	expr, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != 0 {
		return nil, p.errAt(t, "unexpected "+strconv.Quote(t.text)+": join conditions with and / or")
	}
	p.out.expr = expr
	return p.out, nil
}

func (p *filterParser) peek() ftoken { return p.toks[p.i] }
func (p *filterParser) next() ftoken { t := p.toks[p.i]; p.i = min(p.i+1, len(p.toks)-1); return t }
func (p *filterParser) errAt(t ftoken, msg string) error {
	return &filterError{t.pos + 1, msg}
}

func (p *filterParser) word(t ftoken, w string) bool {
	return t.kind == 'i' && strings.EqualFold(t.text, w)
}

func (p *filterParser) expect(kind byte, text, what string) error {
	t := p.next()
	if t.kind != kind || t.text != text {
		return p.errAt(t, "expected "+what)
	}
	return nil
}

func (p *filterParser) or() (string, error) {
	left, err := p.and()
	if err != nil {
		return "", err
	}
	for p.word(p.peek(), "or") {
		p.next()
		right, err := p.and()
		if err != nil {
			return "", err
		}
		left = "(" + left + ") OR (" + right + ")"
	}
	return left, nil
}

func (p *filterParser) and() (string, error) {
	left, err := p.unary()
	if err != nil {
		return "", err
	}
	for p.word(p.peek(), "and") {
		p.next()
		right, err := p.unary()
		if err != nil {
			return "", err
		}
		left = left + " AND " + right
	}
	return left, nil
}

func (p *filterParser) unary() (string, error) {
	t := p.peek()
	switch {
	case p.word(t, "not"):
		p.next()
		e, err := p.unary()
		return "NOT (" + e + ")", err
	case t.kind == 'p' && t.text == "(":
		p.next()
		e, err := p.or()
		if err != nil {
			return "", err
		}
		return "(" + e + ")", p.expect('p', ")", "')'")
	case t.kind == 'i' && p.toks[p.i+1].kind == 'p' && p.toks[p.i+1].text == "(" && !p.word(t, "size"):
		return p.function()
	}
	return p.comparison()
}

func (p *filterParser) function() (string, error) {
	t := p.next()
	p.next() // (
	name := strings.ToLower(t.text)
	path, err := p.path()
	if err != nil {
		return "", err
	}
	var out string
	switch name {
	case "begins_with", "contains":
		if err := p.expect('p', ",", "',' and a value"); err != nil {
			return "", err
		}
		v, err := p.value()
		if err != nil {
			return "", err
		}
		out = name + "(" + path + ", " + v + ")"
	case "exists", "attribute_exists":
		out = "attribute_exists(" + path + ")"
	case "not_exists", "attribute_not_exists":
		out = "attribute_not_exists(" + path + ")"
	default:
		return "", p.errAt(t, "unknown function "+t.text+": use begins_with, contains, exists, not_exists, or size(…) in a comparison")
	}
	return out, p.expect('p', ")", "')'")
}

func (p *filterParser) comparison() (string, error) {
	path, err := p.operand()
	if err != nil {
		return "", err
	}
	t := p.next()
	switch {
	case t.kind == 'o':
		op := t.text
		if op == "!=" {
			op = "<>"
		}
		v, err := p.value()
		return path + " " + op + " " + v, err
	case p.word(t, "between"):
		lo, err := p.value()
		if err != nil {
			return "", err
		}
		if !p.word(p.next(), "and") {
			return "", p.errAt(p.toks[p.i-1], "expected and in between … and …")
		}
		hi, err := p.value()
		return path + " BETWEEN " + lo + " AND " + hi, err
	case p.word(t, "in"):
		if err := p.expect('p', "(", "'(' and values"); err != nil {
			return "", err
		}
		var vs []string
		for {
			v, err := p.value()
			if err != nil {
				return "", err
			}
			vs = append(vs, v)
			if n := p.next(); n.kind == 'p' && n.text == ")" {
				break
			} else if n.kind != 'p' || n.text != "," {
				return "", p.errAt(n, "expected ',' or ')'")
			}
		}
		return path + " IN (" + strings.Join(vs, ", ") + ")", nil
	}
	return "", p.errAt(t, "expected an operator (= <> < <= > >= between in) after "+path)
}

// operand reads a path, or size(path): DynamoDB's size function, which a
// filter may compare like an attribute.
func (p *filterParser) operand() (string, error) {
	if t := p.peek(); p.word(t, "size") && p.toks[p.i+1].kind == 'p' && p.toks[p.i+1].text == "(" {
		p.next()
		p.next()
		path, err := p.path()
		if err != nil {
			return "", err
		}
		return "size(" + path + ")", p.expect('p', ")", "')'")
	}
	return p.path()
}

// path reads a name or a dotted path into #placeholders.
func (p *filterParser) path() (string, error) {
	var parts []string
	for {
		t := p.next()
		if t.kind != 'i' && t.kind != 's' {
			return "", p.errAt(t, "expected an attribute name")
		}
		ph, ok := p.nameOf[t.text]
		if !ok {
			ph = "#f" + strconv.Itoa(len(p.nameOf))
			p.nameOf[t.text] = ph
			p.out.names[ph] = t.text
		}
		parts = append(parts, ph)
		if n := p.peek(); n.kind != 'p' || n.text != "." {
			return strings.Join(parts, "."), nil
		}
		p.next()
	}
}

// value reads a value into a :placeholder.
func (p *filterParser) value() (string, error) {
	t := p.next()
	var v attr.Value
	switch {
	case t.kind == 's':
		v = attr.S(t.text)
	case t.kind == 'n':
		n, err := attr.N(t.text)
		if err != nil {
			return "", p.errAt(t, err.Error())
		}
		v = n
	case p.word(t, "true"), p.word(t, "false"):
		v = attr.Bool(strings.EqualFold(t.text, "true"))
	case p.word(t, "null"):
		v = attr.Null()
	case t.kind == 'i':
		v = attr.S(t.text)
	default:
		return "", p.errAt(t, "expected a value")
	}
	ph := ":f" + strconv.Itoa(len(p.out.values))
	p.out.values[ph] = v
	return ph, nil
}
