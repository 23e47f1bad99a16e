package cli

import (
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
