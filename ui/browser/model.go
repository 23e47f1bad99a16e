package browser

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"dynalab/engine/attr"
	"dynalab/sessions/model"
	"dynalab/ui/common"
	"dynalab/ui/keys"
)

// EditorFunc returns the command that edits the file at path (the user's
// $EDITOR). Tests give one that runs a script.
type EditorFunc func(path string) *exec.Cmd

// DefaultEditor runs $VISUAL, else $EDITOR, else vi.
func DefaultEditor(path string) *exec.Cmd {
	ed := os.Getenv("VISUAL")
	if ed == "" {
		ed = os.Getenv("EDITOR")
	}
	if ed == "" {
		ed = "vi"
	}
	// $EDITOR may carry flags ("code --wait"): let the shell split it.
	return exec.Command("sh", "-c", ed+` "$1"`, "editor", path)
}

// view is what the browser shows.
type view int

const (
	viewTables   view = iota // the tables
	viewItems                // a table's items
	viewDetail               // one item
	viewPatterns             // the model's access patterns of the table
	viewKeys                 // the key space: partitions, entity types, sizes
)

// Model is the item browser pane. Create it with New; it implements
// common.Component.
type Model struct {
	c      *common.Common
	keys   keys.Browser
	editor EditorFunc

	width, height int
	focused       bool
	view          view

	tables      []common.TableInfo
	tableCursor int
	tablesTop   int
	tablesErr   *common.Failure
	tablesAsked bool

	table    common.TableInfo // the open table
	index    string           // the index read ("" for the table)
	data     *grid
	lst      listing
	cond     keyCond
	filter   *filterExpr
	search   string
	lastKey  attr.Item // where the next page starts (nil: from the start)
	token    string    // a statement listing's NextToken
	more     bool
	pages    int
	scanned  int
	capacity float64
	load     *loadState
	// autoPages counts the pages read without being asked while a filter
	// or search narrows the rows; at pageBudget the browser asks first.
	autoPages int
	readOn    bool // the user said to read on past the budget
	autoHold  bool // the user said not to: only n and L read more

	cursor int // shown position
	top    int // first display line on screen
	col    int // selected column (index into data.cols)
	colOff int // first non-key column on screen
	marked map[int]bool

	detailTop int
	split     bool // the cursor's item shown under the grid

	bar     *bar
	picker  *indexPicker // the index switcher, when open
	confirm *confirmation
	pending *pendingEdit // an $EDITOR round trip in progress

	seq     int
	failure *common.Failure
	notice  string
	lastOp  string

	job        *transferJob      // an import or export in flight
	jobSeq     int               // numbers jobs, so a late message of an old one is ignored
	lastPath   map[string]string // the file last imported or exported, by table
	checkpoint CheckpointFunc    // where imports keep checkpoints (nil: none)

	// The session's data model (facets.go): what it says of the open
	// table, loaded in a command when a table opens.
	modelFn  ModelFunc
	modelSeq int
	model    *model.Model
	mtable   *model.Table   // the open table's, nil when the model has none
	facet    int            // the facet shown, -1 all items
	pattern  *patternRun    // the access pattern whose result is listed
	pats     *patternsState // the access-pattern view
	prompt   *paramPrompt   // a parameter prompt of a pattern run
	keyspace *keySpace      // the key-space view
}

// loadState is a page load in flight.
type loadState struct {
	id     int
	all    bool // keep loading until the last page
	cancel func()
}

// New returns a browser for the session in c; editor edits files (nil
// means DefaultEditor).
func New(c *common.Common, editor EditorFunc) *Model {
	if editor == nil {
		editor = DefaultEditor
	}
	m := &Model{c: c, keys: keys.NewBrowser(), editor: editor, marked: map[int]bool{}, lastPath: map[string]string{}, facet: -1}
	m.syncKeys()
	return m
}

// Init implements common.Component; the root's first TablesMsg fills the
// tables list.
func (m *Model) Init() tea.Cmd { return nil }

// Title implements common.Component.
func (m *Model) Title() string { return "Browser" }

// SetSize implements common.Component.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.follow()
}

// SetFocused implements common.Component.
func (m *Model) SetFocused(f bool) { m.focused = f }

// Capturing implements common.Component: a bar is a text input.
func (m *Model) Capturing() bool { return m.focused && (m.bar != nil || m.prompt != nil) }

// LastFailure implements common.Component.
func (m *Model) LastFailure() *common.Failure {
	if m.failure != nil {
		return m.failure
	}
	if m.view == viewTables {
		return m.tablesErr
	}
	return nil
}

// Unsaved implements common.Component.
func (m *Model) Unsaved() string {
	switch {
	case m.confirm != nil && m.confirm.what != "":
		return m.confirm.what + " (not confirmed)"
	case m.pending != nil && m.pending.text != nil:
		return "an edit of " + m.table.Name + " in $EDITOR that was not saved"
	case m.bar != nil && m.bar.kind == barInline && m.bar.changed():
		return "an inline edit of " + m.bar.attr
	case m.job != nil && m.job.export:
		return "the export " + m.job.what() + " in progress"
	case m.job != nil:
		return "the import " + m.job.what() + " in progress (its checkpoint lets it resume)"
	}
	return ""
}

// Status implements common.Component.
func (m *Model) Status() common.Status {
	switch m.view {
	case viewPatterns:
		return m.patternsStatus()
	case viewKeys:
		return m.keysStatus()
	}
	return m.listStatus()
}

// listStatus is the status line of the tables list or of what is listed.
func (m *Model) listStatus() common.Status {
	if m.view == viewTables {
		s := common.Status{Operation: m.lastOp, Note: common.Plural(len(m.tables), "table")}
		if m.job != nil {
			s.Running = m.jobRunning()
		}
		return s
	}
	s := common.Status{
		Operation: m.lst.operation(), Table: m.table.Name, Index: m.index,
		HasCounts: true, Scanned: m.scanned,
		Page: m.pages, More: m.more,
		HasCapacity: true, Capacity: m.capacity,
	}
	if m.data != nil {
		s.Shown = m.data.shown()
		switch {
		case m.search != "":
			s.Note = "search over " + strconv.Itoa(len(m.data.items)) + " loaded rows: " + strconv.Itoa(m.data.shown()) + " match"
		case m.filter != nil:
			s.Note = "filter " + m.coverage()
		case m.facet >= 0 && m.mtable != nil:
			s.Note = "entity type " + m.mtable.Facets[m.facet].Name + ": " + strconv.Itoa(m.data.shown()) + " of " + strconv.Itoa(len(m.data.items)) + " loaded rows"
		}
		if m.pattern != nil {
			s.Note = strings.TrimPrefix(s.Note+" · ", " · ") + "pattern " + m.pattern.name
		}
	}
	if m.load != nil {
		s.Running = "loading page " + strconv.Itoa(m.pages+1)
		if m.load.all {
			s.Running = "loading all pages: " + strconv.Itoa(len(m.data.items)) + " items so far"
		}
		s.Running += " · esc stops"
	}
	if m.job != nil {
		s.Running = m.jobRunning()
	}
	return s
}

// jobRunning is the status bar's note on a running import or export.
func (m *Model) jobRunning() string {
	verb := "importing "
	if m.job.export {
		verb = "exporting "
	}
	return verb + m.job.what() + ": " + common.Thousands(m.job.count.Load()) + " items · esc cancels"
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	switch {
	case m.confirm != nil:
		return []key.Binding{k.Confirm.Yes, k.Confirm.No}
	case m.picker != nil:
		return m.pickerHelp()
	case m.prompt != nil:
		return m.promptHelp()
	case m.bar != nil:
		return m.barHelp()
	case m.job != nil:
		return append([]key.Binding{k.Cancel}, m.viewHelp()...)
	}
	return m.viewHelp()
}

// viewHelp is the footer's keys of the view.
func (m *Model) viewHelp() []key.Binding {
	k := m.keys
	switch m.view {
	case viewTables:
		return []key.Binding{k.List.Up, k.List.Down, k.Open, k.NewTable, k.DropTable, k.Reload, k.Export, k.Import}
	case viewDetail:
		return []key.Binding{k.List.Up, k.List.Down, k.EditExt, k.Duplicate, k.Delete, k.Back}
	case viewPatterns:
		return m.patternsHelp()
	case viewKeys:
		return m.keysHelp()
	}
	return keys.Enabled(k.Open, k.KeyCond, k.Filter, k.Search, k.Facet, k.Patterns, k.Edit, k.EditExt, k.New, k.Delete, k.NextPage, k.Back, k.Export, k.Import)
}

// pickerHelp is the index switcher's keys.
func (m *Model) pickerHelp() []key.Binding {
	k := m.keys
	open, back := k.Open, k.Back
	open.SetHelp("enter", "read from it")
	back.SetHelp("esc", "close")
	return []key.Binding{k.List.Up, k.List.Down, open, back}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	switch {
	case m.confirm != nil:
		return [][]key.Binding{{k.Confirm.Yes, k.Confirm.No}}
	case m.picker != nil:
		return [][]key.Binding{m.pickerHelp()}
	case m.prompt != nil:
		return [][]key.Binding{m.promptHelp()}
	case m.bar != nil:
		return [][]key.Binding{m.barHelp()}
	case m.view == viewPatterns:
		return [][]key.Binding{m.patternsHelp()}
	case m.view == viewKeys:
		return [][]key.Binding{m.keysHelp()}
	case m.view == viewTables:
		return [][]key.Binding{k.List.Bindings(), {k.Open, k.Reload, k.NewTable, k.DropTable}, {k.Export, k.Import, k.Cancel}}
	case m.view == viewDetail:
		return [][]key.Binding{{k.List.Up, k.List.Down, k.List.PageUp, k.List.PageDown}, {k.EditExt, k.Duplicate, k.Delete, k.Back}}
	}
	return [][]key.Binding{
		k.List.Bindings(),
		keys.Enabled(k.Open, k.KeyCond, k.Filter, k.Search, k.Index, k.NextPage, k.LoadAll, k.Reload),
		keys.Enabled(k.Edit, k.EditExt, k.New, k.Duplicate, k.Mark, k.Delete, k.Back),
		keys.Enabled(k.Facet, k.FacetPrev, k.Patterns, k.KeySpace),
		{k.Split, k.Export, k.Import, k.Cancel},
	}
}

// syncKeys enables the bindings that mean something now.
func (m *Model) syncKeys() {
	k := &m.keys
	k.NextPage.SetEnabled(m.more)
	k.LoadAll.SetEnabled(m.more)
	k.Index.SetEnabled(len(m.table.Indexes) > 0)
	hasFacets := m.mtable != nil && len(m.mtable.Facets) > 0
	k.Facet.SetEnabled(hasFacets)
	k.FacetPrev.SetEnabled(hasFacets)
	k.Patterns.SetEnabled(m.model != nil && len(m.model.AccessPatterns) > 0)
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
	case common.TablesMsg:
		return m.tablesLoaded(msg)
	case pageMsg:
		cmd := m.pageLoaded(msg)
		if m.view == viewKeys {
			return tea.Batch(cmd, m.computeKeySpace())
		}
		return cmd
	case patternWriteMsg:
		return m.patternWritten(msg)
	case editorReadyMsg:
		return m.editorReady(msg)
	case editorDoneMsg:
		return m.editorDone(msg)
	case editedMsg:
		return m.edited(msg)
	case writeMsg:
		return m.written(msg)
	case tableDoneMsg:
		return m.tableDone(msg)
	case common.TablesChangedMsg:
		return common.DescribeTables(m.c, msg.Tables)
	case common.TableInfoMsg:
		m.countsChanged(msg)
		return nil
	case transferTickMsg:
		return m.transferTicked(msg)
	case transferDoneMsg:
		return m.transferDone(msg)
	case modelMsg:
		return m.modelLoaded(msg)
	case planMsg:
		m.planned(msg)
		return nil
	case keySpaceMsg:
		return m.keySpaceDone(msg)
	}
	return nil
}

// fail records a failure for the message line.
func (m *Model) fail(op, target string, err error) *common.Failure {
	m.failure = common.NewFailure(op, target, err, m.c.Now())
	m.notice = ""
	return m.failure
}

// tablesLoaded takes a (re)loaded table list.
func (m *Model) tablesLoaded(msg common.TablesMsg) tea.Cmd {
	mine := msg.Tag == "browser"
	if msg.Tag != "" && !mine {
		if msg.Err == nil {
			m.tables = msg.Tables
		}
		return nil
	}
	m.tablesAsked = false
	act := common.Activity{Time: m.c.Now(), Source: "Browser", Operation: "ListTables", Duration: msg.Duration}
	if msg.Err != nil {
		m.tablesErr = common.NewFailure("ListTables", "", msg.Err, m.c.Now())
		act.Failure = m.tablesErr
		return common.Report(act)
	}
	m.tablesErr = nil
	m.tables = msg.Tables
	m.lastOp = "ListTables"
	m.tableCursor = min(m.tableCursor, max(0, len(m.tables)-1))
	if !mine {
		return nil
	}
	act.Summary = common.Plural(len(m.tables), "table")
	return common.Report(act)
}

// keyAttrs returns the first partition and sort attribute of what is
// listed (the table, or the index).
func (m *Model) keyAttrs() (hash, rng common.KeyAttr) {
	if ix, ok := m.table.Index(m.index); ok {
		return ix.Hash, ix.Range
	}
	return m.table.Hash, m.table.Range
}

// keySchema returns every partition and sort attribute of what is listed,
// in key schema order: one of each for a table, up to four of each for a
// GSI with a multi-attribute key.
func (m *Model) keySchema() (part, sort []common.KeyAttr) {
	if ix, ok := m.table.Index(m.index); ok {
		return ix.Partition, ix.Sort
	}
	part = []common.KeyAttr{m.table.Hash}
	if m.table.Range.Name != "" {
		sort = []common.KeyAttr{m.table.Range}
	}
	return part, sort
}

// OpenTable shows the named table's items, from the start; the table
// list must be loaded. An unknown name is an error naming the tables.
func (m *Model) OpenTable(name string) (tea.Cmd, error) {
	t, ok := m.tableNamed(name)
	if !ok {
		names := make([]string, len(m.tables))
		for i, t := range m.tables {
			names[i] = t.Name
		}
		if len(names) == 0 {
			return nil, fmt.Errorf("session %s has no table %s (it has no tables yet)", m.c.Backend.Name(), name)
		}
		return nil, fmt.Errorf("session %s has no table %s (tables: %s)", m.c.Backend.Name(), name, strings.Join(names, ", "))
	}
	return m.open(t), nil
}

// open shows a table's items, listing them from the start.
func (m *Model) open(t common.TableInfo) tea.Cmd {
	m.table, m.index, m.picker = t, "", nil
	m.cond, m.filter, m.search = keyCond{}, nil, ""
	m.pattern, m.pats, m.keyspace, m.prompt = nil, nil, nil, nil
	m.view = viewItems
	return tea.Batch(m.relist(), m.loadModel())
}

// relist starts the listing over with the current bars.
func (m *Model) relist() tea.Cmd {
	if m.load != nil {
		m.load.cancel()
		m.load = nil
	}
	hash, rng := m.keyAttrs()
	part, sort := m.keySchema()
	l, err := buildListing(m.table, m.index, part, sort, m.cond, m.filter)
	if m.pattern != nil {
		st := *m.pattern.stmt
		l, err = listing{stmt: &st}, nil
	}
	if err != nil {
		m.fail("Query", m.target(), err)
		m.failure.Fix = "give every partition attribute a value (c), or clear them all to Scan"
		return nil
	}
	keyNames := m.table.KeyNames()
	m.lst = l
	m.data = newGrid(hash.Name, rng.Name, keyNames)
	if ix, ok := m.table.Index(m.index); ok && ix.MultiKey() {
		m.data.setIndexKey(part, sort)
	}
	m.classify()
	m.data.setSearch(m.search)
	m.cursor, m.top, m.col, m.colOff = 0, 0, 0, 0
	m.token = ""
	m.detailTop = 0
	clear(m.marked)
	m.pages, m.scanned, m.capacity, m.more, m.lastKey = 0, 0, 0, false, nil
	m.autoPages, m.readOn, m.autoHold = 0, false, false
	m.failure = nil
	return m.nextPage(false)
}

// target names what is listed: "AppTable" or "AppTable.GSI1".
func (m *Model) target() string { return target(m.table.Name, m.index) }
