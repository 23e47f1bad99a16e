package repl

import (
	"context"
	"fmt"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"dynalab/engine"
	"dynalab/ui/common"
)

// tableMadeMsg is the outcome of .create or a confirmed .drop.
type tableMadeMsg struct {
	op, table string
	info      string // what was made, for the transcript
	err       error
}

// createTableCmd creates the table a .create spec describes.
func (m *Model) createTableCmd(spec string) tea.Cmd {
	in, err := common.ParseTableSpec(spec)
	if err != nil {
		m.fail(".create", "", usageError(err.Error()), "").Fix = ".create " + common.TableSpecHelp
		return nil
	}
	c := m.c
	return func() tea.Msg {
		ctx, cancel := c.OpContext()
		defer cancel()
		out, err := common.Do(ctx, func(ctx context.Context) (*engine.CreateTableOutput, error) {
			return c.Backend.CreateTable(ctx, in)
		})
		if err != nil {
			return tableMadeMsg{op: "CreateTable", table: in.TableName, err: err}
		}
		return tableMadeMsg{op: "CreateTable", table: in.TableName, info: describeMade(out.TableDescription)}
	}
}

// describeMade is one line about a new table: "PK S · SK S · on demand · GSI1".
func describeMade(d *engine.TableDescription) string {
	if d == nil {
		return ""
	}
	info := common.InfoFromDescription(d)
	key := info.Hash.Name + " " + info.Hash.Type
	if info.Range.Name != "" {
		key += " · " + info.Range.Name + " " + info.Range.Type
	}
	parts := []string{key}
	if info.Billing == engine.BillingPayPerRequest {
		parts = append(parts, "on demand")
	} else {
		parts = append(parts, fmt.Sprintf("provisioned %d RCU / %d WCU", info.RCU, info.WCU))
	}
	for _, ix := range info.Indexes {
		parts = append(parts, ix.Kind()+" "+ix.Name)
	}
	return strings.Join(parts, " · ")
}

// askDrop asks for the table's name before .drop deletes it: the next
// line typed must be exactly that name.
func (m *Model) askDrop(table string) {
	m.pendingDrop = table
	m.appendOut(infoEntry([]string{
		"Delete table " + table + " and every item in it? This cannot be undone.",
		"Type its name, " + table + ", and press Enter to delete it; anything else keeps it.",
	}, false))
}

// confirmDrop takes the line typed after .drop.
func (m *Model) confirmDrop(typed string) tea.Cmd {
	table := m.pendingDrop
	m.pendingDrop = ""
	if typed != table {
		m.appendOut(infoEntry([]string{"kept " + table + ": the name typed was not " + table}, true))
		return nil
	}
	c := m.c
	return func() tea.Msg {
		ctx, cancel := c.OpContext()
		defer cancel()
		_, err := common.Do(ctx, func(ctx context.Context) (*engine.DeleteTableOutput, error) {
			return c.Backend.DeleteTable(ctx, &engine.DeleteTableInput{TableName: table})
		})
		return tableMadeMsg{op: "DeleteTable", table: table, err: err}
	}
}

// tableMade reports a created or deleted table and reloads the table list
// every pane shows.
func (m *Model) tableMade(msg tableMadeMsg) tea.Cmd {
	act := common.Activity{Time: m.c.Now(), Source: "REPL", Operation: msg.op, Target: msg.table}
	if msg.err != nil {
		act.Failure = m.fail(msg.op, msg.table, msg.err, "")
		return common.Report(act)
	}
	line := "created table " + msg.table
	if msg.op == "DeleteTable" {
		line = "deleted table " + msg.table
	}
	if msg.info != "" {
		line += ": " + msg.info
	}
	m.appendOut(infoEntry([]string{line}, false))
	act.Summary = line
	return tea.Batch(common.Report(act), common.LoadTables(m.c, ""))
}
