package cli

import (
	"fmt"
	"io"

	"dynalab/engine"
	"dynalab/sessions"
)

// recordCapacity keeps the capacity history of a local session
// (sessions.RecordCapacity, read by dynalab doctor) while serve or the
// workbench runs; stop writes the minute in progress. --data,
// --in-memory, --read-only and remote backends record nothing.
func recordCapacity(sel sessions.Selector, b sessions.Backend, stderr io.Writer) (stop func()) {
	name := sel.SessionName()
	if name == "" || sel.ReadOnly || b.Kind() != sessions.KindLocal {
		return func() {}
	}
	path, err := sel.Home.CapacityPath(name)
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

// tuneGC sets the garbage collector's headroom from the data just loaded
// (engine.TuneGC: one collection) off the first request's path; the
// returned wait joins it.
func tuneGC() (wait func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		engine.TuneGC()
	}()
	return func() { <-done }
}
