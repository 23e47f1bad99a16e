package repl

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"dynalab/engine/attr"
	"dynalab/partiql"
	"dynalab/sessions"
	"dynalab/themes"
	"dynalab/ui/common"
	"dynalab/ui/widgets"
)

// renderCtx is everything a transcript entry's rendering depends on.
type renderCtx struct {
	th      *themes.Theme
	width   int
	json    bool
	hscroll int
}

// entry is one block of the transcript. Small blocks render all their
// lines at once (cached per renderCtx); results render lazily, one line at
// a time, so that a large page costs only what is on screen.
type entry struct {
	render func(rc renderCtx) []string
	result *resultBlock

	cached []string
	key    renderCtx
	valid  bool
}

func (e *entry) lines(rc renderCtx) []string {
	if !e.valid || e.key != rc {
		e.cached, e.key, e.valid = e.render(rc), rc, true
	}
	return e.cached
}

// Len returns the entry's line count.
func (e *entry) Len(rc renderCtx) int {
	if e.result != nil {
		return e.result.Len(rc)
	}
	return len(e.lines(rc))
}

// Line returns line i.
func (e *entry) Line(rc renderCtx, i int) string {
	if e.result != nil {
		return e.result.Line(rc, i)
	}
	return e.lines(rc)[i]
}

func textEntry(render func(rc renderCtx) []string) *entry { return &entry{render: render} }

// echoEntry shows a statement as it was run.
func echoEntry(stmt string) *entry {
	return textEntry(func(rc renderCtx) []string { return statementLines(rc.th, stmt, rc.width) })
}

// infoEntry shows lines of text, wrapped; styled picks the style.
func infoEntry(lines []string, muted bool) *entry {
	return textEntry(func(rc renderCtx) []string {
		st := rc.th.Text
		if muted {
			st = rc.th.Muted
		}
		var out []string
		for _, l := range lines {
			for _, w := range widgets.Wrap(l, rc.width) {
				out = append(out, st.Render(w))
			}
		}
		return out
	})
}

// styledEntry shows lines rendered by the caller per theme.
// toneEntry is lines another component asked to show: "ok" in the
// success style, "fail" in the error style, else plain.
func toneEntry(lines []string, tone string) *entry {
	return textEntry(func(rc renderCtx) []string {
		st := rc.th.Text
		switch tone {
		case "ok":
			st = rc.th.Success
		case "fail":
			st = rc.th.Error
		}
		var out []string
		for _, l := range lines {
			for _, w := range widgets.Wrap(l, rc.width) {
				out = append(out, st.Render(w))
			}
		}
		return out
	})
}

func styledEntry(render func(th *themes.Theme, width int) []string) *entry {
	return textEntry(func(rc renderCtx) []string { return render(rc.th, rc.width) })
}

// errorEntry shows a failure on one line; for a statement that does not
// parse, the statement's line follows with a caret under the column.
func errorEntry(f *common.Failure, stmt string) *entry {
	return textEntry(func(rc renderCtx) []string {
		st := rc.th.Error
		if f.Canceled() {
			st = rc.th.Warning
		}
		out := []string{st.Render(f.Line(rc.width))}
		var perr *partiql.Error
		if errors.As(f.Err, &perr) && stmt != "" {
			out = append(out, caretLines(rc.th, stmt, perr.Line, perr.Column, rc.width)...)
		}
		return out
	})
}

// caretLines shows line (1-based) of stmt and a caret under column
// (1-based, in characters), scrolled sideways when the column is beyond
// the width.
func caretLines(th *themes.Theme, stmt string, line, column, width int) []string {
	src := strings.Split(stmt, "\n")
	if line < 1 || line > len(src) {
		return nil
	}
	runes := []rune(src[line-1])
	col := max(column-1, 0)
	const indent = "  "
	room := max(width-len(indent)-1, 8)
	shift := 0
	if col >= room {
		shift = col - room/2
	}
	shown := runes[min(shift, len(runes)):]
	if len(shown) > room {
		shown = shown[:room]
	}
	srcLine := indent + string(shown)
	caret := indent + strings.Repeat(" ", col-shift) + "^"
	label := fmt.Sprintf(" line %d, column %d", line, column)
	if widgets.Width(caret+label) <= width {
		caret += label
	}
	return []string{th.Text.Render(srcLine), th.Error.Render(caret)}
}

// planEntry shows an EXPLAIN plan: "Key: value" lines with the keys
// accented and the operation first.
func planEntry(plan string) *entry {
	return styledEntry(func(th *themes.Theme, width int) []string {
		out := []string{th.Muted.Render("plan")}
		for i, l := range strings.Split(strings.TrimRight(plan, "\n"), "\n") {
			k, v, ok := strings.Cut(l, ":")
			head, body := "  "+k+":", v
			headStyle, bodyStyle := th.Key, th.Text
			switch {
			case !ok:
				head, body = "", "  "+l
			case i == 0:
				headStyle, bodyStyle = th.Accent, th.Accent
			}
			// Long lines wrap at spaces, under their value, so that no part
			// of the plan is lost and no word is cut.
			indent := widgets.Width(head) + 1
			if indent > width/2 {
				indent = 4
			}
			rows := widgets.WrapFirst(body, max(width-widgets.Width(head), 8), max(width-indent, 8))
			out = append(out, headStyle.Render(head)+bodyStyle.Render(rows[0]))
			for _, r := range rows[1:] {
				out = append(out, strings.Repeat(" ", indent)+bodyStyle.Render(strings.TrimLeft(r, " ")))
			}
		}
		return out
	})
}

// resultBlock draws one page of a statement's items.
type resultBlock struct {
	res      *sessions.Result
	table    string
	keys     []string
	page     int
	maxPages int

	cols     []resultColumn // all columns, keys first
	layKey   renderCtx
	layValid bool
	shown    []int // indexes into cols on screen
	widths   []int
	header   string

	jsonStarts []int // first line of each item in JSON mode
	jsonTotal  int
	jsonCache  map[int][]string
	jsonTheme  *themes.Theme
}

type resultColumn struct {
	name  string
	tag   string // the type when all values share one, "*" when mixed
	mixed bool
	width int // natural width
	key   bool
}

func resultEntry(res *sessions.Result, table string, keys []string, page int) *entry {
	rb := &resultBlock{res: res, table: table, keys: keys, page: page}
	rb.columns()
	return &entry{result: rb}
}

// columns computes the union of attribute names, key attributes first,
// with each column's type tag and natural width (from the first items).
func (rb *resultBlock) columns() {
	type info struct {
		types map[attr.Type]bool
		width int
	}
	infos := map[string]*info{}
	var names []string
	for i, it := range rb.res.Items {
		for n, v := range it {
			in := infos[n]
			if in == nil {
				in = &info{types: map[attr.Type]bool{}}
				infos[n] = in
				names = append(names, n)
			}
			in.types[v.Type()] = true
			if i < 500 {
				in.width = max(in.width, widgets.Width(widgets.ValueText(v, 40)))
			}
		}
	}
	slices.Sort(names)
	var keyCols, rest []resultColumn
	for _, n := range names {
		in := infos[n]
		c := resultColumn{name: n}
		if len(in.types) == 1 {
			for t := range in.types {
				c.tag = t.String()
			}
		} else {
			c.tag, c.mixed = "*", true
			in.width += 5 // the "NS:" type prefix of mixed cells
		}
		c.width = min(max(in.width, widgets.Width(n)+1+len(c.tag)), 40)
		if slices.Contains(rb.keys, n) {
			c.key = true
			keyCols = append(keyCols, c)
		} else {
			rest = append(rest, c)
		}
	}
	slices.SortFunc(keyCols, func(a, b resultColumn) int {
		return slices.Index(rb.keys, a.name) - slices.Index(rb.keys, b.name)
	})
	rb.cols = append(keyCols, rest...)
}

// layout picks the columns on screen: key columns always, then the others
// from hscroll on.
func (rb *resultBlock) layout(rc renderCtx) {
	if rb.layValid && rb.layKey == rc {
		return
	}
	rb.layKey, rb.layValid = rc, true
	rb.shown, rb.widths = rb.shown[:0], rb.widths[:0]
	skip := rc.hscroll
	for i, c := range rb.cols {
		if !c.key && skip > 0 {
			skip--
			continue
		}
		rb.shown = append(rb.shown, i)
		rb.widths = append(rb.widths, max(c.width, 3))
	}
	cells := make([]widgets.Cell, len(rb.shown))
	for j, i := range rb.shown {
		c := rb.cols[i]
		cells[j] = widgets.Cell{Text: c.name + " " + c.tag, Style: rc.th.Header}
	}
	rb.header = widgets.Row(cells, rb.widths, rc.width)
	if rc.json {
		rb.jsonLayout(rc)
	}
}

func (rb *resultBlock) jsonLayout(rc renderCtx) {
	if rb.jsonStarts != nil && rb.jsonTheme == rc.th {
		return
	}
	rb.jsonTheme = rc.th
	rb.jsonCache = map[int][]string{}
	rb.jsonStarts = make([]int, len(rb.res.Items))
	n := 0
	for i, it := range rb.res.Items {
		rb.jsonStarts[i] = n
		n += strings.Count(string(widgets.EncodeItem(it, rb.keys)), "\n")
	}
	rb.jsonTotal = n
}

// Len returns the block's line count: header, rows and footer (table), or
// each item's lines and the footer (JSON).
func (rb *resultBlock) Len(rc renderCtx) int {
	rb.layout(rc)
	if len(rb.res.Items) == 0 {
		return 2
	}
	if rc.json {
		return rb.jsonTotal + 1
	}
	return len(rb.res.Items) + 2
}

// Line renders line i.
func (rb *resultBlock) Line(rc renderCtx, i int) string {
	rb.layout(rc)
	n := rb.Len(rc)
	switch {
	case i == n-1:
		return rb.footer(rc)
	case len(rb.res.Items) == 0:
		return rc.th.Muted.Render("(no items)")
	case rc.json:
		return rb.jsonLine(rc, i)
	case i == 0:
		return rb.header
	}
	it := rb.res.Items[i-1]
	cells := make([]widgets.Cell, len(rb.shown))
	for j, ci := range rb.shown {
		c := rb.cols[ci]
		v, ok := it[c.name]
		if !ok {
			cells[j] = widgets.Cell{Text: "", Style: rc.th.Muted}
			continue
		}
		t := v.Type().String()
		text := widgets.ValueText(v, rb.widths[j])
		if c.mixed {
			text = t + ":" + text
		}
		cells[j] = widgets.Cell{Text: text, Style: rc.th.Type(t)}
	}
	return widgets.Row(cells, rb.widths, rc.width)
}

func (rb *resultBlock) jsonLine(rc renderCtx, i int) string {
	k, _ := slices.BinarySearch(rb.jsonStarts, i+1)
	k-- // the item whose first line is at or before i
	lines, ok := rb.jsonCache[k]
	if !ok {
		if len(rb.jsonCache) > 256 {
			clear(rb.jsonCache)
		}
		lines = widgets.ItemLines(rc.th, rb.res.Items[k], rb.keys)
		rb.jsonCache[k] = lines
	}
	j := i - rb.jsonStarts[k]
	if j < len(lines) {
		return lines[j]
	}
	return ""
}

// footer is "N items · M scanned · X RCU · Query · page P · more: ctrl+n".
func (rb *resultBlock) footer(rc renderCtx) string {
	r := rb.res
	parts := []string{common.Plural(len(r.Items), "item")}
	if r.ScannedCount > 0 || r.Count > 0 {
		parts = append(parts, strconv.Itoa(r.ScannedCount)+" scanned")
	}
	parts = append(parts, formatCapacity(r.Capacity))
	if r.Operation != "" {
		parts = append(parts, r.Operation)
	}
	if rb.page > 1 || r.NextToken != "" {
		parts = append(parts, "page "+strconv.Itoa(rb.page))
	}
	s := rc.th.Muted.Render(strings.Join(parts, " · "))
	if r.NextToken != "" {
		s += rc.th.Muted.Render(" · ") + rc.th.Accent.Render("more: ctrl+n")
	}
	return s
}

// formatCapacity renders capacity units: "0.5 RCU"-style precision without
// the kind, which the Result does not say.
func formatCapacity(cu float64) string {
	return strconv.FormatFloat(cu, 'f', -1, 64) + " CU"
}
