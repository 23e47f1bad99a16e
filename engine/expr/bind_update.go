package expr

import "dynalab/engine/attr"

// Bind resolves the expression's placeholders from p and validates it in
// the service's order: undefined names, undefined values, overlapping then
// conflicting target paths, ADD and DELETE operand types, then functions
// and arithmetic (operand count, document path arguments, literal types).
func (e *UpdateExpr) Bind(p *Params) (*Update, error) {
	actions := make([]Action, len(e.actions))
	var undefinedName, undefinedValue string
	for i := range e.actions {
		a := &e.actions[i]
		actions[i] = Action{Kind: a.Kind}
		path, undefined := p.resolvePath(a.Path)
		if undefined != "" && undefinedName == "" {
			undefinedName = undefined
		}
		actions[i].Path = path
		actions[i].Value = resolveOperand(p, &a.Value, &undefinedName, &undefinedValue)
	}
	if undefinedName != "" {
		return nil, invalid(ParamUpdate, msgUndefinedName+undefinedName)
	}
	if undefinedValue != "" {
		return nil, invalid(ParamUpdate, msgUndefinedVal+undefinedValue)
	}
	plan := e.plan
	if plan == nil {
		plan = planUpdate(actions)
	}
	if plan.overlap != nil {
		return nil, plan.overlap
	}
	if err := checkAddDelete(actions); err != nil {
		return nil, err
	}
	for i := range actions {
		if actions[i].Kind == ActionSet {
			if err := checkUpdateOperand(&actions[i].Value); err != nil {
				return nil, err
			}
		}
	}
	return &Update{Actions: actions, tree: plan.tree}, nil
}

// resolveOperand returns o with its placeholders resolved, recording the
// first undefined name and value in text order. Unchanged parts are shared.
func resolveOperand(p *Params, o *Operand, undefinedName, undefinedValue *string) Operand {
	switch o.Kind {
	case OperandPath:
		path, undefined := p.resolvePath(o.Path)
		if undefined != "" && *undefinedName == "" {
			*undefinedName = undefined
		}
		return Operand{Kind: OperandPath, Path: path}
	case OperandPlaceholder:
		v, ok := p.value(o.Name)
		if !ok && *undefinedValue == "" {
			*undefinedValue = o.Name
		}
		return Operand{Kind: OperandValue, Value: v}
	case OperandFunc, OperandPlus, OperandMinus:
		n := Operand{Kind: o.Kind, Func: o.Func, Args: make([]Operand, len(o.Args))}
		for i := range o.Args {
			n.Args[i] = resolveOperand(p, &o.Args[i], undefinedName, undefinedValue)
		}
		return n
	}
	return *o
}

// checkAddDelete requires ADD operands to be numbers or sets and DELETE
// operands to be sets.
func checkAddDelete(actions []Action) error {
	for i := range actions {
		a := &actions[i]
		if a.Kind != ActionAdd && a.Kind != ActionDelete {
			continue
		}
		t := a.Value.Value.Type()
		if t.IsSet() || t == attr.TypeN && a.Kind == ActionAdd {
			continue
		}
		return invalid(ParamUpdate, "Incorrect operand type for operator or function; operator: "+
			sectionNames[a.Kind]+", operand type: "+updateTypeName(t))
	}
	return nil
}

// checkUpdateOperand validates functions and arithmetic after their own
// operands (post-order).
func checkUpdateOperand(o *Operand) error {
	for i := range o.Args {
		if err := checkUpdateOperand(&o.Args[i]); err != nil {
			return err
		}
	}
	var name string
	var want attr.Type
	switch {
	case o.Kind == OperandPlus:
		name, want = "+", attr.TypeN
	case o.Kind == OperandMinus:
		name, want = "-", attr.TypeN
	case o.Kind == OperandFunc:
		name = o.Func.String()
		if len(o.Args) != o.Func.arity() {
			return invalid(ParamUpdate, msgOperandCount+name+", number of operands: "+itoa(len(o.Args)))
		}
		if o.Func == FuncIfNotExists && o.Args[0].Kind != OperandPath {
			return invalid(ParamUpdate, msgNeedsPath+name)
		}
		if o.Func != FuncListAppend {
			return nil
		}
		want = attr.TypeL
	default:
		return nil
	}
	for i := range o.Args {
		if t := returnType(&o.Args[i]); t != 0 && t != want {
			return invalid(ParamUpdate, msgOperandType+name+", operand type: "+t.String())
		}
	}
	return nil
}
