package browser

import (
	"context"
	"strconv"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"dynalab/engine"
	"dynalab/sessions"
	"dynalab/themes"
	"dynalab/ui/common"
	"dynalab/ui/widgets"
)

// tableBarView draws the new-table or delete-table bar on the message
// line: what it does, the input, and a hint.
func (m *Model) tableBarView(th *themes.Theme) string {
	b := m.bar
	label, hint := "new table: ", "  "+common.TableSpecHelp
	if b.kind == barDropTable {
		label = "delete " + b.table
		if t, ok := m.tableNamed(b.table); ok {
			label += " and its " + common.Plural(int(t.ItemCount), "item")
		}
		label += "? type its name: "
		hint = "  esc keeps it"
	}
	if m.failure != nil { // Enter was refused: say why where the hint was
		return th.Accent.Render(label) + m.fieldView(0, max(10, m.width/3)) + th.Error.Render("  "+m.failure.Message())
	}
	w := max(10, m.width-widgets.Width(label)-widgets.Width(hint))
	return th.Accent.Render(label) + m.fieldView(0, w) + th.Muted.Render(hint)
}

func (m *Model) tableNamed(name string) (common.TableInfo, bool) {
	for _, t := range m.tables {
		if t.Name == name {
			return t, true
		}
	}
	return common.TableInfo{}, false
}

// tableDoneMsg is the outcome of creating or deleting a table.
type tableDoneMsg struct {
	op, table string
	err       error
}

// applyTableBar creates the table the bar describes, or deletes the table
// whose name was typed.
func (m *Model) applyTableBar() tea.Cmd {
	b := m.bar
	text := strings.TrimSpace(b.text())
	c := m.c
	if b.kind == barDropTable {
		if text != b.table {
			m.fail("DeleteTable", b.table, errNameMismatch(b.table)).Fix = "type " + b.table + " exactly, or esc to keep it"
			return nil
		}
		m.bar, m.notice = nil, "deleting "+b.table+"…"
		return func() tea.Msg {
			ctx, cancel := c.OpContext()
			defer cancel()
			_, err := common.Do(ctx, func(ctx context.Context) (*engine.DeleteTableOutput, error) {
				return c.Backend.DeleteTable(ctx, &engine.DeleteTableInput{TableName: b.table})
			})
			return tableDoneMsg{op: "DeleteTable", table: b.table, err: err}
		}
	}
	in, err := common.ParseTableSpec(text)
	if err != nil {
		m.fail("CreateTable", "", err).Fix = "e.g. Orders PK:S SK:S gsi ByStatus status:S"
		return nil
	}
	m.bar, m.notice = nil, "creating "+in.TableName+"…"
	return func() tea.Msg {
		ctx, cancel := c.OpContext()
		defer cancel()
		_, err := common.Do(ctx, func(ctx context.Context) (*engine.CreateTableOutput, error) {
			return c.Backend.CreateTable(ctx, in)
		})
		return tableDoneMsg{op: "CreateTable", table: in.TableName, err: err}
	}
}

type errNameMismatch string

func (e errNameMismatch) Error() string {
	return "the name typed is not " + strconv.Quote(string(e)) + ": nothing was deleted"
}

// tableDone reports a created or deleted table and reloads the list.
func (m *Model) tableDone(msg tableDoneMsg) tea.Cmd {
	act := common.Activity{Time: m.c.Now(), Source: "Browser", Operation: msg.op, Target: msg.table}
	if msg.err != nil {
		act.Failure = m.fail(msg.op, msg.table, msg.err)
		return common.Report(act)
	}
	m.notice = "created " + msg.table
	if msg.op == "DeleteTable" {
		m.notice = "deleted " + msg.table
	}
	act.Summary = m.notice
	m.tablesAsked = true
	return tea.Batch(common.Report(act), common.LoadTables(m.c, "browser"))
}

// countsChanged takes tables described again after writes: counts and
// sizes stay true through this pane's writes and every other client's.
func (m *Model) countsChanged(msg common.TableInfoMsg) {
	for _, t := range msg.Tables {
		for i := range m.tables {
			if m.tables[i].Name == t.Name {
				m.tables[i] = t
			}
		}
		if m.table.Name == t.Name {
			m.table.ItemCount, m.table.SizeBytes = t.ItemCount, t.SizeBytes
		}
	}
}

// countText is what the title line says of the table's size: exact for a
// local session; for a remote one, what DescribeTable says, which AWS
// refreshes only about every six hours.
func (m *Model) countText() string {
	n := strconv.FormatInt(m.table.ItemCount, 10) + " items · " + common.Bytes(m.table.SizeBytes)
	if m.c.Backend.Kind() == sessions.KindRemote {
		return "~" + n + " (DescribeTable's count, refreshed by AWS about every 6 hours)"
	}
	return n
}
