package expr

import "strconv"

// parser is a recursive-descent parser over the service's grammar:
//
//	condition  ::= operand comparator operand
//	             | operand IN '(' operand { ',' operand } ')'
//	             | operand BETWEEN operand AND operand
//	             | function
//	             | '(' condition ')'
//	             | NOT condition          -- binds tighter than AND
//	             | condition AND condition  -- right-associative, tighter than OR
//	             | condition OR condition
//	operand    ::= path | :value | function | '(' operand ')'
//	function   ::= ID '(' operand { ',' operand } ')'
//	path       ::= id { '.' id | '[' INDEX ']' }
//	id         ::= ID | #name
//	update     ::= section { section }
//	section    ::= SET path '=' setvalue { ',' ... } | REMOVE path { ',' path }
//	             | ADD path :value { ',' ... } | DELETE path :value { ',' ... }
//	setvalue   ::= operand | arithmetic
//	arithmetic ::= operand ('+' | '-') operand | '(' arithmetic ')'
//	projection ::= path { ',' path }
//
// It stops at the first syntax error, which is reported at the first token
// that cannot continue a valid expression, like the service's ANTLR parser.
// Redundant parentheses are a parse-time error too; the listener-phase
// errors (function names, reserved words, ...) are collected as events and
// the earliest is reported only when the whole text parsed.
type parser struct {
	src   string
	param string
	toks  []token
	i     int
	err   *Error

	// Redundant parentheses: where the first pair closed, and the token up to
	// which the service's look-ahead had to read before it acted on them (a
	// syntax error up to there is reported instead). While a condition's
	// first operand is being read, win > 0 and the guard is not known yet.
	redAt, redGuard int
	redPending      bool
	win             int

	// The earliest listener-phase error, by token index then phase.
	ev      *Error
	evPos   int
	evPhase int
}

func newParser(param, src string) *parser {
	return &parser{src: src, param: param, toks: lex(src), redAt: -1}
}

// checkSize applies the empty and size limits that precede parsing.
func checkSize(param, text string, withSize bool) *Error {
	if text == "" {
		return invalid(param, msgEmpty)
	}
	if len(text) > maxExpressionSize {
		if withSize {
			return invalid(param, msgTooLong+"; expression size: "+itoa(len(text)))
		}
		return invalid(param, msgTooLong)
	}
	return nil
}

func (p *parser) tok() token          { return p.toks[p.i] }
func (p *parser) kind() tokKind       { return p.toks[p.i].kind }
func (p *parser) peek(n int) tokKind  { return p.toks[min(p.i+n, len(p.toks)-1)].kind }
func (p *parser) text(t token) string { return p.src[t.start:t.end] }
func (p *parser) next()               { p.i = min(p.i+1, len(p.toks)-1) }

// expect consumes a token of kind k or fails with a syntax error.
func (p *parser) expect(k tokKind) bool {
	if p.err != nil {
		return false
	}
	if p.kind() != k {
		p.syntaxError()
		return false
	}
	p.next()
	return true
}

// syntaxError fails at the current token, unless redundant parentheses were
// already acted on before the service's parser could have reached it.
func (p *parser) syntaxError() {
	if p.err != nil {
		return
	}
	if p.redAt >= 0 && !p.redPending && p.i > p.redGuard {
		p.err = invalid(p.param, msgRedundant)
		return
	}
	t := p.tok()
	tokText := "<EOF>"
	if t.kind != tEOF {
		tokText = p.text(t)
	}
	from := 0
	if p.i > 0 {
		from = int(p.toks[p.i-1].start)
	}
	to := len(p.src)
	if t.kind != tEOF && p.toks[p.i+1].kind != tEOF {
		to = int(p.toks[p.i+1].end)
	}
	p.err = invalid(p.param, `Syntax error; token: "`+tokText+`", near: "`+p.src[from:to]+`"`)
}

// redundant records a pair of redundant parentheses closed at token i.
func (p *parser) redundant(i int) {
	if p.redAt >= 0 {
		return
	}
	p.redAt = i
	if p.win > 0 {
		p.redPending = true
	} else {
		p.redGuard = i
	}
}

// resolve ends all open look-ahead windows at token i.
func (p *parser) resolve(i int) {
	if p.redPending {
		p.redGuard = i
		p.redPending = false
	}
	p.win = 0
}

// event records a listener-phase error at token pos; phase 1 events (the
// end of an update section) come after phase 0 events at the same token.
func (p *parser) event(pos, phase int, msg string) {
	if p.ev != nil && (pos > p.evPos || pos == p.evPos && phase >= p.evPhase) {
		return
	}
	p.ev = invalid(p.param, msg)
	p.evPos, p.evPhase = pos, phase
}

// finish returns the parse-time error, if any: a syntax error (including
// text left over) or redundant parentheses. Listener events are left in
// p.ev for the caller to complete and report.
func (p *parser) finish() *Error {
	if p.err == nil && p.kind() != tEOF {
		p.syntaxError()
	}
	if p.err != nil {
		return p.err
	}
	if p.redAt >= 0 {
		return invalid(p.param, msgRedundant)
	}
	return nil
}

// path parses id { '.' id | '[' INDEX ']' }; the current token is tID or tName.
func (p *parser) path() Path {
	path := make(Path, 1, 4)
	path[0] = p.pathName()
	for p.err == nil {
		switch p.kind() {
		case tDot:
			p.next()
			if k := p.kind(); k != tID && k != tName {
				p.syntaxError()
				return path
			}
			path = append(path, p.pathName())
		case tLBracket:
			p.next()
			path = append(path, p.listIndex())
		default:
			return path
		}
	}
	return path
}

// pathName consumes a tID or tName token as a path element.
func (p *parser) pathName() PathElem {
	t := p.tok()
	name := p.text(t)
	p.next()
	if t.kind == tName {
		return PathElem{Kind: ElemPlaceholder, Name: name, pos: int32(p.i - 1)}
	}
	if isReserved(name) {
		p.event(p.i-1, 0, msgReserved+name)
	}
	return PathElem{Kind: ElemName, Name: name, pos: int32(p.i - 1)}
}

// listIndex parses INDEX ']' after '['.
func (p *parser) listIndex() PathElem {
	if p.kind() != tIndex {
		p.syntaxError()
		return PathElem{}
	}
	digits := p.text(p.tok())
	p.next()
	if !p.expect(tRBracket) {
		return PathElem{}
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n > maxListIndex {
		p.event(p.i-1, 0, msgListIndex+"["+digits+"]")
		n = 0
	}
	return PathElem{Kind: ElemIndex, Index: n, pos: int32(p.i - 1)}
}

// operand parses path | :value | function | '(' operand ')'.
func (p *parser) operand() Operand {
	switch p.kind() {
	case tID:
		if p.peek(1) == tLParen {
			return p.call()
		}
		return Operand{Kind: OperandPath, Path: p.path()}
	case tName:
		return Operand{Kind: OperandPath, Path: p.path()}
	case tValue:
		o := Operand{Kind: OperandPlaceholder, Name: p.text(p.tok()), pos: int32(p.i)}
		p.next()
		return o
	case tLParen:
		p.next()
		o := p.operand()
		if !p.expect(tRParen) {
			return o
		}
		if o.paren {
			p.redundant(p.i - 1)
		}
		o.paren, o.call = true, false
		return o
	}
	p.syntaxError()
	return Operand{}
}

// call parses ID '(' operand { ',' operand } ')'.
func (p *parser) call() Operand {
	pos := p.i
	name := p.text(p.tok())
	p.i += 2 // ID '('
	f := lookupFunc(name)
	if f == FuncNone {
		p.event(pos, 0, msgBadFunction+name)
	}
	o := Operand{Kind: OperandFunc, Func: f, pos: int32(pos), call: true}
	o.Args = append(make([]Operand, 0, 2), p.operand())
	for p.err == nil && p.kind() == tComma {
		p.next()
		o.Args = append(o.Args, p.operand())
	}
	p.expect(tRParen)
	return o
}
