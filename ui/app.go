package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"dynalab/sessions"
	"dynalab/themes"
	"dynalab/ui/activity"
	"dynalab/ui/browser"
	"dynalab/ui/capacity"
	"dynalab/ui/common"
	"dynalab/ui/keys"
	"dynalab/ui/repl"
	"dynalab/ui/streams"
	"dynalab/ui/widgets"
)

// overlay is what covers the panes, if anything.
type overlay int

const (
	overlayNone  overlay = iota
	overlayHelp          // F1: the focused pane's keys and the global ones
	overlayError         // F2: the full text of the error on screen
	overlayQuit          // quitting with unsaved work: are you sure?
)

// App is the workbench's root model: layout, focus, global keys and
// routing. It implements tea.Model.
type App struct {
	c *common.Common
	// startCmds are the commands opening a table before the first frame
	// (openAtStart) returned; Init hands them to the program.
	startCmds []tea.Cmd
	panes     [common.PaneCount]common.Component
	focus     common.PaneID
	left      common.PaneID // the left pane of the wide layout (never streams)
	global    keys.Global
	help      help.Model

	width, height int
	overlay       overlay
	overlayTop    int                               // the first line an overlay shows (scrolled)
	failure       *common.Failure                   // shown by overlayError
	seen          [common.PaneCount]*common.Failure // each pane's failure last collected
	latest        *common.Failure                   // the latest failure of any pane
	unsaved       []string                          // shown by overlayQuit

	sideHidden bool // F3: no side column in wide windows
	zoomed     bool // F4: the focused pane takes the whole window

	tutor common.Tutor // the lesson beside the panes (dynalab learn); nil when none

	quitArmed bool // Ctrl+C was pressed once
	cmdline   *widgets.Editor
	notice    string // a root message in the footer
}

func newApp(c *common.Common, opts Options, feeds sessions.Feeds, pricing capacity.Pricing) *App {
	a := &App{c: c, global: keys.NewGlobal(), help: help.New(), tutor: opts.Tutor}
	var ed browser.EditorFunc
	if opts.Editor != nil {
		ed = opts.Editor
	}
	br := browser.New(c, ed)
	br.SetCheckpoint(opts.ImportCheckpoint)
	br.SetModelSource(opts.Model)
	a.panes = [common.PaneCount]common.Component{
		common.PaneREPL:     repl.New(c, opts.HistoryPath),
		common.PaneBrowser:  br,
		common.PaneStreams:  streams.New(c, changeEvents(feeds.Changes)),
		common.PaneCapacity: capacity.New(c, capacitySamples(feeds.Capacity), pricing),
		common.PaneActivity: activity.New(c).WithFeed(activities(feeds.Events)),
	}
	a.styleHelp()
	a.setFocus(common.PaneREPL)
	return a
}

// Focused returns the focused pane.
func (a *App) Focused() common.PaneID { return a.focus }

// Pane returns a pane, for tests.
func (a *App) Pane(id common.PaneID) common.Component { return a.panes[id] }

func (a *App) styleHelp() {
	th := a.c.Theme
	a.help.Styles = help.Styles{
		Ellipsis:       th.Muted,
		ShortKey:       th.Key,
		ShortDesc:      th.KeyDesc,
		ShortSeparator: th.Muted,
		FullKey:        th.Key,
		FullDesc:       th.KeyDesc,
		FullSeparator:  th.Muted,
	}
}

// Init starts every pane and loads the tables.
func (a *App) Init() tea.Cmd {
	cmds := append([]tea.Cmd{common.LoadTables(a.c, "")}, a.startCmds...)
	a.startCmds = nil
	for _, p := range a.panes {
		cmds = append(cmds, p.Init())
	}
	if a.tutor != nil {
		cmds = append(cmds, a.tutor.Init())
	}
	return tea.Batch(cmds...)
}

// setFocus focuses a pane.
func (a *App) setFocus(id common.PaneID) {
	a.focus = id
	if id != common.PaneStreams {
		a.left = id
	}
	for i, p := range a.panes {
		p.SetFocused(common.PaneID(i) == id)
	}
	a.layout()
}

// Update implements tea.Model.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := a.update(msg)
	a.collectFailures()
	return a, cmd
}

// collectFailures gives every failure a pane shows to the activity pane
// the moment it appears — filter bars, key conditions and parse errors
// included, not only what a pane reports itself — and remembers the
// latest, which F2 shows from any pane.
func (a *App) collectFailures() {
	for i, p := range a.panes {
		id := common.PaneID(i)
		f := p.LastFailure()
		if id == common.PaneActivity || f == nil || f == a.seen[i] {
			continue
		}
		a.seen[i] = f
		if a.latest == nil || !f.Time.Before(a.latest.Time) {
			a.latest = f
		}
		a.panes[common.PaneActivity].Update(common.ActivityMsg{Activity: common.Activity{
			Time: f.Time, Source: p.Title(), Operation: f.Operation, Target: f.Target, Failure: f}})
	}
}

func (a *App) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		a.width, a.height = msg.Width, msg.Height
		a.layout()
		return a, nil
	case tea.KeyMsg:
		return a, a.handleKeys(msg)
	case common.ThemeRequestMsg:
		th, err := themes.NamedFor(msg.Name, a.c.Theme.Renderer())
		if err == nil {
			a.c.Theme = th
			a.styleHelp()
			msg.Name = th.Name
		}
		return a, a.broadcast(common.ThemeChangedMsg{Name: msg.Name, Err: err})
	case common.QuitRequestMsg:
		return a, a.requestQuit()
	case common.FocusMsg:
		a.setFocus(msg.Pane)
		return a, nil
	case common.LearnMsg:
		if a.tutor == nil {
			return a, noTutor(msg)
		}
	}
	return a, a.broadcast(msg)
}

// broadcast gives a message to every pane.
func (a *App) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for _, p := range a.panes {
		if cmd := p.Update(msg); cmd != nil {
			cmds = append(cmds, cmd)
		}
	}
	if a.tutor != nil {
		cmds = append(cmds, a.tutor.Update(msg))
	}
	return tea.Batch(cmds...)
}

// handleKeys handles one key message. Bubble Tea delivers letters that
// arrive together (key repeat, SSH, a fast typist: "jjj") as one message
// of several runes, which matches no binding. Outside text input each rune
// is its own key, handled in order; once one of them opens a text input
// ("/" in the browser), the rest are typed into it. Pastes stay text.
func (a *App) handleKeys(msg tea.KeyMsg) tea.Cmd {
	if msg.Type != tea.KeyRunes || len(msg.Runes) < 2 || msg.Paste || a.typing() {
		return a.handleKey(msg)
	}
	var cmds []tea.Cmd
	for i, r := range msg.Runes {
		one := msg
		if a.typing() {
			one.Runes = msg.Runes[i:]
			cmds = append(cmds, a.handleKey(one))
			break
		}
		one.Runes = []rune{r}
		cmds = append(cmds, a.handleKey(one))
	}
	return tea.Batch(cmds...)
}

// typing reports whether keys go to a text input: the command line, or
// the focused pane's (an overlay takes keys of its own).
func (a *App) typing() bool {
	return a.cmdline != nil || (a.overlay == overlayNone && a.panes[a.focus].Capturing())
}

// handleKey applies the global keys, then gives the key to the focused
// pane.
func (a *App) handleKey(msg tea.KeyMsg) tea.Cmd {
	g := a.global
	if msg.Type != tea.KeyCtrlC && a.quitArmed {
		a.quitArmed = false
		a.notice = ""
	}
	switch a.overlay {
	case overlayHelp, overlayError:
		switch msg.String() {
		case "up", "k":
			a.overlayTop--
		case "down", "j":
			a.overlayTop++
		case "pgup", "ctrl+b":
			a.overlayTop -= 10
		case "pgdown", "ctrl+f", " ":
			a.overlayTop += 10
		case "home", "g":
			a.overlayTop = 0
		case "end", "G":
			a.overlayTop = 1 << 20 // clamped when drawn
		}
		a.overlayTop = max(0, a.overlayTop)
		if msg.Type == tea.KeyEsc || msg.Type == tea.KeyEnter || key.Matches(msg, g.Help) || key.Matches(msg, g.ErrorDetail) || msg.String() == "q" {
			a.overlay = overlayNone
		}
		if msg.Type != tea.KeyCtrlC {
			return nil
		}
	case overlayQuit:
		switch msg.String() {
		case "y", "Y":
			return tea.Quit
		case "n", "N", "esc":
			a.overlay = overlayNone
			a.notice = "not quitting"
		}
		return nil
	}
	if msg.Type == tea.KeyCtrlC {
		return a.ctrlC()
	}
	if a.cmdline != nil {
		return a.commandKey(msg)
	}
	if a.tutor != nil {
		if handled, cmd := a.tutor.Key(msg); handled {
			return cmd
		}
	}
	pane := a.panes[a.focus]
	switch {
	case key.Matches(msg, g.Help) && (msg.Type == tea.KeyF1 || !pane.Capturing()):
		a.overlay, a.overlayTop = overlayHelp, 0
		return nil
	case key.Matches(msg, g.ErrorDetail):
		if a.failure = a.latestFailure(); a.failure != nil {
			a.overlay, a.overlayTop = overlayError, 0
		} else {
			a.notice = "no error on screen · the activity pane (alt+5) keeps every one"
		}
		return nil
	}
	for i, b := range g.Jump {
		if key.Matches(msg, b) {
			a.setFocus(common.PaneID(i))
			return nil
		}
	}
	switch {
	case key.Matches(msg, g.Side):
		a.sideHidden, a.zoomed = !a.sideHidden, false
		a.layout()
		return nil
	case key.Matches(msg, g.Zoom):
		a.zoomed = !a.zoomed
		a.layout()
		return nil
	}
	if !pane.Capturing() {
		switch {
		case key.Matches(msg, g.NextPane):
			a.setFocus((a.focus + 1) % common.PaneCount)
			return nil
		case key.Matches(msg, g.PrevPane):
			a.setFocus((a.focus + common.PaneCount - 1) % common.PaneCount)
			return nil
		case key.Matches(msg, g.Command):
			a.cmdline = &widgets.Editor{SingleLine: true}
			return nil
		}
	}
	a.notice = ""
	return pane.Update(msg)
}

// latestFailure is the newest error of any pane: the focused pane's, or
// one another pane showed since.
func (a *App) latestFailure() *common.Failure {
	a.collectFailures()
	if f := a.panes[a.focus].LastFailure(); f != nil && (a.latest == nil || !f.Time.Before(a.latest.Time)) {
		return f
	}
	return a.latest
}

// ctrlC quits on the second press in a row; the first says so.
func (a *App) ctrlC() tea.Cmd {
	if a.quitArmed {
		return tea.Quit
	}
	a.quitArmed = true
	a.notice = "press ctrl+c again to quit"
	if u := a.unsavedWork(); len(u) > 0 {
		a.notice += " and discard " + strings.Join(u, ", ")
	}
	return nil
}

// unsavedWork lists what the panes would lose.
func (a *App) unsavedWork() []string {
	var out []string
	for _, p := range a.panes {
		if u := p.Unsaved(); u != "" {
			out = append(out, u)
		}
	}
	return out
}

// requestQuit quits, or asks first when something is unsaved.
func (a *App) requestQuit() tea.Cmd {
	if u := a.unsavedWork(); len(u) > 0 {
		a.unsaved = u
		a.overlay = overlayQuit
		return nil
	}
	return tea.Quit
}

// commandKey edits the ":" command line.
func (a *App) commandKey(msg tea.KeyMsg) tea.Cmd {
	switch msg.Type {
	case tea.KeyEsc:
		a.cmdline = nil
		return nil
	case tea.KeyEnter:
		cmd := strings.TrimSpace(a.cmdline.Value())
		a.cmdline = nil
		return a.command(cmd)
	case tea.KeyBackspace:
		if a.cmdline.Empty() {
			a.cmdline = nil
			return nil
		}
	}
	a.cmdline.HandleKey(msg)
	return nil
}

// command runs a ":" command: q, q!, theme NAME, help.
func (a *App) command(cmd string) tea.Cmd {
	name, arg, _ := strings.Cut(cmd, " ")
	switch name {
	case "q", "quit", "qa", "wq", "x":
		return a.requestQuit()
	case "q!", "qa!", "quit!":
		return tea.Quit
	case "theme":
		return func() tea.Msg { return common.ThemeRequestMsg{Name: strings.TrimSpace(arg)} }
	case "help", "h":
		a.overlay, a.overlayTop = overlayHelp, 0
	case "":
	default:
		a.notice = "unknown command :" + cmd + " · :q quits, :theme NAME switches theme"
	}
	return nil
}
