// Command dynalab is a DynamoDB lab in the terminal: a local, disk-persisted
// DynamoDB that speaks the real wire protocol, and a workbench to drive it.
//
// main.go is wiring only: flags → session → engine, server and workbench.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/charmbracelet/x/term"

	"dynalab/engine"
	"dynalab/engine/server"
	"dynalab/engine/streamhandler"
	"dynalab/partiql"
	"dynalab/sessions"
	"dynalab/ui"
)

const usage = `dynalab — a DynamoDB lab in the terminal

Usage:
  dynalab [--session NAME | --data FILE | --endpoint URL] [--listen ADDR | --no-listen] [--theme NAME]
  dynalab <command> [flags]

With no command, dynalab opens the workbench on the default session's
database and serves the DynamoDB API on 127.0.0.1:8000 (the next free port
if taken) while it runs, so the aws CLI or your app can use the same data.

Commands:
  serve     serve the DynamoDB API over HTTP (aws CLI, SDKs, your app)
  run       run a script of PartiQL statements
  import    load items into a table from DynamoDB JSON, JSON or CSV lines (gzip too)
  export    write a table's items as DynamoDB JSON, JSON or CSV lines
  calc      capacity units, partitions and monthly cost for a workload
  auth      explain why a request would be allowed or denied (serve --auth's policies)
  session   list, create, show, change and remove sessions (named workspaces, local or remote)
  snapshot  save, restore and list copies of a session's database
  sample    load a sample data model (single-table, product-catalog, time-series) to learn from
  version   print the version
  help      show this help, or help for a command: dynalab help serve

Run "dynalab <command> --help" for a command's flags.
`

func main() {
	// Ctrl+C or SIGTERM cancels ctx: commands stop cleanly (flush, unlock).
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (strings.HasPrefix(args[0], "-") && !isHelpFlag(args[0])) {
		return exitCode(workbenchCmd(ctx, args, stdout, stderr), stderr)
	}
	cmd, rest := args[0], args[1:]
	var err error
	switch cmd {
	case "serve":
		err = serveCmd(ctx, rest, stdout, stderr)
	case "run":
		err = runCmd(ctx, rest, os.Stdin, stdout, stderr)
	case "import":
		err = importCmd(ctx, rest, os.Stdin, stdout, stderr)
	case "export":
		err = exportCmd(ctx, rest, stdout, stderr)
	case "calc":
		err = calcCmd(rest, stdout, stderr)
	case "auth":
		err = authCmd(rest, os.Stdin, stdout, stderr)
	case "session":
		err = sessionCmd(rest, stdout, stderr)
	case "snapshot":
		err = snapshotCmd(rest, stdout, stderr)
	case "sample":
		err = sampleCmd(ctx, rest, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "dynalab", version())
	case "help", "-h", "--help", "-help":
		if len(rest) > 0 {
			return run(ctx, []string{rest[0], "--help"}, stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "dynalab: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	return exitCode(err, stderr)
}

func isHelpFlag(a string) bool { return a == "-h" || a == "--help" || a == "-help" || a == "--h" }

// exitCode maps a command's error to the process exit code, reporting it.
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintln(stderr, "dynalab:", err)
	return 1
}

// errUsage marks a command-line mistake already reported to the user.
var errUsage = errors.New("usage")

// newFlags returns a flag set whose usage starts with a "Usage:" line.
// Mistakes are reported on stderr.
func newFlags(name, synopsis, about string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage:\n  %s\n\n%s\n\nFlags:\n", synopsis, about)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, mapping mistakes to errUsage. Asked-for help goes
// to stdout (and exits 0); help after a mistake goes to stderr.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" || a == "--h" {
			fs.SetOutput(stdout)
		}
	}
	err := fs.Parse(args)
	switch {
	case err == nil:
		if fs.NArg() > 0 {
			fmt.Fprintf(fs.Output(), "unexpected argument %q\n", fs.Arg(0))
			fs.Usage()
			return errUsage
		}
		return nil
	case errors.Is(err, flag.ErrHelp):
		return err
	}
	return errUsage
}

// workbenchCmd opens the workbench on a local session and serves its data
// while it runs.
func workbenchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("dynalab", "dynalab [--session NAME | --data FILE | --endpoint URL] [--listen ADDR | --no-listen] [--theme NAME] [--sync everysecond]",
		"Open the workbench on the default session (or --session NAME, --data FILE, --endpoint URL)\n"+
			"and, for local data, serve the DynamoDB API while it runs (127.0.0.1:8000, or the next\n"+
			"free port; --listen to choose, --no-listen for none). A remote session or endpoint is\n"+
			"browsed in place, its changes tailed through the Streams API (capacity needs the engine).\n"+
			"Press F1 for help, Ctrl+C twice to quit.",
		stderr)
	listen := fs.String("listen", "", "address to serve the DynamoDB API on (default 127.0.0.1:8000 or the next free port)")
	noListen := fs.Bool("no-listen", false, "do not serve the DynamoDB API")
	theme := fs.String("theme", "", "theme: dark, light or high-contrast (NO_COLOR is honored; default: the session's)")
	source := addSessionFlags(fs, sessionFlagOptions{Sync: true, Throttle: true})
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *listen != "" && *noListen {
		fmt.Fprintln(stderr, "dynalab: --listen and --no-listen are alternatives; give one")
		return errUsage
	}
	sel, err := source.selector("", stderr)
	if err != nil {
		return err
	}
	if f, ok := stdout.(*os.File); !ok || !term.IsTerminal(f.Fd()) {
		fmt.Fprint(stdout, usage)
		fmt.Fprintln(stderr, "dynalab: the workbench needs a terminal; showing help instead")
		return nil
	}
	backend, err := sessions.Open(ctx, sel)
	if err != nil {
		return err
	}
	defer backend.Close()
	if *theme == "" {
		*theme = sessionTheme(sel)
	}
	history := ""
	if name := sel.SessionName(); name != "" {
		if history, err = sessions.HistoryPath(name); err != nil {
			fmt.Fprintf(stderr, "dynalab: REPL history will not be saved: %v\n", err)
			history = ""
		}
	}
	local, ok := backend.(*sessions.Local)
	if !ok {
		if *listen != "" {
			fmt.Fprintf(stderr, "dynalab: --listen serves the embedded engine; %s is a remote endpoint\n", backend.Endpoint())
			return errUsage
		}
		return ui.Run(ctx, ui.Options{Backend: backend, ThemeName: *theme, HistoryPath: history,
			Changes: ui.ChangesFromRemote(ctx, backend), ImportCheckpoint: importCheckpoint(sel)})
	}

	serveCtx, stopServing := context.WithCancel(ctx)
	defer stopServing()
	served := make(chan error, 1)
	var authFeed <-chan ui.AuthEvent // the session's auth file's decisions
	if !*noListen {
		opts, feed, err := workbenchServeOptions(sel, local.DB)
		if err != nil {
			return err
		}
		authFeed = feed
		ln, err := listenWorkbench(*listen)
		if err != nil {
			return err
		}
		srv := server.New(server.Chain{local.DB, partiql.NewDispatcher(local.Executor())}, opts)
		go func() { served <- srv.Serve(serveCtx, ln) }()
		if err := local.SetEndpoint("http://" + ln.Addr().String()); err != nil {
			return err
		}
	} else {
		served <- nil
	}
	events, unsubscribe := local.Subscribe(1024)
	samples, unsubscribeCapacity := local.SubscribeCapacity(1024)
	err = ui.Run(ctx, ui.Options{Backend: local, ThemeName: *theme, HistoryPath: history,
		Changes: ui.ChangesFromEngine(events), Capacity: ui.CapacityFromEngine(samples), ImportCheckpoint: importCheckpoint(sel), Auth: authFeed})
	unsubscribe()
	unsubscribeCapacity()
	stopServing()
	if serr := <-served; err == nil && serr != nil {
		err = fmt.Errorf("serve: %w", serr)
	}
	return err
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

func serveCmd(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	fs := newFlags("serve", "dynalab serve [--listen 127.0.0.1:8000] [--session NAME | --data FILE | --in-memory] [--sync everysecond] [--log-requests] [--on-stream TABLE=COMMAND ...]",
		"Serve the DynamoDB API (JSON 1.0 over HTTP) so that the aws CLI, every AWS SDK\n"+
			"and your application can use dynalab instead of the cloud. The first line of\n"+
			"output is the endpoint URL. Stop with Ctrl+C: the database is flushed and unlocked.\n"+
			"With none of --session, --data and --in-memory, the default session's database is used.\n"+
			"--on-stream runs COMMAND (through the shell) for each batch of TABLE's stream\n"+
			"records, with the Lambda event JSON {\"Records\":[...]} on stdin and its output\n"+
			"on stderr. The table needs a stream (StreamSpecification) for it to see writes.",
		stderr)
	listen := fs.String("listen", "127.0.0.1:8000", "address to listen on (port 0 picks a free port)")
	source := addSessionFlags(fs, sessionFlagOptions{InMemory: true, Sync: true, Throttle: true})
	logRequests := fs.Bool("log-requests", false, "print one line per request: operation, table, latency, capacity, error")
	s3Dir := fs.String("s3-dir", "", "directory standing in for S3 in ExportTableToPointInTime and ImportTable: bucket B, key K is `DIR`/B/K")
	maxTables := fs.Int("max-tables", engine.DefaultMaxTables, "table quota: creating a table past `N` tables is refused (LimitExceededException), as the account's default quota is")
	var handlers []streamhandler.Config
	fs.Func("on-stream", "run `TABLE=COMMAND` per batch of TABLE's stream records (repeatable)", func(v string) error {
		table, command, err := streamhandler.ParseSpec(v)
		handlers = append(handlers, streamhandler.Config{Table: table, Command: command})
		return err
	})
	batchSize := fs.Int("on-stream-batch-size", streamhandler.DefaultBatchSize, "most records per --on-stream invocation (1..1000)")
	retries := fs.Int("on-stream-retries", -1, "retries of a failing --on-stream batch before it is skipped; -1 retries until it succeeds")
	backoff := fs.Duration("on-stream-backoff", streamhandler.DefaultBackoff, "delay before the first retry of a failing batch; doubles up to a minute")
	trimHorizon := fs.Bool("on-stream-trim-horizon", false, "start --on-stream handlers at an existing stream's oldest record, not at new ones")
	regionList := fs.String("regions", "", "simulate global tables across `REGIONS` (comma-separated, e.g. us-east-1,eu-west-1): each its own database, chosen by the request's credential region")
	replicationDelay := fs.Duration("replication-delay", time.Second, "with --regions, how long a write takes to reach the other regions")
	security := addSecurityFlags(fs)
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the server to `FILE` until it stops (go tool pprof FILE)")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer func() {
			if perr := stop(); perr != nil {
				fmt.Fprintln(stderr, "dynalab serve:", perr) // the profile is lost, the data is not
			}
		}()
	}
	sel, err := source.selector("serve", stderr)
	if err != nil {
		return err
	}
	multi, err := parseRegions(*regionList, &sel)
	if err != nil {
		fmt.Fprintln(stderr, "dynalab serve:", err)
		return errUsage
	}
	if sel.Endpoint != "" {
		fmt.Fprintln(stderr, "dynalab serve: --endpoint is already a server; serve takes --session, --data or --in-memory")
		return errUsage
	}
	if err := security.load(*listen, sel, stderr); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *listen, err)
	}
	endpoint := security.scheme() + "://" + ln.Addr().String()
	local, err := openLocalSession(ctx, "serve", sel)
	if err == nil {
		err = local.SetEndpoint(endpoint)
	}
	if err != nil {
		ln.Close()
		if local != nil {
			local.Close()
		}
		return err
	}
	defer local.Close()
	db, path := local.DB, local.Path()
	db.SetS3Dir(*s3Dir)
	db.SetMaxTables(*maxTables)

	opts := server.Options{Region: sel.Region, Extra: db.MetricsHandler()}
	if err := security.configure(&opts, sel.Region, db); err != nil {
		return err
	}
	if *logRequests {
		opts.Log = stderr
	}
	var dispatcher server.Dispatcher = server.Chain{db, partiql.NewDispatcher(local.Executor())}
	if len(multi) > 1 {
		if security.authenticated() {
			fmt.Fprintln(stderr, "dynalab serve: --regions does not combine with authentication yet")
			return errUsage
		}
		router, closeRegions, err := openRegions(db, dispatcher, multi, sel, *s3Dir, *replicationDelay)
		if err != nil {
			return err
		}
		defer func() {
			switch cerr := closeRegions(); {
			case cerr == nil:
			case err == nil:
				err = cerr
			default: // err is what the user sees; do not lose this one
				fmt.Fprintf(stderr, "dynalab serve: %v\n", cerr)
			}
		}()
		go router.Run(ctx, 0)
		dispatcher = router
		opts.RequestContext = router.RequestContext
		mux := http.NewServeMux()
		mux.Handle("/metrics", db.MetricsHandler())
		mux.Handle("/metrics/replication", router.MetricsHandler())
		opts.Extra = mux
	}
	srv := server.New(dispatcher, opts)
	fmt.Fprintln(stdout, endpoint)
	if len(multi) > 1 {
		fmt.Fprintf(stdout, "Regions %s (replication delay %s; metrics %s/metrics/replication)\n", strings.Join(multi, ", "), *replicationDelay, endpoint)
	}
	where := path
	switch {
	case path == engine.InMemory:
		where = "an in-memory database"
	case sel.SessionName() != "":
		where = fmt.Sprintf("session %q (%s)", sel.SessionName(), path)
	}
	fmt.Fprintf(stdout, "dynalab %s serving %s (sync %s)\n", version(), where, cmp.Or(sel.Sync, "everysecond"))
	fmt.Fprintf(stdout, "Try: aws dynamodb list-tables --endpoint-url %s\n", endpoint)
	fmt.Fprintf(stdout, "Metrics (Prometheus text): %s/metrics\n", endpoint)
	fmt.Fprint(stdout, security.greeting())
	if !isLoopback(ln.Addr()) && !security.authenticated() {
		fmt.Fprintln(stderr, "WARNING: listening beyond loopback without authentication: anyone who can reach", endpoint, "can read and change this database")
	}

	for i := range handlers {
		h := &handlers[i]
		h.BatchSize, h.MaxRetries, h.Backoff, h.TrimHorizon, h.Log = *batchSize, *retries, *backoff, *trimHorizon, stderr
	}
	stopHandlers := streamhandler.Start(ctx, db, handlers)
	err = srv.Serve(ctx, ln)
	if herr := stopHandlers(); herr != nil {
		fmt.Fprintln(stderr, "dynalab:", herr)
	}
	if err != nil {
		return fmt.Errorf("serve %s: %w", endpoint, err)
	}
	fmt.Fprintln(stderr, "dynalab: shut down cleanly")
	return db.Close()
}

// startCPUProfile profiles the process into path until stop is called;
// stop reports a profile that could not be written out.
func startCPUProfile(path string) (stop func() error, err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile %s: %w", path, err)
	}
	return func() error {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			return fmt.Errorf("cpu profile %s: %w", path, err)
		}
		return nil
	}, nil
}

func runCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("run", "dynalab run [--data FILE | --session NAME | --in-memory | --endpoint URL] [-o table|json|ddb] [--continue-on-error] FILE|-",
		"Run a script of ';'-separated PartiQL statements (comments allowed; - reads standard\n"+
			"input) and print each statement's result. EXPLAIN <statement> prints its plan.\n"+
			"A failing statement is reported as file:line:column: message and stops the script\n"+
			"(unless --continue-on-error); the exit status is then 1.\n"+
			"With none of --session, --data, --in-memory and --endpoint, the default session is used.\n"+
			"A local database held by a running workbench or server is reached through its endpoint.",
		stderr)
	source := addSessionFlags(fs, sessionFlagOptions{InMemory: true, ViaHolder: true})
	output := fs.String("o", "table", "output format: table, json or ddb")
	continueOnError := fs.Bool("continue-on-error", false, "run the remaining statements after one fails")
	file, err := parseFlagsAndFile(fs, args, stdout)
	if err != nil {
		return err
	}
	format, err := partiql.ParseOutputFormat(*output)
	if err != nil {
		fmt.Fprintln(stderr, "dynalab run:", err)
		return errUsage
	}
	sel, err := source.selector("run", stderr)
	if err != nil {
		return err
	}
	src, name, err := readScript(file, stdin)
	if err != nil {
		return err
	}
	backend, err := openSession(ctx, "run", sel, stderr)
	if err != nil {
		return err
	}
	defer backend.Close()
	r := &partiql.Runner{Backend: sessions.PartiQL(backend), Out: stdout, Err: stderr, Format: format, ContinueOnError: *continueOnError}
	return r.Run(ctx, name, src)
}

// parseFlagsAndFile is parseFlags for commands taking one file argument,
// which may come before, between or after the flags.
func parseFlagsAndFile(fs *flag.FlagSet, args []string, stdout io.Writer) (string, error) {
	var files []string
	for {
		for _, a := range args {
			if a == "-h" || a == "-help" || a == "--help" || a == "--h" {
				fs.SetOutput(stdout)
			}
		}
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return "", err
			}
			return "", errUsage
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) != 1 {
		fmt.Fprintln(fs.Output(), "give one script file, or - for standard input")
		fs.Usage()
		return "", errUsage
	}
	return files[0], nil
}

// readScript reads a script file, or standard input for "-".
func readScript(file string, stdin io.Reader) (src, name string, err error) {
	if file == "-" {
		data, err := io.ReadAll(stdin)
		return string(data), "<stdin>", err
	}
	data, err := os.ReadFile(file)
	return string(data), file, err
}

func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// version reports the module version or the VCS revision it was built from.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "(devel)"
	}
	rev = rev[:min(12, len(rev))]
	if dirty {
		rev += "-dirty"
	}
	return strings.TrimSpace("devel " + rev)
}
