package partiql

import (
	"slices"
	"strconv"

	"dynalab/engine/attr"
)

// A SELECT's nested projections come back flattened: SELECT a.b, c[0]
// gives items {"b": ..., "c[0]": ...}, each projected value named by its
// path's last map key followed by any list indexes after it (DynamoDB
// Local's SelectProjectionUnnester, believed to match the service). The
// engine projects the item (ProjectionExpression); projectionTree then
// un-nests the projected document.

// projectionTree is the projected paths as a tree.
type projectionTree struct {
	names   []string // map-key children, in order of appearance
	byName  map[string]*projectionTree
	indexes []int // list-index children, ascending
	byIndex map[int]*projectionTree
}

func newProjectionTree(paths []*Path) *projectionTree {
	root := &projectionTree{}
	for _, p := range paths {
		n := root.nameChild(p.Name)
		for _, s := range p.Steps {
			if s.IsIndex {
				n = n.indexChild(s.Index)
			} else {
				n = n.nameChild(s.Name)
			}
		}
	}
	return root
}

func (t *projectionTree) leaf() bool { return len(t.names) == 0 && len(t.indexes) == 0 }

func (t *projectionTree) nameChild(name string) *projectionTree {
	if c, ok := t.byName[name]; ok {
		return c
	}
	if t.byName == nil {
		t.byName = map[string]*projectionTree{}
	}
	c := &projectionTree{}
	t.byName[name] = c
	t.names = append(t.names, name)
	return c
}

func (t *projectionTree) indexChild(i int) *projectionTree {
	if c, ok := t.byIndex[i]; ok {
		return c
	}
	if t.byIndex == nil {
		t.byIndex = map[int]*projectionTree{}
	}
	c := &projectionTree{}
	t.byIndex[i] = c
	t.indexes = append(t.indexes, i)
	slices.Sort(t.indexes)
	return c
}

// flatten un-nests an item the engine projected onto the tree's paths.
func (t *projectionTree) flatten(item attr.Item) attr.Item {
	if t == nil || item == nil {
		return item
	}
	out := attr.Item{}
	t.unnestMap(item, out)
	return out
}

func (t *projectionTree) unnestMap(m map[string]attr.Value, out attr.Item) {
	for _, name := range t.names {
		v, ok := m[name]
		if !ok {
			continue
		}
		t.byName[name].unnest(v, name, out)
	}
}

// unnest places v, found at a projected path whose flattened name is name.
func (t *projectionTree) unnest(v attr.Value, name string, out attr.Item) {
	switch {
	case t.leaf():
		out[name] = v
	case v.Type() == attr.TypeM:
		t.unnestMap(v.Map(), out)
	case v.Type() == attr.TypeL:
		// A projected list holds the projected elements only, in index
		// order: its i-th element is the i-th projected index present.
		elems := v.List()
		for i, idx := range t.indexes {
			if i >= len(elems) {
				break
			}
			t.byIndex[idx].unnest(elems[i], name+"["+strconv.Itoa(idx)+"]", out)
		}
	}
}
