package expr

import (
	"cmp"
	"slices"

	"dynalab/engine/attr"
)

// pathNode is a trie of document paths: the targets of an update, or the
// paths of a projection. Children are sorted, names before indexes, names
// by bytes and indexes by value, which is the order the service applies
// updates in.
type pathNode struct {
	elem   PathElem
	leaf   bool        // a path ends here
	action int         // for update trees: the action of this leaf
	kids   []*pathNode // sorted, see above
	// removesOnly: every action in the subtree is REMOVE or DELETE, which
	// are silently skipped under a missing parent on a missing item.
	removesOnly bool
}

// child returns the child for element e, creating it if asked.
func (n *pathNode) child(e PathElem, create bool) *pathNode {
	for _, k := range n.kids {
		if k.elem.same(e) {
			return k
		}
	}
	if !create {
		return nil
	}
	k := &pathNode{elem: PathElem{Kind: e.Kind, Name: e.Name, Index: e.Index}, action: -1}
	n.kids = append(n.kids, k)
	return k
}

// insert adds a path; a path that is a prefix of another wins (the longer
// one adds nothing to a projection).
func (n *pathNode) insert(p Path, action int) {
	for _, e := range p {
		if n.leaf {
			return
		}
		n = n.child(e, true)
	}
	n.leaf, n.action, n.kids = true, action, nil
}

// sort orders every node's children and computes removesOnly.
func (n *pathNode) sort(actions []Action) bool {
	slices.SortFunc(n.kids, func(a, b *pathNode) int {
		if a.elem.Kind != b.elem.Kind {
			return cmp.Compare(a.elem.Kind, b.elem.Kind)
		}
		if a.elem.Kind == ElemIndex {
			return cmp.Compare(a.elem.Index, b.elem.Index)
		}
		return cmp.Compare(a.elem.Name, b.elem.Name)
	})
	if n.leaf {
		n.removesOnly = n.action >= 0 && n.action < len(actions) &&
			(actions[n.action].Kind == ActionRemove || actions[n.action].Kind == ActionDelete)
		return n.removesOnly
	}
	n.removesOnly = true
	for _, k := range n.kids {
		if !k.sort(actions) {
			n.removesOnly = false
		}
	}
	return n.removesOnly
}

// buildTree returns the trie of paths; actions, if given, label the leaves.
func buildTree(paths []Path, actions []Action) *pathNode {
	root := &pathNode{action: -1}
	for i, p := range paths {
		if len(p) > 0 {
			root.insert(p, i)
		}
	}
	root.sort(actions)
	return root
}

// planUpdate checks the resolved target paths for overlaps and conflicts
// and builds the update's path tree.
func planUpdate(actions []Action) *updatePlan {
	paths := make([]Path, len(actions))
	for i := range actions {
		paths[i] = actions[i].Path
	}
	if err := pathOverlap(ParamUpdate, paths); err != nil {
		return &updatePlan{overlap: err}
	}
	return &updatePlan{tree: buildTree(paths, actions)}
}

// pathOverlap reports the first pair of paths where one is a prefix of the
// other (or equal), or failing that the first pair that continues the same
// prefix with a map key in one and a list index in the other. "Path one" is
// the earlier path.
func pathOverlap(param string, paths []Path) *Error {
	var conflict *Error
	for j := range paths {
		for i := 0; i < j; i++ {
			switch relate(paths[i], paths[j]) {
			case pathsOverlap:
				return invalid(param, msgOverlap+paths[i].render()+msgPathTwo+paths[j].render())
			case pathsConflict:
				if conflict == nil {
					conflict = invalid(param, msgConflict+paths[i].render()+msgPathTwo+paths[j].render())
				}
			}
		}
	}
	return conflict
}

const (
	pathsApart = iota
	pathsOverlap
	pathsConflict
)

func relate(a, b Path) int {
	for k := 0; k < len(a) && k < len(b); k++ {
		if (a[k].Kind == ElemIndex) != (b[k].Kind == ElemIndex) {
			return pathsConflict
		}
		if !a[k].same(b[k]) {
			return pathsApart
		}
	}
	return pathsOverlap
}

// Projection is a bound ProjectionExpression (or any list of paths to
// project an item onto).
type Projection struct {
	Paths []Path
	tree  *pathNode
}

// NewProjection returns a projection onto paths. Overlapping paths are
// allowed here: the shorter one wins.
func NewProjection(paths []Path) *Projection {
	return &Projection{Paths: paths, tree: buildTree(paths, nil)}
}

// Apply returns the parts of item the projection names, keeping the
// nesting: a.b gives {"a":{"M":{"b":...}}}, list elements are kept in index
// order and compacted, and paths that do not resolve are left out. The
// result is never nil; it shares values with item.
func (p *Projection) Apply(item attr.Item) attr.Item {
	if p.tree == nil {
		p = NewProjection(p.Paths)
	}
	return projectItem(item, p.tree)
}

// Project returns item projected onto paths; see Projection.Apply.
func Project(item attr.Item, paths []Path) attr.Item {
	return projectItem(item, buildTree(paths, nil))
}

func projectItem(item attr.Item, root *pathNode) attr.Item {
	out := make(attr.Item, len(root.kids))
	for _, k := range root.kids {
		if k.elem.Kind != ElemName {
			continue
		}
		if v, ok := item[k.elem.Name]; ok {
			if pv, ok := projectValue(v, k); ok {
				out[k.elem.Name] = pv
			}
		}
	}
	return out
}

// projectValue projects v onto the subtree n; false when nothing remains.
func projectValue(v attr.Value, n *pathNode) (attr.Value, bool) {
	if n.leaf {
		return v, true
	}
	switch v.Type() {
	case attr.TypeM:
		m := v.Map()
		var out map[string]attr.Value
		for _, k := range n.kids {
			c, ok := m[k.elem.Name]
			if k.elem.Kind != ElemName || !ok {
				continue
			}
			if pv, ok := projectValue(c, k); ok {
				if out == nil {
					out = make(map[string]attr.Value)
				}
				out[k.elem.Name] = pv
			}
		}
		return attr.M(out), out != nil
	case attr.TypeL:
		l := v.List()
		var out []attr.Value
		for _, k := range n.kids {
			if k.elem.Kind != ElemIndex || k.elem.Index < 0 || k.elem.Index >= len(l) {
				continue
			}
			if pv, ok := projectValue(l[k.elem.Index], k); ok {
				out = append(out, pv)
			}
		}
		return attr.L(out), out != nil
	}
	return attr.Value{}, false
}
