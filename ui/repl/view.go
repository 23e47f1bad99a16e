package repl

import (
	"strings"

	"dynalab/ui/common"
	"dynalab/ui/widgets"
)

// editorView returns the editor's drawing options.
func (m *Model) editorView() widgets.EditorView {
	th := m.c.Theme
	ps := th.Accent
	if !m.editing {
		ps = th.Muted
	}
	return widgets.EditorView{
		Width:       max(m.width, 1),
		Prompt:      promptFirst,
		Continue:    promptCont,
		PromptStyle: ps,
		Base:        th.Text,
		Spans:       highlight(th, m.ed.Value()),
		Cursor:      th.Cursor,
		ShowCursor:  m.focused && m.editing,
		Placeholder: "SELECT * FROM \"Table\" WHERE PK = 'value';",
		Muted:       th.Muted,
	}
}

// editorLines returns the editor's lines as shown: at most a third of the
// pane (at least 3), scrolled to keep the cursor in view.
func (m *Model) editorLines() []string {
	if m.search != nil {
		return m.searchLines()
	}
	o := m.editorView()
	lines := m.ed.View(o)
	limit := max(3, m.height/3)
	if len(lines) <= limit {
		return lines
	}
	row := m.ed.CursorRow(o)
	start := max(0, min(row-limit+1, len(lines)-limit))
	return lines[start : start+limit]
}

func (m *Model) searchLines() []string {
	th := m.c.Theme
	s := m.search
	head := th.Accent.Render("(history search) ") + th.Text.Render("'"+s.query+"'") + th.Cursor.Render(" ")
	if s.query != "" && s.match < 0 {
		head += th.Error.Render("  no match")
	}
	out := []string{head}
	if s.match >= 0 {
		stmt := m.hist.Entries()[s.match]
		lines := statementLines(th, stmt, m.width)
		out = append(out, lines[:min(len(lines), max(2, m.height/3-1))]...)
	}
	return out
}

// outputHeight is the transcript's share of the pane.
func (m *Model) outputHeight() int {
	return max(1, m.height-len(m.editorLines())-1)
}

// View implements common.Component: the transcript, one message line, and
// the editor at the bottom.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	ed := m.editorLines()
	outH := max(0, m.height-len(ed)-1)
	lines := make([]string, 0, m.height)
	lines = append(lines, m.transcript(outH)...)
	for len(lines) < outH { // the editor stays at the bottom
		lines = append(lines, "")
	}
	lines = append(lines, m.messageLine())
	lines = append(lines, ed...)
	return widgets.Fit(strings.Join(lines, "\n"), m.width, m.height)
}

// transcript renders the h lines of the transcript ending scroll lines
// above its bottom. Only those lines are rendered.
func (m *Model) transcript(h int) []string {
	if h <= 0 {
		return nil
	}
	if len(m.out) == 0 {
		return m.welcome(h)
	}
	rc := m.renderCtx()
	out := make([]string, h)
	row := h - 1
	skip := m.scroll
	for i := len(m.out) - 1; i >= 0 && row >= 0; i-- {
		e := m.out[i]
		n := e.Len(rc)
		for j := n - 1; j >= 0 && row >= 0; j-- {
			if skip > 0 {
				skip--
				continue
			}
			out[row] = e.Line(rc, j)
			row--
		}
	}
	if row >= 0 { // shorter than the pane: start at the top
		out = out[row+1:]
	}
	return out
}

func (m *Model) welcome(h int) []string {
	th := m.c.Theme
	be := m.c.Backend
	lines := []string{
		th.Accent.Render("dynalab") + th.Muted.Render(" · PartiQL for DynamoDB"),
		th.Muted.Render("session ") + th.Text.Render(be.Name()),
	}
	switch ep := be.Endpoint(); {
	case m.c.Remote():
		lines = append(lines, th.Muted.Render("remote endpoint ")+th.Text.Render(ep),
			th.Muted.Render("statements run there; EXPLAIN estimates and live feeds need the embedded engine"))
	case ep != "":
		lines = append(lines, th.Muted.Render("serving ")+th.Text.Render(ep)+th.Muted.Render(" (aws --endpoint-url "+ep+")"))
	}
	lines = append(lines, "",
		th.Muted.Render("Try: ")+th.Text.Render(".tables")+th.Muted.Render("  or  ")+th.Text.Render(`SELECT * FROM "Table" WHERE PK = 'x';`))
	if len(lines) > h {
		lines = lines[:h]
	}
	return lines
}

// messageLine is the line between transcript and editor: the completion
// menu, the running statement, a notice, or the scroll position.
func (m *Model) messageLine() string {
	th := m.c.Theme
	switch {
	case m.comp != nil:
		var b strings.Builder
		b.WriteString(th.Muted.Render("tab: "))
		for i, c := range m.comp.cands {
			if i > 0 {
				b.WriteString("  ")
			}
			if i == m.comp.idx {
				b.WriteString(th.Selection.Render(c))
			} else {
				b.WriteString(th.Text.Render(c))
			}
		}
		return widgets.Truncate(b.String(), m.width)
	case m.run != nil:
		return widgets.Truncate(th.Warning.Render("⧗ running ")+th.Text.Render(firstLine(m.run.stmt.text))+th.Muted.Render(" · esc cancels"), m.width)
	case m.scroll > 0:
		return th.Muted.Render(widgets.Truncate("↑ scrolled "+common.Plural(m.scroll, "line")+" up · G or pgdn to return", m.width))
	}
	return th.Muted.Render(widgets.Truncate(m.notice, m.width))
}
