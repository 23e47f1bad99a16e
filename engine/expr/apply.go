package expr

import (
	"maps"

	"dynalab/engine/attr"
)

// Update is a bound update expression (or a PartiQL UPDATE's SET/REMOVE
// list): actions ready to apply to an item.
type Update struct {
	Actions []Action
	tree    *pathNode
}

// NewUpdate returns an update of the given bound actions, checking their
// target paths for overlaps and conflicts as an UpdateExpression would.
func NewUpdate(actions []Action) (*Update, error) {
	plan := planUpdate(actions)
	if plan.overlap != nil {
		return nil, plan.overlap
	}
	return &Update{Actions: actions, tree: plan.tree}, nil
}

// Paths returns the target path of every action, in expression order.
func (u *Update) Paths() []Path {
	paths := make([]Path, len(u.Actions))
	for i := range u.Actions {
		paths[i] = u.Actions[i].Path
	}
	return paths
}

// Writes reports whether the update has a SET or ADD action, the only kind
// that can create an item that does not exist.
func (u *Update) Writes() bool {
	for i := range u.Actions {
		if k := u.Actions[i].Kind; k == ActionSet || k == ActionAdd {
			return true
		}
	}
	return false
}

// Project returns item projected onto the update's target paths, for the
// UPDATED_OLD (old item) and UPDATED_NEW (new item) return values.
func (u *Update) Project(item attr.Item) attr.Item { return projectItem(item, u.root()) }

// root returns the path tree, building it for an Update made without
// NewUpdate (never stored, so an Update is safe for concurrent use).
func (u *Update) root() *pathNode {
	if u.tree == nil {
		return buildTree(u.Paths(), u.Actions)
	}
	return u.tree
}

// Apply returns the item that results from applying the update to the
// stored item old. It never modifies old or any value in it: changed maps
// and lists are copied, unchanged values are shared. Every right-hand side
// reads old, not the item being built.
func (u *Update) Apply(old attr.Item) (attr.Item, error) { return u.apply(old, true) }

// ApplyAbsent is Apply for a key that has no item: key holds the key
// attributes. REMOVE and DELETE under a missing parent are then ignored
// instead of failing. The result includes the key attributes.
func (u *Update) ApplyAbsent(key attr.Item) (attr.Item, error) { return u.apply(key, false) }

func (u *Update) apply(old attr.Item, exists bool) (attr.Item, error) {
	a := applier{u: u, old: old, exists: exists}
	out := maps.Clone(old)
	if out == nil {
		out = make(attr.Item)
	}
	for _, k := range u.root().kids {
		if k.elem.Kind != ElemName {
			return nil, newError(msgPathInvalidForUpdate)
		}
		cur, has := old[k.elem.Name]
		v, keep, err := a.node(k, cur, has)
		if err != nil {
			return nil, err
		}
		if keep {
			out[k.elem.Name] = v
		} else {
			delete(out, k.elem.Name)
		}
	}
	return out, nil
}

// applier applies one update to one item.
type applier struct {
	u      *Update
	old    attr.Item
	exists bool
}

// node returns the new value at a tree node whose current value is cur
// (has false: absent); keep false means the result is absent.
func (a *applier) node(n *pathNode, cur attr.Value, has bool) (attr.Value, bool, error) {
	if n.leaf {
		if n.action < 0 || n.action >= len(a.u.Actions) {
			return cur, has, nil
		}
		return a.action(&a.u.Actions[n.action], cur, has)
	}
	if !has {
		if !a.exists && n.removesOnly {
			return cur, false, nil
		}
		return attr.Value{}, false, newError(msgPathInvalidForUpdate)
	}
	switch cur.Type() {
	case attr.TypeM:
		return a.mapNode(n, cur)
	case attr.TypeL:
		return a.listNode(n, cur)
	}
	return attr.Value{}, false, newError(msgPathInvalidForUpdate)
}

func (a *applier) mapNode(n *pathNode, cur attr.Value) (attr.Value, bool, error) {
	m := maps.Clone(cur.Map())
	if m == nil {
		m = make(map[string]attr.Value)
	}
	for _, k := range n.kids {
		if k.elem.Kind != ElemName {
			return attr.Value{}, false, newError(msgPathInvalidForUpdate)
		}
		c, has := m[k.elem.Name]
		v, keep, err := a.node(k, c, has)
		if err != nil {
			return attr.Value{}, false, err
		}
		if keep {
			m[k.elem.Name] = v
		} else {
			delete(m, k.elem.Name)
		}
	}
	return attr.M(m), true, nil
}

// listNode applies the children of a list: indexes refer to positions in
// the old list, removed elements close up, and values set past the end are
// appended in index order.
func (a *applier) listNode(n *pathNode, cur attr.Value) (attr.Value, bool, error) {
	old := cur.List()
	elems := make([]attr.Value, len(old))
	copy(elems, old)
	removed := make([]bool, len(old))
	var appended []attr.Value
	for _, k := range n.kids {
		if k.elem.Kind != ElemIndex {
			return attr.Value{}, false, newError(msgPathInvalidForUpdate)
		}
		i := k.elem.Index
		inside := i >= 0 && i < len(old)
		var c attr.Value
		if inside {
			c = old[i]
		}
		v, keep, err := a.node(k, c, inside)
		switch {
		case err != nil:
			return attr.Value{}, false, err
		case inside && keep:
			elems[i] = v
		case inside:
			removed[i] = true
		case keep:
			appended = append(appended, v)
		}
	}
	out := make([]attr.Value, 0, len(old)+len(appended))
	for i, e := range elems {
		if !removed[i] {
			out = append(out, e)
		}
	}
	return attr.L(append(out, appended...)), true, nil
}

// action computes one action's result at its target.
func (a *applier) action(act *Action, cur attr.Value, has bool) (attr.Value, bool, error) {
	switch act.Kind {
	case ActionSet:
		v, ok, err := act.Value.value(a.old)
		if err != nil {
			return attr.Value{}, false, err
		}
		if !ok {
			return attr.Value{}, false, newError(msgAttributeNotInItem)
		}
		return v, true, nil
	case ActionRemove:
		return attr.Value{}, false, nil
	case ActionAdd:
		return add(cur, has, act.Value.Value)
	case ActionDelete:
		return remove(cur, has, act.Value.Value)
	}
	return cur, has, nil
}

// add is ADD: numeric addition (a missing attribute counts as 0) or set
// union (a missing attribute counts as the empty set).
func add(cur attr.Value, has bool, v attr.Value) (attr.Value, bool, error) {
	switch {
	case v.Type() != attr.TypeN && !v.Type().IsSet():
		return attr.Value{}, false, newError(msgOperandDataType)
	case !has:
		return v, true, nil
	case cur.Type() != v.Type():
		return attr.Value{}, false, newError(msgOperandDataType)
	case v.Type() == attr.TypeN:
		sum, err := attr.Add(cur, v)
		if err != nil {
			return attr.Value{}, false, fromAttr(err)
		}
		return sum, true, nil
	}
	return attr.Union(cur, v), true, nil
}

// remove is DELETE: set difference; an emptied set is removed, and a
// missing attribute stays missing.
func remove(cur attr.Value, has bool, v attr.Value) (attr.Value, bool, error) {
	switch {
	case !v.Type().IsSet():
		return attr.Value{}, false, newError(msgOperandDataType)
	case !has:
		return attr.Value{}, false, nil
	case cur.Type() != v.Type():
		return attr.Value{}, false, newError(msgOperandDataType)
	}
	d := attr.Difference(cur, v)
	return d, !d.IsZero(), nil
}

// value evaluates an update operand against the old item. ok false means
// the operand is missing, which the caller turns into an error; err is an
// operand type error, a missing operand of a function, or number overflow.
func (o *Operand) value(item attr.Item) (attr.Value, bool, error) {
	switch o.Kind {
	case OperandPath:
		v, ok := o.Path.Resolve(item)
		return v, ok, nil
	case OperandValue:
		return o.Value, !o.Value.IsZero(), nil
	case OperandPlus, OperandMinus:
		return o.arithmetic(item)
	case OperandFunc:
		switch o.Func {
		case FuncIfNotExists:
			return o.ifNotExists(item)
		case FuncListAppend:
			return o.listAppend(item)
		case FuncSize:
			v, ok := o.eval(item)
			return v, ok, nil
		}
	}
	return attr.Value{}, false, nil
}

// operandsOf evaluates a function's operands in order, each of which must be
// present and of type t.
func (o *Operand) operandsOf(item attr.Item, t attr.Type) ([2]attr.Value, error) {
	var vs [2]attr.Value
	if len(o.Args) != 2 {
		return vs, newError(msgOperandDataType)
	}
	for i := range vs {
		v, ok, err := o.Args[i].value(item)
		switch {
		case err != nil:
			return vs, err
		case !ok:
			return vs, newError(msgAttributeNotInItem)
		case v.Type() != t:
			return vs, newError(msgOperandDataType)
		}
		vs[i] = v
	}
	return vs, nil
}

func (o *Operand) arithmetic(item attr.Item) (attr.Value, bool, error) {
	vs, err := o.operandsOf(item, attr.TypeN)
	if err != nil {
		return attr.Value{}, false, err
	}
	var r attr.Value
	if o.Kind == OperandPlus {
		r, err = attr.Add(vs[0], vs[1])
	} else {
		r, err = attr.Sub(vs[0], vs[1])
	}
	if err != nil {
		return attr.Value{}, false, fromAttr(err)
	}
	return r, true, nil
}

func (o *Operand) listAppend(item attr.Item) (attr.Value, bool, error) {
	vs, err := o.operandsOf(item, attr.TypeL)
	if err != nil {
		return attr.Value{}, false, err
	}
	a, b := vs[0].List(), vs[1].List()
	l := make([]attr.Value, 0, len(a)+len(b))
	return attr.L(append(append(l, a...), b...)), true, nil
}

// ifNotExists evaluates both operands, as the service does: a missing
// second operand is an error even when the first exists.
func (o *Operand) ifNotExists(item attr.Item) (attr.Value, bool, error) {
	if len(o.Args) != 2 {
		return attr.Value{}, false, newError(msgOperandDataType)
	}
	first, has, err := o.Args[0].value(item)
	if err != nil {
		return attr.Value{}, false, err
	}
	second, ok, err := o.Args[1].value(item)
	if err != nil {
		return attr.Value{}, false, err
	}
	if !ok {
		return attr.Value{}, false, newError(msgAttributeNotInItem)
	}
	if has {
		return first, true, nil
	}
	return second, true, nil
}
