package ui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"dynalab/ui/common"
	"dynalab/ui/widgets"
)

// The lesson (Options.Tutor) takes the wide layout's side column, wider
// than the streams pane's so that its prose reads well, and in smaller
// windows a strip above the focused pane. F3 hides it, F4 zooms past it.

// tutorShown reports whether the lesson is drawn.
func (a *App) tutorShown() bool { return a.tutor != nil && !a.sideHidden && !a.zoomed }

// bigWindow reports a window large enough for two columns.
func (a *App) bigWindow() bool { return a.width >= WideWidth && a.height >= WideHeight }

// tutorWidth is the lesson column's width in a big window: two fifths of
// it, at most 60 columns, at least the side column's.
func (a *App) tutorWidth() int { return max(a.sideWidth(), min(60, a.width*2/5)) }

// tutorStrip is the lines the lesson takes above the focused pane in a
// small window (its rule included): three sevenths of the body.
func (a *App) tutorStrip(bodyH int) int { return max(4, bodyH*3/7) }

// layoutTutor sizes the panes and the lesson beside them.
func (a *App) layoutTutor(bodyH int) {
	if a.bigWindow() {
		tw := a.tutorWidth()
		for _, p := range a.panes {
			p.SetSize(a.width-tw-2, bodyH-2)
		}
		a.tutor.SetSize(tw-2, bodyH-2)
		return
	}
	sh := a.tutorStrip(bodyH)
	for _, p := range a.panes {
		p.SetSize(a.width, max(1, bodyH-sh))
	}
	a.tutor.SetSize(a.width, sh-1)
}

// tutorBody draws the focused pane with the lesson beside it.
func (a *App) tutorBody(bodyH int) string {
	th := a.c.Theme
	pane := a.panes[a.focus]
	if a.bigWindow() {
		tw := a.tutorWidth()
		return lipgloss.JoinHorizontal(lipgloss.Top,
			widgets.Frame(th, a.paneTitle(a.focus), pane.View(), a.width-tw, bodyH, true),
			widgets.Frame(th, a.tutor.Title(), a.tutor.View(), tw, bodyH, false))
	}
	sh := a.tutorStrip(bodyH)
	rule := th.Border.Render(strings.Repeat("─", a.width))
	return strings.Join([]string{
		widgets.Fit(a.tutor.View(), a.width, sh-1),
		rule,
		widgets.Fit(pane.View(), a.width, max(1, bodyH-sh)),
	}, "\n")
}

// noTutor answers a lesson meta-command in a workbench without a lesson:
// lessons work in sessions of their own, which dynalab learn opens.
func noTutor(msg common.LearnMsg) tea.Cmd {
	lines := []string{"Lessons work in sessions of their own, never in this one: quit and run dynalab learn (dynalab learn N opens lesson N; dynalab learn --list lists them)."}
	return func() tea.Msg { return common.TranscriptMsg{Lines: lines} }
}
