package loadgen

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"dynalab/engine"
	"dynalab/engine/attr"
	"dynalab/sessions"
)

// Client is what a load needs of a backend; a sessions.Backend is one.
type Client interface {
	DescribeTable(ctx context.Context, in *engine.DescribeTableInput) (*engine.DescribeTableOutput, error)
	GetItem(ctx context.Context, in *engine.GetItemInput) (*engine.GetItemOutput, error)
	PutItem(ctx context.Context, in *engine.PutItemInput) (*engine.PutItemOutput, error)
	Query(ctx context.Context, in *engine.QueryInput) (*engine.QueryOutput, error)
}

// Clock is the time a load is paced and measured on.
type Clock interface {
	Now() time.Time
	// Sleep waits d, or returns ctx's error as soon as ctx ends. A fake
	// clock advances itself by d and returns at once.
	Sleep(ctx context.Context, d time.Duration) error
}

// RealClock is the wall clock.
type RealClock struct{}

// Now returns time.Now().
func (RealClock) Now() time.Time { return time.Now() }

// Sleep waits d or until ctx ends.
func (RealClock) Sleep(ctx context.Context, d time.Duration) error { return sessions.Sleep(ctx, d) }

// Options describe a load.
type Options struct {
	Table    string
	Rate     float64       // requests a second, > 0
	Duration time.Duration // how long to send them, > 0
	Mix      Mix           // zero: DefaultMix
	Keys     Keys          // "": Uniform
	KeyCount int           // distinct partition keys; 0: 1,000
	ItemSize int           // bytes of each item written, as the service counts them; 0: 1 KB
	// Concurrency caps the requests in flight; 0 picks one from the rate
	// (enough for 50 ms requests). When every request slot is busy the
	// load falls behind its rate rather than queue without bound.
	Concurrency int
	// Clock paces and times the load; nil is the wall clock.
	Clock Clock
	// Seed makes the choice of operations and keys repeatable; 0 seeds
	// from the runtime's random source.
	Seed uint64
	// ProgressEvery is how often OnProgress is called, on Clock; 0 is 1s.
	ProgressEvery time.Duration
	// OnProgress, when set, is called from Run's goroutine with the
	// load's progress.
	OnProgress func(Progress)
}

// Counts are what requests came to.
type Counts struct {
	Requests    int64         `json:"requests"`    // answered, throttled and failed alike
	Throttled   int64         `json:"throttled"`   // refused for want of capacity
	Failed      int64         `json:"failed"`      // any other error
	ConsumedRCU float64       `json:"consumedRCU"` // as the answers report (ReturnConsumedCapacity TOTAL)
	ConsumedWCU float64       `json:"consumedWCU"`
	P50         time.Duration `json:"-"` // latency of all requests
	P99         time.Duration `json:"-"`
}

// Progress is a load's state, reported every Options.ProgressEvery.
type Progress struct {
	Elapsed time.Duration
	Total   Counts        // since the start
	Window  Counts        // since the previous report
	Length  time.Duration // of the window
	// NewFailures are the failures first seen in the window.
	NewFailures []Failure
}

// Failure is one kind of failed request: an operation and its error.
type Failure struct {
	Operation string `json:"operation"`
	Error     string `json:"error"`
	Count     int64  `json:"count"`
}

// OperationCounts are one operation's requests.
type OperationCounts struct {
	Requests  int64 `json:"requests"`
	Throttled int64 `json:"throttled"`
	Failed    int64 `json:"failed"`
}

// Result is what a load came to.
type Result struct {
	Counts
	Elapsed    time.Duration
	Operations map[string]OperationCounts // by operation name (GetItem, Query, PutItem)
	// ThrottleReasons counts the throttles by the service's reason
	// (ThrottlingReasons, e.g. TableWriteProvisionedThroughputExceeded);
	// throttles without one count under their error code.
	ThrottleReasons map[string]int64
	// FirstThrottle is when the first throttle came, from the start; only
	// meaningful when Throttled > 0.
	FirstThrottle time.Duration
	// Failures are the kinds of failed requests, in the order first seen
	// (the first maxFailureKinds kinds; later ones count in Failed only).
	Failures []Failure
	// Interrupted is set when ctx ended the load early.
	Interrupted bool
}

// maxFailureKinds bounds Result.Failures.
const maxFailureKinds = 10

// Defaults.
const (
	DefaultKeyCount = 1000
	DefaultItemSize = 1024
	maxConcurrency  = 256
	// MaxRate is the highest rate a load paces (a request each
	// microsecond); no endpoint keeps up with it.
	MaxRate = 1_000_000
)

// behind is how far the load may fall behind its schedule before it
// gives up on the requests it missed instead of sending them in a burst.
const behind = time.Second

// job is one request to make.
type job struct {
	op  op
	key int
}

// run is one load in progress.
type run struct {
	opts   Options
	client Client
	clock  Clock
	items  *items
	start  time.Time

	mu      sync.Mutex
	total   tally
	window  tally
	ops     [opCount]OperationCounts
	reasons map[string]int64
	first   time.Duration // of the first throttle
	fails   map[failKey]*Failure
	order   []failKey // fails in the order first seen
	fresh   int       // order[fresh:] are new since the last report
	written []int     // keys written, in the order first written
	isKey   []bool    // isKey[k]: key k is in written
}

type failKey struct{ op, msg string }

// tally accumulates Counts.
type tally struct {
	requests, throttled, failed int64
	rcu, wcu                    float64
	lat                         histogram
}

func (t *tally) counts() Counts {
	return Counts{Requests: t.requests, Throttled: t.throttled, Failed: t.failed, ConsumedRCU: t.rcu, ConsumedWCU: t.wcu,
		P50: t.lat.percentile(0.50), P99: t.lat.percentile(0.99)}
}

// withDefaults fills in opts' defaults and checks it.
func (opts Options) withDefaults() (Options, error) {
	if opts.Mix == (Mix{}) {
		opts.Mix = DefaultMix
	}
	if opts.Keys == "" {
		opts.Keys = Uniform
	}
	if opts.KeyCount == 0 {
		opts.KeyCount = DefaultKeyCount
	}
	if opts.ItemSize == 0 {
		opts.ItemSize = DefaultItemSize
	}
	if opts.Clock == nil {
		opts.Clock = RealClock{}
	}
	if opts.ProgressEvery <= 0 {
		opts.ProgressEvery = time.Second
	}
	if opts.Seed == 0 {
		opts.Seed = rand.Uint64()
	}
	if opts.Concurrency == 0 {
		opts.Concurrency = int(min(math.Ceil(opts.Rate/20), maxConcurrency))
	}
	switch {
	case opts.Table == "":
		return opts, errors.New("no table to load")
	case !(opts.Rate > 0) || opts.Rate > MaxRate:
		return opts, fmt.Errorf("rate %v: want requests a second above 0, at most %d", opts.Rate, MaxRate)
	case opts.Duration <= 0:
		return opts, fmt.Errorf("duration %v: want a positive duration", opts.Duration)
	case opts.KeyCount < 1 || opts.KeyCount > MaxKeyCount:
		return opts, fmt.Errorf("key count %d: want 1 to %d", opts.KeyCount, MaxKeyCount)
	case opts.ItemSize < 1 || opts.ItemSize > attr.MaxItemSize:
		return opts, fmt.Errorf("item size %d B: want 1 B to 400 KB", opts.ItemSize)
	case opts.Mix.Read < 0 || opts.Mix.Query < 0 || opts.Mix.Write < 0:
		return opts, errors.New("mix weights cannot be negative")
	case opts.Keys != Uniform && opts.Keys != Hot && opts.Keys != Zipf:
		return opts, fmt.Errorf("keys %q: want uniform, hot or zipf", opts.Keys)
	}
	opts.Concurrency = max(opts.Concurrency, 1)
	return opts, nil
}

// Prepare checks opts and the table (DescribeTable) without sending any
// load, returning opts with their defaults: what Run would do.
func Prepare(ctx context.Context, c Client, opts Options) (Options, *engine.TableDescription, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return opts, nil, err
	}
	d, err := c.DescribeTable(ctx, &engine.DescribeTableInput{TableName: opts.Table})
	if err != nil {
		return opts, nil, fmt.Errorf("describe table %s: %w", opts.Table, err)
	}
	if d.Table == nil {
		return opts, nil, fmt.Errorf("describe table %s: no table in the answer", opts.Table)
	}
	s, err := schemaOf(d.Table)
	if err != nil {
		return opts, nil, err
	}
	if _, err := newItems(s, opts.ItemSize, opts.KeyCount); err != nil {
		return opts, nil, err
	}
	return opts, d.Table, nil
}

// Run sends the load and returns what it came to. It returns an error
// only when the load cannot start (no such table, bad options); every
// request's error is counted in the Result. Ending ctx stops the load
// early: the requests in flight are abandoned uncounted, and the Result
// covers the rest (Interrupted set).
func Run(ctx context.Context, c Client, opts Options) (*Result, error) {
	opts, desc, err := Prepare(ctx, c, opts)
	if err != nil {
		return nil, err
	}
	s, err := schemaOf(desc)
	if err != nil {
		return nil, err
	}
	it, err := newItems(s, opts.ItemSize, opts.KeyCount)
	if err != nil {
		return nil, err
	}
	r := &run{opts: opts, client: c, clock: opts.Clock, items: it, reasons: map[string]int64{},
		fails: map[failKey]*Failure{}, isKey: make([]bool, opts.KeyCount)}
	// Each request is one attempt: a retried throttle would be counted
	// once here and several times by the server.
	ctx = sessions.NoRetries(ctx)
	jobs := make(chan job)
	var wg sync.WaitGroup
	for range opts.Concurrency {
		wg.Go(func() {
			for j := range jobs {
				r.do(ctx, j)
			}
		})
	}
	r.start = r.clock.Now()
	r.schedule(ctx, jobs)
	close(jobs)
	wg.Wait()
	return r.result(ctx.Err() != nil), nil
}

// schedule sends jobs at the rate until the duration ends (or ctx does),
// reporting progress on the way.
func (r *run) schedule(ctx context.Context, jobs chan<- job) {
	interval := time.Duration(float64(time.Second) / r.opts.Rate)
	end := r.start.Add(r.opts.Duration)
	ch := newChooser(r.opts.Seed, r.opts.Mix, r.opts.Keys, r.opts.KeyCount)
	next, report, last := r.start, r.start.Add(r.opts.ProgressEvery), r.start
	for ctx.Err() == nil {
		now := r.clock.Now()
		if !now.Before(end) {
			return // the result reports the end
		}
		if !now.Before(report) && r.opts.OnProgress != nil {
			r.opts.OnProgress(r.progress(now, now.Sub(last)))
			last = now
		}
		for !now.Before(report) {
			report = report.Add(r.opts.ProgressEvery)
		}
		if now.Before(next) {
			wake := next
			for _, t := range []time.Time{report, end} {
				if t.Before(wake) {
					wake = t
				}
			}
			if r.clock.Sleep(ctx, wake.Sub(now)) != nil {
				return
			}
			continue
		}
		if now.Sub(next) > behind {
			next = now
		}
		j := job{op: ch.op()}
		j.key = ch.key()
		if j.op != opPut {
			j.key = r.readKey(j.key, ch)
		}
		select {
		case jobs <- j:
		case <-ctx.Done():
			return
		}
		next = next.Add(interval)
	}
}

// readKey returns the key a read of drawn addresses: drawn when the load
// has written it, else one of the keys it has written (a read of a key
// never written would find nothing); drawn itself when nothing has been
// written yet, as an earlier load may have.
func (r *run) readKey(drawn int, ch *chooser) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.isKey[drawn] || len(r.written) == 0 {
		return drawn
	}
	return r.written[ch.rng.IntN(len(r.written))]
}

// do makes one request and counts it.
func (r *run) do(ctx context.Context, j job) {
	it := r.items
	var units float64
	start := r.clock.Now()
	var err error
	switch j.op {
	case opGet:
		var out *engine.GetItemOutput
		out, err = r.client.GetItem(ctx, &engine.GetItemInput{TableName: it.table, Key: it.key(j.key), ReturnConsumedCapacity: engine.CapacityTotal})
		if err == nil {
			units = consumed(out.ConsumedCapacity)
		}
	case opQuery:
		var out *engine.QueryOutput
		cond := "#pk = :pk"
		out, err = r.client.Query(ctx, &engine.QueryInput{TableName: it.table, KeyConditionExpression: &cond,
			ExpressionAttributeNames: map[string]string{"#pk": it.pkName}, ExpressionAttributeValues: engine.Values{":pk": it.pk(j.key)},
			ReturnConsumedCapacity: engine.CapacityTotal})
		if err == nil {
			units = consumed(out.ConsumedCapacity)
		}
	case opPut:
		var out *engine.PutItemOutput
		out, err = r.client.PutItem(ctx, &engine.PutItemInput{TableName: it.table, Item: it.item(j.key), ReturnConsumedCapacity: engine.CapacityTotal})
		if err == nil {
			units = consumed(out.ConsumedCapacity)
		}
	}
	end := r.clock.Now()
	if err != nil && ctx.Err() != nil {
		return // abandoned, not answered
	}
	r.record(j, end.Sub(start), end.Sub(r.start), units, err)
}

func consumed(c *engine.ConsumedCapacity) float64 {
	if c == nil {
		return 0
	}
	return c.CapacityUnits
}

// throttleReason returns the reason a throttling error gives, or "" for
// any other error. ThrottlingException and
// ProvisionedThroughputExceededException are DynamoDB's throttling errors,
// with RequestLimitExceeded for the account's throughput quota ("Throttling
// errors", https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html).
func throttleReason(err error) string {
	var api *engine.APIError
	if !errors.As(err, &api) {
		return ""
	}
	switch api.Code {
	case engine.CodeThrottling, engine.CodeProvisionedThroughput, engine.CodeRequestLimitExceeded:
		if len(api.ThrottlingReasons) > 0 && api.ThrottlingReasons[0].Reason != "" {
			return api.ThrottlingReasons[0].Reason
		}
		return api.Code
	}
	return ""
}

// record counts one answered request.
func (r *run) record(j job, took, at time.Duration, units float64, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	oc := &r.ops[j.op]
	oc.Requests++
	for _, t := range []*tally{&r.total, &r.window} {
		t.requests++
		t.lat.add(took)
	}
	switch reason := throttleReason(err); {
	case err == nil:
		for _, t := range []*tally{&r.total, &r.window} {
			if j.op == opPut {
				t.wcu += units
			} else {
				t.rcu += units
			}
		}
		if j.op == opPut && !r.isKey[j.key] {
			r.isKey[j.key] = true
			r.written = append(r.written, j.key)
		}
	case reason != "":
		if r.total.throttled == 0 || at < r.first {
			r.first = at
		}
		oc.Throttled++
		r.total.throttled++
		r.window.throttled++
		r.reasons[reason]++
	default:
		oc.Failed++
		r.total.failed++
		r.window.failed++
		k := failKey{opNames[j.op], err.Error()}
		if f := r.fails[k]; f != nil {
			f.Count++
		} else if len(r.order) < maxFailureKinds {
			r.fails[k] = &Failure{Operation: k.op, Error: k.msg, Count: 1}
			r.order = append(r.order, k)
		}
	}
}

// progress reports the load at now and starts a new window.
func (r *run) progress(now time.Time, length time.Duration) Progress {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := Progress{Elapsed: now.Sub(r.start), Total: r.total.counts(), Window: r.window.counts(), Length: length}
	for _, k := range r.order[r.fresh:] {
		p.NewFailures = append(p.NewFailures, *r.fails[k])
	}
	r.fresh = len(r.order)
	r.window = tally{}
	return p
}

// result is the load's Result once every request has been answered.
func (r *run) result(interrupted bool) *Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	res := &Result{Counts: r.total.counts(), Elapsed: r.clock.Now().Sub(r.start), Operations: map[string]OperationCounts{},
		ThrottleReasons: r.reasons, FirstThrottle: r.first, Interrupted: interrupted}
	for i, oc := range r.ops {
		if oc.Requests > 0 {
			res.Operations[opNames[i]] = oc
		}
	}
	for _, k := range r.order {
		res.Failures = append(res.Failures, *r.fails[k])
	}
	return res
}
