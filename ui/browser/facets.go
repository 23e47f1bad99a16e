package browser

import (
	"context"
	"slices"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"dynalab/sessions/model"
	"dynalab/ui/common"
	"dynalab/ui/widgets"
)

// ModelFunc reads the session's data model: the one `dynalab model
// apply` kept (model.SessionModel), nil when there is none.
type ModelFunc func(ctx context.Context) (*model.Model, error)

// SetModelSource sets where the browser reads the session's model; nil
// means the session has none (no facets, no access patterns).
func (m *Model) SetModelSource(f ModelFunc) { m.modelFn = f }

// modelMsg carries the model read for a table that opened.
type modelMsg struct {
	seq   int
	table string
	model *model.Model
	err   error
}

// loadModel reads the model in a command: it is a file, and may change
// under a running workbench (`dynalab model apply` in another terminal),
// so it is read again whenever a table opens.
func (m *Model) loadModel() tea.Cmd {
	m.modelSeq++
	if m.modelFn == nil {
		m.model, m.mtable, m.facet = nil, nil, -1
		return nil
	}
	seq, table, fn := m.modelSeq, m.table.Name, m.modelFn
	ctx, cancel := m.c.OpContext()
	return func() tea.Msg {
		defer cancel()
		mdl, err := common.Do(ctx, fn)
		return modelMsg{seq: seq, table: table, model: mdl, err: err}
	}
}

// modelLoaded takes the model: the open table's facets classify its rows.
func (m *Model) modelLoaded(msg modelMsg) tea.Cmd {
	if msg.seq != m.modelSeq || msg.table != m.table.Name {
		return nil // another table opened since
	}
	if msg.err != nil {
		m.fail("read model", m.c.Backend.Name(), msg.err)
		m.failure.Fix = "dynalab model check FILE, then dynalab model apply FILE, to keep a valid model in the session"
		return nil
	}
	m.model, m.mtable = msg.model, nil
	if m.model != nil {
		m.mtable = m.model.Table(m.table.Name)
	}
	if m.mtable != nil && len(m.mtable.Facets) == 0 {
		m.mtable = nil
	}
	m.facet = -1
	m.classify()
	m.follow()
	if m.pats != nil {
		return m.explainAll()
	}
	return nil
}

// classify gives the grid the open table's facets, keeping the one shown.
func (m *Model) classify() {
	if m.data == nil {
		return
	}
	if m.mtable == nil {
		m.data.setClassifier(0, nil)
		return
	}
	mt := model.NewMatcher(m.mtable)
	m.data.setClassifier(mt.Len(), mt.Match)
	if m.facet >= 0 {
		m.data.setFacet(m.facet, m.mtable.Facets[m.facet].Attributes)
	}
}

// stripLines is the lines the facet strip takes: one when the open table
// has facets.
func (m *Model) stripLines() int {
	if m.view != viewTables && m.mtable != nil && m.data != nil {
		return 1
	}
	return 0
}

// switchFacet shows the next (step 1) or previous (-1) entity type: all
// items, then each facet of the model in its order.
func (m *Model) switchFacet(step int) tea.Cmd {
	if m.data == nil {
		return nil
	}
	if m.mtable == nil {
		if m.modelFn == nil || m.model == nil {
			m.notice = "no data model in this session: dynalab model apply FILE --session " + m.c.Backend.Name() + " adds one"
		} else {
			m.notice = "the session's model describes no entity types of " + m.table.Name
		}
		return nil
	}
	n := len(m.mtable.Facets) + 1 // "all items" is -1
	m.facet = (m.facet+1+step+n)%n - 1
	return m.showFacet()
}

// showFacet redraws the grid for the facet chosen, from its first row.
func (m *Model) showFacet() tea.Cmd {
	var attrs []string
	if m.facet >= 0 {
		attrs = m.mtable.Facets[m.facet].Attributes
	}
	m.data.setFacet(m.facet, attrs)
	m.cursor, m.top, m.colOff = 0, 0, 0
	if seq := m.data.seq(); len(seq) > 0 {
		m.col = seq[0]
	}
	clear(m.marked)
	return m.moveTo(0)
}

// stepColumn selects the column d steps away in the shown order.
func (m *Model) stepColumn(d int) {
	seq := m.data.seq()
	i := slices.Index(seq, m.col)
	if i < 0 {
		i = 0
	} else {
		i = max(0, min(len(seq)-1, i+d))
	}
	if len(seq) > 0 {
		m.col = seq[i]
	}
	m.showColumn()
}

// facetStrip is the line above the grid naming the entity types with
// their loaded counts, the shown one highlighted, and its key patterns.
func (m *Model) facetStrip() string {
	th := m.c.Theme
	counts := m.data.counts
	count := func(i int) string {
		if i < 0 {
			return strconv.Itoa(len(m.data.items))
		}
		if i < len(counts) {
			return strconv.Itoa(counts[i])
		}
		return "0"
	}
	label := func(i int, name string) string {
		text := name + " " + count(i)
		if i == m.facet {
			return th.Selection.Render(" " + text + " ")
		}
		return th.Text.Render(" "+name) + th.Muted.Render(" "+count(i)+" ")
	}
	parts := []string{label(-1, "all")}
	for i, f := range m.mtable.Facets {
		parts = append(parts, label(i, f.Name))
	}
	s := th.Key.Render("t") + th.Muted.Render(" types") + strings.Join(parts, th.Muted.Render("│"))
	if none := len(counts) - 1; none >= 0 && counts[none] > 0 {
		s += th.Muted.Render("│ " + strconv.Itoa(counts[none]) + " of no type")
	}
	if m.facet >= 0 {
		f := m.mtable.Facets[m.facet]
		keys := f.PartitionKey
		if f.SortKey != "" {
			keys += " / " + f.SortKey
		}
		s += th.Muted.Render(" · ") + th.Text.Render(keys)
	}
	return widgets.Truncate(s, m.width)
}
