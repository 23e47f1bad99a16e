package browser

import (
	"errors"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"dynalab/engine/attr"
	"dynalab/ui/common"
	"dynalab/ui/widgets"
)

// barKind says what a bar edits.
type barKind int

const (
	barKeyCond   barKind = iota // partition key value, sort key operator and values
	barFilter                   // a filter expression
	barSearch                   // a search over loaded rows
	barInline                   // one attribute of one item
	barExport                   // the file to export to
	barImport                   // the file to import
	barNewTable                 // a table spec (common.ParseTableSpec)
	barDropTable                // the name of the table to delete, typed to confirm
)

// Fields of the key-condition bar of a single-attribute key.
const (
	fieldPK = iota
	fieldOp
	fieldSK
	fieldSK2
)

// kcLayout places the key-condition bar's fields: one input per
// partition attribute, one per sort attribute, the operator and between's
// upper bound. A single-attribute key keeps the order PK, operator, SK,
// SK2; a multi-attribute key lists the inputs in key order, then the
// operator of the last sort value used, then the upper bound.
type kcLayout struct {
	np, ns int
	multi  bool
}

func (l kcLayout) count() int { return l.np + l.ns + 2 }

func (l kcLayout) pk(i int) int { return i }

func (l kcLayout) sk(j int) int {
	if !l.multi {
		return fieldSK
	}
	return l.np + j
}

func (l kcLayout) op() int {
	if !l.multi {
		return fieldOp
	}
	return l.np + l.ns
}

func (l kcLayout) sk2() int { return l.op() + 1 }

// sortField returns which sort attribute field i is the input of, or -1.
func (l kcLayout) sortField(i int) int {
	for j := range l.ns {
		if l.sk(j) == i {
			return j
		}
	}
	return -1
}

// liveSearchLimit is the most loaded rows a search narrows as you type;
// beyond it the search runs on Enter.
const liveSearchLimit = 5000

// bar is a one-line text input above the grid.
type bar struct {
	kind   barKind
	fields []widgets.Editor
	field  int
	op     int      // index into skOps
	kc     kcLayout // where the key-condition bar's fields are

	// inline edits
	pos      int // shown position of the item
	attr     string
	orig     attr.Value // zero when the attribute is absent
	origText string
	prior    string // the search before the bar opened

	// exports and imports
	table, index string
}

// transfer reports a path bar of an export or import, drawn on the
// message line.
func (b *bar) transfer() bool { return b.kind == barExport || b.kind == barImport }

// onMessageLine reports a bar drawn on the message line: a transfer's, or
// the tables list's.
func (b *bar) onMessageLine() bool {
	return b.transfer() || b.kind == barNewTable || b.kind == barDropTable
}

// fieldView draws field i of the open bar, w cells wide.
func (m *Model) fieldView(i, w int) string {
	th := m.c.Theme
	o := widgets.EditorView{Width: w, Base: th.Text, Cursor: th.Cursor, ShowCursor: m.bar.field == i}
	return m.bar.fields[i].View(o)[0]
}

func newBar(kind barKind) *bar { return newBarN(kind, 4) }

// newBarN returns a bar of n fields.
func newBarN(kind barKind, n int) *bar {
	b := &bar{kind: kind, fields: make([]widgets.Editor, n)}
	for i := range b.fields {
		b.fields[i].SingleLine = true
	}
	return b
}

func (b *bar) text() string { return b.fields[b.field].Value() }

// changed reports whether an inline edit's text differs from the value.
func (b *bar) changed() bool { return b.fields[0].Value() != b.origText }

// kcLayout returns the key-condition bar's layout for what is listed.
func (m *Model) kcLayout() kcLayout {
	part, sort := m.keySchema()
	l := kcLayout{np: len(part), ns: len(sort)}
	l.multi = l.np > 1 || l.ns > 1
	if !l.multi {
		l.np, l.ns = 1, 1 // PK, operator, SK, SK2 as always
	}
	return l
}

// openKeyCond opens the key-condition bar with the current condition.
func (m *Model) openKeyCond() {
	l := m.kcLayout()
	b := newBarN(barKeyCond, l.count())
	b.kc = l
	for i := range l.np {
		if i < len(m.cond.pks) {
			b.fields[l.pk(i)].SetValue(m.cond.pks[i])
		}
	}
	for j := range l.ns {
		if j < len(m.cond.sks) {
			b.fields[l.sk(j)].SetValue(m.cond.sks[j])
		}
	}
	b.fields[l.sk2()].SetValue(m.cond.sk2)
	b.op = max(0, slices.Index(skOps, m.cond.op))
	if l.multi && b.op == 0 {
		b.op = 1 // "=": with several sort attributes "" and "=" are one
	}
	m.bar = b
}

// openFilter opens the filter bar.
func (m *Model) openFilter() {
	b := newBar(barFilter)
	if m.filter != nil {
		b.fields[0].SetValue(m.filter.source)
	}
	m.bar = b
}

// openSearch opens the search bar.
func (m *Model) openSearch() {
	b := newBar(barSearch)
	b.fields[0].SetValue(m.search)
	b.prior = m.search
	m.bar = b
}

// barHelp returns the bar's keys.
func (m *Model) barHelp() []key.Binding {
	k := m.keys
	switch m.bar.kind {
	case barKeyCond:
		return []key.Binding{k.Submit, k.NextField, k.PrevField, k.Complete, k.Leave}
	case barFilter:
		return []key.Binding{k.Submit, k.Complete, k.Leave}
	case barNewTable, barDropTable:
		submit := k.Submit
		submit.SetHelp("enter", "create")
		if m.bar.kind == barDropTable {
			submit.SetHelp("enter", "delete, if the name matches")
		}
		return []key.Binding{submit, k.Leave}
	case barExport, barImport:
		submit := k.Submit
		submit.SetHelp("enter", "export")
		if m.bar.kind == barImport {
			submit.SetHelp("enter", "import (asks first)")
		}
		return []key.Binding{submit, k.Leave}
	}
	return []key.Binding{k.Submit, k.Leave}
}

// barKey handles a key while a bar has the keys.
func (m *Model) barKey(msg tea.KeyMsg) tea.Cmd {
	b := m.bar
	switch msg.Type {
	case tea.KeyEsc:
		if b.kind == barSearch && m.search != b.prior {
			m.search = b.prior
			m.data.setSearch(m.search)
			m.cursor = 0
			m.follow()
		}
		m.bar = nil
		return nil
	case tea.KeyEnter:
		return m.applyBar()
	}
	if b.kind == barKeyCond {
		switch msg.Type {
		case tea.KeyDown:
			b.field = m.nextField(b, 1)
			return nil
		case tea.KeyUp:
			b.field = m.nextField(b, -1)
			return nil
		}
		if b.field == b.kc.op() {
			step := 0
			switch msg.Type {
			case tea.KeyTab, tea.KeyRight, tea.KeySpace:
				step = 1
			case tea.KeyShiftTab, tea.KeyLeft:
				step = len(skOps) - 1
			}
			if step != 0 {
				b.op = (b.op + step) % len(skOps)
				if b.kc.multi && b.op == 0 {
					b.op = (b.op + step) % len(skOps)
				}
			}
			return nil
		}
	}
	if msg.Type == tea.KeyTab {
		m.completeBar()
		return nil
	}
	before := b.text()
	b.fields[b.field].HandleKey(msg)
	if b.kind == barSearch && b.text() != before && len(m.data.items) <= liveSearchLimit {
		m.search = b.text()
		m.data.setSearch(m.search)
		m.cursor = 0
		m.follow()
	}
	return nil
}

// nextField moves between the key-condition bar's fields, skipping the
// sort key values when there is no operator (or no sort key).
func (m *Model) nextField(b *bar, dir int) int {
	l := b.kc
	if l.multi {
		last := l.np + l.ns - 1
		if l.ns > 0 {
			last = l.op()
			if skOps[b.op] == "between" {
				last = l.sk2()
			}
		}
		return max(0, min(last, b.field+dir))
	}
	_, rng := m.keyAttrs()
	last := fieldPK
	if rng.Name != "" {
		last = fieldOp
		if skOps[b.op] != "" {
			last = fieldSK
		}
		if skOps[b.op] == "between" {
			last = fieldSK2
		}
	}
	return max(fieldPK, min(last, b.field+dir))
}

// completeBar completes the active field from what is loaded: partition
// key values, sort key values under the typed partition key, or
// attribute names in the filter.
func (m *Model) completeBar() {
	b := m.bar
	ed := &b.fields[b.field]
	var pool []string
	prefix := ed.Value()
	switch {
	case b.kind == barKeyCond:
		pool = m.keyCompletions(b)
	case b.kind == barFilter:
		// complete the last word with an attribute name
		v := ed.Value()
		i := strings.LastIndexAny(v, " (,") + 1
		prefix = v[i:]
		for _, c := range m.data.cols {
			pool = append(pool, c.name)
		}
		cands := withPrefix(pool, prefix)
		if len(cands) > 0 {
			ed.SetValue(v[:i] + longestCommon(cands))
		}
		m.notice = completionNotice(cands)
		return
	default:
		return
	}
	cands := withPrefix(pool, prefix)
	if len(cands) > 0 {
		ed.SetValue(longestCommon(cands))
	}
	m.notice = completionNotice(cands)
}

// keyCompletions returns the loaded values of the key attribute of the
// key-condition bar's active field that agree with the fields before it:
// a partition attribute's values, or a sort attribute's under the typed
// partition (and the sort values typed before it).
func (m *Model) keyCompletions(b *bar) []string {
	l := b.kc
	part, sort := m.keySchema()
	type term struct{ name, value string }
	var before []term
	target := ""
	for i, a := range part {
		if i >= l.np {
			break
		}
		if b.field == l.pk(i) {
			target = a.Name
			break
		}
		before = append(before, term{a.Name, b.fields[l.pk(i)].Value()})
	}
	if target == "" {
		j := l.sortField(b.field)
		if j < 0 { // between's upper bound: the last sort value used
			j = 0
			for j+1 < len(sort) && j+1 < l.ns && b.fields[l.sk(j+1)].Value() != "" {
				j++
			}
		}
		if j >= len(sort) {
			return nil
		}
		target = sort[j].Name
		for k := range j {
			before = append(before, term{sort[k].Name, b.fields[l.sk(k)].Value()})
		}
	}
	seen := map[string]bool{}
	for _, it := range m.data.items {
		ok := true
		for _, t := range before {
			if widgets.ValueText(it[t.name], 200) != t.value {
				ok = false
				break
			}
		}
		if ok {
			seen[widgets.ValueText(it[target], 200)] = true
		}
	}
	return sortedSet(seen)
}

func completionNotice(cands []string) string {
	switch len(cands) {
	case 0:
		return "no completions among the loaded rows"
	case 1:
		return ""
	}
	shown := cands[:min(len(cands), 8)]
	s := "tab: " + strings.Join(shown, "  ")
	if len(cands) > len(shown) {
		s += "  … " + common.Plural(len(cands)-len(shown), "more")
	}
	return s
}

func withPrefix(pool []string, prefix string) []string {
	var out []string
	for _, p := range pool {
		if strings.HasPrefix(p, prefix) {
			out = append(out, p)
		}
	}
	return out
}

func longestCommon(cands []string) string {
	p := cands[0]
	for _, c := range cands[1:] {
		n := 0
		for n < len(p) && n < len(c) && p[n] == c[n] {
			n++
		}
		p = p[:n]
	}
	return p
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// applyBar acts on Enter in a bar.
func (m *Model) applyBar() tea.Cmd {
	b := m.bar
	switch b.kind {
	case barNewTable, barDropTable:
		return m.applyTableBar()
	case barKeyCond:
		l := b.kc
		kc := keyCond{op: skOps[b.op], sk2: b.fields[l.sk2()].Value()}
		for i := range l.np {
			kc.pks = append(kc.pks, b.fields[l.pk(i)].Value())
		}
		for j := range l.ns {
			kc.sks = append(kc.sks, b.fields[l.sk(j)].Value())
		}
		if !kc.active() {
			kc = keyCond{}
		}
		m.bar, m.pattern = nil, nil
		m.cond = kc
		return m.relist()
	case barFilter:
		src := strings.TrimSpace(b.text())
		if src == "" {
			m.bar, m.filter, m.pattern = nil, nil, nil
			return m.relist()
		}
		f, err := parseFilter(src)
		if err != nil {
			m.fail("filter", m.target(), err)
			m.failure.Fix = "e.g. status = shipped and total > 10 · begins_with(SK, ORDER#) · exists(gift) · size(tags) > 2"
			return nil
		}
		m.bar, m.filter, m.pattern = nil, f, nil
		return m.relist()
	case barSearch:
		m.search = b.text()
		m.data.setSearch(m.search)
		m.bar = nil
		return m.moveTo(0)
	case barInline:
		return m.reviewInline()
	case barExport, barImport:
		return m.reviewTransfer()
	}
	return nil
}

// errPartialItem refuses whole-item edits from an index that does not
// project every attribute.
var errPartialItem = errors.New("the index projects only some attributes of the item: saving this copy would drop the others")

// errKeyInline refuses inline edits of key attributes.
var errKeyInline = errors.New("key attributes cannot change in place: duplicate the item (y) under the new key, then delete the old one")
