package expr

// ConditionExpr is a parsed condition, filter or key condition expression:
// immutable, with placeholders unresolved, safe to share between requests.
type ConditionExpr struct {
	param string
	root  *Condition
}

// Param returns the request parameter the expression came from.
func (e *ConditionExpr) Param() string { return e.param }

// ParseCondition parses a ConditionExpression or FilterExpression; param
// names the parameter in error messages ("Invalid <param>: ...").
func ParseCondition(param, text string) (*ConditionExpr, error) {
	if err := checkSize(param, text, true); err != nil {
		return nil, err
	}
	p := newParser(param, text)
	root, _ := p.condition(0, false)
	if err := p.finish(); err != nil {
		return nil, err
	}
	walkCondFuncs(p, root)
	if p.ev != nil {
		return nil, p.ev
	}
	return &ConditionExpr{param: param, root: root}, nil
}

// ParseKeyCondition parses a Query KeyConditionExpression. It is a condition
// expression; the key-condition rules apply when it is bound (KeyTerms).
func ParseKeyCondition(text string) (*ConditionExpr, error) {
	return ParseCondition(ParamKeyCondition, text)
}

// condition parses a condition whose binary operators have at least the
// given precedence (0: any, 1: OR and up, 2: AND and up, 3: none). Inside
// parentheses the text may turn out to be an operand, which is returned
// instead for the enclosing parentheses to deal with.
func (p *parser) condition(prec int, inParen bool) (*Condition, *Operand) {
	c, o := p.primary(inParen)
	if p.err != nil || o != nil {
		return c, o
	}
	for p.err == nil {
		switch {
		case p.kind() == tAND && prec <= 2:
			p.next()
			r, _ := p.condition(2, false)
			c = And(c, r)
		case p.kind() == tOR && prec <= 1:
			p.next()
			r, _ := p.condition(1, false)
			c = Or(c, r)
		default:
			return c, nil
		}
	}
	return c, nil
}

// primary parses one condition without a trailing AND/OR chain.
func (p *parser) primary(inParen bool) (*Condition, *Operand) {
	if p.kind() == tNOT {
		p.resolve(p.i)
		p.next()
		c, _ := p.condition(3, false)
		return Not(c), nil
	}
	p.win++
	c, o := p.unit()
	if p.err != nil || c != nil {
		return c, nil
	}
	switch k := p.kind(); {
	case isComparator(k) || k == tIN || k == tBETWEEN:
		p.resolve(p.i)
		return p.comparison(*o), nil
	case o.call && inParen && k == tRParen:
		p.win--
		return nil, o
	case o.call:
		p.resolve(p.i - 1)
		return &Condition{Kind: CondFunc, Func: o.Func, Args: o.Args, pos: o.pos, grouped: o.paren}, nil
	case inParen:
		p.win--
		return nil, o
	}
	p.syntaxError()
	return nil, nil
}

// unit parses what starts a condition: a parenthesized condition or operand,
// or an operand (possibly a function call, which may still be a condition).
func (p *parser) unit() (*Condition, *Operand) {
	switch p.kind() {
	case tLParen:
		p.next()
		c, o := p.condition(0, true)
		if !p.expect(tRParen) {
			return nil, nil
		}
		if c != nil {
			if c.grouped {
				p.redundant(p.i - 1)
			}
			c.grouped = true
			return c, nil
		}
		if o.paren {
			p.redundant(p.i - 1)
		}
		o.paren = true
		return nil, o
	case tID, tName, tValue:
		o := p.operand()
		return nil, &o
	}
	p.syntaxError()
	return nil, nil
}

// comparison parses the rest of a comparison, IN or BETWEEN after lhs.
func (p *parser) comparison(lhs Operand) *Condition {
	lhs.call = false
	k := p.kind()
	p.next()
	switch k {
	case tIN:
		c := &Condition{Kind: CondIn, Args: []Operand{lhs}}
		if !p.expect(tLParen) {
			return c
		}
		c.Args = append(c.Args, p.operand())
		for p.err == nil && p.kind() == tComma {
			p.next()
			c.Args = append(c.Args, p.operand())
		}
		p.expect(tRParen)
		return c
	case tBETWEEN:
		lo := p.operand()
		p.expect(tAND)
		var hi Operand
		if p.err == nil {
			hi = p.operand()
		}
		return &Condition{Kind: CondBetween, Args: []Operand{lhs, lo, hi}}
	}
	return &Condition{Kind: CondEQ + CondKind(k-tEQ), Args: []Operand{lhs, p.operand()}}
}
