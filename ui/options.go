package ui

import (
	"context"
	"dynalab/ui/browser"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"dynalab/sessions"
	"dynalab/themes"
	"dynalab/ui/capacity"
	"dynalab/ui/common"
)

// Options configure the workbench. Backend (or, for Run, Opening) is
// required.
type Options struct {
	// Backend is the session's data.
	Backend sessions.Backend
	// Opening, for Run when Backend is nil, is the session still being
	// opened (sessions.OpenAsync): the first frame shows its progress and
	// the keys work while it loads; the panes start on its backend. Quitting
	// before then cancels it; the caller joins it (Wait or Close). If it
	// fails, the error is shown until a key and Run returns it.
	Opening *sessions.Opening
	// Theme is the starting theme; nil means ThemeName's theme for the
	// terminal (NO_COLOR honored).
	Theme *themes.Theme
	// ThemeName names the starting theme when Theme is nil ("" means
	// themes.Default).
	ThemeName string
	// HistoryPath is the session's REPL history file; "" keeps history in
	// memory for this run only.
	HistoryPath string
	// ImportCheckpoint says where an import from the browser keeps its
	// checkpoint and how to resume it — the CLI's, so that `dynalab
	// import --resume` continues an import canceled in the workbench; nil
	// keeps none.
	ImportCheckpoint CheckpointFunc
	// Pricing costs capacity; nil means us-east-1 list prices.
	Pricing *Pricing
	// Timeout bounds every operation; 0 means 30 seconds.
	Timeout time.Duration
	// Clock returns the time; nil means time.Now.
	Clock func() time.Time
	// Editor returns the command that edits a file; nil means $VISUAL,
	// else $EDITOR, else vi.
	Editor func(path string) *exec.Cmd
	// Input and Output are the terminal; nil means stdin and stdout.
	Input  io.Reader
	Output io.Writer
	// InlineScreen draws in the terminal's main screen instead of the
	// alternate one.
	InlineScreen bool
	// Tutor, when set, is a guided lesson (dynalab learn) shown beside the
	// panes: the side column of the wide layout, a strip above the focused
	// pane otherwise (F3 hides it). Its keys work from every pane.
	Tutor common.Tutor
	// Model, when set, reads the session's data model (the one `dynalab
	// model apply` kept, model.SessionModel): the Browser's facets, access
	// patterns and key space use it. It returns nil when there is none;
	// the Browser calls it in a command, never while drawing.
	Model ModelFunc
	// Table, when set, is the table the Browser shows on the first frame
	// (dynalab -t TABLE): focused, with its first page loaded.
	Table string
}

// ModelFunc reads the session's data model; nil when it has none.
type ModelFunc = browser.ModelFunc

// Run runs the workbench until the user quits or ctx is canceled, and
// returns nil then. Operations still in flight are canceled on return.
func Run(ctx context.Context, opts Options) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if opts.Theme == nil {
		r := lipgloss.DefaultRenderer()
		if opts.Output != nil {
			r = lipgloss.NewRenderer(opts.Output)
		}
		th, err := themes.NamedFor(opts.ThemeName, r)
		if err != nil {
			return err
		}
		opts.Theme = th
	}
	var root tea.Model
	var app *App
	var load *loading
	if opts.Backend == nil && opts.Opening != nil {
		load = newLoading(ctx, opts)
		root = load
	} else {
		var err error
		if app, err = New(ctx, opts); err != nil {
			return err
		}
		root = app
	}
	popts := []tea.ProgramOption{tea.WithContext(ctx)}
	if !opts.InlineScreen {
		popts = append(popts, tea.WithAltScreen())
	}
	if opts.Input != nil {
		popts = append(popts, tea.WithInput(opts.Input))
	}
	if opts.Output != nil {
		popts = append(popts, tea.WithOutput(opts.Output))
	}
	_, err := tea.NewProgram(root, popts...).Run()
	stopped := ctx.Err() != nil
	// The caller closes the backend next: first cancel what is in flight
	// and join it.
	cancel()
	if load != nil {
		app = load.app
		if app == nil {
			opts.Opening.Cancel() // quit or stopped while it loads
		}
	}
	if app != nil {
		app.c.Wait()
	}
	if errors.Is(err, tea.ErrProgramKilled) && stopped {
		return nil // stopped by the caller: a clean exit
	}
	if err == nil && load != nil && load.failed != nil {
		return load.failed // shown; the caller exits non-zero with it
	}
	return err
}

// errNoBackend is New's answer to Options without a Backend.
var errNoBackend = errors.New("ui: Options.Backend is required")

// New returns the workbench's root model for opts, for Run or for tests
// that drive it directly. opts.Theme must be set.
func New(ctx context.Context, opts Options) (*App, error) {
	if opts.Backend == nil {
		return nil, errNoBackend
	}
	if opts.Theme == nil {
		th, err := themes.Named(opts.ThemeName)
		if err != nil {
			return nil, err
		}
		opts.Theme = th
	}
	pricing := capacity.DefaultPricing
	if opts.Pricing != nil {
		pricing = *opts.Pricing
	}
	c := &common.Common{Ctx: ctx, Backend: opts.Backend, Theme: opts.Theme, Clock: opts.Clock, Timeout: opts.Timeout}
	if opts.Tutor != nil {
		opts.Tutor.Attach(c)
	}
	// The live feeds end with ctx: Run's, when the program stops.
	a := newApp(c, opts, opts.Backend.Subscribe(ctx), pricing)
	if opts.Table != "" {
		if err := a.openAtStart(opts.Table); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// openAtStart opens a table in the Browser before the first frame: the
// table list and the table's first page are read now, so that the
// workbench starts on its items.
func (a *App) openAtStart(name string) error {
	tables, ok := common.LoadTables(a.c, "")().(common.TablesMsg)
	if !ok {
		return fmt.Errorf("open table %s: list the tables of %s: no answer", name, a.c.Backend.Name())
	}
	if tables.Err != nil {
		return fmt.Errorf("open table %s: list the tables of %s: %w", name, a.c.Backend.Name(), tables.Err)
	}
	a.Update(tables)
	br := a.panes[common.PaneBrowser].(*browser.Model)
	cmd, err := br.OpenTable(name)
	if err != nil {
		return err
	}
	a.setFocus(common.PaneBrowser)
	a.deliver(cmd)
	return nil
}

// deliver runs cmd now and gives its messages to the app; the commands
// the app returns (a prefetch, the activity report) are kept for Init to
// hand to the program.
func (a *App) deliver(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			a.deliver(c)
		}
	case nil:
	default:
		_, next := a.Update(msg)
		if next != nil {
			a.startCmds = append(a.startCmds, next)
		}
	}
}
