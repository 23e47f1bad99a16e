package browser

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"dynalab/engine/attr"
	"dynalab/ui/common"
	"dynalab/ui/keys"
	"dynalab/ui/widgets"
)

// keySpace is the aggregate view of what is listed (the table or an
// index): its partitions with their item counts, sizes and the entity
// types in each collection. It is computed in a command from a copy of
// the loaded rows, and again as more pages load.
type keySpace struct {
	rows        []ksRow
	cursor, top int
	seq         int  // numbers computations
	busy        bool // one is running
	stale       bool // rows loaded since it started
	over        int  // the loaded items it covers
	items       int
	size        int64
}

// ksRow is one partition.
type ksRow struct {
	key   string       // as group headers show it
	vals  []attr.Value // the partition attributes' values
	items int
	size  int64
	kinds []int // items of each facet; the last is of none
}

// keySpaceMsg carries a computed key space.
type keySpaceMsg struct {
	seq   int
	rows  []ksRow
	over  int
	items int
	size  int64
}

// openKeySpace shows the key space of what is listed.
func (m *Model) openKeySpace() tea.Cmd {
	m.keyspace = &keySpace{}
	m.view = viewKeys
	m.notice = ""
	return m.computeKeySpace()
}

// computeKeySpace aggregates the loaded rows in a command. The grid's
// items are copied here (a slice of references, not the items): Update
// may replace or remove rows while the command runs.
func (m *Model) computeKeySpace() tea.Cmd {
	ks := m.keyspace
	if ks == nil || m.data == nil {
		return nil
	}
	if ks.busy {
		ks.stale = true
		return nil
	}
	ks.busy, ks.stale = true, false
	ks.seq++
	seq := ks.seq
	items, kinds := slices.Clone(m.data.items), slices.Clone(m.data.kinds)
	nkinds := len(m.data.counts)
	part, _ := m.keySchema()
	names := make([]string, len(part))
	for i, a := range part {
		names[i] = a.Name
	}
	return func() tea.Msg {
		return aggregateKeys(seq, items, kinds, nkinds, names)
	}
}

// aggregateKeys groups items by their partition attributes.
func aggregateKeys(seq int, items []attr.Item, kinds []int, nkinds int, names []string) keySpaceMsg {
	msg := keySpaceMsg{seq: seq, over: len(items)}
	byKey := map[string]int{}
	var exact strings.Builder
	for i, it := range items {
		// Grouped on the exact key values (the shown text is cut and
		// escaped: two partitions could read alike).
		exact.Reset()
		for _, n := range names {
			v := it[n]
			exact.WriteString(string(v.Type()))
			exact.WriteString(v.Str()) // B's bytes too
			exact.WriteByte(0)
		}
		r, ok := byKey[exact.String()]
		if !ok {
			r = len(msg.rows)
			byKey[exact.String()] = r
			texts := make([]string, len(names))
			for j, n := range names {
				texts[j] = widgets.ValueText(it[n], 80)
			}
			row := ksRow{key: strings.Join(texts, " · "), kinds: make([]int, nkinds)}
			for _, n := range names {
				row.vals = append(row.vals, it[n])
			}
			msg.rows = append(msg.rows, row)
		}
		row := &msg.rows[r]
		size := int64(it.Size())
		row.items++
		row.size += size
		msg.items++
		msg.size += size
		if nkinds > 0 && i < len(kinds) {
			k := kinds[i]
			if k < 0 {
				k = nkinds - 1
			}
			row.kinds[k]++
		}
	}
	slices.SortFunc(msg.rows, func(a, b ksRow) int { return strings.Compare(a.key, b.key) })
	return msg
}

// keySpaceDone takes a computed key space; rows loaded meanwhile start
// another.
func (m *Model) keySpaceDone(msg keySpaceMsg) tea.Cmd {
	ks := m.keyspace
	if ks == nil || msg.seq != ks.seq {
		return nil
	}
	ks.busy = false
	ks.rows, ks.over, ks.items, ks.size = msg.rows, msg.over, msg.items, msg.size
	ks.cursor = max(0, min(ks.cursor, len(ks.rows)-1))
	if ks.stale {
		return m.computeKeySpace()
	}
	return nil
}

// keysKey handles a key in the key-space view.
func (m *Model) keysKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	ks := m.keyspace
	h := m.keysListHeight()
	m.notice = ""
	switch {
	case key.Matches(msg, k.List.Up):
		ks.cursor--
	case key.Matches(msg, k.List.Down):
		ks.cursor++
	case key.Matches(msg, k.List.PageUp):
		ks.cursor -= h
	case key.Matches(msg, k.List.PageDown):
		ks.cursor += h
	case key.Matches(msg, k.List.Top):
		ks.cursor = 0
	case key.Matches(msg, k.List.Bottom):
		ks.cursor = len(ks.rows) - 1
	case key.Matches(msg, k.Open):
		if len(ks.rows) > 0 {
			return m.queryPartition(ks.rows[ks.cursor])
		}
	case key.Matches(msg, k.Index):
		return m.switchIndex()
	case msg.String() == "i":
		m.notice = m.table.Name + " has no secondary indexes to switch to"
	case keys.Is(msg, k.NextPage):
		return m.nextPage(false)
	case keys.Is(msg, k.LoadAll):
		return m.nextPage(true)
	case key.Matches(msg, k.Back), key.Matches(msg, k.KeySpace):
		m.view = viewItems
		m.keyspace = nil
	}
	ks.cursor = max(0, min(ks.cursor, len(ks.rows)-1))
	return nil
}

// queryPartition lists one partition in the grid: a Query with its key.
func (m *Model) queryPartition(r ksRow) tea.Cmd {
	kc := keyCond{}
	for _, v := range r.vals {
		kc.pks = append(kc.pks, keyText(v))
	}
	m.cond, m.pattern = kc, nil
	m.view, m.keyspace = viewItems, nil
	return m.relist()
}

// keyText is a key value as the key-condition bar takes it.
func keyText(v attr.Value) string {
	if v.Type() == attr.TypeB {
		return base64.StdEncoding.EncodeToString(v.Bytes())
	}
	return v.Str()
}

// keysListHeight is the partition rows on screen.
func (m *Model) keysListHeight() int { return max(1, m.height-5) }

// keysHelp is the key-space view's keys.
func (m *Model) keysHelp() []key.Binding {
	k := m.keys
	open := k.Open
	open.SetHelp("enter", "query this partition")
	return keys.Enabled(k.List.Up, k.List.Down, open, k.Index, k.NextPage, k.LoadAll, k.Back)
}

// keysStatus is the status line of the key-space view: the listing's,
// with the partitions counted.
func (m *Model) keysStatus() common.Status {
	s := m.listStatus()
	if ks := m.keyspace; ks != nil {
		s.Shown = ks.items // every loaded row, whatever entity type the grid shows
		s.Note = "key space: " + common.Plural(len(ks.rows), "partition")
		if ks.busy {
			s.Note += " (counting…)"
		}
	}
	return s
}

// keysView draws the key space: a summary line, then a row per
// partition with its items, size and entity types.
func (m *Model) keysView() []string {
	th := m.c.Theme
	ks := m.keyspace
	part, _ := m.keySchema()
	names := make([]string, len(part))
	for i, a := range part {
		names[i] = a.Name
	}
	what := "table"
	if m.index != "" {
		what = "index " + m.index
	}
	lines := []string{widgets.Truncate(th.Accent.Render(m.table.Name)+th.Muted.Render(" · key space of the "+what+" by ")+th.Text.Render(strings.Join(names, ", ")), m.width)}
	sum := common.Plural(len(ks.rows), "partition") + " · " + common.Plural(ks.items, "item") + " · " + common.Bytes(ks.size)
	cov := m.lst.operation() + " " + m.coverage()
	if m.more {
		cov += " · L loads all"
	}
	lines = append(lines, widgets.Truncate(th.Text.Render(sum)+th.Muted.Render(" · "+cov), m.width))
	keyW := 9
	for _, r := range ks.rows {
		keyW = max(keyW, widgets.Width(r.key))
	}
	keyW = min(keyW, max(12, m.width/3))
	widths := []int{keyW, 6, 9, max(8, m.width-gutterW-keyW-6-9-3*len(widgets.ColumnSep))}
	lines = append(lines, "  "+widgets.Row([]widgets.Cell{
		{Text: "partition", Style: th.Header}, {Text: "items", Style: th.Header}, {Text: "size", Style: th.Header},
		{Text: "entity types", Style: th.Header},
	}, widths, m.width-gutterW))
	if len(ks.rows) == 0 {
		msg := "  counting…"
		if !ks.busy {
			msg = "  no items loaded"
		}
		return append(lines, th.Muted.Render(msg))
	}
	h := m.keysListHeight()
	if ks.cursor < ks.top {
		ks.top = ks.cursor
	}
	if ks.cursor >= ks.top+h {
		ks.top = ks.cursor - h + 1
	}
	ks.top = max(0, min(ks.top, len(ks.rows)-1))
	for i := ks.top; i < len(ks.rows) && i < ks.top+h; i++ {
		r := ks.rows[i]
		cells := []widgets.Cell{
			{Text: r.key, Style: th.Group}, {Text: strconv.Itoa(r.items), Style: th.Types.N},
			{Text: common.Bytes(r.size), Style: th.Muted}, {Text: m.kindsText(r.kinds), Style: th.Text},
		}
		if i == ks.cursor {
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

// kindsText names the entity types in a collection with their counts:
// "User 1 · Order 3".
func (m *Model) kindsText(kinds []int) string {
	if m.mtable == nil || len(kinds) == 0 {
		return "—"
	}
	var parts []string
	for i, n := range kinds {
		if n == 0 {
			continue
		}
		name := "no type"
		if i < len(m.mtable.Facets) {
			name = m.mtable.Facets[i].Name
		}
		parts = append(parts, name+" "+strconv.Itoa(n))
	}
	return strings.Join(parts, " · ")
}
