package sessions

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"dynalab/engine"
	"dynalab/engine/auth"
	"dynalab/engine/regions"
	"dynalab/engine/server"
	"dynalab/engine/streamhandler"
	"dynalab/partiql"
)

// ServeOptions configure the HTTP server over a local session (Serve).
// `dynalab serve` and the workbench both serve through it, so that the two
// answer alike.
type ServeOptions struct {
	// Server holds the HTTP options the caller chooses (TLS, timeouts,
	// connection limits, CORS, request log, OnRequest); Serve sets Region,
	// Extra (/metrics), Authenticate and RequestContext itself.
	Server server.Options
	// Region is the region in ARNs and signatures (default us-east-1).
	Region string
	// Users, when set, authenticate and authorize every request (--auth).
	Users []auth.User
	// Activity publishes the requests other clients make and, with Users,
	// every authorization decision that a policy made to the session's
	// events (the workbench's Activity pane).
	Activity bool
	// Regions, two or more, serves each as its own region with
	// replication between them (--regions): the first is this session's,
	// each other a database beside it (FILE.REGION, or in memory).
	Regions          []string
	ReplicationDelay time.Duration
	// S3Dir is where ExportTableToPointInTime and ImportTable find the
	// "S3" buckets; MaxTables the table quota (0: the engine's default).
	S3Dir     string
	MaxTables int
	// Handlers run commands on stream records (--on-stream) while serving.
	Handlers []streamhandler.Config
	// OnThrottle, when set, hears the engine's first throttle per table.
	OnThrottle func(engine.ThrottleNotice)
}

// Serve serves the session over the DynamoDB JSON protocol on ln until
// ctx is cancelled: the engine first, then PartiQL for the operations the
// engine does not answer, behind the guard of o.Users. It returns when
// the server, the stream handlers and the other regions have stopped,
// with what failed among them; the session itself stays open.
func (l *Local) Serve(ctx context.Context, ln net.Listener, o ServeOptions) (err error) {
	db := l.db
	if o.S3Dir != "" {
		db.SetS3Dir(o.S3Dir)
	}
	if o.MaxTables > 0 {
		db.SetMaxTables(o.MaxTables)
	}
	if o.OnThrottle != nil {
		l.onThrottle.Store(&o.OnThrottle)
		defer l.onThrottle.Store(nil)
	}
	opts := o.Server
	opts.Region = o.Region
	opts.Extra = db.MetricsHandler()
	if o.Activity {
		hook := opts.OnRequest
		opts.OnRequest = func(r server.Request) {
			l.Publish(ServedEvent(r))
			if hook != nil {
				hook(r)
			}
		}
	}
	if o.Users != nil {
		var onResult func(*auth.Result)
		if o.Activity {
			onResult = func(r *auth.Result) {
				// Requests without a body, refused before any operation, and
				// allowed ones no policy decided are not worth a line.
				if r.Allowed() && len(r.Decisions) == 0 {
					return
				}
				l.Publish(AuthEvent(r, time.Now()))
			}
		}
		g, err := NewGuard(o.Users, o.Region, db, onResult)
		if err != nil {
			return err
		}
		opts.Authenticate = g.Authenticate
	}
	var d server.Dispatcher = server.Chain{db, partiql.NewDispatcher(l.exec)}
	if len(o.Regions) > 1 {
		// Not :=, which would hide err from the deferred close below.
		router, closeRegions, rerr := l.openRegions(d, o)
		if rerr != nil {
			return rerr
		}
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			router.Run(runCtx, 0)
		}()
		// The replicator stops before the databases it writes are closed.
		defer func() {
			stop()
			<-done
			err = errors.Join(err, closeRegions())
		}()
		d = router
		opts.RequestContext = router.RequestContext
		mux := http.NewServeMux()
		mux.Handle("/metrics", db.MetricsHandler())
		mux.Handle("/metrics/replication", router.MetricsHandler())
		opts.Extra = mux
	}
	stopHandlers := streamhandler.Start(ctx, db, o.Handlers)
	err = server.New(d, opts).Serve(ctx, ln)
	return errors.Join(err, stopHandlers())
}

// openRegions opens a database per region of o.Regions beside the
// session's (the first region's) and routes between them. closeRegions
// closes the router and those databases, reporting what failed to flush.
func (l *Local) openRegions(first server.Dispatcher, o ServeOptions) (router *regions.Router, closeRegions func() error, err error) {
	names := o.Regions
	rs := []regions.Region{{DB: l.db, Dispatcher: first}}
	closeAll := func() error {
		var errs []error
		for i, g := range rs[1:] {
			if err := g.DB.Close(); err != nil {
				errs = append(errs, fmt.Errorf("close region %s: %w", names[i+1], err))
			}
		}
		return errors.Join(errs...)
	}
	for _, name := range names[1:] {
		opts := l.opts
		opts.Region, opts.Endpoint, opts.ReadOnly = name, "", false
		if opts.Path != engine.InMemory {
			opts.Path = l.db.Path() + "." + name
		}
		rdb, err := engine.Open(opts)
		if err != nil {
			return nil, nil, errors.Join(fmt.Errorf("open region %s: %w", name, err), closeAll())
		}
		if o.S3Dir != "" {
			rdb.SetS3Dir(o.S3Dir)
		}
		rs = append(rs, regions.Region{DB: rdb})
	}
	r := regions.New(rs, regions.Options{Delay: o.ReplicationDelay})
	return r, func() error {
		r.Close()
		return closeAll()
	}, nil
}

// NewGuard returns the authorization guard of users over a database's key
// schemas and resource policies (nil for none: `dynalab auth explain`
// supplies its own); onResult, when set, hears every decision. ARNs use
// account 000000000000, as the engine's do.
func NewGuard(users []auth.User, region string, db interface {
	auth.KeySchemas
	auth.ResourcePolicies
}, onResult func(*auth.Result)) (*auth.Guard, error) {
	cfg := auth.Config{
		Users:      users,
		Region:     cmp.Or(region, "us-east-1"),
		Statements: partiqlStatements{},
		OnResult:   onResult,
	}
	if db != nil {
		cfg.Keys, cfg.ResourcePolicies = db, db
	}
	return auth.New(cfg)
}

// partiqlStatements describes PartiQL statements for authorization with
// the executor's own parser, so that both see the same table.
type partiqlStatements struct{}

// Describe returns the IAM verb and the table and index of a statement.
func (partiqlStatements) Describe(src string) (verb, table, index string, err error) {
	st, err := partiql.Parse(src)
	if err != nil {
		return "", "", "", err
	}
	return describeStatement(st)
}

func describeStatement(st partiql.Statement) (verb, table, index string, err error) {
	if e, ok := st.(*partiql.Explain); ok {
		st = e.Statement
	}
	switch st.(type) {
	case *partiql.Select, *partiql.Exists:
		verb = "Select"
	case *partiql.Insert:
		verb = "Insert"
	case *partiql.Update:
		verb = "Update"
	case *partiql.Delete:
		verb = "Delete"
	default:
		return "", "", "", fmt.Errorf("unexpected statement %T", st)
	}
	table, index = partiql.StatementTarget(st)
	return verb, table, index, nil
}
