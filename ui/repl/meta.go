package repl

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/partiql"
	"dynalab/sessions"
	"dynalab/themes"
	"dynalab/ui/common"
	"dynalab/ui/widgets"
)

// metaHelp lists the meta-commands for .help.
var metaHelp = []string{
	"Meta-commands (Enter runs them; no ; needed):",
	"  .tables            list the tables with key schema, item count and size",
	"  .describe TABLE    describe a table",
	"  .create SPEC       create a table: " + common.TableSpecHelp,
	"  .drop TABLE        delete a table (asks you to type its name)",
	"  .read FILE         run the statements of a file, in order (Esc stops)",
	"  .queries           list the session's saved queries (dynalab sample load adds some)",
	"  .q NAME            put saved query NAME at the prompt (Enter runs it)",
	"  .save NAME [TEXT]  save the last statement as query NAME, TEXT its description",
	"  .code LANG [NAME]  saved query NAME (else the last statement) as go, python, js, java or cli code",
	"  .export FILE       write the newest result's items as DynamoDB JSON lines",
	"  .theme NAME        switch theme: " + strings.Join(themes.Names(), ", "),
	"  .learn [N]         list the lessons, or open lesson N (dynalab learn)",
	"  .check .hint .answer .next   check the lesson's task, hint, answer, skip it",
	"  .clear             clear the output",
	"  .help              this help",
	"  :q                 quit",
	"Statements: Enter runs input ending in ';' (else a new line); EXPLAIN <statement>; shows the plan.",
	"Keys: Tab completes · ↑↓ history · Ctrl+R searches it · Ctrl+T table/JSON · Ctrl+N next page · Esc cancels, then leaves the editor · F1 all keys",
}

type describeMsg struct {
	id   int
	info common.TableInfo
	err  error
}

type readMsg struct {
	path  string
	stmts []partiql.ScriptStatement
	err   error
}

type exportMsg struct {
	path string
	n    int
	err  error
}

func tag(id int) string { return "repl:" + strconv.Itoa(id) }

// meta runs a meta-command.
func (m *Model) meta(line string) tea.Cmd {
	m.appendOut(styledEntry(func(th *themes.Theme, width int) []string {
		return []string{widgets.Truncate(th.Muted.Render(promptFirst)+th.Accent.Render(line), width)}
	}))
	name, arg, _ := strings.Cut(line, " ")
	arg = strings.TrimSpace(arg)
	usage := func(u string) tea.Cmd {
		m.fail(name, "", usageError("usage: "+u), "").Fix = ".help lists the meta-commands"
		return nil
	}
	switch strings.ToLower(name) {
	case ".help", ".h", ".?":
		m.appendOut(infoEntry(metaHelp, false))
	case ".tables":
		m.seq++
		m.await[m.seq] = ".tables"
		return common.LoadTables(m.c, tag(m.seq))
	case ".describe", ".desc":
		if arg == "" {
			return usage(".describe TABLE")
		}
		return m.describeCmd(strings.Trim(arg, `"`), false)
	case ".create":
		if arg == "" {
			return usage(".create " + common.TableSpecHelp)
		}
		return m.createTableCmd(arg)
	case ".drop":
		if arg == "" {
			return usage(".drop TABLE")
		}
		m.askDrop(strings.Trim(arg, `"`))
		return nil
	case ".read":
		if arg == "" {
			return usage(".read FILE")
		}
		return readCmd(expandHome(arg))
	case ".queries":
		return m.queriesCmd(".queries", "")
	case ".q", ".query":
		if arg == "" {
			return usage(".q NAME (.queries lists them)")
		}
		return m.queriesCmd(".q", arg)
	case ".save":
		if arg == "" {
			return usage(".save NAME [DESCRIPTION]")
		}
		return m.saveCmd(arg)
	case ".code":
		if arg == "" {
			return usage(".code go|python|js|java|cli [NAME]")
		}
		return m.codeCmd(arg)
	case ".export":
		if arg == "" {
			return usage(".export FILE")
		}
		if m.last == nil || len(m.last.all) == 0 {
			m.fail(".export", arg, usageError("nothing to export"), "").Fix = "run a SELECT first"
			return nil
		}
		return exportCmd(expandHome(arg), m.last.all)
	case ".theme":
		if arg == "" {
			m.appendOut(infoEntry([]string{"theme " + m.c.Theme.Name + " · themes: " + strings.Join(themes.Names(), ", ")}, false))
			return nil
		}
		m.themeAsked = true
		return func() tea.Msg { return common.ThemeRequestMsg{Name: arg} }
	case ".clear":
		m.out, m.scroll = nil, 0
	case ".learn", ".check", ".hint", ".answer", ".next":
		msg := common.LearnMsg{Command: strings.ToLower(name[1:]), Arg: arg}
		return func() tea.Msg { return msg }
	case ":q", ":quit", ":q!", ".quit", ".exit":
		return func() tea.Msg { return common.QuitRequestMsg{} }
	default:
		m.fail(name, "", usageError("unknown command "+name), "").Fix = ".help lists the commands"
	}
	return nil
}

// usageError is a mistake in a meta-command.
type usageError string

func (e usageError) Error() string { return string(e) }

func expandHome(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, p[1:])
		}
	}
	return p
}

// describeCmd describes a table: for .describe, or quietly (to learn a
// table's key attributes).
func (m *Model) describeCmd(table string, quiet bool) tea.Cmd {
	m.seq++
	id := m.seq
	m.await[id] = ".describe " + table
	if quiet {
		m.await[id] = quietDescribe
	}
	c := m.c
	return func() tea.Msg {
		ctx, cancel := c.OpContext()
		defer cancel()
		out, err := common.Do(ctx, func(ctx context.Context) (*engine.DescribeTableOutput, error) {
			return c.Backend.DescribeTable(ctx, &engine.DescribeTableInput{TableName: table})
		})
		if err != nil {
			return describeMsg{id: id, info: common.TableInfo{Name: table}, err: err}
		}
		return describeMsg{id: id, info: common.InfoFromDescription(out.Table)}
	}
}

// quietDescribe marks a describe that only learns the key attributes.
const quietDescribe = "learn"

func (m *Model) described(msg describeMsg) tea.Cmd {
	what, ok := m.await[msg.id]
	if !ok {
		return nil
	}
	delete(m.await, msg.id)
	if what == quietDescribe {
		if msg.err == nil {
			m.learnKeys(msg.info)
		}
		return nil
	}
	act := common.Activity{Time: m.c.Now(), Source: "REPL", Operation: "DescribeTable", Target: msg.info.Name}
	if msg.err != nil {
		act.Failure = m.fail("DescribeTable", msg.info.Name, msg.err, "")
		return common.Report(act)
	}
	t := msg.info
	m.learnKeys(t)
	lines := []string{
		t.Name + "  " + t.Status,
		"  key        " + t.Hash.Name + " " + t.Hash.Type + " (partition)",
	}
	if t.Range.Name != "" {
		lines = append(lines, "             "+t.Range.Name+" "+t.Range.Type+" (sort)")
	}
	lines = append(lines,
		"  items      "+strconv.FormatInt(t.ItemCount, 10)+" · "+common.Bytes(t.SizeBytes),
		"  billing    "+billing(t),
	)
	if !t.Created.IsZero() {
		lines = append(lines, "  created    "+t.Created.Format("2006-01-02 15:04:05 UTC"))
	}
	if len(t.Indexes) == 0 {
		lines = append(lines, "  indexes    none")
	}
	for _, ix := range t.Indexes {
		line := "  " + ix.Kind() + "        " + ix.Name + ": " + typedKey(ix.Partition)
		if len(ix.Sort) > 0 {
			line += " | " + typedKey(ix.Sort)
		}
		line += " (" + ix.Projection + ")"
		if why := ix.Unreadable(); why != "" {
			line += " · " + why
		}
		lines = append(lines, line)
	}
	m.appendOut(infoEntry(lines, false))
	act.Summary = strconv.FormatInt(t.ItemCount, 10) + " items"
	return common.Report(act)
}

// typedKey renders key attributes as "userId S, statusAt N".
func typedKey(as []common.KeyAttr) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = a.Name + " " + a.Type
	}
	return strings.Join(parts, ", ")
}

// learnKeys records a table and puts its key attributes first in the
// results already shown from it.
func (m *Model) learnKeys(t common.TableInfo) {
	m.tables[t.Name] = t
	for _, e := range m.out {
		if rb := e.result; rb != nil && rb.table == t.Name && rb.keys == nil && t.Hash.Name != "" {
			rb.keys = t.KeyNames()
			rb.columns()
			rb.layValid, rb.jsonStarts = false, nil
		}
	}
}

func billing(t common.TableInfo) string {
	if t.Billing == engine.BillingPayPerRequest {
		return "on demand"
	}
	return fmt.Sprintf("provisioned %d RCU / %d WCU", t.RCU, t.WCU)
}

// tablesLoaded learns the tables (for completion and key order) and, for a
// .tables request, lists them.
func (m *Model) tablesLoaded(msg common.TablesMsg) tea.Cmd {
	if msg.Err == nil {
		for _, t := range msg.Tables {
			m.tables[t.Name] = t
		}
	}
	id, ok := strings.CutPrefix(msg.Tag, "repl:")
	if !ok {
		return nil
	}
	n, _ := strconv.Atoi(id)
	if _, ok := m.await[n]; !ok {
		return nil
	}
	delete(m.await, n)
	act := common.Activity{Time: m.c.Now(), Source: "REPL", Operation: "ListTables", Duration: msg.Duration}
	if msg.Err != nil {
		act.Failure = m.fail("ListTables", "", msg.Err, "")
		return common.Report(act)
	}
	tables := msg.Tables
	m.appendOut(styledEntry(func(th *themes.Theme, width int) []string {
		if len(tables) == 0 {
			return []string{th.Muted.Render("no tables yet: CREATE them with the aws CLI or an SDK against the endpoint")}
		}
		nameW, keyW := 5, 10
		for _, t := range tables {
			nameW = max(nameW, widgets.Width(t.Name))
			keyW = max(keyW, widgets.Width(t.KeySchema()))
		}
		widths := []int{min(nameW, 40), min(keyW, 40), 10, 10}
		out := []string{widgets.Row([]widgets.Cell{
			{Text: "table", Style: th.Header}, {Text: "key", Style: th.Header},
			{Text: "items", Style: th.Header}, {Text: "size", Style: th.Header},
		}, widths, width)}
		for _, t := range tables {
			out = append(out, widgets.Row([]widgets.Cell{
				{Text: t.Name, Style: th.Text}, {Text: t.KeySchema(), Style: th.Muted},
				{Text: strconv.FormatInt(t.ItemCount, 10), Style: th.Types.N}, {Text: common.Bytes(t.SizeBytes), Style: th.Muted},
			}, widths, width))
		}
		return append(out, th.Muted.Render(common.Plural(len(tables), "table")))
	}))
	act.Summary = common.Plural(len(tables), "table")
	return common.Report(act)
}

func readCmd(path string) tea.Cmd {
	return func() tea.Msg {
		data, err := os.ReadFile(path)
		if err != nil {
			return readMsg{path: path, err: err}
		}
		return readMsg{path: path, stmts: partiql.SplitScript(string(data))}
	}
}

func (m *Model) readDone(msg readMsg) tea.Cmd {
	if msg.err != nil {
		f := m.fail(".read", msg.path, msg.err, "")
		return common.Report(common.Activity{Time: m.c.Now(), Source: "REPL", Operation: ".read", Target: msg.path, Failure: f})
	}
	if len(msg.stmts) == 0 {
		m.appendOut(infoEntry([]string{msg.path + ": no statements"}, true))
		return nil
	}
	base := filepath.Base(msg.path)
	for _, s := range msg.stmts {
		m.queue = append(m.queue, queuedStmt{text: s.Text, source: base + ":" + strconv.Itoa(s.Pos.Line)})
	}
	m.appendOut(infoEntry([]string{"reading " + common.Plural(len(msg.stmts), "statement") + " from " + msg.path + " · esc stops"}, true))
	return m.startNext()
}

// exportCmd writes items to path as DynamoDB JSON lines, {"Item": {...}}
// per line, the format of DynamoDB's own exports.
func exportCmd(path string, items []attr.Item) tea.Cmd {
	return func() tea.Msg {
		var b []byte
		for _, it := range items {
			b = append(b, `{"Item":`...)
			b = attr.AppendItem(b, it)
			b = append(b, "}\n"...)
		}
		if err := os.WriteFile(path, b, sessions.PrivateFile); err != nil {
			return exportMsg{path: path, err: err}
		}
		return exportMsg{path: path, n: len(items)}
	}
}

func (m *Model) exported(msg exportMsg) tea.Cmd {
	act := common.Activity{Time: m.c.Now(), Source: "REPL", Operation: ".export", Target: msg.path}
	if msg.err != nil {
		act.Failure = m.fail(".export", msg.path, msg.err, "")
		return common.Report(act)
	}
	m.appendOut(styledEntryLine("✓ exported " + common.Plural(msg.n, "item") + " to " + msg.path))
	act.Summary = common.Plural(msg.n, "item")
	return common.Report(act)
}
