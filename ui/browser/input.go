package browser

import (
	"cmp"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"dynalab/ui/common"
	"dynalab/ui/keys"
)

// handleKey routes a key: a confirmation first, then a bar, then the view.
func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	if m.confirm != nil {
		switch {
		case key.Matches(msg, k.Confirm.Yes):
			c := m.confirm
			m.confirm = nil
			m.notice = cmp.Or(c.yesNotice, "writing…")
			return c.yes()
		case key.Matches(msg, k.Confirm.No):
			c := m.confirm
			m.confirm = nil
			m.notice = cmp.Or(c.noNotice, "canceled: nothing written")
			if c.no != nil {
				c.no()
			}
		}
		return nil
	}
	if m.picker != nil {
		return m.pickerKey(msg)
	}
	if m.prompt != nil {
		return m.promptKey(msg)
	}
	if m.bar != nil {
		return m.barKey(msg)
	}
	if msg.Type == tea.KeyEsc {
		switch {
		case m.job != nil:
			m.cancelTransfer()
			return nil
		case m.load != nil:
			m.stopLoading()
			return nil
		case m.pending != nil && m.pending.text != nil:
			m.pending, m.failure = nil, nil
			m.notice = "edit discarded: nothing written"
			return nil
		}
	}
	switch m.view {
	case viewTables:
		return m.tablesKey(msg)
	case viewDetail:
		return m.detailKey(msg)
	case viewPatterns:
		return m.patternsKey(msg)
	case viewKeys:
		return m.keysKey(msg)
	}
	return m.itemsKey(msg)
}

func (m *Model) tablesKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	n := len(m.tables)
	h := max(1, m.height-3)
	switch {
	case key.Matches(msg, k.List.Up):
		m.tableCursor--
	case key.Matches(msg, k.List.Down):
		m.tableCursor++
	case key.Matches(msg, k.List.PageUp):
		m.tableCursor -= h
	case key.Matches(msg, k.List.PageDown):
		m.tableCursor += h
	case key.Matches(msg, k.List.Top):
		m.tableCursor = 0
	case key.Matches(msg, k.List.Bottom):
		m.tableCursor = n - 1
	case key.Matches(msg, k.Open):
		if n > 0 {
			return m.open(m.tables[m.tableCursor])
		}
	case key.Matches(msg, k.Reload):
		m.tablesAsked = true
		return common.LoadTables(m.c, "browser")
	case key.Matches(msg, k.Export):
		m.openTransfer(true)
	case key.Matches(msg, k.Import):
		m.openTransfer(false)
	case key.Matches(msg, k.NewTable):
		m.bar = newBar(barNewTable)
		m.failure = nil
	case key.Matches(msg, k.DropTable):
		if n > 0 {
			b := newBar(barDropTable)
			b.table = m.tables[m.tableCursor].Name
			m.bar, m.failure = b, nil
		}
	case msg.Type == tea.KeyEsc:
		m.notice = "this is the tables list · tab moves to the next pane"
	}
	m.tableCursor = max(0, min(m.tableCursor, n-1))
	switch {
	case m.tableCursor < m.tablesTop:
		m.tablesTop = m.tableCursor
	case m.tableCursor >= m.tablesTop+h:
		m.tablesTop = m.tableCursor - h + 1
	}
	return nil
}

func (m *Model) itemsKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	m.notice = ""
	switch {
	case key.Matches(msg, k.List.Up):
		return m.moveTo(m.cursor - 1)
	case key.Matches(msg, k.List.Down):
		return m.moveTo(m.cursor + 1)
	case key.Matches(msg, k.List.PageUp):
		return m.moveTo(m.cursor - m.gridHeight())
	case key.Matches(msg, k.List.PageDown):
		return m.moveTo(m.cursor + m.gridHeight())
	case key.Matches(msg, k.List.Top):
		return m.moveTo(0)
	case key.Matches(msg, k.List.Bottom):
		return m.moveTo(m.data.shown() - 1)
	case key.Matches(msg, k.List.Left):
		m.stepColumn(-1)
	case key.Matches(msg, k.List.Right):
		m.stepColumn(1)
	case keys.Is(msg, k.Facet): // answers with a notice when there are none
		return m.switchFacet(1)
	case keys.Is(msg, k.FacetPrev):
		return m.switchFacet(-1)
	case keys.Is(msg, k.Patterns):
		return m.openPatterns()
	case key.Matches(msg, k.KeySpace):
		return m.openKeySpace()
	case key.Matches(msg, k.Open):
		if m.data.shown() > 0 {
			m.view, m.detailTop = viewDetail, 0
		}
	case key.Matches(msg, k.Back):
		switch {
		case m.search != "":
			m.search = ""
			m.data.setSearch("")
			return m.moveTo(0)
		case len(m.marked) > 0:
			clear(m.marked)
		case m.pattern != nil:
			return m.leavePattern()
		default:
			m.view = viewTables
			m.failure = nil
		}
	case key.Matches(msg, k.KeyCond):
		m.openKeyCond()
	case key.Matches(msg, k.Filter):
		m.openFilter()
	case key.Matches(msg, k.Search):
		m.openSearch()
	case key.Matches(msg, k.Index):
		return m.switchIndex()
	case msg.String() == "i":
		m.notice = m.table.Name + " has no secondary indexes to switch to"
	case keys.Is(msg, k.NextPage):
		return m.nextPage(false)
	case keys.Is(msg, k.LoadAll):
		return m.nextPage(true)
	case key.Matches(msg, k.Reload):
		return m.relist()
	case key.Matches(msg, k.Edit):
		m.startInline()
	case key.Matches(msg, k.EditExt):
		if m.pending != nil && m.pending.text != nil {
			return m.reopen()
		}
		return m.startEditor(editExisting)
	case key.Matches(msg, k.New):
		return m.startEditor(editNew)
	case key.Matches(msg, k.Duplicate):
		return m.startEditor(editDuplicate)
	case key.Matches(msg, k.Delete):
		m.confirmDelete()
	case key.Matches(msg, k.Export):
		m.openTransfer(true)
	case key.Matches(msg, k.Import):
		m.openTransfer(false)
	case key.Matches(msg, k.Split):
		m.split = !m.split
		m.follow()
	case key.Matches(msg, k.Mark):
		if m.data.shown() > 0 {
			i := m.data.index(m.cursor)
			if m.marked[i] {
				delete(m.marked, i)
			} else {
				m.marked[i] = true
			}
			return m.moveTo(m.cursor + 1)
		}
	}
	return nil
}

func (m *Model) detailKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	h := max(1, m.height-2)
	switch {
	case key.Matches(msg, k.List.Up):
		m.detailTop = max(0, m.detailTop-1)
	case key.Matches(msg, k.List.Down):
		m.detailTop = min(m.detailTop+1, m.detailMax())
	case key.Matches(msg, k.List.PageUp):
		m.detailTop = max(0, m.detailTop-h)
	case key.Matches(msg, k.List.PageDown):
		m.detailTop = min(m.detailTop+h, m.detailMax())
	case key.Matches(msg, k.List.Top):
		m.detailTop = 0
	case key.Matches(msg, k.List.Left):
		m.detailTop = 0
		return m.moveTo(m.cursor - 1)
	case key.Matches(msg, k.List.Right):
		m.detailTop = 0
		return m.moveTo(m.cursor + 1)
	case key.Matches(msg, k.Back):
		m.view = viewItems
	case key.Matches(msg, k.EditExt):
		if m.pending != nil && m.pending.text != nil {
			return m.reopen()
		}
		return m.startEditor(editExisting)
	case key.Matches(msg, k.Duplicate):
		return m.startEditor(editDuplicate)
	case key.Matches(msg, k.Delete):
		m.confirmDelete()
	}
	return nil
}

// indexPicker is the index switcher: the table and its indexes, one to
// read from.
type indexPicker struct{ cursor int }

// switchIndex opens the index switcher on what is listed now.
func (m *Model) switchIndex() tea.Cmd {
	p := &indexPicker{}
	for i, ix := range m.table.Indexes {
		if ix.Name == m.index {
			p.cursor = i + 1
		}
	}
	m.picker = p
	return nil
}

// pickerKey handles a key while the index switcher is open.
func (m *Model) pickerKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	p := m.picker
	n := len(m.table.Indexes) + 1
	switch {
	case key.Matches(msg, k.List.Up):
		p.cursor = max(0, p.cursor-1)
	case key.Matches(msg, k.List.Down):
		p.cursor = min(n-1, p.cursor+1)
	case key.Matches(msg, k.List.Top):
		p.cursor = 0
	case key.Matches(msg, k.List.Bottom):
		p.cursor = n - 1
	case key.Matches(msg, k.Open):
		return m.readFrom(p.cursor)
	case msg.Type == tea.KeyEsc:
		m.picker = nil
	}
	return nil
}

// readFrom lists row i of the index switcher (0: the table) from the
// start, unless that index cannot be read now.
func (m *Model) readFrom(i int) tea.Cmd {
	name := ""
	if i > 0 {
		ix := m.table.Indexes[i-1]
		if why := ix.Unreadable(); why != "" {
			m.notice = ix.Name + " is " + why
			return nil
		}
		name = ix.Name
	}
	m.picker = nil
	m.notice = ""
	if name == m.index && m.pattern == nil {
		return nil
	}
	m.index, m.pattern = name, nil
	m.cond = keyCond{}
	return m.relist()
}
