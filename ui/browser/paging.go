package browser

import (
	"fmt"
	"math"
	"strconv"

	tea "github.com/charmbracelet/bubbletea"

	"dynalab/engine/attr"
	"dynalab/themes"
	"dynalab/ui/common"
)

// nextPage loads the next page of the listing; all keeps loading until the
// last one (Esc stops it).
func (m *Model) nextPage(all bool) tea.Cmd {
	if m.load != nil {
		if all {
			m.load.all = true
		}
		return nil
	}
	if m.pages > 0 && !m.more {
		m.notice = "no more pages: all " + common.Plural(len(m.data.items), "item") + " are loaded"
		return nil
	}
	m.seq++
	m.load = &loadState{id: m.seq, all: all}
	limit := int64(pageSize)
	if all {
		limit = bulkPageSiz
	}
	return m.fetch(m.seq, m.lst, m.lastKey, limit)
}

// stopLoading cancels the page load in flight, keeping what is loaded.
func (m *Model) stopLoading() {
	if m.load == nil {
		return
	}
	m.load.cancel()
	m.load = nil
	m.notice = "stopped: " + common.Plural(len(m.data.items), "item") + " loaded, n loads the next page"
}

// pageLoaded adds a page to the grid.
func (m *Model) pageLoaded(msg pageMsg) tea.Cmd {
	if m.load == nil || msg.id != m.load.id {
		return nil // stopped, or superseded by a new listing
	}
	all := m.load.all
	m.load = nil
	op := m.lst.operation()
	if m.lst.stmt != nil && msg.op != "" {
		op = msg.op
	}
	act := common.Activity{Time: m.c.Now(), Source: "Browser", Operation: op, Target: m.target(), Duration: msg.dur, Request: msg.req}
	if msg.err != nil {
		act.Failure = m.fail(op, m.target(), msg.err)
		return common.Report(act)
	}
	out := msg.out
	m.failure = nil
	if m.lst.stmt != nil {
		if msg.op != "" {
			m.lst.stmt.op = msg.op
		}
		m.token = msg.token // more pages when set: m.more below
	}
	m.pages++
	m.scanned += out.ScannedCount
	if cc := out.ConsumedCapacity; cc != nil {
		m.capacity += cc.CapacityUnits
	}
	m.data.add(out.Items)
	m.lastKey = out.LastEvaluatedKey
	m.more = len(out.LastEvaluatedKey) > 0 || m.token != ""
	m.lastOp = op
	if all && m.more {
		return m.nextPage(true)
	}
	m.follow()
	act.Summary = common.Plural(len(m.data.items), "item") + " loaded"
	if m.more {
		act.Summary += ", more"
	}
	act.Summary += fmt.Sprintf("\nResponse:  Count %d, ScannedCount %d, LastEvaluatedKey %s", out.Count, out.ScannedCount, lastKeyText(out.LastEvaluatedKey))
	return tea.Batch(common.Report(act), m.prefetch())
}

// pageBudget is how many pages past the first a filter or search reads
// before asking: one that matches little would otherwise read the whole
// table unasked, page after page, and on AWS that is money.
const pageBudget = 3

// prefetch loads the next page when the cursor nears the end of what is
// loaded, so scrolling never waits at a page boundary. While a filter or
// search narrows the rows it reads up to the page budget, then asks.
func (m *Model) prefetch() tea.Cmd {
	if m.load != nil || !m.more || m.data == nil || m.failure != nil || m.confirm != nil {
		return nil
	}
	left := m.data.displayRows()
	if m.data.shown() > 0 {
		left -= m.data.displayRow(m.cursor)
	}
	if left > 2*m.gridHeight() {
		return nil
	}
	if m.filter != nil || m.search != "" {
		if m.autoHold {
			return nil
		}
		if !m.readOn && m.autoPages >= pageBudget {
			m.askToReadOn()
			return nil
		}
		m.autoPages++
	}
	return m.nextPage(false)
}

// askToReadOn asks before reading the rest of the table for a filter or
// search, with what it has covered and what the rest would cost.
func (m *Model) askToReadOn() {
	what := "the filter"
	if m.filter == nil {
		what = "the search"
	}
	est := m.estimateRest()
	m.confirm = &confirmation{
		title: "Read on?",
		body: func(th *themes.Theme, width int) []string {
			return []string{
				th.Text.Render(what + " matched " + common.Plural(m.data.shown(), "row") + " in " + common.Plural(m.pages, "page")),
				th.Muted.Render("it has covered " + m.coverage()),
				th.Warning.Render(est),
			}
		},
		yes: func() tea.Cmd {
			m.readOn = true
			return m.nextPage(true)
		},
		no: func() {
			m.autoHold = true
		},
		yesNotice: "reading the rest · esc stops",
		noNotice:  "stopped: " + what + " " + m.coverage() + " · n reads the next page, L all",
	}
}

// coverage says how much of the table the listing has read: "over 400
// of ~2,407 items (4 pages)".
func (m *Model) coverage() string {
	s := "over " + strconv.Itoa(m.scanned)
	if n := m.table.ItemCount; n > 0 && m.index == "" {
		s += " of ~" + strconv.FormatInt(max(n, int64(m.scanned)), 10)
	}
	s += " items (" + common.Plural(m.pages, "page")
	if !m.more {
		s += ", all read"
	}
	return s + ")"
}

// estimateRest says what reading the rest would take, from the table's
// item count and the capacity the pages so far consumed.
func (m *Model) estimateRest() string {
	n := m.table.ItemCount
	if n <= int64(m.scanned) || m.scanned == 0 {
		return "read the remaining pages (the table's size is not known yet)?"
	}
	rest := n - int64(m.scanned)
	pages := (rest + bulkPageSiz - 1) / bulkPageSiz
	units := m.capacity / float64(m.scanned) * float64(rest)
	return fmt.Sprintf("read about %s more (~%s items), about %s RCU?", common.Plural(int(pages), "page"), strconv.FormatInt(rest, 10), strconv.FormatFloat(math.Ceil(units*10)/10, 'f', -1, 64))
}

// moveTo puts the cursor on shown position pos (clamped) and keeps it on
// screen.
func (m *Model) moveTo(pos int) tea.Cmd {
	n := m.data.shown()
	m.cursor = max(0, min(pos, n-1))
	m.follow()
	return m.prefetch()
}

// follow scrolls so that the cursor's line (and its group's header, when
// it is the group's first row) is on screen.
func (m *Model) follow() {
	if m.data == nil || m.data.shown() == 0 {
		m.top = 0
		return
	}
	h := max(m.gridHeight(), 1)
	m.cursor = min(m.cursor, m.data.shown()-1)
	row := m.data.displayRow(m.cursor)
	want := row
	if g := m.data.groupOf(m.cursor); g >= 0 && m.data.groups[g].start == m.cursor {
		want = row - 1 // the header
	}
	switch {
	case want < m.top:
		m.top = want
	case row >= m.top+h:
		m.top = row - h + 1
	}
	m.top = max(0, min(m.top, m.data.displayRows()-1))
}

// lastKeyText is a LastEvaluatedKey as its wire JSON, or "none".
func lastKeyText(k attr.Item) string {
	if len(k) == 0 {
		return "none"
	}
	return string(attr.AppendItem(nil, k))
}
