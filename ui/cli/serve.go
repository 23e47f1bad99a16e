package cli

import (
	"cmp"
	"fmt"
	"io"
	"net"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"dynalab/engine"
	"dynalab/engine/streamhandler"
	"dynalab/sessions"
)

// serveOptions are serve's flags (the data source's and security's
// aside).
type serveOptions struct {
	listen           string
	logRequests      bool
	s3Dir            string
	maxTables        int
	handlers         []streamhandler.Config // --on-stream, in order
	batchSize        int
	retries          int
	backoff          time.Duration
	trimHorizon      bool
	regions          string
	replicationDelay time.Duration
	cpuProfile       string
}

// newServeCmd is "dynalab serve": the DynamoDB API over HTTP.
func newServeCmd() *cobra.Command {
	var o serveOptions
	var source *sessionFlags
	var security *securityFlags
	c := &cobra.Command{
		Use:   "serve [--listen 127.0.0.1:8000] [--session NAME | --data FILE | --in-memory] [--sync everysecond] [--log-requests] [--on-stream TABLE=COMMAND ...]",
		Short: "serve the DynamoDB API over HTTP (aws CLI, SDKs, your app)",
		Long: `Serve the DynamoDB API (JSON 1.0 over HTTP) so that the aws CLI, every AWS SDK
and your application can use dynalab instead of the cloud. The first line of
output is the endpoint URL. Stop with Ctrl+C: the database is flushed and unlocked.
With none of --session, --data and --in-memory, the default session's database is used.
--on-stream runs COMMAND (through the shell) for each batch of TABLE's stream
records, with the Lambda event JSON {"Records":[...]} on stdin and its output
on stderr. The table needs a stream (StreamSpecification) for it to see writes.`,
		Args: files(0, 0, ""),
		RunE: func(c *cobra.Command, args []string) error {
			if o.cpuProfile == "" {
				return serve(c, o, source, security)
			}
			stop, err := startCPUProfile(o.cpuProfile)
			if err != nil {
				return err
			}
			err = serve(c, o, source, security)
			if perr := stop(); perr != nil {
				fmt.Fprintln(c.ErrOrStderr(), "dynalab serve:", perr) // the profile is lost, the data is not
			}
			return err
		},
	}
	fs := c.Flags()
	fs.StringVar(&o.listen, "listen", "127.0.0.1:8000", "address to listen on (port 0 picks a free port)")
	source = addSessionFlags(c, sessionFlagOptions{InMemory: true, Sync: true, Throttle: true, ReadOnly: true})
	fs.BoolVar(&o.logRequests, "log-requests", false, "print one line per request: operation, table, latency, capacity, error")
	fs.StringVar(&o.s3Dir, "s3-dir", "", "directory standing in for S3 in ExportTableToPointInTime and ImportTable: bucket B, key K is `DIR`/B/K")
	fs.IntVar(&o.maxTables, "max-tables", engine.DefaultMaxTables, "table quota: creating a table past `N` tables is refused (LimitExceededException), as the account's default quota is")
	fs.Func("on-stream", "run `TABLE=COMMAND` per batch of TABLE's stream records (repeatable)", func(v string) error {
		table, command, err := streamhandler.ParseSpec(v)
		o.handlers = append(o.handlers, streamhandler.Config{Table: table, Command: command})
		return err
	})
	fs.IntVar(&o.batchSize, "on-stream-batch-size", streamhandler.DefaultBatchSize, "most records per --on-stream invocation (1..1000)")
	fs.IntVar(&o.retries, "on-stream-retries", -1, "retries of a failing --on-stream batch before it is skipped; -1 retries until it succeeds")
	fs.DurationVar(&o.backoff, "on-stream-backoff", streamhandler.DefaultBackoff, "delay before the first retry of a failing batch; doubles up to a minute")
	fs.BoolVar(&o.trimHorizon, "on-stream-trim-horizon", false, "start --on-stream handlers at an existing stream's oldest record, not at new ones")
	fs.StringVar(&o.regions, "regions", "", "simulate global tables across `REGIONS` (comma-separated, e.g. us-east-1,eu-west-1): each its own database, chosen by the request's credential region")
	fs.DurationVar(&o.replicationDelay, "replication-delay", time.Second, "with --regions, how long a write takes to reach the other regions")
	security = addSecurityFlags(c)
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the server to `FILE` until it stops (go tool pprof FILE)")
	completeFlag(c, "listen", noCompletions)
	completeFlag(c, "on-stream", noCompletions)
	completeFlag(c, "regions", noCompletions)
	completeFlag(c, "s3-dir", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return nil, cobra.ShellCompDirectiveFilterDirs
	})
	return c
}

// serve runs the server until ctx is cancelled.
func serve(c *cobra.Command, o serveOptions, source *sessionFlags, security *securityFlags) (err error) {
	ctx, stdout, stderr := c.Context(), c.OutOrStdout(), c.ErrOrStderr()
	sel, err := source.selector(c)
	if err != nil {
		return err
	}
	multi, err := parseRegions(o.regions, &sel)
	if err != nil {
		return usageLine(c, err.Error())
	}
	if sel.Endpoint != "" {
		return usageLine(c, "--endpoint is already a server; serve takes --session, --data or --in-memory")
	}
	if err := security.load(o.listen, sel, stderr); err != nil {
		return err
	}
	if len(multi) > 1 && security.authenticated() {
		return usageLine(c, "--regions does not combine with authentication yet")
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", o.listen, err)
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
	defer closing(&err, local)
	defer recordCapacity(sel, local, stderr)()

	opts := security.serveOptions(sel.Region)
	opts.Regions, opts.ReplicationDelay = multi, o.replicationDelay
	opts.S3Dir, opts.MaxTables = o.s3Dir, o.maxTables
	defer tuneGC()()
	// Suites written for DynamoDB Local (which never throttles) crawl on
	// 1-unit tables: say once per table how to turn throttling off.
	opts.OnThrottle = func(n engine.ThrottleNotice) { fmt.Fprintln(stderr, "dynalab serve:", n) }
	if o.logRequests {
		opts.Server.Log = stderr
	}
	opts.Handlers = o.handlers
	for i := range opts.Handlers {
		h := &opts.Handlers[i]
		h.BatchSize, h.MaxRetries, h.Backoff, h.TrimHorizon, h.Log = o.batchSize, o.retries, o.backoff, o.trimHorizon, stderr
	}
	greet(stdout, endpoint, multi, o, sel, local.Path(), security)
	if !isLoopback(ln.Addr()) && !security.authenticated() {
		fmt.Fprintln(stderr, "WARNING: listening beyond loopback without authentication: anyone who can reach", endpoint, "can read and change this database")
	}
	if err := local.Serve(ctx, ln, opts); err != nil {
		return fmt.Errorf("serve %s: %w", endpoint, err)
	}
	fmt.Fprintln(stderr, "dynalab: shut down cleanly")
	return nil
}

// greet prints serve's greeting: the endpoint first (scripts read that
// line), then the regions, what is served, and how to reach it.
func greet(stdout io.Writer, endpoint string, regions []string, o serveOptions, sel sessions.Selector, path string, security *securityFlags) {
	fmt.Fprintln(stdout, endpoint)
	if len(regions) > 1 {
		fmt.Fprintf(stdout, "Regions %s (replication delay %s; metrics %s/metrics/replication)\n", strings.Join(regions, ", "), o.replicationDelay, endpoint)
	}
	where := path
	switch {
	case path == engine.InMemory:
		where = "an in-memory database"
	case sel.SessionName() != "":
		where = fmt.Sprintf("session %q (%s)", sel.SessionName(), path)
	}
	fmt.Fprintf(stdout, "dynalab %s serving %s (sync %s)\n", shortVersion(), where, cmp.Or(sel.Sync, "everysecond"))
	fmt.Fprintf(stdout, "Try: aws dynamodb list-tables --endpoint-url %s\n", endpoint)
	fmt.Fprintf(stdout, "Metrics (Prometheus text): %s/metrics\n", endpoint)
	fmt.Fprint(stdout, security.greeting())
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

func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// parseRegions reads --regions: nil for the default single-region mode
// (every region sees the same tables), else the regions, the first being
// the session's own (sel.Region, which it sets when unset).
func parseRegions(list string, sel *sessions.Selector) ([]string, error) {
	var names []string
	for r := range strings.SplitSeq(list, ",") {
		if r = strings.TrimSpace(r); r != "" && !slices.Contains(names, r) {
			names = append(names, r)
		}
	}
	if len(names) < 2 {
		return nil, nil
	}
	if sel.Region != "" && sel.Region != names[0] {
		return nil, fmt.Errorf("--regions starts with %s but the session's region is %s", names[0], sel.Region)
	}
	sel.Region = names[0]
	return names, nil
}

// serveRegions puts the --regions router in front of first (the first
