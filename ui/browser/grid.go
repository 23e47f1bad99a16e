package browser

import (
	"slices"
	"sort"
	"strings"

	"dynalab/engine/attr"
	"dynalab/ui/common"
	"dynalab/ui/widgets"
)

// grid holds the loaded items of one listing and what drawing them needs:
// the columns seen so far (key attributes first, then in order of first
// appearance, so that columns never move as pages load), and the runs of
// rows sharing a partition key. Only rows on screen are ever formatted.
type grid struct {
	pk, sk   string   // the listing's key attributes (sk "" when none)
	pks      []string // every partition attribute of a multi-attribute key (nil: pk alone)
	keyNames []string // the item key: the table's own key attributes

	items []attr.Item // every loaded item, in the service's order
	rows  []int       // the items shown (a search narrows them); nil means all
	query string      // the search over loaded rows, lower-case ("" none)

	groups []group // runs of shown rows with the same partition key (nil when no sort key)

	cols     []column
	colIndex map[string]int

	// Facets (sessions/model): classify says which entity type an item
	// is (-1 none); kinds holds it for every loaded item, computed once
	// as the item arrives, and counts how many items each type has.
	// facet ≥ 0 shows that type's rows only, with the columns in order.
	classify func(attr.Item) int
	kinds    []int
	counts   []int // by facet; counts[len-1] is the items of no facet
	facet    int
	order    []int
	kwidth   [][]int // by facet, by column: natural widths over that facet's rows

	// runs numbers the runs of loaded items sharing a partition: two
	// shown rows of one run are of one partition without comparing keys.
	runs []int32
}

// group is a run of shown rows sharing a partition key.
type group struct {
	start, count int    // shown positions
	key          string // the partition key value, as shown
}

// column is one attribute of the grid.
type column struct {
	name  string
	types uint16 // bit per attr.Type seen
	width int    // natural width, capped
	key   bool
}

// maxColWidth caps a column's natural width.
const maxColWidth = 32

func newGrid(pk, sk string, keyNames []string) *grid {
	g := &grid{pk: pk, sk: sk, keyNames: keyNames, colIndex: map[string]int{}, facet: -1}
	for _, k := range keyNames {
		g.column(k).key = true
	}
	if pk != "" {
		g.column(pk).key = true
	}
	if sk != "" {
		g.column(sk).key = true
	}
	return g
}

// setIndexKey makes the grid list an index with a multi-attribute key:
// every key attribute is a key column, and rows group by all the
// partition attributes together.
func (g *grid) setIndexKey(part, sort []common.KeyAttr) {
	g.pks = nil
	for _, a := range part {
		g.pks = append(g.pks, a.Name)
		g.column(a.Name).key = true
	}
	for _, a := range sort {
		g.column(a.Name).key = true
	}
}

// partitionLabel names the partition attributes in group headers.
func (g *grid) partitionLabel() string {
	if len(g.pks) > 1 {
		return strings.Join(g.pks, ",")
	}
	return g.pk
}

// partitionOf renders an item's partition, as group headers show it.
func (g *grid) partitionOf(it attr.Item) string {
	if len(g.pks) <= 1 {
		return widgets.ValueText(it[g.pk], 80)
	}
	parts := make([]string, len(g.pks))
	for i, n := range g.pks {
		parts[i] = widgets.ValueText(it[n], 80)
	}
	return strings.Join(parts, " · ")
}

func (g *grid) column(name string) *column {
	if i, ok := g.colIndex[name]; ok {
		return &g.cols[i]
	}
	g.colIndex[name] = len(g.cols)
	g.cols = append(g.cols, column{name: name, width: widgets.Width(name) + 2})
	return &g.cols[len(g.cols)-1]
}

// add appends a page of items.
func (g *grid) add(items []attr.Item) {
	for _, it := range items {
		g.items = append(g.items, it)
		k := g.kindOf(it)
		g.kinds = append(g.kinds, k)
		g.countKind(k, 1)
		g.learn(it, k)
		g.runs = append(g.runs, g.runOf(len(g.items)-1))
		if g.rows == nil {
			g.grouped(len(g.items)-1, it)
		} else if g.matches(len(g.items)-1, it) {
			g.rows = append(g.rows, len(g.items)-1)
			g.grouped(len(g.rows)-1, it)
		}
	}
}

// kindOf classifies an item: its facet, -1 for none.
func (g *grid) kindOf(it attr.Item) int {
	if g.classify == nil {
		return -1
	}
	return g.classify(it)
}

// countKind adds d to the count of kind k.
func (g *grid) countKind(k, d int) {
	if len(g.counts) == 0 {
		return
	}
	if k < 0 {
		k = len(g.counts) - 1
	}
	g.counts[k] += d
}

// setClassifier classifies every loaded item into one of n facets and
// shows them all.
func (g *grid) setClassifier(n int, f func(attr.Item) int) {
	g.classify = f
	g.counts, g.kwidth = nil, nil
	if f != nil {
		g.counts, g.kwidth = make([]int, n+1), make([][]int, n)
	}
	g.kinds = g.kinds[:0]
	for _, it := range g.items {
		k := g.kindOf(it)
		g.kinds = append(g.kinds, k)
		g.countKind(k, 1)
		if k >= 0 {
			g.learn(it, k)
		}
	}
	g.facet, g.order = -1, nil
	g.regroup()
}

// setFacet shows the rows of facet f (-1: every row) with the key
// columns, then attrs in their order.
func (g *grid) setFacet(f int, attrs []string) {
	g.facet, g.order = f, nil
	if f >= 0 {
		for i, c := range g.cols {
			if c.key {
				g.order = append(g.order, i)
			}
		}
		for _, a := range attrs {
			if !g.column(a).key {
				g.order = append(g.order, g.colIndex[a])
			}
		}
	}
	g.regroup()
}

// width is column i's natural width: over the facet's rows when one is
// shown (an order's long sort key does not widen the users' grid), else
// over every row.
func (g *grid) width(i int) int {
	if g.facet < 0 || g.facet >= len(g.kwidth) {
		return g.cols[i].width
	}
	if kw := g.kwidth[g.facet]; i < len(kw) {
		return kw[i]
	}
	return widgets.Width(g.cols[i].name) + 2 // no row of the facet has it yet
}

// seq returns the columns shown, in order: the facet's, or every column
// an item has (a facet's column that no item has yet stays out of "all
// items").
func (g *grid) seq() []int {
	if g.order != nil {
		return g.order
	}
	out := make([]int, 0, len(g.cols))
	for i, c := range g.cols {
		if c.key || c.types != 0 {
			out = append(out, i)
		}
	}
	return out
}

// learn records an item's attributes in the columns, and its widths in
// those of its facet k (-1: none). Names new to the grid are added in
// byte order, so that the columns do not depend on map order.
func (g *grid) learn(it attr.Item, k int) {
	var fresh []string
	for name := range it {
		if _, ok := g.colIndex[name]; !ok {
			fresh = append(fresh, name)
		}
	}
	slices.Sort(fresh)
	for _, name := range fresh {
		g.column(name)
	}
	var kw []int
	if k >= 0 && k < len(g.kwidth) {
		kw = g.kwidth[k]
		for len(kw) < len(g.cols) {
			kw = append(kw, widgets.Width(g.cols[len(kw)].name)+2)
		}
		g.kwidth[k] = kw
	}
	for name, v := range it {
		ci := g.colIndex[name]
		c := &g.cols[ci]
		c.types |= 1 << v.Type()
		if c.width < maxColWidth || (kw != nil && kw[ci] < maxColWidth) {
			w := widgets.Width(widgets.ValueText(v, maxColWidth)) // once for both widths
			c.width = min(maxColWidth, max(c.width, w))
			if kw != nil {
				kw[ci] = min(maxColWidth, max(kw[ci], w))
			}
		}
	}
}

// grouped extends the groups with the item at shown position pos.
func (g *grid) grouped(pos int, it attr.Item) {
	if g.sk == "" {
		return
	}
	// Compare values with the previous shown row and render the key only
	// for a new group: regrouping 100,000 rows (a search, an entity type)
	// then formats one key per partition, not one per row.
	if n := len(g.groups); n > 0 && pos > 0 && g.samePartitionAt(g.index(pos-1), g.index(pos), it) {
		g.groups[n-1].count++
		return
	}
	g.groups = append(g.groups, group{start: pos, count: 1, key: g.partitionOf(it)})
}

// samePartitionAt reports whether the items at item indexes i and j (it)
// have the same partition: at once when they are of one run.
func (g *grid) samePartitionAt(i, j int, it attr.Item) bool {
	if i < len(g.runs) && j < len(g.runs) && g.runs[i] == g.runs[j] {
		return true
	}
	return g.samePartition(g.items[i], it)
}

// runOf returns the run of the item at item index i: its predecessor's
// when they share a partition, else the next.
func (g *grid) runOf(i int) int32 {
	switch {
	case i == 0:
		return 0
	case g.samePartition(g.items[i-1], g.items[i]):
		return g.runs[i-1]
	}
	return g.runs[i-1] + 1
}

// rerun numbers the runs again after items moved.
func (g *grid) rerun() {
	g.runs = g.runs[:0]
	for i := range g.items {
		g.runs = append(g.runs, g.runOf(i))
	}
}

// samePartition reports whether two items have the same partition.
func (g *grid) samePartition(a, b attr.Item) bool {
	if len(g.pks) <= 1 {
		return attr.Equal(a[g.pk], b[g.pk])
	}
	for _, n := range g.pks {
		if !attr.Equal(a[n], b[n]) {
			return false
		}
	}
	return true
}

// regroup rebuilds the shown rows and the groups.
func (g *grid) regroup() {
	g.groups = g.groups[:0]
	if g.query == "" && g.facet < 0 {
		g.rows = nil
		for i, it := range g.items {
			g.grouped(i, it)
		}
		return
	}
	g.rows = make([]int, 0, len(g.rows))
	for i, it := range g.items {
		if g.matches(i, it) {
			g.rows = append(g.rows, i)
			g.grouped(len(g.rows)-1, it)
		}
	}
}

// setSearch narrows the shown rows to items whose text contains q
// (case-insensitive); "" shows them all.
func (g *grid) setSearch(q string) {
	g.query = strings.ToLower(q)
	g.regroup()
}

// matches reports whether the item at item index i is shown: of the
// facet shown, and matching the search.
func (g *grid) matches(i int, it attr.Item) bool {
	if g.facet >= 0 && (i >= len(g.kinds) || g.kinds[i] != g.facet) {
		return false
	}
	if g.query == "" {
		return true
	}
	for name, v := range it {
		if strings.Contains(strings.ToLower(name), g.query) ||
			strings.Contains(strings.ToLower(widgets.ValueText(v, 200)), g.query) {
			return true
		}
	}
	return false
}

// shown returns the number of rows shown.
func (g *grid) shown() int {
	if g.rows == nil {
		return len(g.items)
	}
	return len(g.rows)
}

// index returns the item index of shown position pos.
func (g *grid) index(pos int) int {
	if g.rows == nil {
		return pos
	}
	return g.rows[pos]
}

// item returns the item at shown position pos.
func (g *grid) item(pos int) attr.Item { return g.items[g.index(pos)] }

// displayRows is the number of lines the grid has: shown rows plus one
// header per group.
func (g *grid) displayRows() int { return g.shown() + len(g.groups) }

// groupOf returns the group holding shown position pos (-1 without groups).
func (g *grid) groupOf(pos int) int {
	if len(g.groups) == 0 {
		return -1
	}
	i, found := slices.BinarySearchFunc(g.groups, pos, func(gr group, p int) int { return gr.start - p })
	if !found {
		i--
	}
	return i
}

// displayRow returns the line of shown position pos.
func (g *grid) displayRow(pos int) int { return pos + g.groupOf(pos) + 1 }

// atDisplay tells what line r shows: a group header (grp ≥ 0, pos -1)
// or a row (pos ≥ 0).
func (g *grid) atDisplay(r int) (grp, pos int) {
	if len(g.groups) == 0 {
		return -1, r
	}
	// Group i's header is on line start+i; find the last one at or before r.
	i := sort.Search(len(g.groups), func(i int) bool { return g.groups[i].start+i > r }) - 1
	i = max(i, 0)
	head := g.groups[i].start + i
	if r == head {
		return i, -1
	}
	return i, g.groups[i].start + (r - head - 1)
}

// replace puts a new version of the item at item index i.
func (g *grid) replace(i int, it attr.Item) {
	g.items[i] = it
	g.countKind(g.kinds[i], -1)
	g.kinds[i] = g.kindOf(it)
	g.countKind(g.kinds[i], 1)
	g.learn(it, g.kinds[i])
}

// insert adds an item after item index i (or at the end) and regroups.
func (g *grid) insert(i int, it attr.Item) {
	at := min(i+1, len(g.items))
	g.items = slices.Insert(g.items, at, it)
	k := g.kindOf(it)
	g.kinds = slices.Insert(g.kinds, at, k)
	g.countKind(k, 1)
	g.learn(it, k)
	g.rerun()
	g.regroup()
}

// remove drops the items at the given item indexes and regroups.
func (g *grid) remove(indexes []int) {
	drop := map[int]bool{}
	for _, i := range indexes {
		drop[i] = true
	}
	kept, kinds := g.items[:0], g.kinds[:0]
	for i, it := range g.items {
		if !drop[i] {
			kept, kinds = append(kept, it), append(kinds, g.kinds[i])
		} else {
			g.countKind(g.kinds[i], -1)
		}
	}
	clear(g.items[len(kept):])
	g.items, g.kinds = kept, kinds
	g.rerun()
	g.regroup()
}

// find returns the item index of the item with the given key, or -1.
func (g *grid) find(key attr.Item) int {
	for i, it := range g.items {
		if keyEqual(it, key, g.keyNames) {
			return i
		}
	}
	return -1
}

func keyEqual(a, b attr.Item, names []string) bool {
	for _, n := range names {
		if !attr.Equal(a[n], b[n]) {
			return false
		}
	}
	return true
}

// keyOf returns an item's key attributes.
func keyOf(it attr.Item, names []string) attr.Item {
	k := attr.Item{}
	for _, n := range names {
		if v, ok := it[n]; ok {
			k[n] = v
		}
	}
	return k
}

// typeTag returns the column's type for its header: the type when one
// was seen, "*" when several were.
func (c column) typeTag() string {
	tag := ""
	for t := attr.TypeS; t <= attr.TypeBS; t++ {
		if c.types&(1<<t) != 0 {
			if tag != "" {
				return "*"
			}
			tag = t.String()
		}
	}
	return tag
}

// mixed reports whether the column holds several types.
func (c column) mixed() bool { return c.types&(c.types-1) != 0 }
