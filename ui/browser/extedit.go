package browser

import (
	"bytes"
	"errors"
	"os"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/ui/widgets"
)

// startEditor opens an item in $EDITOR as pretty DynamoDB JSON: the item
// under the cursor (edit or duplicate) or a template with the key
// attributes (new).
func (m *Model) startEditor(kind editKind) tea.Cmd {
	if m.data == nil {
		return nil
	}
	names := m.data.keyNames
	var it attr.Item
	switch kind {
	case editNew:
		it = attr.Item{}
		for _, k := range []struct{ name, typ string }{{m.table.Hash.Name, m.table.Hash.Type}, {m.table.Range.Name, m.table.Range.Type}} {
			switch k.typ {
			case "":
			case "N":
				it[k.name] = attr.MustN("0")
			case "B":
				it[k.name] = attr.B(nil)
			default:
				it[k.name] = attr.S("")
			}
		}
	default:
		if m.data.shown() == 0 {
			return nil
		}
		if ix, ok := m.table.Index(m.index); ok && ix.Projection != engine.ProjectionAll {
			// the index holds part of the item: saving it would drop the rest
			m.fail("edit", m.target(), errPartialItem)
			m.failure.Fix = "i switches to the table; open the item there"
			return nil
		}
		it = m.data.item(m.cursor)
	}
	text := widgets.EncodeItem(it, names)
	p := &pendingEdit{kind: kind, orig: text}
	if kind != editNew {
		p.old = it
	}
	m.pending = p
	m.failure = nil
	return writeTemp(m.table.Name, text)
}

// reopen opens the text of a failed edit again.
func (m *Model) reopen() tea.Cmd {
	p := m.pending
	if p == nil || p.text == nil {
		return nil
	}
	m.failure = nil
	return writeTemp(m.table.Name, p.text)
}

func writeTemp(table string, text []byte) tea.Cmd {
	return func() tea.Msg {
		f, err := os.CreateTemp("", "dynalab-"+safeName(table)+"-*.json")
		if err != nil {
			return editorReadyMsg{err: err}
		}
		_, werr := f.Write(text)
		cerr := f.Close()
		if err := errors.Join(werr, cerr); err != nil {
			return editorReadyMsg{path: f.Name(), err: err}
		}
		return editorReadyMsg{path: f.Name()}
	}
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s)
}

func (m *Model) editorReady(msg editorReadyMsg) tea.Cmd {
	if m.pending == nil {
		return removeFile(msg.path)
	}
	if msg.err != nil {
		m.fail("$EDITOR", msg.path, msg.err)
		m.pending = nil
		return nil
	}
	m.pending.path = msg.path
	return tea.ExecProcess(m.editor(msg.path), func(err error) tea.Msg { return editorDoneMsg{err} })
}

func (m *Model) editorDone(msg editorDoneMsg) tea.Cmd {
	p := m.pending
	if p == nil {
		return nil
	}
	if msg.err != nil {
		m.fail("$EDITOR", p.path, msg.err)
		m.failure.Fix = "set $EDITOR (or $VISUAL) to an editor that exits 0"
		path := p.path
		m.pending = nil
		return removeFile(path)
	}
	path := p.path
	return func() tea.Msg {
		data, err := os.ReadFile(path)
		_ = os.Remove(path) // read once; a failed edit keeps its text in memory
		return editedMsg{data: data, err: err}
	}
}

// edited reads an $EDITOR result and asks to confirm the write it makes.
func (m *Model) edited(msg editedMsg) tea.Cmd {
	p := m.pending
	if p == nil {
		return nil
	}
	target := m.table.Name
	if msg.err != nil {
		m.fail("$EDITOR", target, msg.err)
		m.pending = nil
		return nil
	}
	if bytes.Equal(msg.data, p.orig) {
		m.pending = nil
		m.notice = "no changes: nothing written"
		return nil
	}
	it, err := widgets.DecodeItem(msg.data)
	if err != nil {
		p.text = msg.data
		m.fail("$EDITOR", target, err)
		m.failure.Fix = "o reopens your text to fix it · esc discards it"
		return nil
	}
	names := m.data.keyNames
	for _, k := range names {
		if _, ok := it[k]; !ok {
			p.text = msg.data
			m.fail("$EDITOR", target, errors.New("the item has no "+k+": every item needs the table's key ("+m.table.KeySchema()+")"))
			m.failure.Fix = "o reopens your text to add it · esc discards it"
			return nil
		}
	}
	switch p.kind {
	case editExisting:
		if bytes.Equal(attr.AppendItem(nil, it), attr.AppendItem(nil, p.old)) {
			m.pending = nil
			m.notice = "no changes (formatting only): nothing written"
			return nil
		}
		if !keyEqual(it, p.old, names) {
			p.text = msg.data
			m.fail("$EDITOR", target+" · "+widgets.KeyText(p.old, names), errKeyInline)
			m.failure.Fix = "o reopens your text · y duplicates under a new key"
			return nil
		}
		old := p.old
		m.pending = nil
		m.confirmWrite("Replace 1 item in "+m.table.Name+"?", "an edit of "+widgets.KeyText(old, names), old, it,
			func() tea.Cmd { return m.putCmd(writePut, old, it) })
	default:
		if p.kind == editDuplicate && keyEqual(it, p.old, names) {
			p.text = msg.data
			m.fail("$EDITOR", target, errors.New("the duplicate has the original's key "+widgets.KeyText(it, names)+": change it"))
			m.failure.Fix = "o reopens your text · esc discards it"
			return nil
		}
		m.pending = nil
		m.confirmWrite("Create 1 item in "+m.table.Name+"?", "a new item "+widgets.KeyText(it, names), attr.Item{}, it,
			func() tea.Cmd { return m.putCmd(writeCreate, nil, it) })
	}
	return nil
}
