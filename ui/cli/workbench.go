package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"dynalab/sessions"
	"dynalab/sessions/model"
	"dynalab/ui"
)

// newWorkbenchCmd is the root command, "dynalab" without a command: the
// workbench on a session, serving its data while it runs.
func newWorkbenchCmd() *cobra.Command {
	var o workbenchOptions
	var source *sessionFlags
	c := &cobra.Command{
		Use:   "dynalab [--session NAME | --data FILE | --endpoint URL] [-t TABLE] [--read-only] [--listen ADDR | --no-listen] [--theme NAME] [--sync everysecond]",
		Short: "a DynamoDB lab in the terminal",
		Long: `With no command, dynalab opens the workbench on the default session's
database (or --session NAME, --data FILE, --endpoint URL) and serves the
DynamoDB API on 127.0.0.1:8000 (the next free port if taken; --listen to
choose, --no-listen for none) while it runs, so the aws CLI or your app can
use the same data. A remote session or endpoint is browsed in place, its
changes tailed through the Streams API (capacity needs the engine).
Press F1 for help, Ctrl+C twice to quit.`,
		Args: rootArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if o.listen != "" && o.noListen {
				return usageLine(c, "--listen and --no-listen are alternatives; give one")
			}
			sel, err := source.selector(c)
			if err != nil {
				return err
			}
			if f, ok := c.OutOrStdout().(*os.File); !ok || !term.IsTerminal(f.Fd()) {
				if err := c.Help(); err != nil {
					return err
				}
				fmt.Fprintln(c.ErrOrStderr(), "dynalab: the workbench needs a terminal; showing help instead")
				return nil
			}
			return workbench(c.Context(), sel, o, c.ErrOrStderr())
		},
	}
	fs := c.Flags()
	fs.StringVar(&o.listen, "listen", "", "address to serve the DynamoDB API on (default 127.0.0.1:8000 or the next free port)")
	fs.BoolVar(&o.noListen, "no-listen", false, "do not serve the DynamoDB API")
	fs.StringVar(&o.theme, "theme", "", "theme: dark, light or high-contrast (NO_COLOR is honored; default: the session's)")
	fs.StringVarP(&o.table, "table", "t", "", "start on `TABLE`'s items in the Browser")
	source = addSessionFlags(c, sessionFlagOptions{Sync: true, Throttle: true, ReadOnly: true})
	completeFlag(c, "theme", fixedChoices("dark", "light", "high-contrast"))
	completeFlag(c, "listen", noCompletions)
	completeFlag(c, "table", completeTables(source))
	return c
}

// rootArgs refuses arguments to the workbench: a word that is no command
// is an unknown command (with suggestions), anything after flags an
// unexpected argument.
func rootArgs(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if c.Flags().NFlag() > 0 {
		return usageError(c, fmt.Sprintf("unexpected argument %q", args[0]))
	}
	msg := fmt.Sprintf("dynalab: unknown command %q\n", args[0])
	if s := c.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf("Did you mean %q?\n", s[0])
	}
	fmt.Fprint(c.ErrOrStderr(), msg+"\n"+c.UsageString())
	return errUsage
}

// workbenchOptions are the workbench's own flags.
type workbenchOptions struct {
	listen   string // --listen
	noListen bool   // --no-listen
	theme    string // --theme
	table    string // --table/-t
}

// workbench opens the workbench on the selection and, for local data,
// serves the DynamoDB API while it runs. The session opens in the
// background (sessions.OpenAsync): the workbench's first frame shows the
// load's progress and its keys work meanwhile; the server, the capacity
// history and the GC tuning start once the engine is loaded, before the
// panes do, so the status bar's endpoint is the one served.
func workbench(ctx context.Context, sel sessions.Selector, o workbenchOptions, stderr io.Writer) (err error) {
	listen, theme := o.listen, o.theme
	settings, named := sessionSettings(sel)
	if listen != "" && (sel.Endpoint != "" || named && settings.Kind == sessions.KindRemote) {
		ep := sel.Endpoint
		if ep == "" {
			ep = settings.Endpoint
		}
		fmt.Fprintf(stderr, "dynalab: --listen serves the embedded engine; %s is a remote endpoint\n", ep)
		return errUsage
	}
	if theme == "" && named {
		theme = settings.Theme
	}
	history := ""
	var sessionModel ui.ModelFunc // the model `dynalab model apply` kept: the Browser's facets and access patterns
	if name := sel.SessionName(); name != "" {
		if history, err = sel.Home.HistoryPath(name); err != nil {
			fmt.Fprintf(stderr, "dynalab: REPL history will not be saved: %v\n", err)
			history = ""
		}
		sessionModel = func(context.Context) (*model.Model, error) { return model.SessionModel(sel.Home, name) }
	}
	serveCtx, stopServing := context.WithCancel(ctx)
	defer stopServing()
	served := make(chan error, 1)
	served <- nil
	// Set by ready in the opening goroutine; read after Wait.
	var (
		notes        bytes.Buffer // what ready has to say, printed once the screen is restored
		stopCapacity = func() {}
		gcTuned      = func() {}
	)
	ready := func(backend sessions.Backend) error {
		gcTuned = tuneGC()
		stopCapacity = recordCapacity(sel, backend, &notes)
		if err := serveWorkbench(serveCtx, stopServing, backend, listen, o.noListen, sel, served); err != nil {
			stopCapacity()
			gcTuned()
			return err
		}
		return nil
	}
	op, err := sessions.OpenAsync(ctx, sel, ready)
	if err != nil {
		return err
	}
	defer op.Close()
	runErr := ui.Run(ctx, ui.Options{Opening: op, ThemeName: theme, HistoryPath: history, Table: o.table,
		ImportCheckpoint: importCheckpoint(sel), Model: sessionModel})
	op.Cancel() // quit (or stopped) while it loads
	backend, openErr := op.Wait()
	if openErr != nil {
		if runErr == nil && errors.Is(openErr, context.Canceled) {
			return nil // the user quit while it loaded: the file is as it was
		}
		return openErr // shown in the workbench too; exit non-zero
	}
	defer closing(&err, backend)
	stopServing()
	if serr := <-served; runErr == nil && serr != nil {
		runErr = fmt.Errorf("serve: %w", serr)
	}
	stopCapacity()
	gcTuned()
	_, _ = stderr.Write(notes.Bytes())
	return runErr
}

// serveWorkbench serves a local backend's engine on listen (or the
// default port) until ctx ends (stop ends it), sending Serve's result on
// served (which holds a nil until then), and records the endpoint;
// nothing for a remote backend or with --no-listen.
func serveWorkbench(ctx context.Context, stop context.CancelFunc, backend sessions.Backend, listen string, noListen bool, sel sessions.Selector, served chan error) error {
	if backend.Kind() != sessions.KindLocal || noListen {
		return nil
	}
	local, err := sessions.AsLocal(backend)
	if err != nil {
		return err
	}
	opts, err := workbenchServeOptions(sel)
	if err != nil {
		return err
	}
	ln, err := listenWorkbench(listen)
	if err != nil {
		return err
	}
	<-served
	go func() { served <- local.Serve(ctx, ln, opts) }()
	if err := local.SetEndpoint("http://" + ln.Addr().String()); err != nil {
		stop()
		if serr := <-served; serr != nil {
			err = errors.Join(err, serr)
		}
		served <- nil
		return err
	}
	return nil
}

// listenWorkbench listens on addr, or on 127.0.0.1:8000 or the next free
// port when addr is empty.
func listenWorkbench(addr string) (net.Listener, error) {
	if addr != "" {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("listen on %s: %w", addr, err)
		}
		return ln, nil
	}
	var err error
	for port := 8000; port < 8100; port++ {
		var ln net.Listener
		if ln, err = net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			return ln, nil
		}
	}
	return nil, fmt.Errorf("no free port in 127.0.0.1:8000-8099 (%w); use --listen or --no-listen", err)
}

// sessionSettings reads the selected session's settings (its theme,
// whether it is remote); false for --data, --endpoint, --in-memory or
// settings that cannot be read (the open reports those).
func sessionSettings(sel sessions.Selector) (sessions.Settings, bool) {
	if name := sel.SessionName(); name != "" {
		if st, err := sel.Home.Load(name); err == nil {
			return st, true
		}
	}
	return sessions.Settings{}, false
}
