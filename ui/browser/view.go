package browser

import (
	"cmp"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"dynalab/themes"
	"dynalab/ui/common"
	"dynalab/ui/widgets"
)

// gutterW is the width of the row marker column ("› ", "● ").
const gutterW = 2

// gridHeight is the number of grid lines: the pane less its title,
// condition, header and message lines, and in the split layout less the
// item under the grid (half of what is left).
func (m *Model) gridHeight() int {
	h := m.height - 4 - m.stripLines()
	if m.split && m.view == viewItems {
		return max(3, h/2)
	}
	return max(1, h)
}

// visibleCols returns the columns on screen: key columns always, then the
// others from colOff on, while they fit.
func (m *Model) visibleCols() (cols []int, widths []int) {
	room := m.width - gutterW
	used := 0
	add := func(i int) bool {
		c := m.data.cols[i]
		w := max(m.data.width(i), widgets.Width(c.name)+1+len(c.typeTag())) // the header fits
		if c.mixed() {
			w = min(w+5, maxColWidth)
		}
		need := w
		if len(cols) > 0 {
			need += len(widgets.ColumnSep)
		}
		if used+need > room && len(cols) > 0 {
			if room-used-len(widgets.ColumnSep) >= 4 { // a cut column still shows something
				cols, widths = append(cols, i), append(widths, room-used-len(widgets.ColumnSep))
				used = room
			}
			return false
		}
		cols, widths = append(cols, i), append(widths, w)
		used += need
		return true
	}
	seq := m.data.seq()
	for _, i := range seq {
		if m.data.cols[i].key {
			add(i)
		}
	}
	skip := m.colOff
	for _, i := range seq {
		if m.data.cols[i].key {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		if !add(i) {
			break
		}
	}
	return cols, widths
}

// showColumn scrolls sideways so that the selected column is on screen.
func (m *Model) showColumn() {
	if m.data == nil || m.data.cols[m.col].key {
		return
	}
	nonKey := 0 // the selected column's position among non-key columns
	for _, i := range m.data.seq() {
		if i == m.col {
			break
		}
		if !m.data.cols[i].key {
			nonKey++
		}
	}
	if nonKey < m.colOff {
		m.colOff = nonKey
		return
	}
	for {
		cols, _ := m.visibleCols()
		if len(cols) == 0 || cols[len(cols)-1] >= m.col || m.colOff >= nonKey {
			return
		}
		m.colOff++
	}
}

// View implements common.Component.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	var lines []string
	switch m.view {
	case viewTables:
		lines = m.tablesView()
	case viewDetail:
		lines = m.detailView()
	case viewPatterns:
		lines = m.patternsView()
	case viewKeys:
		lines = m.keysView()
	default:
		lines = m.itemsView()
	}
	for len(lines) < m.height-1 {
		lines = append(lines, "")
	}
	lines = append(lines[:m.height-1], m.messageLine())
	out := widgets.Fit(strings.Join(lines, "\n"), m.width, m.height)
	if m.picker != nil && m.view != viewTables {
		th := m.c.Theme
		box := widgets.Dialog(th, "Read "+m.table.Name+" from", m.pickerLines(m.width-8), m.width-4)
		out = widgets.Overlay(out, box, m.width, m.height)
	}
	if m.confirm != nil {
		th := m.c.Theme
		box := widgets.Dialog(th, m.confirm.title, m.confirm.body(th, m.width-8), m.width-4)
		out = widgets.Overlay(out, box, m.width, m.height)
	}
	return out
}

// messageLine is the pane's last line: the error, a notice, progress, or
// where the listing stands.
func (m *Model) messageLine() string {
	th := m.c.Theme
	w := m.width
	switch {
	case m.bar != nil && m.bar.transfer():
		return widgets.Truncate(m.transferBarView(th), w)
	case m.bar != nil && m.bar.onMessageLine():
		return widgets.Truncate(m.tableBarView(th), w)
	case m.prompt != nil:
		return widgets.Truncate(m.promptView(), w)
	case m.job != nil:
		return th.Warning.Render(widgets.Truncate(m.progressLine(), w))
	case m.failure != nil:
		return th.Error.Render(m.failure.Line(w))
	case m.view == viewTables && m.tablesErr != nil:
		return th.Error.Render(m.tablesErr.Line(w))
	case m.notice != "":
		return th.Muted.Render(widgets.Truncate(m.notice, w))
	case m.view == viewPatterns:
		return th.Muted.Render(widgets.Truncate("enter runs the pattern (asks its parameters) · r explains again · esc back to the items", w))
	case m.view == viewTables:
		if m.tablesAsked {
			return th.Muted.Render("loading tables…")
		}
		return th.Muted.Render(widgets.Truncate("enter opens a table · r reloads · tab next pane", w))
	case m.load != nil && m.load.all:
		return th.Warning.Render(widgets.Truncate("⧗ loading all pages: "+strconv.Itoa(len(m.data.items))+" items · esc stops", w))
	case m.load != nil:
		return th.Warning.Render(widgets.Truncate("⧗ loading page "+strconv.Itoa(m.pages+1)+" · esc stops", w))
	}
	s := "page " + strconv.Itoa(m.pages) + " · " + common.Plural(len(m.data.items), "item") + " loaded"
	if m.more {
		s += " · more: n next page, L all"
	} else {
		s += " · all loaded"
	}
	if len(m.marked) > 0 {
		s += " · " + strconv.Itoa(len(m.marked)) + " marked (d deletes)"
	}
	return th.Muted.Render(widgets.Truncate(s, w))
}

func (m *Model) tablesView() []string {
	th := m.c.Theme
	lines := []string{th.Accent.Render("Tables") + th.Muted.Render(" · session "+m.c.Backend.Name())}
	if len(m.tables) == 0 && m.tablesErr != nil {
		// Not an empty session: the list could not be read. Say why and
		// what to do, never "no tables yet".
		lines = append(lines, "", th.Error.Render("Could not list the tables of "+cmp.Or(m.c.Backend.Endpoint(), m.c.Backend.Name())+":"))
		for _, l := range widgets.Wrap(m.tablesErr.Err.Error(), max(20, m.width-4)) {
			lines = append(lines, th.Text.Render("  "+l))
		}
		if m.tablesErr.Fix != "" {
			lines = append(lines, "", th.Muted.Render("Fix: "+m.tablesErr.Fix))
		}
		return append(lines, "", th.Muted.Render("then r reloads this list."))
	}
	if len(m.tables) == 0 {
		ep := m.c.Backend.Endpoint()
		if ep == "" {
			ep = "<endpoint>"
		}
		name := m.c.Backend.Name()
		return append(lines, "", th.Muted.Render("No tables yet. Start from a sample model: in another terminal, run"), "",
			th.Text.Render("  dynalab sample load single-table --session "+name+"   # or product-catalog, time-series"),
			"", th.Muted.Render("or press ")+th.Key.Render("n")+th.Muted.Render(" for a new table here (e.g. AppTable PK:S SK:S), or create one through the endpoint:"), "",
			th.Text.Render("  aws dynamodb create-table --endpoint-url "+ep+" \\"),
			th.Text.Render("    --table-name AppTable --billing-mode PAY_PER_REQUEST \\"),
			th.Text.Render("    --attribute-definitions AttributeName=PK,AttributeType=S AttributeName=SK,AttributeType=S \\"),
			th.Text.Render("    --key-schema AttributeName=PK,KeyType=HASH AttributeName=SK,KeyType=RANGE"),
			"", th.Muted.Render("then r reloads this list."))
	}
	nameW, keyW := 5, 3
	for _, t := range m.tables {
		nameW = max(nameW, widgets.Width(t.Name))
		keyW = max(keyW, widgets.Width(t.KeySchema()))
	}
	widths := []int{min(nameW, 32), min(keyW, 36), 9, 9, 12}
	lines = append(lines, "  "+widgets.Row([]widgets.Cell{
		{Text: "table", Style: th.Header}, {Text: "key", Style: th.Header}, {Text: "items", Style: th.Header},
		{Text: "size", Style: th.Header}, {Text: "billing", Style: th.Header},
	}, widths, m.width-gutterW))
	h := max(1, m.height-3)
	for i := m.tablesTop; i < len(m.tables) && i < m.tablesTop+h; i++ {
		t := m.tables[i]
		cells := []widgets.Cell{
			{Text: t.Name, Style: th.Text}, {Text: t.KeySchema(), Style: th.Muted},
			{Text: strconv.FormatInt(t.ItemCount, 10), Style: th.Types.N}, {Text: common.Bytes(t.SizeBytes), Style: th.Muted},
			{Text: billingText(t.Billing), Style: th.Muted},
		}
		if i == m.tableCursor {
			for j := range cells {
				cells[j].Style = th.Selection
			}
			lines = append(lines, th.Accent.Render("› ")+widgets.FilledRow(cells, widths, m.width-gutterW, th.Selection))
			continue
		}
		lines = append(lines, "  "+widgets.Row(cells, widths, m.width-gutterW))
	}
	return lines
}

func billingText(b string) string {
	if b == "PAY_PER_REQUEST" {
		return "on demand"
	}
	return "provisioned"
}

// titleLine names the table, its key schema and size.
func (m *Model) titleLine() string {
	th := m.c.Theme
	s := th.Accent.Render(m.table.Name) + th.Muted.Render("  "+m.table.KeySchema())
	s += th.Muted.Render(" · " + m.countText())
	if ix, ok := m.table.Index(m.index); ok {
		s += th.Muted.Render(" · index ") + th.Text.Render(m.index) + th.Muted.Render("  "+ix.KeySchema()+" ("+ix.Kind()+", "+ix.Projection+")")
	}
	return s
}

// pickerLines are the index switcher's rows, w cells wide: the table and
// each index with its key schema, kind and projection; an index that
// cannot be read now says why.
func (m *Model) pickerLines(w int) []string {
	th := m.c.Theme
	type row struct{ name, key, kind, why string }
	rows := []row{{m.table.Name, m.table.Hash.Name, "table", ""}}
	if m.table.Range.Name != "" {
		rows[0].key += " | " + m.table.Range.Name
	}
	for _, ix := range m.table.Indexes {
		rows = append(rows, row{ix.Name, ix.KeySchema(), ix.Kind() + ", " + ix.Projection, ix.Unreadable()})
	}
	nameW, keyW := 0, 0
	for _, r := range rows {
		nameW, keyW = max(nameW, widgets.Width(r.name)), max(keyW, widgets.Width(r.key))
	}
	var lines []string
	for i, r := range rows {
		text := widgets.Pad(r.name, nameW) + "  " + widgets.Pad(r.key, keyW) + "  (" + r.kind + ")"
		if r.why != "" {
			text += " · " + r.why
		}
		current := (i == 0 && m.index == "") || (i > 0 && m.table.Indexes[i-1].Name == m.index)
		mark := "  "
		if current {
			mark = "● "
		}
		st := th.Text
		switch {
		case i == m.picker.cursor:
			st = th.Selection
			mark = "› "
		case r.why != "":
			st = th.Muted
		}
		lines = append(lines, mark+st.Render(widgets.Truncate(text, max(1, w-2))))
	}
	return append(lines, "", th.Muted.Render(widgets.Truncate("↑↓ choose · enter reads it · esc closes · ● is read now", w)))
}

// conditionLine shows what the listing is, or the open bar.
func (m *Model) conditionLine() string {
	th := m.c.Theme
	if m.bar != nil && !m.bar.transfer() {
		return m.barView()
	}
	if p := m.pattern; p != nil {
		s := th.Key.Render("pattern ") + th.Text.Render(p.name) + th.Muted.Render(" "+p.stmt.text)
		for i, v := range p.stmt.params {
			s += th.Muted.Render(" · ?"+strconv.Itoa(i+1)+" ") + th.Text.Render(literal(v))
		}
		return widgets.Truncate(s+th.Muted.Render(" · esc: back to the patterns"), m.width)
	}
	part, sort := m.keySchema()
	var s string
	if m.cond.active() {
		s = th.Key.Render("Query ") + th.Text.Render(m.cond.describe(part, sort))
	} else {
		s = th.Key.Render("Scan") + th.Muted.Render(" (c: key condition)")
	}
	if m.filter != nil {
		s += th.Muted.Render(" · filter ") + th.Text.Render(m.filter.source)
	} else {
		s += th.Muted.Render(" · f: filter")
	}
	if m.search != "" {
		s += th.Muted.Render(" · search ") + th.Warning.Render(m.search) + th.Muted.Render(" (loaded rows)")
	}
	return s
}

// barView draws the open bar.
func (m *Model) barView() string {
	th := m.c.Theme
	b := m.bar
	field := func(i int, w int) string {
		o := widgets.EditorView{Width: w, Base: th.Text, Cursor: th.Cursor, ShowCursor: b.field == i}
		return b.fields[i].View(o)[0]
	}
	switch b.kind {
	case barKeyCond:
		if b.kc.multi {
			return m.multiKeyBarView(field)
		}
		hash, rng := m.keyAttrs()
		w := max(8, (m.width-40)/3)
		s := th.Key.Render("Query ") + th.Muted.Render(hash.Name+" = ") + bracket(th, field(fieldPK, w), b.field == fieldPK)
		if rng.Name != "" {
			op := skOps[b.op]
			if op == "" {
				op = "(any)"
			}
			opStyle := th.Text
			if b.field == fieldOp {
				opStyle = th.Selection
			}
			s += th.Muted.Render("  "+rng.Name+" ") + opStyle.Render(op)
			if skOps[b.op] != "" {
				s += " " + bracket(th, field(fieldSK, w), b.field == fieldSK)
			}
			if skOps[b.op] == "between" {
				s += th.Muted.Render(" and ") + bracket(th, field(fieldSK2, w), b.field == fieldSK2)
			}
		}
		return s
	case barFilter:
		return th.Key.Render("filter ") + field(0, m.width-8)
	case barSearch:
		return th.Key.Render("/ ") + field(0, m.width-20) + th.Muted.Render("  loaded rows")
	case barInline:
		label := "edit " + b.attr
		if t := b.orig.Type(); t != 0 {
			label += " (" + t.String() + ")"
		} else {
			label += " (new, as DynamoDB JSON)"
		}
		return th.Key.Render(label+": ") + field(0, m.width-widgets.Width(label)-3)
	}
	return ""
}

// multiKeyBarView draws the key-condition bar of a multi-attribute key:
// "Query userId = [u1]  status [shipped]  statusAt [2025-]  last begins_with".
func (m *Model) multiKeyBarView(field func(i, w int) string) string {
	th := m.c.Theme
	b := m.bar
	l := b.kc
	part, sort := m.keySchema()
	labels := 0
	for _, a := range part {
		labels += widgets.Width(a.Name) + 6
	}
	for _, a := range sort {
		labels += widgets.Width(a.Name) + 4
	}
	inputs := l.np + l.ns
	if skOps[b.op] == "between" {
		inputs++
	}
	w := max(6, (m.width-labels-24)/max(1, inputs))
	s := th.Key.Render("Query")
	for i, a := range part {
		s += th.Muted.Render(" "+a.Name+" = ") + bracket(th, field(l.pk(i), w), b.field == l.pk(i))
	}
	if l.ns == 0 {
		return s
	}
	s += th.Muted.Render(" ")
	for j, a := range sort {
		s += th.Muted.Render(" "+a.Name+" ") + bracket(th, field(l.sk(j), w), b.field == l.sk(j))
	}
	opStyle := th.Text
	if b.field == l.op() {
		opStyle = th.Selection
	}
	op := skOps[b.op]
	if op == "" {
		op = "="
	}
	s += th.Muted.Render("  last ") + opStyle.Render(op)
	if op == "between" {
		s += th.Muted.Render(" and ") + bracket(th, field(l.sk2(), w), b.field == l.sk2())
	}
	return s
}

// bracket frames a bar field, accented when it has the cursor.
func bracket(th *themes.Theme, s string, active bool) string {
	st := th.Muted
	if active {
		st = th.Accent
	}
	return st.Render("[") + s + st.Render("]")
}

func (m *Model) itemsView() []string {
	th := m.c.Theme
	lines := []string{m.titleLine(), m.conditionLine()}
	if m.stripLines() > 0 {
		lines = append(lines, m.facetStrip())
	}
	if m.data == nil {
		return lines
	}
	cols, widths := m.visibleCols()
	cells := make([]widgets.Cell, len(cols))
	for j, i := range cols {
		c := m.data.cols[i]
		st := th.Header
		if i == m.col {
			st = st.Reverse(true)
		}
		cells[j] = widgets.Cell{Text: c.name + " " + c.typeTag(), Style: st}
	}
	lines = append(lines, "  "+widgets.Row(cells, widths, m.width-gutterW))
	if m.data.shown() == 0 {
		switch {
		case m.load != nil:
			lines = append(lines, th.Muted.Render("  loading…"))
		case m.search != "":
			lines = append(lines, th.Muted.Render("  no loaded row matches "+strconv.Quote(m.search)+" · esc clears the search"))
		case m.more:
			lines = append(lines, th.Muted.Render("  no items on this page · n loads the next"))
		default:
			lines = append(lines, th.Muted.Render("  no items"))
		}
		return lines
	}
	h := m.gridHeight()
	total := m.data.displayRows()
	for r := m.top; r < total && r < m.top+h; r++ {
		lines = append(lines, m.gridLine(r, cols, widths, cells))
	}
	if m.split {
		lines = append(lines, m.splitItem(3+m.stripLines()+h)...)
	}
	return lines
}

// splitItem is the item under the cursor below the grid (split layout),
// from line `at` to the message line, cut with a marker when it does not
// fit: Enter shows it whole.
func (m *Model) splitItem(at int) []string {
	th := m.c.Theme
	out := make([]string, 0, m.height)
	it := m.data.item(m.cursor)
	head := "── " + widgets.KeyText(it, m.data.keyNames) + " · item " + strconv.Itoa(m.cursor+1) + " of " + strconv.Itoa(m.data.shown()) + " · " + common.Bytes(int64(it.Size())) + " "
	out = append(out, th.Muted.Render(widgets.Truncate(head+strings.Repeat("─", max(0, m.width-widgets.Width(head))), m.width)))
	room := max(1, m.height-1-at-1) // less the message line and the header
	body := m.detailLines()
	if len(body) > room {
		body = append(body[:room-1:room-1], th.Muted.Render("  … "+strconv.Itoa(len(body)-room+1)+" more lines · enter shows the whole item"))
	}
	return append(out, body...)
}

// gridLine renders display line r: a group header or a row. cells is
// scratch space of the right length.
func (m *Model) gridLine(r int, cols, widths []int, cells []widgets.Cell) string {
	th := m.c.Theme
	g, pos := m.data.atDisplay(r)
	if pos < 0 {
		gr := m.data.groups[g]
		count := common.Plural(gr.count, "item")
		if g == len(m.data.groups)-1 && m.more {
			count = strconv.Itoa(gr.count) + "+ items" // the next page may hold more
		}
		return th.Group.Render("▾ "+m.data.partitionLabel()+" "+ansi.Truncate(gr.key, m.width/2, "…")) + th.Muted.Render(" · "+count)
	}
	idx := m.data.index(pos)
	it := m.data.items[idx]
	selected := pos == m.cursor && m.focusedGrid()
	for j, i := range cols {
		c := &m.data.cols[i]
		v, ok := it[c.name]
		if !ok {
			cells[j] = widgets.Cell{Text: "", Style: th.Muted}
		} else {
			t := v.Type().String()
			text := widgets.ValueText(v, widths[j])
			if c.mixed() {
				text = t + ":" + text
			}
			cells[j] = widgets.Cell{Text: text, Style: th.Type(t)}
		}
		if selected {
			st := th.Selection
			if i == m.col {
				st = st.Bold(true).Underline(true)
			}
			cells[j].Style = st
		}
	}
	gutter := "  "
	switch {
	case selected:
		gutter = th.Accent.Render("› ")
	case m.marked[idx]:
		gutter = th.Marked.Render("● ")
	}
	if selected {
		return gutter + widgets.FilledRow(cells, widths, m.width-gutterW, th.Selection)
	}
	if m.marked[idx] {
		for j := range cells {
			cells[j].Style = th.Marked
		}
	}
	return gutter + widgets.Row(cells, widths, m.width-gutterW)
}

// focusedGrid reports whether the cursor row is drawn selected.
func (m *Model) focusedGrid() bool { return m.view == viewItems || m.view == viewDetail }

// detailLines renders the detail body: the item's pretty JSON, wrapped.
func (m *Model) detailLines() []string {
	var body []string
	for _, l := range widgets.ItemLines(m.c.Theme, m.data.item(m.cursor), m.data.keyNames) {
		body = append(body, strings.Split(ansi.Hardwrap(l, m.width, true), "\n")...)
	}
	return body
}

// detailMax is the largest useful detail scroll offset.
func (m *Model) detailMax() int { return max(0, len(m.detailLines())-max(1, m.height-2)) }

func (m *Model) detailView() []string {
	th := m.c.Theme
	it := m.data.item(m.cursor)
	names := m.data.keyNames
	head := th.Accent.Render(m.table.Name) + th.Muted.Render(" · ") + th.Text.Render(widgets.KeyText(it, names)) +
		th.Muted.Render(" · item "+strconv.Itoa(m.cursor+1)+" of "+strconv.Itoa(m.data.shown())+" · "+common.Bytes(int64(it.Size())))
	body := m.detailLines()
	h := max(1, m.height-2)
	top := max(0, min(m.detailTop, len(body)-h))
	return append([]string{head}, body[top:min(len(body), top+h)]...)
}
