package sessions

import (
	"context"
	"errors"
	"os"
	"sync"

	"dynalab/engine"
)

// Opening is a backend being opened in the background (OpenAsync): the
// workbench draws its first frame and keeps its keys while a large
// database file loads, showing Progress, and starts on the backend once
// Done is closed.
//
// It owns one goroutine, the open. Close (or Cancel then Wait) joins it;
// until Wait hands the backend over, Close closes it too.
type Opening struct {
	what string // what is opened, for people: `session "default"`, data.db, an endpoint
	path string // the local database file; "" for a remote one or in memory
	size int64  // the file's size when the open began

	cancel  context.CancelFunc
	changed chan struct{} // a token when the progress or the outcome changed
	done    chan struct{} // closed once backend or err is set

	mu          sync.Mutex
	loaded, all int64 // the last progress report
	backend     Backend
	err         error
	taken       bool // Wait handed the backend over
}

// Ready runs in the opening goroutine once the backend is open, before
// Done is closed: what must start before anyone uses the backend (the
// workbench's server, which records its endpoint). On an error it undoes
// what it started; the backend is then closed and the error is the
// Opening's.
type Ready func(Backend) error

// OpenAsync opens the selected backend (as Open) in a goroutine and
// returns at once; only a selection that names nothing openable (flags in
// conflict, a missing session) fails here, before anything is drawn.
// Ending ctx, or Cancel, stops a local file's load: the file is left as
// it was and its lock released, and the error wraps context.Canceled. A
// damaged file's error is the engine's *engine.CorruptError, wrapped, as
// Open returns it.
func OpenAsync(ctx context.Context, sel Selector, ready Ready) (*Opening, error) {
	t, err := sel.resolve()
	if err != nil {
		return nil, err
	}
	return StartOpening(ctx, t.describe(), t.path, func(ctx context.Context, onLoad func(done, total int64)) (Backend, error) {
		return t.open(ctx, sel, onLoad)
	}, ready), nil
}

// describe names a target for the loading view.
func (t target) describe() string {
	switch {
	case t.session != "":
		return `session "` + t.session + `"`
	case t.remote != nil:
		return t.remote.Endpoint
	case t.path == engine.InMemory:
		return "an in-memory database"
	}
	return t.name
}

// StartOpening runs open in a goroutine as an Opening: what names it for
// people, path is the database file it loads ("" or engine.InMemory for
// none). open reports its progress through onLoad (it may never) and must
// stop when its context ends. OpenAsync uses it; tests inject a loader.
func StartOpening(ctx context.Context, what, path string, open func(ctx context.Context, onLoad func(done, total int64)) (Backend, error), ready Ready) *Opening {
	ctx, cancel := context.WithCancel(ctx)
	o := &Opening{what: what, cancel: cancel, changed: make(chan struct{}, 1), done: make(chan struct{})}
	if path != "" && path != engine.InMemory {
		o.path = path
		if fi, err := os.Stat(path); err == nil {
			o.size = fi.Size()
		}
	}
	go o.run(ctx, open, ready)
	return o
}

func (o *Opening) run(ctx context.Context, open func(context.Context, func(done, total int64)) (Backend, error), ready Ready) {
	defer close(o.done)
	defer o.signal()
	b, err := open(ctx, o.report)
	if err == nil && ready != nil {
		if err = ready(b); err != nil {
			err = errors.Join(err, b.Close())
			b = nil
		}
	}
	o.mu.Lock()
	o.backend, o.err = b, err
	o.mu.Unlock()
}

func (o *Opening) report(done, total int64) {
	o.mu.Lock()
	o.loaded, o.all = done, total
	o.mu.Unlock()
	o.signal()
}

// signal leaves a token in changed unless one is waiting there already:
// the open never waits for the one who watches it.
func (o *Opening) signal() {
	select {
	case o.changed <- struct{}{}:
	default:
	}
}

// What names what is being opened: `session "NAME"`, a file's name, an
// endpoint.
func (o *Opening) What() string { return o.what }

// Path is the database file being loaded ("" for none), and Size its
// size in bytes when the open began.
func (o *Opening) Path() string { return o.path }
func (o *Opening) Size() int64  { return o.size }

// Progress returns the last progress report: done of total (units of
// engine.Options.OnLoad); total is 0 before the first.
func (o *Opening) Progress() (done, total int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.loaded, o.all
}

// Changed has a token when Progress or the outcome changed since it was
// last taken: one watcher waits on it (and on Done).
func (o *Opening) Changed() <-chan struct{} { return o.changed }

// Done is closed once the open has ended, opened or failed.
func (o *Opening) Done() <-chan struct{} { return o.done }

// Result returns the outcome once Done is closed (nil, nil before): the
// backend, still the Opening's until Wait, or the error.
func (o *Opening) Result() (Backend, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.backend, o.err
}

// Cancel stops the open if it is still loading; it does not wait.
func (o *Opening) Cancel() { o.cancel() }

// Wait waits for the open to end and hands its backend over: the caller
// closes it from then on.
func (o *Opening) Wait() (Backend, error) {
	<-o.done
	o.mu.Lock()
	defer o.mu.Unlock()
	o.taken = o.backend != nil
	return o.backend, o.err
}

// Close cancels the open, waits for it, and closes the backend unless
// Wait handed it over.
func (o *Opening) Close() error {
	o.cancel()
	<-o.done
	o.mu.Lock()
	b := o.backend
	if o.taken {
		b = nil
	}
	o.backend, o.taken = nil, false
	o.mu.Unlock()
	if b != nil {
		return b.Close()
	}
	return nil
}
