package activity

import (
	"cmp"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"dynalab/ui/common"
	"dynalab/ui/keys"
	"dynalab/ui/widgets"
)

// MaxEntries is how many operations the pane keeps.
const MaxEntries = 1000

// Model is the activity pane. Create it with New; it implements
// common.Component.
type Model struct {
	c    *common.Common
	keys keys.Activity

	width, height int
	focused       bool

	entries    []common.Activity
	errorsOnly bool
	cursor     int // index into the visible entries; -1 follows the newest
	detail     bool
	failures   int
	feeds      []<-chan common.Activity // see WithFeed
}

// New returns an empty activity pane.
func New(c *common.Common) *Model {
	return &Model{c: c, keys: keys.NewActivity(), cursor: -1}
}

// Init implements common.Component.
func (m *Model) Init() tea.Cmd { return m.waitAll() }

// Title implements common.Component.
func (m *Model) Title() string { return "Activity" }

// SetSize implements common.Component.
func (m *Model) SetSize(w, h int) { m.width, m.height = w, h }

// SetFocused implements common.Component.
func (m *Model) SetFocused(f bool) { m.focused = f }

// Capturing implements common.Component.
func (m *Model) Capturing() bool { return false }

// LastFailure implements common.Component: the selected entry's failure.
func (m *Model) LastFailure() *common.Failure {
	vis := m.visible()
	if len(vis) == 0 {
		return nil
	}
	return vis[m.cur(len(vis))].Failure
}

// Unsaved implements common.Component.
func (m *Model) Unsaved() string { return "" }

// Status implements common.Component.
func (m *Model) Status() common.Status {
	return common.Status{Operation: "Activity", Note: common.Plural(len(m.entries), "operation") + ", " + common.Plural(m.failures, "failure")}
}

// ShortHelp implements help.KeyMap.
func (m *Model) ShortHelp() []key.Binding {
	return []key.Binding{m.keys.List.Up, m.keys.List.Down, m.keys.Detail, m.keys.Errors}
}

// FullHelp implements help.KeyMap.
func (m *Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{k.List.Bindings(), {k.Detail, k.Errors, k.Back}}
}

func (m *Model) visible() []common.Activity {
	if !m.errorsOnly {
		return m.entries
	}
	var out []common.Activity
	for _, e := range m.entries {
		if e.Failure != nil {
			out = append(out, e)
		}
	}
	return out
}

func (m *Model) cur(n int) int {
	if m.cursor < 0 || m.cursor >= n {
		return n - 1
	}
	return m.cursor
}

// Update implements common.Component.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case feedMsg:
		m.Update(common.ActivityMsg{Activity: msg.a})
		return m.next(msg.i)
	case common.ActivityMsg:
		if f := msg.Activity.Failure; f != nil {
			// The root reports a failure as soon as a pane shows it; the
			// pane's own report, with request and timing, completes it.
			for i := range m.entries {
				if m.entries[i].Failure == f {
					m.entries[i] = merge(m.entries[i], msg.Activity)
					return nil
				}
			}
			m.failures++
		}
		m.entries = append(m.entries, msg.Activity)
		if n := len(m.entries) - MaxEntries; n > 0 {
			m.entries = m.entries[n:]
			if m.cursor >= 0 {
				m.cursor = max(0, m.cursor-n)
			}
		}
	case tea.KeyMsg:
		if !m.focused {
			return nil
		}
		k := m.keys
		n := len(m.visible())
		c := m.cur(n)
		switch {
		case m.detail && (key.Matches(msg, k.Back) || key.Matches(msg, k.Detail)):
			m.detail = false
		case key.Matches(msg, k.List.Up):
			m.cursor = max(0, c-1)
		case key.Matches(msg, k.List.Down):
			m.cursor = c + 1
		case key.Matches(msg, k.List.PageUp):
			m.cursor = max(0, c-m.height)
		case key.Matches(msg, k.List.PageDown):
			m.cursor = c + m.height
		case key.Matches(msg, k.List.Top):
			m.cursor = 0
		case key.Matches(msg, k.List.Bottom):
			m.cursor = -1
		case key.Matches(msg, k.Detail):
			m.detail = n > 0
			m.cursor = c
		case key.Matches(msg, k.Errors):
			m.errorsOnly = !m.errorsOnly
			m.cursor = -1
		}
		if m.cursor >= n-1 && !m.detail {
			m.cursor = -1
		}
	}
	return nil
}

// View implements common.Component.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	th := m.c.Theme
	vis := m.visible()
	head := th.Muted.Render(common.Plural(len(m.entries), "operation") + " · " + common.Plural(m.failures, "failure"))
	if m.errorsOnly {
		head += th.Warning.Render(" · errors only (e shows all)")
	}
	lines := []string{head}
	switch {
	case len(vis) == 0:
		lines = append(lines, th.Muted.Render("nothing yet: operations from every pane are listed here, failures with their full text"))
	case m.detail:
		e := vis[m.cur(len(vis))]
		lines = append(lines, m.line(e, false))
		text := e.Summary
		if e.Failure != nil {
			text = e.Failure.Full()
		}
		if e.Request != "" {
			text += "\nRequest:\n" + e.Request
		}
		for _, l := range strings.Split(text, "\n") {
			for _, w := range widgets.Wrap(l, m.width) {
				lines = append(lines, th.Text.Render(w))
			}
		}
		lines = append(lines, "", th.Muted.Render("esc or enter returns to the list"))
	default:
		h := max(1, m.height-1)
		c := m.cur(len(vis))
		start := max(0, min(c-h+1, len(vis)-h))
		for i := start; i < len(vis) && i < start+h; i++ {
			lines = append(lines, m.line(vis[i], i == c && m.focused))
		}
	}
	return widgets.Fit(strings.Join(lines, "\n"), m.width, m.height)
}

// line renders "15:04:05 ✓ Query AppTable · 4 items · 2ms".
func (m *Model) line(e common.Activity, selected bool) string {
	th := m.c.Theme
	mark, markStyle := "✓", th.Success
	outcome, _, _ := strings.Cut(e.Summary, "\n") // the detail view shows the rest
	if e.Failure != nil {
		mark, markStyle = "✗", th.Error
		outcome = e.Failure.Message()
		if e.Failure.Canceled() {
			mark, markStyle = "⊘", th.Warning
		}
	}
	text := e.Time.Format("15:04:05") + " " + mark + " " + e.Source + " " + e.Operation
	if e.Target != "" {
		text += " " + e.Target
	}
	if outcome != "" {
		text += " · " + outcome
	}
	switch {
	case e.Duration >= time.Millisecond:
		text += " · " + e.Duration.Round(time.Millisecond).String()
	case e.Duration > 0:
		text += " · <1ms"
	}
	if selected {
		return th.Selection.Render(widgets.Pad(widgets.Truncate(text, m.width), m.width))
	}
	return markStyle.Render(widgets.Truncate(text, m.width))
}

// merge completes entry a with what b knows and a does not.
func merge(a, b common.Activity) common.Activity {
	a.Summary = cmp.Or(a.Summary, b.Summary)
	a.Request = cmp.Or(a.Request, b.Request)
	a.Duration = cmp.Or(a.Duration, b.Duration)
	if a.Source == "" || b.Source != "" && b.Duration > 0 {
		a.Source = b.Source
	}
	return a
}
