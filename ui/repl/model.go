package repl

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"dynalab/engine/attr"
	"dynalab/partiql"
	"dynalab/sessions"
	"dynalab/ui/common"
	"dynalab/ui/keys"
	"dynalab/ui/widgets"
)

// Model is the REPL pane. Create it with New; it implements
// common.Component.
type Model struct {
	c    *common.Common
	keys keys.REPL

	width, height int
	focused       bool
	editing       bool // the editor has the keys (else the transcript does)

	ed          widgets.Editor
	pendingDrop string // .drop asked: the next line must be this table's name
	hist        *History
	search      *searchState
	comp        *compState
	notice      string // one line under the transcript: hints, completion menu

	out     []*entry
	scroll  int // lines scrolled up from the bottom of the transcript
	hscroll int // result columns scrolled sideways
	json    bool

	run   *running       // the statement in flight
	queue []queuedStmt   // statements waiting to run (several typed, .read)
	seq   int            // operation ids
	last  *lastResult    // the newest result, for paging and .export
	await map[int]string // meta-command requests in flight, by id

	themeAsked bool   // a .theme request awaits its answer
	queriesDir string // the session's saved queries; "" without a session

	tables  map[string]common.TableInfo
	attrs   map[string]map[string]bool // attribute names seen, by table ("" for all)
	failure *common.Failure
	status  common.Status
}

// running is the statement in flight.
type running struct {
	id     int
	stmt   queuedStmt
	token  string
	page   int
	cancel context.CancelFunc
	start  time.Time
}

// queuedStmt is a statement to run, with where it came from.
type queuedStmt struct {
	text   string
	source string // "" when typed; "file.sql:12" for .read
	table  string
	index  string
}

// lastResult is the newest page of results.
type lastResult struct {
	stmt queuedStmt
	res  *sessions.Result
	page int
	all  []attr.Item // the items of every page so far
}

// New returns a REPL for the session in c, with its history at historyPath
// ("" keeps history in memory).
func New(c *common.Common, historyPath string) *Model {
	m := &Model{
		c:       c,
		keys:    keys.NewREPL(),
		editing: true,
		hist:    NewHistory(historyPath),
		tables:  map[string]common.TableInfo{},
		attrs:   map[string]map[string]bool{},
		await:   map[int]string{},
	}
	if historyPath != "" {
		m.queriesDir = sessions.QueriesBeside(historyPath)
	}
	m.notice = "Type a statement ending in ; and press Enter · .help lists commands · F1 help"
	m.syncKeys()
	return m
}

// Init loads the history file.
func (m *Model) Init() tea.Cmd {
	h := m.hist
	return func() tea.Msg {
		entries, err := h.Load()
		return historyLoadedMsg{entries, err}
	}
}

type historyLoadedMsg struct {
	entries []string
	err     error
}

type historySavedMsg struct{ err error }

// Title implements common.Component.
func (m *Model) Title() string { return "REPL" }

// SetSize implements common.Component.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// SetFocused implements common.Component.
func (m *Model) SetFocused(f bool) {
	m.focused = f
	m.syncKeys()
}

// Capturing implements common.Component: the editor (or history search)
// has the keys.
func (m *Model) Capturing() bool { return m.focused && m.editing }

// Status implements common.Component.
func (m *Model) Status() common.Status {
	s := m.status
	if m.run != nil {
		s.Running = "running " + firstLine(m.run.stmt.text) + " · esc cancels"
		if n := len(m.queue); n > 0 {
			s.Running += " · " + common.Plural(n, "more statement") + " queued"
		}
	}
	return s
}

// LastFailure implements common.Component.
func (m *Model) LastFailure() *common.Failure { return m.failure }

// Unsaved implements common.Component: a statement typed and not run
// (history keeps every statement run; a draft is lost on quitting).
func (m *Model) Unsaved() string {
	v := strings.TrimSpace(m.ed.Value())
	if v == "" || slices.Contains(m.hist.Entries(), v) {
		return "" // nothing typed, or a statement the history keeps
	}
	if n := strings.Count(v, "\n") + 1; n > 1 {
		return fmt.Sprintf("a statement being typed in the REPL (%d lines)", n)
	}
	return "a statement being typed in the REPL"
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	if m.editing {
		return keys.Enabled(k.Run, k.Complete, k.HistPrev, k.Search, k.Cancel, k.Leave, k.NextPage, k.ToggleJSON)
	}
	return keys.Enabled(k.List.Up, k.List.Down, k.List.Left, k.List.Right, k.Edit, k.NextPage, k.ToggleJSON)
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	if m.editing {
		return [][]key.Binding{
			keys.Enabled(k.Run, k.Newline, k.Complete, k.HistPrev, k.HistNext, k.Search, k.Discard),
			keys.Enabled(k.Cancel, k.Leave, k.NextPage, k.ToggleJSON, k.ScrollUp, k.ScrollDown, k.Clear),
		}
	}
	return [][]key.Binding{
		k.List.Bindings(),
		keys.Enabled(k.Edit, k.NextPage, k.ToggleJSON, k.Cancel),
	}
}

// syncKeys enables the bindings that mean something now.
func (m *Model) syncKeys() {
	k := &m.keys
	running := m.run != nil
	k.Cancel.SetEnabled(running)
	k.Leave.SetEnabled(!running && m.editing)
	k.NextPage.SetEnabled(!running && m.last != nil && m.last.res.NextToken != "")
	k.HistPrev.SetEnabled(len(m.hist.Entries()) > 0)
	k.HistNext.SetEnabled(m.hist.Browsing())
}

// Update implements common.Component.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	defer m.syncKeys()
	switch msg := msg.(type) {
	case tea.KeyMsg:
		if !m.focused {
			return nil
		}
		return m.handleKey(msg)
	case historyLoadedMsg:
		if msg.err != nil {
			m.fail("history", m.hist.path, msg.err, "")
		}
		// Statements run before the file was read stay newest.
		m.hist.Set(append(msg.entries, m.hist.Entries()...))
	case historySavedMsg:
		if msg.err != nil {
			m.fail("history", m.hist.path, msg.err, "")
		}
	case runDoneMsg:
		return m.finish(msg)
	case common.TablesMsg:
		return m.tablesLoaded(msg)
	case describeMsg:
		return m.described(msg)
	case tableMadeMsg:
		return m.tableMade(msg)
	case readMsg:
		return m.readDone(msg)
	case exportMsg:
		return m.exported(msg)
	case savedMsg:
		return m.saved(msg)
	case queriesMsg:
		return m.queriesLoaded(msg)
	case codeMsg:
		return m.coded(msg)
	case common.TranscriptMsg:
		m.appendOut(toneEntry(msg.Lines, msg.Tone))
	case common.PromptMsg:
		m.ed.SetValue(msg.Text)
		m.editing = true
		m.hist.Reset()
	case common.ThemeChangedMsg:
		// Entries re-render on their own: the theme is part of their cache key.
		if m.themeAsked {
			m.themeAsked = false
			if msg.Err != nil {
				m.fail(".theme", msg.Name, msg.Err, "")
			} else {
				m.appendOut(infoEntry([]string{"theme " + msg.Name}, true))
			}
		}
	}
	return nil
}

func (m *Model) handleKey(msg tea.KeyMsg) tea.Cmd {
	if m.search != nil {
		return m.searchKey(msg)
	}
	if m.editing {
		return m.editorKey(msg)
	}
	return m.transcriptKey(msg)
}

// editorKey handles a key while the editor has the keys.
func (m *Model) editorKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	if !key.Matches(msg, k.Complete) {
		m.comp = nil
	}
	switch {
	case key.Matches(msg, k.Cancel) && m.run != nil:
		m.cancelRun()
		return nil
	case msg.Type == tea.KeyEsc:
		m.editing = false
		m.notice = "↑↓ scroll · ←→ columns · i edit · tab next pane"
		return nil
	case key.Matches(msg, k.Complete):
		m.complete()
		return nil
	case key.Matches(msg, k.Search):
		m.startSearch()
		return nil
	case key.Matches(msg, k.Discard):
		m.ed.Reset()
		m.hist.Reset()
		return nil
	case key.Matches(msg, k.Newline):
		m.ed.Newline()
		return nil
	case key.Matches(msg, k.Run):
		return m.submit()
	case keys.Is(msg, k.NextPage):
		return m.nextPage()
	case key.Matches(msg, k.ToggleJSON):
		m.toggleJSON()
		return nil
	case key.Matches(msg, k.ScrollUp):
		m.scrollBy(m.outputHeight() - 1)
		return nil
	case key.Matches(msg, k.ScrollDown):
		m.scrollBy(-(m.outputHeight() - 1))
		return nil
	case key.Matches(msg, k.Clear):
		m.out, m.scroll = nil, 0
		return nil
	case msg.Type == tea.KeyUp && m.ed.OnFirstLine():
		if s, ok := m.hist.Prev(m.ed.Value()); ok {
			m.ed.SetValue(s)
		}
		return nil
	case msg.Type == tea.KeyDown && m.ed.OnLastLine():
		if s, ok := m.hist.Next(); ok {
			m.ed.SetValue(s)
		}
		return nil
	}
	before := m.ed.Value()
	if m.ed.HandleKey(msg) && m.ed.Value() != before {
		m.hist.Reset()
	}
	return nil
}

// transcriptKey handles a key while the transcript has the keys.
func (m *Model) transcriptKey(msg tea.KeyMsg) tea.Cmd {
	k := m.keys
	switch {
	case key.Matches(msg, k.Cancel) && m.run != nil:
		m.cancelRun()
	case key.Matches(msg, k.Edit):
		m.editing = true
		m.notice = ""
	case key.Matches(msg, k.List.Up):
		m.scrollBy(1)
	case key.Matches(msg, k.List.Down):
		m.scrollBy(-1)
	case key.Matches(msg, k.List.PageUp), key.Matches(msg, k.ScrollUp):
		m.scrollBy(m.outputHeight() - 1)
	case key.Matches(msg, k.List.PageDown), key.Matches(msg, k.ScrollDown):
		m.scrollBy(-(m.outputHeight() - 1))
	case key.Matches(msg, k.List.Top):
		m.scroll = m.totalLines()
		m.scrollBy(0)
	case key.Matches(msg, k.List.Bottom):
		m.scroll = 0
	case key.Matches(msg, k.List.Left):
		m.hscroll = max(0, m.hscroll-1)
	case key.Matches(msg, k.List.Right):
		m.hscroll++
	case keys.Is(msg, k.NextPage), msg.String() == "n":
		return m.nextPage()
	case key.Matches(msg, k.ToggleJSON), msg.String() == "t":
		m.toggleJSON()
	case key.Matches(msg, k.Clear):
		m.out, m.scroll = nil, 0
	}
	return nil
}

func (m *Model) toggleJSON() {
	m.json = !m.json
	m.scroll = 0
}

// scrollBy scrolls the transcript up by n lines (down when negative).
func (m *Model) scrollBy(n int) {
	m.scroll = max(0, min(m.scroll+n, m.totalLines()-m.outputHeight()))
}

func (m *Model) renderCtx() renderCtx {
	return renderCtx{th: m.c.Theme, width: max(m.width, 1), json: m.json, hscroll: m.hscroll}
}

func (m *Model) totalLines() int {
	rc := m.renderCtx()
	n := 0
	for _, e := range m.out {
		n += e.Len(rc)
	}
	return n
}

// appendOut adds an entry to the transcript and follows it.
func (m *Model) appendOut(e *entry) {
	m.out = append(m.out, e)
	if len(m.out) > maxEntries {
		m.out = m.out[len(m.out)-maxEntries:]
	}
	m.scroll = 0
}

// maxEntries bounds the transcript.
const maxEntries = 500

// fail records a failure and shows it in the transcript.
func (m *Model) fail(op, target string, err error, stmt string) *common.Failure {
	f := common.NewFailure(op, target, err, m.c.Now())
	m.failure = f
	m.appendOut(errorEntry(f, stmt))
	return f
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}

// statementTarget returns the table and index a statement names, parsing
// it; "" when it does not parse.
func statementTarget(text string) (table, index string) {
	stmt, err := partiql.Parse(text)
	if err != nil {
		return statementTable(text), ""
	}
	if e, ok := stmt.(*partiql.Explain); ok {
		stmt = e.Statement
	}
	return partiql.StatementTarget(stmt)
}
