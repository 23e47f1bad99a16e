package cli

import (
	"fmt"
	"io"

	"dynalab/engine/server"
	"dynalab/partiql"
	"dynalab/sessions"
)

// localServer assembles the HTTP server over a local session: the engine
// first, then PartiQL for the operations the engine does not answer.
// route, when given, wraps that dispatcher and may set options of its own
// (serve's region router). Serve and the workbench both build their
// server here, so that the two answer alike.
func localServer(local *sessions.Local, opts *server.Options, route func(server.Dispatcher) (server.Dispatcher, error)) (*server.Server, error) {
	var d server.Dispatcher = server.Chain{local.DB, partiql.NewDispatcher(local.Executor())}
	if route != nil {
		var err error
		if d, err = route(d); err != nil {
			return nil, err
		}
	}
	return server.New(d, *opts), nil
}

// recordCapacity keeps the capacity history of a local session
// (sessions.RecordCapacity, read by dynalab doctor) while serve or the
// workbench runs; stop writes the minute in progress. --data,
// --in-memory, --read-only and remote backends record nothing.
func recordCapacity(sel sessions.Selector, b sessions.Backend, stderr io.Writer) (stop func()) {
	name := sel.SessionName()
	if name == "" || sel.ReadOnly || b.Kind() != sessions.KindLocal {
		return func() {}
	}
	path, err := sessions.CapacityPath(name)
	var rec *sessions.CapacityRecorder
	if err == nil {
		rec, err = sessions.RecordCapacity(b, path, sessions.RollupOptions{})
	}
	if err != nil {
		fmt.Fprintf(stderr, "dynalab: the capacity history will not be kept: %v\n", err)
		return func() {}
	}
	return func() {
		if err := rec.Close(); err != nil {
			fmt.Fprintf(stderr, "dynalab: %v\n", err)
		}
	}
}
