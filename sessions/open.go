package sessions

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"dynalab/engine"
	"dynalab/partiql"
)

// Selector says which data a command works on: the --session, --data,
// --endpoint and --in-memory flags every command shares. They are
// alternatives; with none of them the default session is used.
type Selector struct {
	// Home is where named sessions live (the command layer resolves it
	// once, DefaultHome); --data, --endpoint and --in-memory do not need
	// it.
	Home Home

	Session  string // a named session
	Data     string // a database file, outside any session
	Endpoint string // a DynamoDB-compatible endpoint URL
	InMemory bool   // a throwaway in-memory database

	// Region is the AWS region of Endpoint or of a remote session
	// (overriding the session's); for a local database it is the region
	// shown in ARNs.
	Region string
	// Profile is the shared-config profile of Endpoint or of a remote
	// session (overriding the session's).
	Profile string
	// Sync is a local database's fsync policy: always, everysecond
	// (default) or never.
	Sync string
	// NoThrottle meters a local database's capacity without refusing
	// requests beyond it (engine.Options.NoThrottle).
	NoThrottle bool
	// GSIDelay is a local database's simulated GSI propagation delay
	// (engine.Options.GSIPropagationDelay); 0 is none.
	GSIDelay time.Duration
	// ReadOnly opens a local database without ever writing it
	// (engine.Options.ReadOnly): every write is refused, naming the mode.
	ReadOnly bool

	// ViaHolder reaches a local database that a running dynalab holds
	// through the endpoint that process records in the lock file, instead
	// of failing (run, import and export do this; the workbench and serve
	// need the file itself).
	ViaHolder bool
}

// Validate reports a selection that names more than one source, or a
// profile for a local database.
func (s Selector) Validate() error {
	n := 0
	for _, set := range []bool{s.Session != "", s.Data != "", s.Endpoint != "", s.InMemory} {
		if set {
			n++
		}
	}
	if n > 1 {
		return errors.New("--session, --data, --endpoint and --in-memory are alternatives; give one")
	}
	if s.Profile != "" && (s.Data != "" || s.InMemory) {
		return errors.New("--profile applies to remote endpoints and sessions, not to --data or --in-memory")
	}
	if s.ReadOnly && (s.Endpoint != "" || s.InMemory) {
		return errors.New("--read-only applies to a local database file; on a remote endpoint use credentials that can only read")
	}
	if s.Session != "" {
		if err := validateName("session", s.Session); err != nil {
			return err
		}
	}
	if s.Endpoint != "" {
		if err := checkEndpoint(s.Endpoint); err != nil {
			return fmt.Errorf("--endpoint: %w", err)
		}
	}
	return nil
}

// SessionName returns the session the selection names: Session, or the
// default session when no other source is given; "" for --data,
// --endpoint and --in-memory.
func (s Selector) SessionName() string {
	switch {
	case s.Session != "":
		return s.Session
	case s.Data != "" || s.Endpoint != "" || s.InMemory:
		return ""
	}
	return DefaultName
}

// Open opens the selected backend: a *Local for a local session, --data
// or --in-memory; a *Remote for --endpoint, a remote session, or (with
// ViaHolder) a local database another dynalab holds and serves. A local
// database held by another process fails with an error wrapping
// engine.ErrLocked that names the process.
func Open(ctx context.Context, sel Selector) (Backend, error) {
	t, err := sel.resolve()
	if err != nil {
		return nil, err
	}
	return t.open(ctx, sel, nil)
}

// target is what a selection opens: a local database file (or
// engine.InMemory) or a remote endpoint.
type target struct {
	name    string         // the backend's name
	session string         // the session, for messages ("" for --data, --in-memory, --endpoint)
	path    string         // a local database: its file or engine.InMemory
	remote  *RemoteOptions // a remote endpoint
}

// resolve finds what sel opens, reading a named session's settings.
func (sel Selector) resolve() (target, error) {
	if err := sel.Validate(); err != nil {
		return target{}, err
	}
	switch {
	case sel.Endpoint != "":
		return target{name: sel.Endpoint, remote: &RemoteOptions{Endpoint: sel.Endpoint, Region: sel.Region, Profile: sel.Profile}}, nil
	case sel.InMemory:
		return target{name: "in-memory", path: engine.InMemory}, nil
	case sel.Data != "":
		return target{name: filepath.Base(sel.Data), path: sel.Data}, nil
	}
	name := sel.SessionName()
	st, err := sel.Home.Load(name)
	if err != nil {
		return target{}, err
	}
	if st.Kind == KindRemote {
		if sel.ReadOnly {
			return target{}, fmt.Errorf("--read-only applies to a local database; session %q is remote: use credentials that can only read", name)
		}
		opts := RemoteOptions{Endpoint: st.Endpoint, Region: st.Region, Profile: st.Profile}
		if sel.Region != "" {
			opts.Region = sel.Region
		}
		if sel.Profile != "" {
			opts.Profile = sel.Profile
		}
		return target{name: name, session: name, remote: &opts}, nil
	}
	if sel.Profile != "" {
		return target{}, fmt.Errorf("--profile applies to remote sessions; session %q is local", name)
	}
	path, err := sel.Home.DatabasePath(name)
	if err != nil {
		return target{}, err
	}
	return target{name: name, session: name, path: path}, nil
}

// open opens t; onLoad, if set, hears a local database file's load
// progress (engine.Options.OnLoad), and ctx's end stops that load.
func (t target) open(ctx context.Context, sel Selector, onLoad func(done, total int64)) (Backend, error) {
	if t.remote != nil {
		return OpenRemote(ctx, t.name, *t.remote)
	}
	return openLocal(ctx, t.name, t.session, t.path, sel, onLoad)
}

// openLocal opens a database file (or InMemory) as a Local, or, when
// another dynalab holds it and sel.ViaHolder is set, reaches it through
// that process's endpoint.
func openLocal(ctx context.Context, name, session, path string, sel Selector, onLoad func(done, total int64)) (Backend, error) {
	opts := engine.Options{Path: path, Sync: sel.Sync, Region: sel.Region, NoThrottle: sel.NoThrottle,
		GSIPropagationDelay: sel.GSIDelay, ReadOnly: sel.ReadOnly}
	lopts := opts
	lopts.OnLoad = onLoad // for this open only: Serve opens other regions with opts
	db, err := engine.OpenContext(ctx, lopts)
	if err == nil {
		return newLocal(name, db, opts), nil
	}
	what := "open " + path
	if session != "" {
		what = fmt.Sprintf("open session %q", session)
	}
	if !errors.Is(err, engine.ErrLocked) {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	h := readHolder(path)
	if sel.ViaHolder && h.Endpoint != "" {
		// Signed with the AWS chain's credentials (placeholders without any):
		// the holder may be serving with --auth.
		r, rerr := OpenRemote(context.Background(), name, RemoteOptions{Endpoint: h.Endpoint, Region: sel.Region})
		if rerr != nil {
			return nil, rerr
		}
		r.held = path
		return r, nil
	}
	if sel.ViaHolder {
		return nil, fmt.Errorf("%s: %w; that process serves no endpoint to go through: stop it, or start it with an endpoint", what, err)
	}
	return nil, fmt.Errorf("%s: %w; quit that workbench or stop that server first (dynalab run, import and export go through it)", what, err)
}

// PartiQL returns the statement backend of b for partiql.Runner: the
// executor of a Local, the endpoint of a Remote; nil for other Backends.
func PartiQL(b Backend) partiql.Backend {
	switch b := b.(type) {
	case *Local:
		return b.exec
	case *Remote:
		return b
	}
	return nil
}

// Planner returns what plans statements the way b runs them: a local
// session's own executor, else an executor over b's item API (the same
// planner, without the engine's estimates).
func Planner(b Backend) *partiql.Executor {
	if l, ok := b.(*Local); ok {
		return l.exec
	}
	return partiql.New(b, partiql.Options{})
}

// AsLocal returns b as the local session it is, for the server assembly
// that serves its engine; a remote backend is an error saying so.
func AsLocal(b Backend) (*Local, error) {
	l, ok := b.(*Local)
	if !ok {
		return nil, fmt.Errorf("%q is remote (%s), not a local database", b.Name(), b.Endpoint())
	}
	return l, nil
}

// Held returns the local database file a backend reaches through the
// process holding it (Selector.ViaHolder), or "".
func Held(b Backend) string {
	if r, ok := b.(*Remote); ok {
		return r.held
	}
	return ""
}
