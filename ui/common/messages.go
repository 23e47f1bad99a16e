package common

import (
	"dynalab/engine"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// ThemeRequestMsg asks the root to switch to the named theme (.theme NAME).
// The root answers with ThemeChangedMsg, or an ActivityMsg with the error.
type ThemeRequestMsg struct{ Name string }

// ThemeChangedMsg answers a ThemeRequestMsg, to every pane: Common.Theme
// is now the theme called Name (drop cached renderings), or, when Err is
// set, the request failed and nothing changed.
type ThemeChangedMsg struct {
	Name string
	Err  error
}

// QuitRequestMsg asks the root to quit (":q" typed in a text input). The
// root asks first when a pane has unsaved work.
type QuitRequestMsg struct{}

// FocusMsg asks the root to focus a pane.
type FocusMsg struct{ Pane PaneID }

// Activity is one finished operation, for the activity pane.
type Activity struct {
	Time      time.Time
	Source    string        // the pane that ran it
	Operation string        // "Query", "PutItem", "PartiQL", ".export", ...
	Target    string        // the table, key or file
	Summary   string        // the outcome, when it succeeded
	Duration  time.Duration // how long it took
	Failure   *Failure      // set when it failed
	Request   string        // the request as sent (its wire JSON), when known
}

// ActivityMsg reports a finished operation to the activity pane.
type ActivityMsg struct{ Activity Activity }

// Report returns a command that reports a.
func Report(a Activity) tea.Cmd {
	return func() tea.Msg { return ActivityMsg{Activity: a} }
}

// TablesChangedMsg names the tables a local session's change feed saw
// writes to (every committed write, from any client), so that the panes
// showing their counts describe them again: the engine's counts are exact
// and a DescribeTable costs nothing locally. Counting the changes instead
// would double-count those made while the table list first loaded.
type TablesChangedMsg struct{ Tables []string }

// TableInfoMsg carries tables described again.
type TableInfoMsg struct{ Tables []TableInfo }

// DescribeTables describes the named tables again; tables that cannot be
// described (deleted meanwhile) are left out.
func DescribeTables(c *Common, names []string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := c.OpContext()
		defer cancel()
		var out []TableInfo
		for _, n := range names {
			d, err := c.Backend.DescribeTable(ctx, &engine.DescribeTableInput{TableName: n})
			if err == nil {
				out = append(out, InfoFromDescription(d.Table))
			}
		}
		return TableInfoMsg{Tables: out}
	}
}
