package ui

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"

	"dynalab/ui/common"
	"dynalab/ui/widgets"
)

// Wide-layout thresholds: at this size and larger the focused pane and the
// streams pane show side by side.
const (
	WideWidth  = 120
	WideHeight = 40
)

// chrome is the lines around the panes: tabs, key hints, status.
const chrome = 3

// wide reports whether the side-by-side layout applies: a window large
// enough, the side column not hidden (F3) and no pane zoomed (F4).
func (a *App) wide() bool {
	return a.width >= WideWidth && a.height >= WideHeight && !a.sideHidden && !a.zoomed
}

// sideWidth is the narrow column's width in the wide layout: a third of
// the window, at most 44 columns, so that the focused pane keeps the rest.
func (a *App) sideWidth() int { return min(44, a.width/3) }

// leftWidth is the left column's width in the wide layout: the main share
// when the left pane is focused, the side share when the streams are.
func (a *App) leftWidth() int {
	if a.focus == common.PaneStreams {
		return a.sideWidth()
	}
	return a.width - a.sideWidth()
}

// layout gives every pane its size for the current window and focus.
func (a *App) layout() {
	if a.width <= 0 || a.height <= 0 {
		return
	}
	bodyH := max(1, a.height-chrome)
	if a.tutorShown() {
		a.layoutTutor(bodyH)
		return
	}
	if !a.wide() {
		for _, p := range a.panes {
			p.SetSize(a.width, bodyH)
		}
		return
	}
	lw := a.leftWidth()
	for i, p := range a.panes {
		if common.PaneID(i) == common.PaneStreams {
			p.SetSize(a.width-lw-2, bodyH-2)
		} else {
			p.SetSize(lw-2, bodyH-2)
		}
	}
}

// View implements tea.Model.
func (a *App) View() string {
	if a.width <= 0 || a.height <= 0 {
		return ""
	}
	bodyH := max(1, a.height-chrome)
	var body string
	switch {
	case a.tutorShown():
		body = a.tutorBody(bodyH)
	case a.wide():
		lw := a.leftWidth()
		left := a.panes[a.left]
		right := a.panes[common.PaneStreams]
		body = lipgloss.JoinHorizontal(lipgloss.Top,
			widgets.Frame(a.c.Theme, a.paneTitle(a.left), left.View(), lw, bodyH, a.focus == a.left),
			widgets.Frame(a.c.Theme, a.paneTitle(common.PaneStreams), right.View(), a.width-lw, bodyH, a.focus == common.PaneStreams))
	default:
		body = widgets.Fit(a.panes[a.focus].View(), a.width, bodyH)
	}
	switch a.overlay {
	case overlayHelp:
		body = widgets.Overlay(body, a.helpBox(bodyH), a.width, bodyH)
	case overlayError:
		body = widgets.Overlay(body, a.errorBox(bodyH), a.width, bodyH)
	case overlayQuit:
		body = widgets.Overlay(body, a.quitBox(), a.width, bodyH)
	}
	return strings.Join([]string{a.tabs(), body, a.footer(), a.statusBar()}, "\n")
}

func (a *App) paneTitle(id common.PaneID) string {
	return strconv.Itoa(int(id)+1) + " " + a.panes[id].Title()
}

// tabs is the top line: the panes, the focused one marked.
func (a *App) tabs() string {
	th := a.c.Theme
	var b strings.Builder
	b.WriteString(th.Accent.Render(" dynalab "))
	for i, p := range a.panes {
		label := " " + strconv.Itoa(i+1) + " " + p.Title() + " "
		if common.PaneID(i) == a.focus {
			b.WriteString(th.ActiveTab.Render(label))
		} else {
			b.WriteString(th.Tab.Render(label))
		}
	}
	return widgets.FitLine(b.String(), a.width)
}

// footer shows the keys that matter here, or the root's notice, or the
// command line.
func (a *App) footer() string {
	th := a.c.Theme
	switch {
	case a.cmdline != nil:
		o := widgets.EditorView{Width: a.width, Prompt: ":", PromptStyle: th.Accent, Base: th.Text, Cursor: th.Cursor, ShowCursor: true}
		return widgets.FitLine(a.cmdline.View(o)[0], a.width)
	case a.notice != "":
		return widgets.FitLine(th.Warning.Render(a.notice), a.width)
	}
	g := a.global
	help := g.Help
	if a.panes[a.focus].Capturing() {
		help.SetHelp("F1", "help") // ? is typed in a text input
	}
	bindings := []key.Binding{help}
	if a.tutor != nil {
		bindings = append(bindings, a.tutor.ShortHelp()...)
	}
	bindings = append(bindings, a.panes[a.focus].ShortHelp()...)
	if !a.panes[a.focus].Capturing() {
		bindings = append(bindings, g.NextPane)
	}
	h := a.help
	h.Width = a.width - 1
	return widgets.FitLine(" "+h.ShortHelpView(bindings), a.width)
}

// statusBar is the last line: session, endpoint, and the focused pane's
// last operation.
func (a *App) statusBar() string {
	th := a.c.Theme
	be := a.c.Backend
	ep := be.Endpoint()
	if ep == "" {
		ep = "not serving"
	}
	st := a.panes[a.focus].Status()
	left := append([]string{be.Name(), ep}, statusSegments(st, false)...)
	right := []string{th.Name}
	if widgets.Width(strings.Join(left, " · "))+widgets.Width(th.Name)+6 > a.width {
		// Narrow: the compact forms keep every fact on the line.
		ep = strings.TrimPrefix(strings.TrimPrefix(ep, "http://"), "https://")
		left = append([]string{be.Name(), ep}, statusSegments(st, true)...)
		right = nil
	}
	return widgets.StatusBar(th, left, right, a.width)
}

// statusSegments renders a pane's status: "Query AppTable.GSI1",
// "4 shown / 12 scanned", "page 2, more", "0.5 CU", then any note and the
// work in progress. compact shortens the counts and the page
// ("4/12 scanned", "p2 more").
func statusSegments(s common.Status, compact bool) []string {
	var out []string
	if s.Operation != "" {
		op := s.Operation
		if s.Table != "" {
			op += " " + s.Table
			if s.Index != "" {
				op += "." + s.Index
			}
		}
		out = append(out, op)
	}
	if s.HasCounts {
		if compact {
			out = append(out, shortCount(s.Shown)+"/"+shortCount(s.Scanned)+" scanned")
		} else {
			out = append(out, strconv.Itoa(s.Shown)+" shown / "+strconv.Itoa(s.Scanned)+" scanned")
		}
	}
	if s.Page > 0 {
		pg, more, last := "page "+strconv.Itoa(s.Page), ", more", ", last"
		if compact {
			pg, more, last = "p"+strconv.Itoa(s.Page), " more", " last"
		}
		if s.More {
			pg += more
		} else {
			pg += last
		}
		out = append(out, pg)
	}
	if s.HasCapacity {
		out = append(out, strconv.FormatFloat(math.Round(s.Capacity*10)/10, 'f', -1, 64)+" CU")
	}
	if s.Note != "" {
		out = append(out, s.Note)
	}
	if s.Running != "" {
		out = append(out, "⧗ "+s.Running)
	}
	return out
}

// shortCount renders a count in at most five characters: 950, 12.5k, 100k.
func shortCount(n int) string {
	switch {
	case n < 10_000:
		return strconv.Itoa(n)
	case n < 100_000:
		return strconv.FormatFloat(math.Floor(float64(n)/100)/10, 'f', -1, 64) + "k"
	case n < 10_000_000:
		return strconv.Itoa(n/1000) + "k"
	}
	return strconv.Itoa(n/1_000_000) + "M"
}

// helpBox is the F1 overlay: the focused pane's keys as they work right
// now, then the global ones.
func (a *App) helpBox(h int) string {
	th := a.c.Theme
	inner := a.width - 8
	pane := a.panes[a.focus]
	lines := []string{th.Muted.Render(pane.Title() + " keys (as they work right now)")}
	lines = append(lines, helpLines(th, pane.FullHelp(), inner)...)
	if a.tutor != nil {
		lines = append(lines, "", th.Muted.Render(a.tutor.Title()+" keys (from every pane)"))
		lines = append(lines, helpLines(th, a.tutor.FullHelp(), inner)...)
	}
	lines = append(lines, "", th.Muted.Render("everywhere"))
	lines = append(lines, helpLines(th, a.global.FullHelp(), inner)...)
	return widgets.Dialog(th, "Help", a.scrolled(lines, h, "esc, F1 or ? closes"), a.width-4)
}

// scrolled is the part of an overlay's lines that fits in h rows (the
// dialog's frame takes four) from the overlay's scroll position, with the
// closing hint last. What does not fit is marked, with the keys that
// scroll and where the window is: "↓ more · lines 1–17 of 31".
func (a *App) scrolled(lines []string, h int, hint string) []string {
	th := a.c.Theme
	room := max(1, h-4-2) // the lines, a blank line and the hint
	if len(lines) <= room {
		a.overlayTop = 0
		return append(lines, "", th.Muted.Render(hint))
	}
	room = max(1, room-1) // and the position line
	a.overlayTop = max(0, min(a.overlayTop, len(lines)-room))
	top := a.overlayTop
	out := append([]string(nil), lines[top:top+room]...)
	var more []string
	if top > 0 {
		more = append(more, "↑ more")
	}
	if top+room < len(lines) {
		more = append(more, "↓ more")
	}
	more = append(more, fmt.Sprintf("lines %d–%d of %d", top+1, top+room, len(lines)), "↑↓/pgup/pgdn scroll")
	return append(out, th.Accent.Render(strings.Join(more, " · ")), "", th.Muted.Render(hint))
}

// errorBox is the F2 overlay: the whole error.
func (a *App) errorBox(h int) string {
	th := a.c.Theme
	var lines []string
	for _, l := range strings.Split(a.failure.Full(), "\n") {
		for _, w := range widgets.Wrap(l, a.width-10) {
			lines = append(lines, th.Text.Render(w))
		}
	}
	return widgets.Dialog(th, "Error", a.scrolled(lines, h, "esc or F2 closes · the activity pane (alt+5) keeps every error"), a.width-4)
}

// quitBox asks before losing unsaved work.
func (a *App) quitBox() string {
	th := a.c.Theme
	lines := []string{th.Text.Render("Quitting now loses:")}
	for _, u := range a.unsaved {
		lines = append(lines, th.Warning.Render("  • "+u))
	}
	lines = append(lines, "", th.Key.Render("y")+th.Muted.Render(" quits and discards · ")+th.Key.Render("n/esc")+th.Muted.Render(" stays"))
	return widgets.Dialog(th, "Quit?", lines, a.width-4)
}
