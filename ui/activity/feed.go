package activity

import (
	tea "github.com/charmbracelet/bubbletea"

	"dynalab/ui/common"
)

// WithFeed makes the pane also list the entries that arrive on feed from
// outside the workbench — the served endpoint's authorization decisions,
// with their explanation on the detail view — and returns m. A nil feed
// adds nothing.
func (m *Model) WithFeed(feed <-chan common.Activity) *Model {
	m.feed = feed
	return m
}

// feedMsg is an entry received from the feed.
type feedMsg struct{ a common.Activity }

// next waits for the feed's next entry.
func (m *Model) next() tea.Cmd {
	feed := m.feed
	if feed == nil {
		return nil
	}
	return func() tea.Msg {
		a, ok := <-feed
		if !ok {
			return nil
		}
		return feedMsg{a}
	}
}
