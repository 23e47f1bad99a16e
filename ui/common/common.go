package common

import (
	"context"
	"sync"
	"time"

	"dynalab/sessions"
	"dynalab/themes"
)

// DefaultTimeout bounds one operation when Common.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Common is shared by the root and every pane, by pointer: when the root
// changes the theme, every pane draws with the new one.
type Common struct {
	Ctx     context.Context  // canceled when the workbench stops
	Backend sessions.Backend // where data comes from
	Theme   *themes.Theme    // the active theme
	Clock   func() time.Time // now; tests fix it
	Timeout time.Duration    // the longest one operation may take

	// inflight counts the operations Do is running, abandoned at their
	// timeout or not: Wait joins them before the backend is closed under
	// them.
	inflight inflight
}

// inflight is a WaitGroup that refuses new work once waited on, so that
// no Add can race with Wait.
type inflight struct {
	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

// add counts one more operation; false once Wait has begun.
func (f *inflight) add() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return false
	}
	f.wg.Add(1)
	return true
}

// Wait refuses operations from now on and returns when every one Do
// started has returned (backends honour the context, so that is soon
// after the workbench stops).
func (c *Common) Wait() {
	c.inflight.mu.Lock()
	c.inflight.closed = true
	c.inflight.mu.Unlock()
	c.inflight.wg.Wait()
}

// Remote reports whether the session's data is behind an endpoint rather
// than in this process's engine: panes then say that their live feeds
// need the embedded engine.
func (c *Common) Remote() bool {
	return c.Backend != nil && c.Backend.Kind() == sessions.KindRemote
}

// Now returns the clock's time.
func (c *Common) Now() time.Time {
	if c.Clock == nil {
		return time.Now()
	}
	return c.Clock()
}

// OpContext returns a context for one operation: canceled by the returned
// function, by the workbench stopping, or after the timeout.
func (c *Common) OpContext() (context.Context, context.CancelFunc) {
	parent := c.Ctx
	if parent == nil {
		parent = context.Background()
	}
	d := c.Timeout
	if d <= 0 {
		d = DefaultTimeout
	}
	return context.WithTimeout(context.WithValue(parent, inflightKey{}, &c.inflight), d)
}

// inflightKey carries a Common's in-flight group in OpContext's contexts.
type inflightKey struct{}

// Do runs fn and returns its result, or ctx's error as soon as ctx is done,
// even when fn does not watch ctx: an operation always ends within its
// timeout. fn keeps running in the background in that case, its late
// result dropped; when ctx comes from OpContext, Common.Wait joins it.
func Do[T any](ctx context.Context, fn func(context.Context) (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	if err := ctx.Err(); err != nil {
		var zero T
		return zero, err // stopped or timed out already: start nothing
	}
	group, _ := ctx.Value(inflightKey{}).(*inflight)
	if group != nil && !group.add() {
		var zero T
		return zero, context.Canceled // the workbench has stopped
	}
	ch := make(chan result, 1)
	go func() {
		if group != nil {
			defer group.wg.Done()
		}
		v, err := fn(ctx)
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}
