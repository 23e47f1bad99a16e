package browser

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"dynalab/engine/attr"
	"dynalab/partiql"
	"dynalab/sessions"
	"dynalab/sessions/model"
	"dynalab/themes"
	"dynalab/ui/common"
	"dynalab/ui/widgets"
)

// patternsState is the access-pattern view: the model's patterns of the
// open table, each with its plan as EXPLAIN gives it.
type patternsState struct {
	rows        []patternRow
	cursor, top int
	seq         int // numbers EXPLAIN rounds: a late answer of an old one is dropped
}

// patternRow is one access pattern and what EXPLAIN said of it.
type patternRow struct {
	ap    model.AccessPattern
	text  string // the statement, on one line; "" for an API request
	index string // the index the request names ("" the table)
	write bool   // a write: it runs after a confirmation

	planned  bool
	op       string // GetItem, Query, Scan, PutItem, ...
	on       string // table or table.index
	units    float64
	unitName string // RCU or WCU
	returned int
	estimate bool   // units and returned are known
	note     string // why there is no estimate, or the EXPLAIN error
	failed   bool
}

// patternRun is an access pattern whose result the grid lists.
type patternRun struct {
	name      string
	stmt      *stmtListing
	prevIndex string
	prevFacet int
}

// planMsg carries EXPLAIN's answer for row i.
type planMsg struct {
	seq, i int
	res    *sessions.Result
	err    error
}

// patternWriteMsg carries the outcome of a write pattern.
type patternWriteMsg struct {
	name string
	res  *sessions.Result
	err  error
}

// openPatterns shows the model's access patterns of the open table and
// explains each one in a command.
func (m *Model) openPatterns() tea.Cmd {
	if m.model == nil {
		m.notice = "no data model in this session: dynalab model apply FILE --session " + m.c.Backend.Name() + " adds one"
		return nil
	}
	st := &patternsState{}
	for _, ap := range m.model.AccessPatterns {
		r := patternRow{ap: ap}
		table := ""
		if ap.Request != nil {
			var in struct{ TableName, IndexName string }
			_ = json.Unmarshal(ap.Request.Input, &in) // model check validates it; a bad one names no table
			table, r.index = in.TableName, in.IndexName
			r.op, r.on, r.planned = ap.Request.Operation, target(in.TableName, in.IndexName), true
			r.note = "an API request: EXPLAIN plans PartiQL statements"
			switch ap.Request.Operation {
			case "GetItem", "Query", "Scan":
			default:
				r.write = true
			}
		} else {
			r.text = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(ap.Statement), ";"))
			stmt, err := partiql.Parse(r.text)
			if err != nil {
				r.planned, r.failed, r.note = true, true, err.Error()
			} else {
				table, r.index = partiql.StatementTarget(stmt)
				_, read := stmt.(*partiql.Select)
				r.write = !read
			}
		}
		if table == "" || table == m.table.Name {
			st.rows = append(st.rows, r)
		}
	}
	if len(st.rows) == 0 {
		m.notice = "the session's model has no access patterns on " + m.table.Name
		return nil
	}
	if m.pats != nil && m.pats.cursor < len(st.rows) {
		st.cursor = m.pats.cursor
	}
	m.pats = st
	m.view = viewPatterns
	m.failure, m.notice = nil, ""
	return m.explainAll()
}

// explainAll runs EXPLAIN on every statement pattern, each in its own
// command, through the backend: the plans are the executor's own.
func (m *Model) explainAll() tea.Cmd {
	st := m.pats
	st.seq++
	var cmds []tea.Cmd
	for i := range st.rows {
		r := &st.rows[i]
		if r.text == "" || r.failed {
			continue
		}
		r.planned = false
		seq, text, params := st.seq, "EXPLAIN "+r.text, r.ap.Parameters
		ctx, cancel := m.c.OpContext()
		be := m.c.Backend
		cmds = append(cmds, func() tea.Msg {
			defer cancel()
			res, err := common.Do(ctx, func(ctx context.Context) (*sessions.Result, error) { return be.Run(ctx, text, params, "") })
			return planMsg{seq: seq, i: i, res: res, err: err}
		})
	}
	return tea.Batch(cmds...)
}

// planned records EXPLAIN's answer.
func (m *Model) planned(msg planMsg) {
	if m.pats == nil || msg.seq != m.pats.seq || msg.i >= len(m.pats.rows) {
		return
	}
	r := &m.pats.rows[msg.i]
	r.planned = true
	if msg.err != nil {
		r.failed, r.note = true, msg.err.Error()
		return
	}
	r.op, r.on = msg.res.Operation, ""
	ex := msg.res.Explanation
	if ex == nil {
		// A backend that gives only the text: its first line says
		// "Operation: X on T[.I]".
		first, _, _ := strings.Cut(msg.res.Plan, "\n")
		if _, on, ok := strings.Cut(first, " on "); ok {
			r.on = strings.TrimSpace(on)
		}
		r.note = "no estimate from this backend"
		return
	}
	r.op, r.on = string(ex.Plan.Operation), target(ex.Plan.Table, ex.Plan.Index)
	if e := ex.Estimate; e != nil {
		r.estimate, r.returned = true, e.Returned
		r.units, r.unitName = e.ReadUnits, "RCU"
		if r.write {
			r.units, r.unitName = e.WriteUnits, "WCU"
		}
		if e.Outcome != "" {
			r.note = e.Outcome
		}
		return
	}
	r.note = ex.NoEstimate
}

// patternsKey handles a key in the access-pattern view.
func (m *Model) patternsKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	st := m.pats
	m.notice = ""
	switch {
	case key.Matches(msg, k.List.Up):
		st.cursor--
	case key.Matches(msg, k.List.Down):
		st.cursor++
	case key.Matches(msg, k.List.Top):
		st.cursor = 0
	case key.Matches(msg, k.List.Bottom):
		st.cursor = len(st.rows) - 1
	case key.Matches(msg, k.Open):
		return m.startPattern(st.cursor)
	case key.Matches(msg, k.Reload):
		return m.explainAll()
	case key.Matches(msg, k.Back), key.Matches(msg, k.Patterns):
		m.view = viewItems
		m.failure = nil
	}
	st.cursor = max(0, min(st.cursor, len(st.rows)-1))
	return nil
}

// paramPrompt asks for an access pattern's parameters, one at a time,
// each prefilled with the model's example value.
type paramPrompt struct {
	row    int
	labels []string
	types  []attr.Type
	values []attr.Value
	i      int
	ed     widgets.Editor
}

// startPattern runs row i's pattern: its parameters first, when it has
// any.
func (m *Model) startPattern(i int) tea.Cmd {
	r := &m.pats.rows[i]
	if r.failed && r.text == "" || r.ap.Request != nil {
		if r.ap.Request != nil {
			m.notice = r.ap.Name + " is an API request (" + r.ap.Request.Operation + "): see it as code (.code LANG " + r.ap.Name + " in the REPL, or dynalab model code)"
		} else {
			m.notice = r.ap.Name + " does not parse: " + r.note
		}
		return nil
	}
	n := 0
	for _, t := range partiql.Tokens(r.text) {
		if t.Kind == partiql.TokenParam {
			n++
		}
	}
	if n == 0 {
		return m.runPattern(i, nil)
	}
	p := &paramPrompt{row: i, labels: paramLabels(r.text, n), values: make([]attr.Value, n), types: make([]attr.Type, n)}
	for j := range n {
		p.types[j] = attr.TypeS
		if j < len(r.ap.Parameters) {
			p.types[j] = r.ap.Parameters[j].Type()
		}
	}
	m.prompt = p
	m.promptField()
	return nil
}

// promptField fills the editor with parameter i's example.
func (m *Model) promptField() {
	p := m.prompt
	p.ed = widgets.Editor{SingleLine: true}
	if r := m.pats.rows[p.row]; p.i < len(r.ap.Parameters) {
		p.ed.SetValue(valueInput(r.ap.Parameters[p.i]))
	}
}

// valueInput is a value as the prompt takes it: a string's or number's
// text, a binary's base64, anything else as DynamoDB JSON.
func valueInput(v attr.Value) string {
	switch v.Type() {
	case attr.TypeS, attr.TypeN:
		return v.Str()
	case attr.TypeB:
		return base64.StdEncoding.EncodeToString(v.Bytes())
	}
	return v.String()
}

// promptKey handles a key while a parameter prompt is open: Enter takes
// the value (and runs the pattern after the last), Esc cancels.
func (m *Model) promptKey(msg tea.KeyMsg) tea.Cmd {
	p := m.prompt
	switch msg.Type {
	case tea.KeyEsc:
		m.prompt = nil
		m.notice = "canceled: " + m.pats.rows[p.row].ap.Name + " did not run"
		return nil
	case tea.KeyEnter:
		v, err := promptValue(p.ed.Value(), p.types[p.i], p.labels[p.i])
		if err != nil {
			m.fail("parameter", m.pats.rows[p.row].ap.Name, err)
			m.failure.Fix = "type a " + p.types[p.i].String() + " value, or esc to cancel"
			return nil
		}
		m.failure = nil
		p.values[p.i] = v
		if p.i++; p.i < len(p.values) {
			m.promptField()
			return nil
		}
		m.prompt = nil
		return m.runPattern(p.row, p.values)
	}
	p.ed.HandleKey(msg)
	return nil
}

// promptValue reads a typed parameter as the example's type.
func promptValue(text string, t attr.Type, label string) (attr.Value, error) {
	switch t {
	case attr.TypeS, attr.TypeN, attr.TypeB:
		return keyValue(text, t.String(), label)
	}
	v, err := attr.ParseValue([]byte(text))
	if err != nil {
		return attr.Value{}, fmt.Errorf("%s is a %s: give it as DynamoDB JSON (%v)", label, t, err)
	}
	return v, nil
}

// paramLabels names each ? by the attribute it is compared with: "PK ="
// for PK = ?, "SK" for begins_with(SK, ?); "parameter N" otherwise.
func paramLabels(stmt string, n int) []string {
	toks := partiql.Tokens(stmt)
	var out []string
	for i, t := range toks {
		if t.Kind != partiql.TokenParam {
			continue
		}
		label := "parameter " + strconv.Itoa(len(out)+1)
	back:
		for j := i - 1; j >= 0 && j >= i-12; j-- {
			tj := toks[j]
			switch {
			case tj.Kind == partiql.TokenIdent || tj.Kind == partiql.TokenQuotedIdent:
				if toks[j+1].Text == "(" {
					break back // a function's name
				}
				label = strings.Trim(tj.Text, `"`)
				if op := toks[j+1]; op.Kind == partiql.TokenOperator || op.Kind == partiql.TokenKeyword {
					label += " " + strings.ToUpper(op.Text)
				}
				break back
			case tj.Kind == partiql.TokenPunct && tj.Text != ")" && tj.Text != ";",
				tj.Kind == partiql.TokenParam, tj.Kind == partiql.TokenOperator,
				tj.Kind == partiql.TokenKeyword && slices.Contains([]string{"IN", "BETWEEN", "AND"}, strings.ToUpper(tj.Text)):
				continue // within the comparison: an IN list, BETWEEN's bounds
			default:
				break back
			}
		}
		out = append(out, label)
	}
	for len(out) < n {
		out = append(out, "parameter "+strconv.Itoa(len(out)+1))
	}
	return out[:n]
}

// runPattern runs row i's pattern with params: a read lists its result
// in the grid (Esc comes back here), a write asks first.
func (m *Model) runPattern(i int, params []attr.Value) tea.Cmd {
	r := m.pats.rows[i]
	if r.write {
		m.confirmPatternWrite(r, params)
		return nil
	}
	run := &patternRun{name: r.ap.Name, stmt: &stmtListing{text: r.text, params: params, op: r.op},
		prevIndex: m.index, prevFacet: m.facet}
	if m.pattern != nil { // a second run from the patterns view: keep where Esc returns
		run.prevIndex, run.prevFacet = m.pattern.prevIndex, m.pattern.prevFacet
	}
	m.pattern = run
	if _, ok := m.table.Index(r.index); ok || r.index == "" {
		m.index = r.index // the grid groups by what the statement reads
	}
	if m.mtable != nil && r.ap.Facet != "" {
		for j, f := range m.mtable.Facets {
			if f.Name == r.ap.Facet {
				m.facet = j
			}
		}
	}
	m.search = ""
	m.view = viewItems
	return m.relist()
}

// leavePattern goes back from a pattern's result to the patterns,
// listing the table as it was.
func (m *Model) leavePattern() tea.Cmd {
	p := m.pattern
	m.pattern = nil
	m.index, m.facet = p.prevIndex, p.prevFacet
	m.view = viewPatterns
	m.failure = nil
	return m.relist()
}

// confirmPatternWrite asks before a write pattern runs.
func (m *Model) confirmPatternWrite(r patternRow, params []attr.Value) {
	be := m.c.Backend
	text := r.text
	m.confirm = &confirmation{
		title: "Run write pattern " + r.ap.Name + "?",
		what:  "the write pattern " + r.ap.Name,
		body: func(th *themes.Theme, width int) []string {
			lines := []string{th.Warning.Render("this writes to " + m.table.Name + ":")}
			for _, l := range widgets.Wrap(text, max(10, width-2)) {
				lines = append(lines, th.Text.Render("  "+l))
			}
			for i, v := range params {
				lines = append(lines, th.Muted.Render(widgets.Truncate("  ? "+strconv.Itoa(i+1)+" = "+literal(v), width)))
			}
			return lines
		},
		yes: func() tea.Cmd {
			ctx, cancel := m.c.OpContext()
			name := r.ap.Name
			return func() tea.Msg {
				defer cancel()
				res, err := common.Do(ctx, func(ctx context.Context) (*sessions.Result, error) { return be.Run(ctx, text, params, "") })
				return patternWriteMsg{name: name, res: res, err: err}
			}
		},
		yesNotice: "running " + r.ap.Name + "…",
		noNotice:  "canceled: " + r.ap.Name + " did not run, nothing written",
	}
}

// patternWritten reports a write pattern's outcome and explains the
// patterns again: their counts may have changed.
func (m *Model) patternWritten(msg patternWriteMsg) tea.Cmd {
	act := common.Activity{Time: m.c.Now(), Source: "Browser", Operation: "PartiQL", Target: msg.name}
	if msg.err != nil {
		act.Failure = m.fail("run "+msg.name, m.table.Name, msg.err)
		return common.Report(act)
	}
	m.notice = msg.name + ": " + msg.res.Operation + " done, " + strconv.FormatFloat(msg.res.Capacity, 'f', -1, 64) + " capacity units"
	act.Operation, act.Summary = msg.res.Operation, m.notice
	cmds := []tea.Cmd{common.Report(act)}
	if m.pats != nil {
		cmds = append(cmds, m.explainAll())
	}
	return tea.Batch(cmds...)
}

// literal is a value as PartiQL writes it: 'USER#u1', 10.
func literal(v attr.Value) string { return partiql.Format(&partiql.Literal{Value: v}) }

// promptHelp is the parameter prompt's keys.
func (m *Model) promptHelp() []key.Binding {
	k := m.keys
	submit, leave := k.Submit, k.Leave
	submit.SetHelp("enter", "next / run")
	leave.SetHelp("esc", "cancel")
	return []key.Binding{submit, leave}
}

// patternsHelp is the access-pattern view's keys.
func (m *Model) patternsHelp() []key.Binding {
	k := m.keys
	open, reload, back := k.Open, k.Reload, k.Back
	open.SetHelp("enter", "run (asks its parameters)")
	reload.SetHelp("r", "explain again")
	return []key.Binding{k.List.Up, k.List.Down, open, reload, back}
}

// patternsStatus is the status line of the access-pattern view.
func (m *Model) patternsStatus() common.Status {
	s := common.Status{Operation: "EXPLAIN", Table: m.table.Name}
	planned := 0
	for _, r := range m.pats.rows {
		if r.planned {
			planned++
		}
	}
	s.Note = common.Plural(len(m.pats.rows), "access pattern")
	if planned < len(m.pats.rows) {
		s.Running = "explaining " + strconv.Itoa(len(m.pats.rows)-planned) + " · esc back"
	}
	return s
}

// patternsView draws the access patterns: a table of name, plan, capacity
// per call, items returned on the current data and the request, then the
// selected pattern's description, statement and parameters.
func (m *Model) patternsView() []string {
	th := m.c.Theme
	st := m.pats
	title := th.Accent.Render(m.table.Name) + th.Muted.Render(" · access patterns")
	if m.model.Name != "" {
		title += th.Muted.Render(" of model ") + th.Text.Render(m.model.Name)
	}
	lines := []string{widgets.Truncate(title, m.width)}
	nameW, planW := 7, 4
	for _, r := range st.rows {
		nameW = max(nameW, widgets.Width(r.ap.Name))
		planW = max(planW, widgets.Width(planText(r)))
	}
	// The request comes last and gives way: the detail below shows it
	// whole.
	sep := len(widgets.ColumnSep)
	planW = min(planW, max(14, m.width/4))
	nameW = min(nameW, 32, max(12, m.width-gutterW-planW-9-6-3*sep-1))
	widths := []int{nameW, planW, 9, 6}
	used := gutterW + nameW + planW + 9 + 6 + 4*sep
	widths = append(widths, max(0, m.width-used))
	lines = append(lines, "  "+widgets.Row([]widgets.Cell{
		{Text: "pattern", Style: th.Header}, {Text: "plan", Style: th.Header}, {Text: "cap/call", Style: th.Header},
		{Text: "items", Style: th.Header}, {Text: "request", Style: th.Header},
	}, widths, m.width-gutterW))
	avail := max(1, m.height-3) // title, header, message line
	listH := min(len(st.rows), max(3, avail/2))
	if st.cursor < st.top {
		st.top = st.cursor
	}
	if st.cursor >= st.top+listH {
		st.top = st.cursor - listH + 1
	}
	for i := st.top; i < len(st.rows) && i < st.top+listH; i++ {
		r := st.rows[i]
		units, items := "…", "…"
		switch {
		case r.failed:
			units, items = "—", "—"
		case r.planned && r.estimate:
			units = strconv.FormatFloat(r.units, 'f', -1, 64) + " " + r.unitName
			items = strconv.Itoa(r.returned)
		case r.planned:
			units, items = "—", "—"
		}
		req := r.text
		if r.ap.Request != nil {
			req = r.ap.Request.Operation + " " + string(r.ap.Request.Input)
		}
		planStyle := th.Text
		switch {
		case r.failed:
			planStyle = th.Error
		case r.op == "Scan":
			planStyle = th.Warning
		}
		cells := []widgets.Cell{
			{Text: r.ap.Name, Style: th.Text}, {Text: planText(r), Style: planStyle},
			{Text: units, Style: th.Types.N}, {Text: items, Style: th.Types.N}, {Text: req, Style: th.Muted},
		}
		if i == st.cursor {
			for j := range cells {
				cells[j].Style = th.Selection
			}
			lines = append(lines, th.Accent.Render("› ")+widgets.FilledRow(cells, widths, m.width-gutterW, th.Selection))
			continue
		}
		lines = append(lines, "  "+widgets.Row(cells, widths, m.width-gutterW))
	}
	if st.top+listH < len(st.rows) {
		lines = append(lines, th.Muted.Render("  … "+strconv.Itoa(len(st.rows)-st.top-listH)+" more below"))
	}
	lines = append(lines, "")
	return append(lines, m.patternDetail(st.rows[st.cursor], m.height-1-len(lines))...)
}

// planText is a pattern's plan in a cell: "Query on table", "Query on
// GSI1" (the view is of one table: its name would only take room).
func planText(r patternRow) string {
	switch {
	case r.failed:
		return "error"
	case !r.planned:
		return "explaining…"
	case r.on == "":
		return r.op
	}
	if _, index, ok := strings.Cut(r.on, "."); ok {
		return r.op + " on " + index
	}
	return r.op + " on table"
}

// patternDetail is the selected pattern below the table, room lines at
// most.
func (m *Model) patternDetail(r patternRow, room int) []string {
	th := m.c.Theme
	w := max(10, m.width-2)
	var out []string
	head := "── " + r.ap.Name
	if r.ap.Facet != "" {
		head += " · returns " + r.ap.Facet
	}
	head += " "
	out = append(out, th.Muted.Render(widgets.Truncate(head+strings.Repeat("─", max(0, m.width-widgets.Width(head))), m.width)))
	for _, l := range widgets.Wrap(strings.TrimSpace(r.ap.Description), w) {
		out = append(out, th.Text.Render("  "+l))
	}
	req := r.text
	if r.ap.Request != nil {
		req = r.ap.Request.Operation + " " + string(r.ap.Request.Input)
	}
	for _, l := range widgets.Wrap(req, w) {
		out = append(out, th.Key.Render("  "+l))
	}
	labels := paramLabels(r.text, len(r.ap.Parameters))
	for i, v := range r.ap.Parameters {
		out = append(out, th.Muted.Render(widgets.Truncate("  ? "+labels[i]+" e.g. "+literal(v), m.width)))
	}
	if r.note != "" {
		st := th.Muted
		if r.failed {
			st = th.Error
		}
		for _, l := range widgets.Wrap(r.note, w) {
			out = append(out, st.Render("  "+l))
		}
	}
	if room <= 0 {
		return nil
	}
	if len(out) > room {
		out = append(out[:room-1:room-1], th.Muted.Render("  … more"))
	}
	return out
}

// promptView is the parameter prompt on the message line: "user-orders
// PK = (1/2): [USER#u1]".
func (m *Model) promptView() string {
	th := m.c.Theme
	p := m.prompt
	label := m.pats.rows[p.row].ap.Name + " " + p.labels[p.i] + " (" + p.types[p.i].String()
	if len(p.values) > 1 {
		label += ", " + strconv.Itoa(p.i+1) + "/" + strconv.Itoa(len(p.values))
	}
	label += "): "
	w := max(8, m.width-widgets.Width(label)-2)
	if m.failure != nil {
		w = max(8, w/2)
	}
	o := widgets.EditorView{Width: w, Base: th.Text, Cursor: th.Cursor, ShowCursor: true}
	s := th.Key.Render(label) + bracket(th, p.ed.View(o)[0], true)
	if m.failure != nil { // a value that does not read as its type: say so beside it
		s += th.Error.Render(" " + m.failure.Err.Error())
	}
	return s
}
