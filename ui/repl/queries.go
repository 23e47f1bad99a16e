package repl

import (
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"dynalab/partiql"
	"dynalab/sessions"
	"dynalab/sessions/model"
	"dynalab/themes"
	"dynalab/ui/common"
	"dynalab/ui/widgets"
)

// queriesMsg carries the session's saved queries to .queries (name "")
// or to .q NAME.
type queriesMsg struct {
	name string
	list []sessions.SavedQuery
	err  error
}

// queriesCmd reads the session's saved queries for .queries or .q NAME.
func (m *Model) queriesCmd(op, name string) tea.Cmd {
	if m.queriesDir == "" {
		m.fail(op, name, usageError("no session: saved queries belong to a session"), "").Fix =
			"open the workbench with --session NAME (dynalab sample load NAME --session S saves some)"
		return nil
	}
	dir := m.queriesDir
	return func() tea.Msg {
		list, err := sessions.QueriesIn(dir)
		return queriesMsg{name: name, list: list, err: err}
	}
}

// queriesLoaded lists the saved queries (.queries) or puts one at the
// prompt (.q NAME), without running it: Enter does.
func (m *Model) queriesLoaded(msg queriesMsg) tea.Cmd {
	op := ".queries"
	if msg.name != "" {
		op = ".q"
	}
	act := common.Activity{Time: m.c.Now(), Source: "REPL", Operation: op, Target: msg.name}
	if msg.err != nil {
		act.Failure = m.fail(op, m.queriesDir, msg.err, "")
		return common.Report(act)
	}
	if msg.name == "" {
		m.listQueries(msg.list)
		act.Summary = queryCount(len(msg.list))
		return common.Report(act)
	}
	for _, q := range msg.list {
		if q.Name != msg.name {
			continue
		}
		var stmts []string
		for _, s := range partiql.SplitScript(q.Text) {
			stmts = append(stmts, s.Text+";")
		}
		if len(stmts) == 0 {
			if ap, err := model.PatternFromQuery(q); err == nil && ap.Request != nil {
				// An API request (e.g. a Query on an index PartiQL
				// cannot read): the prompt takes PartiQL only.
				f := m.fail(op, msg.name, usageError("saved query "+msg.name+" is an API request ("+ap.Request.Operation+"), not a PartiQL statement"), "")
				f.Fix = ".code LANG " + msg.name + " shows it as code; the browser (alt+2) runs a Query with its key condition (c)"
				act.Failure = f
				return common.Report(act)
			}
			act.Failure = m.fail(op, msg.name, usageError("saved query "+msg.name+" holds no statement"), "")
			return common.Report(act)
		}
		lines := strings.Split(q.Description, "\n")
		lines = append(lines, "Enter runs it; edit it first if you like")
		m.appendOut(infoEntry(lines, true))
		m.ed.SetValue(strings.Join(stmts, "\n"))
		m.editing = true
		act.Summary = "at the prompt"
		return common.Report(act)
	}
	f := m.fail(op, msg.name, usageError("no saved query "+msg.name), "")
	f.Fix = ".queries lists them"
	act.Failure = f
	return common.Report(act)
}

// listQueries shows the saved queries with the first line of each one's
// description.
func (m *Model) listQueries(list []sessions.SavedQuery) {
	if len(list) == 0 {
		m.appendOut(infoEntry([]string{"no saved queries in this session yet: dynalab sample load NAME --session S adds a sample's"}, true))
		return
	}
	m.appendOut(styledEntry(func(th *themes.Theme, width int) []string {
		nameW := 5
		for _, q := range list {
			nameW = max(nameW, widgets.Width(q.Name))
		}
		widths := []int{min(nameW, 32), max(10, width-min(nameW, 32)-2)}
		out := []string{widgets.Row([]widgets.Cell{{Text: "query", Style: th.Header}, {Text: "description", Style: th.Header}}, widths, width)}
		for _, q := range list {
			first, _, _ := strings.Cut(q.Description, "\n")
			out = append(out, widgets.Row([]widgets.Cell{{Text: q.Name, Style: th.Text}, {Text: first, Style: th.Muted}}, widths, width))
		}
		return append(out, th.Muted.Render(queryCount(len(list))+" · .q NAME puts one at the prompt"))
	}))
}

func queryCount(n int) string {
	if n == 1 {
		return "1 saved query"
	}
	return strconv.Itoa(n) + " saved queries"
}

// savedMsg reports .save's write.
type savedMsg struct {
	query    *sessions.SavedQuery
	replaced bool
	err      error
}

// saveCmd saves the last statement run as a saved query of the session
// (an access pattern of the model `dynalab model export` writes): .save
// NAME [DESCRIPTION]. EXPLAIN is dropped: what is saved is the statement.
func (m *Model) saveCmd(arg string) tea.Cmd {
	name, desc, _ := strings.Cut(arg, " ")
	if m.queriesDir == "" {
		m.fail(".save", name, usageError("no session: saved queries belong to a session"), "").Fix =
			"open the workbench with --session NAME"
		return nil
	}
	if err := sessions.ValidateName(name); err != nil {
		m.fail(".save", name, usageError(err.Error()), "").Fix = "usage: .save NAME [DESCRIPTION]"
		return nil
	}
	if m.last == nil || m.last.stmt.text == "" {
		m.fail(".save", name, usageError("nothing to save"), "").Fix = "run a statement first; .save saves the last one"
		return nil
	}
	text := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(m.last.stmt.text), ";"))
	if st, err := partiql.Parse(text); err == nil {
		if e, ok := st.(*partiql.Explain); ok {
			text = partiql.Format(e.Statement)
		}
	}
	var body strings.Builder
	for line := range strings.SplitSeq(strings.TrimSpace(desc), "\n") {
		if line != "" {
			body.WriteString("-- " + line + "\n")
		}
	}
	body.WriteString(text + ";\n")
	dir := m.queriesDir
	return func() tea.Msg {
		q, replaced, err := sessions.SaveQueryIn(dir, name, body.String())
		return savedMsg{query: q, replaced: replaced, err: err}
	}
}

func (m *Model) saved(msg savedMsg) tea.Cmd {
	act := common.Activity{Time: m.c.Now(), Source: "REPL", Operation: ".save"}
	if msg.err != nil {
		act.Failure = m.fail(".save", m.queriesDir, msg.err, "")
		return common.Report(act)
	}
	act.Target = msg.query.Name
	verb := "saved"
	if msg.replaced {
		verb = "replaced"
	}
	m.appendOut(styledEntryLine("✓ " + verb + " query " + msg.query.Name + " · .q " + msg.query.Name + " puts it at the prompt"))
	act.Summary = verb
	return common.Report(act)
}
