package expr

// UpdateExpr is a parsed update expression: immutable, placeholders
// unresolved, safe to share between requests.
type UpdateExpr struct {
	actions []Action
	// plan is the path tree and overlap verdict when no target path has a
	// #placeholder, so Bind does not need to redo them.
	plan *updatePlan
}

// updatePlan is what Bind derives from the resolved target paths.
type updatePlan struct {
	tree    *pathNode
	overlap *Error // overlapping or conflicting paths
}

var sectionNames = [...]string{ActionSet: "SET", ActionRemove: "REMOVE", ActionAdd: "ADD", ActionDelete: "DELETE"}

// ParseUpdate parses an UpdateExpression.
func ParseUpdate(text string) (*UpdateExpr, error) {
	if err := checkSize(ParamUpdate, text, false); err != nil {
		return nil, err
	}
	p := newParser(ParamUpdate, text)
	actions := p.update()
	if err := p.finish(); err != nil {
		return nil, err
	}
	for i := range actions {
		if actions[i].Kind == ActionSet {
			walkOperandFuncs(p, []Operand{actions[i].Value}, 0, true)
		}
	}
	if p.ev != nil {
		return nil, p.ev
	}
	if err := checkUpdateLimits(actions); err != nil {
		return nil, err
	}
	e := &UpdateExpr{actions: actions}
	if !targetsHavePlaceholders(actions) {
		e.plan = planUpdate(actions)
	}
	return e, nil
}

// update parses one or more sections.
func (p *parser) update() []Action {
	var actions []Action
	var seen [4]bool
	for p.err == nil {
		var kind ActionKind
		switch p.kind() {
		case tSET:
			kind = ActionSet
		case tREMOVE:
			kind = ActionRemove
		case tADD:
			kind = ActionAdd
		case tDELETE:
			kind = ActionDelete
		default:
			if len(actions) == 0 {
				p.syntaxError()
			}
			return actions
		}
		p.next()
		actions = p.section(kind, actions)
		if seen[kind] && p.err == nil {
			p.event(p.i-1, 1, `The "`+sectionNames[kind]+`" section can only be used once in an update expression;`)
		}
		seen[kind] = true
	}
	return actions
}

// section parses the comma-separated actions of one section.
func (p *parser) section(kind ActionKind, actions []Action) []Action {
	for {
		actions = append(actions, p.action(kind))
		if p.err != nil || p.kind() != tComma {
			return actions
		}
		p.next()
	}
}

// action parses one SET, REMOVE, ADD or DELETE action.
func (p *parser) action(kind ActionKind) Action {
	a := Action{Kind: kind}
	if k := p.kind(); k != tID && k != tName {
		p.syntaxError()
		return a
	}
	a.Path = p.path()
	if p.err != nil {
		return a
	}
	switch kind {
	case ActionSet:
		if p.expect(tEQ) {
			a.Value = p.setValue()
		}
	case ActionAdd, ActionDelete:
		if p.kind() != tValue {
			p.syntaxError()
			return a
		}
		a.Value = p.operand()
	}
	return a
}

// setValue parses operand | operand ('+'|'-') operand | '(' arithmetic ')'.
func (p *parser) setValue() Operand {
	o, arith := p.setUnit()
	if p.err != nil || arith {
		return o
	}
	return p.arithmetic(o)
}

// arithmetic parses an optional '+'/'-' and right operand after lhs.
func (p *parser) arithmetic(lhs Operand) Operand {
	var kind OperandKind
	switch p.kind() {
	case tPlus:
		kind = OperandPlus
	case tMinus:
		kind = OperandMinus
	default:
		return lhs
	}
	p.next()
	lhs.paren, lhs.call = false, false
	rhs := p.operand()
	rhs.paren, rhs.call = false, false
	return Operand{Kind: kind, Args: []Operand{lhs, rhs}}
}

// setUnit parses an operand or a parenthesized arithmetic; arith reports
// the latter, which cannot be an operand of '+' or '-'.
func (p *parser) setUnit() (o Operand, arith bool) {
	if p.kind() != tLParen {
		return p.operand(), false
	}
	p.next()
	inner, innerArith := p.setUnit()
	if p.err != nil {
		return inner, false
	}
	if !innerArith {
		if k := p.kind(); k == tPlus || k == tMinus {
			inner = p.arithmetic(inner)
			innerArith = true
		}
	}
	if !p.expect(tRParen) {
		return inner, false
	}
	if inner.paren {
		p.redundant(p.i - 1)
	}
	inner.paren, inner.call = true, false
	return inner, innerArith
}

// targetsHavePlaceholders reports whether any action's target path uses a
// #placeholder, so its overlap check must wait for Bind.
func targetsHavePlaceholders(actions []Action) bool {
	for i := range actions {
		for _, e := range actions[i].Path {
			if e.Kind == ElemPlaceholder {
				return true
			}
		}
	}
	return false
}

// checkUpdateLimits applies path depth (targets first, as the service
// builds its path tree before it validates values) and the operator limit.
func checkUpdateLimits(actions []Action) error {
	l := limits{param: ParamUpdate}
	for i := range actions {
		l.path(actions[i].Path)
	}
	for i := range actions {
		if actions[i].Kind == ActionSet {
			l.operands([]Operand{actions[i].Value})
		}
	}
	if l.err != nil {
		return l.err
	}
	return nil
}
