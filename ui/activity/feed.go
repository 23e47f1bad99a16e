package activity

import (
	tea "github.com/charmbracelet/bubbletea"

	"dynalab/ui/common"
)

// WithFeed makes the pane also list the entries that arrive on feed from
// outside the workbench — the served endpoint's authorization decisions,
// with their explanation on the detail view, or the engine's notices —
// and returns m. It may be called once per feed; a nil feed adds nothing.
func (m *Model) WithFeed(feed <-chan common.Activity) *Model {
	if feed != nil {
		m.feeds = append(m.feeds, feed)
	}
	return m
}

// feedMsg is an entry received from feed i.
type feedMsg struct {
	i int
	a common.Activity
}

// waitAll waits for every feed's next entry.
func (m *Model) waitAll() tea.Cmd {
	var cmds []tea.Cmd
	for i := range m.feeds {
		cmds = append(cmds, m.next(i))
	}
	return tea.Batch(cmds...)
}

// next waits for feed i's next entry.
func (m *Model) next(i int) tea.Cmd {
	feed := m.feeds[i]
	return func() tea.Msg {
		a, ok := <-feed
		if !ok {
			return nil
		}
		return feedMsg{i, a}
	}
}
