package repl

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"dynalab/engine"
	"dynalab/partiql"
	"dynalab/sessions"
	"dynalab/ui/common"
)

// runDoneMsg carries a statement's result back to the REPL.
type runDoneMsg struct {
	id  int
	res *sessions.Result
	err error
	dur time.Duration
}

// isMeta reports whether a line is a meta-command rather than PartiQL.
func isMeta(s string) bool {
	return strings.HasPrefix(s, ".") || s == ":q" || s == ":quit" || s == ":q!"
}

// submit handles Enter in the editor: run what is complete, else break the
// line.
func (m *Model) submit() tea.Cmd {
	text := m.ed.Value()
	trim := strings.TrimSpace(text)
	switch {
	case m.pendingDrop != "":
		m.ed.Reset()
		m.appendOut(echoEntry(trim))
		return m.confirmDrop(trim)
	case trim == "":
		return nil
	case isMeta(trim) && !strings.Contains(trim, "\n"):
		m.ed.Reset()
		save := m.remember(trim)
		return tea.Batch(save, m.meta(trim))
	case !partiql.IsComplete(text):
		m.ed.Newline()
		return nil
	}
	m.ed.Reset()
	save := m.remember(strings.TrimRight(text, " \n"))
	m.appendOut(echoEntry(strings.TrimSpace(text)))
	stmts := partiql.SplitScript(text)
	switch len(stmts) {
	case 0: // only comments
	case 1:
		m.queue = append(m.queue, queuedStmt{text: trim})
	default:
		for _, s := range stmts {
			m.queue = append(m.queue, queuedStmt{text: s.Text})
		}
	}
	m.notice = ""
	return tea.Batch(save, m.startNext())
}

// remember adds a statement to the history and saves it.
func (m *Model) remember(s string) tea.Cmd {
	if !m.hist.Add(s) {
		return nil
	}
	h := m.hist
	return func() tea.Msg { return historySavedMsg{h.Append(s)} }
}

// startNext starts the next queued statement unless one is running.
func (m *Model) startNext() tea.Cmd {
	if m.run != nil || len(m.queue) == 0 {
		return nil
	}
	q := m.queue[0]
	m.queue = m.queue[1:]
	q.table, q.index = statementTarget(q.text)
	if q.source != "" {
		src := q.source
		m.appendOut(infoEntry([]string{"-- " + src}, true))
		m.appendOut(echoEntry(q.text))
	}
	return m.startRun(q, "", 1)
}

// startRun runs q (from page token when set) in a command, with the
// workbench's timeout.
func (m *Model) startRun(q queuedStmt, token string, page int) tea.Cmd {
	m.seq++
	id := m.seq
	ctx, cancel := m.c.OpContext()
	m.run = &running{id: id, stmt: q, token: token, page: page, cancel: cancel, start: m.c.Now()}
	be, now, text := m.c.Backend, m.c.Now, q.text
	return func() tea.Msg {
		defer cancel()
		start := now()
		res, err := common.Do(ctx, func(ctx context.Context) (*sessions.Result, error) {
			return be.Run(ctx, text, nil, token)
		})
		return runDoneMsg{id: id, res: res, err: err, dur: now().Sub(start)}
	}
}

// cancelRun cancels the statement in flight and drops the queue.
func (m *Model) cancelRun() {
	r := m.run
	r.cancel()
	m.run = nil
	f := common.NewFailure("PartiQL", target(r.stmt), context.Canceled, m.c.Now())
	m.failure = f
	m.appendOut(errorEntry(f, ""))
	if n := len(m.queue); n > 0 {
		m.appendOut(infoEntry([]string{common.Plural(n, "queued statement") + " not run"}, true))
		m.queue = nil
	}
}

func target(q queuedStmt) string {
	t := q.table
	if q.index != "" {
		t += "." + q.index
	}
	if q.source != "" {
		if t != "" {
			t += " "
		}
		t += "(" + q.source + ")"
	}
	return t
}

// nextPage fetches the next page of the newest result.
func (m *Model) nextPage() tea.Cmd {
	switch {
	case m.run != nil:
		m.notice = "a statement is running: esc cancels it"
		return nil
	case m.last == nil || m.last.res.NextToken == "":
		m.notice = "no more pages"
		return nil
	}
	return m.startRun(m.last.stmt, m.last.res.NextToken, m.last.page+1)
}

// finish shows a statement's result or error and starts the next one.
func (m *Model) finish(msg runDoneMsg) tea.Cmd {
	if m.run == nil || msg.id != m.run.id {
		return nil // canceled, or superseded
	}
	r := m.run
	m.run = nil
	q := r.stmt
	act := common.Activity{Time: m.c.Now(), Source: "REPL", Operation: "PartiQL", Target: target(q), Duration: msg.dur}
	if msg.err != nil {
		err := locateSyntaxError(msg.err, q.text)
		f := m.fail("PartiQL", target(q), err, q.text)
		act.Failure = f
		m.status = common.Status{Operation: "PartiQL", Table: q.table, Index: q.index}
		if n := len(m.queue); n > 0 {
			m.appendOut(infoEntry([]string{"stopped: " + common.Plural(n, "later statement") + " not run"}, true))
			m.queue = nil
		}
		return tea.Batch(common.Report(act), statementDone(q.text, nil, msg.err, r.token))
	}
	res := msg.res
	if res == nil {
		res = &sessions.Result{}
	}
	m.failure = nil
	op := res.Operation
	if op == "" {
		op = "PartiQL"
	}
	act.Operation = op
	m.learn(q.table, res)
	keyNames := m.tables[q.table].KeyNames()
	if m.tables[q.table].Hash.Name == "" {
		keyNames = nil
	}
	switch {
	case res.Plan != "":
		m.appendOut(planEntry(res.Plan))
		act.Summary = "plan"
	case len(res.Items) == 0 && isWrite(op):
		line := "✓ " + op
		if t := target(q); t != "" {
			line += " " + t
		}
		line += " · " + formatCapacity(res.Capacity)
		m.appendOut(styledEntryLine(line))
		act.Summary = "done"
	default:
		m.appendOut(resultEntry(res, q.table, keyNames, r.page))
		act.Summary = common.Plural(len(res.Items), "item")
	}
	var learn tea.Cmd
	if _, known := m.tables[q.table]; !known && q.table != "" {
		learn = m.describeCmd(q.table, true) // for key order next time, and now
	}
	all := res.Items
	if r.token != "" && m.last != nil {
		all = append(slices.Clip(m.last.all), res.Items...)
	}
	m.last = &lastResult{stmt: q, res: res, page: r.page, all: all}
	m.status = common.Status{
		Operation: op, Table: q.table, Index: q.index,
		HasCounts: true, Shown: len(res.Items), Scanned: res.ScannedCount,
		Page: r.page, More: res.NextToken != "",
		HasCapacity: true, Capacity: res.Capacity,
	}
	if isWrite(op) && len(res.Items) == 0 || res.Plan != "" {
		m.status.HasCounts, m.status.Page = false, 0 // nothing was listed
	}
	return tea.Batch(common.Report(act), learn, statementDone(q.text, res, nil, r.token), m.startNext())
}

// statementDone reports a statement's outcome (a lesson checks it), once:
// for its first page, not for the pages that follow.
func statementDone(text string, res *sessions.Result, err error, token string) tea.Cmd {
	if token != "" {
		return nil
	}
	msg := common.StatementMsg{Text: text, Result: res, Err: err}
	return func() tea.Msg { return msg }
}

func isWrite(op string) bool {
	switch op {
	case "PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem":
		return true
	}
	return false
}

func styledEntryLine(line string) *entry {
	return textEntry(func(rc renderCtx) []string { return []string{rc.th.Success.Render(line)} })
}

// learn remembers the attribute names a result showed, for completion.
func (m *Model) learn(table string, res *sessions.Result) {
	for _, t := range []string{table, ""} {
		set := m.attrs[t]
		if set == nil {
			set = map[string]bool{}
			m.attrs[t] = set
		}
		for i, it := range res.Items {
			if i >= 1000 {
				break
			}
			for n := range it {
				set[n] = true
			}
		}
	}
}

// locateSyntaxError gives a remote backend's "wasn't well formed" error
// the position the local parser finds, so the caret can point at it.
func locateSyntaxError(err error, text string) error {
	var api *engine.APIError
	if !errors.As(err, &api) || !strings.HasPrefix(api.Message, strings.TrimSpace(partiql.WellFormedPrefix)) {
		return err
	}
	if _, perr := partiql.Parse(text); perr != nil {
		var pe *partiql.Error
		if errors.As(perr, &pe) {
			return pe
		}
	}
	return err
}
