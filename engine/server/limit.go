package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of the slow-body guard: a body may take BodyGrace plus one
// second per MinBodyRate bytes (and never more than the read timeout), as
// Apache's mod_reqtimeout does by default ("body=20,MinRate=500"), so that
// a client trickling its body cannot hold a connection slot for long.
const (
	MinBodyRate = 500 // bytes per second
	BodyGrace   = 20 * time.Second
)

// DefaultMaxConnections is the connection cap when Options.MaxConnections
// is zero: below the process's file-descriptor limit, with room left for
// the database, backups, exports and stream handlers (so that CreateBackup
// can still open its file when every connection slot is taken), and at
// most 8192.
func DefaultMaxConnections() int {
	fds := fdLimit()
	n := fds - max(64, fds/8)
	return min(max(n, 16), 8192)
}

// At the connection cap, a connection is closed to make room for a new
// one when it is idle (an SDK keeps idle connections for 90 s: they must
// not lock out a new client), or has not sent its request headers within
// evictAfter, or has been sending its body for evictAfter at less than the
// minimum body rate: a slow client cannot hold a slot once others wait.
const evictAfter = time.Second

// evictEvery is how often a connection waiting for a slot looks again for
// one to close.
const evictEvery = 200 * time.Millisecond

// limitListener caps the connections open at once. At the cap it closes
// a connection that makes least use of its slot (see evictAfter), else
// the new connection waits, accepted or in the kernel's backlog, rather
// than being refused.
type limitListener struct {
	net.Listener
	slots   chan struct{}
	closed  chan struct{}
	once    sync.Once
	minRate int64 // bytes per second; <= 0: body readers are never evicted

	mu    sync.Mutex
	conns map[*limitConn]struct{} // open, not hijacked
}

func newLimitListener(ln net.Listener, n int, minRate int64) *limitListener {
	return &limitListener{Listener: ln, slots: make(chan struct{}, n), closed: make(chan struct{}),
		minRate: minRate, conns: map[*limitConn]struct{}{}}
}

func (l *limitListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	select {
	case l.slots <- struct{}{}:
		return l.admit(c), nil
	default:
	}
	t := time.NewTicker(evictEvery)
	defer t.Stop()
	for {
		l.evict(time.Now())
		select {
		case l.slots <- struct{}{}:
			return l.admit(c), nil
		case <-t.C:
		case <-l.closed:
			c.Close()
			return nil, net.ErrClosed
		}
	}
}

// admit wraps a connection that has taken a slot.
func (l *limitListener) admit(c net.Conn) *limitConn {
	lc := &limitConn{Conn: c, l: l, state: http.StateNew, since: time.Now()}
	l.mu.Lock()
	l.conns[lc] = struct{}{}
	l.mu.Unlock()
	return lc
}

func (l *limitListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return l.Listener.Close()
}

// evict closes the connection that makes least use of its slot, if one
// qualifies: the longest idle, else the oldest still without a request,
// else the slowest body below the minimum rate.
func (l *limitListener) evict(now time.Time) {
	l.mu.Lock()
	var idle, fresh, slow *limitConn
	slowRate := float64(l.minRate)
	for c := range l.conns {
		switch {
		case c.state == http.StateIdle:
			if idle == nil || c.since.Before(idle.since) {
				idle = c
			}
		case c.state == http.StateNew && now.Sub(c.since) >= evictAfter:
			if fresh == nil || c.since.Before(fresh.since) {
				fresh = c
			}
		case c.state == http.StateActive && l.minRate > 0:
			start := c.bodyStart.Load()
			if start == 0 || now.Sub(time.Unix(0, start)) < evictAfter {
				break
			}
			rate := float64(c.bodyRead.Load()) / now.Sub(time.Unix(0, start)).Seconds()
			if rate < slowRate {
				slow, slowRate = c, rate
			}
		}
	}
	victim := idle
	if victim == nil {
		victim = fresh
	}
	if victim == nil {
		victim = slow
	}
	l.mu.Unlock()
	if victim != nil {
		victim.Close()
	}
}

// connState is http.Server.ConnState: it tracks what each connection is
// doing, for evict.
func (l *limitListener) connState(c net.Conn, st http.ConnState) {
	lc := asLimitConn(c)
	if lc == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, open := l.conns[lc]; !open {
		return
	}
	switch st {
	case http.StateClosed, http.StateHijacked:
		delete(l.conns, lc)
	default:
		lc.state, lc.since = st, time.Now()
	}
}

// asLimitConn returns the limitConn under c (a *tls.Conn around one, or
// one itself), or nil.
func asLimitConn(c net.Conn) *limitConn {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	lc, _ := c.(*limitConn)
	return lc
}

type connKey struct{}

// connContext is http.Server.ConnContext: it lets a request find its
// connection, for the body-rate bookkeeping.
func connContext(ctx context.Context, c net.Conn) context.Context {
	if lc := asLimitConn(c); lc != nil {
		return context.WithValue(ctx, connKey{}, lc)
	}
	return ctx
}

// limitConn gives its slot back when closed.
type limitConn struct {
	net.Conn
	l    *limitListener
	once sync.Once

	// Guarded by l.mu.
	state http.ConnState
	since time.Time

	// The body being read: when its reading began (UnixNano, 0 when none
	// is) and how many bytes have arrived.
	bodyStart, bodyRead atomic.Int64
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		c.l.mu.Lock()
		delete(c.l.conns, c)
		c.l.mu.Unlock()
		<-c.l.slots
	})
	return err
}

// errSlowBody reports a request body arriving slower than the minimum rate.
var errSlowBody = errors.New("request body arrives too slowly")

// rateReader reads a request body under a deadline that grows with what
// has arrived: start + grace + read/rate, never past limit.
type rateReader struct {
	r           io.Reader
	lc          *limitConn // nil when Serve does not cap connections
	conn        readDeadliner
	start       time.Time
	limit       time.Time // zero: none
	grace       time.Duration
	rate        int64
	read        int64
	deadline    time.Time
	deadlineErr bool // setting the deadline failed: no guard
}

// readDeadliner is what http.ResponseController uses of net/http's
// ResponseWriter, asserted directly to save an allocation per request.
type readDeadliner interface {
	SetReadDeadline(time.Time) error
}

func (s *Server) newRateReader(w http.ResponseWriter, req *http.Request, r io.Reader) *rateReader {
	rate, grace := int64(MinBodyRate), BodyGrace
	if s.opt.MinBodyRate != 0 {
		rate = s.opt.MinBodyRate
	}
	if s.opt.BodyGrace != 0 {
		grace = s.opt.BodyGrace
	}
	conn, ok := w.(readDeadliner)
	if rate < 0 || !ok {
		return nil // off, or not a net/http connection (a test's recorder)
	}
	now := time.Now()
	rr := &rateReader{r: r, conn: conn, start: now, grace: grace, rate: rate}
	if lc, ok := req.Context().Value(connKey{}).(*limitConn); ok {
		rr.lc = lc
		lc.bodyRead.Store(0)
		lc.bodyStart.Store(now.UnixNano())
	}
	if rt := timeout(s.opt.ReadTimeout, ReadTimeout); rt > 0 {
		rr.limit = now.Add(rt)
	}
	rr.extend()
	return rr
}

// extend moves the read deadline to what the bytes read so far earn.
func (rr *rateReader) extend() {
	if rr.deadlineErr {
		return
	}
	d := rr.start.Add(rr.grace + time.Duration(rr.read)*time.Second/time.Duration(rr.rate))
	if !rr.limit.IsZero() && d.After(rr.limit) {
		d = rr.limit
	}
	// Moving it costs a system call: only when it has grown by a second.
	if !rr.deadline.IsZero() && d.Sub(rr.deadline) < time.Second && !d.Equal(rr.limit) {
		return
	}
	if err := rr.conn.SetReadDeadline(d); err != nil {
		rr.deadlineErr = true
		return
	}
	rr.deadline = d
}

func (rr *rateReader) Read(p []byte) (int, error) {
	n, err := rr.r.Read(p)
	rr.read += int64(n)
	if rr.lc != nil {
		rr.lc.bodyRead.Add(int64(n))
	}
	switch {
	case err == io.EOF: // the common end, without errors.As's allocation
		return n, err
	case err != nil:
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return n, fmt.Errorf("%w (%d bytes in %s)", errSlowBody, rr.read, time.Since(rr.start).Round(time.Millisecond))
		}
		return n, err
	}
	rr.extend()
	return n, nil
}

// finish ends the body's bookkeeping. After a body read whole it lifts
// the deadline, so that net/http's background read does not time out (and
// cancel the request's context) while a long operation runs;
// WriteTimeout still bounds the request. After an error the deadline
// stays: what remains unread must stay under it, or net/http would wait
// for it after the answer.
func (rr *rateReader) finish(complete bool) {
	if rr.lc != nil {
		rr.lc.bodyStart.Store(0)
	}
	if complete && !rr.deadlineErr {
		_ = rr.conn.SetReadDeadline(time.Time{})
	}
}
