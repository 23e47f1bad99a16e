package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"dynalab/engine"
	"dynalab/engine/regions"
	"dynalab/engine/server"
	"dynalab/sessions"
)

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
// region's dispatcher): it opens the other regions' databases, starts
// replication and adds /metrics/replication to opts. closeRegions stops
// replication and closes those databases.
func serveRegions(ctx context.Context, db *engine.DB, first server.Dispatcher, names []string, sel sessions.Selector, o serveOptions, opts *server.Options) (router *regions.Router, closeRegions func() error, err error) {
	router, closeDBs, err := openRegions(db, first, names, sel, o.s3Dir, o.replicationDelay)
	if err != nil {
		return nil, nil, err
	}
	// The replicator is owned here: closeRegions stops it and waits for it
	// before the databases it writes are closed.
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		router.Run(runCtx, 0)
	}()
	closeRegions = func() error {
		stop()
		<-done
		return closeDBs()
	}
	opts.RequestContext = router.RequestContext
	mux := http.NewServeMux()
	mux.Handle("/metrics", db.MetricsHandler())
	mux.Handle("/metrics/replication", router.MetricsHandler())
	opts.Extra = mux
	return router, closeRegions, nil
}

// openRegions opens a database per region beside db (the first region's):
// FILE.REGION for a file, in memory for an in-memory db.
// The returned close stops the replicator and closes the other regions'
// databases, reporting what failed to flush.
func openRegions(db *engine.DB, first server.Dispatcher, names []string, sel sessions.Selector, s3Dir string, delay time.Duration) (*regions.Router, func() error, error) {
	rs := []regions.Region{{DB: db, Dispatcher: first}}
	closeAll := func() {
		for _, g := range rs[1:] {
			g.DB.Close()
		}
	}
	for _, name := range names[1:] {
		path := engine.InMemory
		if db.Path() != engine.InMemory {
			path = db.Path() + "." + name
		}
		rdb, err := engine.Open(engine.Options{Path: path, Sync: sel.Sync, Region: name, NoThrottle: sel.NoThrottle, S3Dir: s3Dir})
		if err != nil {
			closeAll()
			return nil, nil, fmt.Errorf("open region %s: %w", name, err)
		}
		rs = append(rs, regions.Region{DB: rdb})
	}
	r := regions.New(rs, regions.Options{Delay: delay})
	return r, func() error {
		r.Close()
		var errs []error
		for i, g := range rs[1:] {
			if err := g.DB.Close(); err != nil {
				errs = append(errs, fmt.Errorf("close region %s: %w", names[i+1], err))
			}
		}
		return errors.Join(errs...)
	}, nil
}
