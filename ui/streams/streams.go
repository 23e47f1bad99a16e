package streams

import (
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"dynalab/engine/attr"
	"dynalab/sessions"
	"dynalab/ui/common"
	"dynalab/ui/keys"
	"dynalab/ui/widgets"
)

// MaxEvents is how many events the pane keeps.
const MaxEvents = 2000

// NoFeed is what the pane says when it was given no change feed (a
// session that publishes none).
const NoFeed = "No change feed: this session publishes no changes"

// NoFeedRemote is what the pane says on a remote session opened without a
// change feed (the workbench starts one that polls the Streams API).
const NoFeedRemote = "No change feed: this remote session was opened without one; the workbench tails a remote endpoint's tables through the DynamoDB Streams API"

// NoStreams is what the pane says when no table of a remote session has a
// stream: the Streams API has nothing to tail.
const NoStreams = "No table on this endpoint has a stream, so no change can be tailed"

// enableStream says how to give a table a stream: a sentence, then the
// aws CLI command on lines of its own (to copy).
func (m *Model) enableStream(table string) []string {
	th := m.c.Theme
	ep := m.c.Backend.Endpoint()
	if ep == "" {
		ep = "<endpoint>"
	}
	lines := mutedWrap(th.Muted, "Enable one with UpdateTable's StreamSpecification, for example:", m.width)
	for _, l := range []string{
		"  aws dynamodb update-table --endpoint-url " + ep + " \\",
		"    --table-name " + table + " \\",
		"    --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES",
	} {
		lines = append(lines, th.Text.Render(widgets.Truncate(l, m.width)))
	}
	return lines
}

// Model is the streams pane. Create it with New; it implements
// common.Component.
type Model struct {
	c    *common.Common
	keys keys.Streams
	feed <-chan Event

	width, height int
	focused       bool

	events  []shown // oldest first
	held    []Event // arrived while paused
	paused  bool
	closed  bool
	table   string // only this table ("" all)
	filter  widgets.Editor
	editing bool // the filter has the keys
	cursor  int  // index into the visible list; -1 follows the newest
	detail  bool
	total   int // events received
	dropped int // events the feed lost

	status  *FeedStatus     // what the feed covers, when it says (remote feeds)
	failure *common.Failure // the feed's last poll failed
}

// shown is an event with its line's text computed once.
type shown struct {
	ev   Event
	keys string
	diff []widgets.DiffEntry
}

// New returns the pane reading feed (nil: no feed yet).
func New(c *common.Common, feed <-chan Event) *Model {
	m := &Model{c: c, keys: keys.NewStreams(), feed: feed, cursor: -1}
	m.filter.SingleLine = true
	return m
}

// Init starts reading the feed.
func (m *Model) Init() tea.Cmd { return Listen(m.feed) }

// Title implements common.Component.
func (m *Model) Title() string { return "Streams" }

// SetSize implements common.Component.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// SetFocused implements common.Component.
func (m *Model) SetFocused(f bool) { m.focused = f }

// Capturing implements common.Component: the filter is a text input.
func (m *Model) Capturing() bool { return m.focused && m.editing }

// LastFailure implements common.Component: a feed that polls (a remote
// session's) reports its failing polls.
func (m *Model) LastFailure() *common.Failure { return m.failure }

// Unsaved implements common.Component.
func (m *Model) Unsaved() string { return "" }

// Status implements common.Component.
func (m *Model) Status() common.Status {
	s := common.Status{Operation: "Streams", Table: m.table, HasCounts: true, Shown: len(m.visible()), Scanned: m.total}
	switch {
	case m.feed == nil:
		s.Note = "no change feed"
	case m.paused:
		s.Note = "paused · " + strconv.Itoa(len(m.held)) + " new"
	case m.failure != nil:
		s.Note = "Streams API failing, retrying"
	case m.status != nil:
		s.Note = "streams of " + strconv.Itoa(len(m.status.Streamed)) + " of " +
			common.Plural(len(m.status.Streamed)+len(m.status.NoStream), "table")
	}
	return s
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	k := m.keys
	if m.editing {
		return []key.Binding{k.Leave}
	}
	return []key.Binding{k.List.Up, k.List.Down, k.Detail, k.Pause, k.Table, k.Filter}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{k.List.Bindings(), {k.Detail, k.Pause, k.Table, k.Filter, k.Clear, k.Follow, k.Leave}}
}

// Update implements common.Component.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case eventsMsg:
		if msg.feed != m.feed {
			return nil
		}
		m.receive(msg.events)
		deltas := m.deltas(msg.events)
		if msg.closed {
			m.closed = true
			return deltas
		}
		return tea.Batch(Listen(m.feed), deltas)
	case tea.KeyMsg:
		if m.focused {
			m.handleKey(msg)
		}
	}
	return nil
}

func (m *Model) receive(evs []Event) {
	if slices.ContainsFunc(evs, func(ev Event) bool { return ev.Feed != nil }) {
		changes := make([]Event, 0, len(evs))
		for _, ev := range evs {
			if ev.Feed != nil {
				m.feedStatus(ev.Feed)
				continue
			}
			changes = append(changes, ev)
		}
		evs = changes
	}
	m.total += len(evs)
	for _, ev := range evs {
		m.dropped += ev.Dropped
	}
	if m.paused {
		m.held = append(m.held, evs...)
		if len(m.held) > MaxEvents {
			m.held = m.held[len(m.held)-MaxEvents:]
		}
		return
	}
	m.add(evs)
}

// feedStatus takes news about the feed: its coverage, or its failure.
func (m *Model) feedStatus(st *FeedStatus) {
	m.status = st
	m.failure = nil
	switch {
	case st.Err != nil && st.Unsupported:
		m.failure = common.NewFailure("Streams API", st.Source, st.Err, m.c.Now())
		m.failure.Fix = "this endpoint cannot show changes here (the feed has stopped); the REPL and Browser still work"
	case st.Err != nil:
		m.failure = common.NewFailure("Streams API", st.Source, st.Err, m.c.Now())
		m.failure.Fix = "check that the endpoint is up and the credentials allow dynamodb:GetRecords; the feed retries on its own"
	}
}

func (m *Model) add(evs []Event) {
	for _, ev := range evs {
		s := shown{ev: ev, keys: widgets.KeyText(ev.Keys, ev.Keys.Names())}
		if ev.Kind == Modify {
			s.diff = widgets.Diff(ev.OldImage, ev.NewImage, ev.Keys.Names())
		}
		m.events = append(m.events, s)
	}
	if n := len(m.events) - MaxEvents; n > 0 {
		m.events = slices.Delete(m.events, 0, n)
		if m.cursor >= 0 {
			m.cursor = max(0, m.cursor-n)
		}
	}
}

// visible returns the events passing the table and text filters.
func (m *Model) visible() []*shown {
	q := strings.ToLower(m.filter.Value())
	out := make([]*shown, 0, len(m.events))
	for i := range m.events {
		s := &m.events[i]
		if m.table != "" && s.ev.Table != m.table {
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(s.ev.Table+" "+s.ev.Kind.String()+" "+s.keys), q) {
			continue
		}
		out = append(out, s)
	}
	return out
}

func (m *Model) handleKey(msg tea.KeyMsg) {
	k := m.keys
	if m.editing {
		if msg.Type == tea.KeyEsc || msg.Type == tea.KeyEnter {
			m.editing = false
			return
		}
		m.filter.HandleKey(msg)
		m.cursor = -1
		return
	}
	vis := len(m.visible())
	cur := m.cursor
	if cur < 0 {
		cur = vis - 1
	}
	switch {
	case m.detail && key.Matches(msg, k.Leave), m.detail && key.Matches(msg, k.Detail):
		m.detail = false
	case key.Matches(msg, k.List.Up):
		m.cursor = max(0, cur-1)
	case key.Matches(msg, k.List.Down):
		m.cursor = min(vis-1, cur+1)
	case key.Matches(msg, k.List.PageUp):
		m.cursor = max(0, cur-m.listHeight())
	case key.Matches(msg, k.List.PageDown):
		m.cursor = min(vis-1, cur+m.listHeight())
	case key.Matches(msg, k.List.Top):
		m.cursor = 0
	case key.Matches(msg, k.List.Bottom), key.Matches(msg, k.Follow):
		m.cursor = -1
	case key.Matches(msg, k.Detail):
		m.detail = vis > 0
		m.cursor = cur
	case key.Matches(msg, k.Pause):
		m.paused = !m.paused
		if !m.paused {
			m.add(m.held)
			m.held = nil
		}
	case key.Matches(msg, k.Table):
		m.table = m.nextTable()
		m.cursor = -1
	case key.Matches(msg, k.Filter):
		m.editing = true
	case key.Matches(msg, k.Clear):
		m.events, m.cursor, m.detail = nil, -1, false
	case key.Matches(msg, k.Leave):
		if m.filter.Value() != "" {
			m.filter.Reset()
			m.cursor = -1
		}
	}
	if m.cursor >= vis-1 && !m.detail {
		m.cursor = -1 // at the newest: follow
	}
}

// nextTable cycles the table filter through the tables seen, then all.
func (m *Model) nextTable() string {
	seen := map[string]bool{}
	for _, s := range m.events {
		seen[s.ev.Table] = true
	}
	var names []string
	for n := range seen {
		names = append(names, n)
	}
	slices.Sort(names)
	if m.table == "" {
		if len(names) == 0 {
			return ""
		}
		return names[0]
	}
	i := slices.Index(names, m.table)
	if i < 0 || i == len(names)-1 {
		return ""
	}
	return names[i+1]
}

func (m *Model) listHeight() int { return max(1, m.height-2) }

// View implements common.Component.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	th := m.c.Theme
	var lines []string
	lines = append(lines, m.headerLine())
	switch {
	case m.feed == nil:
		lines = append(lines, "")
		msg := NoFeed
		if m.c.Remote() {
			msg = NoFeedRemote
		}
		lines = append(lines, mutedWrap(th.Warning, msg, m.width)...)
		lines = append(lines, "")
		about := "With a change feed (a local session's engine subscription), committed changes across tables appear here as they happen: INSERT, MODIFY (old → new), REMOVE, and TTL deletions marked as service deletions."
		if m.c.Remote() {
			about = "With a change feed (a remote session's tables' streams, polled through the Streams API), committed changes across tables appear here as they happen: INSERT, MODIFY (old → new), REMOVE, and TTL deletions marked as service deletions."
		}
		lines = append(lines, mutedWrap(th.Muted, about, m.width)...)
	case m.detail:
		lines = append(lines, m.detailLines()...)
	default:
		lines = append(lines, m.listLines()...)
	}
	return widgets.Fit(strings.Join(lines, "\n"), m.width, m.height)
}

func mutedWrap(st interface{ Render(...string) string }, s string, w int) []string {
	var out []string
	for _, l := range widgets.Wrap(s, w) {
		out = append(out, st.Render(l))
	}
	return out
}

func (m *Model) headerLine() string {
	th := m.c.Theme
	scope := "all tables"
	if m.table != "" {
		scope = m.table
	}
	s := th.Muted.Render(scope + " · " + common.Plural(m.total, "change"))
	if m.dropped > 0 {
		s += th.Error.Render(" · " + common.Plural(m.dropped, "change") + " dropped (the pane fell behind)")
	}
	switch {
	case m.paused:
		s += th.Warning.Render(" · paused, " + strconv.Itoa(len(m.held)) + " new (p resumes)")
	case m.closed:
		s += th.Muted.Render(" · feed ended")
	case m.feed != nil && m.cursor < 0:
		s += th.Success.Render(" · live")
	}
	switch st := m.status; {
	case m.failure != nil:
		s += th.Error.Render(" · Streams API failing, retrying (F2)")
	case st != nil && len(st.Streamed) > 0 && len(st.NoStream) > 0:
		s += th.Warning.Render(" · no stream on " + strings.Join(st.NoStream, ", "))
	}
	if m.editing || m.filter.Value() != "" {
		o := widgets.EditorView{Width: max(10, m.width/3), Base: th.Text, Cursor: th.Cursor, ShowCursor: m.editing}
		s += th.Muted.Render(" · / ") + m.filter.View(o)[0]
	}
	return s
}

func (m *Model) listLines() []string {
	vis := m.visible()
	h := m.listHeight()
	if len(vis) == 0 {
		return m.waitingLines()
	}
	cur := m.cursor
	if cur < 0 {
		cur = len(vis) - 1
	}
	start := max(0, min(cur-h+1, len(vis)-h))
	if cur < start {
		start = cur
	}
	var out []string
	for i := start; i < len(vis) && len(out) < h; i++ {
		out = append(out, m.eventLine(vis[i], i == cur && m.focused))
	}
	return out
}

// waitingLines say what the pane waits for: with a feed that tails
// streams, which tables it covers and how to give the others a stream.
func (m *Model) waitingLines() []string {
	th := m.c.Theme
	st := m.status
	switch {
	case m.failure != nil:
		return []string{th.Error.Render(m.failure.Line(m.width))}
	case st == nil && m.c.Remote():
		return []string{th.Muted.Render("listing the endpoint's streams…")}
	case st == nil:
		return []string{th.Muted.Render("waiting for changes… write through the endpoint or the REPL")}
	case len(st.Streamed) == 0 && len(st.NoStream) == 0:
		return mutedWrap(th.Muted, "No tables on this endpoint yet. Create one with a StreamSpecification (StreamEnabled=true) and its changes appear here.", m.width)
	case len(st.Streamed) == 0:
		lines := mutedWrap(th.Warning, NoStreams+" (tables: "+strings.Join(st.NoStream, ", ")+").", m.width)
		return append(append(lines, ""), m.enableStream(st.NoStream[0])...)
	}
	lines := mutedWrap(th.Muted, "waiting for changes… tailing the streams of "+strings.Join(st.Streamed, ", ")+" through the DynamoDB Streams API", m.width)
	if len(st.NoStream) > 0 {
		lines = append(lines, "")
		lines = append(lines, mutedWrap(th.Warning, "No stream on "+strings.Join(st.NoStream, ", ")+": their changes cannot be seen.", m.width)...)
		lines = append(lines, m.enableStream(st.NoStream[0])...)
	}
	return lines
}

// eventLine renders "15:04:05 INSERT AppTable PK=…".
func (m *Model) eventLine(s *shown, selected bool) string {
	th := m.c.Theme
	ev := s.ev
	kind := ev.Kind.String()
	kindStyle := th.Added
	switch ev.Kind {
	case Modify:
		kindStyle = th.Changed
	case Remove:
		kindStyle = th.Removed
	}
	extra := ""
	switch {
	case ev.TTL:
		extra = " TTL (service deletion)"
	case ev.Kind == Modify:
		extra = " " + common.Plural(widgets.Changes(s.diff), "change")
	}
	if selected {
		text := ev.Time.Format("15:04:05") + " " + pad(kind, 6) + " " + ev.Table + " " + s.keys + extra
		return th.Selection.Render(widgets.Pad(widgets.Truncate(text, m.width), m.width))
	}
	line := th.Muted.Render(ev.Time.Format("15:04:05")+" ") + kindStyle.Render(pad(kind, 6)) + " " +
		th.Text.Render(ev.Table) + " " + th.Muted.Render(s.keys)
	if ev.TTL {
		line += th.Service.Render(extra)
	} else if extra != "" {
		line += th.Muted.Render(extra)
	}
	return widgets.Truncate(line, m.width)
}

func pad(s string, n int) string { return widgets.Pad(s, n) }

func (m *Model) detailLines() []string {
	th := m.c.Theme
	vis := m.visible()
	if m.cursor < 0 || m.cursor >= len(vis) {
		return nil
	}
	s := vis[m.cursor]
	ev := s.ev
	out := []string{th.Accent.Render(ev.Kind.String()+" "+ev.Table) + th.Muted.Render(" · "+ev.Time.Format("15:04:05"))}
	if ev.Seq != "" {
		out[0] += th.Muted.Render(" · seq " + ev.Seq)
	}
	if ev.TTL {
		out = append(out, th.Service.Render("deleted by TTL: a service deletion, not a client's"))
	}
	names := ev.Keys.Names()
	switch ev.Kind {
	case Modify:
		out = append(out, widgets.DiffLines(th, s.diff, names)...)
	case Insert:
		out = append(out, widgets.DiffLines(th, widgets.Diff(attr.Item{}, ev.NewImage, names), names)...)
	case Remove:
		out = append(out, widgets.DiffLines(th, widgets.Diff(ev.OldImage, attr.Item{}, names), names)...)
	}
	if ev.Kind != Insert && ev.OldImage == nil || ev.Kind != Remove && ev.NewImage == nil {
		out = append(out, th.Muted.Render("(the stream keeps keys only for this change)"))
	}
	return append(out, "", th.Muted.Render("esc or enter returns to the list"))
}

// deltas names the tables a local session's changes touched, for the
// panes that show their counts. Only a local engine's feed sees every
// committed write; a remote feed sees tables with streams only.
func (m *Model) deltas(evs []Event) tea.Cmd {
	if m.c.Backend == nil || m.c.Backend.Kind() != sessions.KindLocal {
		return nil
	}
	var tables []string
	for _, ev := range evs {
		if ev.Feed == nil && ev.Table != "" && !slices.Contains(tables, ev.Table) {
			tables = append(tables, ev.Table)
		}
	}
	if len(tables) == 0 {
		return nil
	}
	return func() tea.Msg { return common.TablesChangedMsg{Tables: tables} }
}
