package ui

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"dynalab/engine"
	"dynalab/sessions"
	"dynalab/themes"
	"dynalab/ui/common"
	"dynalab/ui/keys"
	"dynalab/ui/widgets"
)

// loading is the root model while Options.Opening loads the session: the
// first frame shows at once, with the load's progress, and the keys work
// (F1 help; Ctrl+C twice or :q quit, canceling the open). When the backend
// arrives it becomes the workbench (App) in the same program; when the
// open fails it shows why — for a damaged file the refusal naming the
// repair command — until a key quits.
type loading struct {
	ctx    context.Context
	opts   Options // Backend is set once the open succeeded
	op     *sessions.Opening
	th     *themes.Theme
	global keys.Global
	help   help.Model

	app           *App // the workbench, once the backend arrived
	width, height int
	failed        error // the open's error, shown until a key
	showHelp      bool
	quitArmed     bool
	quitting      bool // the user quit: the open was canceled
	cmdline       *widgets.Editor
	notice        string
}

// openingChangedMsg says the open's progress changed; openingDoneMsg that
// it ended.
type (
	openingChangedMsg struct{}
	openingDoneMsg    struct{}
)

func newLoading(ctx context.Context, opts Options) *loading {
	l := &loading{ctx: ctx, opts: opts, op: opts.Opening, th: opts.Theme, global: keys.NewGlobal(), help: help.New()}
	l.help.Styles = help.Styles{ShortKey: l.th.Key, ShortDesc: l.th.KeyDesc, ShortSeparator: l.th.Muted, Ellipsis: l.th.Muted}
	return l
}

// watch waits, in a command, for the open to report progress or end.
func (l *loading) watch() tea.Cmd {
	op := l.op
	return func() tea.Msg {
		select {
		case <-op.Changed():
			return openingChangedMsg{}
		case <-op.Done():
			return openingDoneMsg{}
		}
	}
}

// Init implements tea.Model.
func (l *loading) Init() tea.Cmd { return l.watch() }

// Update implements tea.Model: the workbench's, once it runs.
func (l *loading) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if l.app != nil {
		_, cmd := l.app.Update(msg)
		return l, cmd
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		l.width, l.height = msg.Width, msg.Height
	case openingChangedMsg:
		select {
		case <-l.op.Done():
			return l, l.opened()
		default:
		}
		return l, l.watch()
	case openingDoneMsg:
		return l, l.opened()
	case tea.KeyMsg:
		return l, l.keysMsg(msg)
	}
	return l, nil
}

// opened starts the workbench on the backend, or shows why there is none.
func (l *loading) opened() tea.Cmd {
	b, err := l.op.Result()
	if l.quitting {
		return tea.Quit
	}
	if err != nil {
		l.failed = err
		return nil
	}
	opts := l.opts
	opts.Backend = b
	app, err := New(l.ctx, opts)
	if err != nil {
		l.failed = err
		return nil
	}
	l.app, l.opts = app, opts
	if l.width > 0 {
		app.Update(tea.WindowSizeMsg{Width: l.width, Height: l.height})
	}
	return app.Init()
}

// keysMsg handles one key message: letters that arrive together (":q" sent
// at once) are handled one by one, as App.handleKeys does, the rest typed
// into the command line once one opens it.
func (l *loading) keysMsg(msg tea.KeyMsg) tea.Cmd {
	if msg.Type != tea.KeyRunes || len(msg.Runes) < 2 || msg.Paste || l.cmdline != nil {
		return l.key(msg)
	}
	for i, r := range msg.Runes {
		one := msg
		if l.cmdline != nil {
			one.Runes = msg.Runes[i:]
			l.cmdline.HandleKey(one)
			return nil
		}
		one.Runes = []rune{r}
		if cmd := l.key(one); cmd != nil {
			return cmd
		}
	}
	return nil
}

// key handles a key while loading, or once the open failed.
func (l *loading) key(msg tea.KeyMsg) tea.Cmd {
	if l.failed != nil {
		return tea.Quit // any key: the caller exits with the error
	}
	if msg.Type != tea.KeyCtrlC && l.quitArmed {
		l.quitArmed, l.notice = false, ""
	}
	if l.showHelp {
		if msg.Type == tea.KeyEsc || msg.Type == tea.KeyEnter || key.Matches(msg, l.global.Help) || msg.String() == "q" {
			l.showHelp = false
		}
		if msg.Type != tea.KeyCtrlC {
			return nil
		}
	}
	if l.cmdline != nil && msg.Type != tea.KeyCtrlC {
		switch msg.Type {
		case tea.KeyEsc:
			l.cmdline = nil
		case tea.KeyEnter:
			cmd := strings.TrimSpace(l.cmdline.Value())
			l.cmdline = nil
			switch cmd {
			case "q", "quit", "qa", "wq", "x", "q!", "qa!", "quit!":
				return l.quit()
			case "help", "h":
				l.showHelp = true
			case "":
			default:
				l.notice = "unknown command :" + cmd + " · :q quits (the session is still opening)"
			}
		case tea.KeyBackspace:
			if l.cmdline.Empty() {
				l.cmdline = nil
				return nil
			}
			l.cmdline.HandleKey(msg)
		default:
			l.cmdline.HandleKey(msg)
		}
		return nil
	}
	switch {
	case msg.Type == tea.KeyCtrlC:
		if l.quitArmed {
			return l.quit()
		}
		l.quitArmed, l.notice = true, "press ctrl+c again to quit (stops opening the session; its file stays as it was)"
	case key.Matches(msg, l.global.Help):
		l.showHelp = true
	case key.Matches(msg, l.global.Command):
		l.cmdline = &widgets.Editor{SingleLine: true}
	default:
		l.notice = "the session is still opening · its panes start when it is loaded"
	}
	return nil
}

// quit cancels the open and ends the program; the caller joins the open,
// which releases the database's lock.
func (l *loading) quit() tea.Cmd {
	l.quitting = true
	l.op.Cancel()
	return tea.Quit
}

// View implements tea.Model.
func (l *loading) View() string {
	if l.app != nil {
		return l.app.View()
	}
	if l.width <= 0 || l.height <= 0 {
		return ""
	}
	th := l.th
	bodyH := max(1, l.height-chrome)
	inner := max(10, l.width-8)
	var lines []string
	title := ""
	if l.failed != nil {
		title = "Cannot open"
		for _, para := range strings.Split(l.failed.Error(), "\n") {
			for _, w := range widgets.Wrap(para, inner) {
				lines = append(lines, th.Error.Render(w))
			}
		}
		if errors.Is(l.failed, engine.ErrCorrupt) {
			lines = append(lines, "")
			for _, w := range widgets.Wrap("Quit, run the repair command above, then open the session again.", inner) {
				lines = append(lines, th.Text.Render(w))
			}
		}
		lines = append(lines, "", th.Muted.Render("press any key to exit"))
	} else {
		lines = l.progressLines(inner)
	}
	body := widgets.Overlay("", widgets.Dialog(th, title, lines, l.width-4), l.width, bodyH)
	if l.showHelp {
		hl := helpLines(th, [][]key.Binding{l.keys()}, inner)
		hl = append([]string{th.Muted.Render("while the session opens")}, hl...)
		hl = append(hl, "", th.Muted.Render("the panes' keys work once it is open"), "", th.Muted.Render("esc, F1 or ? closes"))
		body = widgets.Overlay(body, widgets.Dialog(th, "Help", hl, l.width-4), l.width, bodyH)
	}
	return strings.Join([]string{l.tabs(), body, l.footer(), l.statusBar()}, "\n")
}

// progressLines: `Opening session "default" (data.db, 1.2 GB): 45%`, the
// bar, and what the load is doing.
func (l *loading) progressLines(w int) []string {
	th := l.th
	op := l.op
	what := op.What()
	if op.Path() != "" {
		var details []string
		if base := baseName(op.Path()); base != what {
			details = append(details, base)
		}
		details = append(details, common.Bytes(op.Size()))
		what += " (" + strings.Join(details, ", ") + ")"
	}
	done, total := op.Progress()
	if total <= 0 {
		return []string{th.Text.Render("Opening " + what + "…")}
	}
	pct := done * 100 / total
	lines := []string{th.Text.Render("Opening " + what + ": " + strconv.FormatInt(pct, 10) + "%")}
	barW := min(w, 60)
	fill := int(int64(barW) * done / total)
	lines = append(lines, th.Accent.Render(strings.Repeat("█", fill))+th.Muted.Render(strings.Repeat("░", barW-fill)))
	phase := "reading and checking the file"
	if done*2 >= total {
		phase = "putting it in memory"
	}
	return append(lines, th.Muted.Render(phase))
}

func baseName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}

func (l *loading) tabs() string {
	return widgets.FitLine(l.th.Accent.Render(" dynalab "), l.width)
}

func (l *loading) footer() string {
	th := l.th
	switch {
	case l.cmdline != nil:
		o := widgets.EditorView{Width: l.width, Prompt: ":", PromptStyle: th.Accent, Base: th.Text, Cursor: th.Cursor, ShowCursor: true}
		return widgets.FitLine(l.cmdline.View(o)[0], l.width)
	case l.notice != "":
		return widgets.FitLine(th.Warning.Render(l.notice), l.width)
	case l.failed != nil:
		return widgets.FitLine(th.Muted.Render(" any key exits"), l.width)
	}
	h := l.help
	h.Width = l.width - 1
	return widgets.FitLine(" "+h.ShortHelpView(l.keys()), l.width)
}

// keys are the keys that work while the session opens.
func (l *loading) keys() []key.Binding {
	g := l.global
	g.Quit.SetHelp("ctrl+c ×2", "quit (stops opening)")
	g.Command.SetHelp(":q", "quit")
	return []key.Binding{g.Help, g.Quit, g.Command}
}

// statusBar: what is opening, and that nothing is served yet (the
// server starts with the session).
func (l *loading) statusBar() string {
	state := "opening…"
	if l.failed != nil {
		state = "not open"
	}
	return widgets.StatusBar(l.th, []string{l.op.What(), state}, []string{l.th.Name}, l.width)
}
